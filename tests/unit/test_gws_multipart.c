/*
 * test_gws_multipart.c - the multipart/mixed batch framing (http_multipart.c)
 * used by the Gmail batch client: boundaries, Content-IDs, inner statuses,
 * headers and bodies, LF-only input, and every malformed form refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/http_multipart.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define CT "multipart/mixed; boundary=batch_abc"

/* test_boundary_of - quoted, unquoted, missing, not multipart */
static void test_boundary_of(void **state)
{
	static const struct { const char *ct, *want; } t[] = {
		{ "multipart/mixed; boundary=batch_abc", "batch_abc" },
		{ "multipart/mixed; charset=utf-8; boundary=\"b 1\"", "b 1" },
		{ "Multipart/Mixed;boundary=x;foo=bar", "x" },
		{ "multipart/mixed", NULL },
		{ "application/json; boundary=x", NULL },
		{ "multipart/mixed; boundary=\"unterminated", NULL },
		{ NULL, NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *got = http_multipart_boundary_of(t[i].ct);
		if (t[i].want)
			assert_string_equal(got, t[i].want);
		else
			assert_null(got);
		free(got);
	}
}

/* test_parse_google - a Google-shaped answer: two parts, statuses, headers, bodies */
static void test_parse_google(void **state)
{
	const char *body =
		"--batch_abc\r\nContent-Type: application/http\r\nContent-ID: <response-item-1>\r\n\r\n"
		"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
		"{\"sendAs\":[]}\r\n"
		"--batch_abc\r\nContent-Type: application/http\r\nContent-ID: <response-item-7>\r\n\r\n"
		"HTTP/1.1 403 Forbidden\r\nRetry-After: 2\r\nContent-Type: application/json\r\n\r\n"
		"{\"error\":{\"code\":403}}\r\n"
		"--batch_abc--\r\n";
	struct http_part *p = NULL;
	size_t n = 0;
	char *err = NULL;
	assert_int_equal(http_multipart_parse(CT, body, strlen(body), &p, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].content_id, "response-item-1");
	assert_string_equal(p[0].content_type, "application/http");
	assert_int_equal(p[0].status, 200);
	assert_string_equal(p[0].body, "{\"sendAs\":[]}");
	assert_string_equal(p[1].content_id, "response-item-7");
	assert_int_equal(p[1].status, 403);
	assert_string_equal(http_part_header(&p[1], "retry-after"), "2");
	assert_null(http_part_header(&p[1], "X-None"));
	assert_string_equal(p[1].body, "{\"error\":{\"code\":403}}");
	http_parts_free(p, n);
}

/* test_parse_lf_and_preamble - LF-only lines, a preamble, an empty body, no Content-ID */
static void test_parse_lf_and_preamble(void **state)
{
	const char *body =
		"this is a preamble\n--batch_abc\nContent-Type: application/http\n\n"
		"HTTP/1.1 204 No Content\n\n\n--batch_abc--\n";
	struct http_part *p = NULL;
	size_t n = 0;
	char *err = NULL;
	assert_int_equal(http_multipart_parse(CT, body, strlen(body), &p, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_null(p[0].content_id);
	assert_int_equal(p[0].status, 204);
	assert_int_equal(p[0].body_len, 0);
	http_parts_free(p, n);
}

/* test_parse_malformed - each broken form gives a one-line error and no parts */
static void test_parse_malformed(void **state)
{
	static const struct { const char *ct, *body, *want; } t[] = {
		{ "application/json", "{}", "not a multipart response" },
		{ CT, "no boundary at all", "no boundary line" },
		{ CT, "--batch_abc\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{\"a\":1",
		  "truncated multipart response" },
		{ CT, "--batch_abc\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n--batch_abc",
		  "truncated multipart response" },
		{ CT, "--batch_abc\r\nContent-Type: application/http\r\nno blank line\r\n--batch_abc--\r\n",
		  "no blank line" },
		{ CT, "--batch_abc\r\nContent-Type: application/http\r\n\r\nGARBAGE\r\n\r\n--batch_abc--\r\n",
		  "no HTTP status line" },
		{ CT, "--batch_abc\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 999 Odd\r\n\r\n--batch_abc--\r\n",
		  "bad HTTP status line" },
		{ CT, "--batch_abc", "truncated multipart response" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct http_part *p = (struct http_part *)1;
		size_t n = 99;
		char *err = NULL;
		assert_int_equal(http_multipart_parse(t[i].ct, t[i].body, strlen(t[i].body), &p, &n, &err), -1);
		if (!strstr(err, t[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err, t[i].want);
		assert_null(strchr(err, '\n'));
		assert_null(p);
		assert_int_equal(n, 0);
		free(err);
	}
}

/* test_roundtrip - what the builder writes, a server's parser can split; the
 * per-part Authorization stays inside its part */
static void test_roundtrip(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct http_header h[1] = { { "Authorization", "Bearer T1" } };
	char *b = http_multipart_new_boundary(), *ct = xstrfmt("multipart/mixed; boundary=%s", b);
	struct http_part *p = NULL;
	size_t n = 0;
	char *err = NULL, *resp;
	assert_true(strncmp(b, "batch_", 6) == 0);
	http_multipart_add_http(&sb, b, "item-0", "GET", "/gmail/v1/users/me/settings/sendAs", h, 1, NULL, 0);
	http_multipart_add_http(&sb, b, "item-1", "GET", "/gmail/v1/users/me/settings/vacation", NULL, 0, NULL, 0);
	http_multipart_close(&sb, b);
	assert_non_null(strstr(sb.buf, "Content-ID: <item-0>\r\n\r\nGET /gmail/v1/users/me/settings/sendAs\r\n"
				"Authorization: Bearer T1\r\n\r\n"));
	assert_non_null(strstr(sb.buf, "Content-ID: <item-1>"));
	assert_true(strstr(sb.buf, "Bearer T1") < strstr(sb.buf, "item-1"));
	assert_null(strstr(strstr(sb.buf, "Bearer T1") + 1, "Bearer"));
	/* a response built the same way parses back */
	resp = xstrfmt("--%s\r\nContent-Type: application/http\r\nContent-ID: <response-item-0>\r\n\r\n"
		       "HTTP/1.1 200 OK\r\n\r\n{}\r\n--%s--\r\n", b, b);
	assert_int_equal(http_multipart_parse(ct, resp, strlen(resp), &p, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].content_id, "response-item-0");
	http_parts_free(p, n);
	free(resp);
	free(b);
	free(ct);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary_of),
		cmocka_unit_test(test_parse_google),
		cmocka_unit_test(test_parse_lf_and_preamble),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
