/*
 * gws_mock.c - the Google Workspace part of the mock: route registration,
 * options (--gws-fixture FILE, --gws-public-key PEM, --gws-policy-interval-ms
 * N, --gws-knobs JSON: see gws_gmail_write.c, --gws-paging JSON and
 * --gws-policy-quota JSON: see below and gws_policy.c), the customer fixture
 * (tests/mocks/fixtures/gws/NAME.json), issued access
 * tokens bound to (sub, scopes), Google-shaped errors, knob injection in
 * Google's rate-limit forms, and opaque-token paging.
 *
 * Fixture format: {"customer_id", "service_account": {"client_email",
 * "client_id", "scopes": [allowed scope URLs]}, "admins": [...],
 * "super_admins": [...], "domains": [Directory domains], "orgunits":
 * [Directory orgunits], "users": [Directory users], "groups": [...],
 * "members": {group email: [members]}, "gmail": {user: {"sendAs": [...],
 * "autoForwarding": {...}, "forwardingAddresses": [...], "filter": [...],
 * "vacation": {...}}}, "policies": [Policy API policies], "token_refusals":
 * {user: {"error", "error_description"}} (gws_token.c)}. A user with no
 * "gmail" entry, or with isMailboxSetup false, has no mailbox. The "gmail"
 * part changes when fixes write to it (under gws_state_lock); the rest is
 * read-only after start.
 */
#include "gws_mock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct gtoken {
	char *value, *sub, *scopes;
	time_t exp;
};

static cJSON *fixture;
static char *public_key;
static long policy_interval_ms = 1000;
static struct gtoken *tokens;
static size_t nr_tokens;
static struct mock_map *token_slots;   /* token value -> index in tokens */
static pthread_mutex_t gmu = PTHREAD_MUTEX_INITIALIZER;
/* --gws-paging {"repeat": MATCH, "endless": MATCH}: fault injection for
 * lists whose path contains MATCH. Google documents that nextPageToken is
 * absent on the last page (Directory API users.list, "Paging"); these serve
 * what a faulty server or proxy would: "repeat" answers every page asked for
 * with a token with that same token again (and gives the first page a
 * token), "endless" never ends the chain (empty pages past the end). */
static char *paging_repeat, *paging_endless;

/* gws_register - the Google routes */
void gws_register(void)
{
	mock_route("POST", "/token", "", gws_token_handler);
	mock_route(NULL, "/admin/directory/v1/", "", gws_directory_handler);
	mock_route(NULL, "/gmail/v1/users/", "", gws_gmail_handler);
	mock_route(NULL, "/batch", "", gws_batch_handler);
	mock_route(NULL, "/v1/policies", "", gws_policy_handler);
	mock_route(NULL, "/_gws/", "", gws_control_handler);
}

/* load_fixture - read the fixture file; 0 or -1 (message printed) */
static int load_fixture(const char *path)
{
	cJSON *j = mock_load_json_object(path);
	if (!j)
		return -1;
	cJSON_Delete(fixture);
	fixture = j;
	return 0;
}

/* gws_set_option - --gws-NAME VALUE; 0 or -1 (message printed) */
int gws_set_option(const char *name, const char *value)
{
	if (!strcmp(name, "fixture"))
		return load_fixture(value);
	if (!strcmp(name, "public-key")) {
		free(public_key);
		public_key = mx_strdup(value);
		return 0;
	}
	if (!strcmp(name, "policy-interval-ms")) {
		policy_interval_ms = atol(value);
		return 0;
	}
	if (!strcmp(name, "paging")) {
		cJSON *j = cJSON_Parse(value);
		if (!cJSON_IsObject(j)) {
			cJSON_Delete(j);
			fprintf(stderr, "mockd: --gws-paging: want a JSON object\n");
			return -1;
		}
		free(paging_repeat);
		free(paging_endless);
		paging_repeat = cJSON_GetStringValue(cJSON_GetObjectItem(j, "repeat")) ?
			mx_strdup(cJSON_GetStringValue(cJSON_GetObjectItem(j, "repeat"))) : NULL;
		paging_endless = cJSON_GetStringValue(cJSON_GetObjectItem(j, "endless")) ?
			mx_strdup(cJSON_GetStringValue(cJSON_GetObjectItem(j, "endless"))) : NULL;
		cJSON_Delete(j);
		return 0;
	}
	if (!strcmp(name, "policy-quota"))
		return gws_policy_quota_set(value);
	if (!strcmp(name, "knobs")) {
		if (gws_knobs_set(value) == 0)
			return 0;
		fprintf(stderr, "mockd: --gws-knobs: want a JSON object\n");
		return -1;
	}
	fprintf(stderr, "mockd: unknown option --gws-%s\n", name);
	return -1;
}

/* gws_cleanup - free everything at exit */
void gws_cleanup(void)
{
	gws_write_cleanup();
	free(paging_repeat);
	free(paging_endless);
	cJSON_Delete(fixture);
	free(public_key);
	for (size_t i = 0; i < nr_tokens; i++) {
		free(tokens[i].value);
		free(tokens[i].sub);
		free(tokens[i].scopes);
	}
	free(tokens);
	mock_map_free(token_slots);
	token_slots = NULL;
}

/* gws_fixture - see gws_mock.h */
cJSON *gws_fixture(void)
{
	static cJSON *empty;
	if (!fixture && !empty)
		empty = cJSON_CreateObject();
	return fixture ? fixture : empty;
}

/* gws_fixture_get - see gws_mock.h */
cJSON *gws_fixture_get(const char *key)
{
	return cJSON_GetObjectItem(gws_fixture(), key);
}

/* gws_user - see gws_mock.h */
cJSON *gws_user(const char *email)
{
	/* indexed for large fixtures (mock_index.c) */
	cJSON *u = mock_array_find(gws_fixture_get("users"), "primaryEmail", email);
	return u ? u : mock_array_find(gws_fixture_get("users"), "aliases", email);
}

/* gws_in_list - see gws_mock.h */
bool gws_in_list(const char *key, const char *email)
{
	cJSON *v;
	cJSON_ArrayForEach(v, gws_fixture_get(key))
		if (cJSON_IsString(v) && email && !strcasecmp(v->valuestring, email))
			return true;
	return false;
}

/* gws_public_key_path - see gws_mock.h */
const char *gws_public_key_path(void)
{
	return public_key;
}

/* gws_policy_interval_ms - see gws_mock.h */
long gws_policy_interval_ms(void)
{
	return policy_interval_ms;
}

/* gws_issue_token - see gws_mock.h */
char *gws_issue_token(const char *sub, const char *scopes, long lifetime)
{
	char *rnd = mock_random_hex(24), *v = mx_fmt("ya29.mock-%s", rnd);
	pthread_mutex_lock(&gmu);
	tokens = realloc(tokens, (nr_tokens + 1) * sizeof(*tokens));
	if (!tokens)
		abort();
	tokens[nr_tokens].value = mx_strdup(v);
	tokens[nr_tokens].sub = mx_strdup(sub);
	tokens[nr_tokens].scopes = mx_strdup(scopes);
	tokens[nr_tokens].exp = time(NULL) + lifetime;
	nr_tokens++;
	if (!token_slots)
		token_slots = mock_map_new();
	mock_map_put(token_slots, v, (long)nr_tokens - 1);
	pthread_mutex_unlock(&gmu);
	free(rnd);
	return v;
}

/* gws_error - see gws_mock.h */
void gws_error(struct mresp *rs, unsigned code, const char *reason, const char *status, const char *msg)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
	cJSON *errs = cJSON_AddArrayToObject(e, "errors"), *one = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddStringToObject(one, "message", msg);
	cJSON_AddStringToObject(one, "domain", !strcmp(reason, "userRateLimitExceeded") ||
				!strcmp(reason, "rateLimitExceeded") ? "usageLimits" : "global");
	cJSON_AddStringToObject(one, "reason", reason);
	cJSON_AddItemToArray(errs, one);
	if (status)
		cJSON_AddStringToObject(e, "status", status);
	resp_json(rs, code, j);
	free(rs->ctype);
	rs->ctype = mx_strdup("application/json; charset=UTF-8");
}

/* has_scope - the space-separated scope URL list holds .../auth/<name> */
static bool has_scope(const char *scopes, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = scopes; *p; ) {
		size_t n = strcspn(p, " ");
		const char *last = p + n;
		const char *slash = p;
		for (const char *q = p; q < last; q++)
			if (*q == '/')
				slash = q + 1;
		if ((size_t)(last - slash) == nl && !strncmp(slash, name, nl))
			return true;
		p = last;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* gws_check_bearer - see gws_mock.h */
bool gws_check_bearer(const char *auth, const char *const *any, char **sub, struct mresp *rs)
{
	int state = 0; /* 0 unknown, 1 ok, 2 expired, 3 scope */
	*sub = NULL;
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		pthread_mutex_lock(&gmu);
		/* start at the token's slot (a scan of 100,000 tokens per call was quadratic) */
		long slot = token_slots ? mock_map_get(token_slots, auth + 7) : -1;
		for (size_t i = slot < 0 ? nr_tokens : (size_t)slot; i < nr_tokens; i++) {
			if (strcmp(tokens[i].value, auth + 7))
				continue;
			if (knobs_token_check() && tokens[i].exp <= time(NULL)) {
				state = 2;
			} else {
				state = 3;
				for (int k = 0; any[k] && state == 3; k++)
					if (has_scope(tokens[i].scopes, any[k]))
						state = 1;
				*sub = mx_strdup(tokens[i].sub);
			}
			break;
		}
		pthread_mutex_unlock(&gmu);
	}
	if (state == 1)
		return true;
	free(*sub);
	*sub = NULL;
	if (state == 3) {
		gws_error(rs, 403, "insufficientPermissions", "PERMISSION_DENIED",
			  "Request had insufficient authentication scopes.");
		resp_header(rs, "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", "
			    "error=\"insufficient_scope\"");
		return false;
	}
	gws_error(rs, 401, "authError", "UNAUTHENTICATED", "Invalid Credentials");
	resp_header(rs, "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
	return false;
}

/* gws_inject - see gws_mock.h */
bool gws_inject(const char *key, struct mresp *rs)
{
	struct mresp t = { 0 };
	const char *ra = NULL;
	if (!knobs_inject(key, &t))
		return false;
	for (int i = 0; i < t.nr_hdr; i++)
		if (!strcasecmp(t.hdr[i].key, "Retry-After"))
			ra = t.hdr[i].value;
	if (t.status == 429) {
		gws_error(rs, 429, "rateLimitExceeded", "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
		if (ra)
			resp_header(rs, "Retry-After", ra);
	} else if (t.status == 403) {
		/* Gmail's form: no Retry-After header, the time is in the message */
		char stamp[40], *msg;
		struct timespec ts;
		double secs = ra ? atof(ra) : 1.0;
		time_t when;
		long ms;
		clock_gettime(CLOCK_REALTIME, &ts);
		ms = (long)(ts.tv_nsec / 1000000) + (long)((secs - (long)secs) * 1000);
		when = ts.tv_sec + (time_t)secs + ms / 1000;
		ms %= 1000;
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&when));
		msg = mx_fmt("User-rate limit exceeded.  Retry after %s.%03ldZ", stamp, ms);
		gws_error(rs, 403, "userRateLimitExceeded", "PERMISSION_DENIED", msg);
		free(msg);
	} else if (t.status >= 500) {
		gws_error(rs, t.status, "backendError", "UNAVAILABLE", "Backend Error");
		if (ra)
			resp_header(rs, "Retry-After", ra);
	} else {
		gws_error(rs, t.status, "injected", NULL, "Injected failure from the mock");
	}
	resp_release(&t);
	return true;
}

/* gws_match_key - see gws_mock.h */
char *gws_match_key(const struct mreq *rq)
{
	char *k = mx_strdup(rq->path);
	for (size_t i = 0; i < rq->nr_args; i++) {
		char *n = mx_fmt("%s%c%s=%s", k, i ? '&' : '?', rq->args[i].key, rq->args[i].value);
		free(k);
		k = n;
	}
	return k;
}

/* gws_paginate - see gws_mock.h */
void gws_paginate(struct mreq *rq, struct mresp *rs, cJSON *items, const char *key, const char *size_arg,
		  long def, long max, bool coerce, const char *kind)
{
	const char *ms = req_arg(rq, size_arg), *tok = req_arg(rq, "pageToken");
	long size = def, off = 0, cap = knobs_max_page(), total = cJSON_GetArraySize(items);
	cJSON *j, *arr;
	if (ms) {
		char *end;
		size = strtol(ms, &end, 10);
		if (*end || size < 1 || (!coerce && size > max)) {
			char *m = mx_fmt("Invalid value '%s'. Values must be within the range: [1, %ld]", ms, max);
			gws_error(rs, 400, "invalid", "INVALID_ARGUMENT", m);
			free(m);
			return;
		}
		if (size > max)
			size = max;
	}
	if (tok) {
		unsigned long o;
		char tail[40];
		if (sscanf(tok, "P%lxQ%39s", &o, tail) != 2) {
			gws_error(rs, 400, "invalid", "INVALID_ARGUMENT", "Invalid page token");
			return;
		}
		off = (long)(o ^ 0x3c3cUL);
	}
	if (cap > 0 && size > cap)
		size = cap;
	j = cJSON_CreateObject();
	if (kind)
		cJSON_AddStringToObject(j, "kind", kind);
	cJSON_AddStringToObject(j, "etag", "\"mock-etag\"");
	if (off < total) {
		arr = cJSON_AddArrayToObject(j, key);
		/* walk the page (items may be a per-request copy: no index on it) */
		cJSON *it = cJSON_GetArrayItem(items, (int)off);
		for (long i = off; it && i < total && i < off + size; i++, it = it->next)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(it, 1));
	}
	if (paging_repeat && strstr(rq->path, paging_repeat) && tok) {
		cJSON_AddStringToObject(j, "nextPageToken", tok);
	} else if (off + size < total || (paging_repeat && strstr(rq->path, paging_repeat)) ||
		   (paging_endless && strstr(rq->path, paging_endless))) {
		char *rnd = mock_random_hex(6), *t = mx_fmt("P%lxQ%s", (unsigned long)(off + size) ^ 0x3c3cUL, rnd);
		cJSON_AddStringToObject(j, "nextPageToken", t);
		free(t);
		free(rnd);
	}
	resp_json(rs, 200, j);
	free(rs->ctype);
	rs->ctype = mx_strdup("application/json; charset=UTF-8");
}
