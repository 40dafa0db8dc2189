/*
 * dns_dkim.c - dns.dkim: the platform's DKIM selectors publish a usable key
 * of at least 1024 bits (RFC 8301 3.2: verifiers must not accept smaller RSA
 * keys). Exchange Online rotates between selector1 and selector2, so both
 * must resolve; Google signs with one selector ("google" unless the tenant
 * config names another in dkim_selectors). A domain whose platform is
 * unknown and whose config names no selector is not checked.
 */
#include "checks/dns_checks.h"
#include "core/dns_records.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define DKIM_MIN_BITS 1024

static const char *const refs_dns_dkim[] = {
	"CISA ScubaGear MS.EXO.3.1v1", "CISA ScubaGoggles GWS.GMAIL.2.1v0.6",
	"RFC 6376 3.6.1", "RFC 8301 3.2", NULL,
};

/* selector_problem - why selector k cannot sign, or NULL when its key is
 * usable; *bits gets the key size */
static char *selector_problem(const struct dns_dkim *k, int *bits)
{
	const struct dns_fact *f = &k->f;
	struct dkim_key key;
	char *err = NULL;
	*bits = 0;
	if (f->state == DNSF_ABSENT)
		return f->cname ? xstrfmt("%s points at %s, which has no key (signing not turned on?)",
					  f->name, f->cname)
				: xstrfmt("%s has no DKIM key record", f->name);
	const char *rec = NULL;
	for (size_t i = 0; i < f->nr_txt && !rec; i++)
		if (strstr(f->txt[i], "p="))
			rec = f->txt[i];
	if (!rec)
		return xstrfmt("%s has TXT records but none is a DKIM key", f->name);
	if (dkim_parse(rec, &key, &err)) {
		char *msg = xstrfmt("%s: invalid key record (%s)", f->name, err);
		free(err);
		return msg;
	}
	if (key.revoked)
		return xstrfmt("%s: the key is revoked (empty p=)", f->name);
	*bits = key.bits;
	if (!strcmp(key.key_type, "rsa") && key.bits < DKIM_MIN_BITS)
		return xstrfmt("%s: the RSA key is %d bits, below %d; receivers ignore the signature",
			       f->name, key.bits, DKIM_MIN_BITS);
	return NULL;
}

int dns_dkim_state(const struct domain_dns *d)
{
	int state = d->nr_dkim ? 0 : -1;
	for (size_t k = 0; k < d->nr_dkim; k++) {
		int bits;
		char *why;
		if (d->dkim[k].f.state == DNSF_FAILED)
			return -1;
		if (!(why = selector_problem(&d->dkim[k], &bits)))
			state = 1;
		free(why);
	}
	return state;
}

static void judge(struct audit_ctx *ctx, const struct domain_dns *d)
{
	size_t usable = 0, nr_bad = 0;
	char *first = NULL;
	cJSON *sels = cJSON_CreateArray();
	for (size_t k = 0; k < d->nr_dkim; k++) {
		int bits;
		char *why = selector_problem(&d->dkim[k], &bits);
		cJSON *o = dns_fact_json(&d->dkim[k].f);
		cJSON_AddStringToObject(o, "selector", d->dkim[k].selector);
		if (bits)
			cJSON_AddNumberToObject(o, "bits", bits);
		if (why)
			cJSON_AddStringToObject(o, "problem", why);
		cJSON_AddItemToArray(sels, o);
		if (!why)
			usable++;
		else if (!nr_bad++)
			first = why;
		else
			free(why);
	}
	bool bad = d->expect && d->expect->dkim_all_selectors && d->nr_dkim > 1 ? nr_bad > 0 : !usable;
	if (!bad) {
		free(first);
		cJSON_Delete(sels);
		return;
	}
	struct finding *f = dns_finding(ctx, &check_dns_dkim, d, SEV_HIGH, "dkim",
					"%s cannot be DKIM-signed as itself: %s%s", d->domain, first,
					nr_bad > 1 ? " (and more selectors)" : "");
	cJSON_AddItemToObject(f->evidence, "selectors", sels);
	free(first);
}

static void run(struct audit_ctx *ctx)
{
	for (size_t i = 0; ctx->dns && i < ctx->dns->nr; i++) {
		const struct domain_dns *d = &ctx->dns->d[i];
		bool failed = false;
		for (size_t k = 0; k < d->nr_dkim; k++)
			failed |= dns_gap(ctx, &check_dns_dkim, d, "DKIM TXT", &d->dkim[k].f);
		if (!failed && d->nr_dkim)
			judge(ctx, d);
	}
}

const struct check_def check_dns_dkim = {
	.id = "dns.dkim",
	.title = "The domain publishes no usable DKIM key for its platform",
	.finds = "an owned domain whose platform DKIM selectors (Exchange Online selector1 and "
		 "selector2 CNAMEs, Google google._domainkey, or the tenant's dkim_selectors) are "
		 "missing, dangling, revoked, invalid or hold a key under 1024 bits",
	.severity = SEV_HIGH,
	.symptom_code = NULL,
	.symptom_text = "mail is signed for another domain or not at all: DMARC relies on SPF "
			"alone, which forwarding breaks",
	.evidence = "TXT lookups of <selector>._domainkey.<domain> through the configured resolver "
		    "(CNAMEs followed); the p= key decoded with OpenSSL to measure its size. "
		    "SERVFAIL or timeout: not evaluated",
	.fix = &fix_dns_dkim,
	.refs = refs_dns_dkim,
	.run = run,
};
