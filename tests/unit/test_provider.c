/*
 * test_provider.c - the provider boundary: the wrappers the core calls report
 * an operation a provider lacks as unsupported (plan_fix: nothing planned),
 * pass through to the provider otherwise; the registry's names; the sections
 * a provider fills are its own data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/provider.h"
#include "checks/checks.h"

#include <stdlib.h>
#include <string.h>

static int calls;

static int fake_apply(struct provider_session *ps, const struct fix_change *c, char **err)
{
	(void)ps; (void)c; (void)err;
	calls++;
	return 0;
}

static const struct provider_ops bare = { .name = "bare" };
static const struct provider_ops writer = { .name = "writer", .apply_change = fake_apply };

static void test_null_ops_unsupported(void **state)
{
	struct provider_session ps = { .ops = &bare };
	struct fix_change c = { 0 };
	struct fix_plan plan = { 0 };
	struct snapshot *snap = NULL;
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(provider_collect(&ps, &snap, &err), -1);
	assert_string_equal(err, "provider 'bare' cannot collect");
	free(err), err = NULL;
	assert_int_equal(provider_read_value(&ps, &c, &out, &err), -1);
	assert_string_equal(err, "provider 'bare' cannot read live values");
	assert_null(out);
	free(err), err = NULL;
	assert_int_equal(provider_apply_change(&ps, &c, &err), -1);
	assert_string_equal(err, "provider 'bare' cannot apply changes");
	free(err), err = NULL;
	assert_int_equal(provider_revert_change(&ps, &c, &err), -1);
	assert_string_equal(err, "provider 'bare' cannot revert changes");
	free(err), err = NULL;
	/* no planner: nothing automated, the finding goes to the manual steps */
	assert_int_equal(provider_plan_fix(&ps, NULL, NULL, NULL, &plan, &err), 0);
	assert_null(err);
	assert_int_equal(plan.nr, 0);
	provider_close(&ps); /* no close op: nothing to do */
}

static void test_ops_called(void **state)
{
	struct provider_session ps = { .ops = &writer };
	struct fix_change c = { 0 };
	char *err = NULL;

	(void)state;
	calls = 0;
	assert_int_equal(provider_apply_change(&ps, &c, &err), 0);
	assert_int_equal(calls, 1);
	assert_null(err);
}

static void test_registry_names(void **state)
{
	(void)state;
	for (size_t i = 0; provider_registry[i]; i++) {
		assert_ptr_equal(provider_find(provider_registry[i]->name), provider_registry[i]);
		assert_non_null(strstr(provider_names(), provider_registry[i]->name));
	}
	assert_null(provider_find("no-such-provider"));
	assert_null(provider_find(NULL));
}

/* test_sections_are_provider_data - the checks expect exactly the sections
 * a provider lists; a snapshot no provider claims is judged on its content */
static void test_sections_are_provider_data(void **state)
{
	struct snapshot *hand = snapshot_new("t", "hand-written");
	(void)state;
	for (size_t i = 0; provider_registry[i]; i++) {
		struct snapshot *s = snapshot_new("t", provider_registry[i]->name);
		const char *const *sec = provider_registry[i]->sections;
		assert_ptr_equal(provider_of(s), provider_registry[i]);
		for (size_t j = 0; sec && sec[j]; j++)
			assert_true(provider_expects(s, sec[j]));
		assert_false(provider_expects(s, "no.such.section"));
		snapshot_free(s);
	}
	assert_null(provider_of(hand));
	assert_false(provider_expects(hand, "forwards"));
	snapshot_free(hand);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_ops_unsupported),
		cmocka_unit_test(test_ops_called),
		cmocka_unit_test(test_registry_names),
		cmocka_unit_test(test_sections_are_provider_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
