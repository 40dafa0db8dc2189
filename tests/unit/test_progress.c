/*
 * test_progress.c - the progress board fed through its HTTP observer: the
 * status line (objects read / expected, requests, throttling, waits, an ETA
 * once a share is known, control characters in names replaced) and the
 * trace file (valid JSON, one X event per try named method + path without
 * the query, a lane per slot, rounds, process names).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/progress.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* feed - five tries of a ten-request round, one throttled, one 1.5 s wait */
static void feed(const struct http_observer *o)
{
	long long t = http_now_us();
	o->starting(o->ud, 10);
	for (int i = 0; i < 5; i++)
		o->tried(o->ud, "POST", "https://127.0.0.1:1/v1.0/$batch?x=secret-looking", i, t, t + 20000,
			 i == 4 ? 429 : 200);
	o->waiting(o->ud, 1500);
}

/* test_line - the status line's fields and the ETA */
static void test_line(void **state)
{
	struct progress_board *b;
	struct progress *p;
	char *err = NULL, line[512];
	(void)state;
	b = progress_board_new(PROGRESS_OFF, NULL, &err);
	assert_non_null(b);
	p = progress_tenant(b, "con\033[2Jtoso");
	progress_start(p);
	progress_format_line(p, http_now_us(), line, sizeof(line));
	assert_non_null(strstr(line, "con?[2Jtoso: 0 objects, 0 requests,"));
	assert_non_null(strstr(line, "ETA -"));
	progress_objects(p, 0, 100, 200, "mailboxes");
	feed(progress_observer(p));
	usleep(20000);
	progress_format_line(p, http_now_us(), line, sizeof(line));
	assert_non_null(strstr(line, ": 0/200 mailboxes, 5 requests, 1 throttled, 1.5 s waited, "));
	assert_null(strstr(line, "ETA -"));   /* a quarter is done: an ETA */
	assert_non_null(strstr(line, "ETA "));
	progress_end(p, NULL);
	assert_int_equal(progress_board_finish(b, &err), 0);
}

/* test_trace - the trace file */
static void test_trace(void **state)
{
	char path[] = "/tmp/aa-progress-XXXXXX", *err = NULL, *text;
	int fd = mkstemp(path), http = 0, rounds = 0, names = 0;
	struct progress_board *b;
	struct progress *p;
	cJSON *j, *ev;
	size_t len;
	(void)state;
	assert_true(fd >= 0);
	close(fd);
	b = progress_board_new(PROGRESS_OFF, path, &err);
	assert_non_null(b);
	p = progress_tenant(b, "fab\"rikam");
	progress_start(p);
	feed(progress_observer(p));
	progress_observer(p)->ran(p, 10, http_now_us() - 1000, http_now_us());
	progress_end(p, "incomplete");
	assert_int_equal(progress_board_finish(b, &err), 0);
	assert_int_equal(read_file(path, 1 << 20, &text, &len, &err), 0);
	j = cJSON_Parse(text);
	assert_non_null(j);
	assert_null(strstr(text, "secret-looking"));
	cJSON_ArrayForEach(ev, cJSON_GetObjectItem(j, "traceEvents")) {
		const char *cat = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "cat"));
		const char *ph = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "ph"));
		if (!strcmp(ph, "M")) {
			assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
				cJSON_GetObjectItem(ev, "args"), "name")), "fab\"rikam");
			names++;
			continue;
		}
		assert_string_equal(ph, "X");
		assert_true(cJSON_GetObjectItem(ev, "dur")->valuedouble >= 0);
		if (!strcmp(cat, "http")) {
			assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(ev, "name")), "POST /v1.0/$batch");
			assert_int_equal((int)cJSON_GetObjectItem(ev, "tid")->valuedouble, http + 1);
			assert_int_equal((int)cJSON_GetObjectItem(ev, "dur")->valuedouble, 20000);
			http++;
		} else if (!strcmp(cat, "round")) {
			assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(ev, "name")), "round of 10 requests");
			rounds++;
		}
	}
	assert_int_equal(http, 5);
	assert_int_equal(rounds, 1);
	assert_int_equal(names, 1);
	cJSON_Delete(j);
	free(text);
	unlink(path);
}

/* test_bad_path - a trace that cannot be created fails at once */
static void test_bad_path(void **state)
{
	char *err = NULL;
	(void)state;
	assert_null(progress_board_new(PROGRESS_OFF, "/nonexistent-dir/t.json", &err));
	assert_non_null(strstr(err, "/nonexistent-dir/t.json: cannot write the trace"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_bad_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
