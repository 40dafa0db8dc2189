/*
 * dns_spf.c - dns.spf: exactly one SPF record (RFC 7208 3.2), valid, that
 * authorises the platform, needs at most 10 DNS lookups with its includes
 * followed (RFC 7208 4.6.4, else permerror), and ends in -all or ~all.
 * The tree is walked by core/dns_gather.c; this file judges it.
 */
#include "checks/dns_checks.h"
#include "core/dns_records.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

static const char *const refs_dns_spf[] = {
	"CISA ScubaGear MS.EXO.2.2v3", "CISA ScubaGoggles GWS.GMAIL.3.1v0.6",
	"RFC 7208 3.2, 4.6.4, 5.1", NULL,
};

static void permerror(struct audit_ctx *ctx, const struct domain_dns *d, const char *key,
		      const char *why)
{
	struct finding *f = dns_finding(ctx, &check_dns_spf, d, SEV_HIGH, key,
					"%s's SPF is a permerror (%s): receivers treat its mail as "
					"unauthenticated", d->domain, why);
	f->symptom_code = "550 5.7.23";
	f->symptom_text = "SPF permerror: the message fails SPF at receivers that enforce it";
	cJSON_AddItemToObject(f->evidence, "txt", dns_fact_json(&d->txt_f));
}

/* judge_tree - the one valid record and its includes */
static void judge_tree(struct audit_ctx *ctx, const struct domain_dns *d)
{
	const struct dns_spf_walk *w = &d->spf;
	struct finding *f;
	if (w->lookups > SPF_MAX_LOOKUPS) {
		char why[96];
		snprintf(why, sizeof(why), "%d DNS lookups after following includes, the limit is %d",
			 w->lookups, SPF_MAX_LOOKUPS);
		permerror(ctx, d, "spf:lookups", why);
	}
	if (d->expect && d->expect->spf_includes && !w->authorises) {
		f = dns_finding(ctx, &check_dns_spf, d, SEV_HIGH, "spf:platform",
				"%s's SPF does not authorise %s (include:%s): mail the platform "
				"sends as this domain fails SPF", d->domain, d->expect->name,
				d->expect->spf_includes[0]);
		cJSON_AddItemToObject(f->evidence, "txt", dns_fact_json(&d->txt_f));
	}
	if (w->effective_all == '-' || w->effective_all == '~')
		return;
	const char *what = w->effective_all == '+' ? "+all: every host on the Internet may send as it"
			 : w->effective_all == '?' ? "?all (neutral): forgeries are not failed"
			 : "no \"all\": mail from any other host is neutral, not failed";
	f = dns_finding(ctx, &check_dns_spf, d, w->effective_all == '+' ? SEV_CRITICAL : SEV_MEDIUM,
			"spf:all", "%s's SPF ends with %s", d->domain, what);
	cJSON_AddItemToObject(f->evidence, "txt", dns_fact_json(&d->txt_f));
}

static void judge(struct audit_ctx *ctx, const struct domain_dns *d)
{
	size_t n = 0;
	struct finding *f;
	for (size_t i = 0; d->txt_f.state == DNSF_FOUND && i < d->txt_f.nr_txt; i++)
		n += spf_is_spf(d->txt_f.txt[i]);
	if (n == 0) {
		f = dns_finding(ctx, &check_dns_spf, d, SEV_HIGH, "spf:none",
				"%s publishes no SPF record: receivers cannot tell its mail from forgeries",
				d->domain);
		f->symptom_code = NULL;
		f->symptom_text = "mail from the domain lands in spam or is rejected by strict receivers";
		cJSON_AddItemToObject(f->evidence, "txt", dns_fact_json(&d->txt_f));
		return;
	}
	if (n > 1) {
		char why[64];
		snprintf(why, sizeof(why), "%zu SPF records, RFC 7208 allows one", n);
		permerror(ctx, d, "spf:several", why);
		return;
	}
	if (d->spf.failed) {
		finding_list_gap(ctx->out, check_dns_spf.id, ctx->snapshots[d->tenant]->tenant,
				 "%s: following its SPF includes failed (%s); DNS failure is not absence",
				 d->domain, d->spf.failed);
		return;
	}
	if (d->spf.permerror) {
		permerror(ctx, d, "spf:invalid", d->spf.permerror);
		return;
	}
	judge_tree(ctx, d);
}

static void run(struct audit_ctx *ctx)
{
	for (size_t i = 0; ctx->dns && i < ctx->dns->nr; i++) {
		const struct domain_dns *d = &ctx->dns->d[i];
		if (!dns_gap(ctx, &check_dns_spf, d, "TXT (SPF)", &d->txt_f))
			judge(ctx, d);
	}
}

const struct check_def check_dns_spf = {
	.id = "dns.spf",
	.title = "The domain's SPF record is missing, invalid or does not authorise the platform",
	.finds = "an owned domain with no SPF record, several, one that is invalid or needs more than "
		 "10 DNS lookups once its includes are followed (permerror), one that does not "
		 "include the platform, or one that does not end in -all or ~all",
	.severity = SEV_HIGH,
	.symptom_code = "550 5.7.23",
	.symptom_text = "The message was rejected because of Sender Policy Framework violation",
	.evidence = "TXT lookups of the domain and of every include:/redirect= target through the "
		    "configured resolver, parsed per RFC 7208; DNS-querying terms (include, a, mx, "
		    "ptr, exists, redirect) counted across the tree. SERVFAIL or timeout anywhere in "
		    "the tree: not evaluated",
	.fix = &fix_dns_spf,
	.refs = refs_dns_spf,
	.run = run,
};
