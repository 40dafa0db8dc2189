/*
 * trace_dot.c - Graphviz source for traces (trace_report.h): one node per
 * address (shape by kind: mailbox box, group ellipse... external note), one
 * edge per hop labelled with its mechanism and object; a failing hop is a
 * red dashed edge labelled with its bounce or stop.
 */
#include "report/trace_report.h"
#include "report/dot.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* hop_id - the dot id of hop i: its graph node when reached, else the hop */
static void hop_id(char *buf, size_t len, const struct trace *t, size_t ti, uint32_t i)
{
	if (t->hops[i].node != NODE_NONE)
		snprintf(buf, len, "n%u", t->hops[i].node);
	else
		snprintf(buf, len, "t%zuh%u", ti, i);
}

void trace_write_dot(FILE *out, const struct route_graph *g, const struct trace *traces, size_t nr)
{
	uint8_t *seen = xcalloc((size_t)g->nr_nodes + 1, 1);
	char a[48], b[48];
	dot_begin(out, "trace");
	for (size_t ti = 0; ti < nr; ti++) {
		const struct trace *t = &traces[ti];
		for (uint32_t i = 0; i < t->nr_hops; i++) {
			const struct trace_hop *h = &t->hops[i];
			hop_id(a, sizeof(a), t, ti, i);
			if (h->node == NODE_NONE)
				dot_node(out, a, h->address, "unreached", true);
			else if (!seen[h->node]) {
				seen[h->node] = 1;
				dot_node(out, a, g->nodes[h->node].address, trace_node_kind(g, h->node),
					 h->failing && !h->edge);
			}
			if (!h->edge)
				continue;
			hop_id(b, sizeof(b), t, ti, h->parent);
			char *label = h->failing ? xstrfmt("%s: %s\n%s", route_edge_via_name(h->edge),
							    route_edge_object(g, h->edge),
							    h->code ? h->code : trace_stop_name(h->stop))
						 : xstrfmt("%s: %s", route_edge_via_name(h->edge),
							   route_edge_object(g, h->edge));
			dot_edge(out, b, a, label, h->failing);
			free(label);
		}
	}
	dot_end(out);
	free(seen);
}
