/*
 * trace.h - `aliasaudit trace`: the delivery tree of one message sent to an
 * address, walked over the audit's routing graph (core/graph.h) with the
 * platform rules of core/platform.h (product.md §5a), the same model the
 * route.* checks judge. Each hop says how it was reached (the edge and the
 * object behind it), whether mail is delivered there, and where and how it
 * stops (bounce code and text, or a silent stop), with the findings of the
 * audit whose path touches it.
 */
#ifndef ALIASAUDIT_TRACE_H
#define ALIASAUDIT_TRACE_H

#include "core/audit.h"
#include "core/graph.h"

#include <stdbool.h>
#include <stdint.h>

enum trace_stop {
	TSTOP_NONE,        /* goes on (or just delivers) */
	TSTOP_EXTERNAL,    /* leaves the audited tenants: delivered outside */
	TSTOP_BOUNCE,      /* rejected: code/text is the bounce */
	TSTOP_SILENT,      /* the edge does not fire: no NDR */
	TSTOP_BLOCKED,     /* an outbound policy blocks the external forward */
	TSTOP_LOOP,        /* the message comes back: the platform bounces it */
	TSTOP_DUPLICATE,   /* a group reached again: expansion delivers once */
	TSTOP_UNKNOWN,     /* the owning directory could not be read */
	TSTOP_RELAYED,     /* relayed onward to a server outside the audit */
	TSTOP_TRUNCATED,   /* max_depth reached: not followed */
	TSTOP_NOTHING,     /* a recipient that neither delivers nor routes onward */
};

struct trace_hop {
	uint32_t parent;                /* index into trace->hops, UINT32_MAX for the root */
	uint32_t node;                  /* graph node, NODE_NONE when not followed */
	const char *address;            /* as reached (the edge's target as written) */
	const struct route_edge *edge;  /* how it was reached; NULL at the root */
	const struct catch_all *caught; /* the root's catch-all, if one took it */
	bool delivered;                 /* a mailbox keeps a copy here */
	bool failing;                   /* this hop is where mail stops abnormally */
	enum trace_stop stop;
	const char *code, *text;        /* bounce / stop (static or owned by note) */
	char *note;                     /* why (the platform rule and its effect); owned */
	char *message_trace;            /* what message trace shows; owned, may be NULL */
	char *policy;                   /* external hop: which policy allows/blocks it; owned */
	const char *platform;           /* the platform rules applied at this hop */
	uint32_t depth;
};

struct trace {
	const char *address, *from;
	struct trace_hop *hops; uint32_t nr_hops, alloc_hops;
	const char **findings; size_t nr_findings; /* ids (borrowed from the audit result) */
	bool truncated;                 /* a hop was not followed (max_depth) */
};

/* trace_run - trace mail for address (from: the sender, or NULL) over graph g
 * built from the audited snapshots, judging external hops with the audit's
 * findings res. Fills t (free with trace_release). */
void trace_run(struct route_graph *g, const struct audit_result *res, const char *address,
	       const char *from, struct trace *t);
void trace_release(struct trace *t);

/* trace_stop_name - "external", "bounce", ... (static) */
const char *trace_stop_name(enum trace_stop s);
/* trace_node_kind - "mailbox", "group", "alias", "contact", "external", "missing", ... */
const char *trace_node_kind(const struct route_graph *g, uint32_t node);

#endif
