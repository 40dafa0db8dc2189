/*
 * odata_pager.c - OData collection paging on top of http_run: several
 * collections are read at once, one page of each per round, following
 * @odata.nextLink (GET, or re-POSTing the same body for the Exchange admin
 * API) and refusing links that leave the original origin, links that
 * repeat one already followed, and chains longer than ODATA_MAX_PAGES.
 */
#include "odata.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>


/* link_hash - FNV-1a of a link (0 is kept free as the empty slot) */
static unsigned long long link_hash(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

/* seen_add - remember h in p's open-addressing set; false if it was there */
static bool seen_add(struct odata_pager *p, unsigned long long h)
{
	size_t mask, i;
	if (2 * (p->nr_seen + 1) > p->alloc_seen) {
		unsigned long long *old = p->seen;
		size_t n = p->alloc_seen;
		p->alloc_seen = n ? 2 * n : 64;
		p->seen = xcalloc(p->alloc_seen, sizeof(*p->seen));
		p->nr_seen = 0;
		for (size_t k = 0; k < n; k++)
			if (old[k])
				seen_add(p, old[k]);
		free(old);
	}
	mask = p->alloc_seen - 1;
	for (i = h & mask; p->seen[i]; i = (i + 1) & mask)
		if (p->seen[i] == h)
			return false;
	p->seen[i] = h;
	p->nr_seen++;
	return true;
}

/* max_pages - ODATA_MAX_PAGES, or the lower ALIASAUDIT_ODATA_MAX_PAGES */
static size_t max_pages(void)
{
	const char *v = getenv("ALIASAUDIT_ODATA_MAX_PAGES");
	long n = v ? strtol(v, NULL, 10) : 0;
	return n > 0 && n < ODATA_MAX_PAGES ? (size_t)n : ODATA_MAX_PAGES;
}

/* follow_check - may p follow link after the page just read? NULL, or why not (caller frees) */
static char *follow_check(struct odata_pager *p, const char *link)
{
	size_t cap = max_pages();
	if (!http_same_origin(p->tmpl->url, link))
		return xstrdup("refusing an @odata.nextLink to another host");
	if (!p->nr_seen)
		seen_add(p, link_hash(p->tmpl->url));
	if (!seen_add(p, link_hash(link)))
		return xstrfmt("endless paging: @odata.nextLink after page %zu repeats a page already read",
			       p->pages);
	if (p->pages >= cap)
		return xstrfmt("endless paging: more than %zu pages (the limit, ODATA_MAX_PAGES, "
			       "is far above any real tenant)", cap);
	return NULL;
}

/* page_done - consume one page of p; sets *next to the next page's URL (caller frees) */
static int page_done(struct odata_pager *p, struct http_request *r, char **next)
{
	cJSON *j, *value, *item, *link;
	char *err = NULL;
	int ret = -1;
	*next = NULL;
	if (!http_ok(r)) {
		p->error = http_describe_failure(r);
		p->status = r->status;
		p->auth_failed = r->auth_failed;
		return -1;
	}
	j = http_parse_json(r, &err);
	if (!j) {
		p->error = err;
		p->status = r->status;
		return -1;
	}
	value = cJSON_GetObjectItemCaseSensitive(j, "value");
	if (!cJSON_IsArray(value)) {
		const char *q = strchr(r->url, '?');
		p->error = xstrfmt("response from %.*s has no 'value' array",
				   (int)(q ? (size_t)(q - r->url) : strlen(r->url)), r->url);
		goto out;
	}
	p->pages++;
	cJSON_ArrayForEach(item, value) {
		if (p->each(p->ctx, item, &err) < 0) {
			p->error = err ? err : xstrdup("cannot read an item");
			goto out;
		}
		p->items++;
	}
	link = cJSON_GetObjectItemCaseSensitive(j, "@odata.nextLink");
	if (cJSON_IsString(link) && *link->valuestring) {
		if ((p->error = follow_check(p, link->valuestring)))
			goto out;
		*next = xstrdup(link->valuestring);
	} else if (link && !cJSON_IsNull(link)) {
		p->error = xstrdup("malformed @odata.nextLink");
		goto out;
	}
	ret = 0;
out:
	cJSON_Delete(j);
	return ret;
}

/* odata_pager_run - see http.h */
size_t odata_pager_run(struct http_client *c, struct odata_pager *p, size_t n)
{
	struct http_request **cur = xcalloc(n ? n : 1, sizeof(*cur));
	struct http_request **batch = xcalloc(n ? n : 1, sizeof(*batch));
	size_t *owner = xcalloc(n ? n : 1, sizeof(*owner));
	size_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		p[i].error = NULL;
		p[i].pages = p[i].items = 0;
		p[i].nr_seen = 0;
		if (p[i].seen)
			memset(p[i].seen, 0, p[i].alloc_seen * sizeof(*p[i].seen));
		cur[i] = http_request_clone(p[i].tmpl);
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
		http_run(c, batch, nb);
		for (size_t k = 0; k < nb; k++) {
			size_t i = owner[k];
			char *next = NULL;
			struct http_request *r = cur[i];
			if (page_done(&p[i], r, &next) < 0) {
				failed++;
				http_request_free(r);
				cur[i] = NULL;
				continue;
			}
			if (!next) {
				http_request_free(r);
				cur[i] = NULL;
				continue;
			}
			/* the next page: GET the link verbatim, or re-POST the same body there */
			cur[i] = http_request_clone(p[i].tmpl);
			if (!p[i].repost) {
				free(cur[i]->method);
				cur[i]->method = xstrdup("GET");
				FREE_AND_NULL(cur[i]->body);
				cur[i]->body_len = 0;
			}
			free(cur[i]->url);
			cur[i]->url = next;
			http_request_free(r);
		}
	}
	free(cur);
	free(batch);
	free(owner);
	return failed;
}

/* odata_pager_release - see http.h */
void odata_pager_release(struct odata_pager *p)
{
	FREE_AND_NULL(p->error);
	FREE_AND_NULL(p->seen);
	p->nr_seen = p->alloc_seen = 0;
}
