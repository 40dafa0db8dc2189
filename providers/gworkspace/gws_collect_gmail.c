/*
 * gws_collect_gmail.c - round 3 of a Google Workspace collection (see
 * gws.h): the Gmail settings of every user that may have a mailbox (sendAs,
 * autoForwarding, forwardingAddresses, filters, vacation), each call with
 * that user's own token, through the Gmail batch endpoint, in chunks of
 * users whose answers are mapped and freed before the next chunk is read.
 *
 * A user whose token Google refuses (restricted or suspended account), or
 * whose calls fail after retries, is that user's error in each area; only
 * a fatal token refusal (the key, the delegation) ends the collection. A
 * user without Gmail (400 failedPrecondition) is has_mailbox false.
 */
#include "core/progress.h"
#include "gws.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* users whose Gmail settings are read, mapped and freed at a time */
#define GWS_GMAIL_CHUNK 4000

enum { G_SENDAS, G_AUTOFWD, G_FWDADDR, G_FILTERS, G_VACATION, NR_G };

static const char *const gmail_path[NR_G] = {
	"sendAs", "autoForwarding", "forwardingAddresses", "filters", "vacation",
};
static const char *const gmail_what[NR_G] = {
	"send-as identities", "auto-forwarding", "forwarding addresses", "filters", "vacation responder",
};
static const char *const gmail_area[NR_G] = {
	"send_as", "forwards", "forwards", "forwards", "auto_replies",
};

/* is_no_mailbox - a Gmail answer that means "this user has no Gmail" */
static bool is_no_mailbox(const struct gws_call *c)
{
	struct gws_error e;
	if (c->status != 400 || !gws_error_parse(c->body, &e))
		return false;
	return (e.reason && !strcmp(e.reason, "failedPrecondition")) ||
	       (e.status && !strcmp(e.status, "FAILED_PRECONDITION")) ||
	       (e.message && strstr(e.message, "Mail service not enabled"));
}

/* mark_pending_forwards - forwards from owner (from index start on) to an
 * address Gmail lists as a pending forwarding address do not run */
static void mark_pending_forwards(struct gws_build *b, size_t start, const cJSON *fa)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(fa, "forwardingAddresses")) {
		const char *addr = gws_json_str(o, "forwardingEmail"), *vs = gws_json_str(o, "verificationStatus");
		if (!addr || !vs || strcmp(vs, "pending"))
			continue;
		for (size_t i = start; i < b->nr_fwd; i++)
			if (b->fwd[i].nr_to == 1 && str_eq_nocase(b->fwd[i].to[0], addr))
				b->fwd[i].enabled = false;
	}
}

/* map_gmail - the answers calls[0..NR_G) of one user (recipient ri) */
static void map_gmail(struct gws_build *b, size_t ri, struct gws_call *calls)
{
	struct snapshot *s = b->s;
	const char *addr = b->rcp[ri].address;
	size_t fwd_start = b->nr_fwd;
	for (int g = 0; g < NR_G; g++)
		if (is_no_mailbox(&calls[g])) {
			b->rcp[ri].has_mailbox = TRI_FALSE;
			return;
		}
	b->rcp[ri].has_mailbox = TRI_TRUE;
	for (int g = 0; g < NR_G; g++) {
		struct gws_call *c = &calls[g];
		char *obj = xstrfmt("%s of %s", gmail_what[g], addr), *msg = NULL;
		int rc = 0;
		if (c->error) {
			msg = xstrdup(c->error);
		} else if (c->status < 200 || c->status > 299) {
			struct gws_error e;
			if (gws_error_parse(c->body, &e))
				msg = xstrfmt("HTTP %ld%s%s%s%s", c->status, e.reason ? " " : "", e.reason ? e.reason : "",
					      e.message ? ": " : "", e.message ? e.message : "");
			else
				msg = xstrfmt("HTTP %ld", c->status);
		} else if (!cJSON_IsObject(c->body) && g != G_SENDAS && g != G_FILTERS && g != G_FWDADDR) {
			msg = xstrdup("the answer is not a JSON object");
		} else {
			switch (g) {
			case G_SENDAS: rc = gws_add_send_as(b, addr, c->body, &msg); break;
			case G_AUTOFWD: rc = gws_add_autoforward(b, addr, c->body, &msg); break;
			case G_FILTERS: rc = gws_add_filters(b, addr, c->body, &msg); break;
			case G_VACATION: rc = gws_add_vacation(b, addr, c->body, &msg); break;
			default: break;
			}
			if (rc < 0 && !msg)
				msg = xstrdup("cannot read the answer");
		}
		if (msg)
			snapshot_add_error(s, obj, msg, gmail_area[g], addr);
		free(msg);
		free(obj);
	}
	if (!calls[G_FWDADDR].error && calls[G_FWDADDR].status == 200)
		mark_pending_forwards(b, fwd_start, calls[G_FWDADDR].body);
}

/* gws_read_gmail - see gws.h */
int gws_read_gmail(struct gws_session *gs, struct gws_build *b, size_t nusers, char **err)
{
	struct gws_call *calls = xcalloc(nusers * NR_G + 1, sizeof(*calls));
	size_t *who = xcalloc(nusers + 1, sizeof(*who)), nr = 0;
	char *url = xstrfmt("%s/batch/gmail/v1", gs->gmail_url);
	int ret = 0;

	for (size_t i = 0; i < nusers; i++) {
		struct gws_token *t;
		if (b->rcp[i].kind != RK_USER || b->rcp[i].has_mailbox == TRI_FALSE)
			continue;
		t = gws_auth_token(gs->auth, b->rcp[i].address, gs->gmail_scopes);
		for (int g = 0; g < NR_G; g++) {
			struct gws_call *c = &calls[nr * NR_G + g];
			c->method = xstrdup("GET");
			/* userId "me": the token's own user (another userId is "Delegation denied") */
			c->path = xstrfmt("/gmail/v1/users/me/settings/%s", gmail_path[g]);
			c->token = t;
		}
		who[nr++] = i;
	}
	/* in chunks of users: each chunk's answers are mapped and freed before
	 * the next is read (a 100,000-user customer's bodies never all in memory) */
	for (size_t first = 0; first < nr; first += GWS_GMAIL_CHUNK) {
		size_t last = nr - first < GWS_GMAIL_CHUNK ? nr : first + GWS_GMAIL_CHUNK;
		progress_objects(gs->base.progress, first, last - first, nr, "mailboxes");
		gws_batch_run(gs->http, url, gs->auth, calls + first * NR_G, (last - first) * NR_G,
			      gs->batch_size);
		for (size_t k = first * NR_G; k < last * NR_G; k++)
			if (calls[k].auth_failed && calls[k].error) {
				*err = xstrdup(calls[k].token->failure ? calls[k].token->failure : calls[k].error);
				ret = -1;
				goto out;
			}
		for (size_t k = first; k < last; k++) {
			map_gmail(b, who[k], &calls[k * NR_G]);
			for (int g = 0; g < NR_G; g++) {
				cJSON_Delete(calls[k * NR_G + g].body);
				calls[k * NR_G + g].body = NULL;
			}
		}
	}
	progress_objects(gs->base.progress, nr, 0, nr, "mailboxes");
out:
	for (size_t k = 0; k < nr * NR_G; k++)
		gws_call_release(&calls[k]);
	free(calls);
	free(who);
	free(url);
	return ret;
}
