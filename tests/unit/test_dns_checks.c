/*
 * test_dns_checks.c - the dns.* checks on DNS facts built by hand (no
 * resolver): each case sets up one Exchange Online domain's lookups and
 * says how many findings and "not evaluated" gaps the check must give, and
 * the first finding's severity. A failed lookup must be a gap, never a
 * finding.
 */
#include "snapfixture.h"
#include "core/audit.h"
#include "core/dns_facts.h"
#include "checks/check.h"

#define KEY2048 "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzMqpovOaUjycRvh8uKNCjBQ1kUlTid9ck0Cot0Ij4V0rvN9QDAEHpARHlodrg5WFkrqr9G30miAkEc287rDix2Q6ivB14MAHg+OnDDqDBuJrWSKZujQP/ANufXWadN1AqZAUmyIZekBHmgmihyemdzlm7w/1P1qY5vKKoeC3rlpDbmUuE2/SnkysW+v//noJNG6cA0PCWK2mycvOpcjLWQN4ALC5roUCCYAK1yTVK821MmnOypMJ/n3tMsNv90qKL66PLV8EqMLb2RUOfQ1KlY0WG9R7Tnn3h2UuDe+nSWkseLg9OGXhOACw6HhAoqLxr4WYAV8kmc7FBzhDfShTrQIDAQAB"
#define KEY512 "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANHBtdENnnzxTNT5ZtnDlSulk6ei9I4+7VCc5sfEkMsh82TnJ10N/9UEbTBqyor/Auh8HcT4TJ/ucHnoEAShjQUCAwEAAQ=="

static void txt_add(struct dns_fact *f, const char *txt)
{
	f->state = DNSF_FOUND;
	f->txt = xreallocarray(f->txt, f->nr_txt + 1, sizeof(*f->txt));
	f->txt[f->nr_txt++] = xstrdup(txt);
}

static void fail_fact(struct dns_fact *f)
{
	f->state = DNSF_FAILED;
	f->error = xstrdup("SERVFAIL");
}

static void absent(struct dns_fact *f, bool nx)
{
	for (size_t i = 0; i < f->nr_txt; i++)
		free(f->txt[i]);
	f->nr_txt = 0;
	f->state = DNSF_ABSENT;
	f->nxdomain = nx;
}

/* good - a domain that passes every check */
static void good(struct domain_dns *d)
{
	d->mx_f.state = DNSF_FOUND;
	d->mx = xcalloc(1, sizeof(*d->mx));
	d->mx[0] = (struct dns_mx_host){ 0, xstrdup("contoso-com.mail.protection.outlook.com") };
	d->nr_mx = 1;
	absent(&d->a_f, false);
	absent(&d->aaaa_f, false);
	txt_add(&d->txt_f, "v=spf1 include:spf.protection.outlook.com -all");
	d->spf = (struct dns_spf_walk){ .done = true, .lookups = 1, .effective_all = '-',
				       .authorises = true };
	for (size_t i = 0; i < d->nr_dkim; i++)
		txt_add(&d->dkim[i].f, "v=DKIM1; k=rsa; p=" KEY2048);
	txt_add(&d->dmarc_f, "v=DMARC1; p=reject; rua=mailto:d@contoso.com");
}

static void mx_other(struct domain_dns *d) { free(d->mx[0].host); d->mx[0].host = xstrdup("mx.other.example"); }
static void mx_dane(struct domain_dns *d) { free(d->mx[0].host); d->mx[0].host = xstrdup("contoso-com.o-v1.mx.microsoft"); }
static void mx_fail(struct domain_dns *d) { fail_fact(&d->mx_f); }
static void drop_mx(struct domain_dns *d)
{
	for (size_t i = 0; i < d->nr_mx; i++)
		free(d->mx[i].host);
	d->nr_mx = 0;
}
static void mx_nx(struct domain_dns *d) { drop_mx(d); absent(&d->mx_f, true); }
static void mx_none(struct domain_dns *d) { drop_mx(d); absent(&d->mx_f, false); }
static void mx_none_a_fail(struct domain_dns *d) { mx_none(d); fail_fact(&d->a_f); }
static void mx_gateway(struct domain_dns *d)
{
	mx_other(d);
	d->mx_extra = xcalloc(1, sizeof(*d->mx_extra));
	d->mx_extra[0] = xstrdup("*.other.example");
	d->nr_mx_extra = 1;
}
static void spf_lookups(struct domain_dns *d) { d->spf.lookups = 11; }
static void spf_walk_fail(struct domain_dns *d) { d->spf.failed = xstrdup("TXT x.example: SERVFAIL"); }
static void spf_txt_fail(struct domain_dns *d) { fail_fact(&d->txt_f); }
static void spf_two(struct domain_dns *d) { txt_add(&d->txt_f, "v=spf1 -all"); }
static void spf_noplatform(struct domain_dns *d) { d->spf.authorises = false; }
static void spf_softfail(struct domain_dns *d) { d->spf.effective_all = '~'; }
static void spf_plusall(struct domain_dns *d) { d->spf.effective_all = '+'; }
static void spf_none(struct domain_dns *d)
{
	free(d->txt_f.txt[0]);
	d->txt_f.txt[0] = xstrdup("MS=ms1234");
}
static void dkim_weak(struct domain_dns *d)
{
	free(d->dkim[1].f.txt[0]);
	d->dkim[1].f.txt[0] = xstrdup("v=DKIM1; p=" KEY512);
}
static void dkim_missing(struct domain_dns *d)
{
	for (size_t i = 0; i < d->nr_dkim; i++)
		absent(&d->dkim[i].f, true);
}
static void dkim_fail(struct domain_dns *d) { fail_fact(&d->dkim[0].f); }
static void dmarc_none(struct domain_dns *d)
{
	free(d->dmarc_f.txt[0]);
	d->dmarc_f.txt[0] = xstrdup("v=DMARC1; p=none; rua=mailto:d@contoso.com");
}
static void dmarc_missing(struct domain_dns *d) { absent(&d->dmarc_f, true); }
static void dmarc_fail(struct domain_dns *d) { fail_fact(&d->dmarc_f); }
static void dmarc_inherit(struct domain_dns *d)
{
	dmarc_missing(d);
	d->org_dmarc_f.name = xstrdup("_dmarc.org.example");
	txt_add(&d->org_dmarc_f, "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@org.example");
}
static void dmarc_inherit_fail(struct domain_dns *d)
{
	dmarc_missing(d);
	d->org_dmarc_f.name = xstrdup("_dmarc.org.example");
	fail_fact(&d->org_dmarc_f);
}
static void dmarc_nodkim(struct domain_dns *d) { dkim_missing(d); }

struct dcase {
	const char *name, *check;
	void (*setup)(struct domain_dns *d);
	int findings, gaps;
	const char *severity;
};

static const struct dcase cases[] = {
	{ "mx: the platform", "dns.mx", NULL, 0, 0, NULL },
	{ "mx: the DNSSEC host", "dns.mx", mx_dane, 0, 0, NULL },
	{ "mx: another system", "dns.mx", mx_other, 1, 0, "high" },
	{ "mx: a gateway in mx_hosts", "dns.mx", mx_gateway, 0, 0, NULL },
	{ "mx: SERVFAIL is not absence", "dns.mx", mx_fail, 0, 1, NULL },
	{ "mx: NXDOMAIN", "dns.mx", mx_nx, 1, 0, "critical" },
	{ "mx: none, no address", "dns.mx", mx_none, 1, 0, "critical" },
	{ "mx: none, address lookup failed", "dns.mx", mx_none_a_fail, 0, 1, NULL },
	{ "spf: good", "dns.spf", NULL, 0, 0, NULL },
	{ "spf: ~all passes", "dns.spf", spf_softfail, 0, 0, NULL },
	{ "spf: 11 lookups", "dns.spf", spf_lookups, 1, 0, "high" },
	{ "spf: include lookup failed", "dns.spf", spf_walk_fail, 0, 1, NULL },
	{ "spf: TXT lookup failed", "dns.spf", spf_txt_fail, 0, 1, NULL },
	{ "spf: two records", "dns.spf", spf_two, 1, 0, "high" },
	{ "spf: no platform include", "dns.spf", spf_noplatform, 1, 0, "high" },
	{ "spf: +all", "dns.spf", spf_plusall, 1, 0, "critical" },
	{ "spf: none", "dns.spf", spf_none, 1, 0, "high" },
	{ "dkim: good", "dns.dkim", NULL, 0, 0, NULL },
	{ "dkim: selector2 512 bits", "dns.dkim", dkim_weak, 1, 0, "high" },
	{ "dkim: missing", "dns.dkim", dkim_missing, 1, 0, "high" },
	{ "dkim: SERVFAIL", "dns.dkim", dkim_fail, 0, 1, NULL },
	{ "dmarc: good", "dns.dmarc", NULL, 0, 0, NULL },
	{ "dmarc: p=none", "dns.dmarc", dmarc_none, 1, 0, "medium" },
	{ "dmarc: missing", "dns.dmarc", dmarc_missing, 1, 0, "high" },
	{ "dmarc: SERVFAIL", "dns.dmarc", dmarc_fail, 0, 1, NULL },
	{ "dmarc: inherited sp=quarantine", "dns.dmarc", dmarc_inherit, 0, 0, NULL },
	{ "dmarc: organizational lookup failed", "dns.dmarc", dmarc_inherit_fail, 0, 1, NULL },
	{ "dmarc: reject without DKIM", "dns.dmarc", dmarc_nodkim, 1, 0, "high" },
};

static void run_case(const struct dcase *c)
{
	struct snapshot *s = mk_snap("m365", "contoso.com", "'recipients':[]");
	struct dns_facts f = { 0 };
	struct domain_dns *d;
	f.d = xcalloc(1, sizeof(*f.d));
	f.nr = 1;
	d = &f.d[0];
	d->domain = xstrdup("contoso.com");
	d->expect = platform_dns_for("m365");
	assert_non_null(d->expect);
	d->nr_dkim = 2;
	d->dkim = xcalloc(2, sizeof(*d->dkim));
	d->dkim[0].selector = xstrdup("selector1");
	d->dkim[1].selector = xstrdup("selector2");
	good(d);
	if (c->setup)
		c->setup(d);
	const char *only[] = { c->check, NULL };
	struct audit_result res;
	char *err = NULL;
	assert_int_equal(audit_run_dns(&s, 1, NULL, only, &f, &res, &err), 0);
	if ((int)res.findings.nr != c->findings || (int)res.findings.nr_gaps != c->gaps)
		fail_msg("%s: %zu findings, %zu gaps; want %d, %d", c->name, res.findings.nr,
			 res.findings.nr_gaps, c->findings, c->gaps);
	if (c->severity && strcmp(severity_name(res.findings.items[0].severity), c->severity))
		fail_msg("%s: severity %s, want %s", c->name,
			 severity_name(res.findings.items[0].severity), c->severity);
	for (size_t i = 0; i < res.findings.nr; i++)
		assert_string_equal(res.findings.items[i].subject, "contoso.com");
	audit_result_release(&res);
	dns_facts_release(&f);
	snapshot_free(s);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* no facts (an offline audit without --dns): the checks report nothing */
static void test_no_facts(void **state)
{
	(void)state;
	struct snapshot *s = mk_snap("m365", "contoso.com", "'recipients':[]");
	const char *only[] = { "dns.mx", "dns.spf", "dns.dkim", "dns.dmarc", NULL };
	struct audit_result res;
	char *err = NULL;
	assert_int_equal(audit_run(&s, 1, NULL, only, &res, &err), 0);
	assert_int_equal(res.findings.nr, 0);
	assert_int_equal(res.findings.nr_gaps, 0);
	audit_result_release(&res);
	snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_no_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
