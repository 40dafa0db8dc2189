/*
 * m365_mock.c - the Microsoft 365 part of the mock: route registration, the
 * tenant fixture (tests/mocks/fixtures/m365/NAME.json), the app credential and
 * the store of issued access tokens (resource + expiry).
 *
 * Fixture format: {"tenant_id", "tenant_domain", "app": {"client_id",
 * "client_secret"}, "graph": {"users": [...], "domains": [...],
 * "messageRules": {UPN: [...]}, "mailboxSettings": {UPN: {...}}},
 * "exchange": {"<Cmdlet>": [...], "Get-DistributionGroupMember": {GROUP: [...]},
 * "roles": [allowed cmdlets]}}. Users without a mailboxSettings entry have no
 * mailbox (Graph answers 404 MailboxNotEnabledForRESTAPI). "app" and the
 * optional "write_app" may list Graph app "roles" and an "exchange_role":
 * only apps with MailboxSettings.ReadWrite / a write role may change things.
 *
 * The fixture is the tenant's live state: write cmdlets and Graph PATCH
 * change it under a read/write lock, and every write is logged as
 * {"m365_write": ..}. Fix-test knobs (--m365-knobs JSON, or POST
 * /_m365/knobs): "write_latency_ms" (sleep before each write), and
 * "mutations": [{"match": KEY-SUBSTRING, "after": N, "cmdlet": C, "params":
 * {..}} | {"match", "after", "patch_rule": {"user", "id", "body"}}] which
 * change a value once the matching read has been served N times. A 5xx on one
 * write is the core's rules: {"match": "Set-Mailbox bob@contoso.com", ...}.
 */
#include "m365_mock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct token {
	char *value, *resource, *client_id;
	time_t exp;
};

struct mutation {
	char *match;
	long after, seen;
	bool due, done;
	cJSON *spec;
};

static cJSON *fixture;
static char *client_secret_override, *client_cert;
static struct token *tokens;
static size_t nr_tokens;
static char **jtis;
static size_t nr_jtis;
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t state_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t kmu = PTHREAD_MUTEX_INITIALIZER;
static long write_latency_ms;
static struct mutation *mutations;
static size_t nr_mutations;

static void knobs_handler(struct mreq *rq, struct mresp *rs);

/* m365_register - the Microsoft 365 routes */
void m365_register(void)
{
	mock_route("POST", "/", "/oauth2/v2.0/token", m365_token_handler);
	mock_route(NULL, "/v1.0/", "", m365_graph_handler);
	mock_route(NULL, "/adminapi/beta/", "", m365_exo_handler);
	mock_route("POST", "/_m365/knobs", "", knobs_handler);
	mock_route("GET", "/_m365/state", "", m365_state_handler);
}

/* m365_load_fixture - read the tenant fixture; 0 or -1 (message printed) */
int m365_load_fixture(const char *path)
{
	cJSON *j = mock_load_json_object(path);
	if (!j)
		return -1;
	cJSON_Delete(fixture);
	fixture = j;
	return 0;
}

/* mutations_clear - forget the mutation knobs (kmu held or at exit) */
static void mutations_clear(void)
{
	for (size_t i = 0; i < nr_mutations; i++) {
		free(mutations[i].match);
		cJSON_Delete(mutations[i].spec);
	}
	free(mutations);
	mutations = NULL;
	nr_mutations = 0;
}

/* m365_knobs_set - apply a knobs JSON text (see the top); 0 or -1 */
static int m365_knobs_set(const char *text)
{
	cJSON *j = cJSON_Parse(text), *v, *m;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	pthread_mutex_lock(&kmu);
	if ((v = cJSON_GetObjectItem(j, "write_latency_ms")) && cJSON_IsNumber(v))
		write_latency_ms = (long)v->valuedouble;
	if ((v = cJSON_GetObjectItem(j, "mutations")) && cJSON_IsArray(v)) {
		mutations_clear();
		mutations = mx_malloc(((size_t)cJSON_GetArraySize(v) + 1) * sizeof(*mutations));
		cJSON_ArrayForEach(m, v) {
			cJSON *match = cJSON_GetObjectItem(m, "match"), *after = cJSON_GetObjectItem(m, "after");
			if (!cJSON_IsString(match))
				continue;
			mutations[nr_mutations].match = mx_strdup(match->valuestring);
			mutations[nr_mutations].after = cJSON_IsNumber(after) ? (long)after->valuedouble : 1;
			mutations[nr_mutations].spec = cJSON_Duplicate(m, 1);
			nr_mutations++;
		}
	}
	pthread_mutex_unlock(&kmu);
	m365_write_knobs(j);
	cJSON_Delete(j);
	return 0;
}

/* knobs_handler - POST /_m365/knobs */
static void knobs_handler(struct mreq *rq, struct mresp *rs)
{
	if (m365_knobs_set(rq->body) < 0)
		resp_text(rs, 400, "text/plain", "m365 knobs: want a JSON object\n");
	else
		resp_text(rs, 200, "text/plain", "ok\n");
}

/* m365_count_read - see m365_mock.h */
void m365_count_read(const char *key)
{
	pthread_mutex_lock(&kmu);
	for (size_t i = 0; i < nr_mutations; i++) {
		struct mutation *m = &mutations[i];
		if (m->done || m->due || !strstr(key, m->match))
			continue;
		if (++m->seen >= m->after)
			m->due = true;
	}
	pthread_mutex_unlock(&kmu);
}

/* m365_run_mutations - see m365_mock.h */
void m365_run_mutations(void)
{
	for (;;) {
		cJSON *spec = NULL;
		pthread_mutex_lock(&kmu);
		for (size_t i = 0; i < nr_mutations && !spec; i++)
			if (mutations[i].due && !mutations[i].done) {
				mutations[i].done = true;
				spec = cJSON_Duplicate(mutations[i].spec, 1);
			}
		pthread_mutex_unlock(&kmu);
		if (!spec)
			return;
		struct mresp rs = { 0 };
		cJSON *cm = cJSON_GetObjectItem(spec, "cmdlet"), *pr = cJSON_GetObjectItem(spec, "patch_rule");
		if (cJSON_IsString(cm)) {
			cJSON *params = cJSON_GetObjectItem(spec, "params");
			m365_exo_write(cm->valuestring, params, "mutation", &rs);
		} else if (cJSON_IsObject(pr)) {
			cJSON *u = cJSON_GetObjectItem(pr, "user"), *id = cJSON_GetObjectItem(pr, "id");
			m365_graph_patch_rule(cJSON_IsString(u) ? u->valuestring : "",
					      cJSON_IsString(id) ? id->valuestring : "",
					      cJSON_GetObjectItem(pr, "body"), &rs);
		}
		{
			cJSON *ev = cJSON_CreateObject();
			cJSON_AddItemToObject(ev, "m365_mutation", spec);
			cJSON_AddNumberToObject(ev, "status", rs.status);
			mock_log_event(ev);
		}
		resp_release(&rs);
	}
}

/* m365_write_pause - see m365_mock.h */
void m365_write_pause(void)
{
	long ms;
	pthread_mutex_lock(&kmu);
	ms = write_latency_ms;
	pthread_mutex_unlock(&kmu);
	if (ms > 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* m365_log_write - see m365_mock.h */
void m365_log_write(const char *what, const char *identity, unsigned status)
{
	cJSON *ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "m365_write", what);
	cJSON_AddStringToObject(ev, "identity", identity ? identity : "");
	cJSON_AddNumberToObject(ev, "status", status);
	mock_log_event(ev);
}

/* m365_state_rdlock, m365_state_wrlock, m365_state_unlock - see m365_mock.h */
void m365_state_rdlock(void)
{
	pthread_rwlock_rdlock(&state_lock);
}

void m365_state_wrlock(void)
{
	pthread_rwlock_wrlock(&state_lock);
}

void m365_state_unlock(void)
{
	pthread_rwlock_unlock(&state_lock);
}

/* m365_app - see m365_mock.h */
cJSON *m365_app(const char *client_id)
{
	static const char *const keys[] = { "app", "write_app" };
	for (size_t i = 0; client_id && i < 2; i++) {
		cJSON *a = cJSON_GetObjectItem(m365_fixture(), keys[i]);
		cJSON *id = cJSON_GetObjectItem(a, "client_id");
		if (cJSON_IsString(id) && !strcmp(id->valuestring, client_id))
			return a;
	}
	return NULL;
}

/* m365_app_secret - see m365_mock.h */
const char *m365_app_secret(const char *client_id)
{
	cJSON *s = cJSON_GetObjectItem(m365_app(client_id), "client_secret");
	return cJSON_IsString(s) ? s->valuestring : "";
}

/* m365_bearer_may_write - see m365_mock.h */
bool m365_bearer_may_write(struct mreq *rq, const char *resource)
{
	static const char *const exo_writers[] = { "Exchange Administrator", "Global Administrator",
						   "Organization Management", NULL };
	char *cid = NULL;
	cJSON *app, *roles, *r;
	bool ok = false;
	pthread_mutex_lock(&tmu);
	for (size_t i = 0; rq->auth && i < nr_tokens; i++)
		if (!strcmp(tokens[i].value, rq->auth + 7))
			cid = mx_strdup(tokens[i].client_id);
	pthread_mutex_unlock(&tmu);
	app = m365_app(cid);
	free(cid);
	roles = cJSON_GetObjectItem(app, "roles");
	if (!app || !roles)
		return app != NULL;
	if (!strcmp(resource, "graph")) {
		cJSON_ArrayForEach(r, roles)
			ok |= cJSON_IsString(r) && !strcmp(r->valuestring, "MailboxSettings.ReadWrite");
	} else {
		r = cJSON_GetObjectItem(app, "exchange_role");
		for (int i = 0; exo_writers[i] && cJSON_IsString(r); i++)
			ok |= !strcmp(r->valuestring, exo_writers[i]);
	}
	return ok;
}

/* m365_set_option - --m365-NAME VALUE */
void m365_set_option(const char *name, const char *value)
{
	if (!strcmp(name, "secret")) {
		free(client_secret_override);
		client_secret_override = mx_strdup(value);
	} else if (!strcmp(name, "knobs")) {
		if (m365_knobs_set(value) < 0) {
			fprintf(stderr, "mockd: --m365-knobs: want a JSON object\n");
			exit(2);
		}
	} else if (!strcmp(name, "client-cert")) {
		free(client_cert);
		client_cert = mx_strdup(value);
	} else {
		fprintf(stderr, "mockd: unknown option --m365-%s\n", name);
		exit(2);
	}
}

/* m365_cleanup - free everything at exit */
void m365_cleanup(void)
{
	cJSON_Delete(fixture);
	free(client_secret_override);
	free(client_cert);
	for (size_t i = 0; i < nr_tokens; i++) {
		free(tokens[i].value);
		free(tokens[i].resource);
		free(tokens[i].client_id);
	}
	mutations_clear();
	free(tokens);
	for (size_t i = 0; i < nr_jtis; i++)
		free(jtis[i]);
	free(jtis);
}

/* m365_fixture - see m365_mock.h */
cJSON *m365_fixture(void)
{
	static cJSON *empty;
	if (!fixture && !empty)
		empty = cJSON_CreateObject();
	return fixture ? fixture : empty;
}

/* fixture_str - a top-level or app string of the fixture */
static const char *fixture_str(const char *obj, const char *key)
{
	cJSON *o = obj ? cJSON_GetObjectItem(m365_fixture(), obj) : m365_fixture();
	cJSON *v = cJSON_GetObjectItem(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* m365_tenant_matches - see m365_mock.h */
bool m365_tenant_matches(const char *seg, size_t len, bool allow_domain)
{
	const char *id = fixture_str(NULL, "tenant_id"), *dom = fixture_str(NULL, "tenant_domain");
	if (strlen(id) == len && !strncasecmp(seg, id, len))
		return true;
	return allow_domain && *dom && strlen(dom) == len && !strncasecmp(seg, dom, len);
}

/* m365_client_id - see m365_mock.h */
const char *m365_client_id(void)
{
	return fixture_str("app", "client_id");
}

/* m365_client_secret - see m365_mock.h */
const char *m365_client_secret(void)
{
	return client_secret_override ? client_secret_override : fixture_str("app", "client_secret");
}

/* m365_client_cert_path - see m365_mock.h */
const char *m365_client_cert_path(void)
{
	return client_cert;
}

/* m365_issue_token - see m365_mock.h */
char *m365_issue_token(const char *resource, const char *client_id, long lifetime)
{
	/* JWT-shaped like the real ones (header.claims.signature), opaque to clients */
	char *rnd = mock_random_hex(24);
	char *v = mx_fmt("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.mock-%s.%s", resource, rnd);
	for (char *p = v; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	pthread_mutex_lock(&tmu);
	tokens = realloc(tokens, (nr_tokens + 1) * sizeof(*tokens));
	if (!tokens)
		abort();
	tokens[nr_tokens].value = mx_strdup(v);
	tokens[nr_tokens].resource = mx_strdup(resource);
	tokens[nr_tokens].client_id = mx_strdup(client_id);
	tokens[nr_tokens].exp = time(NULL) + lifetime;
	nr_tokens++;
	pthread_mutex_unlock(&tmu);
	free(rnd);
	return v;
}

/* unauthorized - a Graph-style 401 */
static void unauthorized(struct mresp *rs, const char *code, const char *msg)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	resp_json(rs, 401, j);
	resp_header(rs, "WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"");
}

/* m365_check_bearer - see m365_mock.h */
bool m365_check_bearer(struct mreq *rq, const char *resource, struct mresp *rs)
{
	const char *a = rq->auth;
	int state = 0; /* 0 unknown, 1 ok, 2 expired, 3 wrong audience */
	if (!a || strncmp(a, "Bearer ", 7)) {
		unauthorized(rs, "InvalidAuthenticationToken", "Access token is empty.");
		return false;
	}
	pthread_mutex_lock(&tmu);
	for (size_t i = 0; i < nr_tokens; i++) {
		if (strcmp(tokens[i].value, a + 7))
			continue;
		if (strcmp(tokens[i].resource, resource))
			state = 3;
		else if (knobs_token_check() && tokens[i].exp <= time(NULL))
			state = 2;
		else
			state = 1;
		break;
	}
	pthread_mutex_unlock(&tmu);
	if (state == 1)
		return true;
	unauthorized(rs, "InvalidAuthenticationToken",
		     state == 2 ? "Lifetime validation failed, the token is expired." :
		     state == 3 ? "Invalid audience." : "Access token validation failure.");
	return false;
}

/* m365_jti_seen - see m365_mock.h */
bool m365_jti_seen(const char *jti)
{
	bool seen = false;
	pthread_mutex_lock(&tmu);
	for (size_t i = 0; i < nr_jtis && !seen; i++)
		seen = !strcmp(jtis[i], jti);
	if (!seen) {
		jtis = realloc(jtis, (nr_jtis + 1) * sizeof(*jtis));
		if (!jtis)
			abort();
		jtis[nr_jtis++] = mx_strdup(jti);
	}
	pthread_mutex_unlock(&tmu);
	return seen;
}
