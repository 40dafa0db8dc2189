/*
 * mockd.c - the core of the HTTPS mock server used by the end-to-end tests
 * and the demo: TLS (libmicrohttpd with GnuTLS) on 127.0.0.1, port 0 with the
 * chosen port written to a file, a routing table the service files fill, a
 * JSON-lines request log (Authorization values redacted to a hash), the
 * failure-injection knobs (latency, 429/5xx with Retry-After N times per
 * pattern, truncated or malformed bodies, token lifetime, page-size cap) set
 * on the command line (--knobs JSON) or at run time (POST /_mock/knobs), and
 * a graceful stop on SIGTERM/SIGINT.
 *
 * The throttling model (mock_throttle.c, off unless the "throttle" knob or
 * --throttle is given) adds the documented service limits; GET /_mock/stats
 * reports request counters and the peak number of requests in flight.
 *
 * usage: mockd --cert PEM --key PEM --port-file FILE [--log FILE]
 *              [--knobs JSON] [--throttle on] [--latency-ms N]
 *              [--m365-fixture FILE] [--m365-client-cert PEM] [--m365-secret S]
 */
#include "mockd.h"

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUTES 64
#define MAX_RULES 64
#define MAX_BODY (64u << 20)
#define THROTTLE_DEFAULT_LATENCY_MS 20L   /* with the throttling model on */

struct route {
	const char *method, *prefix, *suffix;
	mock_handler h;
};

struct rule {
	char *match;
	int times;          /* -1: forever */
	unsigned status;    /* 0: no status injection */
	char *retry_after;  /* or NULL */
	int malformed;      /* 1 truncate, 2 garbage */
	int next;           /* paging loop: 1 repeat, 2 endless */
	bool reset;         /* close the connection without a response */
};

static struct route routes[MAX_ROUTES];
static int nr_routes;
static struct rule rules[MAX_RULES];
static int nr_rules;
static long latency_ms, token_lifetime = 3599, max_page;
static bool token_check = true;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static volatile sig_atomic_t stop;

/* mx_malloc - malloc or abort */
void *mx_malloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		abort();
	return p;
}

/* mx_strdup - strdup or abort (NULL stays NULL) */
char *mx_strdup(const char *s)
{
	char *p;
	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		abort();
	return p;
}

/* mx_fmt - a formatted, allocated string */
char *mx_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* mock_route - see mockd.h */
void mock_route(const char *method, const char *prefix, const char *suffix, mock_handler h)
{
	if (nr_routes == MAX_ROUTES)
		abort();
	routes[nr_routes++] = (struct route){ method, prefix, suffix, h };
}

/* req_arg - see mockd.h */
const char *req_arg(const struct mreq *rq, const char *name)
{
	for (size_t i = 0; i < rq->nr_args; i++)
		if (!strcmp(rq->args[i].key, name))
			return rq->args[i].value;
	return NULL;
}

/* req_header - see mockd.h */
const char *req_header(const struct mreq *rq, const char *name)
{
	return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name) : NULL;
}

/* resp_json - see mockd.h */
void resp_json(struct mresp *rs, unsigned status, cJSON *j)
{
	free(rs->body);
	rs->status = status;
	rs->body = cJSON_PrintUnformatted(j);
	rs->body_len = strlen(rs->body);
	free(rs->ctype);
	rs->ctype = mx_strdup("application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
	cJSON_Delete(j);
}

/* resp_text - see mockd.h */
void resp_text(struct mresp *rs, unsigned status, const char *ctype, const char *text)
{
	free(rs->body);
	rs->status = status;
	rs->body = mx_strdup(text ? text : "");
	rs->body_len = strlen(rs->body);
	free(rs->ctype);
	rs->ctype = mx_strdup(ctype ? ctype : "text/plain");
}

/* resp_header - see mockd.h */
void resp_header(struct mresp *rs, const char *name, const char *value)
{
	if (rs->nr_hdr == (int)(sizeof(rs->hdr) / sizeof(rs->hdr[0])))
		return;
	rs->hdr[rs->nr_hdr].key = mx_strdup(name);
	rs->hdr[rs->nr_hdr].value = mx_strdup(value);
	rs->nr_hdr++;
}

/* resp_release - see mockd.h */
void resp_release(struct mresp *rs)
{
	free(rs->body);
	free(rs->ctype);
	for (int i = 0; i < rs->nr_hdr; i++) {
		free(rs->hdr[i].key);
		free(rs->hdr[i].value);
	}
	memset(rs, 0, sizeof(*rs));
}

/* mock_parse_query - see mockd.h */
void mock_parse_query(const char *q, struct mkv **args, size_t *nr)
{
	char *copy = mx_strdup(q ? q : ""), *save = NULL, *part;
	size_t n = 0;
	for (const char *p = copy; *p; p++)
		n += *p == '&';
	*args = mx_malloc((n + 1) * sizeof(**args));
	*nr = 0;
	for (part = strtok_r(copy, "&", &save); part; part = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(part, '=');
		if (eq)
			*eq++ = '\0';
		(*args)[*nr].key = mx_strdup(part);
		(*args)[*nr].value = mx_strdup(eq ? eq : "");
		MHD_http_unescape((*args)[*nr].key);
		MHD_http_unescape((*args)[*nr].value);
		(*nr)++;
	}
	free(copy);
}

/* mock_free_args - see mockd.h */
void mock_free_args(struct mkv *args, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(args[i].key);
		free(args[i].value);
	}
	free(args);
}

/* mock_base - see mockd.h */
char *mock_base(const struct mreq *rq)
{
	return mx_fmt("https://%s", rq->host ? rq->host : "127.0.0.1");
}

/* mock_random_hex - see mockd.h */
char *mock_random_hex(size_t n)
{
	unsigned char b[64];
	char *s = mx_malloc(2 * n + 1);
	if (n > sizeof(b) || RAND_bytes(b, (int)n) != 1)
		abort();
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	return s;
}

/* mock_log_event - see mockd.h */
void mock_log_event(cJSON *o)
{
	char *s;
	if (!log_file) {   /* no log: do not render it (a benchmark logs nothing) */
		cJSON_Delete(o);
		return;
	}
	s = cJSON_PrintUnformatted(o);
	pthread_mutex_lock(&mu);
	if (log_file) {
		fprintf(log_file, "%s\n", s);
		fflush(log_file);
	}
	pthread_mutex_unlock(&mu);
	free(s);
	cJSON_Delete(o);
}

/* ---- knobs ---- */

/* rules_clear - forget every rule (mu held) */
static void rules_clear(void)
{
	for (int i = 0; i < nr_rules; i++) {
		free(rules[i].match);
		free(rules[i].retry_after);
	}
	nr_rules = 0;
}

/* knobs_set - apply a knobs JSON text; 0 or -1 */
static int knobs_set(const char *text)
{
	cJSON *j = cJSON_Parse(text), *v, *r;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	pthread_mutex_lock(&mu);
	if ((v = cJSON_GetObjectItem(j, "latency_ms")) && cJSON_IsNumber(v))
		latency_ms = (long)v->valuedouble;
	if ((v = cJSON_GetObjectItem(j, "token_lifetime")) && cJSON_IsNumber(v))
		token_lifetime = (long)v->valuedouble;
	if ((v = cJSON_GetObjectItem(j, "max_page")) && cJSON_IsNumber(v))
		max_page = (long)v->valuedouble;
	if ((v = cJSON_GetObjectItem(j, "token_check")) && cJSON_IsBool(v))
		token_check = cJSON_IsTrue(v);
	if ((v = cJSON_GetObjectItem(j, "throttle"))) {
		throttle_configure(v);
		/* the model's default latency is 20 ms unless one is given */
		if (!cJSON_GetObjectItem(j, "latency_ms") && !latency_ms && throttle_on())
			latency_ms = THROTTLE_DEFAULT_LATENCY_MS;
	}
	if ((v = cJSON_GetObjectItem(j, "rules")) && cJSON_IsArray(v)) {
		rules_clear();
		cJSON_ArrayForEach(r, v) {
			cJSON *m = cJSON_GetObjectItem(r, "match"), *t = cJSON_GetObjectItem(r, "times");
			cJSON *st = cJSON_GetObjectItem(r, "status"), *ra = cJSON_GetObjectItem(r, "retry_after");
			cJSON *mal = cJSON_GetObjectItem(r, "malformed");
			struct rule *x;
			if (nr_rules == MAX_RULES || !cJSON_IsString(m))
				continue;
			x = &rules[nr_rules++];
			memset(x, 0, sizeof(*x));
			x->match = mx_strdup(m->valuestring);
			x->times = cJSON_IsNumber(t) ? (int)t->valuedouble : -1;
			x->status = cJSON_IsNumber(st) ? (unsigned)st->valuedouble : 0;
			x->retry_after = cJSON_IsString(ra) ? mx_strdup(ra->valuestring) :
				cJSON_IsNumber(ra) ? mx_fmt("%g", ra->valuedouble) : NULL;
			x->malformed = cJSON_IsString(mal) ? (!strcmp(mal->valuestring, "truncate") ? 1 : 2) : 0;
			mal = cJSON_GetObjectItem(r, "next");
			x->next = !cJSON_IsString(mal) ? 0 : !strcmp(mal->valuestring, "repeat") ? 1 : 2;
			x->reset = cJSON_IsTrue(cJSON_GetObjectItem(r, "reset"));
		}
	}
	pthread_mutex_unlock(&mu);
	cJSON_Delete(j);
	return 0;
}

/* knobs_inject - see mockd.h */
bool knobs_inject(const char *key, struct mresp *rs)
{
	unsigned status = 0;
	char *ra = NULL;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nr_rules; i++) {
		struct rule *x = &rules[i];
		if (!x->status || !x->times || !strstr(key, x->match))
			continue;
		if (x->times > 0)
			x->times--;
		status = x->status;
		ra = mx_strdup(x->retry_after);
		break;
	}
	pthread_mutex_unlock(&mu);
	if (!status)
		return throttle_part(key, rs);
	if (status == 429) {
		cJSON *j = cJSON_Parse("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Please retry again later.\","
				       "\"innerError\":{\"code\":\"429\",\"message\":\"Please retry after\",\"status\":\"429\"}}}");
		resp_json(rs, 429, j);
	} else {
		cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
		cJSON_AddStringToObject(e, "code", status >= 500 ? "ServiceUnavailable" : "Injected");
		cJSON_AddStringToObject(e, "message", "Injected failure from the mock");
		resp_json(rs, status, j);
	}
	if (ra)
		resp_header(rs, "Retry-After", ra);
	free(ra);
	return true;
}

/* knobs_malformed - see mockd.h */
int knobs_malformed(const char *key)
{
	int m = 0;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nr_rules; i++) {
		struct rule *x = &rules[i];
		if (!x->malformed || !x->times || !strstr(key, x->match))
			continue;
		if (x->times > 0)
			x->times--;
		m = x->malformed;
		break;
	}
	pthread_mutex_unlock(&mu);
	return m;
}

/* knobs_reset - a {"match", "reset": true} rule matches "METHOD path body":
 * the connection is closed without a response, as a load balancer or a
 * dropped TCP connection does (curl reports "Empty reply from server" or
 * "Connection reset by peer").  Microsoft's throttling guidance lists
 * connection failures among the transient faults a client retries
 * (learn.microsoft.com/azure/architecture/best-practices/transient-faults);
 * Google's retry strategy names them too
 * (cloud.google.com/storage/docs/retry-strategy: "connection reset"). */
static bool knobs_reset(const char *method, const char *path, const char *body, size_t len)
{
	bool hit = false;
	char *key = mx_fmt("%s %s %.*s", method, path, (int)(len > 4096 ? 4096 : len), body);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nr_rules && !hit; i++) {
		struct rule *x = &rules[i];
		if (!x->reset || !x->times || !strstr(key, x->match))
			continue;
		if (x->times > 0)
			x->times--;
		hit = true;
	}
	pthread_mutex_unlock(&mu);
	free(key);
	return hit;
}

/* knobs_next - see mockd.h */
int knobs_next(const char *key)
{
	int m = 0;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nr_rules; i++)
		if (rules[i].next && rules[i].times && strstr(key, rules[i].match)) {
			m = rules[i].next;
			break;
		}
	pthread_mutex_unlock(&mu);
	return m;
}

/* knobs_token_lifetime - see mockd.h */
long knobs_token_lifetime(void)
{
	long v;
	pthread_mutex_lock(&mu);
	v = token_lifetime;
	pthread_mutex_unlock(&mu);
	return v;
}

/* knobs_max_page - see mockd.h */
long knobs_max_page(void)
{
	long v;
	pthread_mutex_lock(&mu);
	v = max_page;
	pthread_mutex_unlock(&mu);
	return v;
}

/* knobs_token_check - see mockd.h */
bool knobs_token_check(void)
{
	bool v;
	pthread_mutex_lock(&mu);
	v = token_check;
	pthread_mutex_unlock(&mu);
	return v;
}

/* control - POST /_mock/knobs (JSON), GET /_mock/ping */
static void control(struct mreq *rq, struct mresp *rs)
{
	char *body;
	if (!strcmp(rq->path, "/_mock/ping")) {
		resp_text(rs, 200, "text/plain", "ok\n");
		return;
	}
	if (!strcmp(rq->path, "/_mock/stats")) {
		resp_json(rs, 200, throttle_stats());
		return;
	}
	if (strcmp(rq->method, "POST") || strcmp(rq->path, "/_mock/knobs")) {
		resp_text(rs, 404, "text/plain", "no such control\n");
		return;
	}
	body = mx_malloc(rq->body_len + 1);
	memcpy(body, rq->body, rq->body_len);
	if (knobs_set(body) < 0)
		resp_text(rs, 400, "text/plain", "knobs: want a JSON object\n");
	else
		resp_text(rs, 200, "text/plain", "ok\n");
	free(body);
}

/* ---- the request cycle ---- */

struct conn_state {
	char *body;
	size_t len, cap;
	bool too_big;
};

/* add_header_json - header iterator: log each header, Authorization redacted */
static enum MHD_Result add_header_json(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	cJSON *h = cls;
	if (!strcasecmp(key, "Authorization") && value) {
		unsigned char md[32];
		unsigned int n = 0;
		char hex[17];
		EVP_Digest(value, strlen(value), md, &n, EVP_sha256(), NULL);
		for (int i = 0; i < 8; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		char *red = mx_fmt("%s <redacted sha256:%s>", strncasecmp(value, "Bearer ", 7) ? "?" : "Bearer", hex);
		cJSON_AddStringToObject(h, key, red);
		free(red);
	} else {
		cJSON_AddStringToObject(h, key, value ? value : "");
	}
	return MHD_YES;
}

/* add_arg - GET-argument iterator: collect decoded query arguments */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct mreq *rq = cls;
	rq->args = realloc(rq->args, (rq->nr_args + 1) * sizeof(*rq->args));
	if (!rq->args)
		abort();
	rq->args[rq->nr_args].key = mx_strdup(key);
	rq->args[rq->nr_args].value = mx_strdup(value ? value : "");
	rq->nr_args++;
	return MHD_YES;
}

/* log_request - one JSON line per request */
static void log_request(struct mreq *rq, unsigned status)
{
	cJSON *o = cJSON_CreateObject(), *h = cJSON_AddObjectToObject(o, "headers");
	cJSON *q = cJSON_AddObjectToObject(o, "query");
	char *body = mx_malloc(rq->body_len + 1);
	cJSON_AddStringToObject(o, "method", rq->method);
	cJSON_AddStringToObject(o, "path", rq->path);
	for (size_t i = 0; i < rq->nr_args; i++)
		cJSON_AddStringToObject(q, rq->args[i].key, rq->args[i].value);
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, add_header_json, h);
	memcpy(body, rq->body, rq->body_len);
	/* a client secret in a form body is logged as its length only */
	for (char *sec = strstr(body, "client_secret="); sec; sec = strstr(sec, "client_secret=")) {
		char *v = sec + 14, *e = v + strcspn(v, "&");
		char *red = mx_fmt("<redacted %zu bytes>", (size_t)(e - v));
		char *nb = mx_fmt("%.*s%s%s", (int)(v - body), body, red, e);
		sec = nb + (v - body) + strlen(red);
		free(body);
		free(red);
		body = nb;
	}
	/* bearer tokens inside batch parts and JWT-bearer assertions are masked too */
	for (char *tk = strstr(body, "Bearer "); tk; tk = strstr(tk, "Bearer "))
		for (tk += 7; *tk && *tk != '\r' && *tk != '\n'; tk++)
			*tk = '*';
	/* JWT assertions keep header and claims (tests check them); the signature,
	 * without which they are no credential, is masked */
	for (char *as = strstr(body, "assertion="); as; as = strstr(as, "assertion=")) {
		char *end = as + 10 + strcspn(as + 10, "&"), *sig = end;
		while (sig > as + 10 && sig[-1] != '.')
			sig--;
		for (as = sig > as + 10 ? sig : as + 10; as < end; as++)
			*as = '*';
	}
	cJSON_AddStringToObject(o, "body", body);
	cJSON_AddNumberToObject(o, "status", status);
	free(body);
	mock_log_event(o);
}

/* dispatch - route rq to its handler */
static void dispatch(struct mreq *rq, struct mresp *rs)
{
	for (int i = 0; i < nr_routes; i++) {
		struct route *r = &routes[i];
		size_t pl = strlen(rq->path), sl = strlen(r->suffix);
		if (r->method && strcmp(r->method, rq->method))
			continue;
		if (strncmp(rq->path, r->prefix, strlen(r->prefix)))
			continue;
		if (sl && (pl < sl || strcmp(rq->path + pl - sl, r->suffix)))
			continue;
		r->h(rq, rs);
		return;
	}
	resp_text(rs, 404, "text/plain", "no route\n");
}

/* on_request - libmicrohttpd's access handler */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct conn_state *st = *con_cls;
	struct mreq rq = { 0 };
	struct mresp rs = { 0 };
	struct MHD_Response *resp;
	enum MHD_Result ret;
	long lat;
	bool control_req, modelled;

	if (!st) {
		*con_cls = mx_malloc(sizeof(struct conn_state));
		return MHD_YES;
	}
	if (*upload_size) {
		if (st->len + *upload_size > MAX_BODY) {
			st->too_big = true;
		} else {
			if (st->len + *upload_size + 1 > st->cap) {
				st->cap = (st->len + *upload_size + 1) * 2;
				st->body = realloc(st->body, st->cap);
				if (!st->body)
					abort();
			}
			memcpy(st->body + st->len, upload, *upload_size);
			st->len += *upload_size;
			st->body[st->len] = '\0'; /* handlers may treat the body as a string */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	rq.method = method;
	rq.path = url;
	rq.conn = conn;
	rq.body = st->body ? st->body : "";
	rq.body_len = st->len;
	rq.host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	rq.auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &rq);

	pthread_mutex_lock(&mu);
	lat = latency_ms;
	pthread_mutex_unlock(&mu);
	control_req = !strncmp(url, "/_mock/", 7);
	if (!control_req && knobs_reset(method, url, rq.body, rq.body_len)) {
		mock_free_args(rq.args, rq.nr_args);
		return MHD_NO; /* libmicrohttpd closes the connection, no response */
	}
	modelled = !control_req && throttle_on();
	if (lat > 0 && !control_req && !modelled)
		usleep((useconds_t)lat * 1000);

	if (st->too_big)
		resp_text(&rs, 413, "text/plain", "body too large\n");
	else if (control_req)
		control(&rq, &rs);
	else if (!modelled || throttle_enter(&rq, &rs))
		dispatch(&rq, &rs);
	if (modelled)
		/* the latency is served after the handler, with the request's
		 * parts still counted as in flight; other connections run on */
		throttle_leave(&rq, rs.status, lat);
	else if (!control_req)
		throttle_count(&rq, rs.status);
	if (log_file)
		log_request(&rq, rs.status);

	resp = MHD_create_response_from_buffer(rs.body_len, rs.body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", rs.ctype ? rs.ctype : "application/json");
	for (int i = 0; i < rs.nr_hdr; i++)
		MHD_add_response_header(resp, rs.hdr[i].key, rs.hdr[i].value);
	ret = MHD_queue_response(conn, rs.status ? rs.status : 500, resp);
	MHD_destroy_response(resp);
	resp_release(&rs);
	mock_free_args(rq.args, rq.nr_args);
	free(rq.match);
	return ret;
}

/* on_completed - free the per-request state */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *st = *con_cls;
	if (st) {
		free(st->body);
		free(st);
	}
	*con_cls = NULL;
}

/* slurp - a whole file, NUL-terminated, its length in *len (may be NULL); NULL on error */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = mx_malloc((size_t)n + 1);
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0'; /* PEM texts go to libmicrohttpd as C strings */
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* mock_load_json_object - see mockd.h */
cJSON *mock_load_json_object(const char *path)
{
	size_t n = 0;
	char *buf = slurp(path, &n);
	cJSON *j;
	if (!buf) {
		fprintf(stderr, "mockd: %s: cannot read\n", path);
		return NULL;
	}
	j = cJSON_ParseWithLength(buf, n);
	free(buf);
	if (!cJSON_IsObject(j)) {
		fprintf(stderr, "mockd: %s: not a JSON object\n", path);
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* on_signal - ask the main loop to stop */
static void on_signal(int sig)
{
	stop = 1;
}

/* services - each service file's registration; add gws_register here */
static void (*const services[])(void) = {
	m365_register,
	gws_register,
};

/* main - parse options, start the daemon, write the port file, wait for a signal */
int main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *port_file = NULL, *log_path = NULL;
	char *cert_pem, *key_pem, *tmp;
	struct sockaddr_in sa = { 0 };
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sigaction act = { 0 };
	FILE *pf;
	bool latency_given = false;

	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		services[i]();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "mockd: %s needs a value\n", a);
			return 2;
		}
		i++;
		if (!strcmp(a, "--cert"))
			cert = v;
		else if (!strcmp(a, "--key"))
			key = v;
		else if (!strcmp(a, "--port-file"))
			port_file = v;
		else if (!strcmp(a, "--log"))
			log_path = v;
		else if (!strcmp(a, "--knobs")) {
			if (knobs_set(v) < 0) {
				fprintf(stderr, "mockd: --knobs: want a JSON object\n");
				return 2;
			}
		} else if (!strcmp(a, "--throttle")) {
			cJSON *on = cJSON_CreateBool(!strcmp(v, "on"));
			throttle_configure(on);
			cJSON_Delete(on);
		} else if (!strcmp(a, "--latency-ms")) {
			latency_ms = atol(v);
			latency_given = true;
		} else if (!strcmp(a, "--m365-fixture")) {
			if (m365_load_fixture(v) < 0)
				return 2;
		} else if (!strncmp(a, "--gws-", 6)) {
			if (gws_set_option(a + 6, v) < 0)
				return 2;
		} else if (!strncmp(a, "--m365-", 7)) {
			m365_set_option(a + 7, v);
		} else {
			fprintf(stderr, "mockd: unknown option %s\n", a);
			return 2;
		}
	}
	if (throttle_on() && !latency_given && !latency_ms)
		latency_ms = THROTTLE_DEFAULT_LATENCY_MS;
	if (!cert || !key || !port_file) {
		fprintf(stderr, "usage: mockd --cert PEM --key PEM --port-file FILE [--log FILE] [--knobs JSON]\n"
				"             [--throttle on|off] [--latency-ms N]\n"
				"             [--m365-fixture FILE] [--m365-client-cert PEM] [--m365-secret S]\n"
				"             [--gws-fixture FILE] [--gws-public-key PEM] [--gws-policy-interval-ms N]\n");
		return 2;
	}
	cert_pem = slurp(cert, NULL);
	key_pem = slurp(key, NULL);
	if (!cert_pem || !key_pem) {
		fprintf(stderr, "mockd: cannot read %s or %s\n", cert, key);
		return 2;
	}
	if (log_path && !(log_file = fopen(log_path, "a"))) {
		fprintf(stderr, "mockd: %s: %s\n", log_path, strerror(errno));
		return 2;
	}
	sa.sin_family = AF_INET;
	sa.sin_port = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "mockd: cannot start the HTTPS daemon\n");
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	tmp = mx_fmt("%s.tmp", port_file);
	pf = fopen(tmp, "w");
	if (!pf || fprintf(pf, "%u\n", (unsigned)info->port) < 0 || fclose(pf) || rename(tmp, port_file)) {
		fprintf(stderr, "mockd: cannot write %s\n", port_file);
		MHD_stop_daemon(d);
		return 1;
	}
	free(tmp);

	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	while (!stop)
		usleep(50000);

	MHD_stop_daemon(d);
	if (log_file)
		fclose(log_file);
	pthread_mutex_lock(&mu);
	rules_clear();
	pthread_mutex_unlock(&mu);
	m365_cleanup();
	gws_cleanup();
	free(cert_pem);
	free(key_pem);
	return 0;
}

/* mock_b64url_decode - base64url (OpenSSL) to bytes, NUL-terminated; NULL on error */
unsigned char *mock_b64url_decode(const char *s, size_t n, size_t *len)
{
	size_t padded = (n + 3) / 4 * 4, pad = padded - n;
	char *t = mx_malloc(padded + 1);
	unsigned char *out = mx_malloc(padded / 4 * 3 + 1);
	int r;
	for (size_t i = 0; i < n; i++)
		t[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	memset(t + n, '=', pad);
	r = pad == 3 ? -1 : EVP_DecodeBlock(out, (unsigned char *)t, (int)padded);
	free(t);
	if (r < 0) {
		free(out);
		return NULL;
	}
	*len = (size_t)r - pad;
	out[*len] = '\0';
	return out;
}
