/*
 * jwt.h - client assertions (RFC 7523 private_key_jwt) for app-only sign-in
 * with a certificate, built with OpenSSL (signing, digests, base64) and
 * cJSON (header and claims).
 *
 * Two forms, both accepted by Entra ID: PS256 with an "x5t#S256" header
 * (SHA-256 thumbprint; what Microsoft documents today) and RS256 with "x5t"
 * (SHA-1 thumbprint; the older form many clients still use).
 *
 * Ownership: a jwt_cred owns its certificate and key (jwt_cred_free);
 * strings returned are the caller's to free.
 */
#ifndef ALIASAUDIT_JWT_H
#define ALIASAUDIT_JWT_H

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <time.h>

enum jwt_alg { JWT_PS256, JWT_RS256 };

/* jwt_sign - the compact JWS "header.claims.signature" of header and claims
 * (both freed), signed with the RSA key under alg: RS256 (PKCS#1 v1.5) or
 * PS256 (PSS, MGF1 SHA-256, salt = digest length), RFC 7518 section 3. The
 * one signer of every provider (Entra client assertions, Google service
 * accounts). NULL with *err when signing fails. */
char *jwt_sign(EVP_PKEY *key, enum jwt_alg alg, cJSON *header, cJSON *claims, char **err);

struct jwt_cred;

/* jwt_cred_load - read a PEM certificate and its private key; key_path NULL
 * means the key is in cert_path too. 0, or -1 with a one-line *err */
int jwt_cred_load(const char *cert_path, const char *key_path, struct jwt_cred **out, char **err);
void jwt_cred_free(struct jwt_cred *c);

/* jwt_thumbprint - base64url SHA-1 (RS256/x5t) or SHA-256 (PS256/x5t#S256)
 * of the certificate's DER (caller frees) */
char *jwt_thumbprint(const struct jwt_cred *c, enum jwt_alg alg);

/* jwt_client_assertion - a signed assertion: header {alg, typ, x5t or
 * x5t#S256}, claims {aud, iss=sub=client_id, jti, nbf=iat=now,
 * exp=now+lifetime}. NULL with *err when signing fails. */
char *jwt_client_assertion(const struct jwt_cred *c, enum jwt_alg alg, const char *client_id,
			   const char *aud, time_t now, long lifetime, char **err);

#endif
