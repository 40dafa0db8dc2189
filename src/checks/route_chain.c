/*
 * route_chain.c - route.chain: delivery that needs two or more relay hops
 * (contact@ -> info@ -> bob@). Flatten it.
 *
 * A relay is a recipient that keeps no mail itself and passes it on: a plain
 * routing alias, a mailbox that forwards everything, or a group with a
 * single member (a group used as an alias). Ordinary groups are expansions,
 * not relays. depth(n) = 1 + the deepest relay hop after n; a chain is
 * reported once, at its first address (no relay points at it). Loops are
 * route.loop's, so nodes in cycles are skipped. A chain longer than
 * max_depth is reported and also marked not fully evaluated.
 */
#include "checks/checks.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define DEPTH_UNSET UINT32_MAX

/* relay_edge - true when edge i out of n passes mail on from a relay */
static bool relay_edge(const struct route_graph *g, uint32_t n, const struct route_edge *e)
{
	const struct route_node *node = &g->nodes[n];
	if (node->kind != NODE_RECIPIENT || node->delivers)
		return false;
	if (e->via == EDGE_GROUP)
		return node->nr_edges == 1;
	return !e->fwd->conditional;
}

/* compute_depths - iterative post-order DFS over relay edges */
static void compute_depths(const struct route_graph *g, const struct route_scc *scc,
			   uint32_t *depth, uint32_t *next_hop)
{
	uint32_t *stack = xreallocarray(NULL, g->nr_nodes ? g->nr_nodes : 1, sizeof(*stack));
	uint32_t *pos = xcalloc(g->nr_nodes ? g->nr_nodes : 1, sizeof(*pos));

	for (uint32_t root = 0; root < g->nr_nodes; root++) {
		uint32_t sp = 0;
		if (depth[root] != DEPTH_UNSET)
			continue;
		stack[sp++] = root;
		while (sp) {
			uint32_t v = stack[sp - 1];
			const struct route_node *vn = &g->nodes[v];
			if (route_scc_cyclic(g, scc, scc->comp[v])) {
				depth[v] = 0;
				sp--;
				continue;
			}
			if (pos[v] < vn->nr_edges) {
				const struct route_edge *e = &g->edges[vn->first_edge + pos[v]++];
				if (relay_edge(g, v, e) && depth[e->to] == DEPTH_UNSET)
					stack[sp++] = e->to;
				continue;
			}
			/* children done */
			uint32_t best = 0, hop = UINT32_MAX;
			for (uint32_t i = 0; i < vn->nr_edges; i++) {
				const struct route_edge *e = &g->edges[vn->first_edge + i];
				if (!relay_edge(g, v, e))
					continue;
				uint32_t d = 1 + (depth[e->to] == DEPTH_UNSET ? 0 : depth[e->to]);
				if (d > best) {
					best = d;
					hop = vn->first_edge + i;
				}
			}
			depth[v] = best;
			next_hop[v] = hop;
			sp--;
		}
	}
	free(stack);
	free(pos);
}

static void run(struct audit_ctx *ctx)
{
	struct route_graph *g = ctx->graph;
	const struct route_scc *scc = route_graph_scc(g);
	uint32_t n = g->nr_nodes;
	uint32_t *depth = xreallocarray(NULL, n ? n : 1, sizeof(*depth));
	uint32_t *next_hop = xreallocarray(NULL, n ? n : 1, sizeof(*next_hop));
	unsigned char *has_relay_parent = xcalloc(n ? n : 1, 1);

	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		need_section(ctx, &check_route_chain, s, s->has_forwards, "forwards");
		gap_on_errors(ctx, &check_route_chain, s, "forwards");
	}
	memset(depth, 0xff, (size_t)(n ? n : 1) * sizeof(*depth));
	compute_depths(g, scc, depth, next_hop);
	for (uint32_t e = 0; e < g->nr_edges; e++)
		if (relay_edge(g, g->edges[e].from, &g->edges[e]) && depth[g->edges[e].from] >= 2)
			has_relay_parent[g->edges[e].to] = 1;

	for (uint32_t v = 0; v < n; v++) {
		if (depth[v] < 2 || has_relay_parent[v])
			continue;
		const struct snapshot *s = snap_of(ctx, v);
		const struct route_node *vn = &g->nodes[v];
		uint32_t cur = v, hops = 0;
		const char *final = vn->address;
		struct finding *f;

		/* find the end first for the summary */
		while (next_hop[cur] != UINT32_MAX && hops < g->limits.max_depth) {
			cur = g->edges[next_hop[cur]].to;
			final = g->nodes[cur].address;
			hops++;
		}
		f = finding_new(ctx->out, &check_route_chain, s->tenant, s->provider, vn->address,
				"mail to %s needs %u hops to reach %s: point it there directly",
				vn->address, depth[v], final);
		finding_add_hop(f, vn->address, "start", NULL);
		cur = v;
		for (uint32_t i = 0; i < hops; i++) {
			const struct route_edge *e = &g->edges[next_hop[cur]];
			add_edge_hop(ctx, f, e);
			cur = e->to;
		}
		cJSON_AddNumberToObject(f->evidence, "hops", depth[v]);
		cJSON_AddStringToObject(f->evidence, "final", final);
		if (depth[v] > g->limits.max_depth) {
			cJSON_AddBoolToObject(f->evidence, "truncated", true);
			finding_list_gap(ctx->out, check_route_chain.id, s->tenant,
					 "the chain from %s is longer than %u hops; not followed to its end",
					 vn->address, g->limits.max_depth);
		}
		finding_set_id(f, NULL);
	}
	free(depth);
	free(next_hop);
	free(has_relay_parent);
}

const struct check_def check_route_chain = {
	.id = "route.chain",
	.title = "Forwarding chain",
	.finds = "delivery that needs 2+ relay hops (contact@ -> info@ -> bob@)",
	.severity = SEV_LOW,
	.symptom_code = NULL,
	.symptom_text = "fragile routing: each hop can break, add headers or change the sender",
	.evidence = "the longest path of relay hops (routing aliases, forward-everything mailboxes, "
		    "single-member groups) from an address no relay points at",
	.fix = &fix_route_flatten,
	.refs = refs_none,
	.run = run,
};
