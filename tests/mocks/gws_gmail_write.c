/*
 * gws_gmail_write.c - the mock Gmail API settings writes, which change the
 * in-memory customer so that a following audit sees them, and the knobs
 * the fix tests need.
 *
 *   PATCH|PUT sendAs/{email}   treatAsAlias, displayName, replyToAddress,
 *                              signature, isDefault (true only)
 *   POST sendAs                the user's own address (primary, alias or
 *                              non-editable alias) is accepted at once,
 *                              another one is pending verification; 409 if it exists
 *   DELETE sendAs/{email}      400 for the primary
 *   PUT autoForwarding         enabled:true must name an accepted forwarding
 *                              address (else 400 failedPrecondition)
 *   POST filters               a new id; at most 1000 filters
 *   DELETE filters/{id}
 * Scopes as Google documents them: sendAs.patch/update take
 * gmail.settings.basic or .sharing; sendAs.create/delete and
 * updateAutoForwarding only .sharing; filters.create/delete only .basic
 * (anything else is 403 insufficientPermissions).
 *
 * Every write that reaches the state is logged as {"gmail_write": METHOD,
 * "path", "sub", "status", "body"} before its answer is sent.
 * Knobs (--gws-knobs JSON, or POST /_gws/knobs): {"write_delay_ms": N}
 * holds each write's answer for N ms after the change is made (so a client
 * can be killed between change and answer); {"tamper": [{"match": S,
 * "after_reads": N, "user": U, "key": K, "value": V}]} sets gmail[U][K] = V
 * once the N-th successful read whose key ("gmail:<sub>:<path>") contains S
 * has been answered (a value changed behind the client's back).
 * GET /_gws/gmail returns the current Gmail state.
 */
#include "gws_mock.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_FILTERS 1000

struct tamper {
	char *match, *user, *key;
	cJSON *value;
	int reads_left;
};

static pthread_mutex_t state_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t knob_mu = PTHREAD_MUTEX_INITIALIZER;
static long write_delay_ms;
static struct tamper *tampers;
static size_t nr_tampers;

static const char *const scopes_sharing[] = { "gmail.settings.sharing", "mail.google.com", NULL };
static const char *const scopes_basic[] = { "gmail.settings.basic", "mail.google.com", NULL };
static const char *const scopes_either[] = {
	"gmail.settings.basic", "gmail.settings.sharing", "mail.google.com", NULL,
};

/* gws_state_lock / gws_state_unlock - guard the fixture's "gmail" state */
void gws_state_lock(void)
{
	pthread_mutex_lock(&state_mu);
}

void gws_state_unlock(void)
{
	pthread_mutex_unlock(&state_mu);
}

/* gws_write_scopes - see gws_mock.h */
const char *const *gws_write_scopes(const char *method, const char *what)
{
	if (!strncmp(what, "filters", 7))
		return scopes_basic;
	if (!strncmp(what, "sendAs/", 7) && (!strcmp(method, "PATCH") || !strcmp(method, "PUT")))
		return scopes_either;
	return scopes_sharing;
}

/* find - the element of arr whose key equals id (case-insensitively); *idx its index */
static cJSON *find(cJSON *arr, const char *key, const char *id, int *idx)
{
	cJSON *it;
	int i = 0;
	cJSON_ArrayForEach(it, arr) {
		cJSON *v = cJSON_GetObjectItem(it, key);
		if (cJSON_IsString(v) && !strcasecmp(v->valuestring, id)) {
			if (idx)
				*idx = i;
			return it;
		}
		i++;
	}
	return NULL;
}

/* array_of - g[key] as an array, created when missing */
static cJSON *array_of(cJSON *g, const char *key)
{
	cJSON *a = cJSON_GetObjectItem(g, key);
	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObject(g, key);
		a = cJSON_AddArrayToObject(g, key);
	}
	return a;
}

/* set - o[key] = v (replacing) */
static void set(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItem(o, key))
		cJSON_ReplaceItemInObject(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

/* own_address - addr is the user's primary address or one of its aliases */
static bool own_address(const cJSON *u, const char *addr)
{
	const cJSON *pe = cJSON_GetObjectItem(u, "primaryEmail"), *a;
	if (cJSON_IsString(pe) && !strcasecmp(pe->valuestring, addr))
		return true;
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(u, "aliases"))
		if (cJSON_IsString(a) && !strcasecmp(a->valuestring, addr))
			return true;
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(u, "nonEditableAliases"))
		if (cJSON_IsString(a) && !strcasecmp(a->valuestring, addr))
			return true;
	return false;
}

/* answer - 200 with a copy of o (false booleans left out), or 204 when o is NULL */
static void answer(struct mresp *rs, const cJSON *o)
{
	if (!o) {
		resp_text(rs, 204, "application/json; charset=UTF-8", "");
		return;
	}
	resp_json(rs, 200, gws_strip_false(o));
	free(rs->ctype);
	rs->ctype = mx_strdup("application/json; charset=UTF-8");
}

/* patch_sendas - PATCH/PUT sendAs/{id} */
static void patch_sendas(cJSON *g, const char *id, const cJSON *b, struct mresp *rs)
{
	static const char *const writable[] = { "treatAsAlias", "displayName", "replyToAddress", "signature" };
	cJSON *sa = find(cJSON_GetObjectItem(g, "sendAs"), "sendAsEmail", id, NULL), *v, *o;
	if (!sa) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Requested entity was not found.");
		return;
	}
	for (size_t i = 0; i < sizeof(writable) / sizeof(*writable); i++)
		if ((v = cJSON_GetObjectItem(b, writable[i])))
			set(sa, writable[i], cJSON_Duplicate(v, 1));
	if (cJSON_IsTrue(cJSON_GetObjectItem(b, "isDefault"))) {
		/* setting the default clears the previous one */
		cJSON_ArrayForEach(o, cJSON_GetObjectItem(g, "sendAs"))
			set(o, "isDefault", cJSON_CreateBool(o == sa));
	}
	answer(rs, sa);
}

/* create_sendas - POST sendAs */
static void create_sendas(const cJSON *u, cJSON *g, const cJSON *b, struct mresp *rs)
{
	const cJSON *e = cJSON_GetObjectItem(b, "sendAsEmail");
	cJSON *sa;
	if (!cJSON_IsString(e) || !strchr(e->valuestring, '@')) {
		gws_error(rs, 400, "invalidArgument", "INVALID_ARGUMENT", "Invalid sendAsEmail");
		return;
	}
	if (find(cJSON_GetObjectItem(g, "sendAs"), "sendAsEmail", e->valuestring, NULL)) {
		gws_error(rs, 409, "duplicate", "ALREADY_EXISTS", "Already exists");
		return;
	}
	sa = cJSON_CreateObject();
	cJSON_AddStringToObject(sa, "sendAsEmail", e->valuestring);
	cJSON_AddStringToObject(sa, "displayName", cJSON_IsString(cJSON_GetObjectItem(b, "displayName")) ?
				cJSON_GetObjectItem(b, "displayName")->valuestring : "");
	cJSON_AddStringToObject(sa, "replyToAddress", "");
	cJSON_AddStringToObject(sa, "signature", "");
	cJSON_AddFalseToObject(sa, "isDefault");
	cJSON_AddBoolToObject(sa, "treatAsAlias", cJSON_IsTrue(cJSON_GetObjectItem(b, "treatAsAlias")));
	/* the user's own aliases need no verification; other addresses do */
	cJSON_AddStringToObject(sa, "verificationStatus", own_address(u, e->valuestring) ? "accepted" : "pending");
	cJSON_AddItemToArray(array_of(g, "sendAs"), sa);
	answer(rs, sa);
}

/* delete_sendas - DELETE sendAs/{id} */
static void delete_sendas(cJSON *g, const char *id, struct mresp *rs)
{
	int idx = -1;
	cJSON *sa = find(cJSON_GetObjectItem(g, "sendAs"), "sendAsEmail", id, &idx);
	if (!sa) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Requested entity was not found.");
		return;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItem(sa, "isPrimary"))) {
		gws_error(rs, 400, "invalidArgument", "INVALID_ARGUMENT", "Cannot delete primary send-as");
		return;
	}
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(g, "sendAs"), idx);
	answer(rs, NULL);
}

/* put_autoforward - PUT autoForwarding */
static void put_autoforward(cJSON *g, const cJSON *b, struct mresp *rs)
{
	static const char *const dispositions[] = {
		"leaveInInbox", "archive", "trash", "markRead", "dispositionUnspecified",
	};
	const cJSON *to = cJSON_GetObjectItem(b, "emailAddress"), *disp = cJSON_GetObjectItem(b, "disposition");
	bool on = cJSON_IsTrue(cJSON_GetObjectItem(b, "enabled")), known = !disp;
	cJSON *af, *fa;
	for (size_t i = 0; disp && i < sizeof(dispositions) / sizeof(*dispositions); i++)
		known |= cJSON_IsString(disp) && !strcmp(disp->valuestring, dispositions[i]);
	if (!known) {
		gws_error(rs, 400, "invalidArgument", "INVALID_ARGUMENT", "Invalid disposition");
		return;
	}
	if (on) {
		fa = cJSON_IsString(to) ? find(cJSON_GetObjectItem(g, "forwardingAddresses"), "forwardingEmail",
					       to->valuestring, NULL) : NULL;
		if (!fa || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(fa, "verificationStatus")) ?
				  cJSON_GetStringValue(cJSON_GetObjectItem(fa, "verificationStatus")) : "", "accepted")) {
			gws_error(rs, 400, "failedPrecondition", "FAILED_PRECONDITION",
				  "A verified forwarding address must be specified when auto-forwarding is enabled.");
			return;
		}
	}
	af = cJSON_CreateObject();
	cJSON_AddBoolToObject(af, "enabled", on);
	if (cJSON_IsString(to))
		cJSON_AddStringToObject(af, "emailAddress", to->valuestring);
	if (disp)
		cJSON_AddStringToObject(af, "disposition", disp->valuestring);
	set(g, "autoForwarding", af);
	/* autoForwarding always carries "enabled", even when false */
	resp_json(rs, 200, cJSON_Duplicate(af, 1));
}

/* create_filter - POST filters */
static void create_filter(cJSON *g, const cJSON *b, struct mresp *rs)
{
	const cJSON *crit = cJSON_GetObjectItem(b, "criteria"), *act = cJSON_GetObjectItem(b, "action");
	cJSON *arr = array_of(g, "filter"), *f;
	char *rnd, *id;
	if (!cJSON_IsObject(crit) || !cJSON_IsObject(act) || !crit->child || !act->child) {
		gws_error(rs, 400, "invalidArgument", "INVALID_ARGUMENT", "Filter doesn't have any criteria or actions");
		return;
	}
	if (cJSON_GetArraySize(arr) >= MAX_FILTERS) {
		gws_error(rs, 400, "failedPrecondition", "FAILED_PRECONDITION", "Too many filters");
		return;
	}
	rnd = mock_random_hex(6);
	id = mx_fmt("ANe1Bmj%s", rnd);
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "id", id);
	cJSON_AddItemToObject(f, "criteria", cJSON_Duplicate(crit, 1));
	cJSON_AddItemToObject(f, "action", cJSON_Duplicate(act, 1));
	cJSON_AddItemToArray(arr, f);
	resp_json(rs, 200, cJSON_Duplicate(f, 1));
	free(rnd);
	free(id);
}

/* delete_filter - DELETE filters/{id} */
static void delete_filter(cJSON *g, const char *id, struct mresp *rs)
{
	int idx = -1;
	if (!find(cJSON_GetObjectItem(g, "filter"), "id", id, &idx)) {
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Requested entity was not found.");
		return;
	}
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(g, "filter"), idx);
	answer(rs, NULL);
}

static cJSON *fail_rules;   /* fail_after_write: [{"method", "match", "status", "times"}] (knob_mu) */

/* fail_after - the fail_after_write knob: a write that took effect answers
 * with status instead (Google documents 500/503 as retryable "backendError";
 * it is silent on whether the write took effect, so the client must read
 * back: https://developers.google.com/gmail/api/guides/handle-errors) */
static void fail_after(const char *method, const char *what, struct mresp *rs)
{
	cJSON *r;
	if (rs->status < 200 || rs->status > 299)
		return;
	pthread_mutex_lock(&knob_mu);
	cJSON_ArrayForEach(r, fail_rules) {
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(r, "method"));
		const char *w = cJSON_GetStringValue(cJSON_GetObjectItem(r, "match"));
		cJSON *st = cJSON_GetObjectItem(r, "status"), *times = cJSON_GetObjectItem(r, "times");
		if ((m && strcmp(m, method)) || (w && !strstr(what, w)) || !cJSON_IsNumber(st) ||
		    (cJSON_IsNumber(times) && times->valuedouble == 0))
			continue;
		if (cJSON_IsNumber(times) && times->valuedouble > 0)
			cJSON_SetNumberValue(times, times->valuedouble - 1);
		gws_error(rs, (unsigned)st->valuedouble, "backendError", "UNAVAILABLE",
			  "The service is currently unavailable.");
		break;
	}
	pthread_mutex_unlock(&knob_mu);
}

/* gws_gmail_write - see gws_mock.h */
void gws_gmail_write(const char *method, const char *sub, const cJSON *u, cJSON *g, const char *what,
		     const char *body, size_t body_len, struct mresp *rs)
{
	const char *slash = strchr(what, '/');
	char *coll = mx_fmt("%.*s", (int)(slash ? (size_t)(slash - what) : strlen(what)), what);
	char *id = slash ? mx_strdup(slash + 1) : NULL;
	bool del = !strcmp(method, "DELETE");
	cJSON *b = body_len ? cJSON_ParseWithLength(body, body_len) : NULL;

	if (id)
		MHD_http_unescape(id);
	if (!del && !cJSON_IsObject(b))
		gws_error(rs, 400, "badRequest", "INVALID_ARGUMENT", "Invalid JSON payload received.");
	else if (!strcmp(coll, "sendAs") && id && (!strcmp(method, "PATCH") || !strcmp(method, "PUT")))
		patch_sendas(g, id, b, rs);
	else if (!strcmp(coll, "sendAs") && !id && !strcmp(method, "POST"))
		create_sendas(u, g, b, rs);
	else if (!strcmp(coll, "sendAs") && id && del)
		delete_sendas(g, id, rs);
	else if (!strcmp(coll, "autoForwarding") && !id && !strcmp(method, "PUT"))
		put_autoforward(g, b, rs);
	else if (!strcmp(coll, "filters") && !id && !strcmp(method, "POST"))
		create_filter(g, b, rs);
	else if (!strcmp(coll, "filters") && id && del)
		delete_filter(g, id, rs);
	else
		gws_error(rs, 404, "notFound", "NOT_FOUND", "Requested entity was not found.");
	fail_after(method, what, rs);
	cJSON_Delete(b);
	free(coll);
	free(id);
}

/* gws_write_done - see gws_mock.h */
void gws_write_done(const char *method, const char *sub, const char *path, const char *body,
		    unsigned status)
{
	cJSON *ev = cJSON_CreateObject();
	long delay;
	cJSON_AddStringToObject(ev, "gmail_write", method);
	cJSON_AddStringToObject(ev, "path", path);
	cJSON_AddStringToObject(ev, "sub", sub);
	cJSON_AddNumberToObject(ev, "status", status);
	cJSON_AddStringToObject(ev, "body", body ? body : "");
	mock_log_event(ev);
	pthread_mutex_lock(&knob_mu);
	delay = write_delay_ms;
	pthread_mutex_unlock(&knob_mu);
	if (delay > 0)
		usleep((useconds_t)delay * 1000);
}

/* gws_after_read - see gws_mock.h */
void gws_after_read(const char *key)
{
	char *user = NULL, *k = NULL;
	cJSON *value = NULL;
	pthread_mutex_lock(&knob_mu);
	for (size_t i = 0; i < nr_tampers && !user; i++) {
		struct tamper *t = &tampers[i];
		if (t->reads_left <= 0 || !strstr(key, t->match) || --t->reads_left)
			continue;
		user = mx_strdup(t->user);
		k = mx_strdup(t->key);
		value = cJSON_Duplicate(t->value, 1);
	}
	pthread_mutex_unlock(&knob_mu);
	if (!user)
		return;
	gws_state_lock();
	{
		cJSON *g = cJSON_GetObjectItem(gws_fixture_get("gmail"), user);
		if (g)
			set(g, k, value);
		else
			cJSON_Delete(value);
	}
	gws_state_unlock();
	{
		cJSON *ev = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "tamper", user);
		cJSON_AddStringToObject(ev, "key", k);
		mock_log_event(ev);
	}
	free(user);
	free(k);
}

/* tampers_clear - forget the tamper rules (knob_mu held) */
static void tampers_clear(void)
{
	for (size_t i = 0; i < nr_tampers; i++) {
		free(tampers[i].match);
		free(tampers[i].user);
		free(tampers[i].key);
		cJSON_Delete(tampers[i].value);
	}
	free(tampers);
	tampers = NULL;
	nr_tampers = 0;
}

/* gws_knobs_set - see gws_mock.h */
int gws_knobs_set(const char *text)
{
	cJSON *j = cJSON_Parse(text), *v, *r;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	pthread_mutex_lock(&knob_mu);
	if ((v = cJSON_GetObjectItem(j, "write_delay_ms")) && cJSON_IsNumber(v))
		write_delay_ms = (long)v->valuedouble;
	if ((v = cJSON_GetObjectItem(j, "fail_after_write")) && cJSON_IsArray(v)) {
		cJSON_Delete(fail_rules);
		fail_rules = cJSON_Duplicate(v, 1);
	}
	if ((v = cJSON_GetObjectItem(j, "tamper")) && cJSON_IsArray(v)) {
		tampers_clear();
		cJSON_ArrayForEach(r, v) {
			const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(r, "match"));
			const char *u = cJSON_GetStringValue(cJSON_GetObjectItem(r, "user"));
			const char *k = cJSON_GetStringValue(cJSON_GetObjectItem(r, "key"));
			cJSON *n = cJSON_GetObjectItem(r, "after_reads"), *val = cJSON_GetObjectItem(r, "value");
			struct tamper *t;
			if (!m || !u || !k || !val)
				continue;
			tampers = realloc(tampers, (nr_tampers + 1) * sizeof(*tampers));
			if (!tampers)
				abort();
			t = &tampers[nr_tampers++];
			t->match = mx_strdup(m);
			t->user = mx_strdup(u);
			t->key = mx_strdup(k);
			t->value = cJSON_Duplicate(val, 1);
			t->reads_left = cJSON_IsNumber(n) && n->valuedouble >= 1 ? (int)n->valuedouble : 1;
		}
	}
	pthread_mutex_unlock(&knob_mu);
	cJSON_Delete(j);
	return 0;
}

/* gws_control_handler - POST /_gws/knobs (JSON), GET /_gws/gmail */
void gws_control_handler(struct mreq *rq, struct mresp *rs)
{
	if (!strcmp(rq->method, "GET") && !strcmp(rq->path, "/_gws/gmail")) {
		gws_state_lock();
		resp_json(rs, 200, cJSON_Duplicate(gws_fixture_get("gmail"), 1));
		gws_state_unlock();
	} else if (!strcmp(rq->method, "POST") && !strcmp(rq->path, "/_gws/knobs")) {
		if (gws_knobs_set(rq->body) < 0)
			resp_text(rs, 400, "text/plain", "knobs: want a JSON object\n");
		else
			resp_text(rs, 200, "text/plain", "ok\n");
	} else {
		resp_text(rs, 404, "text/plain", "no such control\n");
	}
}

/* gws_write_cleanup - free the knobs at exit */
void gws_write_cleanup(void)
{
	pthread_mutex_lock(&knob_mu);
	cJSON_Delete(fail_rules);
	fail_rules = NULL;
	tampers_clear();
	pthread_mutex_unlock(&knob_mu);
}
