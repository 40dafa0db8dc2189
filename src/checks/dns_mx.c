/*
 * dns_mx.c - dns.mx: the domain's MX hosts are the platform that hosts its
 * mailboxes; otherwise the finding says where mail really goes. No MX and no
 * address record: mail to every alias bounces.
 *
 * External-relay domains are only checked for deliverability: mail for them
 * may rightly reach another system first (Exchange ExternalRelay: the
 * domain's mailboxes live elsewhere). Authoritative, internal-relay and
 * alias domains must point at the platform.
 */
#include "checks/dns_checks.h"
#include "base/util.h"

#include <string.h>

static const char *const refs_dns_mx[] = {
	"RFC 5321 5.1 (MX, and the address record when there is no MX)",
	"RFC 7505 (null MX)", NULL,
};

/* is_platform - host is one of the platform's MX hosts or the config's */
static bool is_platform(const struct domain_dns *d, const char *host)
{
	for (const char *const *p = d->expect ? d->expect->mx_hosts : NULL; p && *p; p++)
		if (dns_mx_matches(*p, host))
			return true;
	for (size_t i = 0; i < d->nr_mx_extra; i++)
		if (dns_mx_matches(d->mx_extra[i], host))
			return true;
	return false;
}

static cJSON *mx_json(const struct domain_dns *d)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < d->nr_mx; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "preference", d->mx[i].pref);
		cJSON_AddStringToObject(o, "host", d->mx[i].host);
		cJSON_AddBoolToObject(o, "platform", is_platform(d, d->mx[i].host));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* no_mx - the domain has no MX: mail goes to its address record, or nowhere */
static void no_mx(struct audit_ctx *ctx, const struct domain_dns *d)
{
	struct finding *f;
	if (d->mx_f.nxdomain) {
		f = dns_finding(ctx, &check_dns_mx, d, SEV_CRITICAL, "mx:nxdomain",
				"%s does not exist in DNS (NXDOMAIN): mail to every address in it bounces",
				d->domain);
		f->symptom_code = "5.4.4";
		f->symptom_text = "Host or domain name not found (the domain does not exist)";
		return;
	}
	if (dns_gap(ctx, &check_dns_mx, d, "A", &d->a_f) ||
	    dns_gap(ctx, &check_dns_mx, d, "AAAA", &d->aaaa_f))
		return;
	if (!d->nr_addr) {
		f = dns_finding(ctx, &check_dns_mx, d, SEV_CRITICAL, "mx:none",
				"%s has no MX and no A/AAAA record: mail to every address in it bounces",
				d->domain);
		f->symptom_code = "5.4.4";
		f->symptom_text = "Host or domain name not found (no MX and no address record)";
		return;
	}
	if (d->type == DOM_EXTERNAL_RELAY || (!d->expect && !d->nr_mx_extra))
		return;
	f = dns_finding(ctx, &check_dns_mx, d, SEV_HIGH, "mx:implicit",
			"%s has no MX record: mail goes to the host at its A/AAAA record, not to %s",
			d->domain, dns_platform_name(d));
	f->symptom_code = NULL;
	f->symptom_text = "mail goes to the web server's address (RFC 5321 5.1 implicit MX), "
			  "which usually refuses or loses it";
	cJSON_AddStringToObject(f->evidence, "expected", d->expect ? d->expect->mx_hint : "mx_hosts");
}

/* check_hosts - MX records exist: are they the platform? */
static void check_hosts(struct audit_ctx *ctx, const struct domain_dns *d)
{
	struct finding *f;
	size_t nr_platform = 0;
	if (d->nr_mx == 1 && !d->mx[0].host[0]) {
		f = dns_finding(ctx, &check_dns_mx, d, SEV_CRITICAL, "mx:null",
				"%s publishes a null MX (\"0 .\"): it accepts no mail, so every alias "
				"in it bounces", d->domain);
		f->symptom_code = "556 5.1.10";
		f->symptom_text = "Recipient address has null MX";
		cJSON_AddItemToObject(f->evidence, "mx", mx_json(d));
		return;
	}
	if (d->type == DOM_EXTERNAL_RELAY || (!d->expect && !d->nr_mx_extra))
		return;
	for (size_t i = 0; i < d->nr_mx; i++)
		nr_platform += is_platform(d, d->mx[i].host);
	if (nr_platform == d->nr_mx)
		return;
	if (!nr_platform || !is_platform(d, d->mx[0].host))
		f = dns_finding(ctx, &check_dns_mx, d, SEV_HIGH, "mx:elsewhere",
				"%s's mail goes to %s, not to %s: aliases configured there never see it",
				d->domain, d->mx[0].host, dns_platform_name(d));
	else
		f = dns_finding(ctx, &check_dns_mx, d, SEV_MEDIUM, "mx:mixed",
				"%s also lists MX hosts that are not %s: mail that reaches them "
				"bypasses the platform", d->domain, dns_platform_name(d));
	f->symptom_code = NULL;
	f->symptom_text = "no bounce: mail is delivered by another system, where the platform's "
			  "aliases and forwards do not apply";
	cJSON_AddStringToObject(f->evidence, "expected", d->expect ? d->expect->mx_hint : "mx_hosts");
	cJSON_AddItemToObject(f->evidence, "mx", mx_json(d));
}

static void run(struct audit_ctx *ctx)
{
	for (size_t i = 0; ctx->dns && i < ctx->dns->nr; i++) {
		const struct domain_dns *d = &ctx->dns->d[i];
		if (dns_gap(ctx, &check_dns_mx, d, "MX", &d->mx_f))
			continue;
		if (d->mx_f.state == DNSF_ABSENT || !d->nr_mx)
			no_mx(ctx, d);
		else
			check_hosts(ctx, d);
	}
}

const struct check_def check_dns_mx = {
	.id = "dns.mx",
	.title = "The domain's MX is not the platform that hosts it",
	.finds = "an owned domain whose MX records point away from the platform hosting its "
		 "mailboxes (or a gateway listed in mx_hosts), a null MX, or no MX and no address "
		 "record at all",
	.severity = SEV_HIGH,
	.symptom_code = "5.4.4",
	.symptom_text = "Host or domain name not found; or mail silently goes to another system",
	.evidence = "MX, A and AAAA lookups of the domain through the configured resolver, compared "
		    "with the provider's MX hosts (Exchange Online <domain-key>.mail.protection."
		    "outlook.com or <domain-key>.<x>.mx.microsoft; Google smtp.google.com or "
		    "aspmx.l.google.com and its alternates) and the tenant's mx_hosts. SERVFAIL or "
		    "timeout: not evaluated",
	.fix = &fix_dns_mx,
	.refs = refs_dns_mx,
	.run = run,
};
