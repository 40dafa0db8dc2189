/*
 * audit.c - one audit run: build the routing graph over the snapshots, run
 * the checks of the catalog, sort and de-duplicate the findings, and decide
 * completeness and the exit code (README "Exit codes").
 */
#include "core/audit.h"
#include "checks/check.h"
#include "core/status.h"
#include "core/graph.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static bool selected(const char *id, const char *const *only)
{
	if (!only)
		return true;
	for (size_t i = 0; only[i]; i++)
		if (!strcmp(only[i], id))
			return true;
	return false;
}

/* dedupe - drop findings whose id repeats (the same problem reached twice,
 * e.g. a member listed twice); ids hash check, tenant and subject, which the
 * sort order groups, so repeats are adjacent */
static void dedupe(struct finding_list *l)
{
	size_t out = 0;
	for (size_t i = 0; i < l->nr; i++) {
		if (out && !strcmp(l->items[out - 1].id, l->items[i].id)) {
			finding_release(&l->items[i]);
			continue;
		}
		l->items[out++] = l->items[i];
	}
	l->nr = out;
}

int audit_run(struct snapshot **snapshots, size_t nr, const struct route_limits *limits,
	      const char *const *only, struct audit_result *res, char **err)
{
	return audit_run_dns(snapshots, nr, limits, only, NULL, res, err);
}

int audit_run_dns(struct snapshot **snapshots, size_t nr, const struct route_limits *limits,
		  const char *const *only, const struct dns_facts *dns, struct audit_result *res,
		  char **err)
{
	struct route_graph *g;
	struct audit_ctx ctx;

	memset(res, 0, sizeof(*res));
	res->snapshots = snapshots;
	res->nr_snapshots = nr;
	iso8601_now(res->generated_at);
	if (only)
		for (size_t i = 0; only[i]; i++)
			if (!check_find(only[i])) {
				*err = xstrfmt("unknown check '%s' (see 'aliasaudit checks')", only[i]);
				return -1;
			}

	g = route_graph_build(snapshots, nr, limits);
	ctx.snapshots = snapshots;
	ctx.nr_snapshots = nr;
	ctx.graph = g;
	ctx.out = &res->findings;
	ctx.dns = dns;
	for (size_t i = 0; check_catalog[i]; i++)
		if (selected(check_catalog[i]->id, only))
			check_catalog[i]->run(&ctx);
	if (g->truncated) {
		res->graph_truncated = true;
		for (size_t t = 0; t < nr; t++)
			for (size_t i = 0; check_catalog[i]; i++)
				if (starts_with(check_catalog[i]->id, "route.") &&
				    selected(check_catalog[i]->id, only))
					finding_list_gap(&res->findings, check_catalog[i]->id,
							 snapshots[t]->tenant,
							 "the routing graph reached its limit of %u nodes",
							 g->limits.max_nodes);
	}
	route_graph_free(g);
	finding_list_sort(&res->findings);
	dedupe(&res->findings);
	return 0;
}

void audit_result_release(struct audit_result *res)
{
	finding_list_release(&res->findings);
	memset(res, 0, sizeof(*res));
}

bool audit_complete(const struct audit_result *res)
{
	if (res->graph_truncated || res->findings.nr_gaps)
		return false;
	for (size_t i = 0; i < res->nr_snapshots; i++)
		if (!res->snapshots[i]->complete)
			return false;
	return true;
}

int audit_exit_code(const struct audit_result *res, enum severity fail_on)
{
	if (!audit_complete(res))
		return EXIT_INCOMPLETE;
	for (size_t i = 0; i < res->findings.nr; i++)
		if (res->findings.items[i].severity >= fail_on)
			return EXIT_FINDINGS;
	return EXIT_CLEAN;
}
