/*
 * progress.c - the progress board (see progress.h): per-tenant counters fed
 * by the HTTP layer and the providers, a renderer thread that redraws one
 * status line on stderr, and the trace events --trace writes.
 */
#include "core/progress.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_TICK_MS 250
#define PROGRESS_DEFAULT_WIDTH 100

struct progress {
	struct progress_board *b;
	char *name;                /* printable: control characters replaced */
	int pid;                   /* trace process */
	bool active;
	long long start_us;
	unsigned long requests, throttled;
	long long waited_ms;
	size_t objects, reading, expected;
	const char *what;
	int depth;                 /* nested http_run calls now */
	size_t round_n, round_done; /* the outermost run: requests, answers */
	long long eta_end_us;      /* smoothed finish time, 0: none yet */
	long long phase_us;        /* when objects were first expected */
	struct http_observer obs;
};

struct progress_board {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum progress_mode mode;
	char *trace_path;
	FILE *trace;               /* opened at the start: a bad path fails before any request */
	struct strbuf events;      /* trace events, comma-separated */
	long long t0_us;
	struct progress **tenants; size_t n, alloc;
	pthread_t renderer;
	bool rendering, stop, drawn;
};

/* printable - s with control characters (and DEL) replaced by '?' */
static char *printable(const char *s)
{
	char *p = xstrdup(s ? s : "");
	for (char *q = p; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return p;
}

/* json_str - append s as a JSON string */
static void json_str(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_putf(sb, "%c", '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			strbuf_putf(sb, "\\%c", c);
		else if (c < 0x20)
			strbuf_putf(sb, "\\u%04x", c);
		else
			strbuf_putf(sb, "%c", (char)c);
	}
	strbuf_putf(sb, "%c", '"');
}

/* add_event - append one complete ("X") trace event; caller holds the lock */
static void add_event(struct progress_board *b, int pid, int tid, const char *name, size_t len,
		      const char *cat, long long start_us, long long end_us, const char *args)
{
	if (!b->trace_path)
		return;
	if (b->events.len)
		strbuf_putf(&b->events, "%c", ',');
	strbuf_puts(&b->events, "\n{\"name\":");
	json_str(&b->events, name, len);
	strbuf_putf(&b->events, ",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":%lld,\"dur\":%lld",
		    cat, pid, tid, start_us - b->t0_us, end_us > start_us ? end_us - start_us : 0);
	if (args)
		strbuf_putf(&b->events, ",\"args\":%s", args);
	strbuf_putf(&b->events, "%c", '}');
}

/* url_path - the path of url: no scheme, host or query */
static const char *url_path(const char *url, size_t *len)
{
	const char *p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : url;
	if (!p)
		p = "/";
	*len = strcspn(p, "?#");
	return p;
}

/* on_tried - observer: one try finished */
static void on_tried(void *ud, const char *method, const char *url, int lane,
		     long long start_us, long long end_us, long status)
{
	struct progress *p = ud;
	struct progress_board *b = p->b;
	pthread_mutex_lock(&b->lock);
	p->requests++;
	if (p->round_done < p->round_n)
		p->round_done++;
	if (status == 429 || status == 503)
		p->throttled++;
	if (b->trace_path) {
		size_t len;
		const char *path = url_path(url, &len);
		char *name = xstrfmt("%s %.*s", method, (int)len, path);
		char args[32];
		snprintf(args, sizeof(args), "{\"status\":%ld}", status);
		add_event(b, p->pid, lane + 1, name, strlen(name), "http", start_us, end_us, args);
		free(name);
	}
	pthread_mutex_unlock(&b->lock);
}

/* on_waiting - observer: a retry waits ms */
static void on_waiting(void *ud, long ms)
{
	struct progress *p = ud;
	pthread_mutex_lock(&p->b->lock);
	p->waited_ms += ms;
	pthread_mutex_unlock(&p->b->lock);
}

/* on_starting - observer: an http_run of n requests begins */
static void on_starting(void *ud, size_t n)
{
	struct progress *p = ud;
	pthread_mutex_lock(&p->b->lock);
	if (!p->depth++) {
		p->round_n = n;
		p->round_done = 0;
	}
	pthread_mutex_unlock(&p->b->lock);
}

/* on_ran - observer: one http_run (a round of requests) ended */
static void on_ran(void *ud, size_t n, long long start_us, long long end_us)
{
	struct progress *p = ud;
	char name[64];
	pthread_mutex_lock(&p->b->lock);
	if (p->depth > 0 && !--p->depth)
		p->round_n = p->round_done = 0;
	snprintf(name, sizeof(name), "round of %zu request%s", n, n == 1 ? "" : "s");
	add_event(p->b, p->pid, 0, name, strlen(name), "round", start_us, end_us, NULL);
	pthread_mutex_unlock(&p->b->lock);
}

/* fmt_secs - "42 s", "3 min 5 s" */
static void fmt_secs(char *buf, size_t size, long long s)
{
	if (s < 60)
		snprintf(buf, size, "%lld s", s);
	else
		snprintf(buf, size, "%lld min %lld s", s / 60, s % 60);
}

/* done_fraction - how much of the expected objects is read, counting the
 * objects being read by the share of their requests answered; 0: unknown */
static double done_fraction(const struct progress *p)
{
	double done = (double)p->objects;
	if (!p->expected)
		return 0;
	if (p->reading && p->round_n)
		done += (double)p->reading * (double)p->round_done / (double)p->round_n;
	return done / (double)p->expected;
}

/* eta_left - seconds left, smoothed: each new estimate of the finish time
 * moves the old one 30% of the way, so a round that just began (few answers
 * yet) does not swing it; between rounds the last estimate counts down.
 * -1: unknown */
static long long eta_left(struct progress *p, long long now_us)
{
	double f = done_fraction(p), elapsed = (double)(now_us - p->phase_us);
	if (f >= 1) {
		p->eta_end_us = now_us;
	} else if (f > 0) {
		/* the pace since the objects' reading began */
		long long est = now_us + (long long)(elapsed * (1 - f) / f);
		p->eta_end_us = p->eta_end_us ? (long long)(0.7 * (double)p->eta_end_us + 0.3 * (double)est) : est;
	}
	if (!p->eta_end_us)
		return -1;
	return p->eta_end_us > now_us ? (p->eta_end_us - now_us + 500000) / 1000000 : 0;
}

/* progress_format_line - see progress.h */
void progress_format_line(struct progress *p, long long now_us, char *buf, size_t size)
{
	char objs[64], el[32], eta[32] = "ETA -", thr[64] = "";
	long long left = eta_left(p, now_us);
	if (p->expected)
		snprintf(objs, sizeof(objs), "%zu/%zu %s", p->objects, p->expected, p->what);
	else
		snprintf(objs, sizeof(objs), "%zu %s", p->objects, p->what ? p->what : "objects");
	if (left >= 0)
		fmt_secs(eta + 4, sizeof(eta) - 4, left);
	fmt_secs(el, sizeof(el), (now_us - p->start_us) / 1000000);
	if (p->throttled || p->waited_ms)
		snprintf(thr, sizeof(thr), ", %lu throttled, %.1f s waited", p->throttled,
			 (double)p->waited_ms / 1000.0);
	snprintf(buf, size, "%s: %s, %lu requests%s, %s, %s", p->name, objs, p->requests, thr,
		 el, eta);
}

/* term_width - columns for the status line: COLUMNS, else the terminal's */
static size_t term_width(void)
{
	const char *c = getenv("COLUMNS");
	long w = c ? strtol(c, NULL, 10) : 0;
	struct winsize ws;
	if ((w < 20 || w > 1000) && !ioctl(2, TIOCGWINSZ, &ws))
		w = ws.ws_col;
	return w >= 20 && w <= 1000 ? (size_t)w : PROGRESS_DEFAULT_WIDTH;
}

/* draw - redraw the status line of every active tenant; caller holds the lock */
static void draw(struct progress_board *b)
{
	struct strbuf sb = STRBUF_INIT;
	size_t width = term_width() - 1;
	long long now = http_now_us();
	for (size_t i = 0; i < b->n; i++) {
		char line[512];
		if (!b->tenants[i]->active)
			continue;
		progress_format_line(b->tenants[i], now, line, sizeof(line));
		if (sb.len)
			strbuf_puts(&sb, " | ");
		strbuf_puts(&sb, line);
	}
	if (!sb.len) {
		strbuf_release(&sb);
		return;
	}
	fprintf(stderr, "\r%.*s\033[K", (int)(sb.len < width ? sb.len : width), sb.buf);
	fflush(stderr);
	b->drawn = true;
	strbuf_release(&sb);
}

/* clear_line - erase the status line; caller holds the lock */
static void clear_line(struct progress_board *b)
{
	if (b->drawn)
		fputs("\r\033[K", stderr);
	b->drawn = false;
}

/* renderer - the thread that redraws every PROGRESS_TICK_MS */
static void *renderer(void *arg)
{
	struct progress_board *b = arg;
	pthread_mutex_lock(&b->lock);
	while (!b->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += PROGRESS_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&b->cond, &b->lock, &ts);
		if (!b->stop)
			draw(b);
	}
	clear_line(b);
	fflush(stderr);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* progress_board_new - see progress.h */
struct progress_board *progress_board_new(enum progress_mode mode, const char *trace_path, char **err)
{
	struct progress_board *b;
	FILE *trace = NULL;
	if (trace_path) {
		int fd = open(trace_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		trace = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!trace) {
			*err = xstrfmt("%s: cannot write the trace: %s", trace_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return NULL;
		}
	}
	b = xcalloc(1, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->mode = mode;
	b->trace = trace;
	b->trace_path = trace_path ? xstrdup(trace_path) : NULL;
	b->t0_us = http_now_us();
	if (mode == PROGRESS_LIVE && !pthread_create(&b->renderer, NULL, renderer, b))
		b->rendering = true;
	return b;
}

/* progress_tenant - see progress.h */
struct progress *progress_tenant(struct progress_board *b, const char *name)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	p->b = b;
	p->name = printable(name);
	p->obs = (struct http_observer){ on_tried, on_waiting, on_starting, on_ran, p };
	pthread_mutex_lock(&b->lock);
	ALLOC_GROW(b->tenants, b->n + 1, b->alloc);
	b->tenants[b->n++] = p;
	p->pid = (int)b->n;
	pthread_mutex_unlock(&b->lock);
	return p;
}

/* progress_observer - see progress.h */
const struct http_observer *progress_observer(struct progress *p)
{
	return &p->obs;
}

/* progress_start - see progress.h */
void progress_start(struct progress *p)
{
	struct progress_board *b = p->b;
	pthread_mutex_lock(&b->lock);
	p->active = true;
	p->start_us = http_now_us();
	if (b->mode == PROGRESS_PLAIN)
		fprintf(stderr, "collecting %s ...\n", p->name);
	pthread_mutex_unlock(&b->lock);
}

/* progress_end - see progress.h */
void progress_end(struct progress *p, const char *result)
{
	struct progress_board *b = p->b;
	long long now = http_now_us();
	pthread_mutex_lock(&b->lock);
	p->active = false;
	if (b->mode != PROGRESS_OFF) {
		clear_line(b);
		fprintf(stderr, "collected %s%s%s: %zu %s, %lu requests, %lu throttled, %.1f s\n",
			p->name, result ? ": " : "", result ? result : "", p->objects,
			p->what ? p->what : "objects", p->requests, p->throttled,
			(double)(now - p->start_us) / 1e6);
	}
	{
		char args[64];
		snprintf(args, sizeof(args), "{\"requests\":%lu}", p->requests);
		add_event(b, p->pid, 0, "collect", 7, "tenant", p->start_us, now, args);
	}
	pthread_mutex_unlock(&b->lock);
}

/* progress_objects - see progress.h */
void progress_objects(struct progress *p, size_t done, size_t reading, size_t expected,
		      const char *what)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->b->lock);
	if (expected && !p->phase_us)
		p->phase_us = http_now_us();
	p->objects = done;
	p->reading = reading;
	p->expected = expected;
	p->what = what;
	pthread_mutex_unlock(&p->b->lock);
}

/* write_trace - the trace file: {"traceEvents":[...]} with process names */
static int write_trace(struct progress_board *b, char **err)
{
	FILE *f = b->trace;
	struct strbuf meta = STRBUF_INIT;
	int bad;
	b->trace = NULL;
	for (size_t i = 0; i < b->n; i++) {
		strbuf_putf(&meta, "%s\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"name\":",
			    i ? "," : "", b->tenants[i]->pid);
		json_str(&meta, b->tenants[i]->name, strlen(b->tenants[i]->name));
		strbuf_puts(&meta, "}}");
	}
	fprintf(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[%s%s%s\n]}\n", meta.len ? meta.buf : "",
		meta.len && b->events.len ? "," : "", b->events.len ? b->events.buf : "");
	strbuf_release(&meta);
	bad = ferror(f);
	if (fclose(f) || bad) {
		*err = xstrfmt("%s: cannot write the trace: %s", b->trace_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* progress_board_finish - see progress.h */
int progress_board_finish(struct progress_board *b, char **err)
{
	int rc = 0;
	if (!b)
		return 0;
	if (b->rendering) {
		pthread_mutex_lock(&b->lock);
		b->stop = true;
		pthread_cond_signal(&b->cond);
		pthread_mutex_unlock(&b->lock);
		pthread_join(b->renderer, NULL);
	}
	if (b->trace)
		rc = write_trace(b, err);
	for (size_t i = 0; i < b->n; i++) {
		free(b->tenants[i]->name);
		free(b->tenants[i]);
	}
	free(b->tenants);
	strbuf_release(&b->events);
	free(b->trace_path);
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
	free(b);
	return rc;
}
