/*
 * route_loop.c - route.loop: cycles of aliases, forwards, rules and groups,
 * across tenants too (554 5.4.14 hop count exceeded).
 *
 * Every cyclic strongly connected component is one finding. Its path is the
 * shortest cycle through the component's first member (by address), rotated
 * to start where the plan should break it: at a user-made edge (an inbox
 * rule, a Gmail filter, a user forward) before an admin-made one (a group, a
 * transport rule). Auto-replies inside the cycle are noted: they add their
 * own replies to the storm.
 */
#include "checks/checks.h"
#include "base/addr.h"
#include "base/strbuf.h"
#include "core/platform.h"
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

/* shortest_cycle - BFS inside component c from start back to start; fills
 * cyc[] with edge indices (in order) and returns their count, 0 if none */
static uint32_t shortest_cycle(const struct route_graph *g, const struct route_scc *scc,
			       uint32_t c, uint32_t start, uint32_t *parent_edge,
			       uint32_t *queue, uint32_t *cyc)
{
	uint32_t head = 0, tail = 0, found = UINT32_MAX, len = 0;
	const struct route_node *sn = &g->nodes[start];

	/* a self edge is the shortest cycle */
	for (uint32_t i = 0; i < sn->nr_edges; i++)
		if (g->edges[sn->first_edge + i].to == start) {
			cyc[0] = sn->first_edge + i;
			return 1;
		}
	queue[tail++] = start;
	parent_edge[start] = UINT32_MAX - 1; /* visited, root */
	while (head < tail && found == UINT32_MAX) {
		uint32_t v = queue[head++];
		const struct route_node *vn = &g->nodes[v];
		for (uint32_t i = 0; i < vn->nr_edges; i++) {
			uint32_t ei = vn->first_edge + i, w = g->edges[ei].to;
			if (scc->comp[w] != c)
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
		/* walk back from the closing edge to start */
		uint32_t ei = found;
		for (;;) {
			cyc[len++] = ei;
			uint32_t from = g->edges[ei].from;
			if (from == start)
				break;
			ei = parent_edge[from];
		}
		for (uint32_t i = 0; i < len / 2; i++) {
			uint32_t t = cyc[i];
			cyc[i] = cyc[len - 1 - i];
			cyc[len - 1 - i] = t;
		}
	}
	for (uint32_t i = 0; i < tail; i++)
		parent_edge[queue[i]] = UINT32_MAX;
	return len;
}

static int cmp_str_nocase(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* alias_cycle_symptom - a cycle made only of one platform's own routing
 * aliases never leaves that server: its alias expansion stops it with the
 * platform's alias_cycle_code (Postfix: 451 4.6.0 at the end of DATA) */
static void alias_cycle_symptom(const struct audit_ctx *ctx, struct finding *f,
				const uint32_t *cyc, uint32_t len)
{
	const struct route_graph *g = ctx->graph;
	uint16_t t = g->nodes[g->edges[cyc[0]].from].tenant;
	const struct platform_rules *p = platform_for(ctx->snapshots[t]->provider);
	if (!p->alias_cycle_code)
		return;
	for (uint32_t i = 0; i < len; i++) {
		const struct route_edge *e = &g->edges[cyc[i]];
		if (e->via != EDGE_FORWARD || e->fwd->via != VIA_ROUTING ||
		    g->nodes[e->from].tenant != t || g->nodes[e->to].tenant != t)
			return;
	}
	f->symptom_code = p->alias_cycle_code;
	f->symptom_text = p->alias_cycle_text;
	cJSON_AddStringToObject(f->evidence, "stopped_by", p->name);
	cJSON_AddStringToObject(f->evidence, "sources", p->sources);
}

static void report_cycle(struct audit_ctx *ctx, const uint32_t *cyc, uint32_t len,
			 uint32_t scc_size)
{
	const struct route_graph *g = ctx->graph;
	uint32_t best = 0;
	bool all_conditional = true;
	const char **keys = xreallocarray(NULL, len, sizeof(*keys));
	struct strbuf key = STRBUF_INIT;
	cJSON *replies = cJSON_CreateArray(), *tenants = cJSON_CreateArray();

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

	const struct route_edge *brk = &g->edges[cyc[best]];
	const struct route_node *subj = &g->nodes[brk->from];
	const struct snapshot *s = snap_of(ctx, brk->from);
	const char *other = g->nodes[brk->to].address;
	struct finding *f;
	if (len == 1)
		f = finding_new(ctx->out, &check_route_loop, s->tenant, s->provider, subj->address,
				"%s forwards to itself and keeps no copy", subj->address);
	else if (len == 2)
		f = finding_new(ctx->out, &check_route_loop, s->tenant, s->provider, subj->address,
				"%s and %s forward to each other%s", subj->address, other,
				all_conditional ? " (under the rules' conditions)" : "");
	else
		f = finding_new(ctx->out, &check_route_loop, s->tenant, s->provider, subj->address,
				"mail to %s goes round a loop of %u addresses%s", subj->address, len,
				all_conditional ? " (under the rules' conditions)" : "");

	finding_add_hop(f, subj->address, "start", NULL);
	for (uint32_t i = 0; i < len; i++) {
		const struct route_edge *e = &g->edges[cyc[(best + i) % len]];
		const struct route_node *to = &g->nodes[e->to];
		add_edge_hop(ctx, f, e);
		if (to->auto_reply)
			cJSON_AddItemToArray(replies, cJSON_CreateString(to->address));
		const char *tn = ctx->snapshots[to->tenant]->tenant;
		bool seen = false;
		cJSON *it;
		cJSON_ArrayForEach(it, tenants)
			if (!strcmp(it->valuestring, tn))
				seen = true;
		if (!seen)
			cJSON_AddItemToArray(tenants, cJSON_CreateString(tn));
	}
	alias_cycle_symptom(ctx, f, cyc, len);
	cJSON_AddNumberToObject(f->evidence, "cycle_length", len);
	cJSON_AddNumberToObject(f->evidence, "component_size", scc_size);
	cJSON_AddBoolToObject(f->evidence, "conditional", all_conditional);
	cJSON_AddItemToObject(f->evidence, "tenants", tenants);
	cJSON_AddItemToObject(f->evidence, "auto_replies", replies);
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

static void run(struct audit_ctx *ctx)
{
	struct route_graph *g = ctx->graph;
	const struct route_scc *scc = route_graph_scc(g);
	uint32_t *parent = NULL, *queue = NULL, *cyc = NULL;

	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		need_section(ctx, &check_route_loop, s, s->has_forwards, "forwards");
		gap_on_errors(ctx, &check_route_loop, s, "forwards");
		gap_on_errors(ctx, &check_route_loop, s, "recipients");
	}
	for (uint32_t c = 0; c < scc->nr; c++) {
		uint32_t size = scc->start[c + 1] - scc->start[c], start, len;
		if (!route_scc_cyclic(g, scc, c))
			continue;
		if (!parent) {
			parent = xreallocarray(NULL, g->nr_nodes, sizeof(*parent));
			memset(parent, 0xff, (size_t)g->nr_nodes * sizeof(*parent));
			queue = xreallocarray(NULL, g->nr_nodes, sizeof(*queue));
			cyc = xreallocarray(NULL, g->nr_nodes + 1, sizeof(*cyc));
		}
		/* deterministic start: the member with the smallest address */
		start = scc->order[scc->start[c]];
		for (uint32_t i = scc->start[c] + 1; i < scc->start[c + 1]; i++)
			if (strcasecmp(g->nodes[scc->order[i]].address, g->nodes[start].address) < 0)
				start = scc->order[i];
		len = shortest_cycle(g, scc, c, start, parent, queue, cyc);
		if (len)
			report_cycle(ctx, cyc, len, size);
	}
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		if (g->nodes[n].truncated)
			finding_list_gap(ctx->out, check_route_loop.id, snap_of(ctx, n)->tenant,
					 "%s has more than %u members/targets; the rest were not followed",
					 g->nodes[n].address, g->limits.max_fanout);
	free(parent);
	free(queue);
	free(cyc);
}

const struct check_def check_route_loop = {
	.id = "route.loop",
	.title = "Mail loop",
	.finds = "a cycle of aliases, forwards, inbox rules or groups (across tenants too); "
		 "notes automatic replies inside it",
	.severity = SEV_HIGH,
	.symptom_code = "554 5.4.14",
	.symptom_text = "Hop count exceeded - possible mail loop",
	.evidence = "strongly connected components of the routing graph; the path is the shortest "
		    "cycle, starting where it is best broken",
	.fix = &fix_inbox_rule_disable,
	.refs = refs_none,
	.run = run,
};
