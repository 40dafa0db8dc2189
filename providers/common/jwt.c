/*
 * jwt.c - certificate loading, thumbprints and signed client assertions
 * (see jwt.h). All crypto and base64 is OpenSSL's; JSON is cJSON's.
 */
#include "providers/common/jwt.h"
#include "base/b64url.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jwt_cred {
	X509 *cert;
	EVP_PKEY *key;
};

/* ssl_reason - the last OpenSSL error as text (static) */
static const char *ssl_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	ERR_clear_error();
	return r ? r : "unknown error";
}

/* jwt_cred_load - see jwt.h */
int jwt_cred_load(const char *cert_path, const char *key_path, struct jwt_cred **out, char **err)
{
	struct jwt_cred *c = xcalloc(1, sizeof(*c));
	FILE *f = fopen(cert_path, "r");
	if (!f) {
		*err = xstrfmt("%s: cannot open certificate: %s", cert_path, strerror(errno));
		goto fail;
	}
	c->cert = PEM_read_X509(f, NULL, NULL, NULL);
	if (!c->cert) {
		fclose(f);
		*err = xstrfmt("%s: no PEM certificate (%s)", cert_path, ssl_reason());
		goto fail;
	}
	if (!key_path) {
		rewind(f);
		c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	} else {
		fclose(f);
		f = fopen(key_path, "r");
		if (!f) {
			*err = xstrfmt("%s: cannot open private key: %s", key_path, strerror(errno));
			goto fail;
		}
		c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!c->key) {
		*err = xstrfmt("%s: no PEM private key (%s)", key_path ? key_path : cert_path, ssl_reason());
		goto fail;
	}
	if (EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA) {
		*err = xstrfmt("%s: the private key is not an RSA key", key_path ? key_path : cert_path);
		goto fail;
	}
	if (X509_check_private_key(c->cert, c->key) != 1) {
		ERR_clear_error();
		*err = xstrfmt("%s: the private key does not belong to the certificate",
			       key_path ? key_path : cert_path);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	jwt_cred_free(c);
	return -1;
}

/* jwt_cred_free - see jwt.h */
void jwt_cred_free(struct jwt_cred *c)
{
	if (!c)
		return;
	X509_free(c->cert);
	EVP_PKEY_free(c->key);
	free(c);
}



/* jwt_thumbprint - see jwt.h */
char *jwt_thumbprint(const struct jwt_cred *c, enum jwt_alg alg)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!X509_digest(c->cert, alg == JWT_RS256 ? EVP_sha1() : EVP_sha256(), md, &n))
		BUG("X509_digest failed");
	return b64url_encode(md, n);
}


/* json_b64 - base64url of a cJSON object's compact text; frees o */
static char *json_b64(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	char *b;
	cJSON_Delete(o);
	if (!s)
		oom();
	b = b64url_encode((unsigned char *)s, strlen(s));
	free(s);
	return b;
}

/* jwt_sign - see jwt.h */
char *jwt_sign(EVP_PKEY *key, enum jwt_alg alg, cJSON *header, cJSON *claims, char **err)
{
	char *hb = json_b64(header), *pb = json_b64(claims);
	char *input = xstrfmt("%s.%s", hb, pb), *sigb = NULL, *out = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;

	if (!md || EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key) != 1)
		goto fail;
	if (alg == JWT_PS256 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1))
		goto fail;
	if (alg == JWT_RS256 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
		goto fail;
	if (EVP_DigestSign(md, NULL, &siglen, (unsigned char *)input, strlen(input)) != 1)
		goto fail;
	sig = xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (unsigned char *)input, strlen(input)) != 1)
		goto fail;
	sigb = b64url_encode(sig, siglen);
	out = xstrfmt("%s.%s", input, sigb);
	goto out;
fail:
	*err = xstrfmt("cannot sign the assertion (%s): %s", alg == JWT_RS256 ? "RS256" : "PS256",
		       ssl_reason());
out:
	EVP_MD_CTX_free(md);
	free(sig);
	free(sigb);
	free(input);
	free(hb);
	free(pb);
	return out;
}

/* jwt_client_assertion - see jwt.h */
char *jwt_client_assertion(const struct jwt_cred *c, enum jwt_alg alg, const char *client_id,
			   const char *aud, time_t now, long lifetime, char **err)
{
	cJSON *h = cJSON_CreateObject(), *p = cJSON_CreateObject();
	char *thumb = jwt_thumbprint(c, alg), *jti = uuid_v4(), *out;

	cJSON_AddStringToObject(h, "alg", alg == JWT_RS256 ? "RS256" : "PS256");
	cJSON_AddStringToObject(h, "typ", "JWT");
	cJSON_AddStringToObject(h, alg == JWT_RS256 ? "x5t" : "x5t#S256", thumb);
	cJSON_AddStringToObject(p, "aud", aud);
	cJSON_AddStringToObject(p, "iss", client_id);
	cJSON_AddStringToObject(p, "sub", client_id);
	cJSON_AddStringToObject(p, "jti", jti);
	cJSON_AddNumberToObject(p, "nbf", (double)now);
	cJSON_AddNumberToObject(p, "iat", (double)now);
	cJSON_AddNumberToObject(p, "exp", (double)(now + lifetime));
	out = jwt_sign(c->key, alg, h, p, err);
	free(thumb);
	free(jti);
	return out;
}
