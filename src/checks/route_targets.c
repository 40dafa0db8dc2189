/*
 * route_targets.c - route.ghost and route.disabled-target: where an alias,
 * forward, rule or group member points at nothing, or at an account that
 * cannot take the mail.
 *
 * A target whose lookup failed (the owning tenant's directory was not read
 * completely) is never a ghost: it is reported as not evaluated.
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

static void run_ghost(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (size_t t = 0; t < ctx->nr_snapshots; t++)
		gap_on_errors(ctx, &check_route_ghost, ctx->snapshots[t], "recipients");
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		const struct route_node *to = &g->nodes[e->to];
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

static void run_disabled(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		const char *why;
		if (g->nodes[e->to].kind != NODE_RECIPIENT ||
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
	.evidence = "each edge target resolved in order: exact, +tag, alias domain, unknown-only "
		    "catch-all; a failed directory read is 'not evaluated', never a ghost",
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
		    "has_mailbox=false (shared and resource mailboxes are exempt: their sign-in is "
		    "blocked by design)",
	.fix = &fix_route_enable_target,
	.refs = refs_none,
	.run = run_disabled,
};
