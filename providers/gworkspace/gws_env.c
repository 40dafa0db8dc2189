/*
 * gws_env.c - the Google Workspace tenant the environment describes for runs
 * without a config file: GOOGLE_APPLICATION_CREDENTIALS (the service-account
 * key file, the variable Google's client libraries read) and
 * ALIASAUDIT_GOOGLE_SUBJECT (the admin to impersonate).
 */
#include "gws.h"
#include "base/util.h"

/* gws_tenant_from_env - see provider_ops.tenant_from_env */
int gws_tenant_from_env(struct config *cfg, char **err)
{
	const char *cred = env_nonempty("GOOGLE_APPLICATION_CREDENTIALS");
	const char *subject = env_nonempty("ALIASAUDIT_GOOGLE_SUBJECT");
	struct tenant_config *t;

	if (!cred && !subject)
		return 0;
	if (!cred || !subject) {
		*err = xstrfmt("%s is set but %s is not (the service-account key file and the admin "
			       "to impersonate)",
			       cred ? "GOOGLE_APPLICATION_CREDENTIALS" : "ALIASAUDIT_GOOGLE_SUBJECT",
			       cred ? "ALIASAUDIT_GOOGLE_SUBJECT" : "GOOGLE_APPLICATION_CREDENTIALS");
		return -1;
	}
	t = config_add_tenant(cfg, "gworkspace", "gworkspace");
	tenant_set(t, "credentials", cred);
	tenant_set(t, "admin_subject", subject);
	return 1;
}
