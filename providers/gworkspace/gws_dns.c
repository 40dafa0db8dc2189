/*
 * gws_dns.c - the DNS a domain hosted in Google Workspace publishes, as data
 * for the dns.* checks (core/platform.h struct platform_dns).
 *
 * Sources (Google Workspace Admin Help):
 * - MX: "Google Workspace MX records" (support.google.com/a/answer/174125):
 *   the single record "smtp.google.com" for new setups; the older five
 *   ASPMX.L.GOOGLE.COM, ALT1..ALT4.ASPMX.L.GOOGLE.COM (and the legacy
 *   ASPMX2/ASPMX3.GOOGLEMAIL.COM) remain valid.
 * - SPF: "Define your SPF record - basic setup"
 *   (support.google.com/a/answer/10684623): include:_spf.google.com.
 * - DKIM: "Set up DKIM" (support.google.com/a/answer/174124): the default
 *   selector prefix is "google" (TXT at google._domainkey.<domain>), 2048-bit
 *   keys recommended; an admin may pick another prefix (tenant config
 *   dkim_selector).
 */
#include "core/platform.h"

#include <stddef.h>

static const char *const gws_mx_hosts[] = {
	"smtp.google.com",
	"aspmx.l.google.com",
	"*.aspmx.l.google.com",
	"aspmx2.googlemail.com",
	"aspmx3.googlemail.com",
	NULL,
};

static const char *const gws_spf_includes[] = { "_spf.google.com", NULL };
static const char *const gws_dkim_selectors[] = { "google", NULL };

const struct platform_dns gws_dns = {
	.name = "Gmail",
	.mx_hosts = gws_mx_hosts,
	.mx_hint = "smtp.google.com (or the aspmx.l.google.com set)",
	.spf_includes = gws_spf_includes,
	.dkim_selectors = gws_dkim_selectors,
	.dkim_all_selectors = false,
	.sources = "Google Workspace Admin Help: Google Workspace MX records (174125); "
		   "Define your SPF record (10684623); Set up DKIM (174124)",
};
