/*
 * snapshots.c - loading the snapshots a command works on (snapshots.h).
 */
#include "cli/snapshots.h"
#include "core/collect.h"
#include "base/util.h"

#include <stdlib.h>

/* push - append s to set */
static void push(struct snapshot_set *set, struct snapshot *s)
{
	ALLOC_GROW(set->items, set->nr + 1, set->alloc);
	set->items[set->nr++] = s;
}

/* snapshot_set_read_files - see snapshots.h */
int snapshot_set_read_files(struct snapshot_set *set, const char *const *files, size_t n, char **err)
{
	for (size_t i = 0; i < n; i++) {
		struct snapshot *s;
		if (snapshot_read_file(files[i], &s, err))
			return -1;
		push(set, s);
	}
	return 0;
}

/* snapshot_set_collect - see snapshots.h */
int snapshot_set_collect(struct snapshot_set *set, const char *config, const char *const *names,
			 size_t nr_names, const struct run_options *ro, char **err)
{
	struct config cfg;
	struct snapshot **live = NULL;
	size_t nr_live = 0;
	int rc;
	if (load_config_for(config, &cfg, err))
		return -1;
	rc = collect_tenants(&cfg, names, nr_names, ro, &live, &nr_live, err);
	config_release(&cfg);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < nr_live; i++)
		push(set, live[i]);
	free(live);
	return 0;
}
