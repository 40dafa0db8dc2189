/*
 * test_headers_srs.c - SRS address splitting and libsrs2-style verification
 * (src/headers/hdr_srs.c). Expected hashes were computed independently with
 * the openssl command line, not with the code under test:
 *
 *   printf '%s' 'jpbank.examplealice' | openssl dgst -sha1 -hmac s3cret -binary | openssl base64
 *     -> 6gPDXPrfyCGsPj9mhphUgnlLFY0=
 *   printf '%s' 'irbank.examplealice' | openssl dgst -sha1 -hmac s3cret -binary | openssl base64
 *     -> +VT3jJubjApoIr7y4VDuX76tgGY=
 *   printf '%s' 'firstfwd.example=6gpd=jp=bank.example=alice' | openssl dgst -sha1 -hmac s3cret -binary | openssl base64
 *     -> 53p2Z5TopGbwpAkO5TFJynd7dXI=
 *
 * Time: 2026-11-26T06:00:00Z is day 20783 since the epoch; 20783 mod 1024 = 303
 * = 9*32 + 15 -> "JP" in ABCDEFGHIJKLMNOPQRSTUVWXYZ234567; 30 days earlier is
 * slot 273 = 8*32 + 17 -> "IR".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "headers/srs.h"

#include <stdio.h>
#include <string.h>

#define NOW ((time_t)1795672800) /* 2026-11-26T06:00:00Z */

struct parse_case {
	const char *addr;
	int rc;
	enum srs_kind kind;
	const char *hash, *ts, *domain, *local, *first, *fwd_local, *fwd_domain;
};

static const struct parse_case parse_cases[] = {
	{ "SRS0=6gPD=JP=bank.example=alice@forwarder.example", 1, SRS_KIND0, "6gPD", "JP", "bank.example", "alice",
	  NULL, NULL, "forwarder.example" },
	{ "srs0-6gPD=JP=bank.example=alice@forwarder.example", 1, SRS_KIND0, "6gPD", "JP", "bank.example", "alice",
	  NULL, NULL, "forwarder.example" },
	{ "SRS0+HHH=TT=bank.com=a=b@yourdomain.com", 1, SRS_KIND0, "HHH", "TT", "bank.com", "a=b", NULL, NULL,
	  "yourdomain.com" },
	{ "SRS1=53p2=firstfwd.example==6gPD=JP=bank.example=alice@forwarder2.example", 1, SRS_KIND1, "53p2", "JP",
	  "bank.example", "alice", "firstfwd.example", NULL, "forwarder2.example" },
	{ "bob+SRS=44ldt=IX=contoso.example=User@fabrikam.example", 1, SRS_EXCHANGE, "44ldt", "IX", "contoso.example",
	  "User", NULL, "bob", "fabrikam.example" },
	{ "bounces+SRS=44ldt=IX@fabrikam.example", 1, SRS_EXCHANGE_SHORT, "44ldt", "IX", NULL, NULL, NULL, "bounces",
	  "fabrikam.example" },
	{ "alice@bank.example", 0, SRS_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "srs0@bank.example", 0, SRS_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "SRS0=abcd=JP@forwarder.example", -1, SRS_KIND0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "SRS1=abcd=first.example@forwarder.example", -1, SRS_KIND1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "SRS0==JP=bank.example=alice@f.example", -1, SRS_KIND0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "no-at-sign", 0, SRS_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

/* check_str - compare an optional string */
static void check_str(const char *what, const char *got, const char *want)
{
	printf("  %s: got %s, want %s\n", what, got ? got : "(null)", want ? want : "(null)");
	if (want)
		assert_non_null(got);
	if (want)
		assert_string_equal(got, want);
}

/* test_parse - the table of address forms */
static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct srs_addr s;
		int rc;

		hdr_srs_init(&s);
		rc = hdr_srs_parse(c->addr, &s);
		printf("%s: rc %d want %d, kind %s want %s\n", c->addr, rc, c->rc, hdr_srs_kind_name(s.kind),
		       hdr_srs_kind_name(c->kind));
		assert_int_equal(rc, c->rc);
		assert_int_equal(s.kind, c->kind);
		if (rc == 1) {
			check_str("hash", s.hash, c->hash);
			check_str("timestamp", s.timestamp, c->ts);
			check_str("domain", s.orig_domain, c->domain);
			check_str("local", s.orig_local, c->local);
			check_str("first", s.first_forwarder, c->first);
			check_str("fwd_local", s.forwarder_local, c->fwd_local);
			check_str("fwd_domain", s.forwarder_domain, c->fwd_domain);
		}
		hdr_srs_release(&s);
	}
}

/* test_hash - the HMAC/base64 primitive against openssl's output */
static void test_hash(void **state)
{
	const char *parts[] = { "JP", "Bank.Example", "alice" }; /* lowercased before hashing */
	const char *parts1[] = { "firstfwd.example", "=6gPD=JP=bank.example=alice" };
	char out[29];

	(void)state;
	assert_int_equal(hdr_srs_hash("s3cret", parts, 3, out), 0);
	assert_string_equal(out, "6gPDXPrfyCGsPj9mhphUgnlLFY0=");
	assert_int_equal(hdr_srs_hash("s3cret", parts1, 2, out), 0);
	assert_string_equal(out, "53p2Z5TopGbwpAkO5TFJynd7dXI=");
}

struct verify_case {
	const char *addr;
	const char *secret;
	enum srs_verdict hash, inner, age;
	int age_days;
};

static const struct verify_case verify_cases[] = {
	{ "SRS0=6gPD=JP=bank.example=alice@forwarder.example", "s3cret", SRS_OK, SRS_NOT_CHECKED, SRS_OK, 0 },
	/* compared case-insensitively, as libsrs2 does */
	{ "SRS0=6GPD=jp=BANK.example=alice@forwarder.example", "s3cret", SRS_OK, SRS_NOT_CHECKED, SRS_OK, 0 },
	/* a longer hash is compared over its length */
	{ "SRS0=6gPDXPrf=JP=bank.example=alice@forwarder.example", "s3cret", SRS_OK, SRS_NOT_CHECKED, SRS_OK, 0 },
	{ "SRS0=6gPD=JP=bank.example=alice@forwarder.example", "other", SRS_BAD, SRS_NOT_CHECKED, SRS_OK, 0 },
	{ "SRS0=6gPD=JP=bank.example=mallory@forwarder.example", "s3cret", SRS_BAD, SRS_NOT_CHECKED, SRS_OK, 0 },
	{ "SRS0=6gP=JP=bank.example=alice@forwarder.example", "s3cret", SRS_MALFORMED, SRS_NOT_CHECKED, SRS_OK, 0 },
	{ "SRS0=+VT3=IR=bank.example=alice@forwarder.example", "s3cret", SRS_OK, SRS_NOT_CHECKED, SRS_BAD, 30 },
	{ "SRS0=6gPD=J1=bank.example=alice@forwarder.example", NULL, SRS_NOT_CHECKED, SRS_NOT_CHECKED, SRS_MALFORMED, -1 },
	{ "SRS0=6gPD=JP=bank.example=alice@forwarder.example", NULL, SRS_NOT_CHECKED, SRS_NOT_CHECKED, SRS_OK, 0 },
	{ "SRS1=53p2=firstfwd.example==6gPD=JP=bank.example=alice@forwarder2.example", "s3cret", SRS_OK, SRS_OK,
	  SRS_OK, 0 },
	{ "SRS1=53p2=firstfwd.example==6gPD=JP=bank.example=alice@forwarder2.example", "other", SRS_BAD,
	  SRS_UNVERIFIABLE, SRS_OK, 0 },
	{ "bob+SRS=44ldt=IX=contoso.example=User@fabrikam.example", "s3cret", SRS_UNVERIFIABLE, SRS_NOT_CHECKED,
	  SRS_UNVERIFIABLE, -1 },
};

/* test_verify - hash and age verdicts */
static void test_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]); i++) {
		const struct verify_case *c = &verify_cases[i];
		struct srs_addr s;
		struct srs_check chk;

		hdr_srs_init(&s);
		assert_int_equal(hdr_srs_parse(c->addr, &s), 1);
		hdr_srs_verify(&s, c->secret, NOW, SRS_DEFAULT_MAX_AGE, &chk);
		printf("%s: hash %s want %s, inner %s want %s, age %s want %s, days %d want %d\n", c->addr,
		       hdr_srs_verdict_name(chk.hash), hdr_srs_verdict_name(c->hash),
		       hdr_srs_verdict_name(chk.inner_hash), hdr_srs_verdict_name(c->inner),
		       hdr_srs_verdict_name(chk.age), hdr_srs_verdict_name(c->age), chk.age_days, c->age_days);
		assert_int_equal(chk.hash, c->hash);
		assert_int_equal(chk.inner_hash, c->inner);
		assert_int_equal(chk.age, c->age);
		assert_int_equal(chk.age_days, c->age_days);
		hdr_srs_release(&s);
	}
}

/* test_age_wrap - the 1024-day wrap of libsrs2's timestamp */
static void test_age_wrap(void **state)
{
	(void)state;
	/* "77" is slot 1023; at slot 303 that was 303 + 1024 - 1023 = 304 days ago */
	assert_int_equal(hdr_srs_timestamp_age("77", NOW), 304);
	assert_int_equal(hdr_srs_timestamp_age("jp", NOW), 0);
	assert_int_equal(hdr_srs_timestamp_age("JO", NOW), 1);
	assert_int_equal(hdr_srs_timestamp_age("J", NOW), -1);
	assert_int_equal(hdr_srs_timestamp_age("J!", NOW), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_age_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
