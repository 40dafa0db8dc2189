/*
 * test_checks_model.c - the checks that rest on the routing model's
 * resolution and liveness rules (docs/snapshot.md, routing), positive and
 * negative, table-driven; each regression of issue 12 item 3 that is about
 * resolution has its case here. A case is up to two snapshots (the whole
 * body after schema/tenant/provider, domains included), the check to run and
 * the number of findings and gaps it must produce (plus the first finding's
 * subject when given).
 */
#include "snapfixture.h"
#include "core/audit.h"
#include "checks/check.h"

struct snap_text {
	const char *provider, *tenant, *body;
};

struct model_case {
	const char *name;
	struct snap_text a, b;      /* b.provider NULL: one snapshot */
	const char *check;
	int findings, gaps;
	const char *subject;        /* first finding's subject, or NULL */
};

/* mk_full - a snapshot from provider, tenant and the rest of the body */
static struct snapshot *mk_full(const struct snap_text *t)
{
	char *json = xstrfmt("{'schema':'aliasaudit.snapshot/1','tenant':'%s','provider':'%s',%s}",
			     t->tenant, t->provider, t->body);
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct snapshot *s = NULL;
	char *err = NULL;
	if (snapshot_parse("case.json", json, strlen(json), &s, &err)) {
		fprintf(stderr, "fixture does not parse: %s\n%s\n", err, json);
		fail();
	}
	free(json);
	return s;
}

#define DOM(d) "'domains':[{'name':'" d "','primary':true}]"
#define RELAY(d, type) "'domains':[{'name':'contoso.com','primary':true},{'name':'" d "','type':'" type "'}]"
#define U(a) "{'address':'" a "','kind':'user'}"
#define USERS "'recipients':[" U("bob@contoso.com") "," U("alice@contoso.com") "," U("carl@contoso.com") "]"
#define FWD(f, t, via) "{'from':'" f "','to':['" t "'],'via':'" via "','keep_copy':true}"
#define CATCH(target, scope, source) "{'domain':'contoso.com','target':'" target "','scope':'" scope \
	"','source':'" source "','name':'Catch'}"
#define TWO_TYPOS "'forwards':[" FWD("bob@contoso.com", "typo1@contoso.com", "routing") "," \
	FWD("alice@contoso.com", "typo2@contoso.com", "routing") "]"
#define M365_POL(rules) "'policy':{'outbound_forwarding':[{'name':'Default','mode':'automatic','default':true}" \
	rules "],'remote_domains':[{'domain':'*','auto_forward':true}]}"
#define GROUPS "{'address':'outer@contoso.com','kind':'group','members':['inner@contoso.com']}," \
	"{'address':'inner@contoso.com','kind':'group','members':['bob@contoso.com']}"

static const struct model_case cases[] = {
	/* route.ghost: catch-alls (regressions: external target made ghosts; missing target never reported) */
	{ "ghost: an unknown-only catch-all with an external target catches, no ghost",
	  { "custom", "contoso", DOM("contoso.com") "," USERS "," TWO_TYPOS ","
	    "'policy':{'catch_all':[" CATCH("it@gmail.com", "unknown-only", "config") "]}" }, {0},
	  "route.ghost", 0, 0, NULL },
	{ "ghost: a catch-all whose target does not exist: once, at the catch-all",
	  { "custom", "contoso", DOM("contoso.com") "," USERS "," TWO_TYPOS ","
	    "'policy':{'catch_all':[" CATCH("gone@contoso.com", "unknown-only", "config") "]}" }, {0},
	  "route.ghost", 1, 0, "Catch" },
	{ "ghost: a scope-all catch-all whose target does not exist: once, at the catch-all",
	  { "custom", "contoso", DOM("contoso.com") "," USERS ",'forwards':[" FWD("bob@contoso.com", "alice@contoso.com", "mailbox") "],"
	    "'policy':{'catch_all':[" CATCH("gone@contoso.com", "all", "transport-rule") "]}" }, {0},
	  "route.ghost", 1, 0, "Catch" },
	{ "ghost: without a catch-all the typos are ghosts",
	  { "custom", "contoso", DOM("contoso.com") "," USERS "," TWO_TYPOS }, {0},
	  "route.ghost", 2, 0, NULL },
	/* route.ghost: relay domains, mail users */
	{ "ghost: an unknown address in an internal-relay domain is relayed onward",
	  { "m365", "contoso", RELAY("relay.contoso.com", "internal-relay") "," USERS ",'forwards':["
	    FWD("bob@contoso.com", "someone@relay.contoso.com", "transport-rule") "]" }, {0},
	  "route.ghost", 0, 0, NULL },
	{ "ghost: an unknown address in an external-relay domain is relayed onward",
	  { "m365", "contoso", RELAY("hybrid.contoso.com", "external-relay") "," USERS ",'forwards':["
	    FWD("bob@contoso.com", "someone@hybrid.contoso.com", "transport-rule") "]" }, {0},
	  "route.ghost", 0, 0, NULL },
	{ "ghost: mail users, guests and remote mailboxes are real recipients",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'team@contoso.com','kind':'group',"
	    "'members':['guest@contoso.com','onprem@contoso.com','mu@contoso.com','nobody@contoso.com']},"
	    "{'address':'guest@contoso.com','kind':'mail-user','guest':true,'external_address':'g@gmail.com'},"
	    "{'address':'onprem@contoso.com','kind':'mail-user','remote_mailbox':true},"
	    "{'address':'mu@contoso.com','kind':'mail-user','external_address':'mu@partner.example'}],'forwards':[]" }, {0},
	  "route.ghost", 1, 0, "team@contoso.com" },
	/* route.ghost: no conclusion from absence */
	{ "ghost: an error without area: no ghost, not evaluated",
	  { "custom", "contoso", DOM("contoso.com") "," USERS "," TWO_TYPOS ",'complete':false,"
	    "'errors':[{'object':'something','message':'HTTP 500'}]" }, {0},
	  "route.ghost", 0, 3, NULL },
	{ "ghost: a snapshot without recipients (incomplete) is audited, no ghost",
	  { "custom", "contoso", DOM("contoso.com") "," TWO_TYPOS ",'complete':false" }, {0},
	  "route.ghost", 0, 3, NULL },
	/* liveness (regression: forwards of mailbox-less or suspended recipients treated as live) */
	{ "ghost: a mailbox-less user's mailbox forward does not fire",
	  { "custom", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user','has_mailbox':false}],"
	    "'forwards':[" FWD("bob@contoso.com", "typo@contoso.com", "mailbox") "]" }, {0},
	  "route.ghost", 0, 0, NULL },
	{ "ghost: a suspended Gmail user's auto-forward does not fire",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user','enabled':false}],"
	    "'forwards':[" FWD("bob@contoso.com", "typo@contoso.com", "gmail-autoforward") "]" }, {0},
	  "route.ghost", 0, 0, NULL },
	{ "ghost: an active Gmail user's auto-forward fires",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user','enabled':true}],"
	    "'forwards':[" FWD("bob@contoso.com", "typo@contoso.com", "gmail-autoforward") "]" }, {0},
	  "route.ghost", 1, 0, "bob@contoso.com" },
	{ "ghost: an Exchange Online user with blocked sign-in still forwards",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user','enabled':false}],"
	    "'forwards':[" FWD("bob@contoso.com", "typo@contoso.com", "mailbox") "]" }, {0},
	  "route.ghost", 1, 0, "bob@contoso.com" },
	{ "ghost: a forward set on an alias belongs to its recipient",
	  { "custom", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user','has_mailbox':false,"
	    "'aliases':['sales@contoso.com']}],'forwards':[" FWD("sales@contoso.com", "typo@contoso.com", "inbox-rule") "]" }, {0},
	  "route.ghost", 0, 0, NULL },
	/* keep@ -> {keep@, copy@} is delivery plus one forward (regression: reported as a loop) */
	{ "loop: a forward listing its own address is delivery, not a loop",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[" U("keep@contoso.com") "," U("copy@contoso.com") "],"
	    "'forwards':[{'from':'keep@contoso.com','to':['keep@contoso.com','copy@contoso.com'],'via':'gmail-autoforward','keep_copy':false}]" }, {0},
	  "route.loop", 0, 0, NULL },
	/* route.disabled-target */
	{ "disabled: a catch-all to a disabled account: once, at the catch-all",
	  { "custom", "contoso", DOM("contoso.com") ",'recipients':[" U("bob@contoso.com") "," U("alice@contoso.com") ","
	    "{'address':'carl@contoso.com','kind':'user','enabled':false}]," TWO_TYPOS ","
	    "'policy':{'catch_all':[" CATCH("carl@contoso.com", "unknown-only", "config") "]}" }, {0},
	  "route.disabled-target", 1, 0, "Catch" },
	{ "disabled: room, equipment and shared mailboxes are never disabled targets",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'room@contoso.com','kind':'resource','enabled':false},"
	    "{'address':'shared@contoso.com','kind':'shared','enabled':false,'aliases':['info@contoso.com']},"
	    "{'address':'team@contoso.com','kind':'group','members':['room@contoso.com','shared@contoso.com']}],'forwards':[]" }, {0},
	  "route.disabled-target", 0, 0, NULL },
	{ "disabled: aliases of a disabled account",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'leaver@contoso.com','kind':'user','enabled':false,"
	    "'aliases':['sales@contoso.com','info@contoso.com']}],'forwards':[]" }, {0},
	  "route.disabled-target", 2, 0, NULL },
	/* forward.blocked: outbound spam rules (regression: OR of condition types, no exceptions, no nesting) */
	{ "blocked: condition types combine with AND",
	  { "m365", "contoso", DOM("contoso.com") "," USERS ",'auto_replies':[],'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "mailbox") "],"
	    M365_POL(",{'name':'Allow','mode':'on','priority':1,'users':['bob@contoso.com'],'domains':['other.example']}") }, {0},
	  "forward.blocked", 1, 0, "bob@contoso.com" },
	{ "blocked: both condition types match: allowed",
	  { "m365", "contoso", DOM("contoso.com") "," USERS ",'auto_replies':[],'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "mailbox") "],"
	    M365_POL(",{'name':'Allow','mode':'on','priority':1,'users':['bob@contoso.com'],'domains':['contoso.com']}") }, {0},
	  "forward.blocked", 0, 0, NULL },
	{ "blocked: an ExceptIfFrom exception takes the mailbox out",
	  { "m365", "contoso", DOM("contoso.com") "," USERS ",'auto_replies':[],'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "mailbox") "],"
	    M365_POL(",{'name':'Allow','mode':'on','priority':1,'domains':['contoso.com'],'except_users':['bob@contoso.com']}") }, {0},
	  "forward.blocked", 1, 0, "bob@contoso.com" },
	{ "blocked: an exception for someone else leaves the mailbox in",
	  { "m365", "contoso", DOM("contoso.com") "," USERS ",'auto_replies':[],'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "mailbox") "],"
	    M365_POL(",{'name':'Allow','mode':'on','priority':1,'domains':['contoso.com'],'except_users':['alice@contoso.com'],"
		     "'except_domains':['other.example']}") }, {0},
	  "forward.blocked", 0, 0, NULL },
	{ "blocked: FromMemberOf matches nested group members",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[" U("bob@contoso.com") "," GROUPS "],'auto_replies':[],"
	    "'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "mailbox") "],"
	    M365_POL(",{'name':'Allow','mode':'on','priority':1,'groups':['outer@contoso.com']}") }, {0},
	  "forward.blocked", 0, 0, NULL },
	{ "blocked: ExceptIfFromMemberOf matches nested group members",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[" U("bob@contoso.com") "," GROUPS "],'auto_replies':[],"
	    "'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "mailbox") "],"
	    M365_POL(",{'name':'Allow','mode':'on','priority':1,'domains':['contoso.com'],'except_groups':['outer@contoso.com']}") }, {0},
	  "forward.blocked", 1, 0, NULL },
	{ "blocked: another audited tenant is outside the organisation",
	  { "m365", "contoso", DOM("contoso.com") "," USERS ",'auto_replies':[],'forwards':[" FWD("bob@contoso.com", "bob@fabrikam.com", "mailbox") "],"
	    M365_POL("") },
	  { "custom", "fabrikam", DOM("fabrikam.com") ",'recipients':[" U("bob@fabrikam.com") "],'forwards':[]" },
	  "forward.blocked", 1, 0, "bob@contoso.com" },
	{ "blocked: a Google group-scoped policy overrides the OU's",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user','org_unit':'/'},"
	    "{'address':'alice@contoso.com','kind':'user','org_unit':'/'}," GROUPS "],'send_as':[],'auto_replies':[],"
	    "'forwards':[" FWD("bob@contoso.com", "x@gmail.com", "gmail-autoforward") "," FWD("alice@contoso.com", "y@gmail.com", "gmail-autoforward") "],"
	    "'policy':{'auto_forwarding_ou':[{'org_unit':'/','enabled':true},{'group':'outer@contoso.com','enabled':false}]}" }, {0},
	  "forward.blocked", 1, 0, "bob@contoso.com" },
	/* forward.external-auth */
	{ "external-auth: a group member in another audited tenant is inside",
	  { "custom", "contoso", DOM("contoso.com") ",'recipients':[{'address':'team@contoso.com','kind':'group',"
	    "'members':['bob@fabrikam.com']}],'forwards':[]" },
	  { "custom", "fabrikam", DOM("fabrikam.com") ",'recipients':[" U("bob@fabrikam.com") "],'forwards':[]" },
	  "forward.external-auth", 0, 0, NULL },
	{ "external-auth: a group member outside every audited tenant",
	  { "custom", "contoso", DOM("contoso.com") ",'recipients':[{'address':'team@contoso.com','kind':'group',"
	    "'members':['x@gmail.com']}],'forwards':[]" }, {0},
	  "forward.external-auth", 1, 0, "team@contoso.com" },
	{ "external-auth: an external catch-all target: once, at the catch-all",
	  { "custom", "contoso", DOM("contoso.com") "," USERS "," TWO_TYPOS ","
	    "'policy':{'catch_all':[" CATCH("it@gmail.com", "unknown-only", "config") "]}" }, {0},
	  "forward.external-auth", 1, 0, "Catch" },
	{ "external-auth: a mail user's external address is not a forward",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'mu@contoso.com','kind':'mail-user',"
	    "'external_address':'mu@partner.example'}],'forwards':[]," M365_POL("") }, {0},
	  "forward.external-auth", 0, 0, NULL },
	/* forward.policy-open */
	{ "policy-open: a transport-rule catch-all redirecting outside",
	  { "custom", "contoso", DOM("contoso.com") "," USERS ",'forwards':[],"
	    "'policy':{'catch_all':[" CATCH("it@gmail.com", "all", "transport-rule") "]}" }, {0},
	  "forward.policy-open", 1, 0, "Catch" },
	{ "policy-open: a configured (not transport-rule) catch-all is not a policy",
	  { "custom", "contoso", DOM("contoso.com") "," USERS ",'forwards':[],"
	    "'policy':{'catch_all':[" CATCH("it@gmail.com", "unknown-only", "config") "]}" }, {0},
	  "forward.policy-open", 0, 0, NULL },
	{ "policy-open: a transport rule redirecting to another audited tenant",
	  { "custom", "contoso", DOM("contoso.com") "," USERS ",'forwards':[{'from':'bob@contoso.com','to':['bob@fabrikam.com'],"
	    "'via':'transport-rule','name':'Move'}]" },
	  { "custom", "fabrikam", DOM("fabrikam.com") ",'recipients':[" U("bob@fabrikam.com") "],'forwards':[]" },
	  "forward.policy-open", 1, 0, "Move" },
	/* send-as: Gmail only (regression: sendas.missing on every Microsoft 365 alias) */
	{ "sendas.missing: never for Microsoft 365",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user',"
	    "'aliases':['sales@contoso.com']}],'send_as':[]" }, {0},
	  "sendas.missing", 0, 0, NULL },
	{ "sendas.missing: never for a hand-written snapshot",
	  { "custom", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user',"
	    "'aliases':['sales@contoso.com']}],'send_as':[]" }, {0},
	  "sendas.missing", 0, 0, NULL },
	{ "sendas.missing: Gmail",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user',"
	    "'aliases':['sales@contoso.com']}],'send_as':[]" }, {0},
	  "sendas.missing", 1, 0, "sales@contoso.com" },
	{ "sendas.missing: an error without area draws no conclusion",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[{'address':'bob@contoso.com','kind':'user',"
	    "'aliases':['sales@contoso.com']}],'send_as':[],'errors':[{'object':'x','message':'HTTP 500'}]" }, {0},
	  "sendas.missing", 0, 1, NULL },
	{ "sendas.treat-as-alias: never for Microsoft 365",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[" U("bob@contoso.com") "," U("support@contoso.com") "],"
	    "'send_as':[{'owner':'bob@contoso.com','address':'support@contoso.com','treat_as_alias':true}]" }, {0},
	  "sendas.treat-as-alias", 0, 0, NULL },
	{ "sendas.treat-as-alias: Gmail",
	  { "gworkspace", "contoso", DOM("contoso.com") ",'recipients':[" U("bob@contoso.com") "," U("support@contoso.com") "],"
	    "'send_as':[{'owner':'bob@contoso.com','address':'support@contoso.com','treat_as_alias':true}]" }, {0},
	  "sendas.treat-as-alias", 1, 0, "support@contoso.com" },
	{ "sendas.alias-disabled: only user and shared mailboxes count",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'u@contoso.com','kind':'user','has_mailbox':false,"
	    "'aliases':['a@contoso.com']},{'address':'mu@contoso.com','kind':'mail-user','aliases':['b@contoso.com']},"
	    "{'address':'g@contoso.com','kind':'group','aliases':['c@contoso.com'],'members':[]}],'policy':{'send_from_alias':false}" }, {0},
	  "sendas.alias-disabled", 0, 0, NULL },
	{ "sendas.alias-disabled: a shared mailbox with an alias",
	  { "m365", "contoso", DOM("contoso.com") ",'recipients':[{'address':'s@contoso.com','kind':'shared',"
	    "'aliases':['a@contoso.com']}],'policy':{'send_from_alias':false}" }, {0},
	  "sendas.alias-disabled", 1, 0, "contoso" },
};

static void test_cases(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct model_case *c = &cases[i];
		struct snapshot *snaps[2] = { mk_full(&c->a), c->b.provider ? mk_full(&c->b) : NULL };
		const char *only[] = { c->check, NULL };
		struct audit_result res;
		char *err = NULL;
		assert_int_equal(audit_run(snaps, snaps[1] ? 2 : 1, NULL, only, &res, &err), 0);
		int got = (int)res.findings.nr, gaps = (int)res.findings.nr_gaps;
		bool ok = got == c->findings && gaps == c->gaps;
		if (ok && c->subject && strcmp(res.findings.items[0].subject, c->subject))
			ok = false;
		if (!ok) {
			fprintf(stderr, "FAIL %s: got %d findings, %d gaps; want %d, %d", c->name, got,
				gaps, c->findings, c->gaps);
			for (int k = 0; k < got; k++)
				fprintf(stderr, "\n    finding: %s: %s", res.findings.items[k].subject,
					res.findings.items[k].summary);
			for (int g = 0; g < gaps; g++)
				fprintf(stderr, "\n    gap: %s", res.findings.gaps[g].reason);
			fputc('\n', stderr);
			failures++;
		}
		audit_result_release(&res);
		snapshot_free(snaps[0]);
		snapshot_free(snaps[1]);
	}
	assert_int_equal(failures, 0);
}

/* test_no_recipients_exit_3 - a snapshot without recipients and with
 * complete:false is audited (what is there is checked) and exits 3
 * (regression: it was refused, exit 2) */
static void test_no_recipients_exit_3(void **state)
{
	(void)state;
	struct snap_text t = { "custom", "contoso", DOM("contoso.com") ",'complete':false,"
			       "'policy':{'plus_addressing':false}" };
	struct snapshot *s = mk_full(&t);
	struct audit_result r;
	char *err = NULL;
	assert_true(s->recipients_absent);
	assert_int_equal(audit_run(&s, 1, NULL, NULL, &r, &err), 0);
	bool plus = false;
	for (size_t i = 0; i < r.findings.nr; i++)
		plus |= !strcmp(r.findings.items[i].check->id, "addr.plus-disabled");
	assert_true(plus); /* what is there is audited */
	assert_int_equal(audit_exit_code(&r, SEV_CRITICAL), 3);
	audit_result_release(&r);
	snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_no_recipients_exit_3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
