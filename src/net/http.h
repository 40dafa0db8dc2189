/*
 * http.h - the HTTP layer every provider uses (vendor-neutral).
 *
 * One libcurl multi handle per client runs many requests at once (up to the
 * client's concurrency), keeps connections alive and negotiates HTTP/2 where
 * the server offers it. Requests are retried only for 408, 429, 5xx,
 * timeouts and connection errors, honouring Retry-After (seconds, fractional
 * seconds or an HTTP-date) and otherwise a capped exponential backoff with
 * jitter. Every response body is capped; every request has a timeout. TLS
 * verification is always on (there is no switch); the CA bundle comes from
 * the client options (config ca_file), else CURL_CA_BUNDLE, else SSL_CERT_FILE,
 * else libcurl's default.
 *
 * Vendor protocols built on it (OData paging, Graph $batch, the Gmail batch
 * client) live with their providers.
 *
 * Authorization is supplied by a struct http_auth the caller owns: the layer
 * asks it for the header value before each try, and once more after a 401,
 * passing the value that was refused (so a burst of 401s costs one refresh).
 * Secrets and tokens are never put into messages.
 *
 * Ownership: a request owns everything hung on it (url, headers, body,
 * response) and is freed with http_request_free. Messages (*err, req->error)
 * are the owner's to free.
 */
#ifndef ALIASAUDIT_HTTP_H
#define ALIASAUDIT_HTTP_H

#include "base/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* named limits */
#define HTTP_DEFAULT_MAX_BODY ((size_t)256 << 20)   /* one response body */
#define HTTP_DEFAULT_TIMEOUT_MS 60000L             /* one try, whole transfer */
#define HTTP_CONNECT_TIMEOUT_MS 15000L
#define HTTP_DEFAULT_TRIES 5                        /* first try + 4 retries */
#define HTTP_BACKOFF_BASE_MS 250L
#define HTTP_BACKOFF_CAP_MS 8000L
#define HTTP_RETRY_AFTER_CAP_MS 120000L             /* longest Retry-After honoured */
#define HTTP_MAX_CONCURRENCY 256
#define HTTP_AIMD_CUT_MS 1000L                      /* at most one halving per second */

struct http_auth;
/* http_auth - a source of Authorization header values. get() stores a new
 * string "Bearer ..." in *value (caller frees) and returns 0, or returns -1
 * with *err. stale, when not NULL, is a value the server refused with 401:
 * get() must not return it again. */
struct http_auth {
	int (*get)(struct http_auth *a, const char *stale, char **value, char **err);
};

struct http_client_opts {
	int concurrency;        /* parallel transfers, 1..HTTP_MAX_CONCURRENCY */
	const char *ca_file;    /* NULL: CURL_CA_BUNDLE, SSL_CERT_FILE, default */
	long timeout_ms;        /* per try; 0: default */
	size_t max_body;        /* 0: default */
	int max_tries;          /* 0: default */
	const char *user_agent; /* NULL: "aliasaudit/<version>" */
};

struct http_client;

struct http_header {
	char *name, *value;
};

struct http_request {
	/* what to send (owned) */
	char *method;
	char *url;
	struct http_header *headers; size_t nr_headers, alloc_headers;
	char *body; size_t body_len;
	struct http_auth *auth;  /* not owned; NULL: no Authorization */
	int max_tries;           /* 0: the client's limit; 1: answered as it comes (the caller retries) */

	/* what came back */
	long status;             /* last HTTP status, 0 when none */
	struct strbuf resp;      /* last response body (capped) */
	char *content_type;      /* last response's, or NULL */
	char *retry_after;       /* last response's Retry-After, or NULL */
	char *error;             /* NULL on a final response; else why it failed */
	bool auth_failed;        /* the credential source failed: a config/credential error */
	int tries;

	/* internal */
	void *priv;
	long long not_before_ms;
	bool refreshed_auth;     /* the one refresh after a 401 was used */
	char *auth_value;        /* the Authorization value last sent */
};

/* http_observer - who hears about each try, wait and run of the clients a
 * thread creates (progress display, --trace). Callbacks run on the thread
 * that calls http_run; times are http_now_us(). lane: the in-flight slot the
 * try used (0..HTTP_MAX_CONCURRENCY-1; a nested run's lanes follow those). */
struct http_observer {
	void (*tried)(void *ud, const char *method, const char *url, int lane,
		      long long start_us, long long end_us, long status);
	void (*waiting)(void *ud, long ms);  /* a retry waits ms (429, 503, 5xx, transport) */
	void (*starting)(void *ud, size_t n); /* an http_run of n requests begins */
	void (*ran)(void *ud, size_t n, long long start_us, long long end_us); /* ... and ends */
	void *ud;
};
/* http_observe_thread - clients created on this thread from now on report to o
 * (NULL: to no one); o must outlive them */
void http_observe_thread(const struct http_observer *o);

/* http_counters - what a client did so far */
struct http_counters {
	unsigned long tries;     /* every try sent, retries included */
	unsigned long throttled; /* answers 429 or 503 */
	long long waited_ms;     /* retry delays scheduled */
};
void http_client_counters(const struct http_client *c, struct http_counters *out);

/* http_global_init - curl_global_init once; call before threads start */
void http_global_init(void);

/* http_client_new - a client with its own multi handle (one per thread) */
struct http_client *http_client_new(const struct http_client_opts *o);
void http_client_free(struct http_client *c);
int http_client_max_tries(const struct http_client *c);
int http_client_concurrency(const struct http_client *c);
/* http_client_throttled - a batch part was throttled: halve the in-flight
 * window (AIMD), at most once per HTTP_AIMD_CUT_MS. (A 429/503 to a
 * transfer started after the last cut halves it too; 2xx answers grow it
 * back by 1/window each.) */
void http_client_throttled(struct http_client *c);
/* http_client_window - transfers allowed in flight now (1..concurrency) */
int http_client_window(const struct http_client *c);
/* http_client_cuts - how often the window was halved */
unsigned long http_client_cuts(const struct http_client *c);

/* http_request_new - a request for method and url (both copied) */
struct http_request *http_request_new(const char *method, const char *url);
void http_request_free(struct http_request *r);
/* http_request_add_header - add "name: value" (copied) */
void http_request_add_header(struct http_request *r, const char *name, const char *value);
/* http_request_set_body - copy len bytes as the body */
void http_request_set_body(struct http_request *r, const char *body, size_t len);
/* http_request_clone - the same method, url, headers, body and auth; no response */
struct http_request *http_request_clone(const struct http_request *r);
/* http_request_reset_response - forget the response, keep what to send */
void http_request_reset_response(struct http_request *r);

/* http_run - perform reqs[0..n) concurrently, retrying as described above.
 * Each request ends with status/resp set (a final response, any status; error
 * NULL) or with error set (transport failure, retries exhausted, body too
 * large, credential failure). Returns the number of requests with error set. */
size_t http_run(struct http_client *c, struct http_request **reqs, size_t n);

/* http_ok - a final 2xx response */
bool http_ok(const struct http_request *r);
/* http_wipe_token_response - overwrite what a token exchange leaves in memory:
 * the access_token string of j (may be NULL), r's response and request bodies */
struct cJSON;
void http_wipe_token_response(struct http_request *r, struct cJSON *j);
/* http_describe_failure - one line for a request that is not http_ok: the
 * transport error, or "HTTP 404 NotFound: message" from an OData/JSON error
 * body (caller frees) */
char *http_describe_failure(const struct http_request *r);

/* http_retryable_status - 408, 429 and 5xx */
bool http_retryable_status(long status);
/* http_parse_retry_after - Retry-After as milliseconds from now: "10",
 * "2.128", or an HTTP-date (relative to now). -1 when unparsable; capped at
 * HTTP_RETRY_AFTER_CAP_MS; a date in the past is 0. */
long http_parse_retry_after(const char *value, time_t now);
/* http_backoff_ms - delay before try number 'retry' (1 = first retry):
 * HTTP_BACKOFF_BASE_MS * 2^(retry-1), capped at HTTP_BACKOFF_CAP_MS, with
 * jitter in [half, full] drawn from *seed */
long http_backoff_ms(int retry, unsigned *seed);
/* http_retry_delay_ms - Retry-After when given and parsable (plus up to 10%
 * jitter), else the backoff */
long http_retry_delay_ms(const char *retry_after, int retry, unsigned *seed);

/* http_same_origin - true when b has a's scheme, host and port (nextLinks
 * are only followed to the origin the token was meant for) */
bool http_same_origin(const char *a, const char *b);
/* http_url_escape - percent-encode s for a path segment or query value (caller frees) */
char *http_url_escape(const char *s);
/* http_now_ms - a monotonic clock in milliseconds */
long long http_now_ms(void);
/* http_now_us - the same monotonic clock in microseconds */
long long http_now_us(void);
/* http_sleep_ms - sleep (used between batch rounds) */
void http_sleep_ms(long ms);

/* http_parse_json - parse r's body: the JSON, or NULL with a one-line *err
 * naming the URL ("malformed JSON from ...") */
struct cJSON;
struct cJSON *http_parse_json(const struct http_request *r, char **err);
/* http_batching - false when the environment says ALIASAUDIT_BATCHING=off
 * (or 0/no/false): batch runners (Graph $batch, the Gmail batch client)
 * then send every item as a request of its own. A benchmark switch: the
 * sequential reference of bench/scale. */
bool http_batching(void);

#endif
