/*
 * test_retry_after.c - Retry-After parsing (seconds, fractional seconds,
 * HTTP-dates, garbage, caps) and the retry policy's status classes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/http.h"

#include <stdio.h>
#include <time.h>

struct ra_case {
	const char *value;
	long want;     /* milliseconds, -1 unparsable */
};

/* test_parse - table of Retry-After values relative to a fixed now */
static void test_parse(void **state)
{
	/* now = Thu, 26 Nov 2026 06:00:00 GMT */
	const time_t now = 1795672800;
	static const struct ra_case cases[] = {
		{ "10", 10000 },
		{ "0", 0 },
		{ "2.128", 2128 },
		{ " 7 ", 7000 },
		{ ".5", 500 },
		{ "Thu, 26 Nov 2026 06:00:30 GMT", 30000 },
		{ "Thu, 26 Nov 2026 05:59:00 GMT", 0 },
		{ "Thursday, 26-Nov-26 06:00:05 GMT", 5000 },
		{ "Thu Nov 26 06:00:02 2026", 2000 },
		{ "999999", HTTP_RETRY_AFTER_CAP_MS },
		{ "Fri, 01 Jan 2100 00:00:00 GMT", HTTP_RETRY_AFTER_CAP_MS },
		{ "-1", -1 },
		{ "", -1 },
		{ "soon", -1 },
		{ "10s", -1 },
		{ "nan", -1 },
		{ NULL, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long got = http_parse_retry_after(cases[i].value, now);
		if (got != cases[i].want)
			fail_msg("Retry-After '%s': got %ld, want %ld", cases[i].value ? cases[i].value : "(null)",
				 got, cases[i].want);
	}
}

/* test_retryable - only 408, 429 and 5xx are retried */
static void test_retryable(void **state)
{
	static const long yes[] = { 408, 429, 500, 502, 503, 504, 599 };
	static const long no[] = { 200, 204, 301, 400, 401, 403, 404, 409, 424, 600 };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(http_retryable_status(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(http_retryable_status(no[i]));
}

/* test_delay - a parsable Retry-After wins over the backoff, with at most 10% jitter */
static void test_delay(void **state)
{
	unsigned seed = 42;
	for (int i = 0; i < 200; i++) {
		long d = http_retry_delay_ms("2", 3, &seed);
		assert_in_range(d, 2000, 2200);
		d = http_retry_delay_ms("0", 3, &seed);
		assert_int_equal(d, 0);
		d = http_retry_delay_ms("bogus", 1, &seed);
		assert_in_range(d, HTTP_BACKOFF_BASE_MS / 2, HTTP_BACKOFF_BASE_MS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_retryable),
		cmocka_unit_test(test_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
