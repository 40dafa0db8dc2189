/*
 * graph.h - the routing graph over one or more snapshots.
 *
 * Nodes are recipients (a mailbox, group, contact: every address of it,
 * primary and aliases, maps to the same node), external addresses, and owned
 * addresses that resolve to nothing. Edges are group membership, forwards
 * (mailbox forwarding, inbox rules, transport rules, Gmail forwards) and
 * routing: how mail for the source reaches the target.
 *
 * Resolution of an edge's target follows real MTAs (Postfix virtual(5),
 * OpenSMTPD aliases) and product.md §4/§5a:
 *   0. a catch-all of scope "all" takes every address of its domain but its
 *      own target (an unconditional domain redirect: product.md Decisions);
 *   1. the address itself (case-folded);
 *   2. without its +tag, when the owning tenant has plus addressing on;
 *   3. the same local part in the tenant's primary domain, for an alias domain;
 *   4. "unknown" when the owning tenant's directory could not be read
 *      completely (a failed lookup is never reported as "does not exist");
 *   5. an "unknown-only" catch-all of the domain;
 *   6. in a relay domain (internal-relay, external-relay): relayed onward;
 *   7. otherwise, in an owned domain: nothing (550 5.1.1);
 *   8. any other domain is external.
 * A catch-all's target is resolved with steps 1-4 and 6-8 (never through a
 * catch-all again); whatever it is (external, missing) the edge goes there
 * with step MATCH_CATCH_ALL and the catch-all's own problems are reported
 * once at the catch-all, not per address it catches.
 * Owned domains are the domains of all snapshots given.
 *
 * Liveness (product.md §5a Decisions): forwards that live in a mailbox
 * (mailbox forwarding, inbox rules, Gmail auto-forwarding and filters) of a
 * recipient without a mailbox, or of a disabled user on a platform whose
 * disabled accounts' forwards do not fire, are not edges. A forward listing
 * its own from address delivers there: that target is not an edge. Mail
 * users (and contacts whose external address differs from their address)
 * have an EDGE_EXTERNAL edge to their external address.
 *
 * Limits are named (route_limits); a graph or walk that hits one is marked
 * truncated, and the checks report "not evaluated" instead of clean.
 */
#ifndef ALIASAUDIT_GRAPH_H
#define ALIASAUDIT_GRAPH_H

#include "base/arena.h"
#include "core/snapshot.h"

#include <stdbool.h>
#include <stdint.h>

/* default limits (Postfix keeps similar caps as named parameters) */
#define ROUTE_MAX_DEPTH 20          /* hops followed from one address (Exchange stops loops at ~20) */
#define ROUTE_MAX_FANOUT 10000      /* edges out of one node (members + forward targets) */
#define ROUTE_MAX_NODES 20000000    /* nodes in the whole graph */

struct route_limits {
	unsigned max_depth;
	unsigned max_fanout;
	unsigned max_nodes;
};
void route_limits_default(struct route_limits *l);

#define NODE_NONE UINT32_MAX
#define TENANT_NONE UINT16_MAX

enum node_kind {
	NODE_RECIPIENT,   /* a recipient of some snapshot */
	NODE_EXTERNAL,    /* an address in a domain no snapshot owns */
	NODE_MISSING,     /* an owned address that resolves to nothing */
	NODE_UNKNOWN,     /* an owned address whose lookup failed */
	NODE_RELAYED,     /* an unknown address in a relay domain: relayed onward, not a ghost */
};

enum edge_via {
	EDGE_GROUP,       /* group membership */
	EDGE_FORWARD,     /* a snapshot forward (see fwd->via) */
	EDGE_EXTERNAL,    /* a mail user's/contact's external address; fwd is a
			   * synthetic VIA_ROUTING forward (name "external address") */
};

enum match_step {
	MATCH_EXACT, MATCH_PLUS_TAG, MATCH_ALIAS_DOMAIN, MATCH_CATCH_ALL,
	MATCH_NONE,
};

struct route_node {
	const char *address;              /* primary address, original spelling */
	const struct snapshot_recipient *recipient; /* NODE_RECIPIENT only */
	uint16_t tenant;                  /* owning snapshot, TENANT_NONE for external */
	uint8_t kind;                     /* enum node_kind */
	bool delivers;                    /* a mailbox that keeps (a copy of) the mail */
	bool auto_reply;                  /* has an enabled automatic reply */
	bool truncated;                   /* its edges exceeded max_fanout */
	uint32_t first_edge, nr_edges;    /* into graph->edges (sorted by source) */
};

struct route_edge {
	uint32_t from, to;
	uint8_t via;                      /* enum edge_via */
	uint8_t step;                     /* enum match_step used to resolve the target */
	const char *target;               /* the address as written in the config */
	const struct snapshot_forward *fwd; /* EDGE_FORWARD: the forward (name, via, flags) */
	const struct catch_all *catch_all;  /* MATCH_CATCH_ALL: the rule that caught it */
};

struct route_graph {
	struct arena arena;
	struct snapshot **snapshots; size_t nr_snapshots; /* borrowed */
	struct route_limits limits;
	struct route_node *nodes; uint32_t nr_nodes, alloc_nodes;
	struct route_edge *edges; uint32_t nr_edges, alloc_edges;
	bool truncated;                   /* max_nodes was hit */
	/* address (canonical) -> node */
	struct addr_slot *slots; size_t nr_slots, used_slots;
	/* owned domain (canonical) -> tenant */
	struct domain_slot *domains; size_t nr_domain_slots;
	struct route_scc *scc;            /* computed on first use (route_graph_scc) */
};

/* route_scc - strongly connected components (Tarjan). comp[n] is n's
 * component; the members of component c are order[start[c] .. start[c+1]). */
struct route_scc {
	uint32_t *comp;
	uint32_t *order;
	uint32_t *start;
	uint8_t *cyclic;   /* per component: see route_scc_cyclic */
	uint32_t nr;
};
/* route_graph_scc - the components of g, computed once and cached in g */
const struct route_scc *route_graph_scc(struct route_graph *g);
/* route_scc_cyclic - true when component c is a cycle: 2+ members, or one
 * member with an edge to itself that does not deliver (an address may expand
 * into itself once when it also delivers: Postfix virtual(5)) */
bool route_scc_cyclic(const struct route_graph *g, const struct route_scc *scc, uint32_t c);

/* route_graph_build - build the graph over snapshots (borrowed; they must
 * outlive the graph). limits may be NULL. Never fails: problems become
 * missing/unknown nodes and truncation flags. Free with route_graph_free. */
struct route_graph *route_graph_build(struct snapshot **snapshots, size_t nr,
				      const struct route_limits *limits);
void route_graph_free(struct route_graph *g);

/* route_lookup - the node an address resolves to, without creating one.
 * Returns the node or NODE_NONE (external, or owned and missing); *step says
 * which resolution step matched. */
uint32_t route_lookup(const struct route_graph *g, const char *addr, enum match_step *step);
/* route_domain_tenant - the snapshot index owning the address's domain, or TENANT_NONE */
uint16_t route_domain_tenant(const struct route_graph *g, const char *addr);
/* route_is_external - true when no snapshot owns the address's domain */
bool route_is_external(const struct route_graph *g, const char *addr);

/* route_node_edges - the edges out of node n */
static inline const struct route_edge *route_node_edges(const struct route_graph *g, uint32_t n)
{
	return g->edges + g->nodes[n].first_edge;
}

/* route_edge_via_name - "group", or the forward's via ("inbox-rule", ...) */
const char *route_edge_via_name(const struct route_edge *e);
/* route_edge_object - a printable name for the object behind an edge
 * (rule name, "mailbox forwarding", group address); never NULL */
const char *route_edge_object(const struct route_graph *g, const struct route_edge *e);
const char *match_step_name(enum match_step s);

#endif
