/*
 * forward_policy_gws.h - the Google Workspace auto-forwarding policy that
 * governs one user (forward_policy_gws.c), for forward_policy.c and
 * forward_policy_open.c.
 */
#ifndef ALIASAUDIT_FORWARD_POLICY_GWS_H
#define ALIASAUDIT_FORWARD_POLICY_GWS_H

#include "core/audit.h"

/* gws_forwarding_policy - the policy.auto_forwarding_ou entry of s that
 * governs recipient r (may be NULL): the first group entry whose group holds
 * r, directly or through nested groups (entries are in priority order), else
 * the entry of r's OU or its nearest parent; NULL when none is set */
const struct ou_forwarding *gws_forwarding_policy(const struct audit_ctx *ctx, const struct snapshot *s,
						  const struct snapshot_recipient *r);

#endif
