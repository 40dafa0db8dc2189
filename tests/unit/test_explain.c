/*
 * test_explain.c - the bounce-code table behind 'aliasaudit explain': every
 * input form finds the right entry, unknown and ambiguous codes are told
 * apart, and the table itself is complete (causes, fixes, valid check ids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/explain.h"
#include "base/util.h"

static const struct {
	const char *input;
	enum explain_result want;
	const char *enhanced; /* entry found (FOUND) */
	const char *code;     /* code reported (UNKNOWN / AMBIGUOUS) */
} cases[] = {
	{ "550 5.7.520", EXPLAIN_FOUND, "5.7.520", NULL },
	{ "5.7.520", EXPLAIN_FOUND, "5.7.520", NULL },
	{ "550-5.7.520", EXPLAIN_FOUND, "5.7.520", NULL },
	{ "  550 5.7.520  ", EXPLAIN_FOUND, "5.7.520", NULL },
	{ "554 5.4.14", EXPLAIN_FOUND, "5.4.14", NULL },
	{ "5.4.14", EXPLAIN_FOUND, "5.4.14", NULL },
	{ "5.4.6", EXPLAIN_FOUND, "5.4.6", NULL },
	{ "554 5.4.6", EXPLAIN_FOUND, "5.4.6", NULL },
	{ "550 5.1.1", EXPLAIN_FOUND, "5.1.1", NULL },
	{ "5.1.10", EXPLAIN_FOUND, "5.1.10", NULL },
	{ "550 5.1.10", EXPLAIN_FOUND, "5.1.10", NULL },
	{ "550 5.4.1", EXPLAIN_FOUND, "5.4.1", NULL },
	{ "550 5.7.1", EXPLAIN_FOUND, "5.7.1", NULL },
	{ "5.7.60", EXPLAIN_FOUND, "5.7.60", NULL },
	{ "524 5.2.4", EXPLAIN_FOUND, "5.2.4", NULL },
	{ "4.6.0", EXPLAIN_FOUND, "4.6.0", NULL },
	{ "250", EXPLAIN_FOUND, "2.0.0", NULL },
	{ "250 OK", EXPLAIN_FOUND, "2.0.0", NULL },
	{ "524", EXPLAIN_FOUND, "5.2.4", NULL },
	/* whole NDR lines */
	{ "550 5.7.520 Access denied, Your organization does not allow external forwarding. "
	  "Please contact your administrator for further assistance. AS(7555)", EXPLAIN_FOUND, "5.7.520", NULL },
	{ "Remote Server returned '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 "
	  "[DM6PR.prod.protection.outlook.com]'", EXPLAIN_FOUND, "5.4.14", NULL },
	{ "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", EXPLAIN_FOUND, "5.1.1", NULL },
	{ "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [BN8NAM12FT.eop-nam12.prod.protection.outlook.com 2023-01-01T00:00:00.000Z]",
	  EXPLAIN_FOUND, "5.4.1", NULL },
	{ "host mx.example[192.0.2.1] said: 550 5.1.10 RESOLVER.ADR.RecipientNotFound", EXPLAIN_FOUND, "5.1.10", NULL },
	{ "status=deferred (4.6.0 Alias expansion error)", EXPLAIN_FOUND, "4.6.0", NULL },
	/* Exchange Online rule loop limits, Gmail's 50 hops, and the silent stop */
	{ "550 5.7.128 TRANSPORT.RULES.RejectMessage; Transport rules loop count exceeded", EXPLAIN_FOUND, "5.7.128", NULL },
	{ "554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop", EXPLAIN_FOUND, "5.4.6", NULL },
	{ "silent", EXPLAIN_FOUND, "MAILBOXRULE", NULL },
	{ "Source: MAILBOXRULE, event THROTTLE, XLoopHeaderCount:1/1", EXPLAIN_FOUND, "MAILBOXRULE", NULL },
	/* aliasaudit headers diagnosis codes, whole tokens only */
	{ "headers.dmarc-fail", EXPLAIN_FOUND, "headers.dmarc-fail", NULL },
	{ "headers.dmarc-fail-reject", EXPLAIN_FOUND, "headers.dmarc-fail-reject", NULL },
	{ "headers.srs-missing", EXPLAIN_FOUND, "headers.srs-missing", NULL },
	{ "headers.nonsense", EXPLAIN_NO_CODE, NULL, NULL },
	/* an unknown code first, a known one later: the known one wins */
	{ "550 5.9.99 first, then 5.1.1", EXPLAIN_FOUND, "5.1.1", NULL },
	/* codes that are not what they look like */
	{ "15.1.1 then 5.7.1", EXPLAIN_FOUND, "5.7.1", NULL },
	{ "5.7.5200", EXPLAIN_NO_CODE, NULL, NULL },
	{ "version 5.1.1.2", EXPLAIN_NO_CODE, NULL, NULL },
	{ "192.0.2.1", EXPLAIN_NO_CODE, NULL, NULL },
	{ "hello", EXPLAIN_NO_CODE, NULL, NULL },
	{ "", EXPLAIN_NO_CODE, NULL, NULL },
	{ "5.9.9", EXPLAIN_UNKNOWN, NULL, "5.9.9" },
	{ "550 5.9.9", EXPLAIN_UNKNOWN, NULL, "550 5.9.9" },
	{ "421", EXPLAIN_UNKNOWN, NULL, "421" },
	{ "550", EXPLAIN_AMBIGUOUS, NULL, "550" },
	{ "554", EXPLAIN_AMBIGUOUS, NULL, "554" },
};

/* test_lookup - every input form of the table */
static void test_lookup(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct explain_entry *e = (const void *)1;
		char code[EXPLAIN_CODE_MAX];
		enum explain_result r = explain_lookup(cases[i].input, &e, code);
		if (r != cases[i].want) {
			fprintf(stderr, "'%s': got result %d, want %d\n", cases[i].input, r, cases[i].want);
			fail();
		}
		if (r == EXPLAIN_FOUND) {
			assert_non_null(e);
			if (strcmp(e->enhanced, cases[i].enhanced)) {
				fprintf(stderr, "'%s': got %s, want %s\n", cases[i].input, e->enhanced, cases[i].enhanced);
				fail();
			}
		} else {
			assert_null(e);
			if (cases[i].code)
				assert_string_equal(code, cases[i].code);
		}
	}
}

/* test_find_status - the basic code is taken only when it sits right before */
static void test_find_status(void **state)
{
	(void)state;
	char enh[16], basic[4];
	assert_true(explain_find_status("550-5.7.520 Access denied", enh, basic));
	assert_string_equal(enh, "5.7.520");
	assert_string_equal(basic, "550");
	assert_true(explain_find_status("#550 5.1.1", enh, basic));
	assert_string_equal(basic, "550");
	assert_true(explain_find_status("x5550 5.1.1", enh, basic));
	assert_string_equal(basic, "");
	assert_true(explain_find_status("5.4.6 mail forwarding loop", enh, basic));
	assert_string_equal(enh, "5.4.6");
	assert_string_equal(basic, "");
	assert_false(explain_find_status("no code here", enh, basic));
}

/* test_cause_matching - text in the NDR line picks the cause */
static void test_cause_matching(void **state)
{
	(void)state;
	const struct explain_entry *e;
	char code[EXPLAIN_CODE_MAX];
	const char *dbeb = "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)";
	const char *relay = "550 5.4.1 Relay Access Denied";
	assert_int_equal(explain_lookup(dbeb, &e, code), EXPLAIN_FOUND);
	assert_true(explain_cause_matches(&e->causes[0], dbeb));
	assert_false(explain_cause_matches(&e->causes[1], dbeb));
	assert_true(explain_cause_matches(&e->causes[1], relay));
	assert_false(explain_cause_matches(&e->causes[0], relay));
	assert_int_equal(explain_lookup("bob+news@contoso.com: 550 5.1.1", &e, code), EXPLAIN_FOUND);
	assert_true(explain_cause_matches(&e->causes[1], "bob+news@contoso.com"));
	assert_string_equal(e->causes[1].checks[0], "addr.plus-disabled");
}

/* test_table - every entry is complete and names only real check ids */
static void test_table(void **state)
{
	(void)state;
	static const char *const ids[] = {
		"route.loop", "route.ghost", "route.chain", "route.disabled-target",
		"route.catchall-shadow", "route.catchall", "route.platform-limit",
		"forward.blocked", "forward.external-auth",
		"forward.policy-open", "sendas.alias-disabled", "sendas.treat-as-alias",
		"sendas.missing", "sendas.unverified", "addr.plus-disabled",
		"dns.mx", "dns.spf", "dns.dkim", "dns.dmarc",
	};
	static const char *const required[] = {
		"5.7.520", "5.4.14", "5.4.6", "5.1.1", "5.1.10", "5.4.1", "5.7.1", "5.7.60",
		"5.7.128", "MAILBOXRULE", "headers.srs-missing", "headers.dmarc-fail-reject",
	};
	size_t n;
	const struct explain_entry *e = explain_entries(&n);
	bool seen_unverified = false;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(e[i].title);
		assert_non_null(e[i].text);
		assert_non_null(e[i].origin);
		assert_non_null(e[i].source);
		/* users see the source: a public document, not a file of ours */
		assert_null(strstr(e[i].source, "docs/"));
		assert_null(strstr(e[i].source, "seed"));
		assert_null(strstr(e[i].source, "product.md"));
		assert_non_null(e[i].causes[0].title);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(e[i].enhanced, e[j].enhanced);
		if (!e[i].verified)
			seen_unverified = true;
		for (size_t c = 0; c < EXPLAIN_MAX_CAUSES && e[i].causes[c].title; c++) {
			const struct explain_cause *ca = &e[i].causes[c];
			assert_non_null(ca->detail);
			assert_non_null(ca->look);
			assert_non_null(ca->fix);
			for (size_t k = 0; k < EXPLAIN_MAX_CHECKS && ca->checks[k]; k++) {
				size_t x;
				for (x = 0; x < ARRAY_SIZE(ids) && strcmp(ids[x], ca->checks[k]); x++)
					;
				if (x == ARRAY_SIZE(ids)) {
					fprintf(stderr, "%s: unknown check id %s\n", e[i].enhanced, ca->checks[k]);
					fail();
				}
			}
		}
	}
	assert_true(seen_unverified); /* 5.7.60 */
	for (size_t r = 0; r < ARRAY_SIZE(required); r++) {
		const struct explain_entry *f;
		char code[EXPLAIN_CODE_MAX];
		assert_int_equal(explain_lookup(required[r], &f, code), EXPLAIN_FOUND);
	}
	/* 5.4.1 has both documented causes */
	const struct explain_entry *f;
	char code[EXPLAIN_CODE_MAX];
	explain_lookup("5.4.1", &f, code);
	assert_non_null(strstr(f->causes[0].title, "Directory-Based Edge Blocking"));
	assert_non_null(strstr(f->causes[1].title, "Relay Access Denied"));
	explain_lookup("5.7.520", &f, code);
	assert_non_null(strstr(f->text, "AS(7555)"));
	assert_string_equal(f->causes[0].checks[0], "forward.blocked");
}

/* test_known_list - all codes, or those of one basic code */
static void test_known_list(void **state)
{
	(void)state;
	char *all = explain_known_list(NULL), *b554 = explain_known_list("554");
	assert_true(starts_with(all, "550 5.7.520, 554 5.4.14"));
	assert_string_equal(b554, "554 5.4.14, 554 5.4.6");
	free(all);
	free(b554);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_find_status),
		cmocka_unit_test(test_cause_matching),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_known_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
