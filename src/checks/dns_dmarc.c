/*
 * dns_dmarc.c - dns.dmarc: one valid DMARC record (RFC 7489) at
 * _dmarc.<domain>, or inherited from the organizational domain (6.6.3; its
 * sp= then applies), that enforces (p=quarantine or reject), asks for
 * aggregate reports (rua) and can pass for mail the platform signs: with no
 * DKIM key of the domain's own, Exchange Online signs as the tenant's
 * onmicrosoft.com domain and Google as a gappssmtp.com domain, neither
 * aligned, so DMARC rests on SPF alone and forwarded mail fails it.
 */
#include "checks/dns_checks.h"
#include "core/dns_records.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const refs_dns_dmarc[] = {
	"CISA ScubaGear MS.EXO.4.1v1", "CISA ScubaGear MS.EXO.4.2v1", "CISA ScubaGear MS.EXO.4.3v1",
	"CISA ScubaGear MS.EXO.4.4v1", "CISA ScubaGoggles GWS.GMAIL.4.1v0.6",
	"CISA ScubaGoggles GWS.GMAIL.4.2v0.6", "CISA ScubaGoggles GWS.GMAIL.4.3v0.6",
	"CISA ScubaGoggles GWS.GMAIL.4.4v0.6", "RFC 7489 6.3, 6.6.3", NULL,
};

static struct finding *dmarc_finding(struct audit_ctx *ctx, const struct domain_dns *d,
				     const struct dns_fact *at, enum severity sev, const char *key,
				     const char *msg)
{
	struct finding *f = dns_finding(ctx, &check_dns_dmarc, d, sev, key, "%s", msg);
	cJSON_AddItemToObject(f->evidence, "dmarc", dns_fact_json(at));
	if (at == &d->org_dmarc_f)
		cJSON_AddStringToObject(f->evidence, "inherited_from", d->org_domain);
	return f;
}

/* judge_record - the one record that applies */
static void judge_record(struct audit_ctx *ctx, const struct domain_dns *d,
			 const struct dns_fact *at, const char *txt)
{
	struct dmarc_record r;
	char *err = NULL, *msg;
	bool inherited = at == &d->org_dmarc_f;
	if (dmarc_parse(txt, &r, &err)) {
		msg = xstrfmt("%s's DMARC record at %s is invalid (%s): receivers ignore it",
			      d->domain, at->name, err);
		dmarc_finding(ctx, d, at, SEV_HIGH, "dmarc:invalid", msg);
		free(msg);
		free(err);
		return;
	}
	enum dmarc_policy p = inherited && r.has_sp ? r.sp : r.p;
	if (p == DMARC_NONE) {
		msg = xstrfmt("%s's DMARC policy is none%s: forged mail from it is delivered",
			      d->domain, inherited ? " (inherited)" : "");
		dmarc_finding(ctx, d, at, SEV_MEDIUM, "dmarc:none", msg);
		free(msg);
	} else if (dns_dkim_state(d) == 0) {
		msg = xstrfmt("%s enforces DMARC (p=%s) but has no DKIM key of its own: the platform "
			      "signs for another domain, so mail passes only through SPF and "
			      "forwarded mail is %s", d->domain, dmarc_policy_name(p),
			      p == DMARC_REJECT ? "rejected" : "quarantined");
		struct finding *f = dmarc_finding(ctx, d, at, SEV_HIGH, "dmarc:alignment", msg);
		f->symptom_code = "550 5.7.509";
		f->symptom_text = "Access denied, sending domain does not pass DMARC verification";
		free(msg);
	}
	if (!r.rua) {
		msg = xstrfmt("%s's DMARC record asks for no aggregate reports (rua=): failures "
			      "go unseen", d->domain);
		dmarc_finding(ctx, d, at, SEV_LOW, "dmarc:rua", msg);
		free(msg);
	}
	if (r.pct < 100 && p != DMARC_NONE) {
		msg = xstrfmt("%s's DMARC policy applies to only %d%% of failing mail (pct=%d)",
			      d->domain, r.pct, r.pct);
		dmarc_finding(ctx, d, at, SEV_LOW, "dmarc:pct", msg);
		free(msg);
	}
	dmarc_record_release(&r);
}

static void judge(struct audit_ctx *ctx, const struct domain_dns *d)
{
	const struct dns_fact *at = &d->dmarc_f;
	const char *recs[1];
	size_t n = dns_dmarc_records(at, recs, 1);
	if (!n && d->org_dmarc_f.name) {
		if (dns_gap(ctx, &check_dns_dmarc, d, "organizational DMARC", &d->org_dmarc_f))
			return;
		at = &d->org_dmarc_f;
		n = dns_dmarc_records(at, recs, 1);
	}
	char *msg = NULL;
	if (!n)
		msg = d->org_dmarc_f.name
			? xstrfmt("%s has no DMARC record (none at _dmarc.%s nor at %s)", d->domain,
				  d->domain, d->org_dmarc_f.name)
			: xstrfmt("%s has no DMARC record at _dmarc.%s", d->domain, d->domain);
	else if (n > 1)
		msg = xstrfmt("%s has %zu DMARC records at %s: receivers apply none (RFC 7489 6.6.3)",
			      d->domain, n, at->name);
	if (msg) {
		dmarc_finding(ctx, d, at, SEV_HIGH, n ? "dmarc:several" : "dmarc:missing", msg);
		free(msg);
		return;
	}
	judge_record(ctx, d, at, recs[0]);
}

static void run(struct audit_ctx *ctx)
{
	for (size_t i = 0; ctx->dns && i < ctx->dns->nr; i++) {
		const struct domain_dns *d = &ctx->dns->d[i];
		if (!dns_gap(ctx, &check_dns_dmarc, d, "DMARC TXT", &d->dmarc_f))
			judge(ctx, d);
	}
}

const struct check_def check_dns_dmarc = {
	.id = "dns.dmarc",
	.title = "The domain's DMARC record is missing, invalid or does not enforce",
	.finds = "an owned domain with no DMARC record (at _dmarc.<domain> or its organizational "
		 "domain), several, an invalid one, p=none, no rua= reports, pct below 100, or an "
		 "enforcing policy the platform's signature cannot pass (no DKIM key of its own)",
	.severity = SEV_HIGH,
	.symptom_code = "550 5.7.509",
	.symptom_text = "Access denied, sending domain does not pass DMARC verification",
	.evidence = "TXT lookups of _dmarc.<domain> and, when it has none, of _dmarc.<organizational "
		    "domain> (Public Suffix List) through the configured resolver, parsed per "
		    "RFC 7489; the dns.dkim selectors for alignment. SERVFAIL or timeout: not evaluated",
	.fix = &fix_dns_dmarc,
	.refs = refs_dns_dmarc,
	.run = run,
};
