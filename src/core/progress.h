/*
 * progress.h - what a collection is doing, for people and for traces.
 *
 * A board has one entry per tenant being read. The HTTP layer feeds each
 * entry through an http_observer (tries, throttled answers, retry waits,
 * runs); providers add object counts with progress_objects() through their
 * session (provider_session.progress) and never print. The board renders:
 * on a terminal (live) one status line on stderr redrawn in place, per
 * tenant objects read / expected, requests, throttling and an ETA; plain,
 * a line when a tenant starts and one when it ends. With a trace path it
 * also keeps every try and run as Chrome trace events and writes them at
 * the end (docs/progress.md).
 */
#ifndef ALIASAUDIT_PROGRESS_H
#define ALIASAUDIT_PROGRESS_H

#include "net/http.h"

#include <stdbool.h>
#include <stddef.h>

struct progress;
struct progress_board;

enum progress_mode {
	PROGRESS_OFF,    /* nothing on stderr */
	PROGRESS_PLAIN,  /* a line per tenant at its start and end */
	PROGRESS_LIVE,   /* a status line redrawn in place (a terminal) */
};

/* progress_board_new - a board; trace_path NULL: no trace. NULL with *err
 * when the trace file cannot be created (checked before anything is read) */
struct progress_board *progress_board_new(enum progress_mode mode, const char *trace_path, char **err);
/* progress_tenant - the entry for tenant name (its own trace process) */
struct progress *progress_tenant(struct progress_board *b, const char *name);
/* progress_observer - the observer that feeds p (give it to http_observe_thread) */
const struct http_observer *progress_observer(struct progress *p);
/* progress_start / progress_end - p's collection begins / ends (result: NULL
 * when complete, else "failed" or "incomplete") */
void progress_start(struct progress *p);
void progress_end(struct progress *p, const char *result);
/* progress_objects - done of expected (0: unknown) objects called what
 * ("mailboxes") are read, and the next 'reading' are being read by the
 * requests now starting (the ETA follows those requests); p may be NULL */
void progress_objects(struct progress *p, size_t done, size_t reading, size_t expected,
		      const char *what);
/* progress_board_finish - stop drawing, write the trace; frees b. 0, or -1
 * with *err when the trace cannot be written */
int progress_board_finish(struct progress_board *b, char **err);

/* progress_format_line - p's status text into buf (the renderer's; updates the
 * smoothed ETA, so call it with the board locked) */
void progress_format_line(struct progress *p, long long now_us, char *buf, size_t size);

#endif
