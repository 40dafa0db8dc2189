/*
 * forward_policy_open.c - forward.policy-open: external auto-forwarding
 * allowed broadly. Each control is reported on its own, as the benchmarks
 * check them: outbound spam policies On for everyone or whole domains (CIS
 * M365 6.2.1), every remote domain with auto-forward on (CISA MS.EXO.1.1v2,
 * one finding per domain as ScubaGear does), transport rules redirecting
 * outside (CIS 6.2.1), and Google OUs with auto-forwarding on or unset
 * (GWS.GMAIL.11.1v1, CIS Google Workspace 3.1.3.5.2), and group-scoped Google
 * policies with it on. "Outside" is outside the rule's tenant: another
 * audited tenant is outside the organisation (docs/snapshot.md, routing); a
 * transport-rule catch-all (source "transport-rule") whose target is
 * outside counts as such a rule, once.
 */
#include "checks/checks.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static struct finding *policy_finding(struct audit_ctx *ctx, const struct snapshot *s,
				      const char *subject, enum severity sev,
				      const char *const *refs, const struct fix_def *fix,
				      const char *summary)
{
	struct finding *f = finding_new(ctx->out, &check_forward_policy_open, s->tenant,
					s->provider, subject, "%s", summary);
	f->severity = sev;
	f->refs = refs;
	f->fix = fix;
	finding_add_hop(f, subject, "start", NULL);
	return f;
}

static void outbound_policies(struct audit_ctx *ctx, const struct snapshot *s)
{
	for (size_t i = 0; i < s->policy.nr_outbound_forwarding; i++) {
		const struct outbound_policy *p = &s->policy.outbound_forwarding[i];
		char *summary;
		struct finding *f;
		if (p->mode != FWD_MODE_ON || (!p->is_default && !p->nr_domains))
			continue; /* a policy scoped to named users/groups is the recommended exception */
		summary = p->is_default
			? xstrfmt("outbound spam policy '%s' allows automatic external forwarding "
				  "for every mailbox", p->name)
			: xstrfmt("outbound spam policy '%s' allows automatic external forwarding "
				  "for whole domains", p->name);
		f = policy_finding(ctx, s, p->name, p->is_default ? SEV_HIGH : SEV_MEDIUM,
				   refs_m365_forwarding, &fix_outbound_policy_off, summary);
		free(summary);
		cJSON_AddStringToObject(f->evidence, "control", "outbound-policy");
		cJSON_AddStringToObject(f->evidence, "mode", "on");
		cJSON_AddBoolToObject(f->evidence, "default", p->is_default);
		finding_set_id(f, "outbound-policy");
	}
}

static void remote_domains(struct audit_ctx *ctx, const struct snapshot *s)
{
	for (size_t i = 0; i < s->policy.nr_remote_domains; i++) {
		const struct remote_domain *rd = &s->policy.remote_domains[i];
		bool any = !strcmp(rd->domain, "*");
		char *summary;
		struct finding *f;
		if (!rd->auto_forward)
			continue;
		summary = any ? xstrfmt("remote domain '*' (Default) allows automatic forwarding "
					"to every outside domain")
			      : xstrfmt("remote domain '%s' allows automatic forwarding to it",
					rd->domain);
		f = policy_finding(ctx, s, rd->domain, any ? SEV_HIGH : SEV_MEDIUM,
				   refs_m365_remote_domain, &fix_remote_domain_block, summary);
		free(summary);
		cJSON_AddStringToObject(f->evidence, "control", "remote-domain");
		cJSON_AddBoolToObject(f->evidence, "auto_forward", true);
		finding_set_id(f, "remote-domain");
	}
}

/* group_policy - a configuration group's policy that allows forwarding: its
 * members may forward whatever their OU says (group settings override the
 * OU's: Google Workspace Admin Help, support.google.com/a/answer/9224126) */
static void group_policy(struct audit_ctx *ctx, const struct snapshot *s, const struct ou_forwarding *o)
{
	char *summary;
	struct finding *f;
	if (!o->enabled)
		return;
	summary = xstrfmt("configuration group '%s' allows its members to forward mail automatically", o->group);
	f = policy_finding(ctx, s, o->group, SEV_MEDIUM, refs_gws_forwarding, &fix_gws_ou_autoforward_disable,
			   summary);
	free(summary);
	cJSON_AddStringToObject(f->evidence, "control", "group-policy");
	cJSON_AddBoolToObject(f->evidence, "enabled", true);
	finding_set_id(f, "group-policy");
}

static void ou_policies(struct audit_ctx *ctx, const struct snapshot *s)
{
	bool root_seen = false;
	for (size_t i = 0; i < s->policy.nr_auto_forwarding_ou; i++) {
		const struct ou_forwarding *o = &s->policy.auto_forwarding_ou[i];
		char *summary;
		struct finding *f;
		if (o->group) {
			group_policy(ctx, s, o);
			continue;
		}
		if (!strcmp(o->org_unit, "/"))
			root_seen = true;
		if (!o->enabled)
			continue;
		summary = xstrfmt("organizational unit '%s' allows users to forward mail "
				  "automatically", o->org_unit);
		f = policy_finding(ctx, s, o->org_unit, strcmp(o->org_unit, "/") ? SEV_MEDIUM : SEV_HIGH,
				   refs_gws_forwarding, &fix_gws_ou_autoforward_disable, summary);
		free(summary);
		cJSON_AddStringToObject(f->evidence, "control", "ou-policy");
		cJSON_AddBoolToObject(f->evidence, "enabled", true);
		finding_set_id(f, "ou-policy");
	}
	if (!root_seen) {
		struct finding *f = policy_finding(ctx, s, "/", SEV_HIGH, refs_gws_forwarding,
						   &fix_gws_ou_autoforward_disable,
						   "the root organizational unit has no auto-forwarding "
						   "policy: Google's default allows users to forward");
		cJSON_AddStringToObject(f->evidence, "control", "ou-policy");
		cJSON_AddStringToObject(f->evidence, "enabled", "default (allowed)");
		finding_set_id(f, "ou-policy");
	}
}

/* catch_all_redirects - transport-rule catch-alls whose target is outside */
static void catch_all_redirects(struct audit_ctx *ctx, size_t t)
{
	const struct snapshot *s = ctx->snapshots[t];
	for (size_t i = 0; i < s->policy.nr_catch_all; i++) {
		const struct catch_all *c = &s->policy.catch_all[i];
		if (!c->source || strcmp(c->source, "transport-rule") ||
		    route_domain_tenant(ctx->graph, c->target) == (uint16_t)t)
			continue;
		const char *name = c->name && *c->name ? c->name : c->domain;
		struct finding *f = finding_new(ctx->out, &check_forward_policy_open, s->tenant,
						s->provider, name, "transport rule '%s' redirects %s "
						"mail for %s to %s outside the organisation", name,
						c->scope == CATCHALL_ALL ? "all" : "unknown-address",
						c->domain, c->target);
		f->severity = SEV_MEDIUM;
		f->refs = refs_m365_forwarding;
		f->fix = &fix_transport_rule_review;
		char *any = xstrfmt("*@%s", c->domain);
		finding_add_hop(f, any, "start", NULL);
		free(any);
		finding_add_hop(f, c->target, "transport-rule", name);
		cJSON_AddStringToObject(f->evidence, "control", "transport-rule");
		cJSON_AddStringToObject(f->evidence, "catch_all", catch_all_scope_name(c->scope));
		finding_set_id(f, c->domain);
	}
}

static void transport_redirects(struct audit_ctx *ctx, size_t t)
{
	const struct snapshot *s = ctx->snapshots[t];
	for (size_t i = 0; i < s->nr_forwards; i++) {
		const struct snapshot_forward *fw = &s->forwards[i];
		if (fw->via != VIA_TRANSPORT_RULE || !fw->enabled)
			continue;
		for (size_t k = 0; k < fw->nr_to; k++) {
			if (route_domain_tenant(ctx->graph, fw->to[k]) == (uint16_t)t)
				continue;
			const char *name = fw->name && *fw->name ? fw->name : fw->from;
			char *summary = xstrfmt("transport rule '%s' redirects mail for %s to %s outside "
						"the organisation", name, fw->from, fw->to[k]);
			struct finding *f = finding_new(ctx->out, &check_forward_policy_open, s->tenant,
							s->provider, name, "%s", summary);
			free(summary);
			f->severity = SEV_MEDIUM;
			f->refs = refs_m365_forwarding;
			f->fix = &fix_transport_rule_review;
			finding_add_hop(f, fw->from, "start", NULL);
			finding_add_hop(f, fw->to[k], "transport-rule", name);
			cJSON_AddStringToObject(f->evidence, "control", "transport-rule");
			finding_set_id(f, NULL);
		}
	}
}

static void run(struct audit_ctx *ctx)
{
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		if (need_section(ctx, &check_forward_policy_open, s, s->policy.has_outbound_forwarding,
				 "policy.outbound_forwarding"))
			outbound_policies(ctx, s);
		if (need_section(ctx, &check_forward_policy_open, s, s->policy.has_remote_domains,
				 "policy.remote_domains"))
			remote_domains(ctx, s);
		if (need_section(ctx, &check_forward_policy_open, s, s->policy.has_auto_forwarding_ou,
				 "policy.auto_forwarding_ou"))
			ou_policies(ctx, s);
		if (s->has_forwards)
			transport_redirects(ctx, t);
		catch_all_redirects(ctx, t);
	}
}

const struct check_def check_forward_policy_open = {
	.id = "forward.policy-open",
	.title = "External auto-forwarding allowed broadly",
	.finds = "an outbound policy On for everyone, a remote domain with auto-forward on (one "
		 "finding per domain), a transport rule redirecting outside, a Google OU with "
		 "auto-forwarding on",
	.severity = SEV_HIGH,
	.symptom_code = NULL,
	.symptom_text = "data exfiltration risk: any user can send company mail outside",
	.evidence = "outbound spam policies, remote domains, transport rules (and transport-rule "
		    "catch-alls) redirecting outside the rule's tenant (another audited tenant is "
		    "outside the organisation), OU and group-scoped Google policies",
	.fix = &fix_remote_domain_block,
	.refs = refs_m365_forwarding,
	.run = run,
};
