/*
 * dns_facts.h - what DNS says about every domain the audited snapshots own:
 * MX (and A/AAAA without MX), SPF (with its includes followed and its DNS
 * lookups counted), DKIM keys at the platform's selectors, DMARC (at the
 * domain or inherited from its organizational domain). Gathered once per
 * audit by dns_facts_gather (core/dns_gather.c) through net/dns.h; the
 * dns.* checks only read it.
 *
 * A lookup is found, absent (NXDOMAIN / NODATA: the records really do not
 * exist) or failed (SERVFAIL, timeout, refused): a failed lookup makes the
 * check "not evaluated" for the domain, never "record missing".
 */
#ifndef ALIASAUDIT_DNS_FACTS_H
#define ALIASAUDIT_DNS_FACTS_H

#include "core/platform.h"
#include "core/snapshot.h"

#include <stdbool.h>
#include <stddef.h>

enum dns_state { DNSF_FOUND, DNSF_ABSENT, DNSF_FAILED };

/* dns_fact - the outcome of one lookup */
struct dns_fact {
	enum dns_state state;
	bool nxdomain;         /* ABSENT because the name does not exist */
	char *name;            /* what was asked ("_dmarc.contoso.com") */
	char *error;           /* FAILED: "SERVFAIL", "timeout", ... */
	char *cname;           /* the CNAME target it led to, or NULL */
	char **txt; size_t nr_txt;
};

struct dns_mx_host {
	unsigned pref;
	char *host;            /* "" for a null MX (RFC 7505) */
};

/* dns_spf_walk - the SPF record evaluated with its include:/redirect= followed */
struct dns_spf_walk {
	bool done;             /* the domain had exactly one valid SPF record to walk */
	int lookups;           /* DNS-querying terms (RFC 7208 4.6.4), includes followed */
	char effective_all;    /* qualifier of the "all" that applies, 0 when none */
	bool authorises;       /* an expected include: appears in the tree */
	char *permerror;       /* the first problem in the tree, or NULL */
	char *failed;          /* "include:x: SERVFAIL" when a lookup failed, or NULL */
};

struct dns_dkim {
	char *selector;
	struct dns_fact f;     /* TXT at <selector>._domainkey.<domain> */
};

struct domain_dns {
	char *domain;
	size_t tenant;         /* index into the audited snapshots */
	enum domain_type type;
	const struct platform_dns *expect; /* NULL: the platform is unknown */
	char **mx_extra; size_t nr_mx_extra; /* config mx_hosts (also accepted) */
	struct dns_fact mx_f;
	struct dns_mx_host *mx; size_t nr_mx;
	struct dns_fact a_f, aaaa_f; /* consulted when there is no MX */
	size_t nr_addr;
	struct dns_fact txt_f; /* TXT at the domain (SPF) */
	struct dns_spf_walk spf;
	struct dns_dkim *dkim; size_t nr_dkim;
	struct dns_fact dmarc_f;     /* _dmarc.<domain> */
	char *org_domain;            /* organizational domain (Public Suffix List) */
	struct dns_fact org_dmarc_f; /* _dmarc.<org_domain>, asked when the first has none */
};

struct dns_facts {
	struct domain_dns *d; size_t nr;
	char *resolver;        /* "127.0.0.1:5353" or "system" */
};

/* dns_tenant_opts - per-snapshot overrides from the tenant's config section */
struct dns_tenant_opts {
	const char *mx_hosts;        /* "mx1.example.org, *.mail.example.net" */
	const char *dkim_selectors;  /* "s2024, s2025" */
};

/* dns_facts_gather - resolve the facts for every domain of snapshots (opts
 * may be NULL, else one per snapshot) through resolver ("HOST[:PORT]" or
 * NULL for the system's). Returns 0, or -1 with *err when the resolver
 * cannot be set up (a usage error). Lookup failures are facts, not errors. */
int dns_facts_gather(struct snapshot **snapshots, size_t nr, const struct dns_tenant_opts *opts,
		     const char *resolver, int timeout_ms, struct dns_facts *out, char **err);
void dns_facts_release(struct dns_facts *f);

/* dns_mx_matches - host matches pattern ("host" exactly, "*.suffix" below it) */
bool dns_mx_matches(const char *pattern, const char *host);
/* dns_dmarc_record - the DMARC records at the fact (TXT beginning v=DMARC1),
 * stored into out[] (at most max); returns how many there are */
size_t dns_dmarc_records(const struct dns_fact *f, const char **out, size_t max);

#endif
