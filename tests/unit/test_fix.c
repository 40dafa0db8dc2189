/*
 * test_fix.c - the apply-fix engine against a fake provider whose "tenant" is
 * an in-memory key/value store: plan merge and order, apply with
 * compare-and-swap, partial failure, undo in reverse order, an interrupted
 * apply undone from its journal, corrupt journals refused whole, a journal
 * cut short mid-record undone except its incomplete last record, the
 * per-tenant lock, and the journal's binding to the tenant's immutable id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/check.h"
#include "core/fix.h"
#include "core/journal.h"
#include "base/util.h"

/* ---- the fake tenant ---- */
static struct { const char *key; char *value; } store[3];
static const char *fail_key;       /* apply_change fails for this key */
static int applies, reverts;

static char **slot(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(store); i++)
		if (!strcmp(store[i].key, key))
			return &store[i].value;
	return NULL;
}

static void store_reset(void)
{
	const char *keys[] = { "A", "B", "C" }, *vals[] = { "1", "\"x\"", "false" };
	for (size_t i = 0; i < ARRAY_SIZE(store); i++) {
		free(store[i].value);
		store[i].key = keys[i];
		store[i].value = xstrdup(vals[i]);
	}
	fail_key = NULL;
	applies = reverts = 0;
}

static void store_set(const char *key, const char *v)
{
	char **s = slot(key);
	free(*s);
	*s = xstrdup(v);
}

/* plan_fix: the finding's subject names the key; "none" plans nothing */
static int fake_plan(struct provider_session *ps, const struct snapshot *snap,
		     const struct finding *f, const char *variant, struct fix_plan *plan, char **err)
{
	static const struct { const char *key, *old, *new_; } m[] = {
		{ "A", "1", "2" }, { "B", "\"x\"", "\"y\"" }, { "C", "false", "true" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		if (strcmp(f->subject, m[i].key))
			continue;
		ALLOC_GROW(plan->changes, plan->nr + 1, plan->alloc);
		struct fix_change *c = &plan->changes[plan->nr++];
		memset(c, 0, sizeof(*c));
		c->tenant = xstrdup(f->tenant);
		c->provider = xstrdup("fake");
		c->object = xstrfmt("setting %s", m[i].key);
		c->setting = xstrdup(m[i].key);
		c->old_value = xstrdup(m[i].old);
		c->new_value = xstrdup(m[i].new_);
		c->finding_ids = xcalloc(1, sizeof(char *));
		c->finding_ids[0] = xstrdup(f->id);
		c->nr_finding_ids = 1;
		c->reversible = true;
		c->fix_id = xstrdup("fake.set");
		c->params = cJSON_CreateObject();
		cJSON_AddStringToObject(c->params, "key", m[i].key);
		return 1;
	}
	return 0;
}

static int fake_read(struct provider_session *ps, const struct fix_change *c, char **out, char **err)
{
	*out = xstrdup(*slot(c->setting));
	return 0;
}

static int fake_apply(struct provider_session *ps, const struct fix_change *c, char **err)
{
	if (fail_key && !strcmp(fail_key, c->setting)) {
		*err = xstrdup("HTTP 503 after 5 tries");
		return -1;
	}
	applies++;
	store_set(c->setting, c->new_value);
	return 0;
}

static int fake_revert(struct provider_session *ps, const struct fix_change *c, char **err)
{
	reverts++;
	store_set(c->setting, c->old_value);
	return 0;
}

static const struct provider_ops fake_ops = {
	.name = "fake", .plan_fix = fake_plan, .read_value = fake_read,
	.apply_change = fake_apply, .revert_change = fake_revert,
};
static struct provider_session fake_session = { .ops = &fake_ops };

static const struct fix_def auto_fix = { .id = "fake.set", .automated = true, .title = "set", .steps = "set it" };
static const struct fix_def manual_fix = { .id = "fake.manual", .automated = false, .title = "by hand", .steps = "do it" };
static const struct check_def auto_check = { .id = "route.loop", .title = "t", .fix = &auto_fix };
static const struct check_def manual_check = { .id = "route.ghost", .title = "t", .fix = &manual_fix };

/* make_result - findings on keys A, B, C (automated), A again (merged), a
 * manual one, and an automated one the provider cannot plan */
static void make_result(struct audit_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *subjects[] = { "C", "A", "B", "A" };
	for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
		struct finding *f = finding_new(&res->findings, &auto_check, "t1", "fake", subjects[i],
						"problem %zu", i);
		finding_add_hop(f, subjects[i], "start", NULL);
		char key[8];
		snprintf(key, sizeof(key), "%zu", i);
		finding_set_id(f, key);
	}
	struct finding *f = finding_new(&res->findings, &manual_check, "t1", "fake", "M", "manual");
	finding_set_id(f, NULL);
	f = finding_new(&res->findings, &auto_check, "t1", "fake", "none", "unplannable");
	finding_set_id(f, NULL);
}

static char *tmpdir;
static struct fix_target target = { .tenant = "t1", .ps = &fake_session };

static void plan_for(struct audit_result *res, struct fix_plan *plan, size_t *nr_manual)
{
	const struct finding **manual = NULL;
	struct fix_selection sel = { 0 };
	char *err = NULL;
	make_result(res);
	memset(plan, 0, sizeof(*plan));
	assert_int_equal(fix_plan_build(&target, 1, res, &sel, plan, &manual, nr_manual, &err), 0);
	free(manual);
}

static void test_plan(void **state)
{
	(void)state;
	struct audit_result res;
	struct fix_plan plan;
	size_t nr_manual;
	store_reset();
	plan_for(&res, &plan, &nr_manual);
	assert_int_equal(plan.nr, 3);            /* A merged */
	assert_int_equal(nr_manual, 2);
	assert_string_equal(plan.changes[0].setting, "A"); /* sorted by object */
	assert_string_equal(plan.changes[2].setting, "C");
	assert_int_equal(plan.changes[0].nr_finding_ids, 2);
	/* printing changes nothing */
	FILE *out = fopen("/dev/null", "w");
	fix_plan_print(out, &plan, NULL, NULL, 0);
	fclose(out);
	assert_int_equal(applies, 0);
	fix_plan_release(&plan);
	audit_result_release(&res);
}

/* run - one apply/undo scenario: a plan from make_result, a journal, a log */
struct run {
	struct audit_result res;
	struct fix_plan plan;
	size_t nr_manual;
	struct journal j;
	char *path;
	FILE *log;
	char *err;
};

/* run_begin - a fresh store and the plan for it */
static void run_begin(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->j.fd = -1;
	store_reset();
	r->log = fopen("/dev/null", "w");
	plan_for(&r->res, &r->plan, &r->nr_manual);
}

/* run_journal - create the journal (mode 0600) */
static void run_journal(struct run *r)
{
	struct stat st;
	const char *tenants[] = { "t1" }, *keys[] = { "tenant-guid-1" };
	assert_int_equal(journal_create(&r->j, tmpdir, NULL, tenants, keys, 1, &r->err), 0);
	assert_int_equal(stat(r->j.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	r->path = xstrdup(r->j.path);
}

/* run_reload - close the journal and read it back for an undo */
static void run_reload(struct run *r)
{
	journal_close(&r->j);
	assert_int_equal(journal_load(&r->j, r->path, true, &r->err), 0);
}

/* run_apply - journal and apply the plan; want_failed changes must fail */
static void run_apply(struct run *r, int want_failed)
{
	run_journal(r);
	assert_int_equal(fix_apply(&target, 1, &r->plan, &r->j, r->log, &r->err), want_failed);
	run_reload(r);
}

static void run_end(struct run *r)
{
	journal_close(&r->j);
	free(r->path);
	free(r->err);
	fclose(r->log);
	fix_plan_release(&r->plan);
	audit_result_release(&r->res);
}

static void test_apply_then_undo(void **state)
{
	(void)state;
	struct run r;
	run_begin(&r);
	run_apply(&r, 0);
	assert_string_equal(*slot("A"), "2");
	assert_string_equal(*slot("B"), "\"y\"");
	assert_string_equal(*slot("C"), "true");
	assert_int_equal(r.j.nr, 3);
	for (size_t i = 0; i < r.j.nr; i++)
		assert_int_equal(r.j.entries[i].status, JS_APPLIED);
	assert_int_equal(fix_undo(&target, 1, &r.j, r.log, &r.err), 0);
	assert_string_equal(*slot("A"), "1");
	assert_string_equal(*slot("B"), "\"x\"");
	assert_string_equal(*slot("C"), "false");
	assert_int_equal(reverts, 3);
	/* the undo is recorded: a second undo has nothing left to do */
	run_reload(&r);
	for (size_t i = 0; i < r.j.nr; i++)
		assert_int_equal(r.j.entries[i].undo_status, JS_APPLIED);
	assert_int_equal(fix_undo(&target, 1, &r.j, r.log, &r.err), 0);
	assert_int_equal(reverts, 3);
	run_end(&r);
}

static void test_compare_and_swap(void **state)
{
	(void)state;
	struct run r;
	run_begin(&r);
	store_set("B", "\"changed by someone\"");  /* between plan and apply */
	run_apply(&r, 0);
	assert_string_equal(*slot("B"), "\"changed by someone\"");
	assert_string_equal(*slot("A"), "2");
	assert_int_equal(applies, 2);
	assert_int_equal(r.j.entries[1].status, JS_SKIPPED);
	/* undo skips B too (it was never ours) */
	assert_int_equal(fix_undo(&target, 1, &r.j, r.log, &r.err), 0);
	assert_string_equal(*slot("B"), "\"changed by someone\"");
	assert_string_equal(*slot("A"), "1");
	run_end(&r);
}

static void test_partial_failure(void **state)
{
	(void)state;
	struct run r;
	run_begin(&r);
	fail_key = "B";
	run_apply(&r, 1);
	assert_int_equal(r.j.entries[0].status, JS_APPLIED);
	assert_int_equal(r.j.entries[1].status, JS_FAILED);
	assert_int_equal(r.j.entries[2].status, JS_APPLIED);
	fail_key = NULL;
	assert_int_equal(fix_undo(&target, 1, &r.j, r.log, &r.err), 0);
	assert_string_equal(*slot("A"), "1");
	assert_string_equal(*slot("C"), "false");
	assert_int_equal(reverts, 2);
	run_end(&r);
}

/* an apply killed after change 1 took effect and while change 2 was journaled */
static void test_interrupted_apply(void **state)
{
	(void)state;
	struct run r;
	run_begin(&r);
	run_journal(&r);
	assert_int_equal(journal_intent(&r.j, 1, &r.plan.changes[0], &r.err), 0);
	store_set("A", "2");                                  /* it took effect */
	assert_int_equal(journal_result(&r.j, 1, JS_APPLIED, NULL, &r.err), 0);
	assert_int_equal(journal_intent(&r.j, 2, &r.plan.changes[1], &r.err), 0); /* killed here */
	run_reload(&r);
	assert_int_equal(r.j.entries[1].status, JS_NONE);
	assert_int_equal(fix_undo(&target, 1, &r.j, r.log, &r.err), 0);
	assert_string_equal(*slot("A"), "1");
	assert_string_equal(*slot("B"), "\"x\"");
	assert_int_equal(reverts, 1);
	run_end(&r);
}

static void test_corrupt_journals(void **state)
{
	(void)state;
	static const struct { const char *text, *want; } cases[] = {
		{ "", "empty journal" },
		{ "{\"type\":\"journal\",\"vers", "truncated: not even the header" },
		{ "{\"type\":\"journal\",\"version\":1}\n", "not bound to a tenant id" },
		{ "{\"type\":\"journal\",\"version\":2}\n", "tenants: missing" },
		{ "{\"type\":\"journal\",\"version\":2,\"tenants\":{}}\nnot json\n", "line 2: not a JSON object" },
		{ "{\"type\":\"intent\",\"seq\":1}\n", "line 1: not an aliasaudit journal" },
		{ "{\"type\":\"journal\",\"version\":9}\n", "unsupported journal version" },
		{ "{\"type\":\"journal\",\"version\":2,\"tenants\":{}}\n{\"type\":\"result\",\"seq\":3,\"status\":\"applied\"}\n",
		  "line 2: seq 3: a result for a change with no intent" },
		{ "{\"type\":\"journal\",\"version\":2,\"tenants\":{}}\n{\"type\":\"intent\",\"seq\":1,\"change\":{\"tenant\":\"t\"}}\n",
		  "line 2: change.provider: missing" },
		{ "{\"type\":\"journal\",\"version\":2,\"tenants\":{}}\n{\"type\":\"intent\",\"seq\":1,\"change\":{\"tenant\":\"t\","
		  "\"provider\":\"p\",\"fix_id\":\"f\",\"object\":\"o\",\"setting\":\"s\",\"old_value\":\"{bad\","
		  "\"new_value\":\"1\",\"reversible\":true,\"finding_ids\":[],\"params\":{}}}\n",
		  "change.old_value: not a JSON value" },
		{ "{\"type\":\"journal\",\"version\":2,\"tenants\":{}}\n{\"type\":\"mystery\",\"seq\":1}\n", "line 2:" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *path = xstrfmt("%s/corrupt-%zu.jsonl", tmpdir, i);
		FILE *f = fopen(path, "w");
		fputs(cases[i].text, f);
		fclose(f);
		struct journal j;
		char *err = NULL;
		if (journal_load(&j, path, false, &err) == 0)
			fail_msg("case %zu: corrupt journal accepted", i);
		if (!strstr(err, cases[i].want) || strchr(err, '\n'))
			fail_msg("case %zu: error '%s' lacks '%s'", i, err, cases[i].want);
		free(err);
		free(path);
	}
}

/* a journal cut short in its last record (kill -9, full disk, SIGXFSZ): that
 * record is ignored, the rest is undone, and what undo appends stays whole */
static void test_truncated_journal(void **state)
{
	(void)state;
	struct run r;
	char *buf = NULL;
	size_t len = 0;
	run_begin(&r);
	run_apply(&r, 0);
	journal_close(&r.j);
	/* cut the last record (change 3's result) in half */
	assert_int_equal(read_file(r.path, 1 << 20, &buf, &len, &r.err), 0);
	char *last = buf + len - 1;
	while (last > buf && last[-1] != '\n')
		last--;
	assert_int_equal(truncate(r.path, (off_t)(last - buf) + 10), 0);
	free(buf);
	assert_int_equal(journal_load(&r.j, r.path, true, &r.err), 0);
	assert_true(r.j.truncated_tail);
	assert_int_equal(r.j.nr, 3);
	assert_int_equal(r.j.entries[2].status, JS_NONE);  /* its result is lost: re-read */
	assert_int_equal(fix_undo(&target, 1, &r.j, r.log, &r.err), 0);
	assert_string_equal(*slot("A"), "1");
	assert_string_equal(*slot("B"), "\"x\"");
	assert_string_equal(*slot("C"), "false");
	/* the file reads back whole now, every change undone */
	run_reload(&r);
	assert_false(r.j.truncated_tail);
	for (size_t i = 0; i < r.j.nr; i++)
		assert_int_equal(r.j.entries[i].undo_status, JS_APPLIED);
	/* an intent cut short: its change never started and is not in the journal */
	journal_close(&r.j);
	FILE *f = fopen(r.path, "a");
	fputs("{\"type\":\"intent\",\"seq\":4,\"change\":{\"ten", f);
	fclose(f);
	assert_int_equal(journal_load(&r.j, r.path, false, &r.err), 0);
	assert_int_equal(r.j.nr, 3);
	run_end(&r);
}

/* the journal is bound to the tenant's immutable id: another id is refused */
static void test_tenant_binding(void **state)
{
	(void)state;
	struct run r;
	char *tenants[] = { (char *)"t1" }, *same[] = { (char *)"TENANT-GUID-1" }, *other[] = { (char *)"other-guid" };
	struct fix_locks l = { .tenants = tenants, .keys = same, .nr = 1 };
	run_begin(&r);
	run_apply(&r, 0);
	assert_string_equal(journal_tenant_key(&r.j, "t1"), "tenant-guid-1");
	assert_int_equal(fix_check_binding(&r.j, &l, &r.err), 0);
	l.keys = other;
	assert_int_equal(fix_check_binding(&r.j, &l, &r.err), -1);
	assert_non_null(strstr(r.err, "refusing to undo another tenant"));
	assert_non_null(strstr(r.err, "other-guid"));
	FREE_AND_NULL(r.err);
	l.tenants[0] = (char *)"t2";   /* a tenant the journal never recorded */
	assert_int_equal(fix_check_binding(&r.j, &l, &r.err), -1);
	run_end(&r);
}

/* two runs on one tenant: the second cannot take the lock until the first ends */
static void test_tenant_lock(void **state)
{
	(void)state;
	int a = -1, b = -1, c = -1;
	char *err = NULL, *old = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	setenv("XDG_STATE_HOME", tmpdir, 1);
	assert_int_equal(journal_lock_tenant("t1", "guid/../1", &a, &err), 0);
	assert_int_equal(journal_lock_tenant("t1", "guid/../1", &b, &err), -1);
	assert_non_null(strstr(err, "being changed by another"));
	FREE_AND_NULL(err);
	assert_int_equal(journal_lock_tenant("t2", "guid-2", &c, &err), 0); /* another tenant: fine */
	journal_unlock(a);
	assert_int_equal(journal_lock_tenant("t1", "guid/../1", &b, &err), 0);
	journal_unlock(b);
	journal_unlock(c);
	if (old)
		setenv("XDG_STATE_HOME", old, 1);
	else
		unsetenv("XDG_STATE_HOME");
	free(old);
}

/* the journal stores the config path absolute */
static void test_config_absolute(void **state)
{
	(void)state;
	struct journal j = { .fd = -1 };
	char *err = NULL, *cwd = getcwd(NULL, 0);
	assert_int_equal(journal_create(&j, tmpdir, "rel/config.ini", NULL, NULL, 0, &err), 0);
	char *want = xstrfmt("%s/rel/config.ini", cwd);
	assert_string_equal(j.config, want);
	char *path = xstrdup(j.path);
	journal_close(&j);
	assert_int_equal(journal_load(&j, path, false, &err), 0);
	assert_string_equal(j.config, want);
	journal_close(&j);
	free(want);
	free(path);
	free(cwd);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/aa-fix-XXXXXX";
	tmpdir = xstrdup(mkdtemp(tmpl));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xstrfmt("rm -rf '%s'", tmpdir);
	if (system(cmd)) {}
	free(cmd);
	free(tmpdir);
	for (size_t i = 0; i < ARRAY_SIZE(store); i++)
		free(store[i].value);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_apply_then_undo),
		cmocka_unit_test(test_compare_and_swap),
		cmocka_unit_test(test_partial_failure),
		cmocka_unit_test(test_interrupted_apply),
		cmocka_unit_test(test_corrupt_journals),
		cmocka_unit_test(test_truncated_journal),
		cmocka_unit_test(test_tenant_binding),
		cmocka_unit_test(test_tenant_lock),
		cmocka_unit_test(test_config_absolute),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
