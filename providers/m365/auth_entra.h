/*
 * auth_entra.h - Microsoft Entra ID app-only tokens (client-credentials
 * grant) for one tenant: a client secret (from the environment) or a
 * certificate (client assertion JWT, PS256 + x5t#S256 or RS256 + x5t).
 *
 * One entra_app holds the credential; each resource (Graph, Exchange) gets
 * its own entra_token, an http_auth that caches the token, refreshes it
 * shortly before it expires and once more when a request comes back 401.
 * Tokens are requested for "<resource>/.default", one resource per request.
 *
 * Secrets and tokens are never printed, logged, or put in URLs or messages.
 * Ownership: entra_app_free frees the app (callers free tokens first).
 */
#ifndef ALIASAUDIT_AUTH_ENTRA_H
#define ALIASAUDIT_AUTH_ENTRA_H

#include "net/http.h"
#include "providers/common/jwt.h"

#include <stdbool.h>
#include <time.h>

struct entra_app_opts {
	const char *login_url;   /* "https://login.microsoftonline.com" */
	const char *tenant;      /* GUID or domain */
	const char *client_id;
	const char *secret;      /* or NULL (copied, wiped on free) */
	const char *cert_path;   /* or NULL: PEM certificate (+ key) */
	const char *key_path;    /* NULL: key is in cert_path */
	enum jwt_alg alg;        /* for certificates */
};

struct entra_app;

struct entra_token {
	struct http_auth base;   /* first: the http layer calls base.get */
	struct entra_app *app;
	char *scope;
	char *value;             /* "Bearer ..." or NULL */
	long long obtained_ms, refresh_at_ms;
	char *failure;           /* a credential failure, repeated to later callers */
	int fetches;             /* token requests made (for tests/diagnostics) */
};

/* entra_app_new - check the credential (reading the certificate); the HTTP
 * client is borrowed. NULL with *err (a credential error). */
struct entra_app *entra_app_new(const struct entra_app_opts *o, struct http_client *c, char **err);
void entra_app_free(struct entra_app *a);

/* entra_token_init - a token source for scope ("https://graph.microsoft.com/.default") */
void entra_token_init(struct entra_token *t, struct entra_app *a, const char *scope);
void entra_token_release(struct entra_token *t);
/* entra_token_get - the http_auth get(): see http.h */
int entra_token_get(struct http_auth *a, const char *stale, char **value, char **err);

/* entra_refresh_margin_ms - how long before expiry a token of lifetime
 * expires_in seconds is renewed: a fifth of it, at most 5 minutes */
long long entra_refresh_margin_ms(long expires_in);

#endif
