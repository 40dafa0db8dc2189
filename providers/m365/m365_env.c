/*
 * m365_env.c - the Microsoft 365 tenant the Azure SDKs' environment variables
 * describe (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or
 * AZURE_CLIENT_CERTIFICATE_PATH, AZURE_AUTHORITY_HOST: the names of
 * azure-identity's EnvironmentCredential), for runs without a config file.
 */
#include "m365.h"
#include "base/util.h"

#include <stdlib.h>

/* m365_tenant_from_env - see provider_ops.tenant_from_env; the secret stays in
 * the environment: the config only names the variable */
int m365_tenant_from_env(struct config *cfg, char **err)
{
	const char *tid = env_nonempty("AZURE_TENANT_ID"), *cid = env_nonempty("AZURE_CLIENT_ID");
	const char *host = env_nonempty("AZURE_AUTHORITY_HOST");
	struct tenant_config *t;

	if (!tid && !cid)
		return 0;
	if (!tid || !cid) {
		*err = xstrfmt("%s is set but %s is not", tid ? "AZURE_TENANT_ID" : "AZURE_CLIENT_ID",
			       tid ? "AZURE_CLIENT_ID" : "AZURE_TENANT_ID");
		return -1;
	}
	t = config_add_tenant(cfg, tid, "m365");
	tenant_set(t, "tenant_id", tid);
	tenant_set(t, "client_id", cid);
	if (env_nonempty("AZURE_CLIENT_SECRET"))
		tenant_set(t, "client_secret_env", "AZURE_CLIENT_SECRET");
	else if (env_nonempty("AZURE_CLIENT_CERTIFICATE_PATH"))
		tenant_set(t, "certificate", env_nonempty("AZURE_CLIENT_CERTIFICATE_PATH"));
	else {
		*err = xstrdup("AZURE_TENANT_ID is set but neither AZURE_CLIENT_SECRET nor "
			       "AZURE_CLIENT_CERTIFICATE_PATH");
		return -1;
	}
	if (host) {
		char *url = starts_with(host, "https://") ? xstrdup(host) : xstrfmt("https://%s", host);
		tenant_set(t, "login_url", url);
		free(url);
	}
	return 1;
}
