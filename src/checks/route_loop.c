/*
 * route_loop.c - route.loop: cycles of forwards, rules and groups, across
 * tenants too, that the platforms really let loop (docs/snapshot.md, routing).
 *
 * The components come from route_graph_scc, over the edges that can carry a
 * message round a loop: a cycle through an Exchange Online inbox rule stops
 * silently at the next inbox rule (route.platform-limit reports what that
 * cuts off), a cycle of groups only delivers once, a forward to its own
 * address delivers. Every cyclic component is one finding. Its path is the
 * shortest cycle through a forward of the component's first such member (by
 * address), rotated to start where the plan should break it: at a user-made
 * edge (an inbox rule, a Gmail filter, a user forward) before an admin-made
 * one (a group, a transport rule). Walking that cycle from its start, the
 * first platform rule that applies names who stops the mail, how and where
 * (loop_outcome). Auto-replies inside the cycle are noted.
 */
#include "checks/checks.h"
#include "base/addr.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* break_rank - lower is a better place to break a loop */
static int break_rank(const struct route_edge *e)
{
	if (e->via == EDGE_GROUP)
		return 5;
	switch (e->fwd->via) {
	case VIA_INBOX_RULE: return 0;
	case VIA_GMAIL_FILTER: return 1;
	case VIA_GMAIL_AUTOFORWARD: return 2;
	case VIA_MAILBOX: return 3;
	case VIA_ROUTING: return 4;
	default: return 6; /* transport rule: an admin's decision */
	}
}

/* path_back - BFS inside component c over loop edges from v back to start;
 * appends the edge indices to cyc[*len] and returns true when found */
static bool path_back(const struct route_graph *g, const struct route_scc *scc, uint32_t c,
		      uint32_t v, uint32_t start, uint32_t *parent_edge, uint32_t *queue,
		      uint32_t *cyc, uint32_t *len)
{
	uint32_t head = 0, tail = 0, found = UINT32_MAX;

	queue[tail++] = v;
	parent_edge[v] = UINT32_MAX - 1; /* visited, root */
	while (head < tail && found == UINT32_MAX) {
		const struct route_node *vn = &g->nodes[queue[head++]];
		for (uint32_t i = 0; i < vn->nr_edges; i++) {
			uint32_t ei = vn->first_edge + i, w = g->edges[ei].to;
			if (scc->comp[w] != c || !route_edge_loops(g, &g->edges[ei]))
				continue;
			if (w == start) {
				found = ei;
				break;
			}
			if (parent_edge[w] != UINT32_MAX)
				continue;
			parent_edge[w] = ei;
			queue[tail++] = w;
		}
	}
	if (found != UINT32_MAX) {
		uint32_t from = *len, ei = found;
		for (;;) {
			cyc[(*len)++] = ei;
			if (g->edges[ei].from == v)
				break;
			ei = parent_edge[g->edges[ei].from];
		}
		for (uint32_t i = from, j = *len - 1; i < j; i++, j--) {
			uint32_t t = cyc[i];
			cyc[i] = cyc[j];
			cyc[j] = t;
		}
	}
	for (uint32_t i = 0; i < tail; i++)
		parent_edge[queue[i]] = UINT32_MAX;
	return found != UINT32_MAX;
}

/* shortest_cycle - the shortest cycle inside component c that starts with a
 * forward (not group) edge out of start; fills cyc[] with edge indices in
 * order and returns their count, 0 if none */
static uint32_t shortest_cycle(const struct route_graph *g, const struct route_scc *scc,
			       uint32_t c, uint32_t start, uint32_t *parent_edge,
			       uint32_t *queue, uint32_t *cyc, uint32_t *tmp)
{
	const struct route_node *sn = &g->nodes[start];
	uint32_t best = 0;

	for (uint32_t i = 0; i < sn->nr_edges; i++) {
		uint32_t ei = sn->first_edge + i, len = 1;
		const struct route_edge *e = &g->edges[ei];
		if (e->via == EDGE_GROUP || scc->comp[e->to] != c || !route_edge_loops(g, e))
			continue;
		tmp[0] = ei;
		if (e->to != start && !path_back(g, scc, c, e->to, start, parent_edge, queue, tmp, &len))
			continue;
		if (!best || len < best) {
			best = len;
			memcpy(cyc, tmp, len * sizeof(*cyc));
		}
	}
	return best;
}

static int cmp_str_nocase(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* loop_stop - who stops a message going round a cycle, how and where */
struct loop_stop {
	const struct platform_rules *platform;
	const char *code, *text, *how, *trace;
	uint32_t edge;      /* the edge (index into g->edges) where it is stopped */
	uint32_t hops;      /* forward hops made before the stop */
	bool assumed;       /* predicted from standard MTA behaviour */
};

/* alias_cycle - a cycle made only of one platform's own routing aliases
 * never leaves that server: its alias expansion stops it with the platform's
 * alias_cycle_code (Postfix: 451 4.6.0 at the end of DATA) */
static bool alias_cycle(const struct route_graph *g, const uint32_t *cyc, uint32_t len,
			struct loop_stop *out)
{
	uint16_t t = g->nodes[g->edges[cyc[0]].from].tenant;
	const struct platform_rules *p = route_node_platform(g, g->edges[cyc[0]].from);
	if (!p->alias_cycle_code)
		return false;
	for (uint32_t i = 0; i < len; i++) {
		const struct route_edge *e = &g->edges[cyc[i]];
		if (e->via != EDGE_FORWARD || e->fwd->via != VIA_ROUTING ||
		    g->nodes[e->from].tenant != t || g->nodes[e->to].tenant != t)
			return false;
	}
	*out = (struct loop_stop){ p, p->alias_cycle_code, p->alias_cycle_text,
		"refuses the message during alias expansion", p->loop_trace, cyc[0], 0, false };
	return true;
}

/* loop_outcome - walk the cycle from cyc[first] round and round: the first
 * transport rule redirecting a second time on a platform with that limit
 * rejects the message; otherwise the first forward whose platform's hop limit
 * is reached bounces it. Group expansion adds no hop. A forward whose kind its
 * platform does not document moves mail as a standard MTA would. */
static void loop_outcome(const struct route_graph *g, const uint32_t *cyc, uint32_t len,
			 uint32_t first, struct loop_stop *out)
{
	uint32_t hops = 0, transport = 0;
	unsigned long max_steps = (unsigned long)len * 256;

	memset(out, 0, sizeof(*out));
	if (alias_cycle(g, cyc, len, out))
		return;
	for (unsigned long step = 0; step < max_steps; step++) {
		uint32_t ei = cyc[(first + step) % len];
		const struct route_edge *e = &g->edges[ei];
		const struct platform_rules *p = route_edge_platform(g, e), *hp;
		if (e->via == EDGE_GROUP)
			continue;
		if (route_edge_transport_limited(g, e)) {
			if (transport >= (uint32_t)p->transport_rule_loop_limit) {
				*out = (struct loop_stop){ p, p->transport_rule_loop_code,
					p->transport_rule_loop_text,
					"rejects the message (transport rules loop count exceeded)",
					"message trace: Fail, the transport rule's redirect is rejected with "
					"550 5.7.128 and the sender gets an NDR", ei, hops, false };
				return;
			}
			transport++;
		}
		hp = route_edge_documented(g, e) ? p : &platform_standard_mta;
		if (hp->loop_hop_limit > 0 && hops >= (uint32_t)hp->loop_hop_limit) {
			*out = (struct loop_stop){ hp, hp->loop_bounce_code, hp->loop_bounce_text,
				"bounces the message (hop count exceeded)", hp->loop_trace, ei, hops,
				hp->assumed };
			return;
		}
		hops++;
	}
	/* no platform limit applies (cannot happen with the bundled rules) */
	*out = (struct loop_stop){ &platform_standard_mta, platform_standard_mta.loop_bounce_code,
		platform_standard_mta.loop_bounce_text, "bounces the message (hop count exceeded)",
		platform_standard_mta.loop_trace, cyc[first], hops, true };
}

/* add_stop_evidence - evidence.stopped_by for a loop's outcome */
static void add_stop_evidence(const struct audit_ctx *ctx, struct finding *f,
			      const struct loop_stop *st)
{
	const struct route_edge *e = &ctx->graph->edges[st->edge];
	cJSON *o = cJSON_AddObjectToObject(f->evidence, "stopped_by");
	cJSON_AddStringToObject(o, "platform", st->platform->name);
	cJSON_AddStringToObject(o, "how", st->how);
	cJSON_AddStringToObject(o, "code", st->code);
	cJSON_AddStringToObject(o, "text", st->text);
	cJSON_AddStringToObject(o, "at", ctx->graph->nodes[e->from].address);
	cJSON_AddStringToObject(o, "object", route_edge_object(ctx->graph, e));
	cJSON_AddStringToObject(o, "via", route_edge_via_name(e));
	cJSON_AddNumberToObject(o, "after_hops", st->hops);
	if (st->trace)
		cJSON_AddStringToObject(o, "trace", st->trace);
	cJSON_AddStringToObject(o, "sources", st->platform->sources);
	cJSON_AddBoolToObject(o, "predicted_from_standard_mta", st->assumed);
	if (st->assumed)
		cJSON_AddStringToObject(f->evidence, "platform_note",
					"no platform documentation covers every edge of this cycle: the "
					"outcome is predicted from standard MTA behaviour (RFC 5321 hop "
					"counting)");
}

/* add_members - evidence.members: every address of component c, sorted */
static void add_members(const struct audit_ctx *ctx, struct finding *f,
			const struct route_scc *scc, uint32_t c)
{
	uint32_t n = scc->start[c + 1] - scc->start[c];
	const char **m = xreallocarray(NULL, n, sizeof(*m));
	cJSON *arr = cJSON_AddArrayToObject(f->evidence, "members");
	for (uint32_t i = 0; i < n; i++)
		m[i] = ctx->graph->nodes[scc->order[scc->start[c] + i]].address;
	qsort(m, n, sizeof(*m), cmp_str_nocase);
	for (uint32_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(m[i]));
	free(m);
}

static void report_cycle(struct audit_ctx *ctx, const uint32_t *cyc, uint32_t len,
			 const struct route_scc *scc, uint32_t c)
{
	const struct route_graph *g = ctx->graph;
	uint32_t best = 0, scc_size = scc->start[c + 1] - scc->start[c];
	bool all_conditional = true;
	const char **keys = xreallocarray(NULL, len, sizeof(*keys));
	struct strbuf key = STRBUF_INIT;
	cJSON *replies = cJSON_CreateArray(), *tenants = cJSON_CreateArray();
	struct loop_stop st;

	for (uint32_t i = 0; i < len; i++) {
		const struct route_edge *e = &g->edges[cyc[i]];
		if (break_rank(e) < break_rank(&g->edges[cyc[best]]))
			best = i;
		if (e->via == EDGE_GROUP || !e->fwd->conditional)
			all_conditional = false;
		keys[i] = g->nodes[e->from].address;
	}
	qsort(keys, len, sizeof(*keys), cmp_str_nocase);
	for (uint32_t i = 0; i < len; i++) {
		strbuf_puts(&key, keys[i]);
		strbuf_puts(&key, "\n");
	}
	loop_outcome(g, cyc, len, best, &st);

	const struct route_edge *brk = &g->edges[cyc[best]];
	const struct route_node *subj = &g->nodes[brk->from];
	const struct snapshot *s = snap_of(ctx, brk->from);
	const char *other = g->nodes[brk->to].address;
	const char *stop_at = g->nodes[g->edges[st.edge].from].address;
	struct finding *f;
	if (len == 1)
		f = finding_new(ctx->out, &check_route_loop, s->tenant, s->provider, subj->address,
				"%s forwards to its own address %s; %s stops the loop with %s at %s",
				subj->address, brk->target, st.platform->name, st.code, stop_at);
	else if (len == 2)
		f = finding_new(ctx->out, &check_route_loop, s->tenant, s->provider, subj->address,
				"%s and %s forward to each other%s; %s stops the loop with %s at %s",
				subj->address, other,
				all_conditional ? " (under the rules' conditions)" : "",
				st.platform->name, st.code, stop_at);
	else
		f = finding_new(ctx->out, &check_route_loop, s->tenant, s->provider, subj->address,
				"mail to %s goes round a loop of %u addresses%s; %s stops it with %s at %s",
				subj->address, len, all_conditional ? " (under the rules' conditions)" : "",
				st.platform->name, st.code, stop_at);
	f->symptom_code = st.code;
	f->symptom_text = st.text;

	finding_add_hop(f, subj->address, "start", NULL);
	for (uint32_t i = 0; i < len; i++) {
		const struct route_edge *e = &g->edges[cyc[(best + i) % len]];
		const struct route_node *to = &g->nodes[e->to];
		add_edge_hop(ctx, f, e);
		if (to->auto_reply)
			cJSON_AddItemToArray(replies, cJSON_CreateString(to->address));
		const char *tn = to->tenant == TENANT_NONE ? "" : ctx->snapshots[to->tenant]->tenant;
		bool seen = false;
		cJSON *it;
		cJSON_ArrayForEach(it, tenants)
			if (!strcmp(it->valuestring, tn))
				seen = true;
		if (!seen && *tn)
			cJSON_AddItemToArray(tenants, cJSON_CreateString(tn));
	}
	cJSON_AddNumberToObject(f->evidence, "cycle_length", len);
	cJSON_AddNumberToObject(f->evidence, "component_size", scc_size);
	cJSON_AddBoolToObject(f->evidence, "conditional", all_conditional);
	cJSON_AddItemToObject(f->evidence, "tenants", tenants);
	cJSON_AddItemToObject(f->evidence, "auto_replies", replies);
	add_members(ctx, f, scc, c);
	add_stop_evidence(ctx, f, &st);
	if (cJSON_GetArraySize(replies) > 0)
		cJSON_AddStringToObject(f->evidence, "note",
					"automatic replies inside the loop answer every copy");
	f->fix = fix_for_edge(brk);
	f->fix_note = xstrfmt("break the cycle at %s of %s: a user-made edge is the safest to "
			      "undo, before an admin alias or group",
			      route_edge_via_name(brk), subj->address);
	finding_set_id(f, key.buf);
	strbuf_release(&key);
	free(keys);
}

/* has_internal_forward - v has a forward that loops inside component c */
static bool has_internal_forward(const struct route_graph *g, const struct route_scc *scc,
				 uint32_t c, uint32_t v)
{
	const struct route_node *n = &g->nodes[v];
	for (uint32_t i = 0; i < n->nr_edges; i++) {
		const struct route_edge *e = &g->edges[n->first_edge + i];
		if (e->via != EDGE_GROUP && scc->comp[e->to] == c && route_edge_loops(g, e))
			return true;
	}
	return false;
}

static void run(struct audit_ctx *ctx)
{
	struct route_graph *g = ctx->graph;
	route_mark_policy_stops(ctx);
	const struct route_scc *scc = route_graph_scc(g);
	uint32_t *parent = NULL, *queue = NULL, *cyc = NULL, *tmp = NULL;

	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		need_section(ctx, &check_route_loop, s, s->has_forwards, "forwards");
		gap_on_errors(ctx, &check_route_loop, s, "forwards");
		gap_on_errors(ctx, &check_route_loop, s, "recipients");
	}
	for (uint32_t c = 0; c < scc->nr; c++) {
		uint32_t start = NODE_NONE, len;
		if (!route_scc_cyclic(g, scc, c))
			continue;
		if (!parent) {
			parent = xreallocarray(NULL, g->nr_nodes, sizeof(*parent));
			memset(parent, 0xff, (size_t)g->nr_nodes * sizeof(*parent));
			queue = xreallocarray(NULL, g->nr_nodes, sizeof(*queue));
			cyc = xreallocarray(NULL, g->nr_nodes + 1, sizeof(*cyc));
			tmp = xreallocarray(NULL, g->nr_nodes + 1, sizeof(*tmp));
		}
		/* deterministic start: the member with the smallest address that
		 * has a forward inside the component */
		for (uint32_t i = scc->start[c]; i < scc->start[c + 1]; i++) {
			uint32_t v = scc->order[i];
			if ((start == NODE_NONE ||
			     strcasecmp(g->nodes[v].address, g->nodes[start].address) < 0) &&
			    has_internal_forward(g, scc, c, v))
				start = v;
		}
		len = start == NODE_NONE ? 0 :
		      shortest_cycle(g, scc, c, start, parent, queue, cyc, tmp);
		if (len)
			report_cycle(ctx, cyc, len, scc, c);
	}
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		if (g->nodes[n].truncated)
			finding_list_gap(ctx->out, check_route_loop.id, snap_of(ctx, n)->tenant,
					 "%s has more than %u members/targets; the rest were not followed",
					 g->nodes[n].address, g->limits.max_fanout);
	free(parent);
	free(queue);
	free(cyc);
	free(tmp);
}

const struct check_def check_route_loop = {
	.id = "route.loop",
	.title = "Mail loop",
	.finds = "a cycle of forwards, rules and groups (across tenants too) that the platforms "
		 "really let loop; names the platform that stops it, how and where; notes automatic "
		 "replies inside it. Not a loop: a cycle through an Exchange Online inbox rule (the "
		 "inbox-rule loop limit stops it silently), groups nested in each other (expansion "
		 "delivers once), a forward listing its own address",
	.severity = SEV_HIGH,
	.symptom_code = "554 5.4.14",
	.symptom_text = "the bounce of the platform that stops it: 554 5.4.14 Hop count exceeded "
			"(Exchange Online), 554 5.4.6 Message exceeded 50 hops (Gmail), 550 5.7.128 "
			"Transport rules loop count exceeded (Exchange Online transport rules)",
	.evidence = "strongly connected components over the edges that can loop; the path is the "
		    "shortest cycle through a forward, starting where it is best broken; walking it, "
		    "the first platform rule that applies (a second transport-rule redirect, then the "
		    "lowest hop limit) gives evidence.stopped_by. Sources: Exchange Team Blog 'Loop "
		    "Prevention in Exchange Online Demystified'; Exchange Online limits ('Journal, "
		    "Transport, and Inbox rule limits'); 'Fix NDR error 554 5.4.14 in Exchange Online'; "
		    "Gmail SMTP errors and codes (5.4.6); Exchange 'Recipient resolution' (groups); "
		    "RFC 5321 section 6.3 for platforms the tool cannot place",
	.fix = &fix_inbox_rule_disable,
	.refs = refs_none,
	.run = run,
};
