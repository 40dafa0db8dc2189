/*
 * test_headers.c - table-driven tests of the RFC 8601 Authentication-Results
 * parser (src/headers/hdr_authres.c): the RFC's Appendix B examples and the
 * real-world shapes (Gmail, Exchange Online without authserv-id, compauth,
 * ARC-Authentication-Results) plus liberal reading of broken input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "headers/authres.h"

#include <stdio.h>
#include <string.h>

struct want_result {
	const char *method;
	int version;
	const char *result;
	const char *reason;       /* NULL: none expected */
	const char *prop_ptype;   /* one property to check, NULL: none */
	const char *prop_name;
	const char *prop_value;
	const char *comment_has;  /* substring of the comment, NULL: not checked */
};

struct authres_case {
	const char *name;
	const char *value;
	int rc;
	const char *authserv_id; /* NULL: none expected */
	int version;
	bool none;
	size_t nr;
	struct want_result want[4];
	size_t min_notes;
};

static const struct authres_case cases[] = {
	/* RFC 8601 Appendix B.2: nothing done */
	{ "B.2", "example.org 1; none", 0, "example.org", 1, true, 0, { { 0 } }, 0 },
	/* B.3: SPF only */
	{ "B.3", "example.com; spf=pass smtp.mailfrom=example.net", 0, "example.com", 0, false, 1,
	  { { "spf", 0, "pass", NULL, "smtp", "mailfrom", "example.net", NULL } }, 0 },
	/* B.4: several authentications, single MTA */
	{ "B.4a", "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
		  "          spf=pass smtp.mailfrom=example.net", 0, "example.com", 0, false, 2,
	  { { "auth", 0, "pass", NULL, "smtp", "auth", "sender@example.net", "cram-md5" },
	    { "spf", 0, "pass", NULL, "smtp", "mailfrom", "example.net", NULL } }, 0 },
	{ "B.4b", "example.com; iprev=pass\r\n          policy.iprev=192.0.2.200", 0, "example.com", 0, false, 1,
	  { { "iprev", 0, "pass", NULL, "policy", "iprev", "192.0.2.200", NULL } }, 0 },
	/* B.5: several authentications, different MTAs */
	{ "B.5a", "example.com;\n          dkim=pass (good signature) header.d=example.com", 0, "example.com", 0,
	  false, 1, { { "dkim", 0, "pass", NULL, "header", "d", "example.com", "good signature" } }, 0 },
	{ "B.5b", "example.com;\n          auth=pass (cram-md5) smtp.auth=sender@example.com;\n"
		  "          spf=fail smtp.mailfrom=example.com", 0, "example.com", 0, false, 2,
	  { { "auth", 0, "pass", NULL, "smtp", "auth", "sender@example.com", NULL },
	    { "spf", 0, "fail", NULL, "smtp", "mailfrom", "example.com", NULL } }, 0 },
	/* B.6: multi-tiered, with reason= quoted strings */
	{ "B.6a", "example.com;\n      dkim=pass reason=\"good signature\"\n        header.i=@mail-router.example.net;\n"
		  "      dkim=fail reason=\"bad signature\"\n        header.i=@newyork.example.com", 0, "example.com",
	  0, false, 2,
	  { { "dkim", 0, "pass", "good signature", "header", "i", "@mail-router.example.net", NULL },
	    { "dkim", 0, "fail", "bad signature", "header", "i", "@newyork.example.com", NULL } }, 0 },
	{ "B.6b", "example.net;\n      dkim=pass (good signature) header.i=@newyork.example.com", 0, "example.net",
	  0, false, 1, { { "dkim", 0, "pass", NULL, "header", "i", "@newyork.example.com", NULL } }, 0 },
	/* B.7: comment-heavy, every token separated by comments */
	{ "B.7", "foo.example.net (foobar) 1 (baz);\n    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\n"
		 "      policy (A dot can go here) . (like that) expired\n"
		 "      (this surprised me) = (as I wasn't expecting it) 1362471462", 0, "foo.example.net", 1,
	  false, 1, { { "dkim", 1, "fail", NULL, "policy", "expired", "1362471462", "wait for it" } }, 0 },
	/* Gmail */
	{ "gmail", "mx.google.com;\n       dkim=pass header.i=@example.com header.s=20230601 header.b=AbC/dE+f;\n"
		   "       spf=pass (google.com: domain of a@example.com designates 203.0.113.7 as permitted sender) "
		   "smtp.mailfrom=a@example.com;\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com",
	  0, "mx.google.com", 0, false, 3,
	  { { "dkim", 0, "pass", NULL, "header", "b", "AbC/dE+f", NULL },
	    { "spf", 0, "pass", NULL, "smtp", "mailfrom", "a@example.com", "designates 203.0.113.7" },
	    { "dmarc", 0, "pass", NULL, "header", "from", "example.com", "p=NONE" } }, 0 },
	/* Exchange Online: no authserv-id, ';' without space, action= and compauth reason= */
	{ "exchange", "spf=pass (sender IP is 198.51.100.7) smtp.mailfrom=contoso.com; dkim=none (message not signed) "
		      "header.d=none;dmarc=pass action=none header.from=contoso.com;compauth=pass reason=100", 0, NULL, 0,
	  false, 4,
	  { { "spf", 0, "pass", NULL, "smtp", "mailfrom", "contoso.com", "sender IP is 198.51.100.7" },
	    { "dkim", 0, "none", NULL, "header", "d", "none", "message not signed" },
	    { "dmarc", 0, "pass", NULL, "", "action", "none", NULL },
	    { "compauth", 0, "pass", "100", NULL, NULL, NULL, NULL } }, 1 },
	/* nested comment with quoted-pairs, quoted authserv-id, upper-case method */
	{ "nested", "\"mx.example.org\"; SPF=Pass (outer (inner \\) still) done) smtp.mailfrom=\"a b\"@example.org", 0,
	  "mx.example.org", 0, false, 1,
	  { { "spf", 0, "pass", NULL, "smtp", "mailfrom", "a b@example.org", "inner \\) still" } }, 0 },
	/* unknown method and trailing ';' */
	{ "unknown", "mx.example.org; x-custom=weird policy.foo=bar;", 0, "mx.example.org", 0, false, 1,
	  { { "x-custom", 0, "weird", NULL, "policy", "foo", "bar", NULL } }, 0 },
	/* garbage: read what can be read, note the rest */
	{ "garbage", "mx.example.org; ===; dkim; spf=pass smtp.mailfrom=x@y.example (open", 0, "mx.example.org", 0,
	  false, 1, { { "spf", 0, "pass", NULL, "smtp", "mailfrom", "x@y.example", "open" } }, 3 },
	{ "nothing", "mx.example.org", -1, "mx.example.org", 0, false, 0, { { 0 } }, 1 },
	{ "empty", "   ", -1, NULL, 0, false, 0, { { 0 } }, 1 },
};

/* test_cases - run every table row */
static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct authres_case *c = &cases[i];
		struct hdr_notes notes;
		struct authres ar;
		int rc;

		hdr_notes_init(&notes);
		hdr_authres_init(&ar);
		rc = hdr_authres_parse(&ar, c->value, "Authentication-Results", &notes);
		printf("case %s: rc %d, want %d; %zu results, want %zu; %zu notes\n", c->name, rc, c->rc, ar.nr, c->nr,
		       notes.nr);
		assert_int_equal(rc, c->rc);
		if (c->authserv_id)
			assert_string_equal(ar.authserv_id, c->authserv_id);
		else
			assert_null(ar.authserv_id);
		assert_int_equal(ar.version, c->version);
		assert_int_equal(ar.none, c->none);
		assert_int_equal(ar.nr, c->nr);
		assert_true(notes.nr >= c->min_notes);
		if (c->min_notes == 0)
			assert_int_equal(notes.nr, 0);
		for (size_t j = 0; j < c->nr; j++) {
			const struct want_result *w = &c->want[j];
			const struct ar_result *r = &ar.results[j];
			assert_string_equal(r->method, w->method);
			assert_int_equal(r->version, w->version);
			assert_string_equal(r->result, w->result);
			if (w->reason)
				assert_string_equal(r->reason, w->reason);
			else
				assert_null(r->reason);
			if (w->prop_name) {
				const char *v = hdr_ar_prop(r, w->prop_ptype, w->prop_name);
				printf("  %s.%s = %s, want %s\n", w->prop_ptype, w->prop_name, v ? v : "(null)", w->prop_value);
				assert_non_null(v);
				assert_string_equal(v, w->prop_value);
			}
			if (w->comment_has) {
				printf("  comment '%s', want '%s' in it\n", r->comment ? r->comment : "(null)", w->comment_has);
				assert_non_null(r->comment);
				assert_non_null(strstr(r->comment, w->comment_has));
			}
		}
		hdr_authres_release(&ar);
		hdr_notes_release(&notes);
	}
}

/* test_arc_authres - ARC-Authentication-Results carries an instance */
static void test_arc_authres(void **state)
{
	struct hdr_notes notes;
	struct authres ar;

	(void)state;
	hdr_notes_init(&notes);
	hdr_authres_init(&ar);
	assert_int_equal(hdr_arc_authres_parse(&ar, "i=2; mx.google.com; arc=pass (i=1 spf=pass); spf=fail "
						    "smtp.mailfrom=a@b.example", &notes), 0);
	assert_int_equal(ar.instance, 2);
	assert_string_equal(ar.authserv_id, "mx.google.com");
	assert_int_equal(ar.nr, 2);
	assert_string_equal(ar.results[0].method, "arc");
	assert_string_equal(ar.results[0].comment, "i=1 spf=pass");
	hdr_authres_release(&ar);
	/* no i= tag: parsed, noted, instance 0 */
	hdr_authres_init(&ar);
	assert_int_equal(hdr_arc_authres_parse(&ar, "mx.example; spf=pass", &notes), 0);
	assert_int_equal(ar.instance, 0);
	assert_true(notes.nr >= 1);
	hdr_authres_release(&ar);
	hdr_notes_release(&notes);
}

/* test_caps - result and property caps hold and are noted */
static void test_caps(void **state)
{
	char buf[20000];
	size_t n = 0;
	struct hdr_notes notes;
	struct authres ar;

	(void)state;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "mx.example");
	for (int i = 0; i < AR_MAX_RESULTS + 10; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "; m%d=pass", i);
	hdr_notes_init(&notes);
	hdr_authres_init(&ar);
	assert_int_equal(hdr_authres_parse(&ar, buf, "Authentication-Results", &notes), 0);
	assert_int_equal(ar.nr, AR_MAX_RESULTS);
	assert_int_equal(notes.nr, 1);
	hdr_authres_release(&ar);
	hdr_notes_release(&notes);

	n = (size_t)snprintf(buf, sizeof(buf), "mx.example; dkim=pass");
	for (int i = 0; i < AR_MAX_PROPS + 5; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " header.p%d=v", i);
	hdr_notes_init(&notes);
	hdr_authres_init(&ar);
	assert_int_equal(hdr_authres_parse(&ar, buf, "Authentication-Results", &notes), 0);
	assert_int_equal(ar.results[0].nr_props, AR_MAX_PROPS);
	assert_int_equal(notes.nr, 1);
	hdr_authres_release(&ar);
	hdr_notes_release(&notes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_arc_authres),
		cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
