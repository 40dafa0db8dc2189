/*
 * checks.h - helpers shared by the check implementations in src/checks/.
 * Not a public interface: the core sees checks only through check.h.
 */
#ifndef ALIASAUDIT_CHECKS_H
#define ALIASAUDIT_CHECKS_H

#include "core/audit.h"
#include "checks/check.h"
#include "core/graph.h"

/* the checks (catalog.c lists them) */
extern const struct check_def check_route_loop, check_route_ghost, check_route_chain,
	check_route_disabled_target, check_route_catchall_shadow, check_route_catchall,
	check_forward_blocked,
	check_forward_external_auth, check_forward_policy_open, check_sendas_alias_disabled,
	check_sendas_treat_as_alias, check_sendas_missing, check_sendas_unverified,
	check_addr_plus_disabled, check_route_platform_limit;
extern const struct check_def check_dns_mx, check_dns_spf, check_dns_dkim, check_dns_dmarc;

/* route_mark_policy_stops - mark the forwards that policy blocks as carrying
 * nothing (route_policy_stops.c); call before route_graph_scc */
void route_mark_policy_stops(struct audit_ctx *ctx);
/* platform_static_limits - the route.platform-limit findings marked on the
 * graph's edges (route_platform_static.c) */
void platform_static_limits(struct audit_ctx *ctx);

/* the documented fixes (fixes.c) */
extern const struct fix_def fix_inbox_rule_disable, fix_mailbox_forwarding_clear,
	fix_outbound_policy_scoped, fix_outbound_policy_off, fix_send_from_alias,
	fix_remote_domain_block, fix_plus_addressing_enable, fix_gws_treat_as_alias_off,
	fix_gws_sendas_create, fix_gws_sendas_verify, fix_gws_autoforward_disable,
	fix_gws_filter_remove, fix_gws_ou_autoforward_disable, fix_route_fix_target,
	fix_route_flatten, fix_route_enable_target, fix_catchall_scope, fix_group_remove_member,
	fix_transport_rule_review, fix_forward_keep_in_domain;

/* control references (fixes.c) */
extern const char *const refs_m365_forwarding[], *const refs_gws_forwarding[],
	*const refs_m365_remote_domain[], *const refs_none[];

/* fix_for_edge - the fix that removes edge e (disable the rule, clear the forward...) */
const struct fix_def *fix_for_edge(const struct route_edge *e);

/* snap_of - the snapshot that owns node n (NULL for external nodes) */
static inline struct snapshot *snap_of(const struct audit_ctx *ctx, uint32_t n)
{
	uint16_t t = ctx->graph->nodes[n].tenant;
	return t == TENANT_NONE ? NULL : ctx->snapshots[t];
}

/* provider_expects - true when a snapshot from this provider should carry the
 * named section ("policy.remote_domains", "send_as", ...) */
bool provider_expects(const struct snapshot *s, const char *section);
/* need_section - true when the section is present. Otherwise records a
 * "not evaluated" gap for check and returns false, unless the section
 * simply does not apply to this snapshot's provider. */
bool need_section(struct audit_ctx *ctx, const struct check_def *check,
		  const struct snapshot *s, bool present, const char *section);
/* gap_on_errors - record a gap for check for every collection error of s that
 * touches area (or has no area); returns true when any did */
bool gap_on_errors(struct audit_ctx *ctx, const struct check_def *check,
		   const struct snapshot *s, const char *area);

/* add_edge_hop - append the hop "e->target via e" to f */
void add_edge_hop(const struct audit_ctx *ctx, struct finding *f, const struct route_edge *e);

/* forward decisions shared by forward.blocked and forward.external-auth */
enum forward_verdict {
	FWD_NOT_AUTOMATIC,  /* not subject to auto-forwarding controls (group, transport rule) */
	FWD_ALLOWED,
	FWD_BLOCKED,
	FWD_UNKNOWN,        /* a control could not be read */
};
struct forward_decision {
	enum forward_verdict verdict;
	const char *control;          /* what decided: "outbound spam policy 'Default' (automatic)" */
	const char *control_kind;     /* "outbound-policy", "remote-domain", "ou-policy" */
	const char *policy_name;      /* the deciding policy / remote domain / OU */
	const char *missing;          /* the section that could not be read (FWD_UNKNOWN) */
	char control_buf[512];        /* storage for control when it is composed */
};
/* forward_decide - is the external forward e from tenant s allowed by s's
 * effective controls? Strings in *d are static, borrowed from s, or in d itself. */
void forward_decide(const struct audit_ctx *ctx, const struct snapshot *s,
		    const struct route_edge *e, struct forward_decision *d);
/* edge_leaves_tenant - the target's domain is not owned by the source's tenant */
bool edge_leaves_tenant(const struct audit_ctx *ctx, const struct route_edge *e);

#endif
