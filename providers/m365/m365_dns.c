/*
 * m365_dns.c - the DNS a domain hosted in Exchange Online publishes, as data
 * for the dns.* checks (core/platform.h struct platform_dns).
 *
 * Sources (Microsoft Learn):
 * - MX "<domain-key>.mail.protection.outlook.com", SPF
 *   "include:spf.protection.outlook.com": "External Domain Name System
 *   records for Office 365" (learn.microsoft.com/microsoft-365/enterprise/
 *   external-domain-name-system-records) and "Add DNS records to connect
 *   your domain" (learn.microsoft.com/microsoft-365/admin/get-help-with-domains/
 *   create-dns-records-at-any-dns-hosting-provider).
 * - MX "<domain-key>.<x>.mx.microsoft" for domains with inbound SMTP DANE
 *   and DNSSEC: "How SMTP DNS-based Authentication of Named Entities (DANE)
 *   works" (learn.microsoft.com/purview/how-smtp-dane-works) and
 *   Enable-SmtpDaneInbound.
 * - Sovereign clouds: GCC High / DoD "mail.protection.office365.us" and
 *   "spf.protection.office365.us"; 21Vianet "mail.protection.partner.outlook.cn"
 *   and "spf.protection.partner.outlook.cn" (the same Learn pages, per cloud).
 * - DKIM: CNAMEs selector1._domainkey and selector2._domainkey pointing at
 *   selector1-<domain-key>._domainkey.<initial domain>; Microsoft rotates
 *   between the two, so both must exist: "How to use DKIM for email in
 *   your custom domain" (learn.microsoft.com/defender-office-365/
 *   email-authentication-dkim-configure).
 */
#include "core/platform.h"

#include <stddef.h>

static const char *const m365_mx_hosts[] = {
	"*.mail.protection.outlook.com",
	"*.mx.microsoft",
	"*.mail.protection.office365.us",
	"*.mail.protection.partner.outlook.cn",
	NULL,
};

static const char *const m365_spf_includes[] = {
	"spf.protection.outlook.com",
	"spf.protection.office365.us",
	"spf.protection.partner.outlook.cn",
	NULL,
};

static const char *const m365_dkim_selectors[] = { "selector1", "selector2", NULL };

const struct platform_dns m365_dns = {
	.name = "Exchange Online",
	.mx_hosts = m365_mx_hosts,
	.mx_hint = "<domain-key>.mail.protection.outlook.com (or <domain-key>.<x>.mx.microsoft with DNSSEC)",
	.spf_includes = m365_spf_includes,
	.dkim_selectors = m365_dkim_selectors,
	.dkim_all_selectors = true,
	.sources = "Microsoft Learn: External Domain Name System records for Office 365; "
		   "How SMTP DANE works (mx.microsoft); How to use DKIM for email in your custom domain",
};
