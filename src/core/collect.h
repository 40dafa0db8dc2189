/*
 * collect.h - read the selected tenants of a configuration through their
 * providers, concurrently, into snapshots. Used by `collect`, `audit` and `fix`.
 */
#ifndef ALIASAUDIT_COLLECT_H
#define ALIASAUDIT_COLLECT_H

#include "core/config.h"
#include "core/provider.h"
#include "core/snapshot.h"

/* collect_tenants - collect the tenants named in names[0..nr_names) (all of
 * cfg's tenants when nr_names is 0) into *out (an array of nr_out snapshots,
 * caller frees each with snapshot_free and the array with free).
 *
 * Returns 0 when every snapshot is complete, 1 when some are incomplete (their
 * errors say what could not be read), -1 with a one-line *err for a usage,
 * config or credential error. With one tenant, a credential failure is -1
 * (exit 2); with several, the failing tenant becomes an empty incomplete
 * snapshot whose error names it, and the others are still collected (1). */
int collect_tenants(const struct config *cfg, const char *const *names, size_t nr_names,
		    const struct run_options *opt, struct snapshot ***out, size_t *nr_out,
		    char **err);

/* load_config_for - the config a command uses: path when given, else the
 * default path when that file exists, else the environment (config_from_env).
 * 0, or -1 with *err */
int load_config_for(const char *path, struct config *cfg, char **err);

#endif
