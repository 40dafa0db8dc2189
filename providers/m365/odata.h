/*
 * odata.h - Microsoft's protocols on top of the HTTP layer: OData paging
 * (follow @odata.nextLink with GET, or re-POST the same body as the Exchange
 * admin API wants; odata_pager.c) and Graph JSON $batch (graph_batch.c).
 * Ownership as in net/http.h.
 */
#ifndef ALIASAUDIT_ODATA_H
#define ALIASAUDIT_ODATA_H

#include "net/http.h"

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* ---- OData paging (odata_pager.c) ---- */

/* ODATA_MAX_PAGES - the longest page chain one collection may have. Graph
 * /users serves up to 999 per page and the Exchange admin API 1,000
 * (m365.md §2.2, §3.4); even at a server-chosen 50 per page this covers a
 * million objects. A longer chain, or a @odata.nextLink that repeats one
 * already followed, is a server paging loop: the collection stops with an
 * error (observed live: 803 pages in 40 s, issue 13). The environment
 * variable ALIASAUDIT_ODATA_MAX_PAGES lowers it (tests, diagnostics). */
#define ODATA_MAX_PAGES 20000

/* odata_pager - one paged collection: tmpl is the first page's request; the
 * items of every page's "value" array go to each(); @odata.nextLink is
 * followed (GET, or with repost the same method and body, as the Exchange
 * admin API wants) while it stays on the same origin. */
struct odata_pager {
	struct http_request *tmpl;   /* owned by the caller */
	bool repost;
	int (*each)(void *ctx, struct cJSON *item, char **err); /* 0 or -1 with *err */
	void *ctx;
	/* results */
	char *error;                 /* NULL when every page was read */
	long status;                 /* status of the failing response, 0 if none */
	bool auth_failed;
	size_t pages, items;
	/* internal: hashes of the links followed (repeat detection) */
	unsigned long long *seen;
	size_t nr_seen, alloc_seen;
};

/* odata_pager_run - read the collections p[0..n) concurrently, page by page.
 * Returns how many ended with error set. */
size_t odata_pager_run(struct http_client *c, struct odata_pager *p, size_t n);
/* odata_pager_release - free the results */
void odata_pager_release(struct odata_pager *p);

/* ---- JSON $batch (graph_batch.c) ---- */

#define GRAPH_BATCH_MAX 20   /* Graph's limit per $batch */

/* graph_batch_item - one request inside a batch (url relative to the service root's version) */
struct graph_batch_item {
	char *method, *url;          /* owned */
	/* results */
	long status;                 /* the item's final status, 0 if none */
	struct cJSON *body;          /* the item's body (owned), may be NULL */
	char *error;                 /* NULL unless retries ran out or the batch failed */
	bool auth_failed;
	int tries;
	/* internal */
	char *retry_after;
};

/* graph_batch_run - send items through batch_url in batches of
 * GRAPH_BATCH_MAX (concurrently), correlating responses by id whatever their
 * order; items that come back 408/429/5xx (or not at all) are retried in a
 * later batch after their Retry-After. A final non-retryable item status
 * (404, 403, ...) is left for the caller with error NULL.
 * Returns how many items ended with error set. */
size_t graph_batch_run(struct http_client *c, const char *batch_url, struct http_auth *auth,
		      struct graph_batch_item *items, size_t n);
/* graph_batch_item_release - free an item's strings and results */
void graph_batch_item_release(struct graph_batch_item *it);
/* graph_batch_describe - one line for an item that did not succeed (caller frees) */
char *graph_batch_describe(const struct graph_batch_item *it);

#endif
