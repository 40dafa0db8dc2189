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
 * mailbox (Graph answers 404 MailboxNotEnabledForRESTAPI).
 */
#include "m365_mock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct token {
	char *value, *resource;
	time_t exp;
};

static cJSON *fixture;
static char *client_secret_override, *client_cert;
static struct token *tokens;
static size_t nr_tokens;
static char **jtis;
static size_t nr_jtis;
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;

/* m365_register - the Microsoft 365 routes */
void m365_register(void)
{
	mock_route("POST", "/", "/oauth2/v2.0/token", m365_token_handler);
	mock_route(NULL, "/v1.0/", "", m365_graph_handler);
	mock_route(NULL, "/adminapi/beta/", "", m365_exo_handler);
}

/* m365_load_fixture - read the tenant fixture; 0 or -1 (message printed) */
int m365_load_fixture(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f) {
		fprintf(stderr, "mockd: %s: cannot open\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = mx_malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	cJSON_Delete(fixture);
	fixture = cJSON_ParseWithLength(buf, (size_t)n);
	free(buf);
	if (!cJSON_IsObject(fixture)) {
		fprintf(stderr, "mockd: %s: not a JSON object\n", path);
		return -1;
	}
	return 0;
}

/* m365_set_option - --m365-NAME VALUE */
void m365_set_option(const char *name, const char *value)
{
	if (!strcmp(name, "secret")) {
		free(client_secret_override);
		client_secret_override = mx_strdup(value);
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
	}
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
char *m365_issue_token(const char *resource, long lifetime)
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
