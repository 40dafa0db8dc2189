/*
 * gws_collect.c - read one Google Workspace customer into a snapshot.
 *
 * Three rounds, each as parallel as the HTTP client allows:
 *  1. Directory (admin subject): users (maxResults 500), groups (200),
 *     domains with their aliases, organisational units (type
 *     allIncludingParent: the root too); and the Cloud Identity Policy API
 *     (super admin subject): settings/gmail.auto_forwarding (pageSize 100,
 *     about 1 s between pages, its read quota waited out within a bound).
 *     All paged by nextPageToken, with fields= to trim the answers.
 *  2. Directory: the members of each group (200 per page).
 *  3. Gmail settings of every mailbox (gws_collect_gmail.c).
 * Anything that still fails after retries becomes a snapshot error naming its
 * area (and the one user, when it is limited to one); a credential failure
 * of the admin subjects ends the collection (-1: exit 2). A user without
 * Gmail (isMailboxSetup false, or 400 failedPrecondition) is recorded as
 * has_mailbox false.
 */
#include "gws.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

enum { P_USERS, P_GROUPS, P_DOMAINS, P_OUS, P_POLICY, NR_P };

/* round1_setup - the five lists of round 1 */
static void round1_setup(struct gws_session *gs, struct gws_pager *p, struct http_auth *admin,
			 struct http_auth *super)
{
	char *cust = http_url_escape(gs->customer);
	char *filter = http_url_escape("setting.type.matches('settings/gmail.auto_forwarding')");
	memset(p, 0, NR_P * sizeof(*p));
	p[P_USERS].url = xstrfmt("%s/admin/directory/v1/users?customer=%s&maxResults=%d&projection=basic"
				 "&fields=nextPageToken,users(id,primaryEmail,aliases,nonEditableAliases,suspended,"
				 "archived,orgUnitPath,isMailboxSetup)", gs->admin_url, cust, GWS_USERS_PAGE);
	p[P_USERS].key = "users";
	p[P_GROUPS].url = xstrfmt("%s/admin/directory/v1/groups?customer=%s&maxResults=%d"
				  "&fields=nextPageToken,groups(id,email,aliases,nonEditableAliases)",
				  gs->admin_url, cust, GWS_GROUPS_PAGE);
	p[P_GROUPS].key = "groups";
	p[P_DOMAINS].url = xstrfmt("%s/admin/directory/v1/customer/%s/domains", gs->admin_url, cust);
	p[P_DOMAINS].key = "domains";
	/* "allIncludingParent: all sub-organizational units and the specified
	 * organizational unit (root if not specified)" (Directory API
	 * orgunits.list); "all" leaves the root out, and a customer with only
	 * the root OU then has none (ScubaGoggles reads them this way too) */
	p[P_OUS].url = xstrfmt("%s/admin/directory/v1/customer/%s/orgunits?type=allIncludingParent",
			       gs->admin_url, cust);
	p[P_OUS].key = "organizationUnits";
	p[P_POLICY].url = xstrfmt("%s/v1/policies?pageSize=%d&filter=%s", gs->ci_url, GWS_POLICY_PAGE, filter);
	p[P_POLICY].key = "policies";
	p[P_POLICY].delay_ms = gs->policy_delay_ms;
	p[P_POLICY].quota = &gs->quota;
	for (int i = 0; i < NR_P; i++) {
		p[i].auth = i == P_POLICY ? super : admin;
		p[i].max_pages = gs->max_pages;
	}
	free(filter);
	free(cust);
}

/* map_list - each item of pager p through add (its errors under area) */
static void map_list(struct gws_build *b, const struct gws_pager *p, const char *what, const char *area,
		     int (*add)(struct gws_build *b, const cJSON *o, char **err))
{
	const cJSON *o;
	if (p->error) {
		snapshot_add_error(b->s, what, p->error, area, NULL);
		return;
	}
	cJSON_ArrayForEach(o, p->items) {
		char *e = NULL;
		if (add(b, o, &e) < 0) {
			snapshot_add_error(b->s, what, e, area, NULL);
			free(e);
		}
	}
}

/* add_user - gws_add_user as a map_list step */
static int add_user(struct gws_build *b, const cJSON *o, char **err)
{
	return gws_add_user(b, o, err) < 0 ? -1 : 0;
}

/* read_members - round 2: members[i] for group i of groups (NULL when unread) */
static int read_members(struct gws_session *gs, struct snapshot *s, struct http_auth *auth,
			const cJSON *groups, cJSON **members, char **err)
{
	size_t n = (size_t)cJSON_GetArraySize(groups), i = 0;
	struct gws_pager *p = xcalloc(n ? n : 1, sizeof(*p));
	const cJSON *g;
	int ret = 0;
	cJSON_ArrayForEach(g, groups) {
		const char *key = gws_json_str(g, "id") ? gws_json_str(g, "id") : gws_json_str(g, "email");
		char *ek = http_url_escape(key ? key : "");
		p[i].url = xstrfmt("%s/admin/directory/v1/groups/%s/members?maxResults=%d"
				   "&fields=nextPageToken,members(email,type,role,status)",
				   gs->admin_url, ek, GWS_GROUPS_PAGE);
		p[i].key = "members";
		p[i].auth = auth;
		p[i].max_pages = gs->max_pages;
		free(ek);
		i++;
	}
	gws_pager_run(gs->http, p, n);
	for (i = 0; i < n; i++) {
		if (p[i].auth_failed && !ret) {
			*err = xstrdup(p[i].error);
			ret = -1;
		}
		if (p[i].error) {
			const char *addr = gws_json_str(cJSON_GetArrayItem(groups, (int)i), "email");
			char *obj = xstrfmt("members of group %s", addr ? addr : "?");
			snapshot_add_error(s, obj, p[i].error, "recipients", addr);
			free(obj);
		} else {
			members[i] = p[i].items;
			p[i].items = NULL;
		}
		gws_pager_release(&p[i]);
	}
	free(p);
	return ret;
}

/* map_groups - the groups of round 1 with their members of round 2 */
static void map_groups(struct gws_build *b, const struct gws_pager *pg, cJSON **members)
{
	const cJSON *o;
	size_t i = 0;
	if (pg->error) {
		snapshot_add_error(b->s, "groups (Directory groups.list)", pg->error, "recipients", NULL);
		return;
	}
	cJSON_ArrayForEach(o, pg->items) {
		char *e = NULL;
		if (gws_add_group(b, o, members[i++], &e) < 0) {
			snapshot_add_error(b->s, "a group", e, "recipients", NULL);
			free(e);
		}
	}
}

/* map_policies - the auto-forwarding policies, placed on OUs and groups */
static void map_policies(struct gws_build *b, const struct gws_pager *p)
{
	static const char area[] = "policy.auto_forwarding_ou";
	struct gws_policy_ctx ctx = {
		.ous = p[P_OUS].items, .groups = p[P_GROUPS].items,
		.ous_read = !p[P_OUS].error, .groups_read = !p[P_GROUPS].error,
	};
	const cJSON *o;
	bool ok = true;
	if (p[P_POLICY].error) {
		snapshot_add_error(b->s, "OU auto-forwarding policy (Cloud Identity Policy API)", p[P_POLICY].error,
				   area, NULL);
		return;
	}
	cJSON_ArrayForEach(o, p[P_POLICY].items) {
		char *e = NULL;
		if (gws_add_policy(b, o, &ctx, &e) < 0) {
			snapshot_add_error(b->s, "OU auto-forwarding policy", e, area, NULL);
			free(e);
			ok = false;
		}
	}
	gws_policy_order(b);
	b->s->policy.has_auto_forwarding_ou = ok;
}

/* map_catch_all - catch-all / default routing declared in the config (no
 * API exposes it) */
static void map_catch_all(struct gws_session *gs, struct gws_build *b)
{
	for (size_t i = 0; i < gs->nr_catch_all; i++) {
		char *e = NULL;
		if (gws_parse_catch_all(b, gs->catch_all[i], &e) < 0) {
			snapshot_add_error(b->s, "catch-all (config)", e, "policy.catch_all", NULL);
			free(e);
		}
	}
	b->s->policy.has_catch_all = gs->nr_catch_all > 0;
}

/* round1_fatal - a credential failure, or an admin subject that may read
 * nothing: the message (caller frees), else NULL */
static char *round1_fatal(const struct gws_session *gs, const struct gws_pager *p)
{
	for (int i = 0; i < NR_P; i++)
		if (p[i].auth_failed)
			return xstrdup(p[i].error);
	if (p[P_USERS].status == 403 && p[P_GROUPS].status == 403)
		return xstrfmt("admin_subject %s may not read the Directory (%s): name an administrator with "
			       "the Users and Groups read privileges", gs->admin_subject, p[P_USERS].error);
	return NULL;
}

/* users_unread - the user list failed: so did every Gmail area */
static void users_unread(struct snapshot *s, const char *why)
{
	static const char *const areas[] = { "forwards", "send_as", "auto_replies" };
	snapshot_add_error(s, "users (Directory users.list)", why, "recipients", NULL);
	for (size_t i = 0; i < ARRAY_SIZE(areas); i++)
		snapshot_add_error(s, "Gmail settings", "the user list could not be read", areas[i], NULL);
}

/* gws_collect - see gws.h */
int gws_collect(struct provider_session *ps, struct snapshot **out, char **err)
{
	struct gws_session *gs = (struct gws_session *)ps;
	struct snapshot *s = snapshot_new(ps->tenant->name, "gworkspace");
	struct gws_build b = { .s = s };
	struct gws_pager p[NR_P];
	struct gws_token *admin = gws_auth_token(gs->auth, gs->admin_subject, GWS_SCOPES_DIRECTORY);
	struct gws_token *super = gws_auth_token(gs->auth, gs->super_admin_subject, GWS_SCOPES_POLICY);
	cJSON **members = NULL;
	size_t ngroups = 0, nusers;
	char now[21];
	time_t t = 0;
	int ret = -1;

	iso8601_now(now);
	s->collected_at = arena_strdup(&s->arena, now);
	if (gws_parse_rfc3339(now, &t, NULL) < 0)
		t = time(NULL);
	b.now_ms = (long long)t * 1000;

	round1_setup(gs, p, &admin->base, &super->base);
	gws_pager_run(gs->http, p, NR_P);
	if ((*err = round1_fatal(gs, p)))
		goto out;
	map_list(&b, &p[P_DOMAINS], "domains (Directory domains.list)", "domains", gws_add_domain);

	/* round 2: group members */
	if (!p[P_GROUPS].error) {
		ngroups = (size_t)cJSON_GetArraySize(p[P_GROUPS].items);
		members = xcalloc(ngroups ? ngroups : 1, sizeof(*members));
		if (read_members(gs, s, &admin->base, p[P_GROUPS].items, members, err) < 0)
			goto out;
	}

	/* recipients: users first (their indexes are used by round 3), then groups */
	if (p[P_USERS].error)
		users_unread(s, p[P_USERS].error);
	else
		map_list(&b, &p[P_USERS], "a user", "recipients", add_user);
	nusers = b.nr_rcp;
	map_groups(&b, &p[P_GROUPS], members);
	map_policies(&b, p);
	map_catch_all(gs, &b);

	/* round 3: Gmail settings */
	s->has_forwards = s->has_send_as = s->has_auto_replies = true;
	if (!p[P_USERS].error && gws_read_gmail(gs, &b, nusers, err) < 0)
		goto out;

	gws_build_finish(&b);
	*out = s;
	s = NULL;
	ret = (*out)->complete ? 0 : 1;
out:
	gws_build_release(&b);
	snapshot_free(s);
	for (int i = 0; i < NR_P; i++)
		gws_pager_release(&p[i]);
	for (size_t i = 0; members && i < ngroups; i++)
		cJSON_Delete(members[i]);
	free(members);
	return ret;
}
