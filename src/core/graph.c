/*
 * graph.c - building the routing graph and resolving addresses in it.
 *
 * Build order: (1) owned domains, (2) a node per recipient with every address
 * of it in the address table, (3) nodes for forward sources that are plain
 * routing aliases with no recipient, (4) edges for group members and enabled
 * forwards, each target resolved with the steps documented in graph.h,
 * (5) edges sorted by source (counting sort) with fan-out capped.
 */
#include "core/graph.h"
#include "core/platform.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

struct addr_slot {
	const char *key; /* canonical */
	uint32_t node;
	uint32_t hash;   /* low bits of the key's hash: compared before the string */
};

struct domain_slot {
	const char *key; /* canonical domain */
	uint16_t tenant;
	uint8_t type;    /* enum domain_type */
};

void route_limits_default(struct route_limits *l)
{
	l->max_depth = ROUTE_MAX_DEPTH;
	l->max_fanout = ROUTE_MAX_FANOUT;
	l->max_nodes = ROUTE_MAX_NODES;
}

/* hash_str - FNV-1a over a NUL-terminated string */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* addr_table_find_h - the slot for key with hash h (empty slot when absent) */
static struct addr_slot *addr_table_find_h(const struct route_graph *g, const char *key, uint64_t h)
{
	size_t mask = g->nr_slots - 1, i = h & mask;
	while (g->slots[i].key && (g->slots[i].hash != (uint32_t)(h >> 32) || strcmp(g->slots[i].key, key)))
		i = (i + 1) & mask;
	return &g->slots[i];
}

static struct addr_slot *addr_table_find(const struct route_graph *g, const char *key)
{
	return addr_table_find_h(g, key, hash_str(key));
}

static void addr_table_grow(struct route_graph *g)
{
	struct addr_slot *old = g->slots;
	size_t old_n = g->nr_slots;
	g->nr_slots = old_n ? old_n * 2 : 1024;
	g->slots = xcalloc(g->nr_slots, sizeof(*g->slots));
	for (size_t i = 0; i < old_n; i++)
		if (old[i].key)
			*addr_table_find(g, old[i].key) = old[i]; /* rehash: slot index depends on size */
	free(old);
}

/* addr_table_put - map canonical key to node unless already mapped; returns the mapped node */
static uint32_t addr_table_put(struct route_graph *g, const char *key, uint32_t node)
{
	struct addr_slot *s;
	uint64_t h = hash_str(key);
	if ((g->used_slots + 1) * 4 >= g->nr_slots * 3)
		addr_table_grow(g);
	s = addr_table_find_h(g, key, h);
	if (s->key)
		return s->node;
	s->key = arena_strdup(&g->arena, key);
	s->node = node;
	s->hash = (uint32_t)(h >> 32);
	g->used_slots++;
	return node;
}

static uint32_t addr_table_get(const struct route_graph *g, const char *key)
{
	const struct addr_slot *s = addr_table_find(g, key);
	return s->key ? s->node : NODE_NONE;
}

static const struct domain_slot *domain_find(const struct route_graph *g, const char *dom)
{
	char key[ADDR_MAX_LEN + 1];
	size_t mask = g->nr_domain_slots - 1, i;
	if (!addr_canon(dom, key))
		return NULL;
	i = hash_str(key) & mask;
	while (g->domains[i].key) {
		if (!strcmp(g->domains[i].key, key))
			return &g->domains[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static void build_domains(struct route_graph *g)
{
	size_t n = 0;
	for (size_t t = 0; t < g->nr_snapshots; t++)
		n += g->snapshots[t]->nr_domains;
	g->nr_domain_slots = 16;
	while (g->nr_domain_slots < n * 2)
		g->nr_domain_slots *= 2;
	g->domains = arena_alloc(&g->arena, g->nr_domain_slots * sizeof(*g->domains));
	for (size_t t = 0; t < g->nr_snapshots; t++) {
		const struct snapshot *s = g->snapshots[t];
		for (size_t d = 0; d < s->nr_domains; d++) {
			char key[ADDR_MAX_LEN + 1];
			size_t mask = g->nr_domain_slots - 1, i;
			if (!addr_canon(s->domains[d].name, key))
				continue;
			i = hash_str(key) & mask;
			while (g->domains[i].key && strcmp(g->domains[i].key, key))
				i = (i + 1) & mask;
			if (g->domains[i].key)
				continue; /* first snapshot to claim a domain owns it */
			g->domains[i].key = arena_strdup(&g->arena, key);
			g->domains[i].tenant = (uint16_t)t;
			g->domains[i].type = (uint8_t)s->domains[d].type;
		}
	}
}

/* new_node - append a node; NODE_NONE when max_nodes is reached */
static uint32_t new_node(struct route_graph *g, enum node_kind kind, const char *address,
			 uint16_t tenant)
{
	struct route_node *n;
	if (g->nr_nodes >= g->limits.max_nodes) {
		g->truncated = true;
		return NODE_NONE;
	}
	if (g->nr_nodes == g->alloc_nodes) {
		g->alloc_nodes = g->alloc_nodes ? g->alloc_nodes * 2 : 1024;
		g->nodes = xreallocarray(g->nodes, g->alloc_nodes, sizeof(*g->nodes));
	}
	n = &g->nodes[g->nr_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->address = address;
	n->tenant = tenant;
	return g->nr_nodes++;
}

/* recipient_delivers - mail stops at r (a mailbox, or a mail user whose
 * mail goes somewhere this graph cannot see: a hybrid remote mailbox) */
static bool recipient_delivers(const struct snapshot_recipient *r)
{
	if (r->kind == RK_GROUP || r->kind == RK_CONTACT)
		return false;
	if (r->kind == RK_MAIL_USER)
		return !r->external_address;
	return r->has_mailbox != TRI_FALSE;
}

static void add_recipient_nodes(struct route_graph *g, uint16_t t)
{
	const struct snapshot *s = g->snapshots[t];
	char key[ADDR_MAX_LEN + 1];
	for (size_t i = 0; i < s->nr_recipients; i++) {
		const struct snapshot_recipient *r = &s->recipients[i];
		uint32_t id;
		if (!addr_canon(r->address, key) || addr_table_get(g, key) != NODE_NONE)
			continue; /* duplicates: the first recipient keeps the address */
		id = new_node(g, NODE_RECIPIENT, r->address, t);
		if (id == NODE_NONE)
			return;
		g->nodes[id].recipient = r;
		g->nodes[id].delivers = recipient_delivers(r);
		addr_table_put(g, key, id);
		for (size_t a = 0; a < r->nr_aliases; a++)
			if (addr_canon(r->aliases[a], key))
				addr_table_put(g, key, id);
	}
}

/* add_alias_nodes - forward sources with no recipient (routing aliases in a
 * hand-written snapshot, e.g. contact@ -> info@) become nodes of their own */
static void add_alias_nodes(struct route_graph *g, uint16_t t)
{
	const struct snapshot *s = g->snapshots[t];
	char key[ADDR_MAX_LEN + 1];
	for (size_t i = 0; i < s->nr_forwards; i++) {
		const char *from = s->forwards[i].from;
		uint32_t id;
		if (!addr_canon(from, key) || addr_table_get(g, key) != NODE_NONE)
			continue;
		if (route_domain_tenant(g, from) != t)
			continue;
		id = new_node(g, NODE_RECIPIENT, from, t);
		if (id == NODE_NONE)
			return;
		addr_table_put(g, key, id);
	}
}

uint16_t route_domain_tenant(const struct route_graph *g, const char *addr)
{
	const struct domain_slot *d = domain_find(g, addr_domain(addr));
	return d ? d->tenant : TENANT_NONE;
}

bool route_is_external(const struct route_graph *g, const char *addr)
{
	return route_domain_tenant(g, addr) == TENANT_NONE;
}

static const char *tenant_primary_domain(const struct snapshot *s)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].primary)
			return s->domains[i].name;
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].type == DOM_AUTHORITATIVE)
			return s->domains[i].name;
	return NULL;
}

/* resolve_explicit - steps 1-3 of graph.h: exact, +tag, alias domain */
static uint32_t resolve_explicit(const struct route_graph *g, const char *addr,
				 enum match_step *step)
{
	char key[ADDR_MAX_LEN + 1], tmp[ADDR_MAX_LEN + 1];
	const struct domain_slot *d;
	uint32_t n;

	if (!addr_canon(addr, key))
		return NODE_NONE;
	if ((n = addr_table_get(g, key)) != NODE_NONE) {
		*step = MATCH_EXACT;
		return n;
	}
	d = domain_find(g, addr_domain(key));
	if (!d)
		return NODE_NONE;
	if (g->snapshots[d->tenant]->policy.plus_addressing != TRI_FALSE &&
	    addr_strip_tag(key, tmp) && (n = addr_table_get(g, tmp)) != NODE_NONE) {
		*step = MATCH_PLUS_TAG;
		return n;
	}
	if (d->type == DOM_ALIAS) {
		const char *primary = tenant_primary_domain(g->snapshots[d->tenant]);
		if (primary && addr_with_domain(key, primary, tmp)) {
			if (addr_canon(tmp, tmp) && (n = addr_table_get(g, tmp)) != NODE_NONE) {
				*step = MATCH_ALIAS_DOMAIN;
				return n;
			}
		}
	}
	return NODE_NONE;
}

/* find_catch_all - the catch-all of this scope for addr's domain, or NULL.
 * A scope-"all" catch-all never takes mail for its own target. */
static const struct catch_all *find_catch_all(const struct route_graph *g, const char *addr,
					      enum catch_all_scope scope)
{
	uint16_t t = route_domain_tenant(g, addr);
	const struct snapshot *s;
	if (t == TENANT_NONE)
		return NULL;
	s = g->snapshots[t];
	for (size_t i = 0; i < s->policy.nr_catch_all; i++) {
		const struct catch_all *c = &s->policy.catch_all[i];
		if (c->scope != scope || !c->target || !str_eq_nocase(c->domain, addr_domain(addr)))
			continue;
		if (scope == CATCHALL_ALL && str_eq_nocase(c->target, addr))
			continue;
		return c;
	}
	return NULL;
}

uint32_t route_lookup(const struct route_graph *g, const char *addr, enum match_step *step)
{
	enum match_step dummy;
	const struct catch_all *c;
	uint32_t n;
	if (!step)
		step = &dummy;
	*step = MATCH_NONE;
	n = resolve_explicit(g, addr, step);
	if (n != NODE_NONE && g->nodes[n].kind == NODE_RECIPIENT)
		return n;
	if ((c = find_catch_all(g, addr, CATCHALL_UNKNOWN_ONLY))) {
		n = resolve_explicit(g, c->target, step);
		if (n != NODE_NONE && g->nodes[n].kind == NODE_RECIPIENT) {
			*step = MATCH_CATCH_ALL;
			return n;
		}
	}
	*step = MATCH_NONE;
	return NODE_NONE;
}

/* domain_type_of - the type of addr's (owned) domain */
static enum domain_type domain_type_of(const struct route_graph *g, const char *addr)
{
	const struct domain_slot *d = domain_find(g, addr_domain(addr));
	return d ? (enum domain_type)d->type : DOM_AUTHORITATIVE;
}

/* placeholder - the external, missing, unknown or relayed node for an
 * address no recipient has (made once, then found in the address table) */
static uint32_t placeholder(struct route_graph *g, const char *addr, enum node_kind kind,
			    uint16_t t)
{
	char key[ADDR_MAX_LEN + 1];
	uint32_t n;
	if (!addr_canon(addr, key))
		return NODE_NONE;
	if ((n = addr_table_get(g, key)) != NODE_NONE)
		return n;
	n = new_node(g, kind, arena_strdup(&g->arena, addr), t);
	if (n != NODE_NONE)
		addr_table_put(g, key, n);
	return n;
}

/* resolve_plain - steps 1-8 of graph.h but 0; with catch_alls false, steps 5
 * is skipped too (a catch-all's own target). *caught: the unknown-only
 * catch-all that took addr, if any. */
static uint32_t resolve_plain(struct route_graph *g, const char *addr, bool catch_alls,
			      enum match_step *step, const struct catch_all **caught)
{
	uint32_t n = resolve_explicit(g, addr, step);
	const struct catch_all *c;
	uint16_t t;
	enum domain_type dt;

	if (n != NODE_NONE && g->nodes[n].kind == NODE_RECIPIENT)
		return n;
	*step = MATCH_NONE;
	t = route_domain_tenant(g, addr);
	if (t == TENANT_NONE)
		return placeholder(g, addr, NODE_EXTERNAL, t);
	if (snapshot_area_failed(g->snapshots[t], "recipients", NULL))
		return placeholder(g, addr, NODE_UNKNOWN, t);
	if (catch_alls && (c = find_catch_all(g, addr, CATCHALL_UNKNOWN_ONLY))) {
		n = resolve_plain(g, c->target, false, step, caught);
		*step = MATCH_CATCH_ALL;
		*caught = c;
		return n;
	}
	dt = domain_type_of(g, addr);
	if (dt == DOM_INTERNAL_RELAY || dt == DOM_EXTERNAL_RELAY)
		return placeholder(g, addr, NODE_RELAYED, t);
	return placeholder(g, addr, NODE_MISSING, t);
}

/* resolve_target - the node mail for addr goes to (graph.h, steps 0-8),
 * creating external, missing, unknown or relayed nodes as needed; *caught
 * is set when a catch-all took it */
static uint32_t resolve_target(struct route_graph *g, const char *addr, enum match_step *step,
			       const struct catch_all **caught)
{
	const struct catch_all *c = find_catch_all(g, addr, CATCHALL_ALL);
	uint32_t n;

	*caught = NULL;
	if (!c)
		return resolve_plain(g, addr, true, step, caught);
	n = resolve_plain(g, c->target, false, step, caught);
	*step = MATCH_CATCH_ALL;
	*caught = c;
	return n;
}

/* route_resolve - see graph.h: resolve_target for an address given from
 * outside the graph (aliasaudit trace), same steps as an edge's target */
uint32_t route_resolve(struct route_graph *g, const char *addr, enum match_step *step,
		       const struct catch_all **caught)
{
	return resolve_target(g, addr, step, caught);
}

static void add_edge(struct route_graph *g, uint32_t from, const char *target,
		     enum edge_via via, const struct snapshot_forward *fwd)
{
	enum match_step step = MATCH_NONE;
	const struct catch_all *caught;
	uint32_t to = resolve_target(g, target, &step, &caught);
	struct route_edge *e;
	if (to == NODE_NONE)
		return;
	if (g->nr_edges == g->alloc_edges) {
		g->alloc_edges = g->alloc_edges ? g->alloc_edges * 2 : 4096;
		g->edges = xreallocarray(g->edges, g->alloc_edges, sizeof(*g->edges));
	}
	e = &g->edges[g->nr_edges++];
	e->from = from;
	e->to = to;
	e->via = (uint8_t)via;
	e->step = (uint8_t)step;
	e->target = target;
	e->fwd = fwd;
	e->catch_all = caught;
	e->stop = EDGE_LIVE; /* graph_platform.c and policy marking may stop it later */
}

/* add_external_edge - a mail user's (or contact's) mail goes to its
 * external address: an edge through a synthetic routing forward */
static void add_external_edge(struct route_graph *g, uint32_t from,
			      const struct snapshot_recipient *r)
{
	struct snapshot_forward *f;
	if (!r->external_address || (r->kind != RK_MAIL_USER && r->kind != RK_CONTACT) ||
	    str_eq_nocase(r->external_address, r->address))
		return;
	f = arena_alloc(&g->arena, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->from = r->address;
	f->to = arena_alloc(&g->arena, sizeof(*f->to));
	f->to[0] = r->external_address;
	f->nr_to = 1;
	f->via = VIA_ROUTING;
	f->enabled = true;
	f->name = "external address";
	add_edge(g, from, r->external_address, EDGE_EXTERNAL, f);
}

/* add_recipient_edges - group members and external addresses of s */
static void add_recipient_edges(struct route_graph *g, const struct snapshot *s)
{
	enum match_step step;
	for (size_t i = 0; i < s->nr_recipients; i++) {
		const struct snapshot_recipient *r = &s->recipients[i];
		uint32_t from;
		if (r->kind != RK_GROUP && !r->external_address)
			continue;
		from = route_lookup(g, r->address, &step);
		if (from == NODE_NONE || g->nodes[from].recipient != r)
			continue;
		for (size_t m = 0; r->kind == RK_GROUP && m < r->nr_members; m++)
			add_edge(g, from, r->members[m], EDGE_GROUP, NULL);
		add_external_edge(g, from, r);
	}
}

/* in_mailbox - the forward lives in its owner's mailbox (docs/snapshot.md, routing
 * Decisions: it does not fire without a live mailbox) */
static bool in_mailbox(const struct snapshot_forward *f)
{
	return f->via == VIA_MAILBOX || f->via == VIA_INBOX_RULE ||
	       f->via == VIA_GMAIL_AUTOFORWARD || f->via == VIA_GMAIL_FILTER;
}

/* forward_fires - false for a forward in a mailbox its owner does not have,
 * or in a disabled user's mailbox where the platform stops those forwards
 * (Gmail suspended users; an Exchange Online blocked sign-in still forwards) */
static bool forward_fires(const struct snapshot *s, const struct snapshot_forward *f,
			  const struct snapshot_recipient *r)
{
	if (!f->enabled)
		return false;
	if (!r || !in_mailbox(f))
		return true;
	if (r->has_mailbox == TRI_FALSE)
		return false;
	if (r->kind == RK_USER && r->enabled == TRI_FALSE &&
	    !platform_for(s->provider)->disabled_account_forwards)
		return false;
	return true;
}

/* add_forward_edges - the forwards of s that fire; a target that is the
 * forward's own from address is delivery there, not an edge */
static void add_forward_edges(struct route_graph *g, const struct snapshot *s)
{
	enum match_step step;
	for (size_t i = 0; i < s->nr_forwards; i++) {
		const struct snapshot_forward *f = &s->forwards[i];
		bool self = false;
		uint32_t from = route_lookup(g, f->from, &step);
		if (from == NODE_NONE || step == MATCH_CATCH_ALL ||
		    !forward_fires(s, f, g->nodes[from].recipient))
			continue;
		for (size_t k = 0; k < f->nr_to; k++) {
			if (str_eq_nocase(f->to[k], f->from)) {
				self = true;
				continue;
			}
			add_edge(g, from, f->to[k], EDGE_FORWARD, f);
		}
		/* all mail forwarded and none kept: the mailbox no longer delivers */
		if (!f->keep_copy && !f->conditional && !self)
			g->nodes[from].delivers = false;
	}
}

static void add_edges(struct route_graph *g, uint16_t t)
{
	const struct snapshot *s = g->snapshots[t];
	enum match_step step;
	add_recipient_edges(g, s);
	add_forward_edges(g, s);
	for (size_t i = 0; i < s->nr_auto_replies; i++) {
		uint32_t n = route_lookup(g, s->auto_replies[i].address, &step);
		if (n != NODE_NONE && s->auto_replies[i].enabled && step == MATCH_EXACT)
			g->nodes[n].auto_reply = true;
	}
}

/* sort_edges - group edges by source (stable counting sort), cap fan-out */
static void sort_edges(struct route_graph *g)
{
	uint32_t *count = xcalloc((size_t)g->nr_nodes + 1, sizeof(*count));
	struct route_edge *sorted = xreallocarray(NULL, g->nr_edges ? g->nr_edges : 1, sizeof(*sorted));
	uint32_t out = 0;

	for (uint32_t i = 0; i < g->nr_edges; i++)
		count[g->edges[i].from + 1]++;
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		count[n + 1] += count[n];
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		g->nodes[n].first_edge = count[n];
	for (uint32_t i = 0; i < g->nr_edges; i++)
		sorted[count[g->edges[i].from]++] = g->edges[i];
	/* compact, keeping at most max_fanout edges per node */
	for (uint32_t n = 0; n < g->nr_nodes; n++) {
		struct route_node *node = &g->nodes[n];
		uint32_t end = count[n], begin = node->first_edge, keep = end - begin;
		if (keep > g->limits.max_fanout) {
			keep = g->limits.max_fanout;
			node->truncated = true;
		}
		memmove(sorted + out, sorted + begin, keep * sizeof(*sorted));
		node->first_edge = out;
		node->nr_edges = keep;
		out += keep;
	}
	free(count);
	free(g->edges);
	g->edges = sorted;
	g->nr_edges = g->alloc_edges = out;
}

struct route_graph *route_graph_build(struct snapshot **snapshots, size_t nr,
				      const struct route_limits *limits)
{
	struct route_graph *g = xcalloc(1, sizeof(*g));
	size_t addrs = 0;

	g->snapshots = snapshots;
	g->nr_snapshots = nr < TENANT_NONE ? nr : TENANT_NONE - 1;
	if (limits)
		g->limits = *limits;
	else
		route_limits_default(&g->limits);
	for (size_t t = 0; t < g->nr_snapshots; t++) {
		addrs += snapshots[t]->nr_recipients * 2 + snapshots[t]->nr_forwards;
		for (size_t i = 0; i < snapshots[t]->nr_recipients; i++)
			addrs += snapshots[t]->recipients[i].nr_aliases;
	}
	g->nr_slots = 1024;
	while (g->nr_slots * 3 < addrs * 4) /* keys fill at most 3/4 of the slots */
		g->nr_slots *= 2;
	g->slots = xcalloc(g->nr_slots, sizeof(*g->slots));

	build_domains(g);
	for (uint16_t t = 0; t < g->nr_snapshots; t++)
		add_recipient_nodes(g, t);
	for (uint16_t t = 0; t < g->nr_snapshots; t++)
		add_alias_nodes(g, t);
	g->platforms = arena_alloc(&g->arena, (g->nr_snapshots + 1) * sizeof(*g->platforms));
	for (size_t t = 0; t < g->nr_snapshots; t++)
		g->platforms[t] = platform_for(snapshots[t]->provider);
	for (uint16_t t = 0; t < g->nr_snapshots; t++)
		add_edges(g, t);
	sort_edges(g);
	route_graph_apply_platform(g);
	return g;
}

void route_graph_free(struct route_graph *g)
{
	if (!g)
		return;
	if (g->scc) {
		free(g->scc->comp);
		free(g->scc->order);
		free(g->scc->start);
		free(g->scc->cyclic);
		free(g->scc);
	}
	free(g->nodes);
	free(g->edges);
	free(g->slots);
	arena_release(&g->arena);
	free(g);
}

const char *route_edge_via_name(const struct route_edge *e)
{
	if (e->via == EDGE_GROUP)
		return "group";
	if (e->via == EDGE_EXTERNAL)
		return "external-address";
	return forward_via_name(e->fwd->via);
}

const char *route_edge_object(const struct route_graph *g, const struct route_edge *e)
{
	if (e->via == EDGE_GROUP)
		return g->nodes[e->from].address;
	if (e->fwd->name && *e->fwd->name)
		return e->fwd->name;
	switch (e->fwd->via) {
	case VIA_MAILBOX: return "mailbox forwarding";
	case VIA_GMAIL_AUTOFORWARD: return "Gmail auto-forwarding";
	case VIA_INBOX_RULE: return "inbox rule";
	case VIA_GMAIL_FILTER: return "Gmail filter";
	case VIA_TRANSPORT_RULE: return "transport rule";
	default: return "routing";
	}
}

const char *match_step_name(enum match_step s)
{
	static const char *const names[] = { "exact", "plus-tag", "alias-domain", "catch-all", "none" };
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}
