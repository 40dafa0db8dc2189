/*
 * route_chain.c - route.chain: delivery that needs two or more relay hops
 * (contact@ -> info@ -> bob@). Flatten it.
 *
 * Only pure relays count (docs/snapshot.md, routing): a live, unconditional
 * forward that keeps no copy, out of a recipient that delivers nothing
 * itself; a target reached through a catch-all adds the catch-all's redirect
 * as a hop. Alias and group expansion are not hops: a chain ends at the first
 * address that is not a relay (a mailbox, a group, an external address). A
 * chain that ends at a ghost, runs into a loop or that a platform limit cuts
 * (a second inbox rule or transport rule on its way) belongs to route.ghost,
 * route.loop and route.platform-limit instead.
 *
 * The walk is a longest-path DFS over states (node, inbox rule passed,
 * transport rule passed), iterative, each state computed once. One finding
 * per chain head: a relay that no relay with a chain points at.
 */
#include "checks/checks.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define ST_UNSET (-2)
#define ST_BUSY (-3)
#define ST_INVALID (-1)

/* relay_edge - e passes all mail of its source on: the source delivers
 * nothing itself and e is a live unconditional forward keeping no copy */
static bool relay_edge(const struct route_graph *g, const struct route_edge *e)
{
	const struct route_node *n = &g->nodes[e->from];
	if (n->kind != NODE_RECIPIENT || n->delivers || e->via != EDGE_FORWARD)
		return false;
	if (n->recipient && (n->recipient->kind == RK_GROUP || n->recipient->kind == RK_CONTACT))
		return false;
	return e->stop == EDGE_LIVE && !e->fwd->conditional && !e->fwd->keep_copy &&
	       !route_edge_same_address(g, e);
}

static bool is_relay(const struct route_graph *g, uint32_t n)
{
	const struct route_node *node = &g->nodes[n];
	for (uint32_t i = 0; i < node->nr_edges; i++)
		if (relay_edge(g, &g->edges[node->first_edge + i]))
			return true;
	return false;
}

struct chain_walk {
	const struct route_graph *g;
	const struct route_scc *scc;
	int32_t *value;     /* per state: hops to the end, ST_INVALID, ST_UNSET, ST_BUSY */
	uint32_t *next;     /* per state: the chosen edge, UINT32_MAX at the end */
	unsigned char *relay;
};

#define STATE(n, i, t) ((size_t)(n) * 4 + (size_t)(i) * 2 + (size_t)(t))

/* edge_state - the state after e from (i, t); false when a platform limit cuts e */
static bool edge_state(const struct route_graph *g, const struct route_edge *e,
		       unsigned *i, unsigned *t)
{
	if (route_edge_inbox_limited(g, e)) {
		if (*i)
			return false;
		*i = 1;
	}
	if (route_edge_transport_limited(g, e)) {
		if (*t)
			return false;
		*t = 1;
	}
	return true;
}

static bool in_loop(const struct chain_walk *w, uint32_t n)
{
	return route_scc_cyclic(w->g, w->scc, w->scc->comp[n]);
}

/* candidate - the hops through edge e from state (i, t), ST_INVALID when the
 * chain does not reach a mailbox that way, ST_UNSET when the target's state
 * must be computed first (*child set) */
static int32_t candidate(const struct chain_walk *w, const struct route_edge *e,
			 unsigned i, unsigned t, size_t *child)
{
	const struct route_node *to = &w->g->nodes[e->to];
	int32_t cost = e->step == MATCH_CATCH_ALL ? 2 : 1;
	if (!edge_state(w->g, e, &i, &t))
		return ST_INVALID;
	if (to->kind == NODE_MISSING || to->kind == NODE_UNKNOWN || in_loop(w, e->to))
		return ST_INVALID;
	if (!w->relay[e->to])
		return cost;
	*child = STATE(e->to, i, t);
	if (w->value[*child] == ST_UNSET)
		return ST_UNSET;
	if (w->value[*child] < 0)
		return ST_INVALID; /* busy (a cycle of relays) or invalid */
	return cost + w->value[*child];
}

/* walk_state - compute value[] and next[] for root and every state under it */
static void walk_state(struct chain_walk *w, size_t root, size_t *stack)
{
	size_t sp = 0;
	stack[sp++] = root;
	w->value[root] = ST_BUSY;
	while (sp) {
		size_t s = stack[sp - 1], child = 0;
		uint32_t n = (uint32_t)(s / 4);
		unsigned i = (s / 2) & 1, t = s & 1;
		const struct route_node *node = &w->g->nodes[n];
		int32_t best = ST_INVALID;
		uint32_t best_edge = UINT32_MAX;
		bool pushed = false;
		for (uint32_t k = 0; k < node->nr_edges && !pushed; k++) {
			const struct route_edge *e = &w->g->edges[node->first_edge + k];
			if (!relay_edge(w->g, e))
				continue;
			int32_t c = candidate(w, e, i, t, &child);
			if (c == ST_UNSET) {
				w->value[child] = ST_BUSY;
				stack[sp++] = child;
				pushed = true;
			} else if (c > best) {
				best = c;
				best_edge = node->first_edge + k;
			}
		}
		if (pushed)
			continue;
		w->value[s] = in_loop(w, n) ? ST_INVALID : best;
		w->next[s] = best_edge;
		sp--;
	}
}

/* report - the finding for head v */
static void report(struct audit_ctx *ctx, const struct chain_walk *w, uint32_t v)
{
	const struct route_graph *g = ctx->graph;
	const struct snapshot *s = snap_of(ctx, v);
	size_t st = STATE(v, 0, 0);
	uint32_t hops = 0, cur = v;
	struct finding *f;
	const char *final = g->nodes[v].address;

	for (size_t x = st; w->next[x] != UINT32_MAX && hops <= g->limits.max_depth; hops++) {
		const struct route_edge *e = &g->edges[w->next[x]];
		unsigned i = (x / 2) & 1, t = x & 1;
		edge_state(g, e, &i, &t);
		final = g->nodes[e->to].address;
		x = w->relay[e->to] ? STATE(e->to, i, t) : SIZE_MAX;
		if (x == SIZE_MAX)
			break;
	}
	f = finding_new(ctx->out, &check_route_chain, s->tenant, s->provider, g->nodes[v].address,
			"mail to %s needs %d hops to reach %s: point it there directly",
			g->nodes[v].address, w->value[st], final);
	finding_add_hop(f, g->nodes[v].address, "start", NULL);
	for (size_t x = st, k = 0; x != SIZE_MAX && w->next[x] != UINT32_MAX &&
	     k <= g->limits.max_depth; k++) {
		const struct route_edge *e = &g->edges[w->next[x]];
		unsigned i = (x / 2) & 1, t = x & 1;
		edge_state(g, e, &i, &t);
		add_edge_hop(ctx, f, e);
		cur = e->to;
		x = w->relay[cur] ? STATE(cur, i, t) : SIZE_MAX;
	}
	cJSON_AddNumberToObject(f->evidence, "hops", w->value[st]);
	cJSON_AddStringToObject(f->evidence, "final", final);
	if ((uint32_t)w->value[st] > g->limits.max_depth) {
		cJSON_AddBoolToObject(f->evidence, "truncated", true);
		finding_list_gap(ctx->out, check_route_chain.id, s->tenant,
				 "the chain from %s is longer than %u hops; not followed to its end",
				 g->nodes[v].address, g->limits.max_depth);
	}
	finding_set_id(f, NULL);
}

static void run(struct audit_ctx *ctx)
{
	struct route_graph *g = ctx->graph;
	route_mark_policy_stops(ctx);
	uint32_t n = g->nr_nodes;
	size_t states = (size_t)(n ? n : 1) * 4;
	struct chain_walk w = { g, route_graph_scc(g), NULL, NULL, NULL };
	size_t *stack = xreallocarray(NULL, states, sizeof(*stack));
	unsigned char *pointed = xcalloc(n ? n : 1, 1);

	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		need_section(ctx, &check_route_chain, s, s->has_forwards, "forwards");
		gap_on_errors(ctx, &check_route_chain, s, "forwards");
	}
	w.value = xreallocarray(NULL, states, sizeof(*w.value));
	w.next = xreallocarray(NULL, states, sizeof(*w.next));
	w.relay = xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < states; i++) {
		w.value[i] = ST_UNSET;
		w.next[i] = UINT32_MAX;
	}
	for (uint32_t v = 0; v < n; v++)
		w.relay[v] = is_relay(g, v);
	for (uint32_t v = 0; v < n; v++)
		if (w.relay[v] && w.value[STATE(v, 0, 0)] == ST_UNSET)
			walk_state(&w, STATE(v, 0, 0), stack);
	/* a relay with a chain of its own makes its relay targets part of it */
	for (uint32_t e = 0; e < g->nr_edges; e++)
		if (relay_edge(g, &g->edges[e]) && w.value[STATE(g->edges[e].from, 0, 0)] >= 1)
			pointed[g->edges[e].to] = 1;
	for (uint32_t v = 0; v < n; v++)
		if (w.relay[v] && !pointed[v] && w.value[STATE(v, 0, 0)] >= 2)
			report(ctx, &w, v);
	free(w.value);
	free(w.next);
	free(w.relay);
	free(stack);
	free(pointed);
}

const struct check_def check_route_chain = {
	.id = "route.chain",
	.title = "Forwarding chain",
	.finds = "delivery that needs 2+ relay hops (contact@ -> info@ -> bob@): pure relays only "
		 "(unconditional forwards keeping no copy, catch-all redirects); alias and group "
		 "expansion are not hops",
	.severity = SEV_LOW,
	.symptom_code = NULL,
	.symptom_text = "fragile routing: each hop can break, add headers or change the sender",
	.evidence = "the longest path of relay hops from an address no relay points at, to the "
		    "first address that is not a relay; chains ending at a ghost, running into a loop "
		    "or cut by a platform limit are left to route.ghost, route.loop and "
		    "route.platform-limit",
	.fix = &fix_route_flatten,
	.refs = refs_none,
	.run = run,
};
