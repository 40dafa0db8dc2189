/*
 * test_m365_fix.c - the Microsoft 365 finding → change mapping (m365_fix.c),
 * table-driven over the audit of examples/contoso-m365.json: for each
 * finding (by check and subject) and variant, the change's object, setting,
 * old and new value, fix id and the params apply/revert will use; findings
 * with no automated fix plan nothing; mailbox forwarding takes its old value
 * from the live reader, whose failure fails the plan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../providers/m365/m365.h"
#include "core/audit.h"
#include "checks/check.h"
#include "core/fix.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct map_case {
	const char *check, *subject, *variant;
	int n;                       /* changes planned */
	const char *object, *setting, *old_value, *new_value, *fix_id;
	const char *param_key, *param_value;   /* one params member to check */
};

static const struct map_case cases[] = {
	{ "sendas.alias-disabled", "contoso", NULL, 1, "organization config", "SendFromAliasEnabled",
	  "false", "true", "m365.org.send-from-alias", "op", "org-config" },
	{ "forward.policy-open", "*", NULL, 1, "remote domain *", "AutoForwardEnabled", "true", "false",
	  "m365.remote-domain.block-autoforward", "domain", "*" },
	{ "forward.policy-open", "partner.example", NULL, 1, "remote domain partner.example",
	  "AutoForwardEnabled", "true", "false", "m365.remote-domain.block-autoforward", "op", "remote-domain" },
	/* least egress: by default a blocked forward is stopped, never allowed */
	{ "forward.blocked", "alice@contoso.com", NULL, 1,
	  "inbox rule 'Copy to personal' of alice@contoso.com", "isEnabled", "true", "false",
	  "m365.inbox-rule.disable", "rule_id", "rule-alice-1" },
	{ "forward.blocked", "alice@contoso.com", "scoped", 1,
	  "outbound spam policy and rule 'Allow forwarding - alice@contoso.com'",
	  "AutoForwardingMode, From (new policy and rule, priority 0)", "null",
	  "{\"AutoForwardingMode\":\"On\",\"From\":[\"alice@contoso.com\"]}", "m365.outbound-policy.scoped",
	  "name", "Allow forwarding - alice@contoso.com" },
	{ "forward.blocked", "alice@contoso.com", "scoped", 1, NULL, NULL, "null", NULL, NULL,
	  "mailbox", "alice@contoso.com" },
	{ "forward.blocked", "alice@contoso.com", "org-wide", 1, "outbound spam policy 'Default'",
	  "AutoForwardingMode", "\"Automatic\"", "\"On\"", "m365.outbound-policy.scoped", "identity", "Default" },
	{ "forward.blocked", "alice@contoso.com", "stop-forwarding", 1,
	  "inbox rule 'Copy to personal' of alice@contoso.com", "isEnabled", "true", "false",
	  "m365.inbox-rule.disable", "rule_id", "rule-alice-1" },
	/* variants do not change fixes they are not about */
	{ "sendas.alias-disabled", "contoso", "org-wide", 1, "organization config", NULL, NULL, NULL, NULL,
	  NULL, NULL },
	/* no automated fix */
	{ .check = "route.catchall-shadow" },
	{ .check = "addr.plus-disabled" },
	{ .check = "forward.external-auth", .subject = "bob@contoso.com" },
	{ .check = "forward.policy-open", .subject = "Redirect legal to counsel" },
	{ .check = "route.ghost", .subject = "team@contoso.com" },
};

struct fixture {
	struct snapshot *snap;
	struct audit_result res;
};

static int reads;

/* fake_read - the live reader: a fixed mailbox forwarding value, or the
 * outbound rules' priorities */
static int fake_read(void *ctx, cJSON *params, char **value, char **err)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(params, "identity");
	reads++;
	if (ctx) {
		*err = xstrdup("HTTP 503 ServiceUnavailable");
		return -1;
	}
	if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(params, "op")), "rule-priorities")) {
		*value = xstrdup("{\"Allow forwarding - bob\":0}");
		return 0;
	}
	assert_string_equal(cJSON_GetStringValue(id), "bob@contoso.com");
	*value = xstrdup("{\"ForwardingSmtpAddress\":\"smtp:bob@fabrikam.com\",\"ForwardingAddress\":null,"
			 "\"DeliverToMailboxAndForward\":true}");
	return 0;
}

/* setup - audit the example tenant */
static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	/* run-tests exports ROOT; by hand, run from the top of the tree */
	char *path = xstrfmt("%s/examples/contoso-m365.json", getenv("ROOT") ? getenv("ROOT") : ".");
	char *err = NULL;
	if (snapshot_read_file(path, &fx->snap, &err) || audit_run(&fx->snap, 1, NULL, NULL, &fx->res, &err)) {
		fprintf(stderr, "%s: %s\n", path, err);
		free(err);
		free(path);
		return -1;
	}
	free(path);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	audit_result_release(&fx->res);
	snapshot_free(fx->snap);
	free(fx);
	return 0;
}

/* find - the first finding of check (and subject, when given) */
static const struct finding *find(const struct fixture *fx, const char *check, const char *subject)
{
	for (size_t i = 0; i < fx->res.findings.nr; i++) {
		const struct finding *f = &fx->res.findings.items[i];
		if (!strcmp(f->check->id, check) && (!subject || !strcmp(f->subject, subject)))
			return f;
	}
	return NULL;
}

/* test_cases - each finding maps to the documented change */
static void test_cases(void **state)
{
	struct fixture *fx = *state;
	struct m365_fix_reader rd = { fake_read, NULL };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct map_case *c = &cases[i];
		const struct finding *f = find(fx, c->check, c->subject);
		struct fix_plan plan = { 0 };
		char *err = NULL;
		int n;
		if (!f)
			fail_msg("case %zu: no %s finding for %s", i, c->check, c->subject ? c->subject : "any");
		n = m365_fix_map(fx->snap, f, c->variant, &rd, &plan, &err);
		if (n != c->n)
			fail_msg("case %zu (%s %s): got %d changes, want %d", i, c->check,
				 c->variant ? c->variant : "", n, c->n);
		assert_int_equal(plan.nr, (size_t)n);
		if (n) {
			const struct fix_change *ch = &plan.changes[0];
			assert_string_equal(ch->tenant, "contoso");
			assert_string_equal(ch->provider, "m365");
			assert_true(ch->reversible);
			assert_int_equal(ch->nr_finding_ids, 1);
			assert_string_equal(ch->finding_ids[0], f->id);
			if (c->object)
				assert_string_equal(ch->object, c->object);
			if (c->setting)
				assert_string_equal(ch->setting, c->setting);
			if (c->old_value)
				assert_string_equal(ch->old_value, c->old_value);
			if (c->new_value)
				assert_string_equal(ch->new_value, c->new_value);
			if (c->fix_id)
				assert_string_equal(ch->fix_id, c->fix_id);
			if (c->param_key)
				assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
						    ch->params, c->param_key)), c->param_value);
		}
		fix_plan_release(&plan);
		free(err);
	}
}

static const struct fix_def clear_fix = { .id = "m365.mailbox-forwarding.clear", .automated = true };

/* make_bob - a finding whose fix clears bob's mailbox forwarding (as a loop would) */
static void make_bob(struct finding *f, struct hop *path)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->id, "f-0000000000000001");
	f->tenant = (char *)"contoso";
	f->subject = (char *)"bob@contoso.com";
	f->fix = &clear_fix;
	path[0] = (struct hop){ (char *)"bob@contoso.com", (char *)"start", NULL };
	path[1] = (struct hop){ (char *)"bob@fabrikam.com", (char *)"mailbox", (char *)"mailbox forwarding" };
	f->path = path;
	f->nr_path = 2;
}

/* test_mailbox - old value = the three live fields; a failed read fails the plan */
static void test_mailbox(void **state)
{
	struct fixture *fx = *state;
	struct m365_fix_reader rd = { fake_read, NULL }, bad = { fake_read, &reads };
	struct fix_plan plan = { 0 };
	struct finding f;
	struct hop path[2];
	char *err = NULL, *cleared = m365_forwarding_cleared();

	make_bob(&f, path);
	reads = 0;
	assert_int_equal(m365_fix_map(fx->snap, &f, NULL, &rd, &plan, &err), 1);
	assert_int_equal(reads, 1);
	assert_string_equal(plan.changes[0].object, "mailbox bob@contoso.com");
	assert_true(json_text_equal(plan.changes[0].old_value,
				    "{\"DeliverToMailboxAndForward\":true,\"ForwardingAddress\":null,"
				    "\"ForwardingSmtpAddress\":\"smtp:bob@fabrikam.com\"}"));
	assert_string_equal(plan.changes[0].new_value, cleared);
	assert_string_equal(plan.changes[0].fix_id, "m365.mailbox-forwarding.clear");
	fix_plan_release(&plan);

	assert_int_equal(m365_fix_map(fx->snap, &f, NULL, &bad, &plan, &err), -1);
	assert_non_null(strstr(err, "503"));
	assert_int_equal(plan.nr, 0);
	free(err);
	err = NULL;

	/* a hop naming a forward the snapshot does not have: nothing automated */
	path[1].address = (char *)"someone@else.example";
	assert_int_equal(m365_fix_map(fx->snap, &f, NULL, &rd, &plan, &err), 0);
	fix_plan_release(&plan);
	free(cleared);
}

static const struct fix_def rule_fix = { .id = "m365.inbox-rule.disable", .automated = true };

/* test_inbox_rule - a finding whose fix disables admin's inbox rule (the
 * example's admin@ -rule-> info@ -rule-> admin@ is no route.loop in Exchange
 * Online, docs/snapshot.md, routing, so the finding is made here) */
static void test_inbox_rule(void **state)
{
	struct fixture *fx = *state;
	struct m365_fix_reader rd = { fake_read, NULL };
	struct fix_plan plan = { 0 };
	struct finding f;
	struct hop path[2];
	char *err = NULL;

	make_bob(&f, path);
	f.subject = (char *)"admin@contoso.com";
	f.fix = &rule_fix;
	path[0] = (struct hop){ (char *)"admin@contoso.com", (char *)"start", NULL };
	path[1] = (struct hop){ (char *)"info@contoso.com", (char *)"inbox-rule", (char *)"Archive to info" };
	assert_int_equal(m365_fix_map(fx->snap, &f, NULL, &rd, &plan, &err), 1);
	assert_string_equal(plan.changes[0].object, "inbox rule 'Archive to info' of admin@contoso.com");
	assert_string_equal(plan.changes[0].setting, "isEnabled");
	assert_string_equal(plan.changes[0].old_value, "true");
	assert_string_equal(plan.changes[0].new_value, "false");
	assert_string_equal(plan.changes[0].fix_id, "m365.inbox-rule.disable");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(plan.changes[0].params,
			    "rule_id")), "rule-admin-1");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(plan.changes[0].params,
			    "user")), "u-admin");
	fix_plan_release(&plan);
	free(err);
}

/* test_no_secrets - params carry identities only */
static void test_no_secrets(void **state)
{
	struct fixture *fx = *state;
	struct m365_fix_reader rd = { fake_read, NULL };
	struct fix_plan plan = { 0 };
	char *err = NULL;
	for (size_t i = 0; i < fx->res.findings.nr; i++)
		assert_true(m365_fix_map(fx->snap, &fx->res.findings.items[i], NULL, &rd, &plan, &err) >= 0);
	assert_int_equal(plan.nr, 4);
	for (size_t i = 0; i < plan.nr; i++) {
		char *t = cJSON_PrintUnformatted(plan.changes[i].params);
		assert_null(strstr(t, "secret"));
		assert_null(strstr(t, "token"));
		assert_null(strstr(t, "Bearer"));
		free(t);
	}
	fix_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_inbox_rule),
		cmocka_unit_test(test_no_secrets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
