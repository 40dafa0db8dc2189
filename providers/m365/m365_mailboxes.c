/*
 * m365_mailboxes.c - round 3 of a Microsoft 365 collection: the inbox rules
 * (Graph messageRules, every page) and mailbox settings (automatic replies)
 * of every mailbox user, through Graph $batch in chunks so a large tenant's
 * answers are never all in memory. A user without an Exchange Online mailbox
 * (404 MailboxNotEnabledForRESTAPI) is skipped, any other failure is an
 * error for that one mailbox.
 */
#include "core/progress.h"
#include "m365_collect.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* batch items read, mapped and freed at a time (10,000 mailboxes) */
#define M365_MAILBOX_CHUNK 20000

/* mailbox_not_enabled - a Graph item answer that means "this user has no mailbox" */
static bool mailbox_not_enabled(const struct graph_batch_item *it)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(it->body, "error");
	const char *code = m365_json_str(e, "code");
	return it->status == 404 && code && !strcmp(code, "MailboxNotEnabledForRESTAPI");
}

/* rules_rest - the rule list of a first page, with the pages after it (caller deletes) */
static cJSON *rules_rest(struct m365_session *ms, struct m365_build *b, const cJSON *body,
			 const char *obj, const char *addr)
{
	const char *next = m365_json_str(body, "@odata.nextLink");
	cJSON *all = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(body, "value"), 1);
	struct odata_pager p = { 0 };
	if (!next || !cJSON_IsArray(all))
		return all;
	/* a long rule list: read the remaining pages */
	p.tmpl = m365_graph_request(ms, "");
	free(p.tmpl->url);
	p.tmpl->url = xstrdup(next);
	if (!http_same_origin(ms->graph_url, next)) {
		p.error = xstrdup("refusing an @odata.nextLink to another host");
	} else {
		p.each = m365_keep_item;
		p.ctx = all;
		odata_pager_run(ms->http, &p, 1);
	}
	if (p.error)
		snapshot_add_error(b->s, obj, p.error, "forwards", addr);
	odata_pager_release(&p);
	http_request_free(p.tmpl);
	return all;
}

/* map_item - one batch answer: rules (even items) or settings of addr */
static void map_item(struct m365_session *ms, struct m365_build *b, const struct graph_batch_item *it,
		     bool rules, const char *addr)
{
	char *obj = xstrfmt("%s of %s", rules ? "inbox rules" : "mailbox settings", addr);
	char *merr = NULL;
	if (it->error || it->status < 200 || it->status > 299) {
		if (!mailbox_not_enabled(it)) {
			char *msg = graph_batch_describe(it);
			snapshot_add_error(b->s, obj, msg, rules ? "forwards" : "auto_replies", addr);
			free(msg);
		}
	} else if (rules) {
		cJSON *all = rules_rest(ms, b, it->body, obj, addr);
		if (m365_add_inbox_rules(b, addr, all, &merr) < 0) {
			snapshot_add_error(b->s, obj, merr, "forwards", addr);
			free(merr);
		}
		cJSON_Delete(all);
	} else if (m365_add_auto_reply(b, addr, it->body, b->s->collected_at, &merr) < 0) {
		snapshot_add_error(b->s, obj, merr, "auto_replies", addr);
		free(merr);
	}
	free(obj);
}

/* m365_read_mailboxes - see m365_collect.h */
int m365_read_mailboxes(struct m365_session *ms, struct m365_build *b, const struct recipients_in *in,
			bool mailboxes_known, char **err)
{
	const cJSON *users = in->users, *u;
	size_t n = (size_t)cJSON_GetArraySize(users), nr = 0, i = 0;
	struct graph_batch_item *items = xcalloc(2 * (n ? n : 1), sizeof(*items));
	size_t *owner = xcalloc(2 * (n ? n : 1), sizeof(*owner));
	char *batch_url = xstrfmt("%s/v1.0/$batch", ms->graph_url);
	int ret = 0;

	cJSON_ArrayForEach(u, users) {
		const char *id = m365_json_str(u, "id");
		char *eid;
		if (!in->addr_of[i] || !id || (mailboxes_known && !row_find_user(&in->mbx, u))) {
			i++;
			continue;
		}
		eid = http_url_escape(id);
		items[nr].method = xstrdup("GET");
		items[nr].url = xstrfmt("/users/%s/mailFolders/inbox/messageRules", eid);
		owner[nr++] = i;
		items[nr].method = xstrdup("GET");
		items[nr].url = xstrfmt("/users/%s/mailboxSettings", eid);
		owner[nr++] = i;
		free(eid);
		i++;
	}
	/* in chunks: each chunk's answers are mapped and freed before the next is
	 * read, so a 100,000-mailbox tenant's bodies are never all in memory */
	for (size_t off = 0; off < nr && !ret; off += M365_MAILBOX_CHUNK) {
		size_t end = nr - off < M365_MAILBOX_CHUNK ? nr : off + M365_MAILBOX_CHUNK;
		progress_objects(ms->base.progress, off / 2, (end - off) / 2, nr / 2, "mailboxes");
		graph_batch_run(ms->http, batch_url, &ms->graph.base, items + off, end - off);
		for (size_t k = off; k < end && !ret; k++) {
			if (items[k].auth_failed) {
				*err = xstrdup(items[k].error);
				ret = -1;
			} else {
				map_item(ms, b, &items[k], k % 2 == 0, in->addr_of[owner[k]]);
			}
		}
		for (size_t k = off; k < end; k++) {
			cJSON_Delete(items[k].body);
			items[k].body = NULL;
		}
	}
	if (!ret)
		progress_objects(ms->base.progress, nr / 2, 0, nr / 2, "mailboxes");
	for (size_t k = 0; k < nr; k++)
		graph_batch_item_release(&items[k]);
	free(items);
	free(owner);
	free(batch_url);
	return ret;
}
