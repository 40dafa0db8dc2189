/*
 * config.h - the INI configuration of README "Configuration": a [defaults] section and
 * one [tenant NAME] section per tenant, read with inih.
 *
 * Keys are kept as written; lookups are exact. Secrets never live in the file
 * (client_secret_env names an environment variable). Without a config file,
 * config_from_env asks each provider for the tenant its ecosystem's
 * environment variables describe (AZURE_*, GOOGLE_APPLICATION_CREDENTIALS).
 */
#ifndef ALIASAUDIT_CONFIG_H
#define ALIASAUDIT_CONFIG_H

#include <stddef.h>

struct config_kv {
	char *key, *value;
	int line;
};

struct tenant_config {
	char *name;
	char *provider;           /* "m365", "gworkspace", ... */
	const char *source;       /* the config file, for messages */
	int line;                 /* the [tenant ...] line */
	struct config_kv *kv; size_t nr_kv, alloc_kv;
};

struct config {
	char *path;
	struct config_kv *defaults; size_t nr_defaults, alloc_defaults;
	struct tenant_config *tenants; size_t nr_tenants, alloc_tenants;
};

/* config_load - parse path. Returns 0, or -1 with a one-line *err naming the
 * file, line and key. Unknown sections are an error; unknown keys are kept. */
int config_load(const char *path, struct config *cfg, char **err);
/* config_from_env - a config from the ecosystem's variables: each provider's
 * tenant_from_env (AZURE_*, GOOGLE_APPLICATION_CREDENTIALS, ...) in registry
 * order; returns 0, 1 when no variables are set, -1 with *err */
int config_from_env(struct config *cfg, char **err);
/* config_add_tenant - append an empty tenant name of provider (provider= set) */
struct tenant_config *config_add_tenant(struct config *cfg, const char *name, const char *provider);
/* tenant_set - add key = value to the tenant section */
void tenant_set(struct tenant_config *t, const char *key, const char *value);
/* config_default_path - $XDG_CONFIG_HOME/aliasaudit/config.ini (caller frees) */
char *config_default_path(void);
void config_release(struct config *cfg);

/* tenant_get - the value of key in the tenant section, else in [defaults], else NULL */
const char *tenant_get(const struct config *cfg, const struct tenant_config *t, const char *key);
/* tenant_service_root - the tenant's service root for key (e.g. graph_url),
 * else def, without trailing slashes (caller frees) */
char *tenant_service_root(const struct config *cfg, const struct tenant_config *t, const char *key,
			  const char *def);
/* config_default - the value of key in [defaults], or NULL */
const char *config_default(const struct config *cfg, const char *key);
/* config_tenant - the tenant called name, or NULL */
struct tenant_config *config_tenant(struct config *cfg, const char *name);

#endif
