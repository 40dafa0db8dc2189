/*
 * route_targets.c - route.ghost and route.disabled-target: where an alias,
 * forward, rule or group member points at nothing, or at an account that
 * cannot take the mail.
 *
 * A target whose lookup failed (the owning tenant's directory was not read
 * completely, or an error names no area) is never a ghost: it is reported as
 * not evaluated. An address a catch-all catches is never a ghost; the
 * catch-all's own target is judged once, at the catch-all. An unknown
 * address in a relay domain is relayed onward, not a ghost.
 */
#include "checks/checks.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *edge_phrase(const struct route_edge *e)
{
	if (e->via == EDGE_GROUP)
		return "has the member";
	switch (e->fwd->via) {
	case VIA_MAILBOX: return "forwards (mailbox forwarding) to";
	case VIA_INBOX_RULE: return "has an inbox rule forwarding to";
	case VIA_TRANSPORT_RULE: return "is redirected by a transport rule to";
	case VIA_GMAIL_AUTOFORWARD: return "auto-forwards to";
	case VIA_GMAIL_FILTER: return "has a filter forwarding to";
	default: return "routes to";
	}
}

static struct finding *edge_finding(struct audit_ctx *ctx, const struct check_def *check,
				    const struct route_edge *e, const char *what)
{
	const struct route_graph *g = ctx->graph;
	const struct route_node *from = &g->nodes[e->from];
	const struct snapshot *s = snap_of(ctx, e->from);
	struct finding *f = finding_new(ctx->out, check, s->tenant, s->provider, from->address,
					"%s %s %s, %s", from->address, edge_phrase(e), e->target, what);
	finding_add_hop(f, from->address, "start", NULL);
	add_edge_hop(ctx, f, e);
	cJSON_AddStringToObject(f->evidence, "target", e->target);
	cJSON_AddStringToObject(f->evidence, "via", route_edge_via_name(e));
	if (e->via == EDGE_FORWARD)
		cJSON_AddBoolToObject(f->evidence, "conditional", e->fwd->conditional);
	return f;
}

/* catch_all_subject - how findings name a catch-all */
static const char *catch_all_subject(const struct catch_all *c)
{
	return c->name && *c->name ? c->name : c->domain;
}

/* catch_all_ghosts - a catch-all whose target does not exist: once, at the
 * catch-all (every address it catches bounces) */
static void catch_all_ghosts(struct audit_ctx *ctx, const struct snapshot *s)
{
	const struct route_graph *g = ctx->graph;
	for (size_t i = 0; i < s->policy.nr_catch_all; i++) {
		const struct catch_all *c = &s->policy.catch_all[i];
		uint16_t owner = route_domain_tenant(g, c->target);
		if (owner == TENANT_NONE || route_lookup(g, c->target, NULL) != NODE_NONE)
			continue;
		const struct snapshot *os = ctx->snapshots[owner];
		if (snapshot_area_failed(os, "recipients", NULL)) {
			finding_list_gap(ctx->out, check_route_ghost.id, s->tenant,
					 "the target %s of catch-all '%s' could not be looked up",
					 c->target, catch_all_subject(c));
			continue;
		}
		const struct snapshot_domain *d = NULL;
		for (size_t k = 0; k < os->nr_domains; k++)
			if (str_eq_nocase(os->domains[k].name, addr_domain(c->target)))
				d = &os->domains[k];
		if (d && (d->type == DOM_INTERNAL_RELAY || d->type == DOM_EXTERNAL_RELAY))
			continue; /* relayed onward */
		const char *subject = catch_all_subject(c);
		struct finding *f = finding_new(ctx->out, &check_route_ghost, s->tenant, s->provider,
						subject, "catch-all '%s' sends %s mail for %s to %s, "
						"which does not exist", subject,
						c->scope == CATCHALL_ALL ? "all" : "unknown-address",
						c->domain, c->target);
		char *any = xstrfmt("*@%s", c->domain);
		finding_add_hop(f, any, "start", NULL);
		free(any);
		finding_add_hop(f, c->target, "catch-all", subject);
		cJSON_AddStringToObject(f->evidence, "target", c->target);
		cJSON_AddStringToObject(f->evidence, "via", "catch-all");
		cJSON_AddStringToObject(f->evidence, "scope", catch_all_scope_name(c->scope));
		f->fix = &fix_catchall_scope;
		f->fix_note = xstrfmt("point catch-all '%s' at a mailbox that exists, or remove it",
				      subject);
		finding_set_id(f, c->domain);
	}
}

static void run_ghost(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		if (!gap_on_errors(ctx, &check_route_ghost, s, "recipients") && s->recipients_absent)
			finding_list_gap(ctx->out, check_route_ghost.id, s->tenant,
					 "the snapshot has no recipients (incomplete)");
		catch_all_ghosts(ctx, s);
	}
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		const struct route_node *to = &g->nodes[e->to];
		if (e->step == MATCH_CATCH_ALL)
			continue; /* the catch-all's own target: catch_all_ghosts */
		if (to->kind == NODE_UNKNOWN) {
			finding_list_gap(ctx->out, check_route_ghost.id, snap_of(ctx, e->from)->tenant,
					 "%s could not be looked up (the directory of %s was not read "
					 "completely)", e->target, snap_of(ctx, e->to)->tenant);
			continue;
		}
		if (to->kind != NODE_MISSING)
			continue;
		const struct snapshot *owner = snap_of(ctx, e->to);
		char base[ADDR_MAX_LEN + 1];
		bool plus_off = owner->policy.plus_addressing == TRI_FALSE &&
				addr_strip_tag(e->target, base);
		struct finding *f = edge_finding(ctx, &check_route_ghost, e,
						 plus_off ? "and plus addressing is off there"
							  : "which does not exist");
		if (plus_off)
			cJSON_AddStringToObject(f->evidence, "note",
						"the +tag address would work if plus addressing were on");
		f->fix = e->via == EDGE_GROUP ? &fix_group_remove_member : fix_for_edge(e);
		if (f->fix == &fix_mailbox_forwarding_clear || f->fix == &fix_transport_rule_review)
			f->fix = &fix_route_fix_target;
		finding_set_id(f, NULL);
	}
}

/* unusable - why recipient r cannot take mail, or NULL */
static const char *unusable(const struct snapshot_recipient *r)
{
	if (!r || r->kind != RK_USER)
		return NULL; /* shared/resource mailboxes have blocked sign-in by design */
	if (r->has_mailbox == TRI_FALSE)
		return "a user without a mailbox";
	if (r->enabled == TRI_FALSE)
		return "a disabled or suspended account";
	return NULL;
}

/* set_symptom - a user with no mailbox bounces; a disabled account still
 * takes mail into a mailbox nobody reads */
static void set_symptom(struct finding *f, const struct snapshot_recipient *r)
{
	if (r->has_mailbox == TRI_FALSE) {
		f->symptom_code = "550 5.1.1";
		f->symptom_text = "the user has no mailbox: mail bounces as unknown";
	} else {
		f->symptom_code = NULL;
		f->symptom_text = "silent pile-up in a mailbox nobody reads (or a bounce where the "
				  "platform rejects mail for suspended users)";
	}
}

/* catch_all_disabled - a catch-all whose target cannot take mail: once, at
 * the catch-all */
static void catch_all_disabled(struct audit_ctx *ctx, const struct snapshot *s)
{
	const struct route_graph *g = ctx->graph;
	for (size_t i = 0; i < s->policy.nr_catch_all; i++) {
		const struct catch_all *c = &s->policy.catch_all[i];
		uint32_t n = route_lookup(g, c->target, NULL);
		const char *why;
		if (n == NODE_NONE || !(why = unusable(g->nodes[n].recipient)))
			continue;
		const char *subject = catch_all_subject(c);
		struct finding *f = finding_new(ctx->out, &check_route_disabled_target, s->tenant,
						s->provider, subject, "catch-all '%s' sends mail for %s "
						"to %s, which is %s", subject, c->domain, c->target, why);
		char *any = xstrfmt("*@%s", c->domain);
		finding_add_hop(f, any, "start", NULL);
		free(any);
		finding_add_hop(f, c->target, "catch-all", subject);
		cJSON_AddStringToObject(f->evidence, "target", c->target);
		cJSON_AddStringToObject(f->evidence, "target_state", why);
		set_symptom(f, g->nodes[n].recipient);
		f->fix = &fix_route_enable_target;
		finding_set_id(f, c->domain);
	}
}

static void run_disabled(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (size_t t = 0; t < ctx->nr_snapshots; t++)
		catch_all_disabled(ctx, ctx->snapshots[t]);
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		const char *why;
		if (e->step == MATCH_CATCH_ALL || g->nodes[e->to].kind != NODE_RECIPIENT ||
		    !(why = unusable(g->nodes[e->to].recipient)))
			continue;
		char *what = xstrfmt("which is %s", why);
		struct finding *f = edge_finding(ctx, &check_route_disabled_target, e, what);
		free(what);
		cJSON_AddStringToObject(f->evidence, "target_state", why);
		set_symptom(f, g->nodes[e->to].recipient);
		f->fix = &fix_route_enable_target;
		finding_set_id(f, NULL);
	}
	/* aliases that live on an unusable account (sales@ on a leaver) */
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		for (size_t i = 0; i < s->nr_recipients; i++) {
			const struct snapshot_recipient *r = &s->recipients[i];
			const char *why = unusable(r);
			for (size_t a = 0; why && a < r->nr_aliases; a++) {
				struct finding *f = finding_new(ctx->out, &check_route_disabled_target,
								s->tenant, s->provider, r->aliases[a],
								"%s is an alias of %s, %s", r->aliases[a],
								r->address, why);
				finding_add_hop(f, r->aliases[a], "start", NULL);
				finding_add_hop(f, r->address, "alias", NULL);
				cJSON_AddStringToObject(f->evidence, "target_state", why);
				set_symptom(f, r);
				f->fix = &fix_route_enable_target;
				finding_set_id(f, NULL);
			}
		}
	}
}

const struct check_def check_route_ghost = {
	.id = "route.ghost",
	.title = "Target does not exist",
	.finds = "an alias, forward, rule or group member in an owned domain that resolves to "
		 "no recipient",
	.severity = SEV_HIGH,
	.symptom_code = "550 5.1.1",
	.symptom_text = "User unknown (RESOLVER.ADR.RecipNotFound)",
	.evidence = "each edge target resolved in order: a scope-all catch-all, exact, +tag, alias "
		    "domain, unknown-only catch-all, relay domain (relayed onward, never a ghost); a "
		    "failed directory read or an error that names no area is 'not evaluated', never "
		    "a ghost. Mail users, guests and remote mailboxes are real recipients. A "
		    "catch-all whose target does not exist is reported once, at the catch-all, "
		    "never at each address it catches",
	.fix = &fix_route_fix_target,
	.refs = refs_none,
	.run = run_ghost,
};

const struct check_def check_route_disabled_target = {
	.id = "route.disabled-target",
	.title = "Target cannot take mail",
	.finds = "a target that is a disabled/suspended account or a user without a mailbox",
	.severity = SEV_MEDIUM,
	.symptom_code = NULL,
	.symptom_text = "silent pile-up in an unread mailbox, or a bounce (550 5.1.1 without a mailbox)",
	.evidence = "edges and aliases whose recipient is a user with enabled=false or "
		    "has_mailbox=false, aliases of such an account included (mail to them piles up "
		    "or bounces); shared, room and equipment mailboxes are exempt: their sign-in is "
		    "blocked by design (Microsoft Learn, 'About shared mailboxes'). A catch-all whose "
		    "target is such an account is reported once, at the catch-all",
	.fix = &fix_route_enable_target,
	.refs = refs_none,
	.run = run_disabled,
};
