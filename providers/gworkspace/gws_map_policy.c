/*
 * gws_map_policy.c - Cloud Identity Policy API policies to the snapshot's
 * policy.auto_forwarding_ou entries (see gws.h). Pure: no I/O.
 *
 * A policy names its organisational unit as "orgUnits/<id>" (the Directory
 * orgUnitId without "id:") and, for a configuration group, also "groups/<id>".
 * Ids are resolved against the Directory's own lists: orgunits read with
 * type=allIncludingParent (so the root OU is among them) and groups.list.
 * A policy whose OU or group no longer exists is ignored: ScubaGoggles
 * (scubagoggles/policy_api.py, PolicyAPI._reduce) skips "lingering policies
 * that apply to OUs that no longer exist" (recently deleted OUs); a deleted
 * group likewise has no members left to govern. A policy without an orgUnit
 * is the top-level OU's (same source).
 *
 * Precedence (Google Workspace Admin Help "Customize service settings using
 * configuration groups", support.google.com/a/answer/9224126): a user's group
 * settings always override their OU's; among groups the one of highest
 * priority wins, i.e. the greatest sortOrder (Cloud Identity "Policy API
 * concepts", reducers). Group entries are therefore written after the OU
 * entries, highest sortOrder first: the first group entry whose group holds
 * a user (nested groups included) is that user's policy.
 */
#include "gws.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define A(b) (&(b)->s->arena)

/* strip_prefix - "id:X" and "<prefix>X" to "X" */
static const char *strip_prefix(const char *s, const char *prefix)
{
	if (starts_with(s, "id:"))
		return s + 3;
	if (starts_with(s, prefix))
		return s + strlen(prefix);
	return s;
}

/* find_ou - the orgUnitPath of OU id in ous, or NULL */
static const char *find_ou(const cJSON *ous, const char *id)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, ous) {
		const char *oid = gws_json_str(o, "orgUnitId");
		if (oid && !strcmp(strip_prefix(oid, "orgUnits/"), id))
			return gws_json_str(o, "orgUnitPath");
	}
	return NULL;
}

/* find_group - the email of group id in groups, or NULL */
static const char *find_group(const cJSON *groups, const char *id)
{
	const cJSON *g;
	cJSON_ArrayForEach(g, groups) {
		const char *gid = gws_json_str(g, "id");
		if (gid && !strcmp(gid, id))
			return gws_json_str(g, "email");
	}
	return NULL;
}

/* put_entry - set (or add) the entry for OU path or group address: the
 * greatest sortOrder wins among policies for the same target */
static void put_entry(struct gws_build *b, const char *ou, const char *group, bool enabled, double order)
{
	struct ou_forwarding *e;
	for (size_t i = 0; i < b->nr_ou; i++) {
		e = &b->ou[i];
		if (group ? !e->group || strcmp(e->group, group) : e->group || strcmp(e->org_unit, ou))
			continue;
		if (order >= b->ou_order[i]) {
			e->enabled = enabled;
			b->ou_order[i] = order;
		}
		return;
	}
	{
		size_t alloc = b->alloc_ou;
		ALLOC_GROW(b->ou, b->nr_ou + 1, b->alloc_ou);
		if (alloc != b->alloc_ou)
			b->ou_order = xreallocarray(b->ou_order, b->alloc_ou, sizeof(*b->ou_order));
	}
	e = &b->ou[b->nr_ou];
	memset(e, 0, sizeof(*e));
	e->org_unit = group ? NULL : arena_strdup(A(b), ou);
	e->group = group ? arena_strdup(A(b), group) : NULL;
	e->enabled = enabled;
	b->ou_order[b->nr_ou++] = order;
}

/* resolve_group - the group address of policyQuery.group g into *addr (NULL
 * when the group no longer exists); -1 with *err when it cannot be known */
static int resolve_group(const struct gws_policy_ctx *ctx, const char *name, const char *g,
			 const char **addr, char **err)
{
	*addr = NULL;
	if (!starts_with(g, "groups/")) {
		/* a non-id value such as WORKSPACE_ALL_ADMIN_GROUP (ScubaGoggles
		 * keeps it as a name): whom it covers is not listed anywhere */
		*err = xstrfmt("policy %s applies to group '%s', which the Directory does not list: "
			       "whose forwarding it governs is unknown", name, g);
		return -1;
	}
	if (!ctx->groups_read) {
		*err = xstrfmt("policy %s applies to %s, but the groups could not be read", name, g);
		return -1;
	}
	*addr = find_group(ctx->groups, g + 7);
	return 0;
}

/* gws_add_policy - see gws.h */
int gws_add_policy(struct gws_build *b, const cJSON *p, struct gws_policy_ctx *ctx, char **err)
{
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(p, "setting");
	const cJSON *pq = cJSON_GetObjectItemCaseSensitive(p, "policyQuery");
	const cJSON *val = cJSON_GetObjectItemCaseSensitive(set, "value"), *so, *en;
	const char *type = gws_json_str(set, "type"), *ou = gws_json_str(pq, "orgUnit");
	const char *group = gws_json_str(pq, "group"), *name = gws_json_str(p, "name");
	const char *path = "/", *addr = NULL;
	if (!type || strcmp(type, "settings/gmail.auto_forwarding"))
		return 0;
	if (!name)
		name = "?";
	en = cJSON_GetObjectItemCaseSensitive(val, "enableAutoForwarding");
	if (en && !cJSON_IsBool(en)) {
		*err = xstrfmt("policy %s: enableAutoForwarding is not a boolean", name);
		return -1;
	}
	if (group) {
		if (resolve_group(ctx, name, group, &addr, err) < 0)
			return -1;
		if (!addr) {
			ctx->stale++;
			return 0;
		}
	} else if (ou) {
		if (!ctx->ous_read) {
			*err = xstrfmt("policy %s applies to %s, but the organisational units could not be read",
				       name, ou);
			return -1;
		}
		path = find_ou(ctx->ous, strip_prefix(ou, "orgUnits/"));
		if (!path) {
			ctx->stale++;
			return 0;
		}
	}
	so = cJSON_GetObjectItemCaseSensitive(pq, "sortOrder");
	/* absent enableAutoForwarding: Google's default, allowed */
	put_entry(b, path, addr, !en || cJSON_IsTrue(en), cJSON_IsNumber(so) ? so->valuedouble : 0);
	return 0;
}

/* before - entry a (sortOrder oa) goes strictly before b (ob) */
static bool before(const struct ou_forwarding *a, double oa, const struct ou_forwarding *b, double ob)
{
	if (!a->group)
		return b->group != NULL;
	return b->group && oa > ob;
}

/* gws_policy_order - see gws.h */
void gws_policy_order(struct gws_build *b)
{
	/* a stable insertion sort: a customer has a handful of these */
	for (size_t i = 1; i < b->nr_ou; i++) {
		struct ou_forwarding e = b->ou[i];
		double o = b->ou_order[i];
		size_t j = i;
		for (; j > 0 && before(&e, o, &b->ou[j - 1], b->ou_order[j - 1]); j--) {
			b->ou[j] = b->ou[j - 1];
			b->ou_order[j] = b->ou_order[j - 1];
		}
		b->ou[j] = e;
		b->ou_order[j] = o;
	}
}
