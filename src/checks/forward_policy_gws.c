/*
 * forward_policy_gws.c - which Google Workspace auto-forwarding policy
 * governs a user (see forward_policy_gws.h).
 *
 * Google Workspace Admin Help "Customize service settings using
 * configuration groups" (support.google.com/a/answer/9224126): a user's
 * group settings always override their organisational unit's; a user in
 * several configuration groups gets the setting of the highest-priority one;
 * configuration groups can contain groups (nested). The provider writes
 * group entries after OU entries, highest priority first (snapshot.md §9),
 * so the first group entry holding the user wins. Without one, the policy of
 * the user's OU applies, inherited from the nearest parent OU.
 */
#include "checks/forward_policy_gws.h"
#include "core/graph.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* groups followed from one configuration group: nesting deeper than this
 * is not looked into (a cycle of groups ends here too) */
#define GROUP_WALK_MAX 256

/* has_address - addr is r's primary address or one of its aliases */
static bool has_address(const struct snapshot_recipient *r, const char *addr)
{
	if (str_eq_nocase(r->address, addr))
		return true;
	for (size_t i = 0; i < r->nr_aliases; i++)
		if (str_eq_nocase(r->aliases[i], addr))
			return true;
	return false;
}

/* group_of - the group recipient of tenant t that addr names exactly, or NULL */
static const struct snapshot_recipient *group_of(const struct route_graph *g, uint16_t t, const char *addr)
{
	enum match_step step;
	uint32_t n = route_lookup(g, addr, &step);
	const struct route_node *node;
	if (n == NODE_NONE || n >= g->nr_nodes || step != MATCH_EXACT)
		return NULL;
	node = &g->nodes[n];
	return node->tenant == t && node->recipient && node->recipient->kind == RK_GROUP ? node->recipient : NULL;
}

/* member_of - r is in group (tenant t), directly or through nested groups */
static bool member_of(const struct route_graph *g, uint16_t t, const struct snapshot_recipient *group,
		      const struct snapshot_recipient *r)
{
	const struct snapshot_recipient *todo[GROUP_WALK_MAX];
	size_t nr = 0, next = 0;
	todo[nr++] = group;
	while (next < nr) {
		const struct snapshot_recipient *gr = todo[next++];
		for (size_t m = 0; m < gr->nr_members; m++) {
			const struct snapshot_recipient *sub;
			bool seen = false;
			if (has_address(r, gr->members[m]))
				return true;
			if (!(sub = group_of(g, t, gr->members[m])))
				continue;
			for (size_t k = 0; k < nr && !seen; k++)
				seen = todo[k] == sub;
			if (!seen && nr < GROUP_WALK_MAX)
				todo[nr++] = sub;
		}
	}
	return false;
}

/* tenant_of - the graph's index of snapshot s */
static uint16_t tenant_of(const struct audit_ctx *ctx, const struct snapshot *s)
{
	for (size_t i = 0; i < ctx->nr_snapshots; i++)
		if (ctx->snapshots[i] == s)
			return (uint16_t)i;
	return UINT16_MAX;
}

/* ou_entry - the OU entry governing org unit ou (nearest parent), or NULL */
static const struct ou_forwarding *ou_entry(const struct snapshot *s, const char *ou)
{
	char path[512];
	snprintf(path, sizeof(path), "%s", ou && *ou ? ou : "/");
	for (;;) {
		for (size_t i = 0; i < s->policy.nr_auto_forwarding_ou; i++) {
			const struct ou_forwarding *e = &s->policy.auto_forwarding_ou[i];
			if (!e->group && e->org_unit && !strcmp(e->org_unit, path))
				return e;
		}
		char *slash = strrchr(path, '/');
		if (!strcmp(path, "/") || !slash)
			return NULL;
		if (slash == path)
			path[1] = '\0';
		else
			*slash = '\0';
	}
}

/* gws_forwarding_policy - see forward_policy_gws.h */
const struct ou_forwarding *gws_forwarding_policy(const struct audit_ctx *ctx, const struct snapshot *s,
						  const struct snapshot_recipient *r)
{
	uint16_t t = tenant_of(ctx, s);
	for (size_t i = 0; r && t != UINT16_MAX && i < s->policy.nr_auto_forwarding_ou; i++) {
		const struct ou_forwarding *e = &s->policy.auto_forwarding_ou[i];
		const struct snapshot_recipient *gr;
		if (e->group && (gr = group_of(ctx->graph, t, e->group)) && member_of(ctx->graph, t, gr, r))
			return e;
	}
	return ou_entry(s, r ? r->org_unit : NULL);
}
