/*
 * graph_scc.c - strongly connected components of the routing graph, by an
 * iterative Tarjan (no recursion: a million-node chain must not overflow the
 * stack). Linear in nodes + edges. Only edges that can carry a message round
 * a loop count (route_edge_loops: live, not to their own address, not an
 * inbox rule the platform's loop limit stops). Loops (route.loop) are the
 * cyclic components; route.chain skips them.
 */
#include "core/graph.h"
#include "base/util.h"

#include <stdlib.h>

#define UNVISITED UINT32_MAX

struct frame {
	uint32_t node;
	uint32_t next_edge; /* index into the node's edges */
};

static struct route_scc *tarjan(const struct route_graph *g)
{
	uint32_t n = g->nr_nodes, counter = 0, sp = 0, fp = 0, out = 0;
	uint32_t *index = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	uint32_t *low = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	uint32_t *stack = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	unsigned char *on_stack = xcalloc(n ? n : 1, 1);
	struct frame *frames = xreallocarray(NULL, n ? n : 1, sizeof(*frames));
	struct route_scc *scc = xcalloc(1, sizeof(*scc));

	scc->comp = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	scc->order = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	scc->start = xreallocarray(NULL, (size_t)n + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		index[i] = UNVISITED;

	for (uint32_t root = 0; root < n; root++) {
		if (index[root] != UNVISITED)
			continue;
		frames[fp++] = (struct frame){ root, 0 };
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on_stack[root] = 1;
		while (fp) {
			struct frame *f = &frames[fp - 1];
			const struct route_node *v = &g->nodes[f->node];
			if (f->next_edge < v->nr_edges) {
				const struct route_edge *e = &g->edges[v->first_edge + f->next_edge++];
				uint32_t w = e->to;
				if (!route_edge_loops(g, e))
					continue;
				if (index[w] == UNVISITED) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on_stack[w] = 1;
					frames[fp++] = (struct frame){ w, 0 };
				} else if (on_stack[w] && index[w] < low[f->node]) {
					low[f->node] = index[w];
				}
				continue;
			}
			/* all edges of v done */
			uint32_t vn = f->node;
			fp--;
			if (fp && low[vn] < low[frames[fp - 1].node])
				low[frames[fp - 1].node] = low[vn];
			if (low[vn] == index[vn]) {
				uint32_t w;
				scc->start[scc->nr] = out;
				do {
					w = stack[--sp];
					on_stack[w] = 0;
					scc->comp[w] = scc->nr;
					scc->order[out++] = w;
				} while (w != vn);
				scc->nr++;
			}
		}
	}
	scc->start[scc->nr] = out;
	free(index);
	free(low);
	free(stack);
	free(on_stack);
	free(frames);
	return scc;
}

/* scc_compute_cyclic - see route_scc_cyclic */
static bool scc_compute_cyclic(const struct route_graph *g, const struct route_scc *scc, uint32_t c)
{
	for (uint32_t i = scc->start[c]; i < scc->start[c + 1]; i++) {
		const struct route_node *node = &g->nodes[scc->order[i]];
		for (uint32_t k = 0; k < node->nr_edges; k++) {
			const struct route_edge *e = &g->edges[node->first_edge + k];
			if (e->via != EDGE_GROUP && scc->comp[e->to] == c && route_edge_loops(g, e))
				return true;
		}
	}
	return false;
}

const struct route_scc *route_graph_scc(struct route_graph *g)
{
	if (!g->scc) {
		g->scc = tarjan(g);
		g->scc->cyclic = xcalloc(g->scc->nr ? g->scc->nr : 1, 1);
		for (uint32_t c = 0; c < g->scc->nr; c++)
			g->scc->cyclic[c] = scc_compute_cyclic(g, g->scc, c);
	}
	return g->scc;
}

bool route_scc_cyclic(const struct route_graph *g, const struct route_scc *scc, uint32_t c)
{
	(void)g;
	return scc->cyclic[c];
}
