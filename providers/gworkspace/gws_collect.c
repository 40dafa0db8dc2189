/*
 * gws_collect.c - read one Google Workspace customer into a snapshot.
 *
 * Three rounds, each as parallel as the HTTP client allows:
 *  1. Directory (admin subject): users (maxResults 500), groups (200),
 *     domains with their aliases, organisational units; and the Cloud
 *     Identity Policy API (super admin subject): settings/gmail.auto_forwarding
 *     (pageSize 100, about 1 s between pages). All paged by nextPageToken,
 *     with fields= to trim the answers.
 *  2. Directory: the members of each group (200 per page).
 *  3. Gmail settings of every mailbox, each call with that user's own token,
 *     through the Gmail batch endpoint: sendAs, autoForwarding,
 *     forwardingAddresses, filters, vacation.
 * Anything that still fails after retries becomes a snapshot error naming its
 * area (and the one user, when it is limited to one); a credential failure
 * ends the collection (-1: exit 2). A user without Gmail (isMailboxSetup
 * false, or 400 failedPrecondition) is recorded as has_mailbox false.
 */
#include "gws.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* users whose Gmail settings are read, mapped and freed at a time */
#define GWS_GMAIL_CHUNK 4000

enum { P_USERS, P_GROUPS, P_DOMAINS, P_OUS, P_POLICY, NR_P };
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

/* ou_ctx - organisational unit ids to paths */
struct ou_ctx {
	const cJSON *ous;
	bool known;
};

/* strip_id - "id:03ph8a2z" and "orgUnits/03ph8a2z" to "03ph8a2z" */
static const char *strip_id(const char *s)
{
	if (starts_with(s, "id:"))
		return s + 3;
	if (starts_with(s, "orgUnits/"))
		return s + 9;
	return s;
}

/* ou_path - the path of policy OU "orgUnits/ID" (caller frees), or NULL */
static char *ou_path(void *ctx, const char *ou)
{
	struct ou_ctx *oc = ctx;
	const cJSON *o;
	const char *want = strip_id(ou);
	cJSON_ArrayForEach(o, oc->ous) {
		const char *id = gws_json_str(o, "orgUnitId"), *pid = gws_json_str(o, "parentOrgUnitId");
		if (id && !strcmp(strip_id(id), want) && gws_json_str(o, "orgUnitPath"))
			return xstrdup(gws_json_str(o, "orgUnitPath"));
		/* the root OU is not listed itself: it is the parent of the top ones */
		if (pid && !strcmp(strip_id(pid), want))
			return xstrdup(gws_json_str(o, "parentOrgUnitPath") ? gws_json_str(o, "parentOrgUnitPath") : "/");
	}
	return NULL;
}

/* fail_area - record that what could not be read, for area */
static void fail_area(struct snapshot *s, const char *what, const char *msg, const char *area, const char *addr)
{
	snapshot_add_error(s, what, msg, area, addr);
}

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
			fail_area(s, obj, msg, gmail_area[g], addr);
		free(msg);
		free(obj);
	}
	if (!calls[G_FWDADDR].error && calls[G_FWDADDR].status == 200)
		mark_pending_forwards(b, fwd_start, calls[G_FWDADDR].body);
}

/* read_gmail - round 3: the Gmail settings of every user that may have a mailbox */
static int read_gmail(struct gws_session *gs, struct gws_build *b, size_t nusers, char **err)
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
out:
	for (size_t k = 0; k < nr * NR_G; k++)
		gws_call_release(&calls[k]);
	free(calls);
	free(who);
	free(url);
	return ret;
}

/* read_members - round 2: members[i] for group i of groups (NULL when unread) */
static int read_members(struct gws_session *gs, struct snapshot *s, struct http_auth *auth,
			const cJSON *groups, cJSON **members, char **err)
{
	size_t n = (size_t)cJSON_GetArraySize(groups), i = 0;
	struct gws_pager *p = xcalloc(n ? n : 1, sizeof(*p));
	const cJSON *g;
	int ret = 0;
	cJSON_ArrayForEach(g, groups) {
		const char *key = gws_json_str(g, "id") ? gws_json_str(g, "id") : gws_json_str(g, "email");
		char *ek = http_url_escape(key ? key : "");
		p[i].url = xstrfmt("%s/admin/directory/v1/groups/%s/members?maxResults=%d"
				   "&fields=nextPageToken,members(email,type,role,status)",
				   gs->admin_url, ek, GWS_GROUPS_PAGE);
		p[i].key = "members";
		p[i].auth = auth;
		free(ek);
		i++;
	}
	gws_pager_run(gs->http, p, n);
	for (i = 0; i < n; i++) {
		if (p[i].auth_failed && !ret) {
			*err = xstrdup(p[i].error);
			ret = -1;
		}
		if (p[i].error) {
			const char *addr = gws_json_str(cJSON_GetArrayItem(groups, (int)i), "email");
			char *obj = xstrfmt("members of group %s", addr ? addr : "?");
			fail_area(s, obj, p[i].error, "recipients", addr);
			free(obj);
		} else {
			members[i] = p[i].items;
			p[i].items = NULL;
		}
		gws_pager_release(&p[i]);
	}
	free(p);
	return ret;
}

/* gws_collect - see gws.h */
int gws_collect(struct provider_session *ps, struct snapshot **out, char **err)
{
	struct gws_session *gs = (struct gws_session *)ps;
	struct snapshot *s = snapshot_new(ps->tenant->name, "gworkspace");
	struct gws_build b = { .s = s };
	struct gws_pager p[NR_P];
	struct gws_token *admin = gws_auth_token(gs->auth, gs->admin_subject, GWS_SCOPES_DIRECTORY);
	struct gws_token *super = gws_auth_token(gs->auth, gs->super_admin_subject, GWS_SCOPES_POLICY);
	cJSON **members = NULL;
	size_t ngroups = 0, nusers = 0;
	char now[21], *cust = http_url_escape(gs->customer), *filter;
	const cJSON *o;
	int ret = -1;

	memset(p, 0, sizeof(p));
	iso8601_now(now);
	s->collected_at = arena_strdup(&s->arena, now);

	/* round 1 */
	p[P_USERS].url = xstrfmt("%s/admin/directory/v1/users?customer=%s&maxResults=%d&projection=basic"
				 "&fields=nextPageToken,users(id,primaryEmail,aliases,nonEditableAliases,suspended,"
				 "archived,orgUnitPath,isMailboxSetup)", gs->admin_url, cust, GWS_USERS_PAGE);
	p[P_USERS].key = "users";
	p[P_GROUPS].url = xstrfmt("%s/admin/directory/v1/groups?customer=%s&maxResults=%d"
				  "&fields=nextPageToken,groups(id,email,aliases,nonEditableAliases)",
				  gs->admin_url, cust, GWS_GROUPS_PAGE);
	p[P_GROUPS].key = "groups";
	p[P_DOMAINS].url = xstrfmt("%s/admin/directory/v1/customer/%s/domains", gs->admin_url, cust);
	p[P_DOMAINS].key = "domains";
	p[P_OUS].url = xstrfmt("%s/admin/directory/v1/customer/%s/orgunits?type=all", gs->admin_url, cust);
	p[P_OUS].key = "organizationUnits";
	filter = http_url_escape("setting.type.matches('settings/gmail.auto_forwarding')");
	p[P_POLICY].url = xstrfmt("%s/v1/policies?pageSize=%d&filter=%s", gs->ci_url, GWS_POLICY_PAGE, filter);
	p[P_POLICY].key = "policies";
	p[P_POLICY].delay_ms = gs->policy_delay_ms;
	free(filter);
	for (int i = 0; i < NR_P; i++)
		p[i].auth = i == P_POLICY ? &super->base : &admin->base;
	gws_pager_run(gs->http, p, NR_P);
	for (int i = 0; i < NR_P; i++)
		if (p[i].auth_failed) {
			*err = xstrdup(p[i].error);
			goto out;
		}
	/* a subject without admin rights reads nothing: a configuration error */
	if (p[P_USERS].status == 403 && p[P_GROUPS].status == 403) {
		*err = xstrfmt("admin_subject %s may not read the Directory (%s): name an administrator with "
			       "the Users and Groups read privileges", gs->admin_subject, p[P_USERS].error);
		goto out;
	}

	/* domains */
	if (p[P_DOMAINS].error) {
		fail_area(s, "domains (Directory domains.list)", p[P_DOMAINS].error, "domains", NULL);
	} else {
		cJSON_ArrayForEach(o, p[P_DOMAINS].items) {
			char *e = NULL;
			if (gws_add_domain(&b, o, &e) < 0) {
				fail_area(s, "a domain", e, "domains", NULL);
				free(e);
			}
		}
	}

	/* round 2: group members */
	if (!p[P_GROUPS].error) {
		ngroups = (size_t)cJSON_GetArraySize(p[P_GROUPS].items);
		members = xcalloc(ngroups ? ngroups : 1, sizeof(*members));
		if (read_members(gs, s, &admin->base, p[P_GROUPS].items, members, err) < 0)
			goto out;
	}

	/* recipients: users first (their indexes are used by round 3), then groups */
	if (p[P_USERS].error) {
		fail_area(s, "users (Directory users.list)", p[P_USERS].error, "recipients", NULL);
		fail_area(s, "Gmail settings", "the user list could not be read", "forwards", NULL);
		fail_area(s, "Gmail settings", "the user list could not be read", "send_as", NULL);
		fail_area(s, "Gmail settings", "the user list could not be read", "auto_replies", NULL);
	} else {
		cJSON_ArrayForEach(o, p[P_USERS].items) {
			char *e = NULL;
			if (gws_add_user(&b, o, &e) < 0) {
				fail_area(s, "a user", e, "recipients", NULL);
				free(e);
			}
		}
	}
	nusers = b.nr_rcp;
	if (p[P_GROUPS].error) {
		fail_area(s, "groups (Directory groups.list)", p[P_GROUPS].error, "recipients", NULL);
	} else {
		size_t i = 0;
		cJSON_ArrayForEach(o, p[P_GROUPS].items) {
			char *e = NULL;
			if (gws_add_group(&b, o, members[i], &e) < 0) {
				fail_area(s, "a group", e, "recipients", NULL);
				free(e);
			}
			i++;
		}
	}

	/* policy: the OU auto-forwarding setting */
	if (p[P_POLICY].error) {
		fail_area(s, "OU auto-forwarding policy (Cloud Identity Policy API)", p[P_POLICY].error,
			  "policy.auto_forwarding_ou", NULL);
	} else {
		struct ou_ctx oc = { p[P_OUS].items, !p[P_OUS].error };
		bool ok = true;
		cJSON_ArrayForEach(o, p[P_POLICY].items) {
			char *e = NULL;
			if (gws_add_policy(&b, o, ou_path, &oc, &e) < 0) {
				if (p[P_OUS].error) {
					free(e);
					e = xstrfmt("organisational units could not be read: %s", p[P_OUS].error);
				}
				fail_area(s, "OU auto-forwarding policy", e, "policy.auto_forwarding_ou", NULL);
				free(e);
				ok = false;
			}
		}
		s->policy.has_auto_forwarding_ou = ok;
	}

	/* catch-all / default routing: declared in the config (no API exposes it) */
	for (size_t i = 0; i < gs->nr_catch_all; i++) {
		char *e = NULL;
		if (gws_parse_catch_all(&b, gs->catch_all[i], &e) < 0) {
			fail_area(s, "catch-all (config)", e, "policy.catch_all", NULL);
			free(e);
		}
	}
	s->policy.has_catch_all = gs->nr_catch_all > 0;

	/* round 3: Gmail settings */
	s->has_forwards = s->has_send_as = s->has_auto_replies = true;
	if (!p[P_USERS].error && read_gmail(gs, &b, nusers, err) < 0)
		goto out;

	gws_build_finish(&b);
	*out = s;
	s = NULL;
	ret = (*out)->complete ? 0 : 1;
out:
	gws_build_release(&b);
	snapshot_free(s);
	for (int i = 0; i < NR_P; i++)
		gws_pager_release(&p[i]);
	for (size_t i = 0; members && i < ngroups; i++)
		cJSON_Delete(members[i]);
	free(members);
	free(cust);
	return ret;
}
