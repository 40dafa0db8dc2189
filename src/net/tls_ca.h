/*
 * tls_ca.h - which CA bundle a TLS client of ours trusts, the same for HTTP,
 * SMTP submission and the SMTP probe: the configured ca_file, else
 * CURL_CA_BUNDLE (curl's variable), else SSL_CERT_FILE (OpenSSL's), else
 * NULL: the system default.
 */
#ifndef ALIASAUDIT_TLS_CA_H
#define ALIASAUDIT_TLS_CA_H

/* tls_ca_bundle - the bundle for configured (may be NULL or ""); the result
 * points into configured or the environment, or is NULL */
const char *tls_ca_bundle(const char *configured);

#endif
