/*
 * journal.h - the fix journal: what `fix --apply` is about to change and did
 * change, so that `undo` can revert it, even after a crash or kill -9.
 *
 * Format: JSON Lines (one JSON object per line), mode 0600, each record
 * fsync'd before the next step:
 *   {"type":"journal","version":1,"created_at":..,"tool_version":..,"config":..}
 *   {"type":"intent","seq":N,"change":{tenant,provider,object,setting,
 *      old_value,new_value,finding_ids,reversible,fix_id,params}}   before change N
 *   {"type":"result","seq":N,"status":"applied|skipped|failed","message":..} after it
 *   {"type":"undo-intent","seq":N} / {"type":"undo-result","seq":N,...}  for undo
 * Values are JSON texts; no secret or token is ever written (changes carry
 * none). A journal that does not read back completely is refused whole.
 */
#ifndef ALIASAUDIT_JOURNAL_H
#define ALIASAUDIT_JOURNAL_H

#include "core/provider.h"

#include <stdbool.h>

#define JOURNAL_VERSION 1
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
	char *config;                    /* the config the apply used, or NULL */
	struct journal_entry *entries; size_t nr, alloc;
};

/* journal_create - a new journal file in dir (created 0700 if missing), mode
 * 0600, with its header written and synced. 0, or -1 with *err. */
int journal_create(struct journal *j, const char *dir, const char *config, char **err);
/* journal_load - read and validate path completely; for undo, reopen it for
 * appending. Returns 0, or -1 with a one-line *err naming file and line. */
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

/* fix_change_to_json / fix_change_from_json - the journal's change record;
 * from_json returns 0 or -1 with *err naming the missing field */
cJSON *fix_change_to_json(const struct fix_change *c);
int fix_change_from_json(const cJSON *o, struct fix_change *c, char **err);

#endif
