/*
 * http.c - the libcurl multi loop: requests, retries, Retry-After, backoff,
 * body caps, timeouts, TLS settings and failure descriptions (see http.h).
 *
 * Adaptive concurrency (AIMD): the number of transfers in flight is a window
 * of at most the client's concurrency. A 429 or 503 to a transfer started
 * after the last cut halves it (answers to older transfers describe the old
 * window, as in TCP once per round trip); a throttled batch part
 * (http_client_throttled) halves it at most once per HTTP_AIMD_CUT_MS. Each
 * 2xx answer grows it by 1/window (about one more transfer per window of
 * successes) back up to the concurrency.
 */
#include "net/http.h"
#include "base/util.h"
#include "net/tls_ca.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct http_client {
	CURLM *multi;
	bool running;           /* http_run is in progress on multi */
	int concurrency;
	char *ca_file;
	long timeout_ms;
	size_t max_body;
	int max_tries;
	char *user_agent;
	unsigned seed;
	double window;          /* AIMD: transfers allowed in flight now */
	long long last_cut_ms;  /* when the window was last halved */
	unsigned long cuts;     /* how often (for tests and benchmarks) */
	struct http_counters counters;
	const struct http_observer *obs; /* NULL: nobody listens */
};

/* xfer - one transfer in flight */
struct xfer {
	CURL *easy;
	struct curl_slist *hdrs;
	struct http_request *r;
	bool too_large;
	long long started_ms;   /* AIMD: answers to transfers started before a cut are old news */
	long long started_us;   /* for the observer */
	int lane;               /* in-flight slot, for the observer */
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static __thread const struct http_observer *thread_obs;

/* http_observe_thread - see http.h */
void http_observe_thread(const struct http_observer *o)
{
	thread_obs = o;
}

/* http_client_counters - see http.h */
void http_client_counters(const struct http_client *c, struct http_counters *out)
{
	*out = c->counters;
}

/* do_global_init - curl_global_init, once */
static void do_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		die("cannot initialise libcurl");
}

/* http_global_init - see http.h */
void http_global_init(void)
{
	pthread_once(&global_once, do_global_init);
}

/* http_now_ms - see http.h */
long long http_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* http_now_us - see http.h */
long long http_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* http_sleep_ms - see http.h */
void http_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* http_client_new - see http.h */
struct http_client *http_client_new(const struct http_client_opts *o)
{
	struct http_client *c = xcalloc(1, sizeof(*c));
	const char *ca = tls_ca_bundle(o->ca_file);
	http_global_init();
	c->ca_file = ca ? xstrdup(ca) : NULL;
	c->concurrency = o->concurrency < 1 ? 1 :
		o->concurrency > HTTP_MAX_CONCURRENCY ? HTTP_MAX_CONCURRENCY : o->concurrency;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
	c->max_body = o->max_body ? o->max_body : HTTP_DEFAULT_MAX_BODY;
	c->max_tries = o->max_tries > 0 ? o->max_tries : HTTP_DEFAULT_TRIES;
	c->user_agent = xstrdup(o->user_agent ? o->user_agent : "aliasaudit/" ALIASAUDIT_VERSION);
	c->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(size_t)c;
	c->window = c->concurrency;
	c->obs = thread_obs;
	c->multi = curl_multi_init();
	if (!c->multi)
		die("cannot create a libcurl multi handle");
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	return c;
}

/* http_client_free - see http.h */
void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	curl_multi_cleanup(c->multi);
	free(c->ca_file);
	free(c->user_agent);
	free(c);
}

/* http_client_max_tries - the client's try limit */
int http_client_max_tries(const struct http_client *c)
{
	return c->max_tries;
}

/* throttled_now - halve the window (AIMD's multiplicative decrease) */
static void throttled_now(struct http_client *c)
{
	c->last_cut_ms = http_now_ms();
	c->window = c->window / 2 < 1 ? 1 : c->window / 2;
	c->cuts++;
}

/* http_client_throttled - see http.h */
void http_client_throttled(struct http_client *c)
{
	if (http_now_ms() - c->last_cut_ms >= HTTP_AIMD_CUT_MS)
		throttled_now(c);
}

/* grow - AIMD's additive increase after a successful answer */
static void grow(struct http_client *c)
{
	c->window += 1.0 / c->window;
	if (c->window > c->concurrency)
		c->window = c->concurrency;
}

/* http_client_window - see http.h */
int http_client_window(const struct http_client *c)
{
	return c->window < 1 ? 1 : (int)c->window;
}

/* http_client_cuts - see http.h */
unsigned long http_client_cuts(const struct http_client *c)
{
	return c->cuts;
}

/* http_client_concurrency - the client's parallelism */
int http_client_concurrency(const struct http_client *c)
{
	return c->concurrency;
}

/* http_request_new - see http.h */
struct http_request *http_request_new(const char *method, const char *url)
{
	struct http_request *r = xcalloc(1, sizeof(*r));
	r->method = xstrdup(method);
	r->url = xstrdup(url);
	strbuf_init(&r->resp, 0);
	return r;
}

/* http_request_reset_response - see http.h */
void http_request_reset_response(struct http_request *r)
{
	r->status = 0;
	strbuf_release(&r->resp);
	FREE_AND_NULL(r->content_type);
	FREE_AND_NULL(r->retry_after);
	FREE_AND_NULL(r->error);
	FREE_AND_NULL(r->auth_value);
	r->auth_failed = false;
	r->refreshed_auth = false;
	r->tries = 0;
	r->not_before_ms = 0;
}

/* http_request_free - see http.h */
void http_request_free(struct http_request *r)
{
	if (!r)
		return;
	http_request_reset_response(r);
	free(r->method);
	free(r->url);
	for (size_t i = 0; i < r->nr_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->body);
	free(r);
}

/* http_request_add_header - see http.h */
void http_request_add_header(struct http_request *r, const char *name, const char *value)
{
	ALLOC_GROW(r->headers, r->nr_headers + 1, r->alloc_headers);
	r->headers[r->nr_headers].name = xstrdup(name);
	r->headers[r->nr_headers].value = xstrdup(value);
	r->nr_headers++;
}

/* http_request_set_body - see http.h */
void http_request_set_body(struct http_request *r, const char *body, size_t len)
{
	free(r->body);
	r->body = xmalloc(len + 1);
	memcpy(r->body, body, len);
	r->body[len] = '\0';
	r->body_len = len;
}

/* http_request_clone - see http.h */
struct http_request *http_request_clone(const struct http_request *r)
{
	struct http_request *c = http_request_new(r->method, r->url);
	for (size_t i = 0; i < r->nr_headers; i++)
		http_request_add_header(c, r->headers[i].name, r->headers[i].value);
	if (r->body)
		http_request_set_body(c, r->body, r->body_len);
	c->auth = r->auth;
	c->max_tries = r->max_tries;
	return c;
}

/* http_retryable_status - see http.h */
bool http_retryable_status(long status)
{
	return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

/* retryable_curl - transport failures worth another try */
static bool retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* http_parse_retry_after - see http.h */
long http_parse_retry_after(const char *v, time_t now)
{
	char *end;
	double secs;
	time_t when;
	if (!v)
		return -1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!*v)
		return -1;
	if ((*v >= '0' && *v <= '9') || *v == '.') {
		errno = 0;
		secs = strtod(v, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (errno || *end || !isfinite(secs) || secs < 0)
			return -1;
		if (secs * 1000.0 >= (double)HTTP_RETRY_AFTER_CAP_MS)
			return HTTP_RETRY_AFTER_CAP_MS;
		return (long)ceil(secs * 1000.0);
	}
	when = curl_getdate(v, NULL);
	if (when == (time_t)-1)
		return -1;
	if (when <= now)
		return 0;
	if ((double)(when - now) * 1000.0 >= (double)HTTP_RETRY_AFTER_CAP_MS)
		return HTTP_RETRY_AFTER_CAP_MS;
	return (long)(when - now) * 1000L;
}

/* http_backoff_ms - see http.h */
long http_backoff_ms(int retry, unsigned *seed)
{
	long full = HTTP_BACKOFF_BASE_MS;
	for (int i = 1; i < retry && full < HTTP_BACKOFF_CAP_MS; i++)
		full *= 2;
	if (full > HTTP_BACKOFF_CAP_MS)
		full = HTTP_BACKOFF_CAP_MS;
	return full / 2 + (long)(rand_r(seed) % (unsigned)(full / 2 + 1));
}

/* http_retry_delay_ms - see http.h */
long http_retry_delay_ms(const char *retry_after, int retry, unsigned *seed)
{
	long ms = http_parse_retry_after(retry_after, time(NULL));
	if (ms < 0)
		return http_backoff_ms(retry, seed);
	return ms + (long)(rand_r(seed) % (unsigned)(ms / 10 + 1));
}

/* write_cb - append body bytes, refusing to grow past the cap */
static size_t write_cb(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	if (strbuf_add(&x->r->resp, p, size * n)) {
		x->too_large = true;
		return 0;
	}
	return size * n;
}

/* header_value - the value of header line h when it is called name, else NULL (caller frees) */
static char *header_value(const char *h, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *v, *e;
	if (len <= nl || strncasecmp(h, name, nl) || h[nl] != ':')
		return NULL;
	v = h + nl + 1;
	e = h + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
		e--;
	return xstrndup(v, (size_t)(e - v));
}

/* header_cb - keep Retry-After and Content-Type of the last response */
static size_t header_cb(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	char *v;
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		FREE_AND_NULL(x->r->retry_after);
		FREE_AND_NULL(x->r->content_type);
	} else if ((v = header_value(p, len, "Retry-After"))) {
		free(x->r->retry_after);
		x->r->retry_after = v;
	} else if ((v = header_value(p, len, "Content-Type"))) {
		free(x->r->content_type);
		x->r->content_type = v;
	}
	return len;
}

/* xfer_free - release a finished transfer */
static void xfer_free(struct xfer *x)
{
	if (!x)
		return;
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	free(x);
}

/* xfer_start - build the easy handle for r's next try; NULL when the
 * credential source failed (r->error set) */
static struct xfer *xfer_start(struct http_client *c, struct http_request *r, const char *stale)
{
	struct xfer *x;
	char *line;
	if (r->auth) {
		char *val = NULL, *err = NULL;
		if (r->auth->get(r->auth, stale, &val, &err) < 0) {
			r->error = err ? err : xstrdup("cannot get an access token");
			r->auth_failed = true;
			return NULL;
		}
		free(r->auth_value);
		r->auth_value = val;
	}
	x = xcalloc(1, sizeof(*x));
	x->r = r;
	x->started_ms = http_now_ms();
	x->started_us = http_now_us();
	c->counters.tries++;
	x->easy = curl_easy_init();
	if (!x->easy)
		die("cannot create a libcurl handle");
	strbuf_release(&r->resp);
	strbuf_init(&r->resp, c->max_body);
	FREE_AND_NULL(r->retry_after);
	FREE_AND_NULL(r->content_type);
	r->status = 0;
	r->tries++;

	for (size_t i = 0; i < r->nr_headers; i++) {
		line = xstrfmt("%s: %s", r->headers[i].name, r->headers[i].value);
		x->hdrs = curl_slist_append(x->hdrs, line);
		free(line);
	}
	if (r->auth_value) {
		line = xstrfmt("Authorization: %s", r->auth_value);
		x->hdrs = curl_slist_append(x->hdrs, line);
		/* the token must not linger in freed memory longer than needed */
		explicit_bzero(line, strlen(line));
		free(line);
	}
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");

	curl_easy_setopt(x->easy, CURLOPT_URL, r->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	if (!strcmp(r->method, "POST")) {
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, r->body ? r->body : "");
	} else if (strcmp(r->method, "GET")) {
		curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, r->method);
		if (r->body) {
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, r->body);
		}
	}
	/* TLS verification is always on; there is deliberately no way to turn it off */
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file)
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(x->easy, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, HTTP_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	return x;
}

/* url_for_message - the URL without its query (queries may be long; they never hold secrets) */
static char *url_for_message(const char *url)
{
	const char *q = strchr(url, '?');
	return q ? xstrndup(url, (size_t)(q - url)) : xstrdup(url);
}

/* xfer_done - classify a finished try: final (true) or to be retried (false) */
static bool xfer_done(struct http_client *c, struct xfer *x, CURLcode rc)
{
	struct http_request *r = x->r;
	long status = 0;
	int max = r->max_tries > 0 ? r->max_tries : c->max_tries;
	char *u;
	if (x->too_large) {
		u = url_for_message(r->url);
		r->error = xstrfmt("%s: response body larger than %zu bytes", u, c->max_body);
		free(u);
		return true;
	}
	if (rc != CURLE_OK) {
		if (retryable_curl(rc) && r->tries < max) {
			r->not_before_ms = http_now_ms() + http_backoff_ms(r->tries, &c->seed);
			return false;
		}
		u = url_for_message(r->url);
		r->error = xstrfmt("%s: %s%s%s", u, x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc),
				   r->tries > 1 ? " after " : "",
				   r->tries > 1 ? (r->tries == max ? "all tries" : "retries") : "");
		free(u);
		return true;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	if (status == 429 || status == 503)
		c->counters.throttled++;
	if ((status == 429 || status == 503) && x->started_ms >= c->last_cut_ms)
		throttled_now(c);
	else if (status >= 200 && status <= 299)
		grow(c);
	if (status == 401 && r->auth && !r->refreshed_auth) {
		r->refreshed_auth = true;
		r->not_before_ms = 0;
		return false;
	}
	if (http_retryable_status(status)) {
		if (r->tries < max) {
			r->not_before_ms = http_now_ms() +
				http_retry_delay_ms(r->retry_after, r->tries, &c->seed);
			return false;
		}
		r->error = xstrfmt("HTTP %ld after %d tries", status, r->tries);
	}
	return true;
}

/* lane_take - the lowest free in-flight slot, marked taken, plus base */
static int lane_take(bool *lanes, int base)
{
	for (int i = 0; i < HTTP_MAX_CONCURRENCY; i++)
		if (!lanes[i]) {
			lanes[i] = true;
			return base + i;
		}
	return base + HTTP_MAX_CONCURRENCY - 1; /* cannot happen: window <= HTTP_MAX_CONCURRENCY */
}

/* observe_try - tell the observer about x's finished try */
static void observe_try(struct http_client *c, const struct xfer *x)
{
	if (c->obs && c->obs->tried)
		c->obs->tried(c->obs->ud, x->r->method, x->r->url, x->lane, x->started_us,
			      http_now_us(), x->r->status);
}

/* observe_wait - count r's retry delay and tell the observer */
static void observe_wait(struct http_client *c, const struct http_request *r)
{
	long long ms = r->not_before_ms - http_now_ms();
	if (ms <= 0)
		return;
	c->counters.waited_ms += ms;
	if (c->obs && c->obs->waiting)
		c->obs->waiting(c->obs->ud, (long)ms);
}

/* http_run - see http.h */
size_t http_run(struct http_client *c, struct http_request **reqs, size_t n)
{
	CURLM *multi = c->multi;
	bool own_multi = false;
	size_t next = 0, active = 0, failed = 0, done = 0;
	/* waiting: requests to retry, in no particular order */
	struct http_request **waiting = xcalloc(n ? n : 1, sizeof(*waiting));
	char **stale = xcalloc(n ? n : 1, sizeof(*stale));
	size_t nr_waiting = 0;
	bool lanes[HTTP_MAX_CONCURRENCY] = { false };
	int lane_base;
	long long run_start_us = http_now_us();

	if (c->running) {
		/* a nested run (a token fetch while requests wait): its own multi */
		multi = curl_multi_init();
		if (!multi)
			die("cannot create a libcurl multi handle");
		own_multi = true;
	}
	c->running = true;
	lane_base = own_multi ? HTTP_MAX_CONCURRENCY : 0;
	if (c->obs && c->obs->starting && n)
		c->obs->starting(c->obs->ud, n);
	for (size_t i = 0; i < n; i++) {
		reqs[i]->priv = (void *)(size_t)i;
		FREE_AND_NULL(reqs[i]->error);
	}

	while (done < n) {
		long long now = http_now_ms();
		long long wake = now + 1000;
		int still, msgs;
		CURLMsg *m;

		/* start what may start: retries that are due first, then new requests */
		for (size_t i = 0; i < nr_waiting && (int)active < http_client_window(c); ) {
			struct http_request *r = waiting[i];
			struct xfer *x;
			size_t idx = (size_t)r->priv;
			if (r->not_before_ms > now) {
				if (r->not_before_ms < wake)
					wake = r->not_before_ms;
				i++;
				continue;
			}
			waiting[i] = waiting[--nr_waiting];
			x = xfer_start(c, r, stale[idx]);
			FREE_AND_NULL(stale[idx]);
			if (!x) {
				done++;
				failed++;
				continue;
			}
			x->lane = lane_take(lanes, lane_base);
			curl_multi_add_handle(multi, x->easy);
			active++;
		}
		while (next < n && (int)active < http_client_window(c)) {
			struct http_request *r = reqs[next++];
			struct xfer *x = xfer_start(c, r, NULL);
			if (!x) {
				done++;
				failed++;
				continue;
			}
			x->lane = lane_take(lanes, lane_base);
			curl_multi_add_handle(multi, x->easy);
			active++;
		}
		if (done >= n)
			break;

		curl_multi_perform(multi, &still);
		while ((m = curl_multi_info_read(multi, &msgs))) {
			struct xfer *x = NULL;
			struct http_request *r;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			r = x->r;
			curl_multi_remove_handle(multi, x->easy);
			active--;
			lanes[x->lane - lane_base] = false;
			if (xfer_done(c, x, m->data.result)) {
				done++;
				if (r->error)
					failed++;
			} else {
				size_t idx = (size_t)r->priv;
				if (r->status == 401) {
					free(stale[idx]);
					stale[idx] = r->auth_value ? xstrdup(r->auth_value) : NULL;
				}
				waiting[nr_waiting++] = r;
				observe_wait(c, r);
			}
			observe_try(c, x);
			xfer_free(x);
		}
		if (done >= n)
			break;
		now = http_now_ms();
		for (size_t i = 0; i < nr_waiting; i++)
			if (waiting[i]->not_before_ms < wake)
				wake = waiting[i]->not_before_ms;
		if (active) {
			long t = wake > now ? (long)(wake - now) : 0;
			curl_multi_poll(multi, NULL, 0, (int)(t > 1000 ? 1000 : t), NULL);
		} else if (nr_waiting && wake > now) {
			http_sleep_ms((long)(wake - now));
		}
	}
	for (size_t i = 0; i < n; i++)
		free(stale[i]);
	free(stale);
	free(waiting);
	if (own_multi)
		curl_multi_cleanup(multi);
	else
		c->running = false;
	if (c->obs && c->obs->ran && n)
		c->obs->ran(c->obs->ud, n, run_start_us, http_now_us());
	return failed;
}

/* http_ok - see http.h */
bool http_ok(const struct http_request *r)
{
	return !r->error && r->status >= 200 && r->status <= 299;
}

/* first_line - s up to its first line break, at most max bytes (caller frees) */
static char *first_line(const char *s, size_t max)
{
	size_t n = strcspn(s, "\r\n");
	if (n > max)
		n = max;
	return xstrndup(s, n);
}

/* http_describe_failure - see http.h */
char *http_describe_failure(const struct http_request *r)
{
	cJSON *j, *e, *code, *msg, *det;
	const char *c = NULL, *text = NULL;
	char *line, *out;
	if (r->error && r->status == 0)
		return xstrdup(r->error);
	if (!r->resp.len)
		return r->error ? xstrdup(r->error) : xstrfmt("HTTP %ld (empty body)", r->status);
	j = cJSON_ParseWithLength(r->resp.buf, r->resp.len);
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsObject(e)) {
		code = cJSON_GetObjectItemCaseSensitive(e, "code");
		msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		det = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "details"), 0);
		det = cJSON_GetObjectItemCaseSensitive(det, "message");
		c = cJSON_IsString(code) ? code->valuestring : NULL;
		if (cJSON_IsString(det)) {
			/* Exchange: "ErrorId|ExceptionClass|Human message" */
			const char *bar = strrchr(det->valuestring, '|');
			text = bar ? bar + 1 : det->valuestring;
		} else if (cJSON_IsString(msg)) {
			text = msg->valuestring;
		}
	} else if (cJSON_IsString(e)) {
		/* OAuth: {"error":"invalid_client","error_description":"AADSTS...: ..."} */
		msg = cJSON_GetObjectItemCaseSensitive(j, "error_description");
		c = e->valuestring;
		text = cJSON_IsString(msg) ? msg->valuestring : NULL;
	}
	line = first_line(text ? text : "", 300);
	if (c || text)
		out = xstrfmt("HTTP %ld%s%s%s%s%s", r->status, c ? " " : "", c ? c : "",
			      *line ? ": " : "", line, r->error ? " (after all tries)" : "");
	else
		out = r->error ? xstrdup(r->error) : xstrfmt("HTTP %ld", r->status);
	free(line);
	cJSON_Delete(j);
	return out;
}

/* origin_len - length of "scheme://host:port" at the start of url, 0 if none */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/* http_same_origin - see http.h */
bool http_same_origin(const char *a, const char *b)
{
	size_t la = origin_len(a), lb = origin_len(b);
	return la && la == lb && !strncasecmp(a, b, la);
}

/* http_url_escape - see http.h */
char *http_url_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *out;
	if (!e)
		oom();
	out = xstrdup(e);
	curl_free(e);
	return out;
}

void http_wipe_token_response(struct http_request *r, struct cJSON *j)
{
	cJSON *at = j ? cJSON_GetObjectItemCaseSensitive(j, "access_token") : NULL;
	if (cJSON_IsString(at))
		explicit_bzero(at->valuestring, strlen(at->valuestring));
	if (r->resp.len)
		explicit_bzero(r->resp.buf, r->resp.len);
	if (r->body)
		explicit_bzero(r->body, r->body_len);
}

/* http_parse_json - see http.h */
struct cJSON *http_parse_json(const struct http_request *r, char **err)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(r->resp.buf, r->resp.len, &end, 0);
	if (!j) {
		const char *q = strchr(r->url, '?');
		size_t off = end && end >= r->resp.buf ? (size_t)(end - r->resp.buf) : 0;
		*err = xstrfmt("malformed JSON from %.*s (HTTP %ld, %zu bytes, error near byte %zu)",
			       (int)(q ? (size_t)(q - r->url) : strlen(r->url)), r->url,
			       r->status, r->resp.len, off);
	}
	return j;
}

/* http_batching - see http.h */
bool http_batching(void)
{
	const char *v = getenv("ALIASAUDIT_BATCHING");
	return !v || !(!strcasecmp(v, "off") || !strcmp(v, "0") || !strcasecmp(v, "no") ||
		       !strcasecmp(v, "false"));
}
