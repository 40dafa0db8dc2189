/*
 * test_gws_retry.c - Google's retry rules (gws_http.c): the RFC 3339 parser,
 * the "Retry after <time>" message form, which answers are retried (429,
 * 5xx, 403 rate limits) and which never are (403 forbidden / Delegation
 * denied, 400, 404); plus the mapping helpers (filter summaries, catch-all
 * syntax) and the token-error messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../providers/gworkspace/gws.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* test_rfc3339 - valid and invalid stamps */
static void test_rfc3339(void **state)
{
	static const struct { const char *s; long long want; long ms; } ok[] = {
		{ "2024-11-12T11:16:42.247Z", 1731410202LL, 247 },
		{ "2024-11-12T11:16:42Z", 1731410202LL, 0 },
		{ "2024-11-12t11:16:42.5z", 1731410202LL, 500 },
		{ "2024-11-12T12:16:42+01:00", 1731410202LL, 0 },
		{ "2024-11-12T10:46:42.000001-00:30", 1731410202LL, 0 },
		{ "1970-01-01T00:00:00Z", 0, 0 },
	};
	static const char *const bad[] = {
		"", "2024-11-12", "2024-11-12T11:16:42", "2024-13-12T11:16:42Z", "2024-11-12T25:16:42Z",
		"2024-11-12T11:16:42.Z", "2024-11-12T11:16:42+0100", "24-11-12T11:16:42Z", "garbage garbage!!",
		"2024-11-12T11:16:42Q",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		time_t t = 0;
		long ms = -1;
		if (gws_parse_rfc3339(ok[i].s, &t, &ms) < 0)
			fail_msg("'%s' refused", ok[i].s);
		if ((long long)t != ok[i].want || ms != ok[i].ms)
			fail_msg("'%s': got %lld.%03ld, want %lld.%03ld", ok[i].s, (long long)t, ms, ok[i].want, ok[i].ms);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		time_t t;
		if (gws_parse_rfc3339(bad[i], &t, NULL) == 0)
			fail_msg("'%s' accepted", bad[i]);
	}
}

/* test_retry_after_text - the message form, relative to a fixed now */
static void test_retry_after_text(void **state)
{
	time_t now = 1731410200; /* 2024-11-12T11:16:40Z */
	assert_int_equal(gws_retry_after_text("User-rate limit exceeded.  Retry after 2024-11-12T11:16:42.247Z "
					      "(Forwarding rules)", now), 2247);
	assert_int_equal(gws_retry_after_text("rateLimitExceeded: retry after 2024-11-12T11:16:41Z", now), 1000);
	assert_int_equal(gws_retry_after_text("Retry after 2024-11-12T11:16:00Z", now), 0);
	assert_int_equal(gws_retry_after_text("Retry after 2030-01-01T00:00:00Z", now), HTTP_RETRY_AFTER_CAP_MS);
	assert_int_equal(gws_retry_after_text("Retry after soon, then Retry after 2024-11-12T11:16:45Z", now), 5000);
	assert_int_equal(gws_retry_after_text("User Rate Limit Exceeded", now), -1);
	assert_int_equal(gws_retry_after_text("Retry after tomorrow", now), -1);
	assert_int_equal(gws_retry_after_text(NULL, now), -1);
}

/* test_retryable - which Google answers are tried again */
static void test_retryable(void **state)
{
	static const struct { long status; const char *body; const char *ra; bool want; long delay; } t[] = {
		{ 429, "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}", "3", true, 3000 },
		{ 503, "{\"error\":{\"code\":503,\"errors\":[{\"reason\":\"backendError\"}]}}", NULL, true, -1 },
		{ 403, "{\"error\":{\"code\":403,\"message\":\"User Rate Limit Exceeded\","
		       "\"errors\":[{\"reason\":\"userRateLimitExceeded\",\"domain\":\"usageLimits\"}]}}", NULL, true, -1 },
		{ 403, "{\"error\":{\"code\":403,\"message\":\"Rate Limit Exceeded\","
		       "\"errors\":[{\"reason\":\"rateLimitExceeded\"}]}}", NULL, true, -1 },
		{ 403, "{\"error\":{\"code\":403,\"message\":\"Delegation denied for bob@x.com\","
		       "\"errors\":[{\"reason\":\"forbidden\"}]}}", NULL, false, -1 },
		{ 403, "{\"error\":{\"code\":403,\"message\":\"Not Authorized to access this resource/api\","
		       "\"errors\":[{\"reason\":\"forbidden\"}]}}", NULL, false, -1 },
		{ 403, "Quota exceeded for quota metric 'Queries'", NULL, true, -1 },
		{ 400, "{\"error\":{\"code\":400,\"errors\":[{\"reason\":\"failedPrecondition\"}]}}", NULL, false, -1 },
		{ 404, "{\"error\":{\"code\":404,\"errors\":[{\"reason\":\"notFound\"}]}}", NULL, false, -1 },
		{ 200, "{}", NULL, false, -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		long d = 0;
		bool got = gws_retryable(t[i].status, t[i].body, strlen(t[i].body), t[i].ra, &d);
		if (got != t[i].want)
			fail_msg("case %zu (HTTP %ld): got %d, want %d", i, t[i].status, got, t[i].want);
		if (t[i].want && t[i].delay >= 0 && d != t[i].delay)
			fail_msg("case %zu: delay %ld, want %ld", i, d, t[i].delay);
	}
	/* the message form without a header: a delay in the future */
	{
		char body[300], stamp[32];
		time_t when = time(NULL) + 5;
		long d = -1;
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&when));
		snprintf(body, sizeof(body), "{\"error\":{\"code\":403,\"message\":\"User-rate limit exceeded.  Retry after "
			 "%s.000Z\",\"errors\":[{\"reason\":\"userRateLimitExceeded\"}]}}", stamp);
		assert_true(gws_retryable(403, body, strlen(body), NULL, &d));
		assert_true(d > 3000 && d <= 5000);
	}
}

/* test_filter_summary - criteria to a readable name */
static void test_filter_summary(void **state)
{
	static const struct { const char *json, *want; } t[] = {
		{ "{\"from\":\"boss@fabrikam.com\"}", "from:boss@fabrikam.com" },
		{ "{\"to\":\"a@b\",\"subject\":\"big deal\",\"hasAttachment\":true}", "to:a@b subject:(big deal) has:attachment" },
		{ "{\"query\":\"invoice\",\"negatedQuery\":\"spam\",\"size\":1000,\"sizeComparison\":\"smaller\"}",
		  "invoice -(spam) smaller:1000" },
		{ "{}", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		cJSON *j = cJSON_Parse(t[i].json);
		char *got = gws_filter_summary(j);
		assert_string_equal(got, t[i].want);
		free(got);
		cJSON_Delete(j);
	}
}

/* test_catch_all - the config syntax */
static void test_catch_all(void **state)
{
	struct gws_build b = { .s = snapshot_new("t", "gworkspace") };
	static const char *const bad[] = { "", "x.com", "x.com:a@x.com", "x.com:nobody:all", "a@x.com:a@x.com:all",
					   "x.com:a@x.com:sometimes", ":a@x.com:all" };
	char *err = NULL;
	assert_int_equal(gws_parse_catch_all(&b, "x.com:it@x.com:all", &err), 0);
	assert_int_equal(gws_parse_catch_all(&b, "x.com:it@x.com:unknown-only:Default: all to it", &err), 0);
	assert_int_equal(b.nr_ca, 2);
	assert_string_equal(b.ca[0].domain, "x.com");
	assert_string_equal(b.ca[0].target, "it@x.com");
	assert_int_equal(b.ca[0].scope, CATCHALL_ALL);
	assert_string_equal(b.ca[0].source, "config");
	assert_string_equal(b.ca[0].name, "");
	assert_int_equal(b.ca[1].scope, CATCHALL_UNKNOWN_ONLY);
	assert_string_equal(b.ca[1].name, "Default: all to it");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (gws_parse_catch_all(&b, bad[i], &err) == 0)
			fail_msg("'%s' accepted", bad[i]);
		free(err);
		err = NULL;
	}
	gws_build_release(&b);
	snapshot_free(b.s);
}

/* test_token_errors - the messages say what to fix and which are fatal */
static void test_token_errors(void **state)
{
	bool fatal = false;
	char *m = gws_token_error(401, "unauthorized_client", "Client is unauthorized", "1133",
				  "admin@x.com", "https://www.googleapis.com/auth/a https://www.googleapis.com/auth/b", &fatal);
	assert_true(fatal);
	assert_non_null(strstr(m, "Security > API controls > Domain-wide delegation"));
	assert_non_null(strstr(m, "client ID 1133"));
	assert_non_null(strstr(m, "https://www.googleapis.com/auth/a,https://www.googleapis.com/auth/b"));
	free(m);
	m = gws_token_error(400, "invalid_grant", "Invalid email or User ID", "1", "gone@x.com", "s", &fatal);
	assert_false(fatal);   /* per user unless it is an admin subject */
	assert_non_null(strstr(m, "gone@x.com"));
	free(m);
	m = gws_token_error(400, "invalid_grant", "Invalid JWT Signature.", "1", "a@x.com", "s", &fatal);
	assert_true(fatal);
	assert_non_null(strstr(m, "create a new key"));
	free(m);
	m = gws_token_error(503, NULL, NULL, "1", "a@x.com", "s", &fatal);
	assert_false(fatal);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_retry_after_text),
		cmocka_unit_test(test_retryable),
		cmocka_unit_test(test_filter_summary),
		cmocka_unit_test(test_catch_all),
		cmocka_unit_test(test_token_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
