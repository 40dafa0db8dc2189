/*
 * forward_external_auth.c - forward.external-auth: mail that leaves the
 * organisation by forwarding, where SPF no longer passes for the original
 * sender and DMARC survives only through the sender's DKIM signature.
 */
#include "checks/checks.h"
#include "base/util.h"

#include <string.h>

static const char *srs_note(const struct snapshot *s, const struct route_edge *e)
{
	if (!strcmp(s->provider, "m365"))
		return "Exchange Online rewrites the envelope sender (SRS), so SPF passes for the "
		       "forwarder; DMARC still depends on the original DKIM signature surviving";
	if (!strcmp(s->provider, "gworkspace"))
		return "Gmail rewrites the envelope sender of forwarded mail; DMARC still depends on "
		       "the original DKIM signature surviving";
	return "unknown whether the forwarder rewrites the envelope sender (SRS): check a "
	       "forwarded copy with 'aliasaudit headers'";
}

static void run(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		struct forward_decision d;
		if (!edge_leaves_tenant(ctx, e) || g->nodes[e->to].kind == NODE_MISSING)
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
		cJSON_AddStringToObject(f->evidence, "srs", srs_note(s, e));
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
	.evidence = "every forward and group member edge that leaves the forwarding tenant and is "
		    "not blocked; notes whether the platform rewrites the envelope sender (SRS)",
	.fix = &fix_forward_keep_in_domain,
	.refs = refs_none,
	.run = run,
};
