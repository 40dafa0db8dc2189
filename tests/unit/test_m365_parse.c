/*
 * test_m365_parse.c - Microsoft 365 value formats and object mapping: proxy
 * addresses, "smtp:" values, inbox-rule recipient strings, and Graph/Exchange
 * objects turned into snapshot entries (rules, forwarding, transport rules,
 * outbound policies, org config).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../providers/m365/m365.h"

#include <stdlib.h>
#include <string.h>

struct proxy_case {
	const char *in;
	int rc;
	const char *addr;
	bool primary;
};

/* test_proxy - SMTP/smtp/other types/garbage */
static void test_proxy(void **state)
{
	static const struct proxy_case cases[] = {
		{ "SMTP:bob@contoso.com", 1, "bob@contoso.com", true },
		{ "smtp:sales@contoso.com", 1, "sales@contoso.com", false },
		{ "SMTP: bob@contoso.com", 1, "bob@contoso.com", true },
		{ "SIP:bob@contoso.com", 0, NULL, false },
		{ "X500:/o=ExchangeLabs/ou=x/cn=Recipients/cn=bob", 0, NULL, false },
		{ "SPO:SPO_1234@SPO_5678", 0, NULL, false },
		{ "smtp:", -1, NULL, false },
		{ "smtp:no-at-sign", -1, NULL, false },
		{ "bob@contoso.com", -1, NULL, false },
		{ ":x@y", -1, NULL, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *a = NULL;
		size_t n = 0;
		bool prim = false;
		int rc = m365_proxy_parse(cases[i].in, &a, &n, &prim);
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, want %d", cases[i].in, rc, cases[i].rc);
		if (rc == 1 && (n != strlen(cases[i].addr) || strncmp(a, cases[i].addr, n) || prim != cases[i].primary))
			fail_msg("'%s': got '%.*s' primary=%d", cases[i].in, (int)n, a, prim);
	}
}

struct str_case {
	const char *in, *want;
};

/* test_recipient_strings - Get-InboxRule recipient strings and smtp: values */
static void test_recipient_strings(void **state)
{
	static const struct str_case rcp[] = {
		{ "\"personal\" [SMTP:adele.personal@gmail.example]", "adele.personal@gmail.example" },
		{ "\"Alex [Fabrikam]\" [SMTP:AlexW@fabrikam.example]", "AlexW@fabrikam.example" },
		{ "[SMTP:x@y.example]", "x@y.example" },
		{ "  \"N\" [smtp:lower@y.example]  ", "lower@y.example" },
		{ "\"Adele\" [EX:/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=adele]", NULL },
		{ "plain@example.com", "plain@example.com" },
		{ "\"Name only\"", NULL },
		{ "\"Broken\" [SMTP:]", NULL },
		{ "", NULL },
	};
	static const struct str_case smtp[] = {
		{ "smtp:someone@gmail.example", "someone@gmail.example" },
		{ "SMTP:x.partner@gmail.com", "x.partner@gmail.com" },
		{ "bob@fabrikam.com", "bob@fabrikam.com" },
		{ "SIP:bob@contoso.com", NULL },
		{ "", NULL },
		{ "Alice Wong", NULL },
	};
	for (size_t i = 0; i < sizeof(rcp) / sizeof(rcp[0]); i++) {
		char *got = m365_recipient_string(rcp[i].in);
		if ((got == NULL) != (rcp[i].want == NULL) || (got && strcmp(got, rcp[i].want)))
			fail_msg("recipient '%s': got '%s', want '%s'", rcp[i].in, got ? got : "(null)",
				 rcp[i].want ? rcp[i].want : "(null)");
		free(got);
	}
	for (size_t i = 0; i < sizeof(smtp) / sizeof(smtp[0]); i++) {
		char *got = m365_smtp_value(smtp[i].in);
		if ((got == NULL) != (smtp[i].want == NULL) || (got && strcmp(got, smtp[i].want)))
			fail_msg("smtp value '%s': got '%s'", smtp[i].in, got ? got : "(null)");
		free(got);
	}
	assert_true(m365_is_guid("72f988bf-86f1-41af-91ab-2d7cd011db47"));
	assert_false(m365_is_guid("contoso.onmicrosoft.com"));
	assert_false(m365_is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4"));
}

/* build - a builder on a new snapshot */
static struct m365_build *build(void)
{
	struct m365_build *b = calloc(1, sizeof(*b));
	b->s = snapshot_new("t", "m365");
	return b;
}

/* done - finish and free */
static void done(struct m365_build *b)
{
	m365_build_finish(b);
	snapshot_free(b->s);
	free(b);
}

/* test_inbox_rules - forwardTo/redirectTo (array or lone object)/forwardAsAttachmentTo, conditions, enabled */
static void test_inbox_rules(void **state)
{
	struct m365_build *b = build();
	char *err = NULL;
	cJSON *rules = cJSON_Parse("["
		"{\"id\":\"r0\",\"displayName\":\"Spam\",\"isEnabled\":true,\"conditions\":{\"subjectContains\":[\"win\"]},\"actions\":{\"delete\":true}},"
		"{\"id\":\"r1\",\"displayName\":\"Fwd\",\"isEnabled\":true,\"conditions\":{},\"actions\":{"
		"\"forwardTo\":[{\"emailAddress\":{\"name\":\"A\",\"address\":\"a@x.example\"}}],"
		"\"redirectTo\":{\"emailAddress\":{\"name\":\"B\",\"address\":\"b@x.example\"}},"
		"\"forwardAsAttachmentTo\":[{\"emailAddress\":{\"name\":\"A again\",\"address\":\"A@x.example\"}}]}},"
		"{\"id\":\"r2\",\"displayName\":\"Partner\",\"isEnabled\":false,\"conditions\":{\"senderContains\":[\"ADELE\"]},"
		"\"actions\":{\"redirectTo\":[{\"emailAddress\":{\"address\":\"c@y.example\"}}],\"delete\":true}},"
		"{\"id\":\"r3\",\"displayName\":\"Exceptions only\",\"exceptions\":{\"isAutomaticReply\":true},"
		"\"actions\":{\"forwardTo\":[{\"emailAddress\":{\"address\":\"\\\"D\\\" [SMTP:d@z.example]\"}}]}}]");
	assert_int_equal(m365_add_inbox_rules(b, "bob@contoso.com", rules, &err), 0);
	assert_int_equal(b->nr_fwd, 3);
	assert_string_equal(b->fwd[0].name, "Fwd");
	assert_string_equal(b->fwd[0].id, "r1");
	assert_int_equal(b->fwd[0].nr_to, 2);
	assert_string_equal(b->fwd[0].to[0], "a@x.example");
	assert_string_equal(b->fwd[0].to[1], "b@x.example");
	assert_true(b->fwd[0].enabled);
	assert_false(b->fwd[0].conditional);
	assert_true(b->fwd[0].keep_copy);
	assert_int_equal(b->fwd[0].via, VIA_INBOX_RULE);
	assert_false(b->fwd[1].enabled);
	assert_true(b->fwd[1].conditional);
	assert_false(b->fwd[1].keep_copy);
	assert_true(b->fwd[2].conditional);
	assert_string_equal(b->fwd[2].to[0], "d@z.example");
	cJSON_Delete(rules);
	rules = cJSON_Parse("{\"value\":[]}");
	assert_int_equal(m365_add_inbox_rules(b, "bob@contoso.com", rules, &err), -1);
	assert_non_null(strstr(err, "bob@contoso.com"));
	free(err);
	cJSON_Delete(rules);
	done(b);
}

/* resolve - a ForwardingAddress resolver for the test */
static char *resolve(void *ctx, const char *id)
{
	return strcmp(id, "Alice Wong") ? NULL : strdup("alice@contoso.com");
}

/* test_mailbox_forward - ForwardingSmtpAddress, ForwardingAddress winning, unknown identity */
static void test_mailbox_forward(void **state)
{
	struct m365_build *b = build();
	char *err = NULL;
	cJSON *m1 = cJSON_Parse("{\"PrimarySmtpAddress\":\"bob@contoso.com\",\"ForwardingAddress\":null,"
				"\"ForwardingSmtpAddress\":\"smtp:bob@fabrikam.com\",\"DeliverToMailboxAndForward\":true,\"Guid\":\"g1\","
				"\"ForwardingSmtpAddress@odata.type\":\"#String\"}");
	cJSON *m2 = cJSON_Parse("{\"PrimarySmtpAddress\":\"hd@contoso.com\",\"ForwardingAddress\":\"Alice Wong\","
				"\"ForwardingSmtpAddress\":\"smtp:ignored@x.example\",\"DeliverToMailboxAndForward\":false}");
	cJSON *m3 = cJSON_Parse("{\"PrimarySmtpAddress\":\"c@contoso.com\",\"ForwardingAddress\":\"Nobody\"}");
	cJSON *m4 = cJSON_Parse("{\"PrimarySmtpAddress\":\"d@contoso.com\",\"ForwardingAddress\":null,\"ForwardingSmtpAddress\":null}");
	assert_int_equal(m365_add_mailbox_forward(b, m1, resolve, NULL, &err), 0);
	assert_int_equal(m365_add_mailbox_forward(b, m2, resolve, NULL, &err), 0);
	assert_int_equal(m365_add_mailbox_forward(b, m4, resolve, NULL, &err), 0);
	assert_int_equal(b->nr_fwd, 2);
	assert_string_equal(b->fwd[0].to[0], "bob@fabrikam.com");
	assert_true(b->fwd[0].keep_copy);
	assert_string_equal(b->fwd[0].id, "g1");
	assert_string_equal(b->fwd[1].to[0], "alice@contoso.com");
	assert_false(b->fwd[1].keep_copy);
	assert_int_equal(m365_add_mailbox_forward(b, m3, resolve, NULL, &err), -1);
	assert_non_null(strstr(err, "Nobody"));
	free(err);
	cJSON_Delete(m1);
	cJSON_Delete(m2);
	cJSON_Delete(m3);
	cJSON_Delete(m4);
	done(b);
}

/* test_transport_rules - catch-all, per-recipient redirect, conditional, not redirecting */
static void test_transport_rules(void **state)
{
	struct m365_build *b = build();
	char *err = NULL;
	cJSON *rules = cJSON_Parse("["
		"{\"Name\":\"Catch all\",\"Guid\":\"t1\",\"State\":\"Enabled\",\"Mode\":\"Enforce\",\"RedirectMessageTo\":[\"it@contoso.com\"],"
		"\"RecipientDomainIs\":null,\"SentTo\":null,\"From\":null,\"RedirectMessageTo@odata.type\":\"#Collection(String)\"},"
		"{\"Name\":\"Legal\",\"Guid\":\"t2\",\"State\":\"Disabled\",\"RedirectMessageTo\":[\"counsel@law.example\"],\"SentTo\":[\"legal@contoso.com\"]},"
		"{\"Name\":\"Cond\",\"Guid\":\"t3\",\"State\":\"Enabled\",\"RedirectMessageTo\":[\"x@contoso.com\"],\"SentTo\":[\"a@contoso.com\"],"
		"\"SubjectContainsWords\":[\"invoice\"]},"
		"{\"Name\":\"Tag\",\"Guid\":\"t4\",\"State\":\"Enabled\",\"RedirectMessageTo\":null,\"SetHeaderName\":\"X\"},"
		"{\"Name\":\"Audit only\",\"Guid\":\"t5\",\"State\":\"Enabled\",\"Mode\":\"Audit\",\"RedirectMessageTo\":[\"y@contoso.com\"]}]");
	const cJSON *r;
	cJSON_ArrayForEach(r, rules)
		assert_int_equal(m365_add_transport_rule(b, r, "contoso.com", &err), 0);
	assert_int_equal(b->nr_ca, 1);
	assert_string_equal(b->ca[0].domain, "contoso.com");
	assert_string_equal(b->ca[0].target, "it@contoso.com");
	assert_int_equal(b->ca[0].scope, CATCHALL_ALL);
	assert_string_equal(b->ca[0].source, "transport-rule");
	assert_int_equal(b->nr_fwd, 2);
	assert_string_equal(b->fwd[0].from, "legal@contoso.com");
	assert_false(b->fwd[0].enabled);
	assert_false(b->fwd[0].conditional);
	assert_int_equal(b->fwd[0].via, VIA_TRANSPORT_RULE);
	assert_true(b->fwd[1].conditional);
	cJSON_Delete(rules);
	done(b);
}

/* test_policies - default and scoped policies, disabled rule, bad mode; org config inversion */
static void test_policies(void **state)
{
	struct m365_build *b = build();
	char *err = NULL;
	cJSON *pol = cJSON_Parse("[{\"Name\":\"Default\",\"IsDefault\":true,\"AutoForwardingMode\":\"Automatic\"},"
				 "{\"Name\":\"Allow\",\"IsDefault\":false,\"AutoForwardingMode\":\"On\"},"
				 "{\"Name\":\"Off for disabled\",\"IsDefault\":false,\"AutoForwardingMode\":\"Off\"}]");
	cJSON *rules = cJSON_Parse("[{\"Name\":\"r\",\"HostedOutboundSpamFilterPolicy\":\"Allow\",\"Priority\":2,\"State\":\"Enabled\","
				   "\"From\":[\"bob@contoso.com\"],\"FromMemberOf\":[\"fwd@contoso.com\"],\"SenderDomainIs\":[\"sub.contoso.com\"],"
				   "\"ExceptIfFrom\":[\"ceo@contoso.com\",\"CEO@contoso.com\"],\"ExceptIfFromMemberOf\":[\"board@contoso.com\"],"
				   "\"ExceptIfSenderDomainIs\":[\"legal.contoso.com\"]},"
				   "{\"Name\":\"r2\",\"HostedOutboundSpamFilterPolicy\":\"Off for disabled\",\"Priority\":1,\"State\":\"Disabled\"}]");
	cJSON *bad = cJSON_Parse("[{\"Name\":\"X\",\"AutoForwardingMode\":\"Sometimes\",\"IsDefault\":true}]");
	cJSON *org = cJSON_Parse("{\"SendFromAliasEnabled\":false,\"DisablePlusAddressInRecipients\":true}");
	assert_int_equal(m365_add_outbound_policies(b, pol, rules, &err), 0);
	assert_int_equal(b->nr_pol, 2);
	assert_true(b->pol[0].is_default);
	assert_int_equal(b->pol[0].mode, FWD_MODE_AUTOMATIC);
	assert_int_equal(b->pol[1].mode, FWD_MODE_ON);
	assert_int_equal(b->pol[1].priority, 2);
	assert_string_equal(b->pol[1].users[0], "bob@contoso.com");
	assert_string_equal(b->pol[1].groups[0], "fwd@contoso.com");
	assert_string_equal(b->pol[1].domains[0], "sub.contoso.com");
	assert_int_equal(b->pol[1].nr_except_users, 1);
	assert_string_equal(b->pol[1].except_users[0], "ceo@contoso.com");
	assert_int_equal(b->pol[1].nr_except_groups, 1);
	assert_string_equal(b->pol[1].except_groups[0], "board@contoso.com");
	assert_int_equal(b->pol[1].nr_except_domains, 1);
	assert_string_equal(b->pol[1].except_domains[0], "legal.contoso.com");
	assert_int_equal(b->pol[0].nr_except_users, 0);
	assert_int_equal(m365_add_outbound_policies(b, bad, NULL, &err), -1);
	assert_non_null(strstr(err, "Sometimes"));
	free(err);
	m365_set_org_config(b, org, &err);
	assert_int_equal(b->s->policy.send_from_alias, TRI_FALSE);
	assert_int_equal(b->s->policy.plus_addressing, TRI_FALSE);
	cJSON_Delete(pol);
	cJSON_Delete(rules);
	cJSON_Delete(bad);
	cJSON_Delete(org);
	done(b);
}

/* test_user - primary from SMTP:, aliases from smtp:, mailbox kind, enabled */
static void test_user(void **state)
{
	struct m365_build *b = build();
	char *err = NULL;
	cJSON *u = cJSON_Parse("{\"id\":\"u1\",\"displayName\":\"Adele\",\"userPrincipalName\":\"adele@contoso.com\",\"mail\":\"Adele.Vance@contoso.com\","
			       "\"proxyAddresses\":[\"smtp:adele@contoso.onmicrosoft.com\",\"SMTP:Adele.Vance@contoso.com\",\"SIP:a@contoso.com\",\"smtp:sales@contoso.com\"],"
			       "\"accountEnabled\":false}");
	cJSON *m = cJSON_Parse("{\"RecipientTypeDetails\":\"SharedMailbox\"}");
	cJSON *bad = cJSON_Parse("{\"id\":\"u2\",\"proxyAddresses\":\"SMTP:x@y\"}");
	assert_int_equal(m365_add_user(b, u, m, NULL, true, &err), 0);
	assert_int_equal(m365_add_user(b, u, NULL, NULL, true, &err), 0);
	assert_int_equal(m365_add_user(b, u, NULL, NULL, false, &err), 0);
	assert_string_equal(b->rcp[0].address, "Adele.Vance@contoso.com");
	assert_int_equal(b->rcp[0].nr_aliases, 2);
	assert_string_equal(b->rcp[0].aliases[0], "adele@contoso.onmicrosoft.com");
	assert_string_equal(b->rcp[0].aliases[1], "sales@contoso.com");
	assert_int_equal(b->rcp[0].kind, RK_SHARED);
	assert_int_equal(b->rcp[0].enabled, TRI_FALSE);
	assert_int_equal(b->rcp[0].has_mailbox, TRI_TRUE);
	assert_int_equal(b->rcp[1].has_mailbox, TRI_FALSE);
	assert_int_equal(b->rcp[2].has_mailbox, TRI_UNSET);
	assert_int_equal(m365_add_user(b, bad, NULL, NULL, true, &err), -1);
	assert_non_null(strstr(err, "proxyAddresses"));
	free(err);
	cJSON_Delete(u);
	cJSON_Delete(m);
	cJSON_Delete(bad);
	done(b);
}

struct reply_case {
	const char *status, *start, *end, *tz;
	int want;
};

/* test_reply_window - scheduled replies count only inside their window; other zones widen it */
static void test_reply_window(void **state)
{
	static const char *now = "2026-11-26T06:00:00Z";
	static const struct reply_case cases[] = {
		{ "disabled", "2026-11-01T00:00:00.0000000", "2026-12-01T00:00:00.0000000", "UTC", 0 },
		{ "alwaysEnabled", "2020-01-01T00:00:00.0000000", "2020-01-02T00:00:00.0000000", "UTC", 1 },
		{ "scheduled", "2026-11-01T00:00:00.0000000", "2026-12-01T00:00:00.0000000", "UTC", 1 },
		{ "Scheduled", "2026-11-01T00:00:00.0000000", "2026-11-02T00:00:00.0000000", "UTC", 0 },
		{ "scheduled", "2026-12-24T00:00:00.0000000", "2027-01-02T00:00:00.0000000", "UTC", 0 },
		{ "scheduled", "2026-11-26T06:00:00.0000000", "2026-11-27T00:00:00.0000000", "UTC", 1 },
		{ "scheduled", "2026-11-20T00:00:00.0000000", "2026-11-26T06:00:00.0000000", "UTC", 0 },
		/* another zone: 05:00 Pacific may still be running at 06:00 UTC */
		{ "scheduled", "2026-11-20T00:00:00.0000000", "2026-11-26T05:00:00.0000000", "Pacific Standard Time", 1 },
		{ "scheduled", "2026-11-26T12:00:00.0000000", "2026-11-30T00:00:00.0000000", "Tokyo Standard Time", 1 },
		{ "scheduled", "2026-11-28T12:00:00.0000000", "2026-11-30T00:00:00.0000000", "Tokyo Standard Time", 0 },
		{ "scheduled", NULL, NULL, NULL, 1 },
		{ "scheduled", "yesterday", "2026-12-01T00:00:00.0000000", "UTC", -1 },
		{ "scheduled", "2026-11-01T00:00:00.0000000", "2026-13-01T00:00:00", "UTC", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *ar = cJSON_CreateObject();
		char *err = NULL;
		int got;
		cJSON_AddStringToObject(ar, "status", cases[i].status);
		if (cases[i].start) {
			cJSON *st = cJSON_AddObjectToObject(ar, "scheduledStartDateTime");
			cJSON *en = cJSON_AddObjectToObject(ar, "scheduledEndDateTime");
			cJSON_AddStringToObject(st, "dateTime", cases[i].start);
			cJSON_AddStringToObject(st, "timeZone", cases[i].tz);
			cJSON_AddStringToObject(en, "dateTime", cases[i].end);
			cJSON_AddStringToObject(en, "timeZone", cases[i].tz);
		}
		got = m365_reply_active(ar, now, &err);
		if (got != cases[i].want)
			fail_msg("case %zu (%s %s..%s %s): got %d, want %d", i, cases[i].status,
				 cases[i].start ? cases[i].start : "-", cases[i].end ? cases[i].end : "-",
				 cases[i].tz ? cases[i].tz : "-", got, cases[i].want);
		if (got < 0)
			assert_non_null(strstr(err, "DateTime"));
		free(err);
		cJSON_Delete(ar);
	}
}

/* test_auto_reply - a scheduled reply that is over is listed, not enabled */
static void test_auto_reply(void **state)
{
	struct m365_build *b = build();
	char *err = NULL;
	cJSON *over = cJSON_Parse("{\"automaticRepliesSetting\":{\"status\":\"scheduled\",\"externalAudience\":\"all\","
				  "\"scheduledStartDateTime\":{\"dateTime\":\"2026-08-01T00:00:00.0000000\",\"timeZone\":\"UTC\"},"
				  "\"scheduledEndDateTime\":{\"dateTime\":\"2026-08-15T00:00:00.0000000\",\"timeZone\":\"UTC\"},"
				  "\"externalReplyMessage\":\"away\"}}");
	cJSON *bad = cJSON_Parse("{\"automaticRepliesSetting\":{\"status\":\"scheduled\","
				 "\"scheduledEndDateTime\":{\"dateTime\":\"soon\",\"timeZone\":\"UTC\"}}}");
	assert_int_equal(m365_add_auto_reply(b, "a@contoso.com", over, "2026-11-26T06:00:00Z", &err), 0);
	assert_int_equal(b->nr_ar, 1);
	assert_false(b->ar[0].enabled);
	assert_int_equal(b->ar[0].external, TRI_TRUE);
	assert_int_equal(m365_add_auto_reply(b, "a@contoso.com", over, "2026-08-02T00:00:00Z", &err), 0);
	assert_true(b->ar[1].enabled);
	assert_int_equal(m365_add_auto_reply(b, "b@contoso.com", bad, "2026-11-26T06:00:00Z", &err), -1);
	assert_non_null(strstr(err, "b@contoso.com"));
	assert_non_null(strstr(err, "scheduledEndDateTime"));
	free(err);
	cJSON_Delete(over);
	cJSON_Delete(bad);
	done(b);
}

/* test_accepted_domains - DomainType: both relay kinds, the default, unknown values */
static void test_accepted_domains(void **state)
{
	static const struct { const char *type; int want; } cases[] = {
		{ "Authoritative", DOM_AUTHORITATIVE }, { NULL, DOM_AUTHORITATIVE },
		{ "InternalRelay", DOM_INTERNAL_RELAY }, { "ExternalRelay", DOM_EXTERNAL_RELAY },
		{ "externalrelay", DOM_EXTERNAL_RELAY }, { "Relay", -1 },
	};
	struct m365_build *b = build();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *o = cJSON_CreateObject();
		char *err = NULL;
		cJSON_AddStringToObject(o, "DomainName", "x.example");
		if (cases[i].type)
			cJSON_AddStringToObject(o, "DomainType", cases[i].type);
		assert_int_equal(m365_domain_type(cases[i].type), cases[i].want);
		if (cases[i].want < 0) {
			assert_int_equal(m365_add_accepted_domain(b, o, &err), -1);
			assert_non_null(strstr(err, "Relay"));
			free(err);
		} else {
			assert_int_equal(m365_add_accepted_domain(b, o, &err), 0);
			assert_int_equal(b->dom[b->nr_dom - 1].type, cases[i].want);
		}
		cJSON_Delete(o);
	}
	done(b);
}

/* test_scope - token scopes follow the configured cloud; a named resource wins */
static void test_scope(void **state)
{
	static const struct { const char *root, *resource, *fallback, *want; } cases[] = {
		{ "https://graph.microsoft.com", NULL, "https://graph.microsoft.com", "https://graph.microsoft.com/.default" },
		{ "https://graph.microsoft.us", NULL, "https://graph.microsoft.com", "https://graph.microsoft.us/.default" },
		{ "https://DOD-Graph.microsoft.us:443", NULL, "https://graph.microsoft.com", "https://dod-graph.microsoft.us/.default" },
		{ "https://microsoftgraph.chinacloudapi.cn", NULL, "https://graph.microsoft.com",
		  "https://microsoftgraph.chinacloudapi.cn/.default" },
		{ "https://outlook.office365.us", NULL, "https://outlook.office365.com", "https://outlook.office365.us/.default" },
		{ "https://webmail.apps.mil", NULL, "https://outlook.office365.com", "https://webmail.apps.mil/.default" },
		{ "https://partner.outlook.cn", NULL, "https://outlook.office365.com", "https://partner.outlook.cn/.default" },
		/* not Microsoft's: the global service unless the resource is named */
		{ "https://127.0.0.1:8443", NULL, "https://outlook.office365.com", "https://outlook.office365.com/.default" },
		{ "https://graph.microsoft.us.evil.example", NULL, "https://graph.microsoft.com", "https://graph.microsoft.com/.default" },
		{ "http://graph.microsoft.us", NULL, "https://graph.microsoft.com", "https://graph.microsoft.com/.default" },
		{ "https://127.0.0.1:8443", "https://graph.microsoft.us/", "https://graph.microsoft.com", "https://graph.microsoft.us/.default" },
		{ "https://graph.microsoft.com", "https://graph.microsoft.us/.default", "https://graph.microsoft.com",
		  "https://graph.microsoft.us/.default" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = m365_scope(cases[i].root, cases[i].resource, cases[i].fallback);
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu (%s): got %s, want %s", i, cases[i].root, got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_recipient_strings),
		cmocka_unit_test(test_inbox_rules),
		cmocka_unit_test(test_mailbox_forward),
		cmocka_unit_test(test_transport_rules),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_reply_window),
		cmocka_unit_test(test_auto_reply),
		cmocka_unit_test(test_accepted_domains),
		cmocka_unit_test(test_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
