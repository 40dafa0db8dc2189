/*
 * forward_external_auth.c - forward.external-auth: mail that leaves the
 * organisation by forwarding, where SPF no longer passes for the original
 * sender and DMARC survives only through the sender's DKIM signature.
 *
 * Forwards to another audited tenant leave the organisation too (docs/snapshot.md,
 * routing); a group's member only when it is outside every audited tenant
 * (list expansion re-sends the message as forwarding does). A catch-all whose
 * target is outside its tenant forwards every address it catches: one
 * finding at the catch-all, none per caught address. A mail user's external
 * address is where its mail is addressed, not a forward.
 */
#include "checks/checks.h"
#include "core/provider.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* srs_note - whether s's platform rewrites the envelope sender (provider data) */
static const char *srs_note(const struct snapshot *s)
{
	const struct provider_ops *ops = provider_of(s);
	if (ops && ops->srs_note)
		return ops->srs_note;
	return "unknown whether the forwarder rewrites the envelope sender (SRS): check a "
	       "forwarded copy with 'aliasaudit headers'";
}

/* catch_all_external - catch-alls of s whose target is outside s's tenant */
static void catch_all_external(struct audit_ctx *ctx, size_t t)
{
	const struct snapshot *s = ctx->snapshots[t];
	for (size_t i = 0; i < s->policy.nr_catch_all; i++) {
		const struct catch_all *c = &s->policy.catch_all[i];
		if (route_domain_tenant(ctx->graph, c->target) == (uint16_t)t)
			continue;
		const char *subject = c->name && *c->name ? c->name : c->domain;
		struct finding *f = finding_new(ctx->out, &check_forward_external_auth, s->tenant,
						s->provider, subject, "catch-all '%s' forwards %s mail "
						"for %s to %s outside the organisation: SPF fails for the "
						"original sender there, DMARC depends on DKIM", subject,
						c->scope == CATCHALL_ALL ? "all" : "unknown-address",
						c->domain, c->target);
		char *any = xstrfmt("*@%s", c->domain);
		finding_add_hop(f, any, "start", NULL);
		free(any);
		finding_add_hop(f, c->target, "catch-all", subject);
		cJSON_AddStringToObject(f->evidence, "srs", srs_note(s));
		cJSON_AddStringToObject(f->evidence, "via", "catch-all");
		cJSON_AddStringToObject(f->evidence, "scope", catch_all_scope_name(c->scope));
		finding_set_id(f, c->domain);
	}
}

/* leaves_org - e carries mail out of the organisation (see the top) */
static bool leaves_org(const struct audit_ctx *ctx, const struct route_edge *e)
{
	const struct route_graph *g = ctx->graph;
	if (e->via == EDGE_EXTERNAL || e->step == MATCH_CATCH_ALL ||
	    g->nodes[e->to].kind == NODE_MISSING || !edge_leaves_tenant(ctx, e))
		return false;
	return e->via != EDGE_GROUP || route_is_external(g, e->target);
}

static void run(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (size_t t = 0; t < ctx->nr_snapshots; t++)
		catch_all_external(ctx, t);
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		struct forward_decision d;
		if (!leaves_org(ctx, e))
			continue;
		const struct snapshot *s = snap_of(ctx, e->from);
		forward_decide(ctx, s, e, &d);
		if (d.verdict == FWD_BLOCKED)
			continue; /* it never leaves: forward.blocked reports it */
		const char *from = g->nodes[e->from].address;
		struct finding *f;
		if (e->via == EDGE_GROUP)
			f = finding_new(ctx->out, &check_forward_external_auth, s->tenant, s->provider,
					from, "group %s sends to the outside member %s: SPF fails for "
					"the original sender there, DMARC depends on DKIM", from, e->target);
		else
			f = finding_new(ctx->out, &check_forward_external_auth, s->tenant, s->provider,
					from, "%s forwards to %s outside the organisation (%s): SPF "
					"fails for the original sender there, DMARC depends on DKIM",
					from, e->target, route_edge_object(g, e));
		finding_add_hop(f, from, "start", NULL);
		add_edge_hop(ctx, f, e);
		cJSON_AddStringToObject(f->evidence, "srs", srs_note(s));
		cJSON_AddStringToObject(f->evidence, "via", route_edge_via_name(e));
		if (d.control)
			cJSON_AddStringToObject(f->evidence, "allowed_by", d.control);
		finding_set_id(f, NULL);
	}
}

const struct check_def check_forward_external_auth = {
	.id = "forward.external-auth",
	.title = "External forward breaks SPF/DMARC alignment",
	.finds = "an external forward (or a group's outside member) whose receiver checks "
		 "SPF/DMARC, where alignment breaks",
	.severity = SEV_MEDIUM,
	.symptom_code = NULL,
	.symptom_text = "250 OK, then silently dropped or filed as spam by the receiver",
	.evidence = "every forward that leaves the forwarding tenant (another audited tenant is "
		    "outside the organisation) and is not blocked, and every group member outside "
		    "every audited tenant; a catch-all whose target is outside its tenant once, at "
		    "the catch-all; notes whether the platform rewrites the envelope sender (SRS)",
	.fix = &fix_forward_keep_in_domain,
	.refs = refs_none,
	.run = run,
};
