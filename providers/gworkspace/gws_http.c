/*
 * gws_http.c - Google's side of HTTP (see gws.h): error bodies (v1 with
 * errors[] and v2 with status), the "Retry after <RFC 3339 time>" message
 * form Gmail uses instead of a Retry-After header, a retry loop on top of
 * http_run for the 403 rate limits the shared layer does not retry and for
 * the Policy API's per-minute read quota (which needs tens of seconds, not a
 * backoff of a few), and nextPageToken paging for the Directory and Policy
 * APIs that stops on a repeated token or an endless chain.
 */
#include "gws.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* gws_error_parse - see gws.h */
bool gws_error_parse(const cJSON *j, struct gws_error *e)
{
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "error"), *code, *first;
	memset(e, 0, sizeof(*e));
	if (!cJSON_IsObject(err))
		return false;
	code = cJSON_GetObjectItemCaseSensitive(err, "code");
	e->code = cJSON_IsNumber(code) ? (long)code->valuedouble : 0;
	e->message = gws_json_str(err, "message");
	e->status = gws_json_str(err, "status");
	first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(err, "errors"), 0);
	e->reason = gws_json_str(first, "reason");
	if (!e->message)
		e->message = gws_json_str(first, "message");
	if (!e->reason) {
		/* v2: details[].reason of a google.rpc.ErrorInfo */
		const cJSON *d;
		cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(err, "details"))
			if (gws_json_str(d, "reason")) {
				e->reason = gws_json_str(d, "reason");
				break;
			}
	}
	return true;
}

/* digits - n decimal digits at s into *v; false if not */
static bool digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* gws_parse_rfc3339 - see gws.h */
int gws_parse_rfc3339(const char *s, time_t *out, long *ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	long frac = 0, scale = 100;
	const char *p;
	time_t t;
	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
		p += 6;
	} else {
		return -1;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t - (time_t)oh * 3600 - (time_t)om * 60;
	if (ms)
		*ms = frac;
	return 0;
}

/* gws_retry_after_text - see gws.h */
long gws_retry_after_text(const char *message, time_t now)
{
	const char *p = message;
	while (p && (p = strcasestr(p, "retry after"))) {
		time_t t;
		long ms = 0;
		char stamp[40];
		size_t n;
		p += 11;
		while (*p == ' ')
			p++;
		n = strcspn(p, " ,;()\"");
		if (n >= sizeof(stamp)) {
			continue;
		}
		memcpy(stamp, p, n);
		stamp[n] = '\0';
		if (gws_parse_rfc3339(stamp, &t, &ms) < 0)
			continue;
		if (t < now || (t == now && !ms))
			return 0;
		if ((double)(t - now) * 1000.0 + ms >= (double)HTTP_RETRY_AFTER_CAP_MS)
			return HTTP_RETRY_AFTER_CAP_MS;
		return (long)(t - now) * 1000L + ms;
	}
	return -1;
}

/* rate_limit_reason - a 403 reason that means "slow down" */
static bool rate_limit_reason(const char *r)
{
	return r && (!strcmp(r, "rateLimitExceeded") || !strcmp(r, "userRateLimitExceeded") ||
		     !strcmp(r, "quotaExceeded") || !strcmp(r, "RATE_LIMIT_EXCEEDED"));
}

/* gws_retryable - see gws.h */
bool gws_retryable(long status, const char *body, size_t len, const char *retry_after, long *delay_ms)
{
	cJSON *j = NULL;
	struct gws_error e;
	bool yes = http_retryable_status(status);
	*delay_ms = retry_after ? http_parse_retry_after(retry_after, time(NULL)) : -1;
	if (status != 403 && status != 429 && !yes)
		return false;
	if (body && len)
		j = cJSON_ParseWithLength(body, len);
	if (gws_error_parse(j, &e)) {
		if (status == 403)
			yes = rate_limit_reason(e.reason);
		if (yes && *delay_ms < 0 && e.message)
			*delay_ms = gws_retry_after_text(e.message, time(NULL));
	} else if (status == 403 && body && len) {
		/* plain-text quota pages ("Quota exceeded for quota metric ...") */
		yes = memmem(body, len, "Quota exceeded", 14) || memmem(body, len, "Rate Limit Exceeded", 19);
	}
	cJSON_Delete(j);
	return yes;
}

/* gws_is_read_quota - see gws.h. ScubaGoggles (scubagoggles/policy_api.py,
 * PolicyAPI._get) tells this 429 from the Policy API's pacing 429 by the
 * text "Quota exceeded" and "read requests per minute" (body as sent: the
 * v2 error message, "Quota exceeded for quota metric 'Read requests' and
 * limit 'Read requests per minute' ..."; case-insensitive here) */
bool gws_is_read_quota(long status, const char *body, size_t len)
{
	char *t;
	bool yes;
	if (status != 429 || !body || !len)
		return false;
	t = xstrndup(body, len);
	yes = strcasestr(t, "Quota exceeded") && strcasestr(t, "read requests per minute");
	free(t);
	return yes;
}

/* gws_quota_next - see gws.h */
long gws_quota_next(const struct gws_quota *q, long waited, int rounds)
{
	long first = q->first_ms > 0 ? q->first_ms : GWS_QUOTA_WAIT_MS;
	long max = q->max_ms >= 0 ? q->max_ms : GWS_QUOTA_MAX_WAIT_MS;
	/* ScubaGoggles: 30 s, then 15 s more each time */
	long d = first + (long)rounds * (first / 2);
	return waited + d > max ? -1 : d;
}

/* quota_wait - the next read-quota wait for r (waited so far *waited,
 * rounds *rounds), or -1 after setting r->error when q's bound is spent */
static long quota_wait(struct http_request *r, const struct gws_quota *q, long *waited, int *rounds)
{
	long d = gws_quota_next(q, *waited, *rounds);
	if (d < 0) {
		free(r->error);
		r->error = xstrfmt("HTTP 429 RESOURCE_EXHAUSTED: the read quota (requests per minute) was still "
				   "exceeded after waiting %ld s in all (limit %ld s, policy_quota_max_wait_ms)",
				   *waited / 1000, (q->max_ms >= 0 ? q->max_ms : GWS_QUOTA_MAX_WAIT_MS) / 1000);
		return -1;
	}
	*waited += d;
	(*rounds)++;
	return d;
}

/* own_retry - r (sent with max_tries 1) ended in what the layer below
 * would have retried: 408, 429, 5xx, or no answer at all */
static bool own_retry(const struct http_request *r)
{
	if (r->auth_failed)
		return false;
	return r->status ? http_retryable_status(r->status) : r->error != NULL;
}

/* gws_run - see gws.h */
size_t gws_run(struct http_client *c, struct http_request **reqs, size_t n)
{
	return gws_run_quota(c, reqs, n, NULL);
}

/* gws_run_quota - see gws.h */
size_t gws_run_quota(struct http_client *c, struct http_request **reqs, size_t n, const struct gws_quota *q)
{
	struct http_request **todo = xcalloc(n ? n : 1, sizeof(*todo));
	int *tries = xcalloc(n ? n : 1, sizeof(*tries)), *rounds = xcalloc(n ? n : 1, sizeof(*rounds));
	long *waited = xcalloc(n ? n : 1, sizeof(*waited));
	size_t nt = n, failed = 0;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(size_t)reqs;
	int max = http_client_max_tries(c);

	memcpy(todo, reqs, n * sizeof(*todo));
	while (nt) {
		size_t keep = 0;
		long wait = 0;
		http_run(c, todo, nt);
		for (size_t i = 0; i < nt; i++) {
			struct http_request *r = todo[i];
			long d;
			size_t idx = 0;
			for (size_t k = 0; k < n; k++)
				if (reqs[k] == r)
					idx = k;
			tries[idx]++;
			if (q && gws_is_read_quota(r->status, r->resp.buf, r->resp.len)) {
				if ((d = quota_wait(r, q, &waited[idx], &rounds[idx])) < 0)
					continue;
			} else if (r->max_tries == 1 && own_retry(r)) {
				/* the layer below answered at once: the generic retries are ours */
				if (tries[idx] >= max) {
					free(r->error);
					r->error = r->status ? xstrfmt("HTTP %ld after %d tries", r->status, tries[idx]) :
						xstrfmt("no answer after %d tries", tries[idx]);
					continue;
				}
				d = http_retry_delay_ms(r->retry_after, tries[idx], &seed);
			} else if (r->error || r->status != 403 ||
				   !gws_retryable(r->status, r->resp.buf, r->resp.len, r->retry_after, &d)) {
				continue;
			} else if (tries[idx] >= max) {
				r->error = xstrfmt("HTTP 403 (rate limited) after %d tries", tries[idx]);
				continue;
			} else if (d < 0) {
				d = http_backoff_ms(tries[idx], &seed);
			}
			if (d > wait)
				wait = d;
			todo[keep++] = r;
		}
		nt = keep;
		if (nt) {
			http_sleep_ms(wait);
			for (size_t i = 0; i < nt; i++)
				http_request_reset_response(todo[i]);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (reqs[i]->error)
			failed++;
	free(todo);
	free(tries);
	free(rounds);
	free(waited);
	return failed;
}

/* gws_describe - see gws.h */
char *gws_describe(const struct http_request *r)
{
	cJSON *j;
	struct gws_error e;
	char *out;
	if (!r->status || !r->resp.len)
		return http_describe_failure(r);
	j = cJSON_ParseWithLength(r->resp.buf, r->resp.len);
	if (!gws_error_parse(j, &e)) {
		cJSON_Delete(j);
		return http_describe_failure(r);
	}
	out = xstrfmt("HTTP %ld%s%s%s%s%s", r->status,
		      e.reason || e.status ? " " : "", e.reason ? e.reason : e.status ? e.status : "",
		      e.message ? ": " : "", e.message ? e.message : "",
		      r->error ? " (after all tries)" : "");
	/* one line */
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	cJSON_Delete(j);
	return out;
}

/* page_url - url with pageToken appended (caller frees) */
static char *page_url(const char *url, const char *token)
{
	char *et, *u;
	if (!token)
		return xstrdup(url);
	et = http_url_escape(token);
	u = xstrfmt("%s%cpageToken=%s", url, strchr(url, '?') ? '&' : '?', et);
	free(et);
	return u;
}

/* token_hash - FNV-1a of a page token */
static unsigned long long token_hash(const char *t)
{
	unsigned long long h = 1469598103934665603ull;
	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ull;
	return h ? h : 1;
}

/* seen_before - remember token's hash in p; true when it was there already
 * (an open-addressed set: a chain of GWS_MAX_PAGES tokens is checked in
 * linear time) */
static bool seen_before(struct gws_pager *p, const char *token)
{
	unsigned long long h = token_hash(token);
	size_t i;
	if (2 * (p->nr_seen + 1) > p->cap_seen) {
		unsigned long long *old = p->seen;
		size_t oc = p->cap_seen;
		p->cap_seen = oc ? oc * 2 : 64;
		p->seen = xcalloc(p->cap_seen, sizeof(*p->seen));
		for (size_t k = 0; k < oc; k++)
			if (old[k]) {
				for (i = old[k] & (p->cap_seen - 1); p->seen[i]; i = (i + 1) & (p->cap_seen - 1))
					;
				p->seen[i] = old[k];
			}
		free(old);
	}
	for (i = h & (p->cap_seen - 1); p->seen[i]; i = (i + 1) & (p->cap_seen - 1))
		if (p->seen[i] == h)
			return true;
	p->seen[i] = h;
	p->nr_seen++;
	return false;
}

/* next_ok - whether the chain may go on to token; else p->error says why */
static bool next_ok(struct gws_pager *p, const char *token)
{
	long max = p->max_pages > 0 ? p->max_pages : GWS_MAX_PAGES;
	if (seen_before(p, token)) {
		p->error = xstrfmt("the server sent a nextPageToken it had sent before (after page %zu): "
				   "the list never ends; stopped", p->pages);
		return false;
	}
	if ((long)p->pages >= max) {
		p->error = xstrfmt("the list did not end after %ld pages (max_pages): stopped", max);
		return false;
	}
	return true;
}

/* page_done - take one page of p; *token is the next page token (caller frees) or NULL */
static int page_done(struct gws_pager *p, struct http_request *r, char **token)
{
	cJSON *j, *arr, *it;
	char *err = NULL;
	const char *next;
	*token = NULL;
	if (!http_ok(r)) {
		/* the read quota's own message says how long it was waited out */
		p->error = r->error && gws_is_read_quota(r->status, r->resp.buf, r->resp.len) ?
			xstrdup(r->error) : gws_describe(r);
		p->status = r->status;
		p->auth_failed = r->auth_failed;
		return -1;
	}
	j = http_parse_json(r, &err);
	if (!cJSON_IsObject(j)) {
		p->error = err ? err : xstrdup("response is not a JSON object");
		cJSON_Delete(j);
		return -1;
	}
	arr = cJSON_GetObjectItemCaseSensitive(j, p->key);
	if (arr && !cJSON_IsArray(arr)) {
		const char *q = strchr(r->url, '?');
		p->error = xstrfmt("response from %.*s: '%s' is not an array",
				   (int)(q ? (size_t)(q - r->url) : strlen(r->url)), r->url, p->key);
		cJSON_Delete(j);
		return -1;
	}
	/* an absent array is an empty page (Google omits empty lists) */
	cJSON_ArrayForEach(it, arr)
		cJSON_AddItemToArray(p->items, cJSON_Duplicate(it, 1));
	p->pages++;
	next = gws_json_str(j, "nextPageToken");
	if (next && !next_ok(p, next)) {
		cJSON_Delete(j);
		return -1;
	}
	if (next)
		*token = xstrdup(next);
	cJSON_Delete(j);
	return 0;
}

/* page_request - the GET of one page of p at url; a pager that watches a
 * read quota gets the first 429 at once (max_tries 1: its quota 429 is
 * waited out by gws_run_quota, not retried in a few seconds below) */
static struct http_request *page_request(const struct gws_pager *p, const char *url)
{
	struct http_request *r = http_request_new("GET", url);
	http_request_add_header(r, "Accept", "application/json");
	r->auth = p->auth;
	if (p->quota)
		r->max_tries = 1;
	return r;
}

/* run_pages - one page of each pager in batch[0..nb) (owner[k] its pager),
 * together; a pager's read-quota bound applies to the requests of all (only
 * the Policy API answers with that quota's text) */
static void run_pages(struct http_client *c, struct gws_pager *p, struct http_request **batch,
		      const size_t *owner, size_t nb)
{
	const struct gws_quota *q = NULL;
	for (size_t k = 0; k < nb && !q; k++)
		q = p[owner[k]].quota;
	gws_run_quota(c, batch, nb, q);
}

/* gws_pager_run - see gws.h */
size_t gws_pager_run(struct http_client *c, struct gws_pager *p, size_t n)
{
	struct http_request **cur = xcalloc(n ? n : 1, sizeof(*cur));
	struct http_request **batch = xcalloc(n ? n : 1, sizeof(*batch));
	size_t *owner = xcalloc(n ? n : 1, sizeof(*owner)), failed = 0;
	long wait = 0;

	for (size_t i = 0; i < n; i++) {
		p[i].items = cJSON_CreateArray();
		cur[i] = page_request(&p[i], p[i].url);
	}
	for (;;) {
		size_t nb = 0;
		for (size_t i = 0; i < n; i++)
			if (cur[i]) {
				owner[nb] = i;
				batch[nb++] = cur[i];
			}
		if (!nb)
			break;
		if (wait > 0)
			http_sleep_ms(wait);
		wait = 0;
		run_pages(c, p, batch, owner, nb);
		for (size_t k = 0; k < nb; k++) {
			size_t i = owner[k];
			char *token = NULL, *u;
			struct http_request *r = cur[i];
			cur[i] = NULL;
			if (page_done(&p[i], r, &token) < 0)
				failed++;
			if (token) {
				u = page_url(p[i].url, token);
				cur[i] = page_request(&p[i], u);
				if (p[i].delay_ms > wait)
					wait = p[i].delay_ms;
				free(u);
				free(token);
			}
			http_request_free(r);
		}
	}
	free(cur);
	free(batch);
	free(owner);
	return failed;
}

/* gws_pager_release - free a pager's url and results */
void gws_pager_release(struct gws_pager *p)
{
	FREE_AND_NULL(p->url);
	cJSON_Delete(p->items);
	p->items = NULL;
	FREE_AND_NULL(p->error);
	FREE_AND_NULL(p->seen);
	p->nr_seen = p->cap_seen = 0;
}
