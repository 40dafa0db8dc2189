/*
 * test_postfix.c - the pieces of the Postfix provider and the probe that do
 * not need a running Postfix: Postfix list splitting, running a tool
 * (exit status, stderr line, output cap, timeout), server specs, reply text
 * neutralising, and the probe's predictions and verdicts from a snapshot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../providers/postfix/postfix.h"
#include "cli/probe.h"
#include "core/graph.h"

#include <stdlib.h>
#include <string.h>

/* test_split_list - commas and whitespace separate; {...} groups */
static void test_split_list(void **state)
{
	char **w;
	size_t n = pf_split_list(" hash:/etc/postfix/virtual,pcre:/x ,\n inline:{ a@b=c, {d@e = f, g} } x", &w);
	assert_int_equal(n, 4);
	assert_string_equal(w[0], "hash:/etc/postfix/virtual");
	assert_string_equal(w[1], "pcre:/x");
	assert_string_equal(w[2], "inline:{ a@b=c, {d@e = f, g} }");
	assert_string_equal(w[3], "x");
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	assert_int_equal(pf_split_list("", &w), 0);
	free(w);
}

/* test_run - status, the stderr line, standard input, the output cap, the timeout */
static void test_run(void **state)
{
	struct strbuf out = STRBUF_INIT;
	char *err = NULL;
	char *ok[] = { "/bin/sh", "-c", "cat; echo done", NULL };
	assert_int_equal(pf_run(ok, "a@b\n", &out, 5000, &err), 0);
	assert_string_equal(out.buf, "a@b\ndone\n");
	assert_null(err);
	strbuf_release(&out);

	char *bad[] = { "/bin/sh", "-c", "echo 'postmap: fatal: open x.db: No such file' >&2; exit 1", NULL };
	assert_int_equal(pf_run(bad, NULL, &out, 5000, &err), 1);
	assert_string_equal(err, "postmap: fatal: open x.db: No such file");
	free(err);
	err = NULL;

	char *missing[] = { "/nonexistent/postconf", NULL };
	assert_int_equal(pf_run(missing, NULL, &out, 5000, &err), 127);
	assert_non_null(strstr(err, "cannot run /nonexistent/postconf"));
	free(err);
	err = NULL;

	strbuf_init(&out, 1000);
	char *big[] = { "/bin/sh", "-c", "head -c 100000 /dev/zero", NULL };
	assert_int_equal(pf_run(big, NULL, &out, 5000, &err), -1);
	assert_non_null(strstr(err, "too much output"));
	free(err);
	err = NULL;
	strbuf_release(&out);

	char *slow[] = { "/bin/sh", "-c", "sleep 5", NULL };
	assert_int_equal(pf_run(slow, NULL, &out, 200, &err), -1);
	assert_non_null(strstr(err, "timed out"));
	free(err);
	strbuf_release(&out);
}

/* test_server_spec - HOST[:PORT], [IPv6]:PORT, bad ports */
static void test_server_spec(void **state)
{
	char *h, *p;
	assert_int_equal(probe_parse_server("mx.example.com", &h, &p), 0);
	assert_string_equal(h, "mx.example.com");
	assert_string_equal(p, "25");
	free(h);
	free(p);
	assert_int_equal(probe_parse_server("[::1]:2525", &h, &p), 0);
	assert_string_equal(h, "::1");
	assert_string_equal(p, "2525");
	free(h);
	free(p);
	assert_int_equal(probe_parse_server("127.0.0.1:0", &h, &p), -1);
	assert_int_equal(probe_parse_server("host:99999", &h, &p), -1);
	assert_int_equal(probe_parse_server("::1", &h, &p), -1);
	assert_int_equal(probe_parse_server("", &h, &p), -1);
	assert_int_equal(probe_parse_server("host:", &h, &p), -1);
}

/* test_clean_text - a server's reply never carries raw control characters */
static void test_clean_text(void **state)
{
	char *c = smtp_clean_text("User \x1b[31munknown\r\n\x7f");
	assert_string_equal(c, "User ?[31munknown???");
	free(c);
}

/* test_predict - refused for an unknown owned address, accepted for
 * recipients and aliases, none elsewhere; verdicts from reply classes */
static void test_predict(void **state)
{
	static const char snap[] =
		"{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"mx\",\"provider\":\"postfix\","
		"\"domains\":[{\"name\":\"example.test\"},{\"name\":\"relay.test\",\"type\":\"internal-relay\"}],"
		"\"recipients\":[{\"address\":\"bob@example.test\",\"kind\":\"user\"}],"
		"\"forwards\":[{\"from\":\"sales@example.test\",\"to\":[\"bob@example.test\"],\"via\":\"routing\","
		"\"keep_copy\":false}]}";
	struct snapshot *s;
	char *err = NULL;
	assert_int_equal(snapshot_parse("t.json", snap, strlen(snap), &s, &err), 0);
	struct route_graph *g = route_graph_build(&s, 1, NULL);
	struct probe_item it[5] = {
		{ .address = "nobody@example.test" }, { .address = "bob@example.test" },
		{ .address = "sales@example.test" }, { .address = "x@gmail.com" },
		{ .address = "any@relay.test" },
	};
	probe_predict(g, it, 5);
	assert_int_equal(it[0].prediction, PREDICT_REFUSED);
	assert_int_equal(it[1].prediction, PREDICT_ACCEPTED);
	assert_int_equal(it[2].prediction, PREDICT_ACCEPTED);
	assert_int_equal(it[3].prediction, PREDICT_NONE);
	assert_int_equal(it[4].prediction, PREDICT_NONE);
	int codes[5] = { 550, 550, 451, 250, 250 };
	for (int i = 0; i < 5; i++) {
		it[i].answered = true;
		it[i].reply.code = codes[i];
	}
	probe_judge(it, 5);
	assert_int_equal(it[0].verdict, VERDICT_MATCH);
	assert_int_equal(it[1].verdict, VERDICT_DIFFERS);
	assert_int_equal(it[2].verdict, VERDICT_TEMPORARY);
	assert_int_equal(it[3].verdict, VERDICT_NONE);
	route_graph_free(g);
	snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_list),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_server_spec),
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_predict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
