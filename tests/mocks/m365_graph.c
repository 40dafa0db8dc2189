/*
 * m365_graph.c - the mock Microsoft Graph v1.0: /users ($select, $top <= 999,
 * absolute @odata.nextLink with an opaque $skiptoken, accountEnabled and
 * proxyAddresses only when selected), /domains, per-user
 * mailFolders/inbox/messageRules and mailboxSettings (404
 * MailboxNotEnabledForRESTAPI without a mailbox), and $batch (at most 20
 * items, answered in shuffled order, per-item 429 with Retry-After from the
 * knobs), GET and PATCH of one messageRule (PATCH changes the live tenant:
 * only the supplied properties, complex ones replaced wholesale; it needs an
 * app with MailboxSettings.ReadWrite, else 403 ErrorAccessDenied). Every
 * request needs a live Graph token.
 */
#include "m365_mock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const default_props[] = {
	"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", NULL,
};

/* graph_error - {"error":{code,message,innerError}} */
static void graph_error(struct mresp *rs, unsigned status, const char *code, const char *msg)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error"), *ie;
	char *rid = mock_random_hex(16);
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	ie = cJSON_AddObjectToObject(e, "innerError");
	cJSON_AddStringToObject(ie, "date", "2026-11-26T06:00:00");
	cJSON_AddStringToObject(ie, "request-id", rid);
	resp_json(rs, status, j);
	free(rid);
}

/* graph_obj - the fixture's graph section member */
static cJSON *graph_obj(const char *key)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(m365_fixture(), "graph"), key);
}

/* find_user - a user by id or userPrincipalName */
static cJSON *find_user(const char *key)
{
	/* indexed for large fixtures (mock_index.c) */
	cJSON *u = mock_array_find(graph_obj("users"), "id", key);
	return u ? u : mock_array_find(graph_obj("users"), "userPrincipalName", key);
}

/* find_rule - the inbox rule id of user u, or NULL */
static cJSON *find_rule(cJSON *u, const char *id)
{
	cJSON *upn = cJSON_GetObjectItem(u, "userPrincipalName"), *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(graph_obj("messageRules"),
						  cJSON_IsString(upn) ? upn->valuestring : "")) {
		cJSON *rid = cJSON_GetObjectItem(r, "id");
		if (cJSON_IsString(rid) && !strcmp(rid->valuestring, id))
			return r;
	}
	return NULL;
}

/* m365_graph_patch_rule - see m365_mock.h */
void m365_graph_patch_rule(const char *user, const char *rule_id, const cJSON *body,
			   struct mresp *rs)
{
	static const struct { const char *name; int type; } props[] = {
		{ "displayName", cJSON_String }, { "sequence", cJSON_Number },
		{ "isEnabled", cJSON_True | cJSON_False }, { "conditions", cJSON_Object },
		{ "exceptions", cJSON_Object }, { "actions", cJSON_Object },
	};
	cJSON *u, *r, *p;
	m365_state_wrlock();
	if (!(u = find_user(user))) {
		graph_error(rs, 404, "ErrorInvalidUser", "The requested user is invalid.");
		goto out;
	}
	if (!(r = find_rule(u, rule_id))) {
		graph_error(rs, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
		goto out;
	}
	if (!cJSON_IsObject(body)) {
		graph_error(rs, 400, "RequestBodyRead", "Invalid JSON in the request body.");
		goto out;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItem(r, "isReadOnly"))) {
		graph_error(rs, 403, "ErrorAccessDenied", "The rule is read-only and can't be modified through REST.");
		goto out;
	}
	cJSON_ArrayForEach(p, body) {
		bool ok = false;
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
			if (!strcmp(p->string, props[i].name))
				ok = (p->type & 0xff & props[i].type) != 0;
		if (!ok) {
			char *m = mx_fmt("The property '%s' does not exist on type 'microsoft.graph.messageRule' "
					 "or cannot be written with this value.", p->string);
			graph_error(rs, 400, "RequestBodyRead", m);
			free(m);
			goto out;
		}
	}
	/* only the supplied properties change; complex ones are replaced wholesale */
	cJSON_ArrayForEach(p, body) {
		cJSON *c = cJSON_Duplicate(p, 1);
		if (cJSON_GetObjectItem(r, p->string))
			cJSON_ReplaceItemInObjectCaseSensitive(r, p->string, c);
		else
			cJSON_AddItemToObject(r, p->string, c);
	}
	resp_json(rs, 200, cJSON_Duplicate(r, 1));
out:
	m365_state_unlock();
}

/* patch_rule - PATCH /v1.0/users/{id}/mailFolders/inbox/messageRules/{ruleId} */
static void patch_rule(struct mreq *rq, struct mresp *rs, const char *key)
{
	const char *p = rq->path + strlen("/v1.0/users/"), *slash = strchr(p, '/');
	const char *mid = "/mailFolders/inbox/messageRules/";
	char *user;
	cJSON *body;
	if (strncmp(rq->path, "/v1.0/users/", 12) || !slash || strncmp(slash, mid, strlen(mid)) ||
	    !slash[strlen(mid)] || strchr(slash + strlen(mid), '/')) {
		graph_error(rs, 405, "BadRequest", "This mock patches inbox rules only.");
		return;
	}
	user = strndup(p, (size_t)(slash - p));
	if (!m365_bearer_may_write(rq, "graph")) {
		graph_error(rs, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
	} else {
		m365_write_pause();
		if (!knobs_inject(key, rs)) {
			body = cJSON_ParseWithLength(rq->body, rq->body_len);
			m365_graph_patch_rule(user, slash + strlen(mid), body, rs);
			cJSON_Delete(body);
		}
	}
	{
		char *id = mx_fmt("%s %s", user, slash + strlen(mid));
		m365_log_write("PATCH messageRule", id, rs->status);
		free(id);
	}
	free(user);
}

/* selected - the user property is in $select (or in the default set) */
static bool selected(const char *sel, const char *prop)
{
	if (!sel) {
		for (int i = 0; default_props[i]; i++)
			if (!strcmp(default_props[i], prop))
				return true;
		return false;
	}
	if (!strcmp(prop, "id"))
		return true;
	for (const char *p = sel; *p; ) {
		size_t n = strcspn(p, ",");
		if (n == strlen(prop) && !strncasecmp(p, prop, n))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* list_users - GET /users */
static void list_users(struct mreq *rq, struct mresp *rs)
{
	const char *sel = req_arg(rq, "$select"), *top = req_arg(rq, "$top"), *skip = req_arg(rq, "$skiptoken");
	long ntop = 100, off = 0, cap = knobs_max_page(), total, i;
	int nx;
	cJSON *users = graph_obj("users"), *j, *val, *u;
	char *base, *ctx;
	if (top) {
		char *end;
		ntop = strtol(top, &end, 10);
		if (*end || ntop < 1 || ntop > 999) {
			char *m = mx_fmt("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", top);
			graph_error(rs, 400, "Request_UnsupportedQuery", m);
			free(m);
			return;
		}
	}
	if (skip) {
		unsigned long o;
		char tail[32];
		if (sscanf(skip, "X%lxZ%31s", &o, tail) != 2) {
			graph_error(rs, 400, "Directory_InvalidSkipToken", "The specified page token value has expired or is invalid.");
			return;
		}
		off = (long)(o ^ 0x5a5aUL);
	}
	if (cap > 0 && ntop > cap)
		ntop = cap;
	total = cJSON_GetArraySize(users);
	j = cJSON_CreateObject();
	base = mock_base(rq);
	ctx = sel ? mx_fmt("%s/v1.0/$metadata#users(%s)", base, sel) : mx_fmt("%s/v1.0/$metadata#users", base);
	cJSON_AddStringToObject(j, "@odata.context", ctx);
	free(ctx);
	/* knob "next" (a server paging loop, see m365_exo.c): "repeat" serves the
	 * same link again and again, "endless" empty pages without end */
	nx = knobs_next(rq->path);
	if (off + ntop < total || nx) {
		char *rnd = nx == 1 ? mx_strdup("loop") : mock_random_hex(6);
		char *link = mx_fmt("%s/v1.0/users?%s%s%s$top=%ld&$skiptoken=X%lxZ%s", base,
				    sel ? "$select=" : "", sel ? sel : "", sel ? "&" : "", ntop,
				    (unsigned long)(nx == 1 ? ntop : off + ntop) ^ 0x5a5aUL, rnd);
		cJSON_AddStringToObject(j, "@odata.nextLink", link);
		free(link);
		free(rnd);
	}
	val = cJSON_AddArrayToObject(j, "value");
	for (i = off; i < off + ntop && i < total; i++) {
		cJSON *o = cJSON_CreateObject(), *p;
		u = mock_array_at(users, i);
		cJSON_ArrayForEach(p, u)
			if (p->string[0] != '_' && selected(sel, p->string))
				cJSON_AddItemToObject(o, p->string, cJSON_Duplicate(p, 1));
		cJSON_AddItemToArray(val, o);
	}
	free(base);
	resp_json(rs, 200, j);
}

/* collection - {"@odata.context", "value": copy of arr} */
static void collection(struct mreq *rq, struct mresp *rs, const char *what, cJSON *arr)
{
	cJSON *j = cJSON_CreateObject();
	char *base = mock_base(rq), *ctx = mx_fmt("%s/v1.0/$metadata#%s", base, what);
	cJSON_AddStringToObject(j, "@odata.context", ctx);
	cJSON_AddItemToObject(j, "value", arr ? cJSON_Duplicate(arr, 1) : cJSON_CreateArray());
	resp_json(rs, 200, j);
	free(base);
	free(ctx);
}

/* user_sub - GET /users/{id}/mailFolders/inbox/messageRules or /mailboxSettings */
static void user_sub(struct mreq *rq, struct mresp *rs, const char *rest)
{
	const char *slash = strchr(rest, '/');
	char *key = slash ? strndup(rest, (size_t)(slash - rest)) : mx_strdup(rest);
	cJSON *u = find_user(key), *upn, *mbx;
	const char *sub = slash ? slash : "";
	if (!u) {
		char *m = mx_fmt("Resource '%s' does not exist or one of its queried reference-property objects are not present.", key);
		graph_error(rs, 404, "Request_ResourceNotFound", m);
		free(m);
		goto out;
	}
	upn = cJSON_GetObjectItem(u, "userPrincipalName");
	mbx = mock_object_get(graph_obj("mailboxSettings"), cJSON_IsString(upn) ? upn->valuestring : "");
	if (!strcmp(sub, "/mailFolders/inbox/messageRules") || !strcmp(sub, "/mailboxSettings")) {
		if (!mbx) {
			graph_error(rs, 404, "MailboxNotEnabledForRESTAPI",
				    "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
			goto out;
		}
		if (!strcmp(sub, "/mailboxSettings")) {
			cJSON *j = cJSON_Duplicate(mbx, 1);
			char *base = mock_base(rq), *ctx = mx_fmt("%s/v1.0/$metadata#users('%s')/mailboxSettings", base, key);
			cJSON_AddStringToObject(j, "@odata.context", ctx);
			resp_json(rs, 200, j);
			free(base);
			free(ctx);
		} else {
			char *what = mx_fmt("users('%s')/mailFolders('inbox')/messageRules", key);
			collection(rq, rs, what, mock_object_get(graph_obj("messageRules"), upn->valuestring));
			free(what);
		}
		goto out;
	}
	if (!strncmp(sub, "/mailFolders/inbox/messageRules/", 32) && sub[32]) {
		cJSON *r = find_rule(u, sub + 32);
		if (!mbx) {
			graph_error(rs, 404, "MailboxNotEnabledForRESTAPI",
				    "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
		} else if (!r) {
			graph_error(rs, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
		} else {
			cJSON *j = cJSON_Duplicate(r, 1);
			char *base = mock_base(rq);
			char *ctx = mx_fmt("%s/v1.0/$metadata#users('%s')/mailFolders('inbox')/messageRules/$entity", base, key);
			cJSON_AddStringToObject(j, "@odata.context", ctx);
			resp_json(rs, 200, j);
			free(base);
			free(ctx);
		}
		goto out;
	}
	graph_error(rs, 400, "BadRequest", "Resource not found for the segment.");
out:
	free(key);
}

/* graph_get - a GET on the Graph surface (direct or from a batch) */
static void graph_get(struct mreq *rq, struct mresp *rs)
{
	const char *p = rq->path + strlen("/v1.0");
	if (!strcmp(p, "/users"))
		list_users(rq, rs);
	else if (!strcmp(p, "/domains"))
		collection(rq, rs, "domains", graph_obj("domains"));
	else if (!strncmp(p, "/users/", 7))
		user_sub(rq, rs, p + 7);
	else
		graph_error(rs, 400, "BadRequest", "Resource not found for the segment.");
}

/* match_key - what knob rules match: path?query */
static char *match_key(const struct mreq *rq)
{
	char *k = mx_strdup(rq->path);
	for (size_t i = 0; i < rq->nr_args; i++) {
		char *n = mx_fmt("%s%c%s=%s", k, i ? '&' : '?', rq->args[i].key, rq->args[i].value);
		free(k);
		k = n;
	}
	return k;
}

/* batch - POST /v1.0/$batch */
static void batch(struct mreq *rq, struct mresp *rs)
{
	cJSON *in = cJSON_ParseWithLength(rq->body, rq->body_len), *reqs = cJSON_GetObjectItem(in, "requests");
	cJSON *out, *resps, *it;
	int n = cJSON_GetArraySize(reqs);
	cJSON **items;
	if (!cJSON_IsArray(reqs)) {
		graph_error(rs, 400, "BadRequest", "Invalid batch payload format.");
		goto done;
	}
	if (n > 20) {
		graph_error(rs, 400, "BadRequest", "Too many requests in the batch; at most 20 are allowed.");
		goto done;
	}
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++) {
			cJSON *ia = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, a), "id");
			cJSON *ib = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, b), "id");
			if (!cJSON_IsString(ia) || !cJSON_IsString(ib) || !strcasecmp(ia->valuestring, ib->valuestring)) {
				graph_error(rs, 400, "BadRequest", "Batch request ids must be unique strings.");
				goto done;
			}
		}
	items = mx_malloc((size_t)(n ? n : 1) * sizeof(*items));
	for (int i = 0; i < n; i++) {
		cJSON *r = cJSON_GetArrayItem(reqs, i), *o = cJSON_CreateObject(), *h;
		cJSON *id = cJSON_GetObjectItem(r, "id"), *m = cJSON_GetObjectItem(r, "method"), *u = cJSON_GetObjectItem(r, "url");
		struct mreq sub = { 0 };
		struct mresp srs = { 0 };
		const char *url = cJSON_IsString(u) ? u->valuestring : "";
		const char *q = strchr(url, '?');
		char *path = mx_fmt("/v1.0%.*s", (int)(q ? (size_t)(q - url) : strlen(url)), url);
		char *key;
		cJSON_AddStringToObject(o, "id", id->valuestring);
		sub.method = cJSON_IsString(m) ? m->valuestring : "GET";
		sub.path = path;
		sub.host = rq->host;
		mock_parse_query(q ? q + 1 : "", &sub.args, &sub.nr_args);
		key = match_key(&sub);
		if (strcmp(sub.method, "GET"))
			graph_error(&srs, 405, "BadRequest", "Only GET is supported by this mock in batches.");
		else if (!knobs_inject(key, &srs)) {
			graph_get(&sub, &srs);
			m365_count_read(key);
		}
		cJSON_AddNumberToObject(o, "status", srs.status);
		h = cJSON_AddObjectToObject(o, "headers");
		cJSON_AddStringToObject(h, "Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
		for (int k = 0; k < srs.nr_hdr; k++)
			cJSON_AddStringToObject(h, srs.hdr[k].key, srs.hdr[k].value);
		if (srs.body_len)
			cJSON_AddItemToObject(o, "body", cJSON_ParseWithLength(srs.body, srs.body_len));
		items[i] = o;
		{
			cJSON *ev = cJSON_CreateObject();
			cJSON_AddStringToObject(ev, "batch_item", url);
			cJSON_AddNumberToObject(ev, "status", srs.status);
			mock_log_event(ev);
		}
		resp_release(&srs);
		mock_free_args(sub.args, sub.nr_args);
		free(path);
		free(key);
	}
	/* answer in shuffled order: clients must correlate by id */
	for (int i = n - 1; i > 0; i--) {
		int k = rand() % (i + 1);
		cJSON *t = items[i];
		items[i] = items[k];
		items[k] = t;
	}
	out = cJSON_CreateObject();
	resps = cJSON_AddArrayToObject(out, "responses");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(resps, items[i]);
	free(items);
	resp_json(rs, 200, out);
done:
	(void)it;
	cJSON_Delete(in);
}

/* m365_graph_handler - every /v1.0/ request */
void m365_graph_handler(struct mreq *rq, struct mresp *rs)
{
	char *key = match_key(rq);
	int mal;
	m365_run_mutations();
	if (!m365_check_bearer(rq, "graph", rs))
		goto out;
	if (!strcmp(rq->method, "PATCH")) {
		patch_rule(rq, rs, key);
		goto out;
	}
	if (knobs_inject(key, rs))
		goto out;
	m365_state_rdlock();
	if (!strcmp(rq->path, "/v1.0/$batch")) {
		if (strcmp(rq->method, "POST"))
			graph_error(rs, 405, "BadRequest", "Use POST for $batch.");
		else
			batch(rq, rs);
	} else if (!strcmp(rq->method, "GET")) {
		graph_get(rq, rs);
		m365_count_read(key);
	} else {
		graph_error(rs, 405, "BadRequest", "This mock serves GET, PATCH of inbox rules and $batch.");
	}
	m365_state_unlock();
	mal = knobs_malformed(key);
	if (mal == 1 && rs->body_len > 2) {
		rs->body_len /= 2;
		rs->body[rs->body_len] = '\0';
	} else if (mal == 2) {
		resp_text(rs, rs->status, "application/json", "{\"value\": [ <html>Service temporarily unavailable</html>");
	}
out:
	free(key);
}
