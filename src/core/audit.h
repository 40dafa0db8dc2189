/*
 * audit.h - one audit run: the snapshots it covers, the routing graph over
 * them, and what the checks found. Reports render an audit_result.
 */
#ifndef ALIASAUDIT_AUDIT_H
#define ALIASAUDIT_AUDIT_H

#include "core/finding.h"
#include "core/snapshot.h"

#include <stdbool.h>

struct route_graph;
struct route_limits;
struct dns_facts;

/* audit_result - what reports render. Snapshots are borrowed (tenant names,
 * completeness and collection errors come from them). */
struct audit_result {
	struct snapshot **snapshots; size_t nr_snapshots;
	struct finding_list findings;
	char generated_at[21];
	bool graph_truncated;      /* a walk hit a named limit */
};

struct audit_ctx {
	struct snapshot **snapshots; size_t nr_snapshots;
	struct route_graph *graph;
	struct finding_list *out;
	/* what DNS says about the owned domains (core/dns_facts.h); NULL when
	 * DNS was not consulted (an offline audit without --dns): the dns.*
	 * checks then do not run */
	const struct dns_facts *dns;
};

/* audit_run - build the graph over snapshots and run every check (or only
 * those whose ids are listed in only[], NULL-terminated). Fills res, which
 * borrows snapshots. limits may be NULL for the defaults. Returns 0, or -1 with *err. */
int audit_run(struct snapshot **snapshots, size_t nr, const struct route_limits *limits,
	      const char *const *only, struct audit_result *res, char **err);
/* audit_run_dns - audit_run with the DNS facts of the snapshots' domains
 * (dns may be NULL) */
int audit_run_dns(struct snapshot **snapshots, size_t nr, const struct route_limits *limits,
		  const char *const *only, const struct dns_facts *dns, struct audit_result *res,
		  char **err);
void audit_result_release(struct audit_result *res);

/* audit_complete - false when a snapshot is incomplete or a check was not evaluated */
bool audit_complete(const struct audit_result *res);
/* audit_exit_code - 0, 1 (findings at/above fail_on) or 3 (incomplete), per README "Exit codes" */
int audit_exit_code(const struct audit_result *res, enum severity fail_on);

#endif
