/*
 * mockd.h - the mock server's core (mockd.c) as the service handlers see it:
 * requests and responses, the routing table, the request log and the
 * failure-injection knobs. Service files (m365_*.c, later gws_*.c) register
 * their routes from a *_register() function listed in mockd.c.
 *
 * Everything here is test code: it aborts on out-of-memory and keeps state in
 * process globals guarded by one mutex.
 */
#ifndef MOCKD_H
#define MOCKD_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct mkv {
	char *key, *value;
};

/* mreq - one request (or one item of a $batch) */
struct mreq {
	const char *method;
	const char *path;           /* without the query */
	struct mkv *args; size_t nr_args;   /* decoded query arguments */
	const char *body; size_t body_len;   /* always NUL-terminated */
	const char *host;           /* the Host header: links point back at it */
	struct MHD_Connection *conn; /* NULL for batch items */
	const char *auth;           /* Authorization header value, or NULL */
	char *match;                /* what knob rules match against (owned by the core) */
};

/* mresp - the response a handler fills */
struct mresp {
	unsigned status;
	char *body; size_t body_len;   /* owned */
	char *ctype;                   /* owned; NULL: application/json */
	struct mkv hdr[12]; int nr_hdr;
};

typedef void (*mock_handler)(struct mreq *rq, struct mresp *rs);

/* mock_route - requests whose method matches (NULL: any) and whose path
 * starts with prefix and ends with suffix (either may be "") go to h */
void mock_route(const char *method, const char *prefix, const char *suffix, mock_handler h);

/* helpers */
void *mx_malloc(size_t n);
char *mx_strdup(const char *s);
char *mx_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *req_arg(const struct mreq *rq, const char *name);
const char *req_header(const struct mreq *rq, const char *name);
void resp_json(struct mresp *rs, unsigned status, cJSON *j);   /* takes j */
void resp_text(struct mresp *rs, unsigned status, const char *ctype, const char *text);
void resp_header(struct mresp *rs, const char *name, const char *value);
void resp_release(struct mresp *rs);
/* mock_parse_query - split "a=b&c=d" (percent-decoded) into args */
void mock_parse_query(const char *q, struct mkv **args, size_t *nr);
void mock_free_args(struct mkv *args, size_t nr);
/* mock_base - "https://<host>" for links (caller frees) */
char *mock_base(const struct mreq *rq);
/* mock_random_hex - n random bytes as hex (caller frees) */
char *mock_random_hex(size_t n);
/* mock_log_event - add a JSON object to the request log (takes o) */
void mock_log_event(cJSON *o);

/* knobs (see mockd.c) */
/* knobs_inject - a failure rule matching key fires: rs is filled (a 429/5xx
 * with Retry-After when configured) and true is returned */
bool knobs_inject(const char *key, struct mresp *rs);
/* knobs_malformed - a body rule matching key fires: 1 truncate, 2 garbage, 0 none */
int knobs_malformed(const char *key);
/* knobs_next - a paging rule ({"match", "next": "repeat"|"endless"})
 * matching key: 1 serve a nextLink that repeats, 2 an endless chain, 0 none */
int knobs_next(const char *key);
long knobs_token_lifetime(void);
long knobs_max_page(void);   /* 0: no cap */
bool knobs_token_check(void); /* reject expired tokens (default on) */

/* lookups into large fixtures (mock_index.c): containers of 1,024 items or
 * more are indexed on first use and must not be modified afterwards (or call
 * mock_index_forget); smaller ones are scanned as cJSON does */
/* mock_array_at - arr's item i (NULL when out of range) */
cJSON *mock_array_at(const cJSON *arr, long i);
/* mock_object_get - obj's member key, case-insensitive like cJSON_GetObjectItem */
cJSON *mock_object_get(const cJSON *obj, const char *key);
/* mock_array_find - the first item of arr whose string member field (or a
 * string in its array member field) equals value, case-insensitively */
cJSON *mock_array_find(const cJSON *arr, const char *field, const char *value);
/* mock_index_forget - drop the indexes of container (after modifying it) */
void mock_index_forget(const cJSON *container);
/* mock_map - a string -> long map with its own lock (keys compared
 * case-insensitively: callers verify the hit) */
struct mock_map;
struct mock_map *mock_map_new(void);
void mock_map_put(struct mock_map *m, const char *key, long v);
long mock_map_get(struct mock_map *m, const char *key);   /* -1: absent */
void mock_map_free(struct mock_map *m);

/* the throttling model (mock_throttle.c; off by default) */
/* throttle_configure - knob "throttle": true/false, or an object of limits
 * (client_inflight, mailbox_concurrency, gmail_user_units_per_minute,
 * directory_user_qpm, retry_after_s) that also switches it on */
void throttle_configure(const cJSON *v);
bool throttle_on(void);
/* throttle_enter - a request starts: counted; false when the client is over
 * its in-flight limit or the Directory quota (rs holds the 429/403) */
bool throttle_enter(struct mreq *rq, struct mresp *rs);
/* throttle_leave - after the handler: serve latency lat (ms) unless refused,
 * then release what the request and its parts held */
void throttle_leave(struct mreq *rq, unsigned status, long lat);
/* throttle_count - count a request while the model is off */
void throttle_count(const struct mreq *rq, unsigned status);
/* throttle_part - one request or batch part (the knobs_inject key) against
 * the per-mailbox and per-user limits: true when rs holds its 429/403 */
bool throttle_part(const char *key, struct mresp *rs);
/* throttle_stats - the counters as JSON (GET /_mock/stats; caller frees) */
cJSON *throttle_stats(void);

/* service registration (one per service file) */
void m365_register(void);
int m365_load_fixture(const char *path);
void m365_set_option(const char *name, const char *value);
void m365_cleanup(void);
void gws_register(void);
int gws_set_option(const char *name, const char *value); /* --gws-NAME VALUE */
void gws_cleanup(void);

/* mock_load_json_object - parse the JSON object in path (caller frees);
 * NULL with a message on stderr when unreadable or not an object */
cJSON *mock_load_json_object(const char *path);
/* mock_b64url_decode - base64url (OpenSSL) to bytes, NUL-terminated, *len set;
 * NULL on error (caller frees) */
unsigned char *mock_b64url_decode(const char *s, size_t n, size_t *len);

#endif
