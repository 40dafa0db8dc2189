/*
 * m365_token.c - the mock Microsoft identity platform v2 token endpoint:
 * client-credentials grant with a client secret or a certificate assertion
 * (PS256 + x5t#S256 or RS256 + x5t, signature verified with OpenSSL against
 * the test certificate; aud, iss == sub == client_id, exp, nbf and a unique
 * jti checked), one resource per request, errors shaped as in m365.md §1.4.
 * Two apps may be registered (the fixture's "app" and "write_app"); each
 * token remembers its app, whose roles decide what it may write.
 */
#include "m365_mock.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* token_error - an AADSTS error body */
static void token_error(struct mresp *rs, unsigned status, const char *error, int code, const char *text)
{
	cJSON *j = cJSON_CreateObject(), *codes;
	char ts[32], *desc;
	time_t now = time(NULL);
	char *trace = mock_random_hex(16), *corr = mock_random_hex(16);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%SZ", gmtime(&now));
	desc = mx_fmt("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", code, text, trace, corr, ts);
	cJSON_AddStringToObject(j, "error", error);
	cJSON_AddStringToObject(j, "error_description", desc);
	codes = cJSON_AddArrayToObject(j, "error_codes");
	cJSON_AddItemToArray(codes, cJSON_CreateNumber(code));
	cJSON_AddStringToObject(j, "timestamp", ts);
	cJSON_AddStringToObject(j, "trace_id", trace);
	cJSON_AddStringToObject(j, "correlation_id", corr);
	cJSON_AddStringToObject(j, "error_uri", "https://login.microsoftonline.com/error?code=0");
	resp_json(rs, status, j);
	free(desc);
	free(trace);
	free(corr);
}


/* b64url - encode (OpenSSL) without padding */
static char *b64url(const unsigned char *d, size_t n)
{
	char *s = mx_malloc(4 * ((n + 2) / 3) + 1);
	int r = EVP_EncodeBlock((unsigned char *)s, d, (int)n);
	while (r > 0 && s[r - 1] == '=')
		r--;
	s[r] = '\0';
	for (int i = 0; i < r; i++)
		s[i] = s[i] == '+' ? '-' : s[i] == '/' ? '_' : s[i];
	return s;
}

/* check_assertion - verify a client assertion; NULL when good, else an error text (static) with *code */
static const char *check_assertion(const char *jwt, const char *aud_want, const char *client_id, int *code)
{
	const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char *hdr = NULL, *cl = NULL, *sig = NULL, md[EVP_MAX_MD_SIZE];
	size_t hl, cll, sl;
	cJSON *h = NULL, *c = NULL, *v;
	const char *why = NULL, *alg;
	FILE *f = NULL;
	X509 *cert = NULL;
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned int mdl = 0;
	char *thumb = NULL;
	bool ps;

	*code = 700027;
	if (!d1 || !d2 || strchr(d2 + 1, '.') ||
	    !(hdr = mock_b64url_decode(jwt, (size_t)(d1 - jwt), &hl)) ||
	    !(cl = mock_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &cll)) ||
	    !(sig = mock_b64url_decode(d2 + 1, strlen(d2 + 1), &sl)) ||
	    !(h = cJSON_Parse((char *)hdr)) || !(c = cJSON_Parse((char *)cl))) {
		*code = 50027;
		why = "Invalid JWT token. The token is not in a valid format.";
		goto out;
	}
	v = cJSON_GetObjectItem(h, "alg");
	alg = cJSON_IsString(v) ? v->valuestring : "";
	if (strcmp(alg, "PS256") && strcmp(alg, "RS256")) {
		why = "Client assertion uses an unsupported algorithm.";
		goto out;
	}
	ps = !strcmp(alg, "PS256");
	if (!m365_client_cert_path() || !(f = fopen(m365_client_cert_path(), "r")) ||
	    !(cert = PEM_read_X509(f, NULL, NULL, NULL))) {
		why = "No certificate is registered for the application.";
		goto out;
	}
	X509_digest(cert, ps ? EVP_sha256() : EVP_sha1(), md, &mdl);
	thumb = b64url(md, mdl);
	v = cJSON_GetObjectItem(h, ps ? "x5t#S256" : "x5t");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, thumb)) {
		*code = 700027;
		why = "Client assertion failed signature validation. (The certificate thumbprint in the x5t header is not registered for the application.)";
		goto out;
	}
	pk = X509_get_pubkey(cert);
	mctx = EVP_MD_CTX_new();
	if (EVP_DigestVerifyInit(mctx, &pctx, EVP_sha256(), NULL, pk) != 1 ||
	    (ps && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) ||
	    EVP_DigestVerify(mctx, sig, sl, (const unsigned char *)jwt, (size_t)(d2 - jwt)) != 1) {
		why = "Client assertion contains an invalid signature.";
		goto out;
	}
	v = cJSON_GetObjectItem(c, "aud");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, aud_want)) {
		*code = 700023;
		why = "Client assertion audience claim does not match Realm issuer.";
		goto out;
	}
	{
		cJSON *iss = cJSON_GetObjectItem(c, "iss"), *sub = cJSON_GetObjectItem(c, "sub");
		if (!cJSON_IsString(iss) || !cJSON_IsString(sub) || strcmp(iss->valuestring, client_id) ||
		    strcmp(sub->valuestring, client_id)) {
			*code = 700021;
			why = "Client assertion application identifier doesn't match 'client_id' parameter.";
			goto out;
		}
	}
	v = cJSON_GetObjectItem(c, "exp");
	if (!cJSON_IsNumber(v) || v->valuedouble <= (double)time(NULL)) {
		*code = 700024;
		why = "Client assertion is not within its valid time range.";
		goto out;
	}
	v = cJSON_GetObjectItem(c, "nbf");
	if (cJSON_IsNumber(v) && v->valuedouble > (double)time(NULL) + 300) {
		*code = 700024;
		why = "Client assertion is not within its valid time range.";
		goto out;
	}
	v = cJSON_GetObjectItem(c, "jti");
	if (!cJSON_IsString(v) || !*v->valuestring || m365_jti_seen(v->valuestring)) {
		*code = 7000272;
		why = "The client assertion's jti is missing or was used before (replay).";
		goto out;
	}
out:
	if (f)
		fclose(f);
	X509_free(cert);
	EVP_PKEY_free(pk);
	EVP_MD_CTX_free(mctx);
	cJSON_Delete(h);
	cJSON_Delete(c);
	free(hdr);
	free(cl);
	free(sig);
	free(thumb);
	return why;
}

/* fixture_str - the fixture's top-level string key, or def */
static const char *fixture_str(const char *key, const char *def)
{
	cJSON *v = cJSON_GetObjectItem(m365_fixture(), key);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : def;
}

/* m365_token_handler - POST /{tenant}/oauth2/v2.0/token */
void m365_token_handler(struct mreq *rq, struct mresp *rs)
{
	struct mkv *f = NULL;
	size_t nf = 0;
	char *body = mx_malloc(rq->body_len + 1), *aud = NULL, *base = NULL, *tok = NULL;
	const char *seg = rq->path + 1, *slash = strchr(seg, '/');
	const char *grant = NULL, *scope = NULL, *cid = NULL, *secret = NULL, *atype = NULL, *assertion = NULL;
	const char *resource = NULL;
	const char *ct = req_header(rq, "Content-Type");
	long life;
	cJSON *j;

	memcpy(body, rq->body, rq->body_len);
	if (knobs_inject(rq->path, rs))
		goto out;
	if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33)) {
		token_error(rs, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
		goto out;
	}
	/* form bodies use '+' for spaces; MHD's unescape does not */
	for (char *p = body; *p; p++)
		if (*p == '+')
			*p = ' ';
	mock_parse_query(body, &f, &nf);
	for (size_t i = 0; i < nf; i++) {
		const char *k = f[i].key, *v = f[i].value;
		if (!strcmp(k, "grant_type")) grant = v;
		else if (!strcmp(k, "scope")) scope = v;
		else if (!strcmp(k, "client_id")) cid = v;
		else if (!strcmp(k, "client_secret")) secret = v;
		else if (!strcmp(k, "client_assertion_type")) atype = v;
		else if (!strcmp(k, "client_assertion")) assertion = v;
	}
	if (!slash || !m365_tenant_matches(seg, (size_t)(slash - seg), true)) {
		token_error(rs, 400, "invalid_request", 90002, "Tenant not found. Check to make sure you have the correct tenant ID.");
		goto out;
	}
	if (!grant || strcmp(grant, "client_credentials")) {
		token_error(rs, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
		goto out;
	}
	if (!cid || (strcmp(cid, m365_client_id()) && !m365_app(cid))) {
		token_error(rs, 400, "unauthorized_client", 700016, "Application was not found in the directory.");
		goto out;
	}
	/* one resource per request, and only .default; the resources are the
	 * tenant's cloud's (fixture "graph_resource"/"exchange_resource", default
	 * the global service): scopes MUST use the cloud's own service root
	 * (learn.microsoft.com graph/sdks/national-clouds); any other scope gets
	 * the documented 400 invalid_scope AADSTS70011 (m365.md §1.4). Which
	 * AADSTS code a national cloud gives a foreign resource is not
	 * documented; 70011 is the documented answer to a scope not valid here */
	if (scope) {
		char *sc = mx_strdup(scope), *save = NULL;
		char *gs = mx_fmt("%s/.default", fixture_str("graph_resource", "https://graph.microsoft.com"));
		char *es = mx_fmt("%s/.default", fixture_str("exchange_resource", "https://outlook.office365.com"));
		for (char *s = strtok_r(sc, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
			const char *r = !strcmp(s, gs) ? "graph" : !strcmp(s, es) ? "exchange" : NULL;
			if (!r || (resource && strcmp(resource, r))) {
				resource = NULL;
				break;
			}
			resource = r;
		}
		free(sc);
		free(gs);
		free(es);
	}
	if (!resource) {
		token_error(rs, 400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope must be one resource's /.default.");
		goto out;
	}
	if (secret) {
		const char *want = strcmp(cid, m365_client_id()) ? m365_app_secret(cid) : m365_client_secret();
		if (!*want || strcmp(secret, want)) {
			token_error(rs, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.");
			goto out;
		}
	} else if (assertion) {
		int code;
		const char *why;
		if (!atype || strcmp(atype, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")) {
			token_error(rs, 400, "invalid_request", 50027, "Invalid client_assertion_type.");
			goto out;
		}
		base = mock_base(rq);
		aud = mx_fmt("%s%s", base, rq->path);
		why = check_assertion(assertion, aud, cid, &code);
		if (why) {
			token_error(rs, 401, "invalid_client", code, why);
			goto out;
		}
	} else {
		token_error(rs, 401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		goto out;
	}
	life = knobs_token_lifetime();
	tok = m365_issue_token(resource, cid, life);
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "token_type", "Bearer");
	cJSON_AddNumberToObject(j, "expires_in", (double)life);
	cJSON_AddNumberToObject(j, "ext_expires_in", (double)life);
	cJSON_AddStringToObject(j, "access_token", tok);
	resp_json(rs, 200, j);
	switch (knobs_malformed(rq->path)) {
	case 1:
		rs->body_len /= 2;
		rs->body[rs->body_len] = '\0';
		break;
	case 2:
		resp_text(rs, 200, "application/json", "<html>Sign-in service unavailable</html>");
		break;
	}
out:
	mock_free_args(f, nf);
	free(body);
	free(aud);
	free(base);
	free(tok);
}
