/*
 * report_trace.c - the text and JSON renderings of a trace (trace_report.h).
 * Hops are stored in walk order (depth first), so the tree prints in array
 * order, indented by depth.
 */
#include "report/trace_report.h"
#include "base/display.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* hop_status - the one-word outcome of a hop for the text tree */
static const char *hop_status(const struct trace_hop *h)
{
	switch (h->stop) {
	case TSTOP_EXTERNAL: return "OUTSIDE";
	case TSTOP_BOUNCE: return "BOUNCES";
	case TSTOP_SILENT: return h->failing ? "STOPS SILENTLY" : "NOT REPEATED";
	case TSTOP_BLOCKED: return "BLOCKED";
	case TSTOP_LOOP: return "LOOP";
	case TSTOP_DUPLICATE: return "ALREADY EXPANDED";
	case TSTOP_UNKNOWN: return "UNKNOWN";
	case TSTOP_RELAYED: return "RELAYED";
	case TSTOP_TRUNCATED: return "NOT FOLLOWED";
	case TSTOP_NOTHING: return "NOBODY GETS IT";
	default: return h->delivered ? "DELIVERED" : "";
	}
}

/* hop_tenant - the tenant name of a hop's node, or NULL */
static const char *hop_tenant(const struct route_graph *g, const struct trace_hop *h)
{
	if (h->node == NODE_NONE || g->nodes[h->node].tenant == TENANT_NONE)
		return NULL;
	return g->snapshots[g->nodes[h->node].tenant]->tenant;
}

/* put_line - one indented, display-safe detail line */
static void put_detail(FILE *out, unsigned indent, const char *label, const char *a, const char *b)
{
	char *sa = display_safe(a), *sb = b ? display_safe(b) : NULL;
	fprintf(out, "%*s%s: %s%s%s\n", indent, "", label, sa, sb ? " " : "", sb ? sb : "");
	free(sa);
	free(sb);
}

/* text_hop - the line of one hop and its details */
static void text_hop(FILE *out, const struct route_graph *g, const struct trace_hop *h)
{
	unsigned ind = 2 * h->depth;
	char *addr = display_safe(h->address);
	const char *tenant = hop_tenant(g, h), *st = hop_status(h);
	fprintf(out, "%*s", ind, "");
	if (h->edge) {
		char *obj = display_safe(route_edge_object(g, h->edge));
		fprintf(out, "%s %s \"%s\" -> ", h->failing ? "x" : "+", route_edge_via_name(h->edge), obj);
		free(obj);
	}
	fputs(addr, out);
	if (h->node != NODE_NONE && !str_eq_nocase(h->address, g->nodes[h->node].address)) {
		char *real = display_safe(g->nodes[h->node].address);
		fprintf(out, " = %s", real);
		free(real);
	}
	fprintf(out, " [%s%s%s]%s%s\n",
		h->node != NODE_NONE ? trace_node_kind(g, h->node) : "not reached",
		tenant ? ", " : "", tenant ? tenant : "", *st ? "  " : "", st);
	free(addr);
	if (h->caught)
		put_detail(out, ind + 4, "caught by catch-all", h->caught->name ? h->caught->name
			   : h->caught->domain, NULL);
	if (h->code || h->text)
		put_detail(out, ind + 4, "bounce", h->code ? h->code : "(no code)", h->text);
	if (h->note && h->stop != TSTOP_NONE)
		put_detail(out, ind + 4, "why", h->note, NULL);
	if (h->message_trace)
		put_detail(out, ind + 4, "message trace", h->message_trace, NULL);
	if (h->policy)
		put_detail(out, ind + 4, "policy", h->policy, NULL);
	if (h->edge && h->edge->fwd && h->edge->fwd->conditional)
		put_detail(out, ind + 4, "note", "the rule has conditions: only matching mail takes this hop", NULL);
}

/* text_summary - where the message ends up, in one short block */
static void text_summary(FILE *out, const struct route_graph *g, const struct trace *t)
{
	size_t delivered = 0, outside = 0, failed = 0;
	for (uint32_t i = 0; i < t->nr_hops; i++) {
		delivered += t->hops[i].delivered;
		outside += t->hops[i].stop == TSTOP_EXTERNAL;
		failed += t->hops[i].failing;
	}
	(void)g;
	fprintf(out, "result: %zu mailbox%s, %zu outside address%s, %zu failing hop%s%s\n",
		delivered, delivered == 1 ? "" : "es", outside, outside == 1 ? "" : "es",
		failed, failed == 1 ? "" : "s", t->truncated ? " (walk truncated: incomplete)" : "");
	if (t->nr_findings) {
		fputs("findings on this path:", out);
		for (size_t i = 0; i < t->nr_findings; i++)
			fprintf(out, " %s", t->findings[i]);
		fputs("\n", out);
	}
}

void trace_write_text(FILE *out, const struct route_graph *g, const struct trace *t)
{
	char *a = display_safe(t->address);
	fprintf(out, "trace %s", a);
	free(a);
	if (t->from) {
		char *f = display_safe(t->from);
		fprintf(out, " (from %s)", f);
		free(f);
	}
	fputs("\n", out);
	for (uint32_t i = 0; i < t->nr_hops; i++)
		text_hop(out, g, &t->hops[i]);
	text_summary(out, g, t);
}

/* add_str - add a string member unless s is NULL */
static void add_str(cJSON *o, const char *k, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, k, s);
}

/* hop_json - one hop (children are added by the caller) */
static cJSON *hop_json(const struct route_graph *g, const struct trace_hop *h)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "address", h->address);
	if (h->node != NODE_NONE)
		cJSON_AddStringToObject(o, "resolved", g->nodes[h->node].address);
	cJSON_AddStringToObject(o, "kind", h->node != NODE_NONE ? trace_node_kind(g, h->node)
							      : "not-reached");
	add_str(o, "tenant", hop_tenant(g, h));
	add_str(o, "platform", h->platform);
	if (h->edge) {
		cJSON_AddStringToObject(o, "via", route_edge_via_name(h->edge));
		cJSON_AddStringToObject(o, "object", route_edge_object(g, h->edge));
		if (h->edge->fwd)
			cJSON_AddBoolToObject(o, "conditional", h->edge->fwd->conditional);
		if (h->edge->step != MATCH_EXACT)
			cJSON_AddStringToObject(o, "match", match_step_name(h->edge->step));
	} else {
		cJSON_AddStringToObject(o, "via", "start");
	}
	if (h->caught)
		add_str(o, "catch_all", h->caught->name ? h->caught->name : h->caught->domain);
	cJSON_AddBoolToObject(o, "delivered", h->delivered);
	cJSON_AddStringToObject(o, "stop", trace_stop_name(h->stop));
	cJSON_AddBoolToObject(o, "failing", h->failing);
	if (h->code || h->text) {
		cJSON *b = cJSON_AddObjectToObject(o, "bounce");
		if (h->code)
			cJSON_AddStringToObject(b, "code", h->code);
		else
			cJSON_AddNullToObject(b, "code");
		add_str(b, "text", h->text);
	}
	cJSON_AddBoolToObject(o, "silent", h->stop == TSTOP_SILENT ||
			      (h->stop == TSTOP_BLOCKED && !h->code) || h->stop == TSTOP_NOTHING);
	add_str(o, "note", h->stop != TSTOP_NONE ? h->note : NULL);
	add_str(o, "message_trace", h->message_trace);
	add_str(o, "policy", h->policy);
	return o;
}

/* trace_one_json - one trace: its tree, its outcome lists and its findings */
static cJSON *trace_one_json(const struct route_graph *g, const struct trace *t)
{
	cJSON *o = cJSON_CreateObject(), **objs = xcalloc(t->nr_hops + 1, sizeof(*objs));
	cJSON *deliv = cJSON_CreateArray(), *outside = cJSON_CreateArray(), *fail = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "address", t->address);
	if (t->from)
		cJSON_AddStringToObject(o, "from", t->from);
	for (uint32_t i = 0; i < t->nr_hops; i++) {
		const struct trace_hop *h = &t->hops[i];
		objs[i] = hop_json(g, h);
		if (h->parent == UINT32_MAX)
			cJSON_AddItemToObject(o, "tree", objs[i]);
		else {
			cJSON *kids = cJSON_GetObjectItem(objs[h->parent], "children");
			if (!kids)
				kids = cJSON_AddArrayToObject(objs[h->parent], "children");
			cJSON_AddItemToArray(kids, objs[i]);
		}
		const char *shown = h->node != NODE_NONE ? g->nodes[h->node].address : h->address;
		if (h->delivered)
			cJSON_AddItemToArray(deliv, cJSON_CreateString(shown));
		if (h->stop == TSTOP_EXTERNAL)
			cJSON_AddItemToArray(outside, cJSON_CreateString(h->address));
		if (h->failing) {
			cJSON *f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "address", h->address);
			cJSON_AddStringToObject(f, "stop", trace_stop_name(h->stop));
			add_str(f, "code", h->code);
			cJSON_AddItemToArray(fail, f);
		}
	}
	cJSON_AddItemToObject(o, "delivered_to", deliv);
	cJSON_AddItemToObject(o, "outside", outside);
	cJSON_AddItemToObject(o, "failures", fail);
	cJSON *ids = cJSON_AddArrayToObject(o, "findings");
	for (size_t i = 0; i < t->nr_findings; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateString(t->findings[i]));
	cJSON_AddBoolToObject(o, "truncated", t->truncated);
	free(objs);
	return o;
}

cJSON *trace_json(const struct route_graph *g, const struct trace *traces, size_t nr)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "schema", "aliasaudit.trace/1");
	cJSON *arr = cJSON_AddArrayToObject(doc, "traces");
	for (size_t i = 0; i < nr; i++)
		cJSON_AddItemToArray(arr, trace_one_json(g, &traces[i]));
	return doc;
}
