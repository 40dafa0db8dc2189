/*
 * auth_entra.c - Entra ID client-credentials tokens (see auth_entra.h).
 *
 * Why the token request is sent by our HTTP layer and not by
 * oauth2_http_call(): liboauth2's call context can take a CA file
 * (ca_info), but it runs its own easy handle with no retries, no
 * Retry-After handling, no response size cap, no HTTP/2 and no shared
 * timeouts, and at debug level it logs the request data (which holds the
 * secret). So liboauth2 does what fits: its endpoint-auth configuration
 * ("client_secret_post") adds client_id and client_secret to the form, and
 * oauth2_http_url_form_encode() encodes it; the POST goes through http_run.
 *
 * Certificates: liboauth2's private_key_jwt method signs with a JWK and
 * cannot put an x5t / x5t#S256 header in the assertion, which Entra needs
 * to find the certificate, so jwt.c builds and signs the assertion with
 * OpenSSL and we add client_assertion(_type) to the form ourselves.
 */
#include "providers/m365/auth_entra.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <oauth2/cfg.h>
#include <oauth2/http.h>
#include <oauth2/log.h>
#include <oauth2/mem.h>
#include <oauth2/oauth2.h>
#include <oauth2/util.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ASSERTION_LIFETIME 600  /* seconds; Entra asks for 5-10 minutes at most */

struct entra_app {
	char *token_url;
	char *aud;        /* the assertion audience: the token URL */
	char *client_id;
	char *secret;
	struct jwt_cred *cred;
	enum jwt_alg alg;
	struct http_client *http;
};

/* discard_log - a liboauth2 log sink that drops everything (its messages may quote form data) */
static void discard_log(oauth2_log_sink_t *sink, const char *filename, unsigned long line,
			const char *function, oauth2_log_level_t level, const char *msg)
{
}

/* entra_app_new - see auth_entra.h */
struct entra_app *entra_app_new(const struct entra_app_opts *o, struct http_client *c, char **err)
{
	struct entra_app *a;
	const char *root = o->login_url && *o->login_url ? o->login_url : "https://login.microsoftonline.com";
	size_t rl = strlen(root);
	char *tenant;
	if (!o->tenant || !*o->tenant || !o->client_id || !*o->client_id) {
		*err = xstrdup("tenant_id and client_id are required");
		return NULL;
	}
	if (!o->secret && !o->cert_path) {
		*err = xstrdup("no credential: set client_secret_env (or AZURE_CLIENT_SECRET) or certificate");
		return NULL;
	}
	a = xcalloc(1, sizeof(*a));
	while (rl && root[rl - 1] == '/')
		rl--;
	tenant = http_url_escape(o->tenant);
	a->token_url = xstrfmt("%.*s/%s/oauth2/v2.0/token", (int)rl, root, tenant);
	free(tenant);
	a->aud = xstrdup(a->token_url);
	a->client_id = xstrdup(o->client_id);
	a->alg = o->alg;
	a->http = c;
	if (o->cert_path) {
		if (jwt_cred_load(o->cert_path, o->key_path, &a->cred, err) < 0) {
			entra_app_free(a);
			return NULL;
		}
	} else {
		a->secret = xstrdup(o->secret);
	}
	return a;
}

/* entra_app_free - see auth_entra.h */
void entra_app_free(struct entra_app *a)
{
	if (!a)
		return;
	if (a->secret) {
		explicit_bzero(a->secret, strlen(a->secret));
		free(a->secret);
	}
	jwt_cred_free(a->cred);
	free(a->token_url);
	free(a->aud);
	free(a->client_id);
	free(a);
}

/* token_form_unlocked - the form body of a token request for scope (caller wipes and frees) */
static char *token_form_unlocked(struct entra_app *a, const char *scope, char **err)
{
	oauth2_log_sink_t *sink = oauth2_log_sink_create(OAUTH2_LOG_ERROR, discard_log, NULL);
	oauth2_log_t *log = oauth2_log_init(OAUTH2_LOG_ERROR, sink);
	oauth2_nv_list_t *params = oauth2_nv_list_init(log);
	oauth2_nv_list_t *opts = NULL;
	oauth2_cfg_endpoint_auth_t *auth = NULL;
	oauth2_http_call_ctx_t *ctx = NULL;
	char *enc, *out = NULL, *assertion = NULL, *rv;

	oauth2_nv_list_add(log, params, "grant_type", "client_credentials");
	oauth2_nv_list_add(log, params, "scope", scope);
	if (a->secret) {
		opts = oauth2_nv_list_init(log);
		oauth2_nv_list_add(log, opts, "client_id", a->client_id);
		oauth2_nv_list_add(log, opts, "client_secret", a->secret);
		auth = oauth2_cfg_endpoint_auth_init(log);
		rv = oauth2_cfg_set_endpoint_auth(log, auth, "client_secret_post", opts, NULL);
		if (rv) {
			oauth2_mem_free(rv);
			*err = xstrdup("cannot configure client_secret_post authentication");
			goto out;
		}
		ctx = oauth2_http_call_ctx_init(log);
		if (!oauth2_http_ctx_auth_add(log, ctx, auth, params)) {
			*err = xstrdup("cannot add the client secret to the token request");
			goto out;
		}
	} else {
		assertion = jwt_client_assertion(a->cred, a->alg, a->client_id, a->aud,
						 time(NULL), ASSERTION_LIFETIME, err);
		if (!assertion)
			goto out;
		oauth2_nv_list_add(log, params, "client_id", a->client_id);
		oauth2_nv_list_add(log, params, "client_assertion_type",
				   "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
		oauth2_nv_list_add(log, params, "client_assertion", assertion);
	}
	enc = oauth2_http_url_form_encode(log, params);
	if (!enc) {
		*err = xstrdup("cannot encode the token request");
		goto out;
	}
	out = xstrdup(enc);
	explicit_bzero(enc, strlen(enc));
	oauth2_mem_free(enc);
out:
	free(assertion);
	if (ctx)
		oauth2_http_call_ctx_free(log, ctx);
	if (auth)
		oauth2_cfg_endpoint_auth_free(log, auth);
	if (opts)
		oauth2_nv_list_free(log, opts);
	oauth2_nv_list_free(log, params);
	oauth2_log_free(log);
	return out;
}

/* liboauth2's form encoder (oauth2_url_encode) keeps libcurl state that is not
 * safe when several threads encode at once: tenants collected concurrently
 * leaked a curl easy handle under LeakSanitizer. Our use of liboauth2 is this
 * one short, CPU-only call per token, so it is serialised. */
static pthread_mutex_t liboauth2_lock = PTHREAD_MUTEX_INITIALIZER;

/* token_form - token_form_unlocked, one thread at a time */
static char *token_form(struct entra_app *a, const char *scope, char **err)
{
	char *out;
	pthread_mutex_lock(&liboauth2_lock);
	out = token_form_unlocked(a, scope, err);
	pthread_mutex_unlock(&liboauth2_lock);
	return out;
}

/* entra_refresh_margin_ms - see auth_entra.h */
long long entra_refresh_margin_ms(long expires_in)
{
	long long m = (long long)expires_in * 1000 / 5;
	return m > 300000 ? 300000 : m;
}

/* fetch - request a new token for t; 0, or -1 with *err */
static int fetch(struct entra_token *t, char **err)
{
	struct entra_app *a = t->app;
	struct http_request *r;
	char *form, *perr = NULL;
	cJSON *j = NULL, *at, *exp;
	long expires_in;
	int ret = -1;

	form = token_form(a, t->scope, err);
	if (!form)
		return -1;
	r = http_request_new("POST", a->token_url);
	http_request_add_header(r, "Content-Type", "application/x-www-form-urlencoded");
	http_request_add_header(r, "Accept", "application/json");
	http_request_set_body(r, form, strlen(form));
	explicit_bzero(form, strlen(form));
	free(form);
	t->fetches++;
	http_run(a->http, &r, 1);
	if (!http_ok(r)) {
		char *why = http_describe_failure(r);
		*err = xstrfmt("token request for %s refused: %s", t->scope, why);
		free(why);
		goto out;
	}
	j = http_parse_json(r, &perr);
	at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
	exp = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
	if (!j || !cJSON_IsString(at) || !*at->valuestring) {
		*err = perr ? xstrfmt("token response: %s", perr)
			    : xstrdup("token response has no access_token");
		goto out;
	}
	if (cJSON_IsNumber(exp))
		expires_in = (long)exp->valuedouble;
	else if (cJSON_IsString(exp))
		expires_in = strtol(exp->valuestring, NULL, 10);
	else
		expires_in = 3599;
	if (expires_in <= 0)
		expires_in = 1;
	if (t->value) {
		explicit_bzero(t->value, strlen(t->value));
		free(t->value);
	}
	t->value = xstrfmt("Bearer %s", at->valuestring);
	t->obtained_ms = http_now_ms();
	t->refresh_at_ms = t->obtained_ms + (long long)expires_in * 1000 - entra_refresh_margin_ms(expires_in);
	ret = 0;
out:
	free(perr);
	http_wipe_token_response(r, j);
	cJSON_Delete(j);
	http_request_free(r);
	return ret;
}

/* entra_token_get - see auth_entra.h */
int entra_token_get(struct http_auth *base, const char *stale, char **value, char **err)
{
	struct entra_token *t = (struct entra_token *)base;
	bool usable = t->value && http_now_ms() < t->refresh_at_ms &&
		      !(stale && !strcmp(stale, t->value));
	if (t->failure) {
		*err = xstrdup(t->failure);
		return -1;
	}
	if (!usable && fetch(t, err) < 0) {
		t->failure = xstrdup(*err);
		return -1;
	}
	*value = xstrdup(t->value);
	return 0;
}

/* entra_token_init - see auth_entra.h */
void entra_token_init(struct entra_token *t, struct entra_app *a, const char *scope)
{
	memset(t, 0, sizeof(*t));
	t->base.get = entra_token_get;
	t->app = a;
	t->scope = xstrdup(scope);
}

/* entra_token_release - see auth_entra.h */
void entra_token_release(struct entra_token *t)
{
	if (t->value) {
		explicit_bzero(t->value, strlen(t->value));
		free(t->value);
	}
	free(t->scope);
	free(t->failure);
	memset(t, 0, sizeof(*t));
}
