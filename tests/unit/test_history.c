/*
 * test_history.c - the SQLite run history: recording, the new / resolved /
 * persisting diff against the previous run or a --since bound, the trend,
 * the 0600 file mode, WAL and schema version, concurrent writers, corrupt
 * and too-new databases, and the history sections of the html/md/csv writers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/history.h"
#include "report/report.h"
#include "report/report_util.h"
#include "core/finding_json.h"
#include "base/util.h"
#include "test_report_fixture.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

/* db_path - a fresh path in the test directory */
static char *db_path(const char *name)
{
	char *p = xstrfmt("%s/%s", dir, name);
	unlink(p);
	return p;
}

/* record - record the fixture (with or without its second finding) at time at */
static void record(const char *path, const char *at, bool with_second, bool extra)
{
	struct audit_result res;
	char *err = NULL;
	fx_build(&res, at, with_second);
	if (extra) {
		struct finding *f = finding_new(&res.findings, &fx_check_loop, "contoso", "m365",
						"new@contoso.com", "a new loop");
		finding_add_hop(f, "new@contoso.com", "start", NULL);
		finding_set_id(f, NULL);
	}
	if (history_record(path, &res, &err))
		fail_msg("history_record: %s", err);
	fx_free(&res);
}

/* query_int - one integer from SQL on path */
static long long query_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_record_and_diff(void **state)
{
	char *path = db_path("h1.db"), *err = NULL;
	struct history_view v;
	struct stat st;

	record(path, "2026-11-20T06:00:00Z", true, false);
	record(path, "2026-11-21T06:00:00Z", false, true);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(query_int(path, "PRAGMA user_version"), HISTORY_SCHEMA_VERSION);
	assert_int_equal(query_int(path, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(query_int(path, "SELECT count(*) FROM schema_migrations"), HISTORY_SCHEMA_VERSION);

	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), 0);
	assert_true(v.has_baseline);
	assert_string_equal(v.latest.at, "2026-11-21T06:00:00Z");
	assert_string_equal(v.baseline.at, "2026-11-20T06:00:00Z");
	assert_int_equal(v.result.findings.nr, 3);
	assert_int_equal(v.nr_new, 1);
	assert_int_equal(v.nr_persisting, 2);
	assert_int_equal(v.resolved.nr, 1);
	assert_string_equal(v.resolved.items[0].check->id, "forward.policy-open");
	assert_false(v.latest.complete); /* a tenant was incomplete and a check not evaluated */
	assert_int_equal(v.result.findings.nr_gaps, 1);
	assert_int_equal(v.result.nr_snapshots, 2);
	for (size_t i = 0; i < v.result.findings.nr; i++) {
		const struct finding *f = &v.result.findings.items[i];
		assert_string_equal(history_status(&v, f->id),
				    strcmp(f->subject, "new@contoso.com") ? "persisting" : "new");
		if (!strcmp(f->subject, "info@contoso.com")) {
			assert_int_equal(f->nr_path, 3);
			assert_string_equal(f->path[2].object, "Archive");
			assert_string_equal(f->fix->id, "m365.inbox-rule.disable");
			assert_true(f->fix->automated);
			assert_non_null(f->fix->steps);
			assert_string_equal(finding_refs(f)[1], "MS.EXO.1.1v2");
			assert_string_equal(f->symptom_code, "554 5.4.14");
		}
	}
	/* trend: two points per tenant, oldest first */
	assert_int_equal(v.nr_trends, 2);
	for (size_t i = 0; i < v.nr_trends; i++) {
		assert_int_equal(v.trends[i].nr_points, 2);
		assert_string_equal(v.trends[i].points[0].at, "2026-11-20T06:00:00Z");
		if (!strcmp(v.trends[i].tenant, "contoso")) {
			assert_int_equal(v.trends[i].points[0].sev[SEV_HIGH], 2);
			assert_int_equal(v.trends[i].points[1].sev[SEV_HIGH], 3);
			assert_true(v.trends[i].points[1].complete);
		} else {
			assert_false(v.trends[i].points[1].complete);
		}
	}
	history_view_release(&v);
	free(path);
}

/* test_blob_is_the_report_object - the stored blob is the JSON report's
 * finding object (one serialiser) plus the history's own members, and a
 * finding with no symptom and with a fix note comes back as it was */
static void test_blob_is_the_report_object(void **state)
{
	static const struct check_def quiet = {
		.id = "route.chain", .title = "Chain", .severity = SEV_LOW, .fix = &fx_fix_rule,
	};
	char *path = db_path("blob.db"), *err = NULL, *blob = NULL;
	struct audit_result res;
	struct history_view v;
	struct finding *f;
	cJSON *stored, *want;
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	fx_build(&res, "2026-11-20T06:00:00Z", false);
	f = finding_new(&res.findings, &quiet, "contoso", "m365", "a@contoso.com", "a chain");
	finding_add_hop(f, "a@contoso.com", "start", NULL);
	f->fix_note = xstrdup("break it at a@contoso.com");
	finding_set_id(f, NULL);
	if (history_record(path, &res, &err))
		fail_msg("history_record: %s", err);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT data FROM run_findings WHERE check_id = 'route.chain'",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	blob = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	stored = cJSON_Parse(blob);
	assert_non_null(stored);
	assert_string_equal(cJSON_GetObjectItem(stored, "schema")->valuestring, "aliasaudit.history-finding/1");
	assert_string_equal(cJSON_GetObjectItem(stored, "check_title")->valuestring, "Chain");
	assert_string_equal(cJSON_GetObjectItem(stored, "fix_note")->valuestring, "break it at a@contoso.com");
	cJSON_DeleteItemFromObject(stored, "schema");
	cJSON_DeleteItemFromObject(stored, "check_title");
	cJSON_DeleteItemFromObject(stored, "check_severity");
	cJSON_DeleteItemFromObject(stored, "fix_note");
	want = finding_json(&res.findings.items[res.findings.nr - 1]);
	assert_true(cJSON_Compare(stored, want, true));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(want, "symptom"), "code")));

	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), 0);
	for (size_t i = 0; i < v.result.findings.nr; i++) {
		f = &v.result.findings.items[i];
		if (strcmp(f->check->id, "route.chain"))
			continue;
		assert_null(f->symptom_code);
		assert_null(f->symptom_text);
		assert_string_equal(f->fix_note, "break it at a@contoso.com");
	}
	history_view_release(&v);
	cJSON_Delete(stored);
	cJSON_Delete(want);
	fx_free(&res);
	free(blob);
	free(path);
}

static void test_since_and_filter(void **state)
{
	char *path = db_path("h2.db"), *err = NULL;
	struct history_view v;
	const char *const only[] = { FX_HOSTILE_TENANT, NULL };

	record(path, "2026-11-20T06:00:00Z", true, false);
	record(path, "2026-11-21T06:00:00Z", false, true);
	record(path, "2026-11-22T06:00:00Z", false, true);
	/* previous run: nothing changed */
	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), 0);
	assert_int_equal(v.nr_new, 0);
	assert_int_equal(v.resolved.nr, 0);
	history_view_release(&v);
	/* since the 21st: the baseline is the run of the 20th */
	assert_int_equal(history_view_load(path, NULL, "2026-11-21", &v, &err), 0);
	assert_string_equal(v.baseline.at, "2026-11-20T06:00:00Z");
	assert_int_equal(v.nr_new, 1);
	assert_int_equal(v.resolved.nr, 1);
	history_view_release(&v);
	/* one tenant only */
	assert_int_equal(history_view_load(path, only, "2026-11-21T00:00", &v, &err), 0);
	assert_int_equal(v.result.findings.nr, 0);
	assert_int_equal(v.resolved.nr, 1);
	assert_int_equal(v.nr_trends, 1);
	assert_int_equal(v.result.nr_snapshots, 1);
	history_view_release(&v);
	/* a bad --since */
	assert_int_equal(history_view_load(path, NULL, "last tuesday", &v, &err), -1);
	assert_non_null(strstr(err, "--since"));
	free(err);
	history_view_release(&v);
	/* since before any run: no baseline */
	assert_int_equal(history_view_load(path, NULL, "2020-01-01", &v, &err), 0);
	assert_false(v.has_baseline);
	assert_string_equal(history_status(&v, v.result.findings.items[0].id), "new");
	history_view_release(&v);
	free(path);
}

static void test_empty_and_missing(void **state)
{
	char *path = db_path("h3.db"), *err = NULL;
	struct history_view v;
	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), -1);
	assert_non_null(strstr(err, path));
	assert_null(strchr(err, '\n'));
	free(err);
	err = NULL;
	history_view_release(&v);
	/* an empty (new) database: no run */
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), 1);
	history_view_release(&v);
	free(path);
}

static void test_corrupt(void **state)
{
	char *path = db_path("corrupt.db"), *err = NULL;
	struct audit_result res;
	struct history_view v;
	FILE *f = fopen(path, "w");
	fputs("this is not an SQLite database, just text that is long enough to have a header.......\n", f);
	fclose(f);
	fx_build(&res, "2026-11-20T06:00:00Z", true);
	assert_int_equal(history_record(path, &res, &err), -1);
	assert_true(starts_with(err, path));
	assert_null(strchr(err, '\n'));
	free(err);
	err = NULL;
	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), -1);
	assert_true(starts_with(err, path));
	free(err);
	history_view_release(&v);
	fx_free(&res);
	free(path);
}

static void test_newer_schema(void **state)
{
	char *path = db_path("newer.db"), *err = NULL;
	struct audit_result res;
	sqlite3 *db;
	record(path, "2026-11-20T06:00:00Z", true, false);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	fx_build(&res, "2026-11-21T06:00:00Z", true);
	assert_int_equal(history_record(path, &res, &err), -1);
	assert_non_null(strstr(err, "newer"));
	free(err);
	fx_free(&res);
	free(path);
}

static void test_concurrent(void **state)
{
	char *path = db_path("conc.db");
	pid_t pids[3];
	int status;
	for (int c = 0; c < 3; c++) {
		pids[c] = fork();
		assert_true(pids[c] >= 0);
		if (pids[c] == 0) {
			for (int i = 0; i < 15; i++) {
				struct audit_result res;
				char *err = NULL;
				fx_build(&res, "2026-11-20T06:00:00Z", (i + c) % 2);
				if (history_record(path, &res, &err)) {
					fprintf(stderr, "child %d: %s\n", c, err);
					_exit(1);
				}
				fx_free(&res);
			}
			_exit(0);
		}
	}
	for (int c = 0; c < 3; c++) {
		assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(query_int(path, "SELECT count(*) FROM runs"), 45);
	assert_int_equal(query_int(path, "SELECT count(*) FROM run_tenants"), 90);
	assert_int_equal(query_int(path, "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM run_findings f"
				   " WHERE f.run_id = r.id) NOT IN (2, 3)"), 0);
	assert_int_equal(query_int(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
	free(path);
}

static void test_parse_time(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "2026-11-20", "2026-11-20T00:00:00Z" },
		{ "2026-11-20T06:30", "2026-11-20T06:30:00Z" },
		{ "2026-11-20 06:30:15", "2026-11-20T06:30:15Z" },
		{ "2026-11-20T06:30:15Z", "2026-11-20T06:30:15Z" },
		{ "2026-13-20", NULL }, { "2026-11-20T25:00", NULL }, { "yesterday", NULL },
		{ "2026-11-20T06:30:15+02:00", NULL }, { "", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[21];
		int r = history_parse_time(cases[i].in, out);
		if (!cases[i].want) {
			if (r == 0)
				fail_msg("history_parse_time(%s): accepted as %s", cases[i].in, out);
		} else if (r || strcmp(out, cases[i].want)) {
			fail_msg("history_parse_time(%s): got %s, want %s", cases[i].in, r ? "error" : out, cases[i].want);
		}
	}
}

/* render - writer over the view's result with the view as history */
static char *render(int (*writer)(FILE *, const struct audit_result *, const struct report_options *, char **),
		    const struct history_view *v)
{
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	struct report_options opt = { .history = v };
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(writer(f, &v->result, &opt, &err), 0);
	fclose(f);
	return buf;
}

static void test_writers_with_history(void **state)
{
	char *path = db_path("h4.db"), *err = NULL, *out;
	struct history_view v;
	record(path, "2026-11-20T06:00:00Z", true, false);
	record(path, "2026-11-21T06:00:00Z", false, true);
	assert_int_equal(history_view_load(path, NULL, NULL, &v, &err), 0);
	out = render(report_write_html, &v);
	assert_non_null(strstr(out, "id=\"trend-chart\""));
	assert_non_null(strstr(out, "<svg"));
	assert_non_null(strstr(out, "id=\"count-new\">1<"));
	assert_non_null(strstr(out, "id=\"count-resolved\">1<"));
	assert_non_null(strstr(out, "id=\"count-persisting\">2<"));
	assert_non_null(strstr(out, "id=\"resolved\""));
	assert_null(strstr(out, "<script"));
	free(out);
	out = render(report_write_csv, &v);
	assert_non_null(strstr(out, ",resolved\r\n"));
	assert_non_null(strstr(out, ",new\r\n"));
	assert_non_null(strstr(out, ",persisting\r\n"));
	free(out);
	out = render(report_write_md, &v);
	assert_non_null(strstr(out, "**1 new**"));
	free(out);
	history_view_release(&v);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_and_diff),
		cmocka_unit_test(test_blob_is_the_report_object),
		cmocka_unit_test(test_since_and_filter),
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_newer_schema),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_writers_with_history),
	};
	int r;
	snprintf(dir, sizeof(dir), "%s/aa-hist.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return error("mkdtemp failed");
	r = cmocka_run_group_tests(tests, NULL, NULL);
	if (!r) {
		char *cmd = xstrfmt("rm -rf '%s'", dir);
		if (system(cmd)) { /* best effort */ }
		free(cmd);
	}
	return r;
}
