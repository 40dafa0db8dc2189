/*
 * odata_pager.c - OData collection paging on top of http_run: several
 * collections are read at once, one page of each per round, following
 * @odata.nextLink (GET, or re-POSTing the same body for the Exchange admin
 * API) and refusing links that leave the original origin.
 */
#include "odata.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>


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
		if (!http_same_origin(p->tmpl->url, link->valuestring)) {
			p->error = xstrdup("refusing an @odata.nextLink to another host");
			goto out;
		}
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
}
