/*
 * report_dot.c - `audit -f dot`: the routing graph of the audited tenants as
 * Graphviz source (nodes by kind, edges labelled by mechanism and object),
 * every edge on a routing finding's path red and dashed with the check id.
 * With --focus ADDRESS only its neighbourhood: nodes within FOCUS_RADIUS
 * edges of it, either direction.
 */
#include "report/report.h"
#include "report/dot.h"
#include "checks/check.h"
#include "checks/trace.h"
#include "core/graph.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define FOCUS_RADIUS 3

/* a step of a finding's path: from node, target as written, check id */
struct marked { uint32_t from; const char *target, *check; };

static int cmp_marked(const void *a, const void *b)
{
	uint32_t x = ((const struct marked *)a)->from, y = ((const struct marked *)b)->from;
	return x < y ? -1 : x > y;
}

/* marked_steps - every step of a routing/forwarding finding's path, sorted by
 * from node (resolved once per step, not once per edge) */
static struct marked *marked_steps(const struct route_graph *g, const struct audit_result *res,
				   size_t *nr)
{
	struct marked *m = NULL;
	size_t alloc = 0;
	*nr = 0;
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		if (strncmp(f->check->id, "route.", 6) && strncmp(f->check->id, "forward.", 8))
			continue;
		for (size_t k = 0; k + 1 < f->nr_path; k++) {
			uint32_t from = route_lookup(g, f->path[k].address, NULL);
			if (from == NODE_NONE)
				continue;
			ALLOC_GROW(m, *nr + 1, alloc);
			m[(*nr)++] = (struct marked){ from, f->path[k + 1].address, f->check->id };
		}
	}
	if (*nr)
		qsort(m, *nr, sizeof(*m), cmp_marked);
	return m;
}

/* edge_finding - the check id of a finding whose path takes edge e, or NULL */
static const char *edge_finding(const struct marked *m, size_t nr, const struct route_edge *e)
{
	size_t lo = 0, hi = nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].from < e->from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nr && m[lo].from == e->from; lo++)
		if (str_eq_nocase(m[lo].target, e->target))
			return m[lo].check;
	return NULL;
}

/* focus_set - mark the nodes within FOCUS_RADIUS edges of focus (both ways) */
static uint8_t *focus_set(const struct route_graph *g, uint32_t focus)
{
	uint8_t *in = xcalloc((size_t)g->nr_nodes + 1, 1);
	in[focus] = 1;
	for (int r = 0; r < FOCUS_RADIUS; r++) {
		uint8_t *next = xcalloc((size_t)g->nr_nodes + 1, 1);
		memcpy(next, in, g->nr_nodes);
		for (uint32_t ei = 0; ei < g->nr_edges; ei++) {
			const struct route_edge *e = &g->edges[ei];
			if (in[e->from] || in[e->to])
				next[e->from] = next[e->to] = 1;
		}
		free(in);
		in = next;
	}
	return in;
}

int report_write_dot(FILE *out, const struct audit_result *res, const struct report_options *opt,
		     char **err)
{
	struct route_graph *g = route_graph_build(res->snapshots, res->nr_snapshots, NULL);
	uint8_t *in = NULL;
	char a[24], b[24];
	size_t nr_marked;
	struct marked *marked = marked_steps(g, res, &nr_marked);
	if (opt->focus) {
		uint32_t f = route_resolve(g, opt->focus, &(enum match_step){ 0 },
					   &(const struct catch_all *){ NULL });
		if (f == NODE_NONE) {
			*err = xstrfmt("--focus: '%s' is not an address", opt->focus);
			route_graph_free(g);
			free(marked);
			return -1;
		}
		in = focus_set(g, f);
	}
	dot_begin(out, opt->focus ? opt->focus : "routing");
	for (uint32_t n = 0; n < g->nr_nodes; n++) {
		if (in && !in[n])
			continue;
		snprintf(a, sizeof(a), "n%u", n);
		dot_node(out, a, g->nodes[n].address, trace_node_kind(g, n),
			 g->nodes[n].kind == NODE_MISSING);
	}
	for (uint32_t ei = 0; ei < g->nr_edges; ei++) {
		const struct route_edge *e = &g->edges[ei];
		if (in && (!in[e->from] || !in[e->to]))
			continue;
		const char *check = edge_finding(marked, nr_marked, e);
		char *label = check ? xstrfmt("%s: %s\n%s", route_edge_via_name(e),
					      route_edge_object(g, e), check)
				    : xstrfmt("%s: %s", route_edge_via_name(e), route_edge_object(g, e));
		snprintf(a, sizeof(a), "n%u", e->from);
		snprintf(b, sizeof(b), "n%u", e->to);
		dot_edge(out, a, b, label, check != NULL);
		free(label);
	}
	dot_end(out);
	free(in);
	free(marked);
	route_graph_free(g);
	return 0;
}
