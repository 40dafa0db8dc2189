/*
 * test_env.c - the environment read in one place: ALIASAUDIT_NOW (now_time,
 * iso8601_now) and the CA-bundle fallback every TLS client uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/util.h"
#include "net/tls_ca.h"

#include <stdlib.h>
#include <time.h>

static void test_now(void **state)
{
	char buf[21];
	time_t before = time(NULL);
	(void)state;
	setenv("ALIASAUDIT_NOW", "2026-11-20T06:00:00Z", 1);
	assert_int_equal((long long)now_time(), 1795154400LL);
	iso8601_now(buf);
	assert_string_equal(buf, "2026-11-20T06:00:00Z");
	/* malformed or empty: the real clock */
	setenv("ALIASAUDIT_NOW", "2026-11-20", 1);
	assert_true(now_time() >= before);
	setenv("ALIASAUDIT_NOW", "2026-11-20T06:00:00Zjunk", 1);
	assert_true(now_time() >= before);
	setenv("ALIASAUDIT_NOW", "", 1);
	assert_true(now_time() >= before);
	unsetenv("ALIASAUDIT_NOW");
	iso8601_now(buf);
	assert_int_equal(buf[19], 'Z');
}

static void test_ca_bundle(void **state)
{
	(void)state;
	unsetenv("CURL_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
	assert_null(tls_ca_bundle(NULL));
	assert_null(tls_ca_bundle(""));
	setenv("SSL_CERT_FILE", "/ssl.pem", 1);
	assert_string_equal(tls_ca_bundle(NULL), "/ssl.pem");
	setenv("CURL_CA_BUNDLE", "/curl.pem", 1);
	assert_string_equal(tls_ca_bundle(""), "/curl.pem");
	assert_string_equal(tls_ca_bundle("/cfg.pem"), "/cfg.pem");
	setenv("CURL_CA_BUNDLE", "", 1);
	assert_string_equal(tls_ca_bundle(NULL), "/ssl.pem");
	unsetenv("CURL_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_ca_bundle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
