/*
 * journal.h - the fix journal: what `fix --apply` is about to change and did
 * change, so that `undo` can revert it, even after a crash or kill -9.
 *
 * Format: JSON Lines (one JSON object per line), mode 0600, each record
 * fsync'd before the next step:
 *   {"type":"journal","version":2,"created_at":..,"tool_version":..,"config":ABSOLUTE PATH,
 *    "tenants":{"<name>":"<immutable tenant id>",..}}
 *   {"type":"intent","seq":N,"change":{tenant,provider,object,setting,
 *      old_value,new_value,finding_ids,reversible,fix_id,params}}   before change N
 *   {"type":"result","seq":N,"status":"applied|skipped|failed","message":..} after it
 *   {"type":"undo-intent","seq":N} / {"type":"undo-result","seq":N,...}  for undo
 * Values are JSON texts; no secret or token is ever written (changes carry
 * none). The journal is bound to each tenant's immutable id (Microsoft
 * tenant GUID, Google customer id): undo refuses a tenant whose id differs.
 * A last record cut short (kill, full disk, SIGXFSZ) is ignored (its change
 * either never started or is re-read by undo); any other damage refuses the
 * journal whole.
 */
#ifndef ALIASAUDIT_JOURNAL_H
#define ALIASAUDIT_JOURNAL_H

#include "core/provider.h"

#include <stdbool.h>

#define JOURNAL_VERSION 2
/* largest journal we read */
#define JOURNAL_MAX_BYTES ((size_t)64 << 20)

enum journal_status { JS_NONE, JS_APPLIED, JS_SKIPPED, JS_FAILED };

struct journal_entry {
	int seq;
	struct fix_change change;        /* owned */
	enum journal_status status;      /* of the apply; JS_NONE: intent only (interrupted) */
	enum journal_status undo_status; /* JS_NONE: not undone yet */
};

struct journal {
	char *path;
	int fd;                          /* -1 when read only */
	char *config;                    /* the config the apply used (absolute), or NULL */
	char **tenants, **tenant_keys; size_t nr_tenants; /* name → immutable id */
	bool truncated_tail;             /* the last record was incomplete and is ignored */
	struct journal_entry *entries; size_t nr, alloc;
};

/* journal_create - a new journal file in dir (created 0700 if missing), mode
 * 0600, with its header written and synced: config (made absolute) and each
 * tenant's immutable id (tenants[i] → keys[i]). 0, or -1 with *err. */
int journal_create(struct journal *j, const char *dir, const char *config,
		   const char *const *tenants, const char *const *keys, size_t n, char **err);
/* journal_tenant_key - the immutable id recorded for tenant, or NULL */
const char *journal_tenant_key(const struct journal *j, const char *tenant);
/* journal_lock_tenant - take the per-tenant lock (flock on
 * <state dir>/aliasaudit/lock/<key>.lock) without waiting, so two fix
 * --apply or undo runs never write one tenant at once. *fd is released by
 * journal_unlock. 0, or -1 with *err naming the tenant and the lock file. */
int journal_lock_tenant(const char *tenant, const char *key, int *fd, char **err);
void journal_unlock(int fd);
/* journal_load - read and validate path completely; for undo, reopen it for
 * appending (an incomplete last record is cut off first, so the records
 * appended stay whole). Returns 0, or -1 with a one-line *err naming file and line. */
int journal_load(struct journal *j, const char *path, bool append, char **err);
/* journal_intent / journal_result / journal_undo_* - append one record and fsync it */
int journal_intent(struct journal *j, int seq, const struct fix_change *c, char **err);
int journal_result(struct journal *j, int seq, enum journal_status st, const char *msg, char **err);
int journal_undo_intent(struct journal *j, int seq, char **err);
int journal_undo_result(struct journal *j, int seq, enum journal_status st, const char *msg,
			char **err);
void journal_close(struct journal *j);

const char *journal_status_name(enum journal_status s);
/* journal_default_dir - $XDG_STATE_HOME/aliasaudit/journal (caller frees) */
char *journal_default_dir(void);
/* journal_absolute_path - path made absolute (caller frees) */
char *journal_absolute_path(const char *path);

/* fix_change_to_json / fix_change_from_json - the journal's change record;
 * from_json returns 0 or -1 with *err naming the missing field */
cJSON *fix_change_to_json(const struct fix_change *c);
int fix_change_from_json(const cJSON *o, struct fix_change *c, char **err);

#endif
