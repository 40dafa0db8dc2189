/*
 * route_platform_static.c - the route.platform-limit findings that need no
 * walk: rules with too many recipients (or exactly the limit), redirect rules
 * that mailbox forwarding overrides, forwarding filters beyond the per-user
 * limit. The graph marks the stopped edges (graph_platform.c); this file
 * turns them into one finding per rule (per user for filters).
 */
#include "checks/checks.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* new_finding - a route.platform-limit finding on forward e's rule */
static struct finding *new_finding(struct audit_ctx *ctx, const struct route_edge *e,
				   const char *limit, enum severity sev, const char *summary)
{
	const struct snapshot *s = snap_of(ctx, e->from);
	const struct platform_rules *p = route_edge_platform(ctx->graph, e);
	struct finding *f = finding_new(ctx->out, &check_route_platform_limit, s->tenant,
					s->provider, e->fwd->from, "%s", summary);
	f->severity = sev;
	f->symptom_code = NULL;
	f->symptom_text = "mail silently stops short of the target (no NDR)";
	finding_add_hop(f, e->fwd->from, "start", NULL);
	cJSON_AddStringToObject(f->evidence, "limit", limit);
	cJSON_AddStringToObject(f->evidence, "platform", p->name);
	cJSON_AddStringToObject(f->evidence, "rule", route_edge_object(ctx->graph, e));
	cJSON_AddStringToObject(f->evidence, "stopped_at", ctx->graph->nodes[e->from].address);
	cJSON_AddStringToObject(f->evidence, "sources", p->sources);
	return f;
}

/* set_id - the id keyed by the rule too (two rules may share a path) */
static void set_id(struct finding *f, const struct route_edge *e, const char *limit)
{
	char *key = xstrfmt("%s\n%s\n%s\n%s", e->fwd->from, e->fwd->name ? e->fwd->name : "",
			    e->fwd->id ? e->fwd->id : "", limit);
	finding_set_id(f, key);
	free(key);
}

/* rule_hops - every target of e's forward as a hop; returns them as one string */
static char *rule_hops(struct audit_ctx *ctx, struct finding *f, const struct route_edge *e)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t k = 0; k < e->fwd->nr_to; k++) {
		finding_add_hop(f, e->fwd->to[k], route_edge_via_name(e), route_edge_object(ctx->graph, e));
		strbuf_putf(&sb, "%s%s", k ? ", " : "", e->fwd->to[k]);
	}
	return strbuf_detach(&sb, NULL);
}

/* recipients - a rule over (or at) the platform's recipient limit */
static void recipients(struct audit_ctx *ctx, const struct route_edge *e)
{
	const struct platform_rules *p = route_edge_platform(ctx->graph, e);
	bool over = e->stop == EDGE_STOP_RULE_RECIPIENTS;
	char *summary = xstrfmt(over ? "%s's rule '%s' forwards to %zu recipients; %s applies a "
				"forwarding rule with at most %d: it is not applied at all (silent, no NDR)"
				: "%s's rule '%s' forwards to %zu recipients, exactly %s's limit of %d: "
				"rules forwarding to that many are reported to fail; keep it below",
				e->fwd->from, route_edge_object(ctx->graph, e), e->fwd->nr_to, p->name,
				p->rule_max_recipients);
	struct finding *f = new_finding(ctx, e, over ? "rule-recipients" : "rule-recipients-at-limit",
					over ? SEV_MEDIUM : SEV_LOW, summary);
	free(rule_hops(ctx, f, e));
	cJSON_AddNumberToObject(f->evidence, "recipients", (double)e->fwd->nr_to);
	cJSON_AddNumberToObject(f->evidence, "max_recipients", p->rule_max_recipients);
	cJSON_AddStringToObject(f->evidence, "how", over ? "the rule's forward is not applied at all"
				: "at the documented limit: may not be applied");
	f->fix = &fix_route_fix_target;
	f->fix_note = xstrfmt("forward to one distribution group holding the %zu recipients "
			      "instead (the workaround of KB 4021948)", e->fwd->nr_to);
	set_id(f, e, "recipients");
	free(summary);
}

/* overridden - a redirect rule that the mailbox's own forwarding overrides */
static void overridden(struct audit_ctx *ctx, const struct route_edge *e)
{
	const struct platform_rules *p = route_edge_platform(ctx->graph, e);
	char *summary = xstrfmt("%s's redirect rule '%s' never redirects: the mailbox's own "
				"forwarding overrides it on %s (silent, no NDR)", e->fwd->from,
				route_edge_object(ctx->graph, e), p->name);
	struct finding *f = new_finding(ctx, e, "redirect-overridden", SEV_MEDIUM, summary);
	char *cut = rule_hops(ctx, f, e);
	cJSON_AddStringToObject(f->evidence, "cut_off", cut);
	cJSON_AddStringToObject(f->evidence, "how", "mailbox forwarding wins; the rule's targets "
				"get nothing");
	f->fix = &fix_inbox_rule_disable;
	f->fix_note = xstrfmt("keep one of the two: clear the mailbox forwarding of %s or disable "
			      "the redirect rule", e->fwd->from);
	set_id(f, e, "overridden");
	free(cut);
	free(summary);
}

/* filters - forwarding filters of node n beyond the per-user limit */
static void filters(struct audit_ctx *ctx, uint32_t n, const struct route_edge *first)
{
	const struct route_graph *g = ctx->graph;
	const struct route_node *node = &g->nodes[n];
	const struct platform_rules *p = route_node_platform(g, n);
	const struct snapshot_forward *last = NULL;
	struct strbuf names = STRBUF_INIT;
	cJSON *dropped = cJSON_CreateArray();
	unsigned count = 0;
	for (uint32_t k = 0; k < node->nr_edges; k++) {
		const struct route_edge *e = &g->edges[node->first_edge + k];
		if (e->stop != EDGE_STOP_FILTER_LIMIT || e->fwd == last)
			continue;
		last = e->fwd;
		count++;
		cJSON_AddItemToArray(dropped, cJSON_CreateString(route_edge_object(g, e)));
		strbuf_putf(&names, "%s%s", names.len ? ", " : "", route_edge_object(g, e));
	}
	char *summary = xstrfmt("%s has %u forwarding filters beyond %s's limit of %d per user: "
				"they do not forward (silent)", node->address, count, p->name,
				p->filter_forward_limit);
	struct finding *f = new_finding(ctx, first, "filter-limit", SEV_MEDIUM, summary);
	cJSON_AddItemToObject(f->evidence, "dropped_filters", dropped);
	cJSON_AddNumberToObject(f->evidence, "filter_limit", p->filter_forward_limit);
	cJSON_AddStringToObject(f->evidence, "note", "which filters Gmail drops is not documented; "
				"the ones after the limit in the order read are assumed");
	f->fix = &fix_gws_filter_remove;
	f->fix_note = xstrfmt("merge or remove forwarding filters of %s: %s", node->address, names.buf);
	finding_set_id(f, NULL);
	strbuf_release(&names);
	free(summary);
}

void platform_static_limits(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (uint32_t n = 0; n < g->nr_nodes; n++) {
		const struct route_node *node = &g->nodes[n];
		const struct snapshot_forward *last = NULL;
		const struct route_edge *first_filter = NULL;
		for (uint32_t k = 0; k < node->nr_edges; k++) {
			const struct route_edge *e = &g->edges[node->first_edge + k];
			const struct platform_rules *p = route_edge_platform(g, e);
			if (e->via != EDGE_FORWARD || e->fwd == last)
				continue;
			last = e->fwd;
			if (e->stop == EDGE_STOP_RULE_RECIPIENTS ||
			    (e->stop == EDGE_LIVE && p->rule_max_recipients > 0 &&
			     (e->fwd->via == VIA_INBOX_RULE || e->fwd->via == VIA_TRANSPORT_RULE) &&
			     e->fwd->nr_to == (size_t)p->rule_max_recipients))
				recipients(ctx, e);
			else if (e->stop == EDGE_STOP_OVERRIDDEN)
				overridden(ctx, e);
			else if (e->stop == EDGE_STOP_FILTER_LIMIT && !first_filter)
				first_filter = e;
		}
		if (first_filter)
			filters(ctx, n, first_filter);
	}
}
