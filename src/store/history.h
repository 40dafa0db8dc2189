/*
 * history.h - the run history: an SQLite database of audit runs (time,
 * tenants with completeness and errors, findings by stable id, checks not
 * evaluated), and the view 'report' renders from it: the latest run, what is
 * new, resolved and persisting since a baseline run, and a per-tenant trend.
 *
 * The database file is created mode 0600, runs in WAL mode with a busy
 * timeout so concurrent runs can record at once, and carries a versioned
 * schema (PRAGMA user_version) that history_record/history_view_load upgrade
 * through the migrations in history.c. Errors are one line naming the file.
 */
#ifndef ALIASAUDIT_HISTORY_H
#define ALIASAUDIT_HISTORY_H

#include "core/audit.h"

#include <stdbool.h>
#include <stddef.h>

/* the schema version this build writes; older databases are migrated */
#define HISTORY_SCHEMA_VERSION 1
/* how long a writer waits for another one holding the lock (ms) */
#define HISTORY_BUSY_TIMEOUT_MS 10000 /* a write takes milliseconds: 10 s is a stuck lock */

/* HISTORY_BUSY - history_record's answer when another writer held the
 * database locked longer than HISTORY_BUSY_TIMEOUT_MS */
#define HISTORY_BUSY (-2)

/* history_record - record res as one run in db_path (created if missing).
 * Returns 0, or -1 (HISTORY_BUSY for a lock) with a one-line *err naming the file. */
int history_record(const char *db_path, const struct audit_result *res, char **err);

struct history_run {
	long long id;
	char *at;          /* the run's generated_at, "YYYY-MM-DDTHH:MM:SSZ" */
	bool complete;
};

struct history_point {
	long long run_id;
	char *at;
	bool complete;     /* this tenant was complete in that run */
	unsigned sev[5];   /* findings by severity (enum severity) */
	unsigned total;
};

struct history_trend {
	char *tenant, *provider;
	struct history_point *points; size_t nr_points; /* oldest first */
};

/* history_view - what 'report' renders. result is the latest run rebuilt
 * from the database (its snapshots, checks and fixes are owned by the view);
 * resolved holds the baseline's findings that the latest run no longer has. */
struct history_view {
	char *db_path;
	struct history_run latest;
	bool has_baseline;
	struct history_run baseline;
	char *since;                 /* the --since bound, normalised, or NULL */
	struct audit_result result;
	struct finding_list resolved;
	char **baseline_ids; size_t nr_baseline_ids; /* sorted */
	unsigned nr_new, nr_persisting;
	struct history_trend *trends; size_t nr_trends;
	void *priv;                  /* storage for rebuilt checks and fixes */
};

/* history_view_load - load the latest run (of the runs that include one of
 * tenants[], NULL-terminated, or any run when tenants is NULL/empty) and its
 * baseline: the run before it, or with since (an ISO date or date-time) the
 * latest run before that time. Returns 0, 1 when the database has no run
 * (matching tenants), -1 with a one-line *err. */
int history_view_load(const char *db_path, const char *const *tenants, const char *since,
		      struct history_view *view, char **err);
void history_view_release(struct history_view *view);

/* history_status - "new" or "persisting" for a finding id of the latest run
 * ("new" when there is no baseline) */
const char *history_status(const struct history_view *view, const char *finding_id);

/* history_parse_time - normalise an ISO date ("2026-11-20") or date-time
 * ("2026-11-20T06:00[:00][Z]", space for T allowed) to "YYYY-MM-DDTHH:MM:SSZ"
 * in out[21]; 0 or -1 when malformed */
int history_parse_time(const char *when, char out[21]);

#endif
