/*
 * strbuf.h - growable, NUL-terminated string buffer with a hard size cap.
 *
 * Invariants (as git's strbuf): buf is never NULL and always NUL-terminated;
 * STRBUF_INIT is a valid empty buffer. Each buffer may carry a cap (max, 0 =
 * none): an append that would exceed it fails, returns -1 and leaves the
 * buffer as it was, so callers can report "body too large" instead of
 * growing without bound (curl's dynbuf). strbuf_release frees and re-inits.
 */
#ifndef ALIASAUDIT_STRBUF_H
#define ALIASAUDIT_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* 0: no cap */
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0, 0 }

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_release(struct strbuf *sb);
/* strbuf_detach - hand the buffer to the caller (who frees it); sb is re-inited */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);

__attribute__((warn_unused_result))
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
__attribute__((warn_unused_result))
int strbuf_addstr(struct strbuf *sb, const char *s);
__attribute__((warn_unused_result))
int strbuf_addch(struct strbuf *sb, int c);
__attribute__((warn_unused_result, format(printf, 2, 3)))
int strbuf_addf(struct strbuf *sb, const char *fmt, ...);
__attribute__((warn_unused_result))
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* strbuf_puts/putf - append to an uncapped buffer (a cap here is a BUG) */
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
