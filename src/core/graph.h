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
 * OpenSMTPD aliases) and docs/snapshot.md, routing:
 *   0. a catch-all of scope "all" takes every address of its domain but its
 *      own target (an unconditional domain redirect: docs/snapshot.md, routing);
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
 * Liveness (docs/snapshot.md, routing): forwards that live in a mailbox
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
#include "core/platform.h"
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

/* edge_stop - why an edge carries no mail (EDGE_LIVE: it does). No loop,
 * chain or platform-limit walk runs through a stopped edge. */
enum edge_stop {
	EDGE_LIVE = 0,
	EDGE_STOP_POLICY,         /* a forward that policy blocks (forward.blocked reports it) */
	EDGE_STOP_DEAD,           /* the forward's owner has no mailbox / is suspended */
	EDGE_STOP_RULE_RECIPIENTS,/* a rule with more targets than rule_max_recipients: not applied */
	EDGE_STOP_OVERRIDDEN,     /* a redirect rule overridden by the mailbox's own forwarding */
	EDGE_STOP_FILTER_LIMIT,   /* a forwarding filter beyond filter_forward_limit */
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
	uint8_t stop;                     /* enum edge_stop (graph_platform.c, policy) */
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
	const struct platform_rules **platforms; /* per snapshot (platform_for) */
	bool policy_marked;               /* EDGE_STOP_POLICY set (route_mark_policy_stops) */
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
/* route_graph_scc - the components of g over the edges that can carry a
 * message round a loop (route_edge_loops), computed once and cached in g */
const struct route_scc *route_graph_scc(struct route_graph *g);
/* route_scc_cyclic - true when component c is a mail loop: it contains a
 * forward (not only group membership: expansion delivers to each member once,
 * docs/snapshot.md, routing) between two of its members, or from a member to another of
 * its own addresses (a forward to one's own alias is a cycle) */
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
/* route_resolve - the node mail for addr goes to, with the same steps as an
 * edge's target (graph.h 0-8), creating an external/missing/unknown/relayed
 * node when needed; *caught is the catch-all that took it, or NULL */
uint32_t route_resolve(struct route_graph *g, const char *addr, enum match_step *step,
		       const struct catch_all **caught);
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

/* route_node_platform - the platform rules of node n's tenant (standard MTA
 * for external nodes); never NULL */
const struct platform_rules *route_node_platform(const struct route_graph *g, uint32_t n);
/* route_edge_platform - the rules of the platform that moves mail along e
 * (its source's) */
static inline const struct platform_rules *route_edge_platform(const struct route_graph *g,
								const struct route_edge *e)
{
	return route_node_platform(g, e->from);
}
/* route_edge_same_address - e targets the very address it belongs to (a
 * forward listing its own from address, a group listing itself): delivery
 * there, never a loop (docs/snapshot.md, routing) */
bool route_edge_same_address(const struct route_graph *g, const struct route_edge *e);
/* route_edge_inbox_limited - e is an inbox rule on a platform with an
 * inbox-rule loop limit: a message it forwards is not forwarded by another
 * inbox rule, so a cycle through it stops silently */
bool route_edge_inbox_limited(const struct route_graph *g, const struct route_edge *e);
/* route_edge_transport_limited - e is a transport rule on a platform with a
 * transport-rule loop limit (a second such redirect bounces) */
bool route_edge_transport_limited(const struct route_graph *g, const struct route_edge *e);
/* route_edge_documented - the platform documents what e's kind does */
bool route_edge_documented(const struct route_graph *g, const struct route_edge *e);
/* route_edge_loops - e can carry a message round a loop: live, not to its own
 * address, not an inbox rule that the loop limit stops */
bool route_edge_loops(const struct route_graph *g, const struct route_edge *e);
/* route_graph_apply_platform - mark the edges that the platforms' documented
 * limits stop (graph_platform.c; called by route_graph_build) */
void route_graph_apply_platform(struct route_graph *g);

#endif
