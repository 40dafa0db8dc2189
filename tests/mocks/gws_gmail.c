/*
 * gws_gmail.c - the mock Gmail API settings reads and its batch endpoint
 * (writes are in gws_gmail_write.c; both work on the fixture's "gmail"
 * state under gws_state_lock).
 *
 * GET /gmail/v1/users/{userId}/settings/{sendAs|autoForwarding|
 * forwardingAddresses|filters|vacation}, and one item: sendAs/{email},
 * filters/{id}, forwardingAddresses/{email}: userId must be "me" or the token's
 * sub (403 "Delegation denied for <sub>"), the token needs a Gmail scope, a
 * user without a mailbox gets 400 failedPrecondition "Mail service not
 * enabled"; collections are unpaged, the filters key is "filter", sendAs
 * omits false booleans, autoForwarding always has "enabled".
 *
 * POST /batch/gmail/v1 and /batch: multipart/mixed, at most 100 parts, each
 * an application/http request with its own Authorization; the answer is an
 * outer 200 whose parts hold the inner statuses, in request order, with
 * Content-ID "response-<id>". Knob rules match "gmail:<sub>:<path>" for
 * reads and "<METHOD> gmail:<sub>:<path>" for writes, so a failure can be
 * aimed at one user, or at one write.
 */
#include "gws_mock.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BATCH_MAX 100

static const char *const gmail_scopes[] = {
	"gmail.settings.basic", "gmail.settings.sharing", "gmail.readonly", "gmail.modify",
	"mail.google.com", NULL,
};

/* gws_strip_false - see gws_mock.h */
cJSON *gws_strip_false(const cJSON *o)
{
	cJSON *c = cJSON_Duplicate(o, 1), *f, *next;
	for (f = c ? c->child : NULL; f; f = next) {
		next = f->next;
		if (cJSON_IsFalse(f))
			cJSON_DeleteItemFromObject(c, f->string);
	}
	return c;
}

/* settings - the answer for one settings collection of user u's gmail g */
static cJSON *settings(const cJSON *g, const char *what)
{
	cJSON *j = cJSON_CreateObject(), *v, *arr, *it;
	if (!strcmp(what, "sendAs")) {
		arr = cJSON_AddArrayToObject(j, "sendAs");
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(g, "sendAs"))
			cJSON_AddItemToArray(arr, gws_strip_false(it));
	} else if (!strcmp(what, "autoForwarding")) {
		cJSON_Delete(j);
		v = cJSON_GetObjectItem(g, "autoForwarding");
		j = v ? cJSON_Duplicate(v, 1) : cJSON_CreateObject();
		if (!cJSON_GetObjectItem(j, "enabled"))
			cJSON_AddFalseToObject(j, "enabled");
	} else if (!strcmp(what, "forwardingAddresses") || !strcmp(what, "filters")) {
		const char *key = !strcmp(what, "filters") ? "filter" : "forwardingAddresses";
		v = cJSON_GetObjectItem(g, key);
		if (cJSON_GetArraySize(v))
			cJSON_AddItemToObject(j, key, cJSON_Duplicate(v, 1));
	} else if (!strcmp(what, "vacation")) {
		cJSON_Delete(j);
		v = cJSON_GetObjectItem(g, "vacation");
		j = v ? cJSON_Duplicate(v, 1) : cJSON_CreateObject();
		if (!cJSON_GetObjectItem(j, "enableAutoReply"))
			cJSON_AddFalseToObject(j, "enableAutoReply");
	} else {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* item - the element of array arr whose key equals id (case-insensitively), or NULL */
static cJSON *item(cJSON *arr, const char *key, const char *id)
{
	cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		cJSON *v = cJSON_GetObjectItem(it, key);
		if (cJSON_IsString(v) && !strcasecmp(v->valuestring, id))
			return it;
	}
	return NULL;
}

/* get_one - GET settings/<coll>/<id>: sendAs, filters, forwardingAddresses (NULL: 404) */
static cJSON *get_one(const cJSON *g, const char *coll, const char *id)
{
	cJSON *it = NULL;
	if (!strcmp(coll, "sendAs"))
		it = item(cJSON_GetObjectItem(g, "sendAs"), "sendAsEmail", id);
	else if (!strcmp(coll, "filters"))
		it = item(cJSON_GetObjectItem(g, "filter"), "id", id);
	else if (!strcmp(coll, "forwardingAddresses"))
		it = item(cJSON_GetObjectItem(g, "forwardingAddresses"), "forwardingEmail", id);
	return it ? gws_strip_false(it) : NULL;
}

/* read_settings - a GET of what ("sendAs" or "sendAs/<id>") from user sub's gmail g */
static void read_settings(cJSON *g, const char *what, const char *key, struct mresp *rs)
{
	const char *slash = strchr(what, '/');
	char *coll = mx_fmt("%.*s", (int)(slash ? (size_t)(slash - what) : strlen(what)), what);
	char *id = slash ? mx_strdup(slash + 1) : NULL;
	cJSON *j;
	if (id)
		MHD_http_unescape(id);
	j = id ? get_one(g, coll, id) : settings(g, what);
	if (!j) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Requested entity was not found.");
	} else {
		resp_json(rs, 200, j);
		free(rs->ctype);
		rs->ctype = mx_strdup("application/json; charset=UTF-8");
		if (knobs_malformed(key) == 2)
			resp_text(rs, 200, "application/json; charset=UTF-8", "{\"sendAs\": [ <html>");
	}
	free(coll);
	free(id);
}

/* gws_gmail_answer - see gws_mock.h */
void gws_gmail_answer(const char *method, const char *path, const char *auth, const char *body,
		      size_t body_len, struct mresp *rs)
{
	const char *p = path + strlen("/gmail/v1/users/"), *q = strchr(path, '?');
	size_t ul = strcspn(p, "/?");
	char *sub = NULL, *uid = mx_fmt("%.*s", (int)ul, p), *key = NULL, *what = NULL;
	const char *rest = p + ul;
	bool get = !strcmp(method, "GET");
	cJSON *u, *g;

	if (strncmp(rest, "/settings/", 10))
		what = mx_strdup("");
	else
		what = mx_fmt("%.*s", (int)((q ? (size_t)(q - rest) : strlen(rest)) - 10), rest + 10);
	if (!gws_check_bearer(auth, get ? gmail_scopes : gws_write_scopes(method, what), &sub, rs))
		goto out;
	MHD_http_unescape(uid);
	if (strcmp(uid, "me") && strcasecmp(uid, sub)) {
		char *m = mx_fmt("Delegation denied for %s", sub);
		gws_error(rs, 403, "forbidden", "PERMISSION_DENIED", m);
		free(m);
		goto out;
	}
	/* reads match "gmail:<sub>:<path>", writes "<METHOD> gmail:<sub>:<path>" */
	key = get ? mx_fmt("gmail:%s:%s", sub, path) : mx_fmt("%s gmail:%s:%s", method, sub, path);
	if (gws_inject(key, rs))
		goto out;
	if (!*what) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Requested entity was not found.");
		goto out;
	}
	u = gws_user(sub);
	gws_state_lock();
	g = mock_object_get(gws_fixture_get("gmail"), sub);
	if (!u || !g || cJSON_IsFalse(cJSON_GetObjectItem(u, "isMailboxSetup")))
		gws_error(rs, 400, "failedPrecondition", "FAILED_PRECONDITION", "Mail service not enabled");
	else if (get)
		read_settings(g, what, key, rs);
	else
		gws_gmail_write(method, sub, u, g, what, body, body_len, rs);
	gws_state_unlock();
	if (get && rs->status == 200)
		gws_after_read(key);
	else if (!get)
		gws_write_done(method, sub, path, body, rs->status);
out:
	free(sub);
	free(uid);
	free(key);
	free(what);
}

/* gws_gmail_handler - /gmail/v1/users/... (outside a batch) */
void gws_gmail_handler(struct mreq *rq, struct mresp *rs)
{
	char *full = gws_match_key(rq);
	gws_gmail_answer(rq->method, full, rq->auth, rq->body, rq->body_len, rs);
	free(full);
}

/* boundary_of - the boundary parameter of a multipart Content-Type (caller frees) */
static char *boundary_of(const char *ct)
{
	const char *b = ct ? strcasestr(ct, "boundary=") : NULL;
	size_t n;
	if (!ct || strncasecmp(ct, "multipart/mixed", 15) || !b)
		return NULL;
	b += 9;
	if (*b == '"')
		b++;
	n = strcspn(b, "\";, ");
	return n ? mx_fmt("%.*s", (int)n, b) : NULL;
}

/* line_value - the value of header name in the header block [p, end), or NULL (caller frees) */
static char *line_value(const char *p, const char *end, const char *name)
{
	size_t nl = strlen(name);
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *le = e ? e : end, *v;
		if ((size_t)(le - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			v = p + nl + 1;
			while (v < le && *v == ' ')
				v++;
			while (le > v && (le[-1] == '\r' || le[-1] == ' '))
				le--;
			return mx_fmt("%.*s", (int)(le - v), v);
		}
		p = (e ? e : end) + 1;
	}
	return NULL;
}

/* blank_line - the first byte after the first blank line in [p, end), or NULL; *hend the headers' end */
static const char *blank_line(const char *p, const char *end, const char **hend)
{
	for (const char *q = p; q < end; q++) {
		if (*q != '\n')
			continue;
		if (q + 1 < end && q[1] == '\n') {
			*hend = q;
			return q + 2;
		}
		if (q + 2 < end && q[1] == '\r' && q[2] == '\n') {
			*hend = q;
			return q + 3;
		}
	}
	return NULL;
}

/* status_text - a reason phrase */
static const char *status_text(unsigned s)
{
	switch (s) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return s >= 500 ? "Internal Server Error" : "Error";
	}
}

/* answer_part - one batch part: its own body runs from rbody (NULL: none) to
 * the next delimiter at end, less its line end */
static void answer_part(const char *method, const char *path, const char *auth, const char *rbody,
			const char *end, struct mresp *rs)
{
	const char *be = rbody ? end : NULL;
	while (be && be > rbody && (be[-1] == '\n' || be[-1] == '\r'))
		be--;
	gws_gmail_answer(method, path, auth, rbody, rbody ? (size_t)(be - rbody) : 0, rs);
}

/* gws_batch_handler - POST /batch/gmail/v1 and /batch */
void gws_batch_handler(struct mreq *rq, struct mresp *rs)
{
	char *b = boundary_of(req_header(rq, "Content-Type")), *delim = NULL, *out = NULL, *rb = NULL;
	/* the core's body buffer is not NUL-terminated: work on a terminated copy */
	char *body = mx_malloc(rq->body_len + 1);
	const char *p, *end = body + rq->body_len;
	int n = 0, mal;
	cJSON *ev;

	if (strcmp(rq->path, "/batch") && strcmp(rq->path, "/batch/gmail/v1")) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Not Found");
		goto done;
	}
	if (strcmp(rq->method, "POST") || !b) {
		gws_error(rs, 400, "badRequest", "INVALID_ARGUMENT", "Batch requests must be multipart/mixed POSTs.");
		goto done;
	}
	memcpy(body, rq->body, rq->body_len);
	delim = mx_fmt("--%s", b);
	/* count the parts first: more than 100 is refused as a whole */
	for (p = strstr(body, delim); p && p < end; p = strstr(p + 1, delim))
		if (strncmp(p + strlen(delim), "--", 2))
			n++;
	if (n > BATCH_MAX) {
		char *m = mx_fmt("Too many requests in batch: %d (at most %d)", n, BATCH_MAX);
		gws_error(rs, 400, "badRequest", "INVALID_ARGUMENT", m);
		free(m);
		goto done;
	}
	rb = mx_fmt("batch_%s", "mockresp");
	out = mx_strdup("");
	n = 0;
	for (p = strstr(body, delim); p && p < end; ) {
		const char *ps = p + strlen(delim), *next, *hend, *req, *rl_end, *rhend, *rbody;
		char *cid, *line, *auth, *np, *ppath, *sub_log = NULL, *x_auth;
		struct mresp srs = { 0 };
		if (!strncmp(ps, "--", 2))
			break;
		ps = strchr(ps, '\n');
		if (!ps)
			break;
		ps++;
		next = strstr(ps, delim);
		if (!next)
			next = end;
		req = blank_line(ps, next, &hend);
		if (!req) {
			p = next;
			continue;
		}
		cid = line_value(ps, hend, "Content-ID");
		rl_end = memchr(req, '\n', (size_t)(next - req));
		if (!rl_end)
			rl_end = next;
		line = mx_fmt("%.*s", (int)(rl_end - req), req);
		rbody = blank_line(rl_end, next, &rhend);
		auth = line_value(rl_end, rbody ? rhend : next, "Authorization");
		if (!auth && rq->auth)
			auth = mx_strdup(rq->auth);
		{
			char *sp = strchr(line, ' '), *sp2;
			ppath = sp ? mx_strdup(sp + 1) : mx_strdup("");
			sp2 = strchr(ppath, ' ');
			if (sp2)
				*sp2 = '\0';
			for (char *x = ppath; *x; x++)
				if (*x == '\r')
					*x = '\0';
			if (sp)
				*sp = '\0';
		}
		if (strncmp(ppath, "/gmail/v1/users/", 16))
			gws_error(&srs, 404, "notFound", "NOT_FOUND", "Not Found");
		else
			answer_part(line, ppath, auth, rbody, next, &srs);
		{
			char *tmp = NULL;
			if (auth && gws_check_bearer(auth, (const char *const[]){ "gmail.settings.basic",
						"gmail.settings.sharing", "gmail.readonly", "gmail.modify",
						"mail.google.com", NULL }, &tmp, &(struct mresp){ 0 }))
				sub_log = tmp;
		}
		{
			/* the answer echoes the request's Content-ID as <response-ID> */
			const char *id = cid ? cid : "";
			size_t il = strlen(id);
			char *extra = mx_strdup(""), *x;
			if (il >= 2 && id[0] == '<' && id[il - 1] == '>') {
				id++;
				il -= 2;
			}
			for (int k = 0; k < srs.nr_hdr; k++)
				if (!strcasecmp(srs.hdr[k].key, "Retry-After")) {
					x = mx_fmt("%sRetry-After: %s\r\n", extra, srs.hdr[k].value);
					free(extra);
					extra = x;
				}
			np = mx_fmt("%s--%s\r\nContent-Type: application/http\r\nContent-ID: <response-%.*s>\r\n\r\n"
				    "HTTP/1.1 %u %s\r\nContent-Type: application/json; charset=UTF-8\r\n%s"
				    "Content-Length: %zu\r\n\r\n%.*s\r\n",
				    out, rb, (int)il, id, srs.status, status_text(srs.status), extra,
				    srs.body_len, (int)srs.body_len, srs.body ? srs.body : "");
			free(extra);
		}
		free(out);
		out = np;
		ev = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "batch_part", ppath);
		cJSON_AddStringToObject(ev, "method", line);
		cJSON_AddStringToObject(ev, "batch_path", rq->path);
		x_auth = line_value(rl_end, rbody ? rhend : next, "Authorization");
		cJSON_AddBoolToObject(ev, "part_auth", x_auth != NULL);
		free(x_auth);
		cJSON_AddStringToObject(ev, "sub", sub_log ? sub_log : "");
		cJSON_AddNumberToObject(ev, "status", srs.status);
		mock_log_event(ev);
		free(sub_log);
		resp_release(&srs);
		free(cid);
		free(line);
		free(auth);
		free(ppath);
		n++;
		p = next;
	}
	ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "batch", rq->path);
	cJSON_AddNumberToObject(ev, "parts", n);
	mock_log_event(ev);
	{
		char *full = mx_fmt("%s--%s--\r\n", out, rb), *ct = mx_fmt("multipart/mixed; boundary=%s", rb);
		resp_text(rs, 200, ct, full);
		free(full);
		free(ct);
	}
	mal = knobs_malformed("batch");
	if (mal == 1 && rs->body_len > 2) {
		rs->body_len /= 2;
		rs->body[rs->body_len] = '\0';
	} else if (mal == 2) {
		resp_text(rs, 200, rs->ctype, "<html>garbage</html>");
	}
done:
	free(body);
	free(b);
	free(delim);
	free(out);
	free(rb);
}
