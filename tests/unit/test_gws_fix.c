/*
 * test_gws_fix.c - the Google Workspace fix planner and value helpers
 * without a network: send-as changes planned from the example snapshot
 * (object, setting, old → new, params with no secret), findings with no
 * write API or of another tenant planning nothing, the autoForwarding
 * normal form, and filters found by id or by content.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../providers/gworkspace/gws_fix.h"
#include "core/audit.h"
#include "checks/check.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* json_is - the JSON text got denotes the same value as want */
static void json_is(const char *got, const char *want)
{
	cJSON *a = cJSON_Parse(got), *b = cJSON_Parse(want);
	if (!a || !b || !cJSON_Compare(a, b, 1)) {
		fprintf(stderr, "got %s, want %s\n", got, want);
		fail();
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* finding_of - the finding of check id in res */
static const struct finding *finding_of(const struct audit_result *res, const char *check)
{
	for (size_t i = 0; i < res->findings.nr; i++)
		if (!strcmp(res->findings.items[i].check->id, check))
			return &res->findings.items[i];
	fprintf(stderr, "no %s finding\n", check);
	fail();
	return NULL;
}

/* test_plan_sendas - treat-as-alias off and send-as create from the snapshot */
static void test_plan_sendas(void **state)
{
	struct snapshot *s = NULL;
	struct audit_result res;
	struct tenant_config tc = { .name = "fabrikam" }, other = { .name = "contoso" };
	struct gws_session gs = { .base = { .tenant = &tc } };
	struct fix_plan plan = { 0 };
	char *err = NULL;
	static const struct { const char *check, *object, *setting, *old, *new_, *params; } want[] = {
		{ "sendas.treat-as-alias", "send-as support@fabrikam.com of carol@fabrikam.com", "treatAsAlias",
		  "true", "false", "{\"user\":\"carol@fabrikam.com\",\"sendAsEmail\":\"support@fabrikam.com\"}" },
		{ "sendas.missing", "send-as bob@fabrikam-alias.com of bob@fabrikam.com", "sendAs", "null",
		  "{\"sendAsEmail\":\"bob@fabrikam-alias.com\",\"treatAsAlias\":true}",
		  "{\"user\":\"bob@fabrikam.com\",\"sendAsEmail\":\"bob@fabrikam-alias.com\"}" },
	};
	static const char *const none[] = {
		"forward.policy-open", "route.catchall", "sendas.unverified", "forward.external-auth",
	};

	/* run-tests exports ROOT; by hand, run from the top of the tree */
	char *path = xstrfmt("%s/examples/fabrikam-gws.json", getenv("ROOT") ? getenv("ROOT") : ".");
	assert_int_equal(snapshot_read_file(path, &s, &err), 0);
	free(path);
	assert_int_equal(audit_run(&s, 1, NULL, NULL, &res, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct finding *f = finding_of(&res, want[i].check);
		assert_int_equal(gws_plan_fix(&gs.base, s, f, NULL, &plan, &err), 1);
		struct fix_change *c = &plan.changes[plan.nr - 1];
		assert_string_equal(c->object, want[i].object);
		assert_string_equal(c->setting, want[i].setting);
		json_is(c->old_value, want[i].old);
		json_is(c->new_value, want[i].new_);
		assert_true(c->reversible);
		assert_string_equal(c->finding_ids[0], f->id);
		char *p = cJSON_PrintUnformatted(c->params);
		json_is(p, want[i].params);
		free(p);
		/* the same finding under another tenant's session plans nothing */
		gs.base.tenant = &other;
		assert_int_equal(gws_plan_fix(&gs.base, s, f, NULL, &plan, &err), 0);
		gs.base.tenant = &tc;
	}
	/* no write API or no automated fix: nothing planned, no error */
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		assert_int_equal(gws_plan_fix(&gs.base, s, finding_of(&res, none[i]), NULL, &plan, &err), 0);
	assert_int_equal(plan.nr, ARRAY_SIZE(want));
	assert_null(err);
	fix_plan_release(&plan);
	audit_result_release(&res);
	snapshot_free(s);
}

/* test_autoforward_norm - off keeps only enabled; on keeps address and disposition */
static void test_autoforward_norm(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "{\"enabled\":false,\"emailAddress\":\"a@b.c\",\"disposition\":\"archive\"}", "{\"enabled\":false}" },
		{ "{}", "{\"enabled\":false}" },
		{ "{\"enabled\":true,\"emailAddress\":\"a@b.c\",\"disposition\":\"trash\"}",
		  "{\"enabled\":true,\"emailAddress\":\"a@b.c\",\"disposition\":\"trash\"}" },
		{ "{\"enabled\":true,\"emailAddress\":\"a@b.c\"}", "{\"enabled\":true,\"emailAddress\":\"a@b.c\"}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		cJSON *in = cJSON_Parse(t[i].in), *n = gws_autoforward_norm(in);
		char *got = cJSON_PrintUnformatted(n);
		json_is(got, t[i].want);
		free(got);
		cJSON_Delete(n);
		cJSON_Delete(in);
	}
}

/* test_filter_find - by id first, else by content; the content has no id */
static void test_filter_find(void **state)
{
	cJSON *list = cJSON_Parse("{\"filter\":["
		"{\"id\":\"A\",\"criteria\":{\"from\":\"x@y\"},\"action\":{\"forward\":\"z@w\"}},"
		"{\"id\":\"B\",\"criteria\":{\"query\":\"invoice\"},\"action\":{\"addLabelIds\":[\"L1\"]}}]}");
	cJSON *want = cJSON_Parse("{\"criteria\":{\"from\":\"x@y\"},\"action\":{\"forward\":\"z@w\"}}");
	cJSON *other = cJSON_Parse("{\"criteria\":{\"from\":\"x@y\"},\"action\":{\"forward\":\"q@w\"}}");
	const cJSON *f;
	f = gws_filter_find(list, "B", want);
	assert_string_equal(gws_json_str(f, "id"), "B");
	f = gws_filter_find(list, "gone", want);
	assert_string_equal(gws_json_str(f, "id"), "A");
	assert_null(gws_filter_find(list, "gone", other));
	assert_null(gws_filter_find(list, NULL, NULL));
	cJSON *c = gws_filter_content(gws_filter_find(list, "A", NULL));
	assert_true(cJSON_Compare(c, want, 1));
	cJSON_Delete(c);
	cJSON_Delete(list);
	cJSON_Delete(want);
	cJSON_Delete(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_sendas),
		cmocka_unit_test(test_autoforward_norm),
		cmocka_unit_test(test_filter_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
