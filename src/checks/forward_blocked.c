/*
 * forward_blocked.c - forward.blocked: external forwards that the effective
 * policy blocks (550 5.7.520 in Microsoft 365; in Google Workspace the
 * forward is silently inactive).
 */
#include "checks/checks.h"
#include "base/util.h"

#include <stdlib.h>

static void run(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (uint32_t i = 0; i < g->nr_edges; i++) {
		const struct route_edge *e = &g->edges[i];
		struct forward_decision d;
		if (e->via != EDGE_FORWARD || !edge_leaves_tenant(ctx, e))
			continue;
		const struct snapshot *s = snap_of(ctx, e->from);
		forward_decide(ctx, s, e, &d);
		if (d.verdict == FWD_UNKNOWN) {
			finding_list_gap(ctx->out, check_forward_blocked.id, s->tenant,
					 "%s could not be read, so the forward from %s to %s is "
					 "not judged", d.missing, g->nodes[e->from].address, e->target);
			continue;
		}
		if (d.verdict != FWD_BLOCKED)
			continue;
		bool google = e->fwd->via == VIA_GMAIL_AUTOFORWARD || e->fwd->via == VIA_GMAIL_FILTER;
		const char *from = g->nodes[e->from].address;
		struct finding *f = finding_new(ctx->out, &check_forward_blocked, s->tenant, s->provider,
						from, "%s forwards to %s (%s), but %s blocks it",
						from, e->target, route_edge_object(g, e), d.control);
		finding_add_hop(f, from, "start", NULL);
		add_edge_hop(ctx, f, e);
		cJSON_AddStringToObject(f->evidence, "control", d.control);
		cJSON_AddStringToObject(f->evidence, "control_kind", d.control_kind);
		cJSON_AddStringToObject(f->evidence, "policy", d.policy_name);
		if (google) {
			f->symptom_code = NULL;
			f->symptom_text = "the forward is silently inactive: the OU policy turns "
					  "automatic forwarding off";
			f->refs = refs_gws_forwarding;
			f->fix = fix_for_edge(e);
			f->fix_note = xstrfmt("remove the inactive forward, or (if policy allows) turn "
					      "auto-forwarding on for OU '%s' in the Admin console",
					      d.policy_name);
		} else if (d.control_kind && d.control_kind[0] == 'r') {
			f->refs = refs_m365_remote_domain;
			f->fix = fix_for_edge(e);
			f->fix_note = xstrfmt("the remote domain '%s' blocks it: stop forwarding out, or "
					      "allow that domain explicitly", d.policy_name);
		} else {
			f->refs = refs_m365_forwarding;
			f->fix = &fix_outbound_policy_scoped;
			f->fix_note = xstrfmt("if %s must keep forwarding, allow exactly this mailbox "
					      "(scoped policy); otherwise stop forwarding out", from);
		}
		finding_set_id(f, NULL);
	}
}

const struct check_def check_forward_blocked = {
	.id = "forward.blocked",
	.title = "External forward blocked by policy",
	.finds = "an external forward that the effective policy blocks",
	.severity = SEV_HIGH,
	.symptom_code = "550 5.7.520",
	.symptom_text = "Access denied, Your organization does not allow external forwarding. "
			"AS(7555)",
	.evidence = "mailbox forwards and inbox rules leaving the tenant, judged against the "
		    "outbound spam policy that applies to the mailbox and the best-matching remote "
		    "domain; Gmail forwards against the OU auto-forwarding policy",
	.fix = &fix_outbound_policy_scoped,
	.refs = refs_m365_forwarding,
	.run = run,
};
