/*
 * gws_token.c - the mock Google OAuth 2.0 token endpoint for service
 * accounts (JWT-bearer grant, RFC 7523): the assertion's RS256 signature is
 * verified with OpenSSL against the public half of the test key, then iss,
 * aud (Google's constant or this endpoint's own URL), exp - iat <= 3600 and
 * skew, the sub (a known user: else 400 invalid_grant "Invalid email or User
 * ID") and every scope against the client's allow-list (else 401
 * unauthorized_client). Tokens are bound to (sub, scopes).
 *
 * Fixture "token_refusals": {user: {"error", "error_description"}} refuses
 * that user's tokens with 400 and the given OAuth error: restricted or
 * suspended accounts, whose refusals GAM lists as
 * "access_denied: Account restricted", "access_denied: Requested client not
 * authorized" and "invalid_grant: Bad Request" (src/gam/gamlib/glapi.py
 * OAUTH2_TOKEN_ERRORS; GAM reports them per user as "Service not applicable
 * for this address"). The HTTP status of those answers is not documented;
 * 400 is what the token endpoint uses for invalid_grant [ISS-BADSUB].
 */
#include "gws_mock.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GOOGLE_AUD "https://oauth2.googleapis.com/token"

/* oauth_error - {"error", "error_description"} */
static void oauth_error(struct mresp *rs, unsigned status, const char *error, const char *desc)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "error", error);
	cJSON_AddStringToObject(j, "error_description", desc);
	resp_json(rs, status, j);
	free(rs->ctype);
	rs->ctype = mx_strdup("application/json; charset=utf-8");
}


/* verify_sig - the RS256 signature over signed[0..n) against the test public key */
static bool verify_sig(const char *signed_part, size_t n, const unsigned char *sig, size_t sl)
{
	FILE *f = gws_public_key_path() ? fopen(gws_public_key_path(), "r") : NULL;
	EVP_PKEY *pk = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = pk && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
		  EVP_DigestVerify(md, sig, sl, (const unsigned char *)signed_part, n) == 1;
	if (f)
		fclose(f);
	ERR_clear_error();
	EVP_PKEY_free(pk);
	EVP_MD_CTX_free(md);
	return ok;
}

/* scope_allowed - every scope in the space-separated list is in the allow-list */
static bool scope_allowed(const char *scopes)
{
	cJSON *allow = cJSON_GetObjectItem(gws_fixture_get("service_account"), "scopes");
	char *copy = mx_strdup(scopes), *save = NULL;
	bool ok = *scopes != '\0';
	for (char *s = strtok_r(copy, " ", &save); s && ok; s = strtok_r(NULL, " ", &save)) {
		cJSON *a;
		bool found = false;
		cJSON_ArrayForEach(a, allow)
			found = found || (cJSON_IsString(a) && !strcmp(a->valuestring, s));
		ok = found;
	}
	free(copy);
	return ok;
}

/* gws_token_handler - POST /token */
void gws_token_handler(struct mreq *rq, struct mresp *rs)
{
	struct mkv *f = NULL;
	size_t nf = 0, hl, cl, sl;
	char *body = mx_malloc(rq->body_len + 1), *tok = NULL, *self = NULL, *base = NULL;
	const char *grant = NULL, *assertion = NULL, *d1, *d2, *ct = req_header(rq, "Content-Type");
	unsigned char *hdr = NULL, *claims = NULL, *sig = NULL;
	cJSON *h = NULL, *c = NULL, *v, *iat, *exp, *sa = gws_fixture_get("service_account");
	const char *sub, *scope, *email;
	time_t now = time(NULL);
	long life;

	memcpy(body, rq->body, rq->body_len);
	if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33)) {
		oauth_error(rs, 400, "invalid_request", "Invalid Content-Type");
		goto out;
	}
	for (char *p = body; *p; p++)
		if (*p == '+')
			*p = ' ';
	mock_parse_query(body, &f, &nf);
	for (size_t i = 0; i < nf; i++) {
		if (!strcmp(f[i].key, "grant_type"))
			grant = f[i].value;
		else if (!strcmp(f[i].key, "assertion"))
			assertion = f[i].value;
	}
	if (!grant || strcmp(grant, "urn:ietf:params:oauth:grant-type:jwt-bearer")) {
		oauth_error(rs, 400, "unsupported_grant_type", "Invalid grant_type");
		goto out;
	}
	d1 = assertion ? strchr(assertion, '.') : NULL;
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d2 || strchr(d2 + 1, '.') ||
	    !(hdr = mock_b64url_decode(assertion, (size_t)(d1 - assertion), &hl)) ||
	    !(claims = mock_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &cl)) ||
	    !(sig = mock_b64url_decode(d2 + 1, strlen(d2 + 1), &sl)) ||
	    !(h = cJSON_Parse((char *)hdr)) || !(c = cJSON_Parse((char *)claims))) {
		oauth_error(rs, 400, "invalid_grant", "Invalid JWT: malformed assertion");
		goto out;
	}
	v = cJSON_GetObjectItem(h, "alg");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "RS256")) {
		oauth_error(rs, 400, "invalid_grant", "Invalid JWT: unsupported algorithm");
		goto out;
	}
	v = cJSON_GetObjectItem(c, "iss");
	email = cJSON_GetStringValue(cJSON_GetObjectItem(sa, "client_email"));
	if (!cJSON_IsString(v) || !email || strcmp(v->valuestring, email)) {
		oauth_error(rs, 400, "invalid_grant", "Invalid JWT: No valid verifier found for issuer.");
		goto out;
	}
	if (!verify_sig(assertion, (size_t)(d2 - assertion), sig, sl)) {
		oauth_error(rs, 400, "invalid_grant", "Invalid JWT Signature.");
		goto out;
	}
	v = cJSON_GetObjectItem(c, "aud");
	base = mock_base(rq);
	self = mx_fmt("%s/token", base);
	if (!cJSON_IsString(v) || (strcmp(v->valuestring, GOOGLE_AUD) && strcmp(v->valuestring, self))) {
		oauth_error(rs, 400, "invalid_grant", "Invalid JWT: audience is not the token endpoint");
		goto out;
	}
	iat = cJSON_GetObjectItem(c, "iat");
	exp = cJSON_GetObjectItem(c, "exp");
	if (!cJSON_IsNumber(iat) || !cJSON_IsNumber(exp) || exp->valuedouble - iat->valuedouble > 3600 ||
	    exp->valuedouble <= iat->valuedouble || iat->valuedouble > (double)now + 300 ||
	    exp->valuedouble < (double)now) {
		oauth_error(rs, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) "
			    "and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
		goto out;
	}
	scope = cJSON_GetStringValue(cJSON_GetObjectItem(c, "scope"));
	if (!scope || !scope_allowed(scope)) {
		oauth_error(rs, 401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using "
			    "this method, or client not authorized for any of the scopes requested.");
		goto out;
	}
	sub = cJSON_GetStringValue(cJSON_GetObjectItem(c, "sub"));
	if (sub && !gws_user(sub)) {
		oauth_error(rs, 400, "invalid_grant", "Invalid email or User ID");
		goto out;
	}
	if (sub && (v = cJSON_GetObjectItem(gws_fixture_get("token_refusals"), sub))) {
		const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(v, "error"));
		const char *d = cJSON_GetStringValue(cJSON_GetObjectItem(v, "error_description"));
		oauth_error(rs, 400, e ? e : "access_denied", d ? d : "Account restricted");
		goto out;
	}
	life = knobs_token_lifetime();
	tok = gws_issue_token(sub ? sub : email, scope, life);
	{
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "access_token", tok);
		cJSON_AddNumberToObject(j, "expires_in", (double)life);
		cJSON_AddStringToObject(j, "token_type", "Bearer");
		resp_json(rs, 200, j);
	}
	{
		cJSON *ev = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "token_issued_sub", sub ? sub : email);
		cJSON_AddStringToObject(ev, "scope", scope);
		mock_log_event(ev);
	}
out:
	mock_free_args(f, nf);
	cJSON_Delete(h);
	cJSON_Delete(c);
	free(hdr);
	free(claims);
	free(sig);
	free(body);
	free(tok);
	free(self);
	free(base);
}
