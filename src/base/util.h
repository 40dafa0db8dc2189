/*
 * util.h - allocation wrappers, error reporting and small helpers used everywhere.
 *
 * Ownership rule for the whole code base: memory passed in stays the caller's;
 * results are the caller's to free unless a declaration says otherwise.
 * Out-of-memory and broken invariants abort (xmalloc, BUG); every other failure
 * is returned to the caller with a message.
 */
#ifndef ALIASAUDIT_UTIL_H
#define ALIASAUDIT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

/* ALLOC_GROW - make room for at least n elements in (x, alloc), growing by 1.5x */
#define ALLOC_GROW(x, n, alloc) do { \
	if ((size_t)(n) > (alloc)) { \
		(alloc) = ((alloc) + 16) * 3 / 2; \
		if ((alloc) < (size_t)(n)) (alloc) = (n); \
		(x) = xreallocarray((x), (alloc), sizeof(*(x))); \
	} \
} while (0)

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* error - print "aliasaudit: error: ..." on stderr; always returns -1 */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* warning - print "aliasaudit: warning: ..." on stderr */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* oom - out of memory: print and abort. The one way out-of-memory is handled
 * (style: "Out-of-memory and broken invariants abort"); x* wrappers call it,
 * so does code whose library returns NULL on allocation failure (cJSON, curl) */
void oom(void) __attribute__((noreturn));
/* die - print the message and exit with status 2 (usage/config error) */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* BUG - a broken invariant: print and abort */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
void bug_fl(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* the program name used in messages */
extern const char *progname;

/* env_nonempty - the environment variable name when set and non-empty, else NULL */
const char *env_nonempty(const char *name);

/* lowercase_ascii - lowercase s in place (ASCII only); returns s */
char *lowercase_ascii(char *s);
/* starts_with - true when s begins with prefix */
bool starts_with(const char *s, const char *prefix);
/* ends_with - true when s ends with suffix */
bool ends_with(const char *s, const char *suffix);
/* str_eq_nocase - ASCII case-insensitive equality, NULL-safe (NULL == NULL) */
bool str_eq_nocase(const char *a, const char *b);

/* read_file - read a whole file into a NUL-terminated buffer of at most max bytes.
 * Returns 0, or -1 with a message in err (caller frees *out and *err). */
int read_file(const char *path, size_t max, char **out, size_t *len, char **err);

/* same_file - true when a and b name one existing file (same device and
 * inode: links and other spellings included); false when either is missing */
bool same_file(const char *a, const char *b);

/* now_time - the current time, or ALIASAUDIT_NOW ("YYYY-MM-DDTHH:MM:SSZ",
 * for tests) when set and well-formed; the one place that reads it */
time_t now_time(void);
/* iso8601_now - now_time() in UTC as "YYYY-MM-DDTHH:MM:SSZ" into buf[21] */
void iso8601_now(char buf[21]);

/* is_tty_fd - isatty() wrapper that tests can override through ALIASAUDIT_ASSUME_TTY */
bool is_tty_fd(int fd);

#endif
