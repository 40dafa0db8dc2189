/*
 * util.c - allocation wrappers, diagnostics and small string helpers.
 * See util.h for the ownership rule that every module follows.
 */
#include "base/util.h"
#include "base/display.h"
#include "base/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *progname = "aliasaudit";

void oom(void)
{
	fputs("aliasaudit: fatal: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size)
		oom();
	return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		oom();
	va_end(ap);
	return out;
}

/* vreport - one line on stderr: every character unsafe to show (an ESC
 * sequence, a CR or LF that would forge a line) in a message that quotes a
 * file, a snapshot or a server's answer is escaped (base/display.h) */
static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		oom();
	display_put(&sb, msg);
	fprintf(stderr, "%s: %s%s\n", progname, prefix, sb.buf);
	strbuf_release(&sb);
	free(msg);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	exit(2);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char prefix[512];
	snprintf(prefix, sizeof(prefix), "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vreport(prefix, fmt, ap);
	va_end(ap);
	abort();
}

const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

char *lowercase_ascii(char *s)
{
	for (char *p = s; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool str_eq_nocase(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcasecmp(a, b) == 0;
}

int read_file(const char *path, size_t max, char **out, size_t *len, char **err)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf = NULL;
	size_t n = 0, alloc = 0;
	struct stat st;

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = xstrfmt("%s: %s", path, strerror(errno));
		goto fail;
	}
	/* refuse before reading a byte: a device (/dev/zero), a FIFO or a
	 * directory is no file of ours, and a file over the limit never fits */
	if (!is_stdin && !S_ISREG(st.st_mode)) {
		*err = xstrfmt("%s: not a regular file", path);
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		*err = xstrfmt("%s: larger than the limit of %zu bytes", path, max);
		goto fail;
	}
	if (!is_stdin && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		*err = xstrfmt("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISREG(st.st_mode))
		alloc = (size_t)st.st_size + 65536 + 1; /* one allocation; growth only if it grew */
	for (;;) {
		if (n + 65536 + 1 > alloc) {
			alloc = (n + 65536 + 1) * 3 / 2;
			buf = xrealloc(buf, alloc);
		} else if (!buf) {
			buf = xmalloc(alloc);
		}
		ssize_t r = read(fd, buf + n, alloc - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = xstrfmt("%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			*err = xstrfmt("%s: larger than the limit of %zu bytes", path, max);
			goto fail;
		}
	}
	if (fd > 0)
		close(fd);
	if (!buf)
		buf = xmalloc(1);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
fail:
	if (fd > 0)
		close(fd);
	free(buf);
	return -1;
}

time_t now_time(void)
{
	const char *fixed = env_nonempty("ALIASAUDIT_NOW");
	struct tm tm;

	if (fixed) {
		const char *end;
		memset(&tm, 0, sizeof(tm));
		end = strptime(fixed, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (end && !*end)
			return timegm(&tm);
	}
	return time(NULL);
}

void iso8601_now(char buf[21])
{
	time_t t = now_time();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool is_tty_fd(int fd)
{
	const char *force = getenv("ALIASAUDIT_ASSUME_TTY");
	if (force && *force)
		return strcmp(force, "0") != 0;
	return isatty(fd) != 0;
}

/* same_file - see util.h */
bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!a || !b || !strcmp(a, "-") || !strcmp(b, "-") || stat(a, &sa) || stat(b, &sb))
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
