/*
 * dns_checks.h - helpers shared by the dns.* checks (dns_mx.c, dns_spf.c,
 * dns_dkim.c, dns_dmarc.c): findings whose subject is the domain, "not
 * evaluated" gaps for failed lookups, evidence, and the manual DNS fixes.
 */
#ifndef ALIASAUDIT_DNS_CHECKS_H
#define ALIASAUDIT_DNS_CHECKS_H

#include "checks/checks.h"
#include "core/dns_facts.h"

extern const struct fix_def fix_dns_mx, fix_dns_spf, fix_dns_dkim, fix_dns_dmarc;

/* dns_finding - a finding of check about domain d (subject: the domain) with
 * the given severity; its id is keyed by key (one per kind of problem) */
struct finding *dns_finding(struct audit_ctx *ctx, const struct check_def *check,
			    const struct domain_dns *d, enum severity sev, const char *key,
			    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* dns_gap - when lookup f failed, record check as not evaluated for d's
 * tenant (naming the domain, the lookup and the failure) and return true */
bool dns_gap(struct audit_ctx *ctx, const struct check_def *check, const struct domain_dns *d,
	     const char *what, const struct dns_fact *f);
/* dns_fact_json - evidence for one lookup: name, result, records */
cJSON *dns_fact_json(const struct dns_fact *f);
/* dns_platform_name - what hosts the domain, for messages */
const char *dns_platform_name(const struct domain_dns *d);
/* dns_dkim_state - 1 when some selector of d holds a usable key, 0 when none
 * does, -1 when unknown (no selectors known, or a lookup failed) */
int dns_dkim_state(const struct domain_dns *d);

#endif
