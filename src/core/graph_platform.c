/*
 * graph_platform.c - what the platforms' documented limits do to the edges
 * of the routing graph (docs/snapshot.md, routing): which edges carry no mail at all
 * (a rule with too many recipients, a redirect rule overridden by mailbox
 * forwarding, forwarding filters beyond the per-user limit), and the edge
 * predicates the loop, chain and platform-limit walks share. The numbers are
 * the providers' (core/platform.h); nothing here names a vendor.
 */
#include "core/graph.h"
#include "base/addr.h"
#include "base/util.h"

#include <string.h>

const struct platform_rules *route_node_platform(const struct route_graph *g, uint32_t n)
{
	uint16_t t = g->nodes[n].tenant;
	if (t == TENANT_NONE || !g->platforms || t >= g->nr_snapshots)
		return &platform_standard_mta;
	return g->platforms[t];
}

bool route_edge_same_address(const struct route_graph *g, const struct route_edge *e)
{
	char a[ADDR_MAX_LEN + 1], b[ADDR_MAX_LEN + 1];
	const char *own = e->via == EDGE_GROUP ? g->nodes[e->from].address : e->fwd->from;
	if (e->to != e->from)
		return false;
	if (e->via == EDGE_GROUP)
		return true; /* a group nested in itself: expansion delivers once */
	return addr_canon(own, a) && addr_canon(e->target, b) && !strcmp(a, b);
}

bool route_edge_inbox_limited(const struct route_graph *g, const struct route_edge *e)
{
	return e->via == EDGE_FORWARD && e->fwd->via == VIA_INBOX_RULE &&
	       route_edge_platform(g, e)->inbox_rule_loop_limit > 0;
}

bool route_edge_transport_limited(const struct route_graph *g, const struct route_edge *e)
{
	return e->via == EDGE_FORWARD && e->fwd->via == VIA_TRANSPORT_RULE &&
	       route_edge_platform(g, e)->transport_rule_loop_limit > 0;
}

bool route_edge_documented(const struct route_graph *g, const struct route_edge *e)
{
	const struct platform_rules *p = route_edge_platform(g, e);
	if (e->via == EDGE_GROUP)
		return !p->assumed;
	return !p->assumed && (p->documented_vias & (1u << e->fwd->via));
}

bool route_edge_loops(const struct route_graph *g, const struct route_edge *e)
{
	return e->stop == EDGE_LIVE && !route_edge_same_address(g, e) &&
	       !route_edge_inbox_limited(g, e);
}

/* is_rule - a forwarding/redirecting rule (inbox or transport) */
static bool is_rule(const struct snapshot_forward *f)
{
	return f->via == VIA_INBOX_RULE || f->via == VIA_TRANSPORT_RULE;
}

/* mark_node - the limits of n's platform on n's outgoing edges */
static void mark_node(struct route_graph *g, uint32_t n)
{
	const struct platform_rules *p = route_node_platform(g, n);
	struct route_edge *edges = g->edges + g->nodes[n].first_edge;
	uint32_t nr = g->nodes[n].nr_edges, filters = 0;
	const struct snapshot_forward *last_filter = NULL;
	bool mailbox_forwarding = false;

	for (uint32_t i = 0; i < nr; i++)
		if (edges[i].via == EDGE_FORWARD && edges[i].fwd->via == VIA_MAILBOX)
			mailbox_forwarding = true;
	for (uint32_t i = 0; i < nr; i++) {
		struct route_edge *e = &edges[i];
		const struct snapshot_forward *f = e->fwd;
		if (e->via != EDGE_FORWARD || e->stop != EDGE_LIVE)
			continue;
		if (f->via == VIA_GMAIL_FILTER && f != last_filter) {
			filters++; /* edges of one forward are adjacent (stable sort) */
			last_filter = f;
		}
		if (is_rule(f) && p->rule_max_recipients > 0 && f->nr_to > (size_t)p->rule_max_recipients)
			e->stop = EDGE_STOP_RULE_RECIPIENTS;
		else if (f->via == VIA_INBOX_RULE && f->action == FA_REDIRECT && mailbox_forwarding &&
			 p->mailbox_forwarding_overrides_redirect_rule)
			e->stop = EDGE_STOP_OVERRIDDEN;
		else if (f->via == VIA_GMAIL_FILTER && p->filter_forward_limit > 0 &&
			 filters > (uint32_t)p->filter_forward_limit)
			e->stop = EDGE_STOP_FILTER_LIMIT;
	}
}

void route_graph_apply_platform(struct route_graph *g)
{
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		if (g->nodes[n].nr_edges)
			mark_node(g, n);
}
