/*
 * test_jwt.c - client assertions: header (alg, typ, x5t / x5t#S256 equal to
 * the certificate's thumbprints), claims (aud, iss == sub, jti, nbf/iat/exp),
 * signatures that verify with the certificate's public key (PSS for PS256,
 * PKCS#1 v1.5 for RS256), base64url, and certificate loading errors.
 * The test key and certificate are made with OpenSSL at run time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "providers/common/jwt.h"
#include "base/b64url.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/aa-jwt.XXXXXX";
static char pem[64], certonly[64];
static X509 *cert;

/* setup - a self-signed RSA certificate + key in a temporary PEM */
static int setup(void **state)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	X509_NAME *n;
	FILE *f;
	if (!mkdtemp(dir) || !k)
		return -1;
	snprintf(pem, sizeof(pem), "%s/app.pem", dir);
	snprintf(certonly, sizeof(certonly), "%s/cert.pem", dir);
	cert = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, k);
	n = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"test", -1, -1, 0);
	X509_set_issuer_name(cert, n);
	X509_sign(cert, k, EVP_sha256());
	f = fopen(pem, "w");
	PEM_write_X509(f, cert);
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	f = fopen(certonly, "w");
	PEM_write_X509(f, cert);
	fclose(f);
	EVP_PKEY_free(k);
	return 0;
}

/* teardown - remove the files */
static int teardown(void **state)
{
	unlink(pem);
	unlink(certonly);
	rmdir(dir);
	X509_free(cert);
	return 0;
}

/* part - decode part i of a JWT as JSON */
static cJSON *part(const char *jwt, int i)
{
	const char *p = jwt;
	unsigned char *buf;
	size_t len;
	cJSON *j;
	for (int k = 0; k < i; k++)
		p = strchr(p, '.') + 1;
	assert_int_equal(b64url_decode(p, strcspn(p, "."), &buf, &len), 0);
	j = cJSON_ParseWithLength((char *)buf, len);
	free(buf);
	assert_non_null(j);
	return j;
}

/* thumb - the base64url digest of the certificate */
static char *thumb(const EVP_MD *md)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n;
	X509_digest(cert, md, d, &n);
	return b64url_encode(d, n);
}

/* check_alg - build an assertion with alg and verify everything about it */
static void check_alg(enum jwt_alg alg)
{
	struct jwt_cred *c = NULL;
	char *err = NULL, *t;
	const char *aud = "https://login.example/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token";
	char *jwt, *t2;
	cJSON *h, *cl;
	const char *d2;
	unsigned char *sig;
	size_t sl;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *pub = X509_get_pubkey(cert);

	assert_int_equal(jwt_cred_load(pem, NULL, &c, &err), 0);
	jwt = jwt_client_assertion(c, alg, "client-1", aud, 1795672800, 600, &err);
	assert_non_null(jwt);
	t2 = jwt_client_assertion(c, alg, "client-1", aud, 1795672800, 600, &err);

	h = part(jwt, 0);
	cl = part(jwt, 1);
	assert_string_equal(cJSON_GetObjectItem(h, "alg")->valuestring, alg == JWT_PS256 ? "PS256" : "RS256");
	assert_string_equal(cJSON_GetObjectItem(h, "typ")->valuestring, "JWT");
	t = thumb(alg == JWT_PS256 ? EVP_sha256() : EVP_sha1());
	assert_string_equal(cJSON_GetObjectItem(h, alg == JWT_PS256 ? "x5t#S256" : "x5t")->valuestring, t);
	assert_null(cJSON_GetObjectItem(h, alg == JWT_PS256 ? "x5t" : "x5t#S256"));
	free(t);
	assert_string_equal(cJSON_GetObjectItem(cl, "aud")->valuestring, aud);
	assert_string_equal(cJSON_GetObjectItem(cl, "iss")->valuestring, "client-1");
	assert_string_equal(cJSON_GetObjectItem(cl, "sub")->valuestring, "client-1");
	assert_int_equal((long)cJSON_GetObjectItem(cl, "nbf")->valuedouble, 1795672800);
	assert_int_equal((long)cJSON_GetObjectItem(cl, "iat")->valuedouble, 1795672800);
	assert_int_equal((long)cJSON_GetObjectItem(cl, "exp")->valuedouble, 1795672800 + 600);
	assert_int_equal(strlen(cJSON_GetObjectItem(cl, "jti")->valuestring), 36);
	/* a fresh jti each time */
	assert_string_not_equal(jwt, t2);

	d2 = strrchr(jwt, '.');
	assert_int_equal(b64url_decode(d2 + 1, strlen(d2 + 1), &sig, &sl), 0);
	assert_int_equal(EVP_DigestVerifyInit(m, &pc, EVP_sha256(), NULL, pub), 1);
	if (alg == JWT_PS256) {
		EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_AUTO);
	}
	assert_int_equal(EVP_DigestVerify(m, sig, sl, (unsigned char *)jwt, (size_t)(d2 - jwt)), 1);
	/* a changed claim no longer verifies */
	jwt[strchr(jwt, '.') - jwt + 3] ^= 1;
	EVP_MD_CTX_free(m);
	m = EVP_MD_CTX_new();
	pc = NULL;
	EVP_DigestVerifyInit(m, &pc, EVP_sha256(), NULL, pub);
	if (alg == JWT_PS256) {
		EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_AUTO);
	}
	assert_int_not_equal(EVP_DigestVerify(m, sig, sl, (unsigned char *)jwt, (size_t)(d2 - jwt)), 1);

	EVP_MD_CTX_free(m);
	EVP_PKEY_free(pub);
	free(sig);
	cJSON_Delete(h);
	cJSON_Delete(cl);
	free(jwt);
	free(t2);
	jwt_cred_free(c);
}

/* test_ps256 - PS256 with x5t#S256 */
static void test_ps256(void **state)
{
	check_alg(JWT_PS256);
}

/* test_rs256 - RS256 with x5t */
static void test_rs256(void **state)
{
	check_alg(JWT_RS256);
}

/* test_b64url - the documented thumbprint example and URL-safe, unpadded output */
static void test_b64url(void **state)
{
	/* ENTRA-CERT-2023: SHA-1 84E05C1D98BCE3A5421D225B140B36E86A3D5534 -> hOBcHZi846VCHSJbFAs26Go9VTQ */
	static const unsigned char sha1[] = { 0x84, 0xE0, 0x5C, 0x1D, 0x98, 0xBC, 0xE3, 0xA5, 0x42, 0x1D,
					      0x22, 0x5B, 0x14, 0x0B, 0x36, 0xE8, 0x6A, 0x3D, 0x55, 0x34 };
	static const unsigned char odd[] = { 0xfb, 0xff, 0xfe };
	unsigned char *back;
	size_t n;
	char *s = b64url_encode(sha1, sizeof(sha1));
	assert_string_equal(s, "hOBcHZi846VCHSJbFAs26Go9VTQ");
	assert_int_equal(b64url_decode(s, strlen(s), &back, &n), 0);
	assert_int_equal(n, sizeof(sha1));
	assert_memory_equal(back, sha1, n);
	free(back);
	free(s);
	s = b64url_encode(odd, sizeof(odd));
	assert_string_equal(s, "-__-");
	free(s);
	assert_int_equal(b64url_decode("a+b/", 4, &back, &n), -1);
	assert_int_equal(b64url_decode("abcde", 5, &back, &n), -1);
}

/* test_load_errors - missing file, certificate without key, key of another certificate */
static void test_load_errors(void **state)
{
	struct jwt_cred *c = NULL;
	char *err = NULL;
	assert_int_equal(jwt_cred_load("/nonexistent/app.pem", NULL, &c, &err), -1);
	assert_non_null(strstr(err, "/nonexistent/app.pem"));
	free(err);
	err = NULL;
	assert_int_equal(jwt_cred_load(certonly, NULL, &c, &err), -1);
	assert_non_null(strstr(err, "private key"));
	free(err);
	err = NULL;
	assert_int_equal(jwt_cred_load(certonly, pem, &c, &err), 0);
	jwt_cred_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ps256),
		cmocka_unit_test(test_rs256),
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
