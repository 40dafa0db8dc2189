/*
 * test_checks.c - every check, positive and negative, table-driven: a case is
 * one or two inline snapshots, the check to run, and the number of findings
 * and "not evaluated" gaps it must produce (plus the first finding's subject
 * and severity when given).
 */
#include "snapfixture.h"
#include "core/audit.h"
#include "checks/check.h"

struct snap_spec {
	const char *provider, *domain, *body;
};

struct check_case {
	const char *name;
	struct snap_spec a, b;      /* b.provider NULL: one snapshot */
	const char *check;
	int findings, gaps;
	const char *subject;        /* first finding's subject, or NULL */
	const char *severity;       /* first finding's severity, or NULL */
};

#define U(a) "{'address':'" a "','kind':'user'}"
#define USERS3 "'recipients':[" U("bob@contoso.com") "," U("alice@contoso.com") "," U("carl@contoso.com") "]"
#define FWD(f, t, via) "{'from':'" f "','to':['" t "'],'via':'" via "','keep_copy':true}"
#define M365_POLICY(extra) "'policy':{'send_from_alias':true,'plus_addressing':true," \
	"'outbound_forwarding':[{'name':'Default','mode':'automatic','default':true}," \
	"{'name':'Allow bob','mode':'on','priority':1,'users':['bob@contoso.com']}," \
	"{'name':'Allow group','mode':'on','priority':2,'groups':['fwd@contoso.com']}]," \
	"'remote_domains':[{'domain':'*','auto_forward':false}" extra "]}"
#define M365_REST "'auto_replies':[]," M365_POLICY(",{'domain':'gmail.com','auto_forward':true}")

static const struct check_case cases[] = {
	/* route.loop */
	{ "loop: two mailboxes forward to each other",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alice@contoso.com", "mailbox")
	    "," FWD("alice@contoso.com", "BOB@contoso.com", "inbox-rule") "]" }, {0},
	  "route.loop", 1, 0, "alice@contoso.com", "high" },
	{ "loop: groups nested in each other are harmless (expansion delivers once, §5a)",
	  { "custom", "contoso.com", "'recipients':[{'address':'g1@contoso.com','kind':'group','members':['g2@contoso.com','bob@contoso.com']},"
	    "{'address':'g2@contoso.com','kind':'group','members':['g1@contoso.com']}," U("bob@contoso.com") "],'forwards':[]" }, {0},
	  "route.loop", 0, 0, NULL, NULL },
	{ "loop: a forward listing its own address delivers there (keep@ -> {keep@, copy@})",
	  { "custom", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}," U("alice@contoso.com") "],"
	    "'forwards':[{'from':'bob@contoso.com','to':['BOB@contoso.com','alice@contoso.com'],'via':'mailbox','keep_copy':false}]" }, {0},
	  "route.loop", 0, 0, NULL, NULL },
	{ "loop: a forward to one's own alias is a cycle (§5a Decisions)",
	  { "custom", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}],"
	    "'forwards':[" FWD("bob@contoso.com", "Sales@Contoso.com", "mailbox") "]" }, {0},
	  "route.loop", 1, 0, "bob@contoso.com", NULL },
	{ "loop: across two tenants",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "bob@fabrikam.com", "mailbox") "]" },
	  { "custom", "fabrikam.com", "'recipients':[" U("bob@fabrikam.com") "],'forwards':["
	    FWD("bob@fabrikam.com", "bob@contoso.com", "gmail-autoforward") "]" },
	  "route.loop", 1, 0, "bob@fabrikam.com", NULL },
	/* a scope-all catch-all takes all mail for its domain, forwarded mail too:
	 * its target forwarding into the domain gets the mail back (routing-limits) */
	{ "loop: a scope-all catch-all's target forwarding into its domain loops",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("carl@contoso.com", "bob@contoso.com", "mailbox") "],"
	    "'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com','scope':'all'}]}" }, {0},
	  "route.loop", 1, 0, "carl@contoso.com", NULL },
	{ "loop: an unknown-only catch-all never closes a loop over explicit addresses",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("carl@contoso.com", "bob@contoso.com", "mailbox") "],"
	    "'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com','scope':'unknown-only'}]}" }, {0},
	  "route.loop", 0, 0, NULL, NULL },
	{ "loop: the snapshot lacks forwards for a provider that has them",
	  { "m365", "contoso.com", USERS3 }, {0}, "route.loop", 0, 1, NULL, NULL },
	/* route.ghost */
	{ "ghost: a forward to a mistyped owned address",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alcie@contoso.com", "inbox-rule") "]" }, {0},
	  "route.ghost", 1, 0, "bob@contoso.com", "high" },
	{ "ghost: matches are case-insensitive",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "ALICE@CONTOSO.COM", "inbox-rule") "]" }, {0},
	  "route.ghost", 0, 0, NULL, NULL },
	{ "ghost: +tag falls back to the base address",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alice+billing@contoso.com", "inbox-rule") "]" }, {0},
	  "route.ghost", 0, 0, NULL, NULL },
	{ "ghost: +tag bounces when plus addressing is off",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alice+billing@contoso.com", "inbox-rule") "],"
	    "'policy':{'plus_addressing':false}" }, {0},
	  "route.ghost", 1, 0, NULL, NULL },
	{ "ghost: a failed directory read is never reported as a ghost",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alcie@contoso.com", "inbox-rule") "],"
	    "'complete':false,'errors':[{'object':'users','message':'HTTP 503 after 5 tries','area':'recipients'}]" }, {0},
	  "route.ghost", 0, 2, NULL, NULL },
	{ "ghost: external targets are not ghosts",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "nobody@gmail.com", "mailbox") "]" }, {0},
	  "route.ghost", 0, 0, NULL, NULL },
	{ "ghost: unknown-only catch-all catches the typo",
	  { "custom", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alcie@contoso.com", "inbox-rule") "],"
	    "'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com','scope':'unknown-only'}]}" }, {0},
	  "route.ghost", 0, 0, NULL, NULL },
	/* route.chain */
	{ "chain: routing alias -> routing alias -> mailbox",
	  { "custom", "contoso.com", USERS3 ",'forwards':[{'from':'contact@contoso.com','to':['info@contoso.com'],'via':'routing'},"
	    "{'from':'info@contoso.com','to':['bob@contoso.com'],'via':'routing'}]" }, {0},
	  "route.chain", 1, 0, "contact@contoso.com", "low" },
	{ "chain: one hop is not a chain",
	  { "custom", "contoso.com", USERS3 ",'forwards':[{'from':'info@contoso.com','to':['bob@contoso.com'],'via':'routing'}]" }, {0},
	  "route.chain", 0, 0, NULL, NULL },
	{ "chain: a mailbox that keeps a copy ends the chain",
	  { "custom", "contoso.com", USERS3 ",'forwards':[{'from':'info@contoso.com','to':['bob@contoso.com'],'via':'routing'},"
	    FWD("bob@contoso.com", "alice@contoso.com", "mailbox") "]" }, {0},
	  "route.chain", 0, 0, NULL, NULL },
	/* route.platform-limit (more in test_route_platform.c) */
	{ "platform-limit: A -rule-> B -rule-> C in Exchange Online cuts C off",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "alice@contoso.com", "inbox-rule")
	    "," FWD("alice@contoso.com", "carl@contoso.com", "inbox-rule") "]" }, {0},
	  "route.platform-limit", 1, 0, "alice@contoso.com", "medium" },
	/* route.disabled-target */
	{ "disabled: a group member whose account is disabled",
	  { "custom", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','enabled':false},"
	    "{'address':'team@contoso.com','kind':'group','members':['bob@contoso.com']}],'forwards':[]" }, {0},
	  "route.disabled-target", 1, 0, "team@contoso.com", "medium" },
	{ "disabled: shared mailboxes have blocked sign-in by design",
	  { "custom", "contoso.com", "'recipients':[{'address':'info@contoso.com','kind':'shared','enabled':false},"
	    "{'address':'team@contoso.com','kind':'group','members':['info@contoso.com']}],'forwards':[]" }, {0},
	  "route.disabled-target", 0, 0, NULL, NULL },
	{ "disabled: an alias on a user without a mailbox",
	  { "custom", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','has_mailbox':false,"
	    "'aliases':['sales@contoso.com']}],'forwards':[]" }, {0},
	  "route.disabled-target", 1, 0, "sales@contoso.com", NULL },
	/* route.catchall-shadow */
	{ "catch-all: scope all shadows explicit addresses",
	  { "custom", "contoso.com", USERS3 ",'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com',"
	    "'scope':'all','name':'Catch all'}]}" }, {0},
	  "route.catchall-shadow", 1, 0, "Catch all", "high" },
	{ "catch-all: unknown-only is route.catchall (info)",
	  { "custom", "contoso.com", USERS3 ",'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com',"
	    "'scope':'unknown-only'}]}" }, {0},
	  "route.catchall", 1, 0, "contoso.com", "info" },
	{ "catch-all: unknown-only never shadows",
	  { "custom", "contoso.com", USERS3 ",'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com',"
	    "'scope':'unknown-only'}]}" }, {0},
	  "route.catchall-shadow", 0, 0, NULL, NULL },
	{ "catch-all: scope all is not route.catchall",
	  { "custom", "contoso.com", USERS3 ",'policy':{'catch_all':[{'domain':'contoso.com','target':'carl@contoso.com',"
	    "'scope':'all'}]}" }, {0},
	  "route.catchall", 0, 0, NULL, NULL },
	/* forward.blocked */
	{ "blocked: default policy Automatic blocks an external forward",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("alice@contoso.com", "a@gmail.com", "mailbox") "]," M365_REST }, {0},
	  "forward.blocked", 1, 0, "alice@contoso.com", "high" },
	{ "blocked: a policy scoped to the mailbox allows it",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "b@gmail.com", "mailbox") "]," M365_REST }, {0},
	  "forward.blocked", 0, 0, NULL, NULL },
	{ "blocked: a policy scoped to a group of the mailbox allows it",
	  { "m365", "contoso.com", "'recipients':[" U("carl@contoso.com") ",{'address':'fwd@contoso.com','kind':'group',"
	    "'members':['carl@contoso.com']}],'forwards':[" FWD("carl@contoso.com", "c@gmail.com", "inbox-rule") "]," M365_REST }, {0},
	  "forward.blocked", 0, 0, NULL, NULL },
	{ "blocked: the remote domain blocks even when the policy allows",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "b@yahoo.example", "mailbox") "]," M365_REST }, {0},
	  "forward.blocked", 1, 0, "bob@contoso.com", NULL },
	{ "blocked: internal forwards are never blocked",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("alice@contoso.com", "bob@contoso.com", "mailbox") "]," M365_REST }, {0},
	  "forward.blocked", 0, 0, NULL, NULL },
	{ "blocked: Google OU policy is inherited from the parent OU",
	  { "gworkspace", "fabrikam.com", "'recipients':[{'address':'eve@fabrikam.com','kind':'user','org_unit':'/Sales/East'}],"
	    "'forwards':[" FWD("eve@fabrikam.com", "eve@gmail.com", "gmail-autoforward") "],'send_as':[],'auto_replies':[],"
	    "'policy':{'auto_forwarding_ou':[{'org_unit':'/','enabled':true},{'org_unit':'/Sales','enabled':false}]}" }, {0},
	  "forward.blocked", 1, 0, "eve@fabrikam.com", NULL },
	{ "blocked: unreadable policy means not evaluated, never allowed",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("alice@contoso.com", "a@gmail.com", "mailbox") "],"
	    "'complete':false,'errors':[{'object':'outbound spam policies','message':'HTTP 403','area':'policy.outbound_forwarding'}]" }, {0},
	  "forward.blocked", 0, 1, NULL, NULL },
	/* forward.external-auth */
	{ "external-auth: an allowed external forward",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("bob@contoso.com", "b@gmail.com", "mailbox") "]," M365_REST }, {0},
	  "forward.external-auth", 1, 0, "bob@contoso.com", "medium" },
	{ "external-auth: a blocked forward never leaves",
	  { "m365", "contoso.com", USERS3 ",'forwards':[" FWD("alice@contoso.com", "a@gmail.com", "mailbox") "]," M365_REST }, {0},
	  "forward.external-auth", 0, 0, NULL, NULL },
	{ "external-auth: a group's outside member",
	  { "custom", "contoso.com", "'recipients':[{'address':'team@contoso.com','kind':'group','members':['x@gmail.com']}]" }, {0},
	  "forward.external-auth", 1, 0, "team@contoso.com", NULL },
	/* forward.policy-open */
	{ "policy-open: remote domain * and one named domain",
	  { "m365", "contoso.com", USERS3 ",'forwards':[],'auto_replies':[],'policy':{'send_from_alias':true,'plus_addressing':true,"
	    "'outbound_forwarding':[{'name':'Default','mode':'automatic','default':true}],"
	    "'remote_domains':[{'domain':'*','auto_forward':true},{'domain':'partner.example','auto_forward':true}]}" }, {0},
	  "forward.policy-open", 2, 0, "*", "high" },
	{ "policy-open: default outbound policy On",
	  { "m365", "contoso.com", USERS3 ",'forwards':[],'auto_replies':[],'policy':{'send_from_alias':true,'plus_addressing':true,"
	    "'outbound_forwarding':[{'name':'Default','mode':'on','default':true}],'remote_domains':[]}" }, {0},
	  "forward.policy-open", 1, 0, "Default", "high" },
	{ "policy-open: a scoped On policy is the recommended exception",
	  { "m365", "contoso.com", USERS3 ",'forwards':[]," M365_REST }, {0},
	  "forward.policy-open", 1, 0, "gmail.com", "medium" },
	{ "policy-open: a Google root OU without policy is open by default",
	  { "gworkspace", "fabrikam.com", "'recipients':[],'send_as':[],'forwards':[],'auto_replies':[],"
	    "'policy':{'auto_forwarding_ou':[]}" }, {0},
	  "forward.policy-open", 1, 0, "/", "high" },
	{ "policy-open: m365 snapshot without remote domains is not evaluated",
	  { "m365", "contoso.com", USERS3 ",'forwards':[],'policy':{'outbound_forwarding':[]}" }, {0},
	  "forward.policy-open", 0, 1, NULL, NULL },
	/* sendas.* */
	{ "alias-disabled: off with aliases",
	  { "m365", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}],"
	    "'policy':{'send_from_alias':false}" }, {0},
	  "sendas.alias-disabled", 1, 0, "contoso", "medium" },
	{ "alias-disabled: platform aliases do not count",
	  { "m365", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['bob@contoso.onmicrosoft.com']}],"
	    "'policy':{'send_from_alias':false}" }, {0},
	  "sendas.alias-disabled", 0, 0, NULL, NULL },
	{ "alias-disabled: unknown setting is not evaluated",
	  { "m365", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}]" }, {0},
	  "sendas.alias-disabled", 0, 1, NULL, NULL },
	{ "treat-as-alias: another account's address",
	  { "gworkspace", "fabrikam.com", "'recipients':[" U("carol@fabrikam.com") "," U("support@fabrikam.com") "],"
	    "'send_as':[{'owner':'carol@fabrikam.com','address':'support@fabrikam.com','treat_as_alias':true,'verified':true}]" }, {0},
	  "sendas.treat-as-alias", 1, 0, "support@fabrikam.com", NULL },
	{ "treat-as-alias: right for groups and own aliases",
	  { "gworkspace", "fabrikam.com", "'recipients':[{'address':'carol@fabrikam.com','kind':'user','aliases':['c@fabrikam.com']},"
	    "{'address':'help@fabrikam.com','kind':'group','members':['carol@fabrikam.com']}],"
	    "'send_as':[{'owner':'carol@fabrikam.com','address':'help@fabrikam.com','treat_as_alias':true},"
	    "{'owner':'carol@fabrikam.com','address':'c@fabrikam.com','treat_as_alias':true}]" }, {0},
	  "sendas.treat-as-alias", 0, 0, NULL, NULL },
	{ "missing: an alias without send-as",
	  { "gworkspace", "fabrikam.com", "'recipients':[{'address':'bob@fabrikam.com','kind':'user','aliases':['robert@fabrikam.com','r@fabrikam.com']}],"
	    "'send_as':[{'owner':'bob@fabrikam.com','address':'robert@fabrikam.com','treat_as_alias':true}]" }, {0},
	  "sendas.missing", 1, 0, "r@fabrikam.com", "low" },
	{ "missing: not applicable to M365 (SendFromAliasEnabled covers it)",
	  { "m365", "contoso.com", "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}]" }, {0},
	  "sendas.missing", 0, 0, NULL, NULL },
	{ "missing: a user whose send-as could not be read is not evaluated",
	  { "gworkspace", "fabrikam.com", "'recipients':[{'address':'bob@fabrikam.com','kind':'user','aliases':['r@fabrikam.com']}],"
	    "'send_as':[],'complete':false,'errors':[{'object':'sendAs of bob','message':'HTTP 500','area':'send_as','address':'bob@fabrikam.com'}]" }, {0},
	  "sendas.missing", 0, 1, NULL, NULL },
	{ "unverified: pending verification",
	  { "gworkspace", "fabrikam.com", "'recipients':[" U("bob@fabrikam.com") "],"
	    "'send_as':[{'owner':'bob@fabrikam.com','address':'b@other.example','verified':false}]" }, {0},
	  "sendas.unverified", 1, 0, "b@other.example", NULL },
	/* addr.plus-disabled */
	{ "plus-disabled: off", { "custom", "contoso.com", USERS3 ",'policy':{'plus_addressing':false}" }, {0},
	  "addr.plus-disabled", 1, 0, "contoso", "low" },
	{ "plus-disabled: on", { "custom", "contoso.com", USERS3 ",'policy':{'plus_addressing':true}" }, {0},
	  "addr.plus-disabled", 0, 0, NULL, NULL },
	{ "plus-disabled: unknown for M365 is not evaluated", { "m365", "contoso.com", USERS3 }, {0},
	  "addr.plus-disabled", 0, 1, NULL, NULL },
};

static void run_case(const struct check_case *c, struct audit_result *res, struct snapshot **snaps)
{
	const char *only[] = { c->check, NULL };
	char *err = NULL;
	snaps[0] = mk_snap(c->a.provider, c->a.domain, c->a.body);
	snaps[1] = c->b.provider ? mk_snap(c->b.provider, c->b.domain, c->b.body) : NULL;
	if (audit_run(snaps, snaps[1] ? 2 : 1, NULL, only, res, &err)) {
		fprintf(stderr, "%s: audit_run: %s\n", c->name, err);
		fail();
	}
}

static void test_cases(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct check_case *c = &cases[i];
		struct snapshot *snaps[2];
		struct audit_result res;
		run_case(c, &res, snaps);
		int got = (int)res.findings.nr, gaps = (int)res.findings.nr_gaps;
		bool ok = got == c->findings && gaps == c->gaps;
		if (ok && c->subject && strcmp(res.findings.items[0].subject, c->subject))
			ok = false;
		if (ok && c->severity && strcmp(severity_name(res.findings.items[0].severity), c->severity))
			ok = false;
		if (!ok) {
			fprintf(stderr, "FAIL %s: got %d findings, %d gaps; want %d, %d", c->name, got, gaps,
				c->findings, c->gaps);
			if (got)
				fprintf(stderr, " (first: %s, %s: %s)", res.findings.items[0].subject,
					severity_name(res.findings.items[0].severity), res.findings.items[0].summary);
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

/* every check of the catalog has at least one positive case above; the
 * dns.* checks need DNS facts, not snapshots: test_dns_checks.c covers them */
static void test_every_check_covered(void **state)
{
	(void)state;
	for (size_t i = 0; check_catalog[i]; i++) {
		bool positive = !strncmp(check_catalog[i]->id, "dns.", 4);
		for (size_t k = 0; k < ARRAY_SIZE(cases); k++)
			if (!strcmp(cases[k].check, check_catalog[i]->id) && cases[k].findings > 0)
				positive = true;
		if (!positive)
			fail_msg("no positive case for %s", check_catalog[i]->id);
	}
}

/* ids are stable: the same problem gets the same id whatever the input order */
static void test_stable_ids(void **state)
{
	(void)state;
	const char *fwd_ab = FWD("bob@contoso.com", "alice@contoso.com", "mailbox");
	const char *fwd_ba = FWD("alice@contoso.com", "bob@contoso.com", "mailbox");
	char *b1 = xstrfmt("'recipients':[" U("bob@contoso.com") "," U("alice@contoso.com") "],'forwards':[%s,%s]", fwd_ab, fwd_ba);
	char *b2 = xstrfmt("'recipients':[" U("alice@contoso.com") "," U("bob@contoso.com") "],'forwards':[%s,%s]", fwd_ba, fwd_ab);
	struct snapshot *s1 = mk_snap("custom", "contoso.com", b1), *s2 = mk_snap("custom", "contoso.com", b2);
	struct audit_result r1, r2;
	char *err = NULL;
	assert_int_equal(audit_run(&s1, 1, NULL, NULL, &r1, &err), 0);
	assert_int_equal(audit_run(&s2, 1, NULL, NULL, &r2, &err), 0);
	assert_int_equal(r1.findings.nr, 1);
	assert_int_equal(r2.findings.nr, 1);
	assert_string_equal(r1.findings.items[0].id, r2.findings.items[0].id);
	assert_string_equal(r1.findings.items[0].subject, r2.findings.items[0].subject);
	audit_result_release(&r1);
	audit_result_release(&r2);
	snapshot_free(s1);
	snapshot_free(s2);
	free(b1);
	free(b2);
}

/* exit codes: incomplete wins over findings; --fail-on threshold */
static void test_exit_codes(void **state)
{
	(void)state;
	struct snapshot *s = mk_snap("custom", "contoso.com", USERS3 ",'policy':{'plus_addressing':false}");
	struct audit_result r;
	char *err = NULL;
	assert_int_equal(audit_run(&s, 1, NULL, NULL, &r, &err), 0);
	assert_int_equal(audit_exit_code(&r, SEV_HIGH), 0);  /* one low finding */
	assert_int_equal(audit_exit_code(&r, SEV_LOW), 1);
	audit_result_release(&r);
	snapshot_add_error(s, "users", "HTTP 503", "recipients", NULL);
	assert_int_equal(audit_run(&s, 1, NULL, NULL, &r, &err), 0);
	assert_int_equal(audit_exit_code(&r, SEV_LOW), 3);
	audit_result_release(&r);
	snapshot_free(s);
}

/* gaps: recorded freely, each (check, tenant, reason) once after sorting */
static void test_gap_dedupe(void **state)
{
	(void)state;
	struct finding_list l = { 0 };
	finding_list_gap(&l, "route.loop", "t2", "x could not be read");
	finding_list_gap(&l, "route.loop", "t1", "x could not be read");
	finding_list_gap(&l, "route.loop", "t2", "x could not be read");
	finding_list_gap(&l, "route.ghost", "t1", "%s could not be read", "x");
	finding_list_gap(&l, "route.ghost", "t1", "y could not be read");
	finding_list_sort(&l);
	assert_int_equal(l.nr_gaps, 4);
	assert_string_equal(l.gaps[0].check, "route.ghost");
	assert_string_equal(l.gaps[2].tenant, "t1");
	assert_string_equal(l.gaps[3].tenant, "t2");
	finding_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_every_check_covered),
		cmocka_unit_test(test_stable_ids),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_gap_dedupe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
