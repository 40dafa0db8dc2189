/*
 * tls_ca.c - the one CA-bundle fallback (see tls_ca.h).
 */
#include "net/tls_ca.h"
#include "base/util.h"

const char *tls_ca_bundle(const char *configured)
{
	if (configured && *configured)
		return configured;
	if (env_nonempty("CURL_CA_BUNDLE"))
		return env_nonempty("CURL_CA_BUNDLE");
	return env_nonempty("SSL_CERT_FILE");
}
