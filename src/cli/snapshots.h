/*
 * snapshots.h - the snapshots a command works on: saved files first
 * (--snapshot), then tenants collected live from the configuration.
 * Used by audit, trace and probe. The array and its snapshots are the
 * caller's (snapshot_free each, free the array), also after a failure.
 */
#ifndef ALIASAUDIT_CLI_SNAPSHOTS_H
#define ALIASAUDIT_CLI_SNAPSHOTS_H

#include "core/provider.h"
#include "core/snapshot.h"

#include <stddef.h>

/* snapshot_set - a growing array of snapshots */
struct snapshot_set {
	struct snapshot **items;
	size_t nr, alloc;
};

/* snapshot_set_read_files - append the snapshots of files[0..n); 0, or -1
 * with *err (the file and field named) */
int snapshot_set_read_files(struct snapshot_set *set, const char *const *files, size_t n, char **err);
/* snapshot_set_collect - collect the tenants names[0..nr_names) (all when 0)
 * of the configuration config (the default one when NULL) and append them;
 * 0 (some may be incomplete), or -1 with *err */
int snapshot_set_collect(struct snapshot_set *set, const char *config, const char *const *names,
			 size_t nr_names, const struct run_options *ro, char **err);

#endif
