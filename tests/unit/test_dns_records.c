/*
 * test_dns_records.c - the SPF (RFC 7208), DMARC (RFC 7489) and DKIM key
 * (RFC 6376, RFC 8463) record parsers, table-driven: each case is a record
 * and what the parser must make of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/dns_records.h"
#include "core/dns_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* public keys made with openssl genpkey (RSA) | openssl pkey -pubout -outform DER | base64 */
#define KEY512 "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANHBtdENnnzxTNT5ZtnDlSulk6ei9I4+7VCc5sfEkMsh82TnJ10N/9UEbTBqyor/Auh8HcT4TJ/ucHnoEAShjQUCAwEAAQ=="
#define KEY1024 "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC+Ii7Gd1rb5GffyMs28KLIjruKb/n8PSsnypG2HATZmOwQXFjnROwOX8zTGp1P7bTSGI4wPdijwvR5hxv3sOMLDPzWsTamt22rvqwUASx2PLBPW7xQDD2ulknd0mSVDgcrQBliP/Xq/GWL65Xqz/+0hmZ7h6OjugyFsnmTIX8ZjwIDAQAB"
#define KEY2048 "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzMqpovOaUjycRvh8uKNCjBQ1kUlTid9ck0Cot0Ij4V0rvN9QDAEHpARHlodrg5WFkrqr9G30miAkEc287rDix2Q6ivB14MAHg+OnDDqDBuJrWSKZujQP/ANufXWadN1AqZAUmyIZekBHmgmihyemdzlm7w/1P1qY5vKKoeC3rlpDbmUuE2/SnkysW+v//noJNG6cA0PCWK2mycvOpcjLWQN4ALC5roUCCYAK1yTVK821MmnOypMJ/n3tMsNv90qKL66PLV8EqMLb2RUOfQ1KlY0WG9R7Tnn3h2UuDe+nSWkseLg9OGXhOACw6HhAoqLxr4WYAV8kmc7FBzhDfShTrQIDAQAB"

struct spf_case {
	const char *txt;
	int ok;              /* parses */
	int lookups;         /* DNS-querying terms in this record */
	char all;            /* qualifier of "all", 0 when none */
	int has_redirect;
};

static const struct spf_case spf_cases[] = {
	{ "v=spf1 include:spf.protection.outlook.com -all", 1, 1, '-', 0 },
	{ "V=SPF1 include:_spf.google.com ~ALL", 1, 1, '~', 0 },
	{ "v=spf1 a mx ptr exists:%{i}.spf.example include:x.example ?all", 1, 5, '?', 0 },
	{ "v=spf1 a:host.example/24 mx:mail.example//64 a/24//64 +all", 1, 3, '+', 0 },
	{ "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all", 1, 0, '-', 0 },
	{ "v=spf1 redirect=_spf.example.com", 1, 1, 0, 1 },
	{ "v=spf1   ip4:192.0.2.1    -all  ", 1, 0, '-', 0 },
	{ "v=spf1", 1, 0, 0, 0 },
	{ "v=spf1 include:x.example exp=explain.example foo=bar -all", 1, 1, '-', 0 },
	{ "v=spf1 ip4:300.1.2.3 -all", 0, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/33 -all", 0, 0, 0, 0 },
	{ "v=spf1 ip6:192.0.2.1 -all", 0, 0, 0, 0 },
	{ "v=spf1 include -all", 0, 0, 0, 0 },
	{ "v=spf1 include: -all", 0, 0, 0, 0 },
	{ "v=spf1 frobnicate:x.example -all", 0, 0, 0, 0 },
	{ "v=spf1 redirect=a.example redirect=b.example", 0, 0, 0, 0 },
	{ "v=spf1 all:x -all", 0, 0, 0, 0 },
	{ "v=spf1 exists:%{z}.example -all", 0, 0, 0, 0 },
	{ "v=spf10 -all", 0, 0, 0, 0 },
	{ "spf1 -all", 0, 0, 0, 0 },
};

static void test_spf(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(spf_cases) / sizeof(spf_cases[0]); i++) {
		const struct spf_case *c = &spf_cases[i];
		struct spf_record r;
		char *err = NULL;
		int rc = spf_parse(c->txt, &r, &err);
		if (!c->ok) {
			if (rc != -1 || !err)
				fail_msg("'%s' should be a permerror", c->txt);
			free(err);
			continue;
		}
		if (rc)
			fail_msg("'%s': %s", c->txt, err);
		int n = 0;
		for (size_t k = 0; k < r.nr; k++)
			n += spf_term_queries_dns(r.terms[k].kind);
		if (n != c->lookups)
			fail_msg("'%s': %d lookups, want %d", c->txt, n, c->lookups);
		char all = r.all_index >= 0 ? r.terms[r.all_index].qualifier : 0;
		if (all != c->all)
			fail_msg("'%s': all '%c', want '%c'", c->txt, all ? all : '0', c->all ? c->all : '0');
		assert_int_equal(r.redirect_index >= 0, c->has_redirect);
		spf_record_release(&r);
	}
}

static void test_spf_is_spf(void **state)
{
	(void)state;
	assert_true(spf_is_spf("v=spf1 -all"));
	assert_true(spf_is_spf("v=spf1"));
	assert_false(spf_is_spf("v=spf10 -all"));
	assert_false(spf_is_spf("google-site-verification=x"));
	assert_false(spf_is_spf("v=DMARC1; p=none"));
}

struct dmarc_case {
	const char *txt;
	int ok;
	enum dmarc_policy p;
	int has_sp; enum dmarc_policy sp;
	int pct;
	int has_rua;
	char adkim;
};

static const struct dmarc_case dmarc_cases[] = {
	{ "v=DMARC1; p=reject; rua=mailto:d@example.com", 1, DMARC_REJECT, 0, 0, 100, 1, 'r' },
	{ "v=DMARC1;p=quarantine;pct=20;adkim=s", 1, DMARC_QUARANTINE, 0, 0, 20, 0, 's' },
	{ "v=DMARC1; p=none; sp=reject; rua=mailto:a@x.example,mailto:b@y.example", 1, DMARC_NONE,
	  1, DMARC_REJECT, 100, 1, 'r' },
	{ "v=DMARC1; p = Reject ; fo=1; unknowntag=x", 1, DMARC_REJECT, 0, 0, 100, 0, 'r' },
	/* RFC 7489 6.6.3: no p= but a valid rua= is read as p=none */
	{ "v=DMARC1; rua=mailto:d@example.com", 1, DMARC_NONE, 0, 0, 100, 1, 'r' },
	{ "v=DMARC1; p=block", 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DMARC1", 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; pct=101", 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; rua=d@example.com", 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; rua=mailto:nobody", 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DMARC1; p=reject; adkim=x", 0, 0, 0, 0, 0, 0, 0 },
	{ "p=reject; v=DMARC1", 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DMARC2; p=reject", 0, 0, 0, 0, 0, 0, 0 },
};

static void test_dmarc(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dmarc_cases) / sizeof(dmarc_cases[0]); i++) {
		const struct dmarc_case *c = &dmarc_cases[i];
		struct dmarc_record r;
		char *err = NULL;
		int rc = dmarc_parse(c->txt, &r, &err);
		if (!c->ok) {
			if (rc != -1 || !err)
				fail_msg("'%s' should be invalid", c->txt);
			free(err);
			continue;
		}
		if (rc)
			fail_msg("'%s': %s", c->txt, err);
		if (r.p != c->p || r.has_sp != c->has_sp || (c->has_sp && r.sp != c->sp) ||
		    r.pct != c->pct || !!r.rua != c->has_rua || r.adkim != c->adkim)
			fail_msg("'%s': p=%d sp=%d/%d pct=%d rua=%d adkim=%c", c->txt, r.p, r.has_sp, r.sp,
				 r.pct, !!r.rua, r.adkim);
		dmarc_record_release(&r);
	}
}

struct dkim_case {
	const char *txt;
	int ok;
	int bits;
	int revoked;
	const char *type;
};

static const struct dkim_case dkim_cases[] = {
	{ "v=DKIM1; k=rsa; p=" KEY2048, 1, 2048, 0, "rsa" },
	{ "v=DKIM1; p=" KEY1024, 1, 1024, 0, "rsa" },
	{ "k=rsa; p=" KEY512, 1, 512, 0, "rsa" },
	{ "v=DKIM1; k=rsa; t=y; p=" KEY1024 "; n=note", 1, 1024, 0, "rsa" },
	{ "v=DKIM1; k=rsa; p=", 1, 0, 1, "rsa" },
	/* RFC 8463: a raw 32-byte Ed25519 key */
	{ "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", 1, 256, 0, "ed25519" },
	{ "v=DKIM1; k=ed25519; p=AAAA", 0, 0, 0, NULL },
	{ "v=DKIM1; k=rsa; p=bm90IGEga2V5", 0, 0, 0, NULL },
	{ "v=DKIM1; k=rsa; p=!!!!", 0, 0, 0, NULL },
	{ "v=DKIM1; k=dsa; p=" KEY1024, 0, 0, 0, NULL },
	{ "v=DKIM1; k=rsa", 0, 0, 0, NULL },
	{ "k=rsa; v=DKIM1; p=" KEY1024, 0, 0, 0, NULL },
};

static void test_dkim(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dkim_cases) / sizeof(dkim_cases[0]); i++) {
		const struct dkim_case *c = &dkim_cases[i];
		struct dkim_key k;
		char *err = NULL;
		int rc = dkim_parse(c->txt, &k, &err);
		if (!c->ok) {
			if (rc != -1 || !err)
				fail_msg("case %zu should be invalid", i);
			free(err);
			continue;
		}
		if (rc)
			fail_msg("case %zu: %s", i, err);
		if (k.bits != c->bits || k.revoked != c->revoked || strcmp(k.key_type, c->type))
			fail_msg("case %zu: bits %d revoked %d type %s", i, k.bits, k.revoked, k.key_type);
	}
}

/* a key folded with whitespace, as long TXT values often are */
static void test_dkim_folded(void **state)
{
	(void)state;
	char txt[2048];
	const char *key = KEY2048;
	size_t n = strlen(key);
	snprintf(txt, sizeof(txt), "v=DKIM1; k=rsa; p=%.*s  %.*s\t%s", 100, key, 100, key + 100,
		 key + 200);
	assert_true(n > 200);
	struct dkim_key k;
	char *err = NULL;
	assert_int_equal(dkim_parse(txt, &k, &err), 0);
	assert_int_equal(k.bits, 2048);
}

static void test_mx_matches(void **state)
{
	(void)state;
	assert_true(dns_mx_matches("*.mail.protection.outlook.com", "contoso-com.mail.protection.outlook.com"));
	assert_true(dns_mx_matches("*.mx.microsoft", "contoso-com.d-v1.mx.microsoft"));
	assert_false(dns_mx_matches("*.mail.protection.outlook.com", "mail.protection.outlook.com"));
	assert_false(dns_mx_matches("*.mail.protection.outlook.com", "evilmail.protection.outlook.com.example"));
	assert_true(dns_mx_matches("smtp.google.com", "SMTP.google.com"));
	assert_false(dns_mx_matches("smtp.google.com", "xsmtp.google.com"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf),
		cmocka_unit_test(test_spf_is_spf),
		cmocka_unit_test(test_dmarc),
		cmocka_unit_test(test_dkim),
		cmocka_unit_test(test_dkim_folded),
		cmocka_unit_test(test_mx_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
