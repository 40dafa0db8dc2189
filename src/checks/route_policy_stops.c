/*
 * route_policy_stops.c - a forward that policy blocks carries nothing
 * (docs/snapshot.md, routing): before the routing walks (route.loop,
 * route.chain, route.platform-limit) look at the graph, every external
 * forward that forward_decide finds blocked is marked EDGE_STOP_POLICY, so no
 * loop or chain runs through it (forward.blocked reports it). A forward whose
 * control could not be read stays live: cautious, a loop is still reported.
 */
#include "checks/checks.h"

void route_mark_policy_stops(struct audit_ctx *ctx)
{
	struct route_graph *g = ctx->graph;
	if (g->policy_marked)
		return;
	g->policy_marked = true;
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		struct route_edge *e = &g->edges[i];
		struct forward_decision d;
		if (e->via != EDGE_FORWARD || e->stop != EDGE_LIVE || !edge_leaves_tenant(ctx, e))
			continue;
		const struct snapshot *s = snap_of(ctx, e->from);
		if (!s)
			continue;
		forward_decide(ctx, s, e, &d);
		if (d.verdict == FWD_BLOCKED)
			e->stop = EDGE_STOP_POLICY;
	}
}
