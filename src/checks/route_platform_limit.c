/*
 * route_platform_limit.c - route.platform-limit: a forward, redirect or rule
 * that a documented platform limit stops or ignores (docs/snapshot.md, routing):
 *   - a second inbox rule on the way (Exchange Online inbox-rule loop limit
 *     1): the rule does not fire for mail another inbox rule forwarded, and
 *     its targets never get mail sent to the first address (silent, no NDR);
 *   - a second transport-rule redirect (limit 1, also across Exchange Online
 *     organisations): 550 5.7.128 (a cycle of them is route.loop's);
 *   - a rule forwarding to more recipients than the platform applies (not
 *     applied at all), or exactly that many (at the limit);
 *   - a redirect inbox rule overridden by the mailbox's own forwarding;
 *   - forwarding filters beyond the per-user limit.
 * The per-edge limits are marked on the graph (graph_platform.c); the rule
 * loop limits need the message's history, so they are found by a walk over
 * states (node, inbox rule passed, transport rule passed) from every address
 * whose rule starts the count. The numbers and codes are the platforms'
 * (core/platform.h), each citing its source.
 */
#include "checks/checks.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define STATE(n, i, t) ((size_t)(n) * 4 + (size_t)(i) * 2 + (size_t)(t))
#define UNSEEN UINT32_MAX
#define ROOT (UINT32_MAX - 1)

struct walk {
	const struct route_graph *g;
	uint32_t *parent;      /* per state: the edge that reached it, ROOT, UNSEEN */
	size_t *pstate;        /* per state: the state it was reached from */
	unsigned char *reached;/* per node, for the current origin */
	size_t *queue;
	uint32_t *blocked; size_t nr_blocked; /* edges stopped for the current origin */
	uint32_t *block_state;                 /* the state each was stopped in */
	const struct snapshot_forward **done; size_t nr_done, alloc_done; /* reported rules */
};

static bool reported(struct walk *w, const struct snapshot_forward *f)
{
	for (size_t i = 0; i < w->nr_done; i++)
		if (w->done[i] == f)
			return true;
	if (w->nr_done == w->alloc_done) {
		w->alloc_done = w->alloc_done ? w->alloc_done * 2 : 16;
		w->done = xreallocarray(w->done, w->alloc_done, sizeof(*w->done));
	}
	w->done[w->nr_done++] = f;
	return false;
}

/* bfs - every state mail sent to origin reaches; edges a rule loop limit
 * stops are collected in w->blocked. Returns the number of states touched. */
static size_t bfs(struct walk *w, uint32_t origin)
{
	const struct route_graph *g = w->g;
	size_t head = 0, tail = 0;
	w->nr_blocked = 0;
	w->queue[tail++] = STATE(origin, 0, 0);
	w->parent[STATE(origin, 0, 0)] = ROOT;
	while (head < tail) {
		size_t s = w->queue[head++];
		uint32_t n = (uint32_t)(s / 4);
		const struct route_node *node = &g->nodes[n];
		w->reached[n] = 1;
		for (uint32_t k = 0; k < node->nr_edges; k++) {
			uint32_t ei = node->first_edge + k;
			const struct route_edge *e = &g->edges[ei];
			unsigned i = (s / 2) & 1, t = s & 1;
			if (e->stop != EDGE_LIVE || route_edge_same_address(g, e))
				continue;
			if ((route_edge_inbox_limited(g, e) && i) ||
			    (route_edge_transport_limited(g, e) && t)) {
				w->blocked[w->nr_blocked] = ei;
				w->block_state[w->nr_blocked++] = (uint32_t)s;
				continue;
			}
			i |= route_edge_inbox_limited(g, e);
			t |= route_edge_transport_limited(g, e);
			size_t ns = STATE(e->to, i, t);
			if (w->parent[ns] != UNSEEN)
				continue;
			w->parent[ns] = ei;
			w->pstate[ns] = s;
			w->queue[tail++] = ns;
		}
	}
	return tail;
}

/* add_path - the hops from the origin to state s, then edge e */
static void add_path(const struct walk *w, struct finding *f, size_t s, const struct route_edge *e,
		     const struct audit_ctx *ctx)
{
	uint32_t chain[64], n = 0;
	for (size_t x = s; w->parent[x] != ROOT && n < ARRAY_SIZE(chain); x = w->pstate[x])
		chain[n++] = w->parent[x];
	while (n)
		add_edge_hop(ctx, f, &w->g->edges[chain[--n]]);
	add_edge_hop(ctx, f, e);
}

/* report_rule_loop - a rule that a loop limit stops for mail sent to origin */
static void report_rule_loop(struct audit_ctx *ctx, struct walk *w, uint32_t origin,
			     uint32_t ei, size_t s)
{
	const struct route_graph *g = ctx->graph;
	const struct route_edge *e = &g->edges[ei];
	const struct platform_rules *p = route_edge_platform(g, e);
	const struct snapshot *snap = snap_of(ctx, e->from);
	bool transport = route_edge_transport_limited(g, e);
	struct strbuf cut = STRBUF_INIT;
	cJSON *targets = cJSON_CreateArray();
	const struct route_node *node = &g->nodes[e->from];
	struct finding *f;

	/* the rule's targets that mail sent to origin never reaches */
	for (uint32_t k = 0; k < node->nr_edges; k++) {
		const struct route_edge *o = &g->edges[node->first_edge + k];
		if (o->fwd != e->fwd || (!transport && w->reached[o->to]))
			continue;
		cJSON_AddItemToArray(targets, cJSON_CreateString(o->target));
		strbuf_putf(&cut, "%s%s", cut.len ? ", " : "", o->target);
	}
	if (!cut.len || reported(w, e->fwd)) {
		cJSON_Delete(targets);
		strbuf_release(&cut);
		return;
	}
	if (transport)
		f = finding_new(ctx->out, &check_route_platform_limit, snap->tenant, snap->provider,
				e->fwd->from, "mail to %s that a transport rule already redirected is "
				"rejected by transport rule '%s' of %s: %s %s (%s transport-rule loop "
				"limit %d)", g->nodes[origin].address, route_edge_object(g, e),
				node->address, p->transport_rule_loop_code, p->transport_rule_loop_text,
				p->name, p->transport_rule_loop_limit);
	else
		f = finding_new(ctx->out, &check_route_platform_limit, snap->tenant, snap->provider,
				e->fwd->from, "%s never receives mail sent to %s: %s's inbox rule '%s' "
				"does not forward mail another inbox rule forwarded (%s inbox-rule loop "
				"limit %d; silent, no NDR)", cut.buf, g->nodes[origin].address,
				node->address, route_edge_object(g, e), p->name, p->inbox_rule_loop_limit);
	finding_add_hop(f, g->nodes[origin].address, "start", NULL);
	add_path(w, f, s, e, ctx);
	cJSON_AddStringToObject(f->evidence, "limit", transport ? "transport-rule-loop" : "inbox-rule-loop");
	cJSON_AddStringToObject(f->evidence, "platform", p->name);
	cJSON_AddStringToObject(f->evidence, "rule", route_edge_object(g, e));
	cJSON_AddStringToObject(f->evidence, "stopped_at", node->address);
	cJSON_AddStringToObject(f->evidence, "origin", g->nodes[origin].address);
	cJSON_AddItemToObject(f->evidence, "cut_off", targets);
	if (transport) {
		f->symptom_code = p->transport_rule_loop_code;
		f->symptom_text = p->transport_rule_loop_text;
		cJSON_AddStringToObject(f->evidence, "how", "rejected with an NDR to the sender");
		cJSON_AddStringToObject(f->evidence, "trace", "message trace: Fail, 550 5.7.128 "
					"TRANSPORT.RULES.RejectMessage");
		f->fix = &fix_transport_rule_review;
	} else {
		f->symptom_code = NULL;
		f->symptom_text = "mail silently stops short of the target (no NDR)";
		cJSON_AddStringToObject(f->evidence, "how", "silent: delivered to the mailbox, the "
					"rule does not fire, no NDR");
		cJSON_AddStringToObject(f->evidence, "trace", p->inbox_rule_stop_trace);
		cJSON_AddStringToObject(f->evidence, "note", "mail sent to the rule's own mailbox "
					"directly is still forwarded");
		f->fix = &fix_route_flatten;
		f->fix_note = xstrfmt("point the first rule (or an alias) of %s straight at %s",
				      g->nodes[origin].address, cut.buf);
	}
	cJSON_AddStringToObject(f->evidence, "sources", p->sources);
	/* two rules of one mailbox may share a path: the rule is part of the id */
	char *key = xstrfmt("%s\n%s\n%s\n%s", g->nodes[origin].address, route_edge_object(g, e),
			    e->fwd->id ? e->fwd->id : "", cut.buf);
	finding_set_id(f, key);
	free(key);
	strbuf_release(&cut);
}

/* rule_loops - the inbox- and transport-rule loop limits, from every origin
 * whose rule starts the count */
static void rule_loops(struct audit_ctx *ctx, struct walk *w)
{
	const struct route_graph *g = ctx->graph;
	for (uint32_t origin = 0; origin < g->nr_nodes; origin++) {
		const struct route_node *on = &g->nodes[origin];
		bool starts = false;
		for (uint32_t k = 0; k < on->nr_edges; k++) {
			const struct route_edge *e = &g->edges[on->first_edge + k];
			if (e->stop == EDGE_LIVE && (route_edge_inbox_limited(g, e) ||
						     route_edge_transport_limited(g, e)))
				starts = true;
		}
		if (!starts)
			continue;
		size_t touched = bfs(w, origin);
		for (size_t b = 0; b < w->nr_blocked; b++) {
			const struct route_edge *e = &g->edges[w->blocked[b]];
			const struct route_scc *scc = route_graph_scc((struct route_graph *)g);
			/* a transport rule inside a loop is route.loop's (550 5.7.128 there) */
			if (route_edge_transport_limited(g, e) && scc->comp[e->from] == scc->comp[e->to] &&
			    route_scc_cyclic(g, scc, scc->comp[e->from]))
				continue;
			report_rule_loop(ctx, w, origin, w->blocked[b], w->block_state[b]);
		}
		for (size_t q = 0; q < touched; q++) {
			w->parent[w->queue[q]] = UNSEEN;
			w->reached[w->queue[q] / 4] = 0;
		}
	}
}

static void run(struct audit_ctx *ctx)
{
	struct route_graph *g = ctx->graph;
	size_t states = (size_t)(g->nr_nodes ? g->nr_nodes : 1) * 4;
	struct walk w = { .g = g };

	route_mark_policy_stops(ctx);
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		need_section(ctx, &check_route_platform_limit, s, s->has_forwards, "forwards");
		gap_on_errors(ctx, &check_route_platform_limit, s, "forwards");
	}
	w.parent = xreallocarray(NULL, states, sizeof(*w.parent));
	w.pstate = xreallocarray(NULL, states, sizeof(*w.pstate));
	for (size_t i = 0; i < states; i++)
		w.parent[i] = UNSEEN;
	w.reached = xcalloc(g->nr_nodes ? g->nr_nodes : 1, 1);
	w.queue = xreallocarray(NULL, states, sizeof(*w.queue));
	w.blocked = xreallocarray(NULL, g->nr_edges ? (size_t)g->nr_edges * 4 : 1, sizeof(*w.blocked));
	w.block_state = xreallocarray(NULL, g->nr_edges ? (size_t)g->nr_edges * 4 : 1,
				      sizeof(*w.block_state));
	rule_loops(ctx, &w);
	platform_static_limits(ctx);
	free(w.parent);
	free(w.pstate);
	free(w.reached);
	free(w.queue);
	free(w.blocked);
	free(w.block_state);
	free(w.done);
}

const struct check_def check_route_platform_limit = {
	.id = "route.platform-limit",
	.title = "Stopped by a platform limit",
	.finds = "a forward, redirect or rule that a documented platform limit stops or ignores: "
		 "a second inbox-rule hop in Exchange Online (the rule does not fire), a rule "
		 "forwarding to more than 10 recipients (not applied; 10 is flagged as at the limit), "
		 "a redirect inbox rule overridden by its mailbox's forwarding, a second "
		 "transport-rule redirect (550 5.7.128), Gmail forwarding filters beyond 20 per user",
	.severity = SEV_MEDIUM,
	.symptom_code = NULL,
	.symptom_text = "mail silently stops short of the target (no NDR; message trace: "
			"MAILBOXRULE / THROTTLE / XLoopHeaderCount:1/1), or 550 5.7.128 Transport "
			"rules loop count exceeded",
	.evidence = "the routing graph walked per message history (inbox rule passed, transport "
		    "rule passed) from every address whose rule starts the count; per-rule limits "
		    "from the platform rules. Sources: Exchange Online limits ('Journal, Transport, "
		    "and Inbox rule limits'); Exchange Team Blog 'Loop Prevention in Exchange Online "
		    "Demystified'; Microsoft support KB 4021948 ('Inbox rule to forward messages "
		    "doesn't work in Office 365') and KB 3069075 ('Inbox rule to redirect messages "
		    "not working'); Oxford Nexus 'Email loops - what happens, when, and why' "
		    "(5.7.128); Google Workspace Admin Help 'Gmail sending limits in Google Workspace' "
		    "(20 auto-forward mail filters)",
	.fix = &fix_route_flatten,
	.refs = refs_none,
	.run = run,
};
