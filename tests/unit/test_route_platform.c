/*
 * test_route_platform.c - what the platforms really do with loops, chains
 * and limits (docs/snapshot.md, routing), table-driven, positive and negative: each
 * case is one or two inline snapshots, one check, the number of findings,
 * and for the first finding its subject, symptom code and one evidence
 * value ("stopped_by.platform=Gmail").
 */
#include "snapfixture.h"
#include "core/audit.h"
#include "checks/check.h"

#include <stdbool.h>

struct spec { const char *provider, *domain, *body; };

struct pcase {
	const char *name;
	struct spec a, b;
	const char *check;
	int findings;
	const char *subject;   /* first finding's, or NULL */
	const char *code;      /* first finding's symptom code; "-" for none; NULL: not checked */
	const char *evidence;  /* "path.to.key=value" of the first finding, or NULL */
};

#define U(a) "{'address':'" a "','kind':'user'}"
#define C(a) "'" a "@contoso.com'"
#define USERS "'recipients':[" U("a@contoso.com") "," U("b@contoso.com") "," U("c@contoso.com") "," \
	U("d@contoso.com") "]"
#define F(f, t, via) "{'from':'" f "@contoso.com','to':['" t "'],'via':'" via "','keep_copy':true}"
#define FM(f, t, via) "{'from':'" f "@contoso.com','to':['" t "'],'via':'" via "','keep_copy':false}"
#define FA(f, t, via, act) "{'from':'" f "@contoso.com','to':['" t "'],'via':'" via "','keep_copy':true,'action':'" act "'}"
#define R(f, t) "{'from':'" f "@contoso.com','to':['" t "'],'via':'routing'}"
#define FWDS(x) USERS ",'forwards':[" x "]"
#define TEN "'x1@gmail.com','x2@gmail.com','x3@gmail.com','x4@gmail.com','x5@gmail.com'," \
	"'x6@gmail.com','x7@gmail.com','x8@gmail.com','x9@gmail.com'"
#define EXO "Exchange Online"

static const struct pcase cases[] = {
	/* route.loop: who stops it, how, where */
	{ "loop: Exchange Online mailbox forwarding cycle bounces 554 5.4.14",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") "," F("b", "a@contoso.com", "mailbox")) }, {0},
	  "route.loop", 1, "a@contoso.com", "554 5.4.14", "stopped_by.platform=" EXO },
	{ "loop: Gmail auto-forwarding cycle bounces 554 5.4.6 after 50 hops",
	  { "gworkspace", "contoso.com", FWDS(F("a", "b@contoso.com", "gmail-autoforward") "," F("b", "a@contoso.com", "gmail-filter")) }, {0},
	  "route.loop", 1, NULL, "554 5.4.6", "stopped_by.after_hops=50" },
	{ "loop: an inbox-rule cycle stops silently in Exchange Online (no route.loop)",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") "," F("b", "a@contoso.com", "inbox-rule")) }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: the seed article's info@ -> admin@ -> rule -> info@ stops silently",
	  { "m365", "contoso.com", "'recipients':[{'address':'info@contoso.com','kind':'group','members':['admin@contoso.com']},"
	    U("admin@contoso.com") "],'forwards':[{'from':'admin@contoso.com','to':['info@contoso.com'],'via':'inbox-rule','keep_copy':true}]" }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: rule then mailbox forwarding back stops at the next rule",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") "," F("b", "a@contoso.com", "mailbox")) }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: an Exchange inbox rule forwarding to its own alias fires once",
	  { "m365", "contoso.com", "'recipients':[{'address':'a@contoso.com','kind':'user','aliases':['al@contoso.com']}],"
	    "'forwards':[" F("a", "al@contoso.com", "inbox-rule") "]" }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: a Gmail forward to one's own alias keeping a copy loops (50 hops)",
	  { "gworkspace", "contoso.com", "'recipients':[{'address':'a@contoso.com','kind':'user','aliases':['al@contoso.com']}],"
	    "'forwards':[" F("a", "al@contoso.com", "gmail-autoforward") "]" }, {0},
	  "route.loop", 1, "a@contoso.com", "554 5.4.6", "stopped_by.platform=Gmail" },
	{ "loop: keep@ -> {keep@, copy@} is delivery plus one forward, never a loop",
	  { "gworkspace", "contoso.com", FWDS("{'from':'a@contoso.com','to':['a@contoso.com','b@contoso.com'],'via':'gmail-autoforward','keep_copy':false}") }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: groups containing each other are harmless in Exchange Online",
	  { "m365", "contoso.com", "'recipients':[{'address':'g1@contoso.com','kind':'group','members':['g2@contoso.com','a@contoso.com']},"
	    "{'address':'g2@contoso.com','kind':'group','members':['g1@contoso.com']}," U("a@contoso.com") "],'forwards':[]" }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: a group and a mailbox forwarding back to it loops",
	  { "m365", "contoso.com", "'recipients':[{'address':'g@contoso.com','kind':'group','members':['a@contoso.com']},"
	    U("a@contoso.com") "],'forwards':[" F("a", "g@contoso.com", "mailbox") "]" }, {0},
	  "route.loop", 1, "a@contoso.com", "554 5.4.14", "stopped_by.at=a@contoso.com" },
	{ "loop: a transport rule in the cycle rejects the second redirect with 550 5.7.128",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "transport-rule") "," F("b", "a@contoso.com", "mailbox")) }, {0},
	  "route.loop", 1, NULL, "550 5.7.128", "stopped_by.at=a@contoso.com" },
	{ "loop: cross-tenant Exchange Online <-> Gmail: Exchange's lower hop limit stops it",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "a@fabrikam.com", "mailbox") "]" },
	  { "gworkspace", "fabrikam.com", "'recipients':[" U("a@fabrikam.com") "],'forwards':["
	    "{'from':'a@fabrikam.com','to':['a@contoso.com'],'via':'gmail-autoforward','keep_copy':true}]" },
	  "route.loop", 1, "a@fabrikam.com", "554 5.4.14", "stopped_by.platform=" EXO },
	{ "loop: cross-tenant with a transport rule on the Exchange side: 550 5.7.128 there",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "a@fabrikam.com", "transport-rule") "]" },
	  { "gworkspace", "fabrikam.com", "'recipients':[" U("a@fabrikam.com") "],'forwards':["
	    "{'from':'a@fabrikam.com','to':['a@contoso.com'],'via':'gmail-autoforward','keep_copy':true}]" },
	  "route.loop", 1, NULL, "550 5.7.128", "stopped_by.platform=" EXO },
	{ "loop: a platform the tool cannot place is predicted from standard MTA behaviour",
	  { "custom", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") "," F("b", "a@contoso.com", "mailbox")) }, {0},
	  "route.loop", 1, NULL, "554 5.4.6", "stopped_by.predicted_from_standard_mta=true" },
	{ "loop: an edge kind Exchange Online does not document gets the standard MTA note",
	  { "m365", "contoso.com", FWDS(R("a", "b@contoso.com") "," R("b", "a@contoso.com")) }, {0},
	  "route.loop", 1, NULL, "554 5.4.6", "stopped_by.predicted_from_standard_mta=true" },
	{ "loop: a rule with more than 10 recipients is not applied, so closes no loop",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") ","
	    "{'from':'b@contoso.com','to':['a@contoso.com'," TEN ",'x10@gmail.com'],'via':'transport-rule','keep_copy':true}") }, {0},
	  "route.loop", 0, NULL, NULL, NULL },
	{ "loop: a mailbox forwarding cycle across two Exchange Online organisations",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "a@fabrikam.com", "mailbox") "]" },
	  { "m365", "fabrikam.com", "'recipients':[" U("a@fabrikam.com") "],'forwards':["
	    "{'from':'a@fabrikam.com','to':['a@contoso.com'],'via':'mailbox','keep_copy':true}]" },
	  "route.loop", 1, NULL, "554 5.4.14", "tenants.1=contoso" },

	{ "loop: no loop runs through a forward that policy blocks",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "a@fabrikam.com", "mailbox") "],"
	    "'policy':{'outbound_forwarding':[{'name':'Default','mode':'off','default':true}],'remote_domains':[{'domain':'*','auto_forward':true}]}" },
	  { "gworkspace", "fabrikam.com", "'recipients':[" U("a@fabrikam.com") "],'forwards':["
	    "{'from':'a@fabrikam.com','to':['a@contoso.com'],'via':'gmail-autoforward','keep_copy':true}]" },
	  "route.loop", 0, NULL, NULL, NULL },
	{ "chain: no chain runs through a forward that policy blocks",
	  { "m365", "contoso.com", USERS ",'forwards':[" FM("a", "b@contoso.com", "mailbox") "," FM("b", "x@example.org", "mailbox") "],"
	    "'policy':{'outbound_forwarding':[{'name':'Default','mode':'off','default':true}],'remote_domains':[{'domain':'*','auto_forward':true}]}" }, {0},
	  "route.chain", 0, NULL, NULL, NULL },
	{ "chain: the same chain with forwarding allowed",
	  { "m365", "contoso.com", USERS ",'forwards':[" FM("a", "b@contoso.com", "mailbox") "," FM("b", "x@example.org", "mailbox") "],"
	    "'policy':{'outbound_forwarding':[{'name':'Default','mode':'on','default':true}],'remote_domains':[{'domain':'*','auto_forward':true}]}" }, {0},
	  "route.chain", 1, "a@contoso.com", NULL, "hops=2" },

	/* route.platform-limit */
	{ "limit: A -rule-> B -rule-> C: B's rule is cut for mail to A",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") "," F("b", "c@contoso.com", "inbox-rule")) }, {0},
	  "route.platform-limit", 1, "b@contoso.com", "-", "cut_off.0=c@contoso.com" },
	{ "limit: A -rule-> B -mailbox-> C is not cut (only inbox rules count)",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") "," F("b", "c@contoso.com", "mailbox")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: A -mailbox-> B -rule-> C is not cut",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") "," F("b", "c@contoso.com", "inbox-rule")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: the rule-loop header survives another Exchange Online organisation",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "a@fabrikam.com", "inbox-rule") "]" },
	  { "m365", "fabrikam.com", "'recipients':[" U("a@fabrikam.com") "],'forwards':["
	    "{'from':'a@fabrikam.com','to':['x@example.org'],'via':'inbox-rule','keep_copy':true}]" },
	  "route.platform-limit", 1, "a@fabrikam.com", NULL, "platform=" EXO },
	{ "limit: the header survives a Gmail forward in between",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "g@fabrikam.com", "inbox-rule") "," F("b", "x@example.org", "inbox-rule") "]" },
	  { "gworkspace", "fabrikam.com", "'recipients':[" U("g@fabrikam.com") "],'forwards':["
	    "{'from':'g@fabrikam.com','to':['b@contoso.com'],'via':'gmail-autoforward','keep_copy':true}]" },
	  "route.platform-limit", 1, "b@contoso.com", NULL, "origin=a@contoso.com" },
	{ "limit: a rule cycle only reports a target that is really cut off",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") ","
	    "{'from':'b@contoso.com','to':['a@contoso.com','c@contoso.com'],'via':'inbox-rule','keep_copy':true}") }, {0},
	  "route.platform-limit", 1, "b@contoso.com", NULL, "cut_off.0=c@contoso.com" },
	{ "limit: a two-rule cycle cuts nothing off",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") "," F("b", "a@contoso.com", "inbox-rule")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: no inbox-rule limit outside Exchange Online",
	  { "custom", "contoso.com", FWDS(F("a", "b@contoso.com", "inbox-rule") "," F("b", "c@contoso.com", "inbox-rule")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: Gmail filters have no second-hop limit",
	  { "gworkspace", "contoso.com", FWDS(F("a", "b@contoso.com", "gmail-filter") "," F("b", "c@contoso.com", "gmail-filter")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: a second transport-rule redirect bounces 550 5.7.128",
	  { "m365", "contoso.com", FWDS(FM("a", "b@contoso.com", "transport-rule") "," FM("b", "c@contoso.com", "transport-rule")) }, {0},
	  "route.platform-limit", 1, "b@contoso.com", "550 5.7.128", "limit=transport-rule-loop" },
	{ "limit: a second transport-rule redirect in another Exchange Online organisation",
	  { "m365", "contoso.com", USERS ",'forwards':[" F("a", "a@fabrikam.com", "transport-rule") "]" },
	  { "m365", "fabrikam.com", "'recipients':[" U("a@fabrikam.com") "],'forwards':["
	    "{'from':'a@fabrikam.com','to':['x@example.org'],'via':'transport-rule','keep_copy':true}]" },
	  "route.platform-limit", 1, "a@fabrikam.com", "550 5.7.128", NULL },
	{ "limit: a transport-rule cycle is route.loop's, not a platform limit",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "transport-rule") "," F("b", "a@contoso.com", "transport-rule")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: a rule with 11 recipients is not applied",
	  { "m365", "contoso.com", FWDS("{'from':'a@contoso.com','to':[" TEN ",'x10@gmail.com','x11@gmail.com'],'via':'inbox-rule','keep_copy':true,'name':'fan'}") }, {0},
	  "route.platform-limit", 1, "a@contoso.com", "-", "limit=rule-recipients" },
	{ "limit: a rule with exactly 10 recipients is at the limit",
	  { "m365", "contoso.com", FWDS("{'from':'a@contoso.com','to':[" TEN ",'x10@gmail.com'],'via':'transport-rule','keep_copy':true}") }, {0},
	  "route.platform-limit", 1, "a@contoso.com", NULL, "limit=rule-recipients-at-limit" },
	{ "limit: a rule with 9 recipients is fine",
	  { "m365", "contoso.com", FWDS("{'from':'a@contoso.com','to':[" TEN "],'via':'inbox-rule','keep_copy':true}") }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: 11 recipients in Gmail is not an Exchange limit",
	  { "gworkspace", "contoso.com", FWDS("{'from':'a@contoso.com','to':[" TEN ",'x10@gmail.com','x11@gmail.com'],'via':'gmail-filter','keep_copy':true}") }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: mailbox forwarding overrides the same mailbox's redirect rule",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") "," FA("a", "c@contoso.com", "inbox-rule", "redirect")) }, {0},
	  "route.platform-limit", 1, "a@contoso.com", NULL, "limit=redirect-overridden" },
	{ "limit: a forward (not redirect) rule is not overridden",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") "," FA("a", "c@contoso.com", "inbox-rule", "forward")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: a rule whose action is unknown is not assumed overridden",
	  { "m365", "contoso.com", FWDS(F("a", "b@contoso.com", "mailbox") "," F("a", "c@contoso.com", "inbox-rule")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },
	{ "limit: a redirect rule without mailbox forwarding works",
	  { "m365", "contoso.com", FWDS(FA("a", "c@contoso.com", "inbox-rule", "redirect")) }, {0},
	  "route.platform-limit", 0, NULL, NULL, NULL },

	/* route.chain */
	{ "chain: a relay chain running into a loop is route.loop's (was SIGSEGV)",
	  { "custom", "contoso.com", FWDS(R("contact", "info@contoso.com") "," R("info", "c@contoso.com") ","
	    FM("c", "d@contoso.com", "mailbox") "," FM("d", "c@contoso.com", "mailbox")) }, {0},
	  "route.chain", 0, NULL, NULL, NULL },
	{ "chain: the same shape has its loop",
	  { "custom", "contoso.com", FWDS(R("contact", "info@contoso.com") "," R("info", "c@contoso.com") ","
	    FM("c", "d@contoso.com", "mailbox") "," FM("d", "c@contoso.com", "mailbox")) }, {0},
	  "route.loop", 1, NULL, NULL, NULL },
	{ "chain: group expansion is not a hop",
	  { "custom", "contoso.com", "'recipients':[{'address':'team@contoso.com','kind':'group','members':['a@contoso.com']},"
	    U("a@contoso.com") "],'forwards':[" R("contact", "team@contoso.com") "]" }, {0},
	  "route.chain", 0, NULL, NULL, NULL },
	{ "chain: a chain ending at a ghost is route.ghost's",
	  { "custom", "contoso.com", FWDS(R("contact", "info@contoso.com") "," R("info", "nobody@contoso.com")) }, {0},
	  "route.chain", 0, NULL, NULL, NULL },
	{ "chain: a chain that a second inbox rule cuts is route.platform-limit's",
	  { "m365", "contoso.com", FWDS(FM("a", "b@contoso.com", "inbox-rule") "," FM("b", "c@contoso.com", "inbox-rule")) }, {0},
	  "route.chain", 0, NULL, NULL, NULL },
	{ "chain: the same chain outside Exchange Online is a chain",
	  { "custom", "contoso.com", FWDS(FM("a", "b@contoso.com", "inbox-rule") "," FM("b", "c@contoso.com", "inbox-rule")) }, {0},
	  "route.chain", 1, "a@contoso.com", NULL, "hops=2" },
	{ "chain: a catch-all redirect counts as a hop",
	  { "custom", "contoso.com", USERS ",'forwards':[" R("contact", "typo@contoso.com") "],"
	    "'policy':{'catch_all':[{'domain':'contoso.com','target':'a@contoso.com','scope':'unknown-only'}]}" }, {0},
	  "route.chain", 1, "contact@contoso.com", NULL, "hops=2" },
	{ "chain: a conditional forward is not a relay",
	  { "custom", "contoso.com", FWDS(R("contact", "info@contoso.com") ","
	    "{'from':'info@contoso.com','to':['a@contoso.com'],'via':'routing','conditional':true}") }, {0},
	  "route.chain", 0, NULL, NULL, NULL },
	{ "chain: one finding per chain head, path to the final mailbox",
	  { "custom", "contoso.com", FWDS(R("x", "contact@contoso.com") "," R("contact", "info@contoso.com") "," R("info", "a@contoso.com")) }, {0},
	  "route.chain", 1, "x@contoso.com", NULL, "final=a@contoso.com" },
};

/* evidence_value - the value at "a.b.0" in the evidence as text (static buffer) */
static const char *evidence_value(const cJSON *ev, const char *path)
{
	static char buf[256];
	char key[128];
	const cJSON *cur = ev;
	while (cur && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		path += n + (path[n] == '.');
		cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(key))
					 : cJSON_GetObjectItemCaseSensitive(cur, key);
	}
	if (!cur)
		return "(absent)";
	if (cJSON_IsString(cur))
		return cur->valuestring;
	if (cJSON_IsBool(cur))
		return cJSON_IsTrue(cur) ? "true" : "false";
	if (cJSON_IsNumber(cur))
		snprintf(buf, sizeof(buf), "%g", cur->valuedouble);
	else
		snprintf(buf, sizeof(buf), "(json)");
	return buf;
}

/* check_first - the first finding against c; returns an error text or NULL */
static const char *check_first(const struct pcase *c, const struct finding *f)
{
	static char why[512];
	if (c->subject && strcmp(f->subject, c->subject))
		return snprintf(why, sizeof(why), "subject %s", f->subject), why;
	if (c->code && strcmp(f->symptom_code ? f->symptom_code : "-", c->code))
		return snprintf(why, sizeof(why), "code %s", f->symptom_code ? f->symptom_code : "-"), why;
	if (c->evidence) {
		const char *eq = strchr(c->evidence, '=');
		char path[128];
		snprintf(path, sizeof(path), "%.*s", (int)(eq - c->evidence), c->evidence);
		const char *v = evidence_value(f->evidence, path);
		if (strcmp(v, eq + 1))
			return snprintf(why, sizeof(why), "evidence %s = %s", path, v), why;
	}
	return NULL;
}

static void test_cases(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct pcase *c = &cases[i];
		struct snapshot *snaps[2] = { mk_snap(c->a.provider, c->a.domain, c->a.body), NULL };
		const char *only[] = { c->check, NULL };
		struct audit_result res;
		char *err = NULL;
		if (c->b.provider)
			snaps[1] = mk_snap(c->b.provider, c->b.domain, c->b.body);
		assert_int_equal(audit_run(snaps, snaps[1] ? 2 : 1, NULL, only, &res, &err), 0);
		const char *why = NULL;
		if ((int)res.findings.nr != c->findings)
			why = "count";
		else if (c->findings)
			why = check_first(c, &res.findings.items[0]);
		if (why || res.findings.nr_gaps) {
			fprintf(stderr, "FAIL %s: %s; %zu findings, %zu gaps (want %d)\n", c->name,
				why ? why : "gaps", res.findings.nr, res.findings.nr_gaps, c->findings);
			for (size_t k = 0; k < res.findings.nr; k++)
				fprintf(stderr, "    %s %s: %s\n", res.findings.items[k].check->id,
					res.findings.items[k].subject, res.findings.items[k].summary);
			failures++;
		}
		audit_result_release(&res);
		snapshot_free(snaps[0]);
		snapshot_free(snaps[1]);
	}
	assert_int_equal(failures, 0);
}

/* filters_body - a Gmail user with n forwarding filters */
static char *filters_body(int n)
{
	char *body = xstrdup("'recipients':[" U("a@contoso.com") "],'forwards':[");
	for (int i = 0; i < n; i++) {
		char *next = xstrfmt("%s%s{'from':'a@contoso.com','to':['x%d@gmail.com'],'via':'gmail-filter',"
				     "'keep_copy':true,'conditional':true,'name':'filter %d'}",
				     body, i ? "," : "", i, i + 1);
		free(body);
		body = next;
	}
	char *done = xstrfmt("%s]", body);
	free(body);
	return done;
}

/* test_filter_limit - Gmail applies 20 forwarding filters per user */
static void test_filter_limit(void **state)
{
	(void)state;
	for (int n = 20; n <= 22; n++) {
		char *body = filters_body(n);
		struct snapshot *s = mk_snap("gworkspace", "contoso.com", body);
		const char *only[] = { "route.platform-limit", NULL };
		struct audit_result res;
		char *err = NULL;
		assert_int_equal(audit_run(&s, 1, NULL, only, &res, &err), 0);
		assert_int_equal(res.findings.nr, n > 20 ? 1 : 0);
		if (n > 20) {
			const cJSON *d = cJSON_GetObjectItem(res.findings.items[0].evidence, "dropped_filters");
			assert_int_equal(cJSON_GetArraySize(d), n - 20);
			assert_string_equal(cJSON_GetArrayItem(d, 0)->valuestring, "filter 21");
		}
		audit_result_release(&res);
		snapshot_free(s);
		free(body);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_filter_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
