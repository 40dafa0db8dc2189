/*
 * http_batch.c - OData JSON batching ($batch, as Microsoft Graph has it):
 * up to GRAPH_BATCH_MAX requests per POST, responses matched by id in any
 * order, per-item throttling (429 + Retry-After) and 5xx retried in later
 * batches, outer 424 tolerated when the body still lists responses. With
 * batching off (http_batching) every item is sent as a request of its own.
 */
#include "odata.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* item_header - a header of a batch response item, matched case-insensitively */
static const char *item_header(cJSON *resp, const char *name)
{
	cJSON *h, *v;
	h = cJSON_GetObjectItemCaseSensitive(resp, "headers");
	cJSON_ArrayForEach(v, h)
		if (v->string && !strcasecmp(v->string, name) && cJSON_IsString(v))
			return v->valuestring;
	return NULL;
}

/* batch_body - the JSON body for items idx[0..n) (caller frees) */
static char *batch_body(struct graph_batch_item *items, const size_t *idx, size_t n)
{
	cJSON *root = cJSON_CreateObject(), *reqs = cJSON_AddArrayToObject(root, "requests");
	char *s;
	for (size_t k = 0; k < n; k++) {
		cJSON *o = cJSON_CreateObject();
		char id[24];
		snprintf(id, sizeof(id), "%zu", idx[k]);
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddStringToObject(o, "method", items[idx[k]].method);
		cJSON_AddStringToObject(o, "url", items[idx[k]].url);
		cJSON_AddItemToArray(reqs, o);
	}
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		oom();
	return s;
}

/* fail_items - a whole batch failed: its items take the message */
static void fail_items(struct graph_batch_item *items, const size_t *idx, size_t n,
		       const char *msg, long status, bool auth_failed)
{
	for (size_t k = 0; k < n; k++) {
		struct graph_batch_item *it = &items[idx[k]];
		free(it->error);
		it->error = xstrdup(msg);
		it->status = status;
		it->auth_failed = auth_failed;
	}
}

/* take_responses - read one batch response; retryable items go back to pending */
static void take_responses(struct http_client *c, struct graph_batch_item *items, const size_t *idx,
			   size_t n, struct http_request *r, size_t *pending, size_t *nr_pending,
			   long *delay_ms, unsigned *seed)
{
	cJSON *j = NULL, *resps, *resp;
	char *err = NULL;
	bool *seen = xcalloc(n ? n : 1, sizeof(*seen));

	if (r->error || (!http_ok(r) && r->status != 424)) {
		char *msg = http_describe_failure(r);
		fail_items(items, idx, n, msg, r->status, r->auth_failed);
		free(msg);
		goto out;
	}
	j = http_parse_json(r, &err);
	resps = cJSON_GetObjectItemCaseSensitive(j, "responses");
	if (!j || !cJSON_IsArray(resps)) {
		char *msg = err ? err : xstrdup("malformed $batch response: no 'responses' array");
		fail_items(items, idx, n, msg, r->status, false);
		free(msg);
		goto out;
	}
	cJSON_ArrayForEach(resp, resps) {
		cJSON *id = cJSON_GetObjectItemCaseSensitive(resp, "id");
		cJSON *st = cJSON_GetObjectItemCaseSensitive(resp, "status");
		struct graph_batch_item *it = NULL;
		size_t k;
		for (k = 0; cJSON_IsString(id) && k < n; k++) {
			char want[24];
			snprintf(want, sizeof(want), "%zu", idx[k]);
			if (!strcmp(want, id->valuestring)) {
				it = &items[idx[k]];
				break;
			}
		}
		if (!it || seen[k] || !cJSON_IsNumber(st))
			continue;
		seen[k] = true;
		it->tries++;
		it->status = (long)st->valuedouble;
		cJSON_Delete(it->body);
		it->body = cJSON_DetachItemFromObjectCaseSensitive(resp, "body");
		free(it->retry_after);
		it->retry_after = item_header(resp, "Retry-After") ? xstrdup(item_header(resp, "Retry-After")) : NULL;
		if (http_retryable_status(it->status)) {
			if (it->status == 429)
				http_client_throttled(c);
			if (it->tries < http_client_max_tries(c)) {
				long d = http_retry_delay_ms(it->retry_after, it->tries, seed);
				if (d > *delay_ms)
					*delay_ms = d;
				pending[(*nr_pending)++] = idx[k];
			} else {
				free(it->error);
				it->error = xstrfmt("HTTP %ld after %d tries", it->status, it->tries);
			}
		}
	}
	for (size_t k = 0; k < n; k++) {
		struct graph_batch_item *it = &items[idx[k]];
		if (seen[k])
			continue;
		/* missing from the response: treat as a transient failure */
		it->tries++;
		if (it->tries < http_client_max_tries(c)) {
			long d = http_backoff_ms(it->tries, seed);
			if (d > *delay_ms)
				*delay_ms = d;
			pending[(*nr_pending)++] = idx[k];
		} else {
			free(it->error);
			it->error = xstrdup("missing from every $batch response");
		}
	}
out:
	free(seen);
	cJSON_Delete(j);
}


/* run_unbatched - every item as its own request under the batch URL's root */
static size_t run_unbatched(struct http_client *c, const char *batch_url, struct http_auth *auth,
			    struct graph_batch_item *items, size_t n)
{
	const char *slash = strrchr(batch_url, '/');
	size_t root = slash ? (size_t)(slash - batch_url) : strlen(batch_url), failed = 0;
	struct http_request **reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	for (size_t i = 0; i < n; i++) {
		char *url = xstrfmt("%.*s%s", (int)root, batch_url, items[i].url);
		reqs[i] = http_request_new(items[i].method, url);
		http_request_add_header(reqs[i], "Accept", "application/json");
		reqs[i]->auth = auth;
		free(url);
	}
	http_run(c, reqs, n);
	for (size_t i = 0; i < n; i++) {
		struct graph_batch_item *it = &items[i];
		struct http_request *r = reqs[i];
		it->tries = r->tries;
		it->status = r->status;
		it->auth_failed = r->auth_failed;
		if (r->error && (r->status == 0 || r->auth_failed)) {
			it->error = xstrdup(r->error);
		} else {
			it->body = r->resp.len ? cJSON_ParseWithLength(r->resp.buf, r->resp.len) : NULL;
			if (r->error)
				it->error = xstrdup(r->error);
			else if (!it->body && r->resp.len && http_ok(r))
				it->error = xstrfmt("malformed JSON from %s", items[i].url);
		}
		if (it->error)
			failed++;
		http_request_free(r);
	}
	free(reqs);
	return failed;
}

/* graph_batch_run - see http.h */
size_t graph_batch_run(struct http_client *c, const char *batch_url, struct http_auth *auth,
		      struct graph_batch_item *items, size_t n)
{
	size_t *todo = xcalloc(n ? n : 1, sizeof(*todo)), nr_todo = n;
	size_t *pending = xcalloc(n ? n : 1, sizeof(*pending));
	size_t failed = 0;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(size_t)items;

	if (!http_batching()) {
		free(todo);
		free(pending);
		return run_unbatched(c, batch_url, auth, items, n);
	}
	for (size_t i = 0; i < n; i++) {
		todo[i] = i;
		items[i].tries = 0;
	}
	while (nr_todo) {
		size_t nr_reqs = (nr_todo + GRAPH_BATCH_MAX - 1) / GRAPH_BATCH_MAX;
		struct http_request **reqs = xcalloc(nr_reqs, sizeof(*reqs));
		size_t nr_pending = 0;
		long delay = 0;
		for (size_t b = 0; b < nr_reqs; b++) {
			size_t off = b * GRAPH_BATCH_MAX;
			size_t cnt = nr_todo - off < GRAPH_BATCH_MAX ? nr_todo - off : GRAPH_BATCH_MAX;
			char *body = batch_body(items, todo + off, cnt);
			reqs[b] = http_request_new("POST", batch_url);
			http_request_add_header(reqs[b], "Content-Type", "application/json");
			http_request_add_header(reqs[b], "Accept", "application/json");
			http_request_set_body(reqs[b], body, strlen(body));
			reqs[b]->auth = auth;
			free(body);
		}
		http_run(c, reqs, nr_reqs);
		for (size_t b = 0; b < nr_reqs; b++) {
			size_t off = b * GRAPH_BATCH_MAX;
			size_t cnt = nr_todo - off < GRAPH_BATCH_MAX ? nr_todo - off : GRAPH_BATCH_MAX;
			take_responses(c, items, todo + off, cnt, reqs[b], pending, &nr_pending,
				       &delay, &seed);
			http_request_free(reqs[b]);
		}
		free(reqs);
		memcpy(todo, pending, nr_pending * sizeof(*todo));
		nr_todo = nr_pending;
		if (nr_todo && delay > 0)
			http_sleep_ms(delay);
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].error)
			failed++;
	free(todo);
	free(pending);
	return failed;
}

/* graph_batch_item_release - see http.h */
void graph_batch_item_release(struct graph_batch_item *it)
{
	free(it->method);
	free(it->url);
	cJSON_Delete(it->body);
	free(it->error);
	free(it->retry_after);
	memset(it, 0, sizeof(*it));
}

/* graph_batch_describe - see http.h */
char *graph_batch_describe(const struct graph_batch_item *it)
{
	cJSON *e = cJSON_GetObjectItemCaseSensitive(it->body, "error");
	cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	if (it->error)
		return xstrdup(it->error);
	return xstrfmt("HTTP %ld%s%s%s%s", it->status,
		       cJSON_IsString(code) ? " " : "", cJSON_IsString(code) ? code->valuestring : "",
		       cJSON_IsString(msg) ? ": " : "", cJSON_IsString(msg) ? msg->valuestring : "");
}
