/*
 * mock_throttle.c - the mock's throttling model (part of the core): the
 * documented service limits, off by default so that the e2e tests stay fast,
 * switched on by the "throttle" knob (true, or an object of limits) or by
 * mockd --throttle on. With it on:
 *
 *  - every request (not /_mock/) is answered after the latency knob L (20 ms
 *    when the model is switched on without one), served
 *    AFTER the handler ran, while the request and its batch parts still count
 *    as in flight. The server runs a thread per connection, so one request's
 *    latency never delays another's (GET /_mock/stats reports peak_inflight:
 *    the most requests that were in their latency at once);
 *  - a client (peer address) may have client_inflight requests in flight
 *    (default 32); one more is answered 429 at once, with Retry-After;
 *  - Graph: at most mailbox_concurrency (default 4) requests per mailbox
 *    (/v1.0/users/{id}/...) in flight; each $batch item counts separately
 *    and an item over the limit gets its own 429 ApplicationThrottled;
 *  - Gmail: gmail_user_units_per_minute (default 15,000) quota units per user
 *    and fixed one-minute window, 1 unit per settings read; over it a call
 *    gets 403 userRateLimitExceeded with the "Retry after" time;
 *  - Directory: directory_user_qpm (default 2,400) queries per minute per
 *    caller (Authorization) and window; over it 403 userRateLimitExceeded.
 * A batch costs one request of latency but each part counts against the
 * limits (the handlers call knobs_inject per part, which calls throttle_part).
 * Counters (requests by class, parts, throttled answers, peak in flight) are
 * kept whether the model is on or not.
 */
#include "mockd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define NR_BUCKETS 65536
#define HELD_MAX 256

struct tkey {
	char *key;
	long conc;                 /* in flight now */
	long long win_start;       /* ms; start of the current minute window */
	long win_count;
	struct tkey *next;
};

static struct {
	bool on;
	long client_inflight, mailbox_conc, gmail_units, dir_qpm, retry_after_s;
} cfg = { false, 32, 4, 15000, 2400, 1 };

static struct tkey *buckets[NR_BUCKETS];
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long nr_requests, nr_token, nr_batch, nr_parts, nr_throttled, nr_client_429;
static long inflight, peak_inflight;

/* per connection thread: what the current request holds */
static __thread struct tkey *held[HELD_MAX];
static __thread int nr_held;
static __thread struct tkey *held_client;

/* now_ms - a monotonic clock */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lookup - the counter for key, created on first use (tmu held) */
static struct tkey *lookup(const char *key, size_t len)
{
	unsigned h = 2166136261u;
	struct tkey *k;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	h &= NR_BUCKETS - 1;
	for (k = buckets[h]; k; k = k->next)
		if (strlen(k->key) == len && !memcmp(k->key, key, len))
			return k;
	k = mx_malloc(sizeof(*k));
	k->key = mx_malloc(len + 1);
	memcpy(k->key, key, len);
	k->next = buckets[h];
	buckets[h] = k;
	return k;
}

/* window_take - count one unit in k's minute window; false when over limit
 * (*wait_ms: until the window ends) (tmu held) */
static bool window_take(struct tkey *k, long units, long limit, long *wait_ms)
{
	long long now = now_ms();
	if (!k->win_start || now - k->win_start >= 60000) {
		k->win_start = now;
		k->win_count = 0;
	}
	if (k->win_count + units > limit) {
		*wait_ms = (long)(k->win_start + 60000 - now);
		return false;
	}
	k->win_count += units;
	return true;
}

/* throttle_configure - see mockd.h */
void throttle_configure(const cJSON *v)
{
	const cJSON *x;
	pthread_mutex_lock(&tmu);
	if (cJSON_IsBool(v)) {
		cfg.on = cJSON_IsTrue(v);
	} else if (cJSON_IsObject(v)) {
		cfg.on = true;
		if ((x = cJSON_GetObjectItem(v, "on")) && cJSON_IsBool(x))
			cfg.on = cJSON_IsTrue(x);
#define NUM(name, field) if ((x = cJSON_GetObjectItem(v, name)) && cJSON_IsNumber(x)) cfg.field = (long)x->valuedouble
		NUM("client_inflight", client_inflight);
		NUM("mailbox_concurrency", mailbox_conc);
		NUM("gmail_user_units_per_minute", gmail_units);
		NUM("directory_user_qpm", dir_qpm);
		NUM("retry_after_s", retry_after_s);
#undef NUM
	}
	pthread_mutex_unlock(&tmu);
}

/* throttle_on - see mockd.h */
bool throttle_on(void)
{
	bool on;
	pthread_mutex_lock(&tmu);
	on = cfg.on;
	pthread_mutex_unlock(&tmu);
	return on;
}

/* is_google - a Google surface (error bodies in Google's shape) */
static bool is_google(const char *path)
{
	return !strncmp(path, "/admin/", 7) || !strncmp(path, "/gmail/", 7) || !strncmp(path, "/batch", 6) ||
	       !strncmp(path, "/v1/", 4) || !strcmp(path, "/token");
}

/* too_many - fill rs with a throttling answer */
static void too_many(struct mresp *rs, unsigned status, bool google, const char *code, const char *msg,
		     long wait_ms)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
	char ra[32];
	if (google) {
		cJSON *errs = cJSON_AddArrayToObject(e, "errors"), *one = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "code", status);
		cJSON_AddStringToObject(e, "message", msg);
		cJSON_AddStringToObject(e, "status", status == 429 ? "RESOURCE_EXHAUSTED" : "PERMISSION_DENIED");
		cJSON_AddStringToObject(one, "domain", "usageLimits");
		cJSON_AddStringToObject(one, "reason", code);
		cJSON_AddStringToObject(one, "message", msg);
		cJSON_AddItemToArray(errs, one);
	} else {
		cJSON_AddStringToObject(e, "code", code);
		cJSON_AddStringToObject(e, "message", msg);
	}
	resp_json(rs, status, j);
	snprintf(ra, sizeof(ra), "%ld", wait_ms > 0 ? (wait_ms + 999) / 1000 : 0);
	resp_header(rs, "Retry-After", ra);
}

/* classify - count one request by class (tmu held) */
static void classify(const char *path)
{
	nr_requests++;
	if (!strcmp(path, "/token") || strstr(path, "/oauth2/"))
		nr_token++;
	else if (!strcmp(path, "/v1.0/$batch") || !strncmp(path, "/batch", 6))
		nr_batch++;
}

/* throttle_count - see mockd.h */
void throttle_count(const struct mreq *rq, unsigned status)
{
	pthread_mutex_lock(&tmu);
	classify(rq->path);
	if (status == 429)
		nr_throttled++;
	pthread_mutex_unlock(&tmu);
}

/* peer - "client:<address>" of the connection (the unit of client_inflight) */
static void peer(const struct mreq *rq, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci = rq->conn ?
		MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
	char ip[INET6_ADDRSTRLEN] = "?";
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof(ip));
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof(ip));
	snprintf(buf, n, "client:%s", ip);
}

/* throttle_enter - see mockd.h */
bool throttle_enter(struct mreq *rq, struct mresp *rs)
{
	char who[96];
	struct tkey *c, *d = NULL;
	long wait = 0;
	bool ok = true;
	peer(rq, who, sizeof(who));
	nr_held = 0;
	held_client = NULL;
	pthread_mutex_lock(&tmu);
	classify(rq->path);
	c = lookup(who, strlen(who));
	if (c->conc >= cfg.client_inflight) {
		ok = false;
		nr_client_429++;
	} else if (!strncmp(rq->path, "/admin/directory/", 17) && rq->auth) {
		char *k = mx_fmt("dir:%s", rq->auth);
		d = lookup(k, strlen(k));
		free(k);
		if (!window_take(d, 1, cfg.dir_qpm, &wait))
			d = (struct tkey *)rq; /* marker: over quota */
	}
	if (ok && d != (struct tkey *)rq) {
		c->conc++;
		held_client = c;
		inflight++;
		if (inflight > peak_inflight)
			peak_inflight = inflight;
	}
	if (!ok || d == (struct tkey *)rq)
		nr_throttled++;
	pthread_mutex_unlock(&tmu);
	if (!ok) {
		too_many(rs, 429, is_google(rq->path), is_google(rq->path) ? "rateLimitExceeded" : "TooManyRequests",
			 "Too many concurrent requests from this client. Please retry again later.",
			 1000 * cfg.retry_after_s);
		return false;
	}
	if (d == (struct tkey *)rq) {
		too_many(rs, 403, true, "userRateLimitExceeded",
			 "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' "
			 "of service 'admin.googleapis.com'", wait);
		return false;
	}
	return true;
}

/* throttle_leave - see mockd.h */
void throttle_leave(struct mreq *rq, unsigned status, long lat)
{
	if (held_client && lat > 0)
		usleep((useconds_t)lat * 1000);
	pthread_mutex_lock(&tmu);
	for (int i = 0; i < nr_held; i++)
		held[i]->conc--;
	if (held_client) {
		held_client->conc--;
		inflight--;
	}
	pthread_mutex_unlock(&tmu);
	nr_held = 0;
	held_client = NULL;
}

/* throttle_part - see mockd.h */
bool throttle_part(const char *key, struct mresp *rs)
{
	struct tkey *k;
	long wait = 0;
	bool over = false, google = false;
	const char *id, *end;
	pthread_mutex_lock(&tmu);
	nr_parts++;
	if (!cfg.on) {
		pthread_mutex_unlock(&tmu);
		return false;
	}
	if (!strncmp(key, "/v1.0/users/", 12) && (end = strpbrk(id = key + 12, "/?")) && *end == '/') {
		char *mk = mx_fmt("mbx:%.*s", (int)(end - id), id);
		k = lookup(mk, strlen(mk));
		free(mk);
		if (k->conc >= cfg.mailbox_conc || nr_held == HELD_MAX) {
			over = true;
			wait = 1000 * cfg.retry_after_s;
		} else {
			k->conc++;
			held[nr_held++] = k;
		}
	} else if (!strncmp(key, "gmail:", 6) && (end = strchr(id = key + 6, ':'))) {
		char *gk = mx_fmt("gmail:%.*s", (int)(end - id), id);
		k = lookup(gk, strlen(gk));
		free(gk);
		google = true;
		over = !window_take(k, 1, cfg.gmail_units, &wait);
	}
	if (over)
		nr_throttled++;
	pthread_mutex_unlock(&tmu);
	if (!over)
		return false;
	if (google)
		too_many(rs, 403, true, "userRateLimitExceeded", "User-rate limit exceeded", wait);
	else
		too_many(rs, 429, false, "ApplicationThrottled",
			 "Application is over its MailboxConcurrency limit.", wait);
	return true;
}

/* throttle_stats - see mockd.h */
cJSON *throttle_stats(void)
{
	cJSON *j = cJSON_CreateObject();
	pthread_mutex_lock(&tmu);
	cJSON_AddBoolToObject(j, "throttle", cfg.on);
	cJSON_AddNumberToObject(j, "requests", (double)nr_requests);
	cJSON_AddNumberToObject(j, "token_requests", (double)nr_token);
	cJSON_AddNumberToObject(j, "batch_requests", (double)nr_batch);
	cJSON_AddNumberToObject(j, "parts", (double)nr_parts);
	cJSON_AddNumberToObject(j, "throttled", (double)nr_throttled);
	cJSON_AddNumberToObject(j, "client_429", (double)nr_client_429);
	cJSON_AddNumberToObject(j, "peak_inflight", (double)peak_inflight);
	cJSON_AddNumberToObject(j, "client_inflight_limit", (double)cfg.client_inflight);
	cJSON_AddNumberToObject(j, "mailbox_concurrency", (double)cfg.mailbox_conc);
	pthread_mutex_unlock(&tmu);
	return j;
}
