/*
 * test_http_backoff.c - backoff bounds (exponential, capped, jittered within
 * [half, full]) and the small URL helpers of the HTTP layer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/http.h"

#include <stdlib.h>
#include <string.h>

/* test_bounds - every retry's delay lies in [full/2, full] with full = min(base*2^(n-1), cap) */
static void test_bounds(void **state)
{
	unsigned seed = 7;
	for (int retry = 1; retry <= 12; retry++) {
		long full = HTTP_BACKOFF_BASE_MS;
		long lo = 1 << 30, hi = 0;
		for (int i = 1; i < retry; i++)
			full = full * 2 > HTTP_BACKOFF_CAP_MS ? HTTP_BACKOFF_CAP_MS : full * 2;
		for (int i = 0; i < 500; i++) {
			long d = http_backoff_ms(retry, &seed);
			if (d < lo) lo = d;
			if (d > hi) hi = d;
		}
		if (lo < full / 2 || hi > full)
			fail_msg("retry %d: delays in [%ld, %ld], want within [%ld, %ld]", retry, lo, hi, full / 2, full);
		/* jitter: not always the same value */
		assert_true(hi > lo);
	}
	assert_true(http_backoff_ms(1000, &seed) <= HTTP_BACKOFF_CAP_MS);
}

struct origin_case {
	const char *a, *b;
	bool same;
};

/* test_same_origin - nextLinks are followed only on the same scheme, host and port */
static void test_same_origin(void **state)
{
	static const struct origin_case cases[] = {
		{ "https://graph.microsoft.com/v1.0/users", "https://graph.microsoft.com/v1.0/users?$skiptoken=x", true },
		{ "https://graph.microsoft.com", "https://GRAPH.microsoft.com/v1.0/x", true },
		{ "https://127.0.0.1:4443/v1.0/users", "https://127.0.0.1:4443/v1.0/users?a=b", true },
		{ "https://127.0.0.1:4443/v1.0/users", "https://127.0.0.1:4444/v1.0/users", false },
		{ "https://graph.microsoft.com/v1.0", "https://graph.microsoft.com.evil.example/v1.0", false },
		{ "https://graph.microsoft.com/v1.0", "http://graph.microsoft.com/v1.0", false },
		{ "https://graph.microsoft.com/v1.0", "/v1.0/users", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (http_same_origin(cases[i].a, cases[i].b) != cases[i].same)
			fail_msg("same_origin('%s', '%s') != %d", cases[i].a, cases[i].b, cases[i].same);
}

/* test_escape - path segments and query values are percent-encoded */
static void test_escape(void **state)
{
	char *s = http_url_escape("a b/c@d=e&f");
	assert_string_equal(s, "a%20b%2Fc%40d%3De%26f");
	free(s);
}

/* test_describe - failure descriptions from OData, Exchange and OAuth error bodies */
static void test_describe(void **state)
{
	struct {
		long status;
		const char *body, *want;
	} cases[] = {
		{ 404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"Error executing cmdlet\",\"details\":[{\"code\":\"Client\",\"message\":\"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found.\"}]}}",
		  "HTTP 404 NotFound: The operation couldn't be performed because object 'x' couldn't be found." },
		{ 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: 1\"}",
		  "HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided." },
		{ 403, "", "HTTP 403 (empty body)" },
		{ 400, "{\"error\":{\"code\":\"Request_BadRequest\",\"message\":\"bad\"}}", "HTTP 400 Request_BadRequest: bad" },
		{ 502, "<html>bad gateway</html>", "HTTP 502" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_request *r = http_request_new("GET", "https://x.example/y");
		char *d;
		r->status = cases[i].status;
		assert_int_equal(strbuf_addstr(&r->resp, cases[i].body), 0);
		d = http_describe_failure(r);
		if (strcmp(d, cases[i].want))
			fail_msg("describe: got '%s', want '%s'", d, cases[i].want);
		free(d);
		http_request_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
