/*
 * gws_auth.c - service-account tokens with domain-wide delegation (see gws.h):
 * the JSON key file, the RS256 JWT-bearer assertion (RFC 7523) with a `sub`
 * claim, the token request POSTed to the key's token_uri, a cache of tokens
 * per (sub, scopes) for the whole run, and one-line messages for refusals
 * that say what to fix in the Admin console.
 *
 * Why not liboauth2: its JWT-bearer support signs assertions for the client
 * itself and cannot add the `sub` (impersonated user) claim that domain-wide
 * delegation needs, so the assertion is built here with cJSON and signed
 * with OpenSSL (base64url from jwt.c), and the form goes through http_run.
 *
 * The private key and tokens never appear in messages, logs or URLs; buffers
 * that held them are wiped before they are freed.
 */
#include "gws.h"
#include "providers/common/jwt.h"
#include "base/util.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define GWS_KEY_MAX_BYTES (1 << 20)
#define GWS_ASSERTION_LIFETIME 3600
#define GWS_CLOCK_SKEW 30
#define GWS_REFRESH_MARGIN_MS 60000

struct gws_key {
	char *client_email, *client_id, *private_key_id, *token_uri;
	EVP_PKEY *pkey;
};

struct gws_auth {
	struct gws_key *key;
	struct http_client *http;
	struct gws_token **tokens; size_t nr, alloc;
	struct gws_token **slots; size_t cap;   /* hash of tokens by (sub, scopes) */
};

/* wipe_free - zero a string, then free it */
static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* gws_key_parse - see gws.h */
int gws_key_parse(const char *name, const char *buf, size_t len, struct gws_key **out, char **err)
{
	cJSON *j = cJSON_ParseWithLength(buf, len);
	struct gws_key *k = NULL;
	const char *type, *pem, *email, *uri;
	cJSON *pk;
	BIO *bio = NULL;
	int ret = -1;

	if (!cJSON_IsObject(j)) {
		*err = xstrfmt("%s: not a JSON service-account key file", name);
		goto out;
	}
	type = gws_json_str(j, "type");
	if (type && strcmp(type, "service_account")) {
		*err = xstrfmt("%s: type is '%s', want 'service_account' (create a key for a service account "
			       "under IAM > Service accounts > Keys)", name, type);
		goto out;
	}
	pk = cJSON_GetObjectItemCaseSensitive(j, "private_key");
	pem = cJSON_IsString(pk) ? pk->valuestring : NULL;
	email = gws_json_str(j, "client_email");
	uri = gws_json_str(j, "token_uri");
	if (!pem || !*pem || !email || !uri) {
		*err = xstrfmt("%s: missing field '%s'", name, !pem || !*pem ? "private_key" :
			       !email ? "client_email" : "token_uri");
		goto out;
	}
	if (!starts_with(uri, "https://")) {
		*err = xstrfmt("%s: token_uri '%s' is not an https:// URL", name, uri);
		goto out;
	}
	k = xcalloc(1, sizeof(*k));
	bio = BIO_new_mem_buf(pem, -1);
	if (!bio)
		oom();
	/* PKCS#8 "BEGIN PRIVATE KEY" (current keys) and PKCS#1 "BEGIN RSA PRIVATE KEY" */
	k->pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ERR_clear_error();
	if (!k->pkey) {
		*err = xstrfmt("%s: private_key is not a PEM private key", name);
		goto out;
	}
	if (EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_RSA) {
		*err = xstrfmt("%s: private_key is not an RSA key (Google signs service-account JWTs with RS256)", name);
		goto out;
	}
	k->client_email = xstrdup(email);
	k->token_uri = xstrdup(uri);
	k->client_id = xstrdup(gws_json_str(j, "client_id") ? gws_json_str(j, "client_id") : "");
	k->private_key_id = gws_json_str(j, "private_key_id") ? xstrdup(gws_json_str(j, "private_key_id")) : NULL;
	*out = k;
	k = NULL;
	ret = 0;
out:
	BIO_free(bio);
	if (j) {
		pk = cJSON_GetObjectItemCaseSensitive(j, "private_key");
		if (cJSON_IsString(pk))
			explicit_bzero(pk->valuestring, strlen(pk->valuestring));
	}
	cJSON_Delete(j);
	gws_key_free(k);
	return ret;
}

/* gws_key_load - see gws.h */
int gws_key_load(const char *path, struct gws_key **out, char **err)
{
	char *buf = NULL, *rerr = NULL;
	size_t len = 0;
	int ret;
	if (read_file(path, GWS_KEY_MAX_BYTES, &buf, &len, &rerr) < 0) {
		*err = xstrfmt("service-account key: %s", rerr);
		free(rerr);
		return -1;
	}
	ret = gws_key_parse(path, buf, len, out, err);
	explicit_bzero(buf, len);
	free(buf);
	return ret;
}

/* gws_key_free - free a key */
void gws_key_free(struct gws_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->client_email);
	free(k->client_id);
	free(k->private_key_id);
	free(k->token_uri);
	free(k);
}

/* gws_key_client_id - the numeric client id ("" when the file has none) */
const char *gws_key_client_id(const struct gws_key *k)
{
	return k->client_id;
}

/* gws_key_client_email - the service account's email (the JWT iss) */
const char *gws_key_client_email(const struct gws_key *k)
{
	return k->client_email;
}

/* gws_key_token_uri - where token requests go */
const char *gws_key_token_uri(const struct gws_key *k)
{
	return k->token_uri;
}

/* gws_assertion - see gws.h; signed RS256 (Google's service-account JWT) by
 * the provider kit's signer */
char *gws_assertion(const struct gws_key *k, const char *sub, const char *scopes, time_t now,
		    char **err)
{
	cJSON *h = cJSON_CreateObject(), *c = cJSON_CreateObject();
	time_t iat = now - GWS_CLOCK_SKEW;
	char *why = NULL, *out;

	cJSON_AddStringToObject(h, "alg", "RS256");
	cJSON_AddStringToObject(h, "typ", "JWT");
	if (k->private_key_id)
		cJSON_AddStringToObject(h, "kid", k->private_key_id);
	cJSON_AddStringToObject(c, "iss", k->client_email);
	cJSON_AddStringToObject(c, "scope", scopes);
	cJSON_AddStringToObject(c, "aud", GWS_TOKEN_AUD);
	cJSON_AddNumberToObject(c, "iat", (double)iat);
	cJSON_AddNumberToObject(c, "exp", (double)(iat + GWS_ASSERTION_LIFETIME));
	if (sub)
		cJSON_AddStringToObject(c, "sub", sub);
	out = jwt_sign(k->pkey, JWT_RS256, h, c, &why);
	if (!out) {
		*err = xstrfmt("cannot sign the service-account assertion: %s", why);
		free(why);
	}
	return out;
}

/* gws_auth_new - see gws.h */
struct gws_auth *gws_auth_new(struct gws_key *key, struct http_client *c)
{
	struct gws_auth *a = xcalloc(1, sizeof(*a));
	a->key = key;
	a->http = c;
	return a;
}

/* gws_auth_free - free the cache, its tokens and the key */
void gws_auth_free(struct gws_auth *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nr; i++) {
		struct gws_token *t = a->tokens[i];
		wipe_free(t->value);
		free(t->sub);
		free(t->scopes);
		free(t->failure);
		free(t);
	}
	free(a->tokens);
	free(a->slots);
	gws_key_free(a->key);
	free(a);
}

/* token_hash - hash of (case-folded sub, scopes) */
static size_t token_hash(const char *sub, const char *scopes)
{
	size_t h = 1469598103934665603ull;
	for (; *sub; sub++)
		h = (h ^ (unsigned char)tolower((unsigned char)*sub)) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (; *scopes; scopes++)
		h = (h ^ (unsigned char)*scopes) * 1099511628211ull;
	return h;
}

/* slot_of - where (sub, scopes) is or would go in a->slots */
static size_t slot_of(const struct gws_auth *a, const char *sub, const char *scopes)
{
	size_t i = token_hash(sub, scopes) & (a->cap - 1);
	while (a->slots[i] && !(str_eq_nocase(a->slots[i]->sub, sub) && !strcmp(a->slots[i]->scopes, scopes)))
		i = (i + 1) & (a->cap - 1);
	return i;
}

/* rehash - grow the slot table to hold twice the tokens (one token per user
 * at 100,000 users: a scan per lookup was quadratic) */
static void rehash(struct gws_auth *a)
{
	free(a->slots);
	a->cap = a->cap ? a->cap * 2 : 64;
	a->slots = xcalloc(a->cap, sizeof(*a->slots));
	for (size_t i = 0; i < a->nr; i++)
		a->slots[slot_of(a, a->tokens[i]->sub, a->tokens[i]->scopes)] = a->tokens[i];
}

/* gws_auth_token - see gws.h */
struct gws_token *gws_auth_token(struct gws_auth *a, const char *sub, const char *scopes)
{
	struct gws_token *t;
	size_t i;
	if (2 * (a->nr + 1) > a->cap)
		rehash(a);
	i = slot_of(a, sub, scopes);
	if (a->slots[i])
		return a->slots[i];
	t = xcalloc(1, sizeof(*t));
	t->base.get = gws_token_get;
	t->auth = a;
	t->sub = xstrdup(sub);
	t->scopes = xstrdup(scopes);
	ALLOC_GROW(a->tokens, a->nr + 1, a->alloc);
	a->tokens[a->nr++] = t;
	a->slots[i] = t;
	return t;
}

/* scope_list - "a b c" with the common prefix dropped and commas: what the
 * Admin console's "OAuth scopes (comma-delimited)" field wants (caller frees) */
static char *scope_list(const char *scopes)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = scopes;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n)
			strbuf_putf(&sb, "%s%.*s", sb.len ? "," : "", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	return strbuf_detach(&sb, NULL);
}

/* gws_token_error - see gws.h */
char *gws_token_error(long status, const char *error, const char *desc, const char *client_id,
		      const char *sub, const char *scopes, bool *fatal)
{
	char *list = scope_list(scopes), *out;
	const char *cid = client_id && *client_id ? client_id : "<the key's client_id>";
	*fatal = true;
	if (error && !strcmp(error, "unauthorized_client")) {
		out = xstrfmt("token request for %s refused (HTTP %ld unauthorized_client): domain-wide delegation "
			      "is not granted for these scopes; in the Admin console open Security > API controls > "
			      "Domain-wide delegation and authorise client ID %s for the scopes %s",
			      sub, status, cid, list);
	} else if (error && !strcmp(error, "invalid_grant") && desc &&
		   (strstr(desc, "Invalid email or User ID") || strstr(desc, "Not a valid email") ||
		    strstr(desc, "deleted"))) {
		/* an unknown subject: fatal for the admin subjects, per user otherwise (the caller decides) */
		out = xstrfmt("token request for %s refused (HTTP %ld invalid_grant: %s): the subject is not an "
			      "existing user of the domain; check admin_subject/super_admin_subject", sub, status, desc);
		*fatal = false;
	} else if (error && (!strcmp(error, "access_denied") ||
			     (!strcmp(error, "invalid_grant") && desc && !strcmp(desc, "Bad Request")))) {
		/* GAM (src/gam/gamlib/glapi.py OAUTH2_TOKEN_ERRORS, handled in
		 * handleOAuthTokenError) takes "access_denied: Account restricted",
		 * "access_denied: Requested client not authorized" and
		 * "invalid_grant: Bad Request" for a user as "Service not applicable
		 * for this address": that account (restricted, suspended) only. The
		 * caller makes it fatal for the admin subjects. */
		out = xstrfmt("token request for %s refused (HTTP %ld %s%s%s): Google issues no token for this "
			      "account (restricted or suspended); its settings cannot be read", sub, status, error,
			      desc ? ": " : "", desc ? desc : "");
		*fatal = false;
	} else if (error && !strcmp(error, "invalid_grant")) {
		out = xstrfmt("token request for %s refused (HTTP %ld invalid_grant%s%s): the service-account key was "
			      "refused (wrong, deleted or disabled key, or a clock more than a few minutes off); "
			      "create a new key for the service account of client ID %s", sub, status,
			      desc ? ": " : "", desc ? desc : "", cid);
	} else if (error && !strcmp(error, "invalid_client")) {
		out = xstrfmt("token request for %s refused (HTTP %ld invalid_client%s%s): the service account or its "
			      "key is unknown or disabled", sub, status, desc ? ": " : "", desc ? desc : "");
	} else {
		out = xstrfmt("token request for %s failed (HTTP %ld%s%s%s%s)", sub, status,
			      error ? " " : "", error ? error : "", desc ? ": " : "", desc ? desc : "");
		*fatal = status < 500 && status != 429;
	}
	free(list);
	return out;
}

/* token_request - the token request for t (caller frees; the body is wiped on free) */
static struct http_request *token_request(struct gws_token *t, char **err)
{
	struct gws_key *k = t->auth->key;
	char *jwt = gws_assertion(k, t->sub, t->scopes, time(NULL), err), *ea, *form;
	struct http_request *r;
	if (!jwt)
		return NULL;
	ea = http_url_escape(jwt);
	form = xstrfmt("grant_type=%s&assertion=%s",
		       "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", ea);
	r = http_request_new("POST", k->token_uri);
	http_request_add_header(r, "Content-Type", "application/x-www-form-urlencoded");
	http_request_add_header(r, "Accept", "application/json");
	http_request_set_body(r, form, strlen(form));
	wipe_free(jwt);
	wipe_free(ea);
	wipe_free(form);
	t->fetches++;
	return r;
}

/* token_finish - take the answer r for t: the token, or t->failure */
static void token_finish(struct gws_token *t, struct http_request *r)
{
	cJSON *j = NULL, *at, *exp;
	char *perr = NULL;
	long expires_in = 3599;

	FREE_AND_NULL(t->failure);
	t->fatal = false;
	if (r->error && !r->status) {
		t->failure = xstrfmt("token request for %s failed: %s", t->sub, r->error);
		t->fatal = true;
		goto out;
	}
	j = cJSON_ParseWithLength(r->resp.buf, r->resp.len);
	if (!http_ok(r)) {
		cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
		const char *desc = gws_json_str(j, "error_description");
		if (cJSON_IsObject(e)) {
			/* some front ends answer with a Google API error object */
			struct gws_error ge;
			gws_error_parse(j, &ge);
			t->failure = gws_token_error(r->status, ge.status ? ge.status : ge.reason, ge.message,
						     t->auth->key->client_id, t->sub, t->scopes, &t->fatal);
		} else {
			t->failure = gws_token_error(r->status, cJSON_IsString(e) ? e->valuestring : NULL, desc,
						     t->auth->key->client_id, t->sub, t->scopes, &t->fatal);
		}
		goto out;
	}
	at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
	exp = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
	if (!cJSON_IsString(at) || !*at->valuestring) {
		perr = j ? xstrdup("no access_token") : xstrdup("malformed JSON");
		t->failure = xstrfmt("token response for %s from %s: %s", t->sub, t->auth->key->token_uri, perr);
		t->fatal = true;
		goto out;
	}
	if (cJSON_IsNumber(exp))
		expires_in = (long)exp->valuedouble;
	else if (cJSON_IsString(exp))
		expires_in = strtol(exp->valuestring, NULL, 10);
	if (expires_in <= 0)
		expires_in = 1;
	wipe_free(t->value);
	t->value = xstrfmt("Bearer %s", at->valuestring);
	t->refresh_at_ms = http_now_ms() + (long long)expires_in * 1000 -
		(expires_in * 1000 > 2 * GWS_REFRESH_MARGIN_MS ? GWS_REFRESH_MARGIN_MS : expires_in * 500);
out:
	free(perr);
	http_wipe_token_response(r, j);
	cJSON_Delete(j);
}

/* fresh - t holds a token that is usable now and was not refused as stale */
static bool fresh(const struct gws_token *t, const char *stale)
{
	return t->value && http_now_ms() < t->refresh_at_ms && !(stale && !strcmp(stale, t->value));
}

/* gws_auth_prefetch - see gws.h */
void gws_auth_prefetch(struct gws_auth *a, struct gws_token **t, size_t n)
{
	struct http_request **reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	struct gws_token **who = xcalloc(n ? n : 1, sizeof(*who));
	size_t nr = 0;
	for (size_t i = 0; i < n; i++) {
		char *err = NULL;
		bool dup = false;
		if (t[i]->failure || fresh(t[i], NULL))
			continue;
		for (size_t k = 0; k < nr; k++)
			dup = dup || who[k] == t[i];
		if (dup)
			continue;
		reqs[nr] = token_request(t[i], &err);
		if (!reqs[nr]) {
			t[i]->failure = err;
			t[i]->fatal = true;
			continue;
		}
		who[nr++] = t[i];
	}
	http_run(a->http, reqs, nr);
	for (size_t k = 0; k < nr; k++) {
		token_finish(who[k], reqs[k]);
		http_request_free(reqs[k]);
	}
	free(reqs);
	free(who);
}

/* gws_token_get - see gws.h */
int gws_token_get(struct http_auth *base, const char *stale, char **value, char **err)
{
	struct gws_token *t = (struct gws_token *)base;
	if (!t->failure && !fresh(t, stale)) {
		struct http_request *r = token_request(t, err);
		if (!r) {
			t->failure = xstrdup(*err);
			t->fatal = true;
			free(*err);
		} else {
			http_run(t->auth->http, &r, 1);
			token_finish(t, r);
			http_request_free(r);
		}
	}
	if (t->failure) {
		*err = xstrdup(t->failure);
		return -1;
	}
	*value = xstrdup(t->value);
	return 0;
}
