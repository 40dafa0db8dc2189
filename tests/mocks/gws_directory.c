/*
 * gws_directory.c - the mock Admin SDK Directory API v1: users (maxResults
 * <= 500), groups and members (<= 200), paged with an opaque nextPageToken
 * (absent on the last page), customer domains (with domainAliases) and
 * orgunits (orgUnitPath and type as documented: the root OU only with
 * allIncludingParent); fields= honoured loosely (the item keys listed in "users(...)");
 * empty aliases omitted. The token's sub must be an admin (403 forbidden
 * "Not Authorized to access this resource/api" otherwise).
 */
#include "gws_mock.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* trim_fields - keep only the keys listed in fields "...key(a,b,c)..." of each item */
static cJSON *trim_fields(cJSON *items, const char *fields, const char *key)
{
	cJSON *out = cJSON_CreateArray(), *it;
	char *want = NULL;
	if (fields) {
		char *pat = mx_fmt("%s(", key);
		const char *p = strstr(fields, pat);
		if (p) {
			p += strlen(pat);
			want = mx_fmt(",%.*s,", (int)strcspn(p, ")"), p);
		}
		free(pat);
	}
	cJSON_ArrayForEach(it, items) {
		cJSON *o = cJSON_CreateObject(), *f;
		cJSON_ArrayForEach(f, it) {
			char *k = mx_fmt(",%s,", f->string);
			bool keep = !want || strstr(want, k);
			free(k);
			/* Google omits empty lists */
			if (!keep || (cJSON_IsArray(f) && !cJSON_GetArraySize(f)))
				continue;
			cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
		}
		cJSON_AddItemToArray(out, o);
	}
	free(want);
	return out;
}

/* starts_with_members - path is /groups/{key}/members */
static bool starts_with_members(const char *path)
{
	size_t n = strlen(path);
	return !strncmp(path, "/groups/", 8) && n > 16 && !strcmp(path + n - 8, "/members");
}

/* customer_ok - the customer argument names this customer */
static bool customer_ok(const char *c)
{
	const char *id = cJSON_GetStringValue(gws_fixture_get("customer_id"));
	return c && (!strcmp(c, "my_customer") || (id && !strcmp(c, id)));
}

/* find_group - a group by id or email */
static cJSON *find_group(const char *key)
{
	cJSON *g;
	cJSON_ArrayForEach(g, gws_fixture_get("groups")) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(g, "id"));
		const char *em = cJSON_GetStringValue(cJSON_GetObjectItem(g, "email"));
		if ((id && !strcasecmp(id, key)) || (em && !strcasecmp(em, key)))
			return g;
	}
	return NULL;
}

/* ou_path_of - the path an orgUnitPath argument names: "/", "/Sales",
 * "Sales" (the documented form has no leading slash), or "id:..." (NULL
 * when no OU has that id); the caller frees */
static char *ou_path_of(const char *arg)
{
	cJSON *o;
	if (!arg || !*arg)
		return mx_strdup("/");
	if (strncmp(arg, "id:", 3))
		return arg[0] == '/' ? mx_strdup(arg) : mx_fmt("/%s", arg);
	cJSON_ArrayForEach(o, gws_fixture_get("orgunits")) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(o, "orgUnitId"));
		if (id && !strcmp(id, arg))
			return mx_strdup(cJSON_GetStringValue(cJSON_GetObjectItem(o, "orgUnitPath")));
	}
	return NULL;
}

/* orgunits - orgunits.list (Directory API reference, orgunits.list: type
 * "children" (default) immediate children only, "all" every
 * sub-organizational unit, "allIncludingParent" those and the unit itself,
 * "root if not specified"; orgUnitPath the unit whose children are listed).
 * The fixture lists every OU, the root ("/", no parent) included. The
 * snake-case "all_including_parent" is accepted too: ScubaGoggles
 * (policy_api.py, PolicyAPI._get_ou) sends it. Not paged. */
static void orgunits(struct mreq *rq, struct mresp *rs)
{
	const char *type = req_arg(rq, "type");
	char *base = ou_path_of(req_arg(rq, "orgUnitPath"));
	size_t bl = base ? strlen(base) : 0;
	bool all, parent;
	cJSON *j, *arr, *o;
	if (!type || !strcmp(type, "children"))
		all = parent = false;
	else if (!strcmp(type, "all"))
		all = true, parent = false;
	else if (!strcmp(type, "allIncludingParent") || !strcmp(type, "all_including_parent"))
		all = parent = true;
	else {
		gws_error(rs, 400, "invalid", "INVALID_ARGUMENT", "Invalid value for: type");
		free(base);
		return;
	}
	if (!base) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Org unit not found");
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "kind", "admin#directory#orgUnits");
	arr = cJSON_CreateArray();
	cJSON_ArrayForEach(o, gws_fixture_get("orgunits")) {
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(o, "orgUnitPath"));
		const char *pp = cJSON_GetStringValue(cJSON_GetObjectItem(o, "parentOrgUnitPath"));
		bool self = path && !strcmp(path, base);
		bool below = path && !self && (!strcmp(base, "/") || (!strncmp(path, base, bl) && path[bl] == '/'));
		bool child = below && pp && !strcmp(pp, base);
		if ((self && parent) || (below && (all || child)))
			cJSON_AddItemToArray(arr, cJSON_Duplicate(o, 1));
	}
	/* Google omits empty lists */
	if (cJSON_GetArraySize(arr))
		cJSON_AddItemToObject(j, "organizationUnits", arr);
	else
		cJSON_Delete(arr);
	resp_json(rs, 200, j);
	free(base);
}

/* gws_directory_handler - every /admin/directory/v1/ request */
void gws_directory_handler(struct mreq *rq, struct mresp *rs)
{
	static const char *const user_scopes[] = { "admin.directory.user.readonly", "admin.directory.user", NULL };
	static const char *const group_scopes[] = { "admin.directory.group.readonly", "admin.directory.group", NULL };
	static const char *const member_scopes[] = { "admin.directory.group.member.readonly",
		"admin.directory.group.member", "admin.directory.group.readonly", "admin.directory.group", NULL };
	static const char *const domain_scopes[] = { "admin.directory.domain.readonly", "admin.directory.domain", NULL };
	static const char *const ou_scopes[] = { "admin.directory.orgunit.readonly", "admin.directory.orgunit", NULL };
	const char *path = rq->path + strlen("/admin/directory/v1");
	const char *const *need;
	const char *cust_path = NULL;
	char *sub = NULL, *key = gws_match_key(rq), *gkey = NULL;
	size_t plen = strlen(path);
	int mal;

	if (!strcmp(path, "/users"))
		need = user_scopes;
	else if (!strcmp(path, "/groups"))
		need = group_scopes;
	else if (starts_with_members(path))
		need = member_scopes;
	else if (!strncmp(path, "/customer/", 10) && plen > 10) {
		cust_path = path + 10;
		need = strstr(cust_path, "/orgunits") ? ou_scopes : domain_scopes;
	} else {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Not Found");
		goto out;
	}
	if (!gws_check_bearer(rq->auth, need, &sub, rs))
		goto out;
	if (!gws_user(sub) || !gws_in_list("admins", sub)) {
		gws_error(rs, 403, "forbidden", "PERMISSION_DENIED", "Not Authorized to access this resource/api");
		goto out;
	}
	if (gws_inject(key, rs))
		goto out;
	if (strcmp(rq->method, "GET")) {
		gws_error(rs, 405, "methodNotAllowed", NULL, "This mock serves reads only.");
		goto out;
	}
	if (!strcmp(path, "/users") || !strcmp(path, "/groups")) {
		bool users = !strcmp(path, "/users");
		cJSON *items;
		if (!customer_ok(req_arg(rq, "customer")) && !req_arg(rq, "domain")) {
			gws_error(rs, 400, "invalid", "INVALID_ARGUMENT", "Bad Request");
			goto out;
		}
		items = trim_fields(gws_fixture_get(users ? "users" : "groups"), req_arg(rq, "fields"),
				    users ? "users" : "groups");
		gws_paginate(rq, rs, items, users ? "users" : "groups", "maxResults", users ? 100 : 200,
			     users ? 500 : 200, false, users ? "admin#directory#users" : "admin#directory#groups");
		cJSON_Delete(items);
	} else if (cust_path) {
		size_t cl = strcspn(cust_path, "/");
		char *c = mx_fmt("%.*s", (int)cl, cust_path);
		const char *what = cust_path + cl;
		if (!customer_ok(c)) {
			gws_error(rs, 404, "notFound", "NOT_FOUND", "Resource Not Found: customer");
		} else if (!strcmp(what, "/domains")) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "kind", "admin#directory#domains");
			cJSON_AddItemToObject(j, "domains", cJSON_Duplicate(gws_fixture_get("domains"), 1));
			resp_json(rs, 200, j);
		} else if (!strcmp(what, "/orgunits")) {
			orgunits(rq, rs);
		} else {
			gws_error(rs, 404, "notFound", "NOT_FOUND", "Not Found");
		}
		free(c);
	} else {
		/* /groups/{groupKey}/members */
		size_t kl = strlen(path) - strlen("/groups/") - strlen("/members");
		cJSON *g, *members, *items;
		gkey = mx_fmt("%.*s", (int)kl, path + 8);
		MHD_http_unescape(gkey);
		g = find_group(gkey);
		if (!g) {
			gws_error(rs, 404, "notFound", "NOT_FOUND", "Resource Not Found: groupKey");
			goto out;
		}
		members = cJSON_GetObjectItem(gws_fixture_get("members"),
					      cJSON_GetStringValue(cJSON_GetObjectItem(g, "email")));
		items = trim_fields(members, req_arg(rq, "fields"), "members");
		gws_paginate(rq, rs, items, "members", "maxResults", 200, 200, false, "admin#directory#members");
		cJSON_Delete(items);
	}
	mal = knobs_malformed(key);
	if (mal == 1 && rs->body_len > 2) {
		rs->body_len /= 2;
		rs->body[rs->body_len] = '\0';
	} else if (mal == 2) {
		resp_text(rs, rs->status, "application/json", "{\"users\": [ <html>Bad Gateway</html>");
	}
out:
	free(sub);
	free(key);
	free(gkey);
}
