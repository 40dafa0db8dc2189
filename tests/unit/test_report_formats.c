/*
 * test_report_formats.c - the html, csv, md, sarif and junit writers and the
 * escaping helpers they share, on a fixture with hostile names and an
 * incomplete tenant. With "--write DIR" it writes each format into DIR
 * instead (for tests/e2e/report_formats.sh, which validates the files with
 * their real consumers: the SARIF schema, xmllint, python's csv module).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/report.h"
#include "report/report_util.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "test_report_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* render - run writer on res into a heap string */
static char *render(int (*writer)(FILE *, const struct audit_result *, const struct report_options *, char **),
		    const struct audit_result *res)
{
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	struct report_options opt = { 0 };
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(writer(f, res, &opt, &err), 0);
	fclose(f);
	assert_null(err);
	return buf;
}

/* only_local_refs - every quoted src= and href= attribute in html is a
 * fragment (the escaper turns every quote in data into &quot;, so a quoted
 * attribute can only come from the writer itself) */
static bool only_local_refs(const char *html)
{
	static const char *const attrs[] = { " src=\"", " href=\"", " src='", " href='" };
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++)
		for (const char *p = strstr(html, attrs[i]); p; p = strstr(p + 1, attrs[i]))
			if (p[strlen(attrs[i])] != '#')
				return false;
	return true;
}

struct esc_case {
	const char *in, *want;
};

static void test_html_escape(void **state)
{
	static const struct esc_case cases[] = {
		{ "plain", "plain" },
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
		{ "a'b&c", "a&#39;b&amp;c" },
		{ "bad\xff" "byte", "bad\xef\xbf\xbd" "byte" },
		{ "ctl\x01x", "ctl\\x01x" },          /* shown, never obeyed */
		{ "rlo\xe2\x80\xaex", "rlo\\u202ex" },
		{ "c1\xc2\x9bx", "c1\\u009bx" },
		{ "two\r\nlines", "two\\r\\nlines" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "\xc0\xafoverlong", "\xef\xbf\xbdoverlong" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		html_escape(&sb, cases[i].in);
		if (strcmp(sb.buf, cases[i].want))
			fail_msg("html_escape(%s): got '%s', want '%s'", cases[i].in, sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_xml_escape(void **state)
{
	static const struct esc_case text[] = {
		{ "a<b>&'\"", "a&lt;b&gt;&amp;&apos;&quot;" },
		{ "nul\x01\x1f" "end", "nul\\x01\\x1f" "end" },
		{ "bidi\xe2\x81\xa6x", "bidi\\u2066x" },
		{ "tab\tnl\n", "tab\tnl\n" },
		{ "\xef\xbf\xbe", "\xef\xbf\xbd" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(text); i++) {
		struct strbuf sb = STRBUF_INIT;
		xml_escape(&sb, text[i].in, false);
		if (strcmp(sb.buf, text[i].want))
			fail_msg("xml_escape(%s): got '%s', want '%s'", text[i].in, sb.buf, text[i].want);
		strbuf_release(&sb);
	}
	struct strbuf sb = STRBUF_INIT;
	xml_escape(&sb, "a\tb\nc", true);
	assert_string_equal(sb.buf, "a&#9;b&#10;c");
	strbuf_release(&sb);
}

static void test_csv_field(void **state)
{
	static const struct esc_case cases[] = {
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\r\nlines", "\"two\\r\\nlines\"" }, /* a field never spans lines */
		{ "rlo\xe2\x80\xae", "rlo\\u202e" },
		{ "=1+2", "\"'=1+2\"" },
		{ "+cmd", "\"'+cmd\"" },
		{ "-2", "\"'-2\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "a=b", "a=b" },
		{ "", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		csv_field(&sb, cases[i].in);
		if (strcmp(sb.buf, cases[i].want))
			fail_msg("csv_field(%s): got '%s', want '%s'", cases[i].in, sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_md_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	md_escape(&sb, "a|b <i>*x*</i>\nnext");
	assert_string_equal(sb.buf, "a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt; next");
	strbuf_release(&sb);
}

static void test_path(void **state)
{
	struct audit_result res;
	struct strbuf sb = STRBUF_INIT;
	fx_build(&res, "2026-11-26T06:00:00Z", true);
	for (size_t i = 0; i < res.findings.nr; i++)
		if (!strcmp(res.findings.items[i].subject, "info@contoso.com"))
			report_path(&sb, &res.findings.items[i]);
	assert_string_equal(sb.buf, "info@contoso.com \xe2\x86\x92 admin@contoso.com (alias) \xe2\x86\x92 "
			    "info@contoso.com (inbox rule \"Archive\")");
	strbuf_release(&sb);
	fx_free(&res);
}

static void test_html(void **state)
{
	struct audit_result res;
	char *out;
	fx_build(&res, "2026-11-26T06:00:00Z", true);
	out = render(report_write_html, &res);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<img"));
	assert_null(strstr(out, "onerror=alert(1)>"));
	assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(out, "id=\"incomplete-banner\""));
	assert_non_null(strstr(out, "id=\"summary-severity\""));
	assert_non_null(strstr(out, "id=\"not-evaluated\""));
	assert_non_null(strstr(out, "Content-Security-Policy"));
	assert_non_null(strstr(out, "@media print"));
	for (size_t i = 0; i < res.findings.nr; i++)
		assert_non_null(strstr(out, res.findings.items[i].id));
	/* no external reference of any kind: every src/href is a fragment */
	assert_true(only_local_refs(out));
	free(out);
	fx_free(&res);
}

static void test_html_complete(void **state)
{
	struct audit_result res;
	char *out;
	fx_build(&res, "2026-11-26T06:00:00Z", false);
	/* make it complete: drop the gap and the failed tenant */
	finding_list_release(&res.findings);
	snapshot_free(res.snapshots[1]);
	res.nr_snapshots = 1;
	out = render(report_write_html, &res);
	assert_null(strstr(out, "incomplete-banner"));
	assert_non_null(strstr(out, "complete-banner"));
	assert_non_null(strstr(out, "No findings."));
	free(out);
	fx_free(&res);
}

static void test_csv(void **state)
{
	struct audit_result res;
	char *out;
	fx_build(&res, "2026-11-26T06:00:00Z", true);
	out = render(report_write_csv, &res);
	assert_true(starts_with(out, "id,severity,check,tenant,provider,subject,summary,symptom_code,path,fix_id,automated,refs,status\r\n"));
	assert_non_null(strstr(out, "\"'=HYPERLINK(\"\"http://x\"\")@contoso.com\""));
	assert_non_null(strstr(out, "CIS M365 v4.0.0 6.2.1; MS.EXO.1.1v2"));
	assert_non_null(strstr(out, ",not-evaluated\r\n"));
	assert_non_null(strstr(out, ",tenant-incomplete\r\n"));
	free(out);
	fx_free(&res);
}

static void test_md(void **state)
{
	struct audit_result res;
	char *out;
	fx_build(&res, "2026-11-26T06:00:00Z", true);
	out = render(report_write_md, &res);
	assert_null(strstr(out, "<script"));
	assert_non_null(strstr(out, "INCOMPLETE AUDIT"));
	assert_non_null(strstr(out, "\\| pipe"));
	free(out);
	fx_free(&res);
}

static void test_sarif(void **state)
{
	struct audit_result res;
	char *out;
	cJSON *doc, *run, *results, *rules, *r;
	fx_build(&res, "2026-11-26T06:00:00Z", true);
	out = render(report_write_sarif, &res);
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "version")->valuestring, "2.1.0");
	run = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(run, "invocations"), 0),
						      "executionSuccessful")));
	results = cJSON_GetObjectItem(run, "results");
	rules = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"), "rules");
	assert_int_equal(cJSON_GetArraySize(results), (int)res.findings.nr);
	cJSON_ArrayForEach(r, results) {
		int idx = cJSON_GetObjectItem(r, "ruleIndex")->valueint;
		cJSON *rule = cJSON_GetArrayItem(rules, idx);
		assert_string_equal(cJSON_GetObjectItem(rule, "id")->valuestring,
				    cJSON_GetObjectItem(r, "ruleId")->valuestring);
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "partialFingerprints"), "aliasauditFindingId/v1"));
	}
	cJSON_Delete(doc);
	free(out);
	fx_free(&res);
}

static void test_junit(void **state)
{
	struct audit_result res;
	char *out;
	fx_build(&res, "2026-11-26T06:00:00Z", true);
	out = render(report_write_junit, &res);
	assert_true(starts_with(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
	assert_null(strchr(out, '\x01'));
	assert_null(strstr(out, "<script"));
	assert_non_null(strstr(out, "type=\"not-evaluated\""));
	assert_non_null(strstr(out, "name=\"collection\""));
	assert_non_null(strstr(out, "<failure message=\"2 findings\" type=\"high\">"));
	free(out);
	fx_free(&res);
}

/* write_all - the driver mode: every format into dir */
static int write_all(const char *dir)
{
	static const struct { const char *name, *file; bool complete; } outs[] = {
		{ "html", "report.html", false }, { "csv", "report.csv", false }, { "md", "report.md", false },
		{ "sarif", "report.sarif", false }, { "junit", "report.xml", false },
		{ "sarif", "complete.sarif", true }, { "junit", "complete.xml", true }, { "html", "complete.html", true },
	};
	int (*const writers[])(FILE *, const struct audit_result *, const struct report_options *, char **) = {
		report_write_html, report_write_csv, report_write_md, report_write_sarif, report_write_junit,
		report_write_sarif, report_write_junit, report_write_html,
	};
	for (size_t i = 0; i < ARRAY_SIZE(outs); i++) {
		struct audit_result res;
		struct report_options opt = { 0 };
		char *path = xstrfmt("%s/%s", dir, outs[i].file), *err = NULL;
		FILE *f = fopen(path, "w");
		if (!f)
			return error("%s: cannot write", path);
		fx_build(&res, "2026-11-26T06:00:00Z", true);
		if (outs[i].complete) {
			for (size_t j = 0; j < res.findings.nr_gaps; j++) {
				free(res.findings.gaps[j].tenant);
				free(res.findings.gaps[j].reason);
			}
			res.findings.nr_gaps = 0;
			res.snapshots[1]->complete = true;
			res.snapshots[1]->nr_errors = 0;
		}
		if (writers[i](f, &res, &opt, &err))
			return error("%s", err);
		fclose(f);
		free(path);
		fx_free(&res);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_md_escape),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_complete),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_sarif),
		cmocka_unit_test(test_junit),
	};
	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_all(argv[2]) ? 1 : 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
