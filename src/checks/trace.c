/*
 * trace.c - the walk behind `aliasaudit trace` (trace.h): one message sent to
 * an address, followed through the routing graph hop by hop with the
 * platform rules (core/platform.h, product.md §5a) of the tenant each hop is
 * in. The message carries what the platforms count in its headers: how
 * often an inbox rule and a transport rule already forwarded it (the
 * inbox-rule loop header survives other organisations and Gmail forwarding:
 * §5a), and the addresses it already passed (a return is a loop).
 * External hops are judged by the audit's own forward.* findings, so the
 * trace and the report never disagree on policy.
 */
#include "checks/trace.h"
#include "checks/check.h"
#include "core/platform.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* hops in one trace: a bound on fan-out through nested groups */
#define TRACE_MAX_HOPS 100000

/* what the message carries down one branch of the walk */
struct msg_state {
	int inbox_rule_hops;      /* forwarded by an inbox rule so far */
	int transport_rule_hops;  /* redirected by a transport rule so far */
};

struct walker {
	struct route_graph *g;
	const struct audit_result *res;
	struct trace *t;
};

const char *trace_stop_name(enum trace_stop s)
{
	static const char *const names[] = {
		"none", "external", "bounce", "silent", "blocked", "loop", "duplicate",
		"unknown", "relayed", "truncated", "nothing",
	};
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

const char *trace_node_kind(const struct route_graph *g, uint32_t node)
{
	if (node == NODE_NONE)
		return "unresolved";
	const struct route_node *n = &g->nodes[node];
	switch (n->kind) {
	case NODE_EXTERNAL: return "external";
	case NODE_MISSING: return "missing";
	case NODE_UNKNOWN: return "unknown";
	case NODE_RELAYED: return "relayed";
	default: break;
	}
	switch (n->recipient->kind) {
	case RK_GROUP: return "group";
	case RK_CONTACT: return "contact";
	case RK_MAIL_USER: return "mail-user";
	case RK_SHARED: return "shared-mailbox";
	case RK_RESOURCE: return "resource";
	default: return n->delivers ? "mailbox" : "user";
	}
}

/* platform_of_node - the rules of the tenant owning node n */
static const struct platform_rules *platform_of_node(const struct route_graph *g, uint32_t n)
{
	uint16_t t = n == NODE_NONE ? TENANT_NONE : g->nodes[n].tenant;
	if (t == TENANT_NONE)
		return NULL;
	return platform_for(g->snapshots[t]->provider);
}

/* new_hop - append a hop; returns its index */
static uint32_t new_hop(struct trace *t, uint32_t parent, uint32_t node, const char *address,
			const struct route_edge *e, uint32_t depth)
{
	ALLOC_GROW(t->hops, t->nr_hops + 1, t->alloc_hops);
	struct trace_hop *h = &t->hops[t->nr_hops];
	memset(h, 0, sizeof(*h));
	h->parent = parent;
	h->node = node;
	h->address = address;
	h->edge = e;
	h->depth = depth;
	return t->nr_hops++;
}

/* stop_at - mark hop i stopped */
static void stop_at(struct trace_hop *h, enum trace_stop s, bool failing, const char *code,
		    const char *text, char *note)
{
	h->stop = s;
	h->failing = failing;
	h->code = code;
	h->text = text;
	free(h->note);
	h->note = note;
}

/* finding_match - the first finding of check whose path runs from the
 * forward's source to target (the audit's verdict on this very edge) */
static const struct finding *finding_match(const struct walker *w, const char *check,
					   const struct route_edge *e)
{
	const struct route_graph *g = w->g;
	const char *from = g->nodes[e->from].address;
	for (size_t i = 0; i < w->res->findings.nr; i++) {
		const struct finding *f = &w->res->findings.items[i];
		if (strcmp(f->check->id, check) || f->nr_path < 2)
			continue;
		const char *src = f->path[0].address, *dst = f->path[f->nr_path - 1].address;
		if (!str_eq_nocase(dst, e->target))
			continue;
		if (str_eq_nocase(src, from) || (e->fwd && str_eq_nocase(src, e->fwd->from)))
			return f;
	}
	return NULL;
}

/* path_has - true when finding f's path names address */
static bool path_has(const struct finding *f, const char *address)
{
	for (size_t i = 0; i < f->nr_path; i++)
		if (str_eq_nocase(f->path[i].address, address))
			return true;
	return false;
}

/* on_path - the ancestor hop of hop i (itself included) at node n, or UINT32_MAX */
static uint32_t on_path(const struct trace *t, uint32_t i, uint32_t n)
{
	for (; i != UINT32_MAX; i = t->hops[i].parent)
		if (t->hops[i].node == n)
			return i;
	return UINT32_MAX;
}

/* loop_stop - the message came back to node n (an ancestor a of hop i):
 * groups only: expansion delivers once; otherwise the loop bounce of the
 * audit's route.loop finding for it, else of the platform it returns to */
static void loop_stop(struct walker *w, uint32_t i, uint32_t a)
{
	struct trace *t = w->t;
	struct trace_hop *h = &t->hops[i];
	bool groups_only = true, aliases_one_tenant = true;
	uint16_t tenant = w->g->nodes[h->node].tenant;
	for (uint32_t j = i; j != a; j = t->hops[j].parent) {
		const struct route_edge *e = t->hops[j].edge;
		if (e->via != EDGE_GROUP)
			groups_only = false;
		if (e->via != EDGE_FORWARD || e->fwd->via != VIA_ROUTING ||
		    w->g->nodes[e->from].tenant != tenant)
			aliases_one_tenant = false;
	}
	if (groups_only) {
		stop_at(h, TSTOP_DUPLICATE, false, NULL, NULL,
			xstrdup("already expanded: a group nested in itself delivers to each member once"));
		return;
	}
	const struct platform_rules *p = platform_of_node(w->g, h->node);
	const struct check_def *loop = check_find("route.loop");
	const char *code = loop ? loop->symptom_code : NULL, *text = loop ? loop->symptom_text : NULL;
	if (p && aliases_one_tenant && p->alias_cycle_code) {
		code = p->alias_cycle_code;
		text = p->alias_cycle_text;
	} else if (p && p->loop_bounce_code) {
		code = p->loop_bounce_code;
		text = p->loop_bounce_text;
	}
	for (size_t k = 0; k < w->res->findings.nr; k++) {
		const struct finding *f = &w->res->findings.items[k];
		if (!strcmp(f->check->id, "route.loop") && f->symptom_code &&
		    path_has(f, h->address) && path_has(f, w->g->nodes[h->edge->from].address)) {
			code = f->symptom_code;
			text = f->symptom_text;
			break;
		}
	}
	h->platform = p ? p->name : NULL;
	stop_at(h, TSTOP_LOOP, true, code, text,
		xstrfmt("the message comes back to %s: a mail loop, bounced by the platform's "
			"hop count%s", w->g->nodes[h->node].address,
			p && p->assumed ? " (predicted from standard MTA behaviour)" : ""));
}

/* rule_cut - why the forward edge e out of node n does not fire for this
 * message under platform p (§5a), or NULL; *bounce set for a rejection */
static char *rule_cut(const struct walker *w, const struct platform_rules *p,
		      const struct route_edge *e, const struct msg_state *ms, int filter_index,
		      bool has_mailbox_fwd, bool *bounce, char **trace_text)
{
	const struct snapshot_forward *f = e->fwd;
	bool is_rule = f->via == VIA_INBOX_RULE || f->via == VIA_TRANSPORT_RULE;
	(void)w;
	*bounce = false;
	*trace_text = NULL;
	if (!p)
		return NULL;
	if (is_rule && p->rule_max_recipients && (int)f->nr_to > p->rule_max_recipients)
		return xstrfmt("%s applies no forwarding rule with more than %d recipients; "
			       "this one has %zu: it does not fire, no NDR", p->name,
			       p->rule_max_recipients, f->nr_to);
	if (f->via == VIA_INBOX_RULE && p->mailbox_forwarding_overrides_redirect_rule &&
	    f->action == FA_REDIRECT && has_mailbox_fwd)
		return xstrfmt("%s: mailbox forwarding overrides this redirect rule: its target "
			       "gets nothing, no NDR", p->name);
	if (f->via == VIA_GMAIL_FILTER && p->filter_forward_limit &&
	    filter_index >= p->filter_forward_limit)
		return xstrfmt("%s applies at most %d forwarding filters per user: this one "
			       "does not forward", p->name, p->filter_forward_limit);
	if (f->via == VIA_INBOX_RULE && p->inbox_rule_loop_limit &&
	    ms->inbox_rule_hops >= p->inbox_rule_loop_limit) {
		*trace_text = xstrfmt("delivered; the inbox rule was not applied (inbox-rule loop "
				      "header count %d/%d)", ms->inbox_rule_hops,
				      p->inbox_rule_loop_limit);
		return xstrfmt("%s: the message was already forwarded by an inbox rule (%d of %d): "
			       "this rule does not fire; mail stops here, no NDR", p->name,
			       ms->inbox_rule_hops, p->inbox_rule_loop_limit);
	}
	if (f->via == VIA_TRANSPORT_RULE && p->transport_rule_loop_limit &&
	    ms->transport_rule_hops >= p->transport_rule_loop_limit) {
		*bounce = true;
		return xstrfmt("%s: the message was already redirected by a transport rule (%d of "
			       "%d): rejected", p->name, ms->transport_rule_hops,
			       p->transport_rule_loop_limit);
	}
	return NULL;
}

static void walk(struct walker *w, uint32_t i, struct msg_state ms);

/* external_policy - what the audit says about an external hop that no policy
 * blocks: its SPF/DMARC fate (forward.external-auth) and, with a sender, the
 * sender domain's DMARC policy (the snapshots carry no DNS data: unknown) */
static char *external_policy(const struct walker *w, const struct route_edge *e)
{
	const struct finding *auth = finding_match(w, "forward.external-auth", e);
	const char *from = w->t->from;
	char *dmarc = from ? xstrfmt("; sender %s: DMARC policy of %s unknown (no DNS data): "
				     "with p=reject this forward is likely to fail", from,
				     strchr(from, '@') ? strchr(from, '@') + 1 : from)
			   : xstrdup("");
	char *s = xstrfmt("%s%s%s%s",
			  e->via == EDGE_GROUP ? "list expansion re-sends it outside"
					       : "not blocked by the outbound forwarding policy",
			  auth ? "; " : "", auth ? auth->symptom_text : "", dmarc);
	free(dmarc);
	return s;
}

/* arrive - judge hop i at its node: delivered, external, bounce... then walk on */
static void arrive(struct walker *w, uint32_t i, struct msg_state ms)
{
	struct trace_hop *h = &w->t->hops[i];
	const struct route_node *n = &w->g->nodes[h->node];
	const struct check_def *ghost = check_find("route.ghost");
	switch (n->kind) {
	case NODE_EXTERNAL:
		stop_at(h, TSTOP_EXTERNAL, false, NULL, NULL,
			xstrdup("leaves the audited tenants: handed to the receiving domain's servers"));
		return;
	case NODE_MISSING:
		stop_at(h, TSTOP_BOUNCE, true, ghost ? ghost->symptom_code : "550 5.1.1",
			ghost ? ghost->symptom_text : "User unknown",
			xstrdup("no recipient has this address in its (owned) domain"));
		return;
	case NODE_UNKNOWN:
		stop_at(h, TSTOP_UNKNOWN, false, NULL, NULL,
			xstrdup("the owning directory could not be read: not known whether it exists"));
		return;
	case NODE_RELAYED:
		stop_at(h, TSTOP_RELAYED, false, NULL, NULL,
			xstrdup("a relay domain: relayed onward to a server outside the audit"));
		return;
	default:
		break;
	}
	h->delivered = n->delivers;
	if (h->depth >= w->g->limits.max_depth) {
		w->t->truncated = true;
		stop_at(h, TSTOP_TRUNCATED, false, NULL, NULL,
			xstrfmt("max depth %u reached: not followed further", w->g->limits.max_depth));
		return;
	}
	if (!n->delivers && !n->nr_edges) {
		stop_at(h, TSTOP_NOTHING, true, NULL, NULL,
			xstrdup(n->recipient->kind == RK_GROUP ? "an empty group: nobody gets the mail"
				: "no mailbox here and no route onward: nobody gets the mail"));
		return;
	}
	if (n->truncated)
		w->t->truncated = true;
	walk(w, i, ms);
}

/* follow_edge - add the child hop of i over edge e and judge it */
static void follow_edge(struct walker *w, uint32_t i, const struct route_edge *e,
			struct msg_state ms, int filter_index, bool has_mailbox_fwd)
{
	struct trace *t = w->t;
	const struct platform_rules *p = platform_of_node(w->g, e->from);
	if (t->nr_hops >= TRACE_MAX_HOPS) {
		t->truncated = true;
		return;
	}
	uint32_t c = new_hop(t, i, e->to, e->target, e, t->hops[i].depth + 1);
	struct trace_hop *h = &t->hops[c];
	h->platform = p ? p->name : NULL;
	if (e->via == EDGE_FORWARD) {
		bool bounce;
		char *mt, *why = rule_cut(w, p, e, &ms, filter_index, has_mailbox_fwd, &bounce, &mt);
		if (why) {
			/* a rule cut on its way back to an address that already has
			 * the message stops a would-be loop: nobody misses mail (§5a) */
			bool back = !bounce && on_path(t, i, e->to) != UINT32_MAX;
			h->node = NODE_NONE;
			h->message_trace = mt;
			stop_at(h, bounce ? TSTOP_BOUNCE : TSTOP_SILENT, !back,
				bounce ? p->transport_rule_loop_code : NULL,
				bounce ? p->transport_rule_loop_text : NULL,
				back ? xstrfmt("%s (its target already has this message: the loop "
					       "ends here)", why) : why);
			if (back)
				free(why);
			return;
		}
		const struct finding *blk = finding_match(w, "forward.blocked", e);
		if (blk) {
			h->node = NODE_NONE;
			h->policy = xstrfmt("blocked: %s", blk->summary);
			stop_at(h, TSTOP_BLOCKED, true, blk->symptom_code, blk->symptom_text,
				xstrdup("an outbound forwarding policy blocks this external forward"));
			return;
		}
		if (e->fwd->via == VIA_INBOX_RULE)
			ms.inbox_rule_hops++;
		if (e->fwd->via == VIA_TRANSPORT_RULE && e->fwd->action != FA_FORWARD &&
		    e->fwd->action != FA_FORWARD_AS_ATTACHMENT)
			ms.transport_rule_hops++;
	}
	uint32_t a = on_path(t, i, e->to);
	if (a != UINT32_MAX) {
		loop_stop(w, c, a);
		return;
	}
	if (w->g->nodes[e->to].kind == NODE_EXTERNAL)
		t->hops[c].policy = external_policy(w, e);
	arrive(w, c, ms);
}

/* walk - follow every edge out of hop i's node with the platform's rules */
static void walk(struct walker *w, uint32_t i, struct msg_state ms)
{
	uint32_t node = w->t->hops[i].node;
	const struct route_node *n = &w->g->nodes[node];
	const struct route_edge *edges = route_node_edges(w->g, node);
	uint32_t nr = n->nr_edges;
	bool has_mailbox_fwd = false;
	int filters = 0;
	const struct snapshot_forward *last_filter = NULL;

	for (uint32_t k = 0; k < nr; k++)
		if (edges[k].via == EDGE_FORWARD && edges[k].fwd->via == VIA_MAILBOX)
			has_mailbox_fwd = true;
	for (uint32_t k = 0; k < nr; k++) {
		const struct route_edge *e = &edges[k];
		int index = 0;
		if (e->via == EDGE_FORWARD && e->fwd->via == VIA_GMAIL_FILTER) {
			if (e->fwd != last_filter)
				filters++;
			last_filter = e->fwd;
			index = filters - 1;
		}
		follow_edge(w, i, e, ms, index, has_mailbox_fwd);
	}
}

/* touching_findings - ids of the audit findings whose path names an address of the tree */
static void touching_findings(struct walker *w)
{
	struct trace *t = w->t;
	const struct finding_list *fl = &w->res->findings;
	t->findings = xcalloc(fl->nr + 1, sizeof(*t->findings));
	for (size_t k = 0; k < fl->nr; k++) {
		const struct finding *f = &fl->items[k];
		bool hit = false;
		for (uint32_t i = 0; i < t->nr_hops && !hit; i++) {
			const struct trace_hop *h = &t->hops[i];
			hit = path_has(f, h->address) ||
			      (h->node != NODE_NONE && path_has(f, w->g->nodes[h->node].address));
		}
		if (hit)
			t->findings[t->nr_findings++] = f->id;
	}
}

void trace_run(struct route_graph *g, const struct audit_result *res, const char *address,
	       const char *from, struct trace *t)
{
	struct walker w = { .g = g, .res = res, .t = t };
	struct msg_state ms = { 0 };
	enum match_step step;
	const struct catch_all *caught;

	memset(t, 0, sizeof(*t));
	t->address = address;
	t->from = from;
	uint32_t node = route_resolve(g, address, &step, &caught);
	uint32_t r = new_hop(t, UINT32_MAX, node, address, NULL, 0);
	t->hops[r].caught = caught;
	const struct platform_rules *p = platform_of_node(g, node);
	t->hops[r].platform = p ? p->name : NULL;
	if (node == NODE_NONE)
		stop_at(&t->hops[r], TSTOP_BOUNCE, true, "553 5.1.3", "not a valid address",
			xstrdup("the address cannot be parsed"));
	else
		arrive(&w, r, ms);
	touching_findings(&w);
}

void trace_release(struct trace *t)
{
	for (uint32_t i = 0; i < t->nr_hops; i++) {
		free(t->hops[i].note);
		free(t->hops[i].message_trace);
		free(t->hops[i].policy);
	}
	free(t->hops);
	free(t->findings);
	memset(t, 0, sizeof(*t));
}
