/*
 * gws_batch.c - the Gmail batch client (see gws.h): calls of many users go
 * out as multipart/mixed POSTs to {gmail_url}/batch/gmail/v1, at most
 * batch_size parts each, every part carrying its own user's
 * "Authorization: Bearer" (there is no outer Authorization). Answers are
 * matched by Content-ID ("response-item-N"), their inner statuses read one
 * by one: 401 refreshes that user's token once, 429/5xx and 403 rate limits
 * (Retry-After, or the "Retry after <RFC 3339>" message form) go into a
 * later batch, anything else is final and left to the caller. With batching
 * off (http_batching) each call is a GET of its own with its user's token.
 */
#include "gws.h"
#include "net/http_multipart.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>

#define GWS_BATCH_WINDOW 6   /* batches in flight per round, per unit of concurrency */
#include <string.h>

/* call_done - the call has its final answer or its error */
static bool call_done(const struct gws_call *c)
{
	return c->status || c->error;
}

/* part_describe - one line for an inner answer (caller frees) */
static char *part_describe(long status, const char *body, size_t len)
{
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
	struct gws_error e;
	char *out;
	if (gws_error_parse(j, &e))
		out = xstrfmt("HTTP %ld%s%s%s%s", status, e.reason ? " " : "", e.reason ? e.reason : "",
			      e.message ? ": " : "", e.message ? e.message : "");
	else
		out = xstrfmt("HTTP %ld", status);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	cJSON_Delete(j);
	return out;
}

/* retry_later - schedule c again after delay_ms, or fail it with why when out of tries */
static void retry_later(struct gws_call *c, int max, long delay_ms, const char *why, unsigned *seed)
{
	if (c->tries >= max) {
		c->error = xstrfmt("%s after %d tries", why, c->tries);
		return;
	}
	if (delay_ms < 0)
		delay_ms = http_backoff_ms(c->tries, seed);
	c->not_before_ms = http_now_ms() + delay_ms;
}

/* part_index - the call index a Content-ID names ("response-item-12"), or -1 */
static long part_index(const char *cid)
{
	const char *p;
	char *end;
	long v;
	if (!cid)
		return -1;
	p = strstr(cid, "item-");
	if (!p)
		return -1;
	v = strtol(p + 5, &end, 10);
	return end == p + 5 || *end || v < 0 ? -1 : v;
}

/* take_part - the answer pt for call c */
static void take_part(struct http_client *hc, struct gws_call *c, const struct http_part *pt, int max,
		      unsigned *seed)
{
	long delay;
	char *why;
	if (pt->status == 401 && !c->refreshed) {
		c->refreshed = true;
		c->token->refresh_at_ms = 0;   /* fetch a new one before the next try */
		c->not_before_ms = 0;
		return;
	}
	if (gws_retryable(pt->status, pt->body, pt->body_len, http_part_header(pt, "Retry-After"), &delay)) {
		if (pt->status == 429 || pt->status == 403)
			http_client_throttled(hc);
		why = part_describe(pt->status, pt->body, pt->body_len);
		retry_later(c, max, delay, why, seed);
		free(why);
		return;
	}
	c->status = pt->status;
	if (pt->body_len) {
		c->body = cJSON_ParseWithLength(pt->body, pt->body_len);
		if (!c->body && pt->status >= 200 && pt->status <= 299) {
			c->error = xstrfmt("malformed JSON in the batch answer to %s (HTTP %ld, %zu bytes)",
					   c->path, pt->status, pt->body_len);
		}
	}
}

/* send_round - one round: the due calls idx[0..n) in batches */
static void send_round(struct http_client *hc, const char *batch_url, struct gws_auth *a,
		       struct gws_call *calls, size_t *idx, size_t n, int bs, unsigned *seed)
{
	int max = http_client_max_tries(hc);
	size_t nreq = 0, *first, *count;
	struct http_request **reqs;
	struct gws_token **toks = xcalloc(n ? n : 1, sizeof(*toks));
	size_t nok = 0;

	size_t nt = 0;
	/* a user's calls are adjacent: pass each token once */
	for (size_t k = 0; k < n; k++)
		if (!nt || toks[nt - 1] != calls[idx[k]].token)
			toks[nt++] = calls[idx[k]].token;
	gws_auth_prefetch(a, toks, nt);
	/* calls whose token could not be had end here */
	for (size_t k = 0; k < n; k++) {
		struct gws_call *c = &calls[idx[k]];
		if (c->token->failure) {
			c->error = xstrdup(c->token->failure);
			c->auth_failed = c->token->fatal;
			continue;
		}
		idx[nok++] = idx[k];
	}
	free(toks);
	n = nok;
	nreq = (n + (size_t)bs - 1) / (size_t)bs;
	reqs = xcalloc(nreq ? nreq : 1, sizeof(*reqs));
	first = xcalloc(nreq ? nreq : 1, sizeof(*first));
	count = xcalloc(nreq ? nreq : 1, sizeof(*count));
	for (size_t q = 0; q < nreq; q++) {
		struct strbuf sb = STRBUF_INIT;
		char *b = http_multipart_new_boundary(), *ct = xstrfmt("multipart/mixed; boundary=%s", b);
		first[q] = q * (size_t)bs;
		count[q] = n - first[q] < (size_t)bs ? n - first[q] : (size_t)bs;
		for (size_t k = first[q]; k < first[q] + count[q]; k++) {
			struct gws_call *c = &calls[idx[k]];
			struct http_header h[2] = { { "Authorization", c->token->value },
						    { "Accept", "application/json" } };
			char cid[32];
			snprintf(cid, sizeof(cid), "item-%zu", idx[k]);
			http_multipart_add_http(&sb, b, cid, c->method, c->path, h, 2, NULL, 0);
			c->tries++;
		}
		http_multipart_close(&sb, b);
		reqs[q] = http_request_new("POST", batch_url);
		http_request_add_header(reqs[q], "Content-Type", ct);
		http_request_add_header(reqs[q], "Accept", "multipart/mixed");
		http_request_set_body(reqs[q], sb.buf, sb.len);
		/* the body carries the users' tokens: wipe it before it is freed */
		explicit_bzero(sb.buf, sb.len);
		strbuf_release(&sb);
		free(b);
		free(ct);
	}
	gws_run(hc, reqs, nreq);
	for (size_t q = 0; q < nreq; q++) {
		struct http_request *r = reqs[q];
		struct http_part *parts = NULL;
		size_t np = 0;
		char *why = NULL;
		bool *seen = xcalloc(count[q], sizeof(*seen)), outer_failed = !http_ok(r);
		if (outer_failed) {
			why = gws_describe(r);
		} else if (http_multipart_parse(r->content_type, r->resp.buf, r->resp.len, &parts, &np, &why) < 0) {
			char *w = xstrfmt("batch %s: %s", batch_url, why);
			free(why);
			why = w;
		}
		for (size_t k = 0; !why && k < np; k++) {
			long i = part_index(parts[k].content_id);
			size_t slot;
			if (i < 0 && k < count[q])
				i = (long)idx[first[q] + k];   /* no Content-ID: request order */
			for (slot = 0; slot < count[q] && (long)idx[first[q] + slot] != i; slot++)
				;
			if (slot == count[q] || seen[slot])
				continue;   /* an answer to nothing we asked: ignore it */
			seen[slot] = true;
			take_part(hc, &calls[i], &parts[k], max, seed);
		}
		for (size_t slot = 0; slot < count[q]; slot++) {
			struct gws_call *c = &calls[idx[first[q] + slot]];
			if (seen[slot])
				continue;
			/* the layer below already retried a failed POST: its parts end here */
			retry_later(c, outer_failed ? 0 : max, -1,
				    why ? why : "no answer in the batch response", seed);
		}
		free(why);
		free(seen);
		http_parts_free(parts, np);
		if (r->body)
			explicit_bzero(r->body, r->body_len);
		http_request_free(r);
	}
	free(reqs);
	free(first);
	free(count);
}

/* run_unbatched - every call as its own request under the batch URL's root */
static size_t run_unbatched(struct http_client *hc, const char *batch_url, struct gws_call *calls,
			    size_t n)
{
	const char *b = strstr(batch_url, "/batch");
	size_t root = b ? (size_t)(b - batch_url) : strlen(batch_url), failed = 0;
	struct http_request **reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	for (size_t i = 0; i < n; i++) {
		char *url = xstrfmt("%.*s%s", (int)root, batch_url, calls[i].path);
		reqs[i] = http_request_new(calls[i].method, url);
		http_request_add_header(reqs[i], "Accept", "application/json");
		reqs[i]->auth = &calls[i].token->base;
		free(url);
	}
	gws_run(hc, reqs, n);
	for (size_t i = 0; i < n; i++) {
		struct gws_call *c = &calls[i];
		struct http_request *r = reqs[i];
		c->tries = r->tries;
		if (r->auth_failed) {
			c->error = xstrdup(c->token->failure ? c->token->failure : r->error ? r->error : "no token");
			c->auth_failed = c->token->fatal;
		} else if (r->error && !r->status) {
			c->error = xstrdup(r->error);
		} else {
			c->status = r->status;
			if (r->resp.len)
				c->body = cJSON_ParseWithLength(r->resp.buf, r->resp.len);
			if (r->error)
				c->error = xstrdup(r->error);
			else if (!c->body && r->resp.len && http_ok(r))
				c->error = xstrfmt("malformed JSON in the answer to %s (HTTP %ld)", c->path, r->status);
		}
		if (c->error)
			failed++;
		http_request_free(r);
	}
	free(reqs);
	return failed;
}

/* gws_batch_run - see gws.h */
size_t gws_batch_run(struct http_client *c, const char *batch_url, struct gws_auth *a,
		     struct gws_call *calls, size_t n, int batch_size)
{
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx)), failed = 0, window;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(size_t)calls;
	if (batch_size < 1 || batch_size > GWS_BATCH_MAX)
		batch_size = GWS_BATCH_DEFAULT;
	if (!http_batching()) {
		free(idx);
		return run_unbatched(c, batch_url, calls, n);
	}
	/* rounds of at most GWS_BATCH_WINDOW concurrent batches: the bodies
	 * and answers of a 100,000-user run are never all in memory at once */
	window = (size_t)batch_size * (size_t)http_client_concurrency(c) * GWS_BATCH_WINDOW;
	for (;;) {
		long long now = http_now_ms(), wake = -1;
		size_t nd = 0;
		bool fatal = false;
		for (size_t i = 0; i < n; i++) {
			if (calls[i].auth_failed)
				fatal = true;
			if (call_done(&calls[i]))
				continue;
			if (calls[i].not_before_ms <= now) {
				if (nd < window)
					idx[nd++] = i;
			}
			else if (wake < 0 || calls[i].not_before_ms < wake)
				wake = calls[i].not_before_ms;
		}
		if (fatal) {
			/* a credential failure: nothing more can be read */
			for (size_t i = 0; i < n; i++)
				if (!call_done(&calls[i]))
					calls[i].error = xstrdup("not read: the credentials were refused");
			break;
		}
		if (!nd && wake < 0)
			break;
		if (!nd) {
			http_sleep_ms((long)(wake - now));
			continue;
		}
		send_round(c, batch_url, a, calls, idx, nd, batch_size, &seed);
	}
	for (size_t i = 0; i < n; i++)
		if (calls[i].error)
			failed++;
	free(idx);
	return failed;
}

/* gws_call_release - free a call's strings and results */
void gws_call_release(struct gws_call *c)
{
	free(c->method);
	free(c->path);
	cJSON_Delete(c->body);
	free(c->error);
	memset(c, 0, sizeof(*c));
}
