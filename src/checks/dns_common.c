/*
 * dns_common.c - what the dns.* checks share: domain findings, gaps for
 * failed lookups, lookup evidence, and their (manual) fixes.
 */
#include "checks/dns_checks.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>

const struct fix_def fix_dns_mx = {
	.id = "dns.mx.point-to-platform", .automated = false,
	.title = "Point the domain's MX records at the platform that hosts its mailboxes",
	.steps = "At the domain's DNS host, replace the MX records with the ones the platform's "
		 "admin console shows for the domain (Microsoft 365 admin center > Settings > "
		 "Domains > DNS records; Google Admin > Account > Domains > Manage domains > "
		 "Activate Gmail), or list a gateway that relays to it in the tenant's mx_hosts",
};
const struct fix_def fix_dns_spf = {
	.id = "dns.spf.repair", .automated = false,
	.title = "Publish exactly one valid SPF record that authorises the platform",
	.steps = "At the domain's DNS host, keep a single TXT record starting \"v=spf1\" that "
		 "includes the platform (include:spf.protection.outlook.com or "
		 "include:_spf.google.com), needs at most 10 DNS lookups once includes are "
		 "followed (flatten rarely-used includes into ip4:/ip6:), and ends in -all or ~all",
};
const struct fix_def fix_dns_dkim = {
	.id = "dns.dkim.enable", .automated = false,
	.title = "Publish the platform's DKIM key for the domain and turn signing on",
	.steps = "Microsoft 365: Defender portal > Email & collaboration > Policies > Email "
		 "authentication settings > DKIM: create the selector1/selector2 CNAMEs shown there, "
		 "then enable signing (Set-DkimSigningConfig -Enabled $true). Google: Admin > Apps > "
		 "Google Workspace > Gmail > Authenticate email: generate a 2048-bit key, publish "
		 "the TXT record at google._domainkey, then Start authentication",
};
const struct fix_def fix_dns_dmarc = {
	.id = "dns.dmarc.publish", .automated = false,
	.title = "Publish an enforcing DMARC record with aggregate reports",
	.steps = "At the domain's DNS host, publish one TXT record at _dmarc.<domain>: "
		 "\"v=DMARC1; p=reject; rua=mailto:<reports address>\" (p=quarantine while rolling "
		 "out), after SPF and DKIM pass for all mail the domain sends",
};

struct finding *dns_finding(struct audit_ctx *ctx, const struct check_def *check,
			    const struct domain_dns *d, enum severity sev, const char *key,
			    const char *fmt, ...)
{
	const struct snapshot *s = ctx->snapshots[d->tenant];
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct finding *f = finding_new(ctx->out, check, s->tenant, s->provider, d->domain, "%s", buf);
	f->severity = sev;
	finding_add_hop(f, d->domain, "start", NULL);
	cJSON_AddStringToObject(f->evidence, "domain", d->domain);
	cJSON_AddStringToObject(f->evidence, "domain_type", domain_type_name(d->type));
	cJSON_AddStringToObject(f->evidence, "platform", dns_platform_name(d));
	finding_set_id(f, key);
	return f;
}

bool dns_gap(struct audit_ctx *ctx, const struct check_def *check, const struct domain_dns *d,
	     const char *what, const struct dns_fact *f)
{
	if (f->state != DNSF_FAILED)
		return false;
	finding_list_gap(ctx->out, check->id, ctx->snapshots[d->tenant]->tenant,
			 "%s: the %s lookup of %s failed (%s); DNS failure is not absence", d->domain,
			 what, f->name ? f->name : d->domain, f->error ? f->error : "error");
	return true;
}

cJSON *dns_fact_json(const struct dns_fact *f)
{
	cJSON *o = cJSON_CreateObject(), *recs = cJSON_AddArrayToObject(o, "records");
	cJSON_AddStringToObject(o, "name", f->name ? f->name : "");
	cJSON_AddStringToObject(o, "result", f->state == DNSF_FOUND ? "found"
				: f->state == DNSF_FAILED ? "failed"
				: f->nxdomain ? "NXDOMAIN" : "NODATA");
	if (f->cname)
		cJSON_AddStringToObject(o, "cname", f->cname);
	for (size_t i = 0; i < f->nr_txt; i++)
		cJSON_AddItemToArray(recs, cJSON_CreateString(f->txt[i]));
	return o;
}

const char *dns_platform_name(const struct domain_dns *d)
{
	return d->expect ? d->expect->name
	       : d->nr_mx_extra ? "the tenant's mx_hosts" : "unknown (no provider DNS data)";
}
