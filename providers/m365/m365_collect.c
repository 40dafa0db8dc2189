/*
 * m365_collect.c - read one Microsoft 365 tenant into a snapshot.
 *
 * Three rounds, each as parallel as the HTTP client allows:
 *  1. Graph /users ($select, $top=999) and /domains, and the Exchange admin
 *     API cmdlets (Get-AcceptedDomain, Get-Mailbox, Get-DistributionGroup,
 *     Get-MailContact, Get-HostedOutboundSpamFilterPolicy/Rule,
 *     Get-RemoteDomain, Get-TransportRule, Get-OrganizationConfig), paged;
 *  2. Get-DistributionGroupMember for each group;
 *  3. Graph $batch: inbox messageRules and mailboxSettings of every mailbox.
 * Anything that still fails after the HTTP layer's retries becomes a snapshot
 * error naming its area (and the one mailbox, when it is limited to one);
 * a credential failure ends the collection (-1: exit 2).
 */
#include "m365.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* batch items read, mapped and freed at a time (10,000 mailboxes) */
#define M365_MAILBOX_CHUNK 20000

enum { P_USERS, P_DOMAINS, P_ACCEPTED, P_MAILBOX, P_GROUPS, P_CONTACTS, P_POLICIES,
       P_POLRULES, P_REMOTE, P_TRANSPORT, P_ORG, NR_P };

static const char *const cmdlet_of[NR_P] = {
	[P_ACCEPTED] = "Get-AcceptedDomain", [P_MAILBOX] = "Get-Mailbox",
	[P_GROUPS] = "Get-DistributionGroup", [P_CONTACTS] = "Get-MailContact",
	[P_POLICIES] = "Get-HostedOutboundSpamFilterPolicy",
	[P_POLRULES] = "Get-HostedOutboundSpamFilterRule", [P_REMOTE] = "Get-RemoteDomain",
	[P_TRANSPORT] = "Get-TransportRule", [P_ORG] = "Get-OrganizationConfig",
};
/* cmdlets that take -ResultSize Unlimited */
static const bool unlimited[NR_P] = {
	[P_ACCEPTED] = true, [P_MAILBOX] = true, [P_GROUPS] = true, [P_CONTACTS] = true,
	[P_TRANSPORT] = true,
};

/* keep_item - pager callback: keep a copy of each object item in the array ctx */
static int keep_item(void *ctx, cJSON *item, char **err)
{
	if (!cJSON_IsObject(item)) {
		*err = xstrdup("a 'value' item is not an object");
		return -1;
	}
	cJSON_AddItemToArray((cJSON *)ctx, cJSON_Duplicate(item, 1));
	return 0;
}

/* mailbox_fields - the Get-Mailbox properties the mapping reads (a real row
 * has some 250; keeping only these bounds memory at 100,000 mailboxes) */
static const char *const mailbox_fields[] = {
	"Identity", "Name", "Alias", "DisplayName", "Guid", "ExchangeGuid", "PrimarySmtpAddress",
	"UserPrincipalName", "ExternalDirectoryObjectId", "EmailAddresses", "RecipientTypeDetails",
	"ForwardingAddress", "ForwardingSmtpAddress", "DeliverToMailboxAndForward", NULL,
};

/* keep_mailbox - pager callback: keep the mapped properties of a Get-Mailbox row */
static int keep_mailbox(void *ctx, cJSON *item, char **err)
{
	cJSON *o;
	if (!cJSON_IsObject(item)) {
		*err = xstrdup("a 'value' item is not an object");
		return -1;
	}
	o = cJSON_CreateObject();
	for (int i = 0; mailbox_fields[i]; i++) {
		cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(item, mailbox_fields[i]);
		if (v)
			cJSON_AddItemToObject(o, mailbox_fields[i], v);
	}
	cJSON_AddItemToArray((cJSON *)ctx, o);
	return 0;
}

/* exo_request - an InvokeCommand request for cmdlet with params (taken; may be NULL) */
static struct http_request *exo_request(struct m365_session *ms, const char *cmdlet, cJSON *params)
{
	cJSON *body = cJSON_CreateObject(), *ci = cJSON_AddObjectToObject(body, "CmdletInput");
	char *url = xstrfmt("%s/adminapi/beta/%s/InvokeCommand", ms->exchange_url, ms->tenant_id);
	char *anchor = xstrfmt("%s%s", M365_ANCHOR, ms->tenant_id);
	struct http_request *r = http_request_new("POST", url);
	char *text;
	cJSON_AddStringToObject(ci, "CmdletName", cmdlet);
	cJSON_AddItemToObject(ci, "Parameters", params ? params : cJSON_CreateObject());
	text = cJSON_PrintUnformatted(body);
	http_request_add_header(r, "Content-Type", "application/json");
	http_request_add_header(r, "Accept", "application/json");
	http_request_add_header(r, "Prefer", "odata.maxpagesize=1000");
	http_request_add_header(r, "X-AnchorMailbox", anchor);
	http_request_add_header(r, "X-CmdletName", cmdlet);
	http_request_add_header(r, "X-ResponseFormat", "json");
	http_request_add_header(r, "X-ClientApplication", "aliasaudit");
	http_request_set_body(r, text, strlen(text));
	r->auth = &ms->exchange.base;
	free(text);
	free(url);
	free(anchor);
	cJSON_Delete(body);
	return r;
}

/* graph_request - a GET of path (with query) under graph_url */
static struct http_request *graph_request(struct m365_session *ms, const char *path)
{
	char *url = xstrfmt("%s%s", ms->graph_url, path);
	struct http_request *r = http_request_new("GET", url);
	http_request_add_header(r, "Accept", "application/json");
	r->auth = &ms->graph.base;
	free(url);
	return r;
}

struct resolve_ctx {
	cJSON *mailboxes, *contacts, *groups;
};

/* ident_match - o answers to identity (Name, Alias, DisplayName, Identity, Guid, address) */
static bool ident_match(const cJSON *o, const char *id)
{
	static const char *const keys[] = { "Identity", "Name", "Alias", "DisplayName", "Guid",
					     "PrimarySmtpAddress", "ExternalDirectoryObjectId", NULL };
	for (int i = 0; keys[i]; i++) {
		const char *v = m365_json_str(o, keys[i]);
		if (v && str_eq_nocase(v, id))
			return true;
	}
	return false;
}

/* resolve_identity - a ForwardingAddress identity to an SMTP address (caller frees) */
static char *resolve_identity(void *ctx, const char *id)
{
	struct resolve_ctx *rc = ctx;
	const cJSON *o;
	cJSON_ArrayForEach(o, rc->mailboxes)
		if (ident_match(o, id) && m365_json_str(o, "PrimarySmtpAddress"))
			return xstrdup(m365_json_str(o, "PrimarySmtpAddress"));
	cJSON_ArrayForEach(o, rc->contacts)
		if (ident_match(o, id))
			return m365_smtp_value(m365_json_str(o, "ExternalEmailAddress"));
	cJSON_ArrayForEach(o, rc->groups)
		if (ident_match(o, id) && m365_json_str(o, "PrimarySmtpAddress"))
			return xstrdup(m365_json_str(o, "PrimarySmtpAddress"));
	return NULL;
}

/* mbx_key - one lookup key (lowercased id or UPN) of a Get-Mailbox row */
struct mbx_key {
	char *key;
	const cJSON *row;
};

/* mbx_index - the Get-Mailbox rows sorted by ExternalDirectoryObjectId and
 * UserPrincipalName (a linear scan per user was quadratic at 100,000) */
struct mbx_index {
	struct mbx_key *k;
	size_t n;
};

/* mbx_cmp - qsort/bsearch order of mbx_key */
static int mbx_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mbx_key *)a)->key, ((const struct mbx_key *)b)->key);
}

/* mbx_index_build - index the rows of mailboxes (an array, borrowed) */
static void mbx_index_build(struct mbx_index *ix, const cJSON *mailboxes)
{
	size_t n = (size_t)cJSON_GetArraySize(mailboxes);
	const cJSON *m;
	ix->k = xcalloc(2 * n + 1, sizeof(*ix->k));
	ix->n = 0;
	cJSON_ArrayForEach(m, mailboxes) {
		const char *x = m365_json_str(m, "ExternalDirectoryObjectId");
		const char *u = m365_json_str(m, "UserPrincipalName");
		/* ids and UPNs cannot collide: a UPN has an @, a prefix keeps them apart anyway */
		if (x)
			ix->k[ix->n++] = (struct mbx_key){ lowercase_ascii(xstrfmt("i:%s", x)), m };
		if (u)
			ix->k[ix->n++] = (struct mbx_key){ lowercase_ascii(xstrfmt("u:%s", u)), m };
	}
	qsort(ix->k, ix->n, sizeof(*ix->k), mbx_cmp);
}

/* mbx_index_release - free the index */
static void mbx_index_release(struct mbx_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->k[i].key);
	free(ix->k);
	memset(ix, 0, sizeof(*ix));
}

/* mbx_find - the row for key "i:<id>" or "u:<upn>", or NULL */
static const cJSON *mbx_find(const struct mbx_index *ix, const char *prefix, const char *v)
{
	struct mbx_key want, *hit;
	if (!v || !ix->n)
		return NULL;
	want.key = lowercase_ascii(xstrfmt("%s%s", prefix, v));
	hit = bsearch(&want, ix->k, ix->n, sizeof(*ix->k), mbx_cmp);
	free(want.key);
	return hit ? hit->row : NULL;
}

/* mailbox_of - the Get-Mailbox row of a Graph user (by object id, else UPN) */
static const cJSON *mailbox_of(const struct mbx_index *ix, const cJSON *user)
{
	const cJSON *m = mbx_find(ix, "i:", m365_json_str(user, "id"));
	return m ? m : mbx_find(ix, "u:", m365_json_str(user, "userPrincipalName"));
}

/* add_err - record a failure (message owned by the caller) */
static void add_err(struct snapshot *s, const char *object, const char *msg, const char *area,
		    const char *address)
{
	snapshot_add_error(s, object, msg, area, address);
}

/* mailbox_not_enabled - a Graph item answer that means "this user has no mailbox" */
static bool mailbox_not_enabled(const struct graph_batch_item *it)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(it->body, "error");
	const char *code = m365_json_str(e, "code");
	return it->status == 404 && code && !strcmp(code, "MailboxNotEnabledForRESTAPI");
}

/* read_mailboxes - round 3: rules and settings of every mailbox user */
static int read_mailboxes(struct m365_session *ms, struct m365_build *b, cJSON *users,
			  const struct mbx_index *mailboxes, bool mailboxes_known, const char **addr_of,
			  char **err)
{
	size_t n = (size_t)cJSON_GetArraySize(users), nr = 0;
	struct graph_batch_item *items = xcalloc(2 * (n ? n : 1), sizeof(*items));
	size_t *owner = xcalloc(2 * (n ? n : 1), sizeof(*owner));
	char *batch_url = xstrfmt("%s/v1.0/$batch", ms->graph_url);
	int ret = 0;
	size_t i = 0;
	const cJSON *u;

	cJSON_ArrayForEach(u, users) {
		const char *id = m365_json_str(u, "id");
		char *eid;
		if (!addr_of[i] || !id || (mailboxes_known && !mailbox_of(mailboxes, u))) {
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
		graph_batch_run(ms->http, batch_url, &ms->graph.base, items + off, end - off);
		for (size_t k = off; k < end; k++) {
			struct graph_batch_item *it = &items[k];
			const char *addr = addr_of[owner[k]];
			bool rules = k % 2 == 0;
			char *obj = xstrfmt("%s of %s", rules ? "inbox rules" : "mailbox settings", addr);
			char *merr = NULL;
			if (it->auth_failed) {
				*err = xstrdup(it->error);
				ret = -1;
				free(obj);
				break;
			}
			if (it->error || it->status < 200 || it->status > 299) {
				if (!mailbox_not_enabled(it)) {
					char *msg = graph_batch_describe(it);
					add_err(b->s, obj, msg, rules ? "forwards" : "auto_replies", addr);
					free(msg);
				}
			} else if (rules) {
				cJSON *value = cJSON_GetObjectItemCaseSensitive(it->body, "value");
				const char *next = m365_json_str(it->body, "@odata.nextLink");
				cJSON *all = cJSON_Duplicate(value, 1);
				if (next && cJSON_IsArray(all)) {
					/* a long rule list: read the remaining pages */
					struct odata_pager p = { 0 };
					p.tmpl = graph_request(ms, "");
					free(p.tmpl->url);
					p.tmpl->url = xstrdup(next);
					if (!http_same_origin(ms->graph_url, next)) {
						p.error = xstrdup("refusing an @odata.nextLink to another host");
					} else {
						p.each = keep_item;
						p.ctx = all;
						odata_pager_run(ms->http, &p, 1);
					}
					if (p.error)
						add_err(b->s, obj, p.error, "forwards", addr);
					odata_pager_release(&p);
					http_request_free(p.tmpl);
				}
				if (m365_add_inbox_rules(b, addr, all, &merr) < 0) {
					add_err(b->s, obj, merr, "forwards", addr);
					free(merr);
				}
				cJSON_Delete(all);
			} else if (m365_add_auto_reply(b, addr, it->body, &merr) < 0) {
				add_err(b->s, obj, merr, "auto_replies", addr);
				free(merr);
			}
			free(obj);
		}
		for (size_t k = off; k < end; k++) {
			cJSON_Delete(items[k].body);
			items[k].body = NULL;
		}
	}
	for (size_t k = 0; k < nr; k++)
		graph_batch_item_release(&items[k]);
	free(items);
	free(owner);
	free(batch_url);
	return ret;
}

/* read_members - round 2: the members of each group (members[i] for group i, NULL if unread) */
static int read_members(struct m365_session *ms, struct snapshot *s, cJSON *groups, cJSON **members,
			char **err)
{
	size_t n = (size_t)cJSON_GetArraySize(groups), i = 0;
	struct odata_pager *p = xcalloc(n ? n : 1, sizeof(*p));
	const cJSON *g;
	int ret = 0;
	cJSON_ArrayForEach(g, groups) {
		cJSON *params = cJSON_CreateObject();
		const char *id = m365_json_str(g, "Guid") ? m365_json_str(g, "Guid")
							  : m365_json_str(g, "PrimarySmtpAddress");
		cJSON_AddStringToObject(params, "Identity", id ? id : "");
		cJSON_AddStringToObject(params, "ResultSize", "Unlimited");
		members[i] = cJSON_CreateArray();
		p[i].tmpl = exo_request(ms, "Get-DistributionGroupMember", params);
		p[i].repost = true;
		p[i].each = keep_item;
		p[i].ctx = members[i];
		i++;
	}
	odata_pager_run(ms->http, p, n);
	for (i = 0; i < n; i++) {
		if (p[i].auth_failed && !ret) {
			*err = xstrdup(p[i].error);
			ret = -1;
		}
		if (p[i].error) {
			const char *addr = m365_json_str(cJSON_GetArrayItem(groups, (int)i), "PrimarySmtpAddress");
			char *obj = xstrfmt("members of group %s", addr ? addr : "?");
			add_err(s, obj, p[i].error, "recipients", addr);
			free(obj);
			cJSON_Delete(members[i]);
			members[i] = NULL;
		}
		odata_pager_release(&p[i]);
		http_request_free(p[i].tmpl);
	}
	free(p);
	return ret;
}

/* failed - record a round-1 failure of pager i */
static void failed(struct snapshot *s, int i, const struct odata_pager *p)
{
	static const char *const what[NR_P] = {
		[P_USERS] = "users (Graph /users)", [P_DOMAINS] = "domains (Graph /domains)",
		[P_ACCEPTED] = "accepted domains (Get-AcceptedDomain)", [P_MAILBOX] = "mailboxes (Get-Mailbox)",
		[P_GROUPS] = "groups (Get-DistributionGroup)", [P_CONTACTS] = "mail contacts (Get-MailContact)",
		[P_POLICIES] = "outbound spam policies (Get-HostedOutboundSpamFilterPolicy)",
		[P_POLRULES] = "outbound spam rules (Get-HostedOutboundSpamFilterRule)",
		[P_REMOTE] = "remote domains (Get-RemoteDomain)", [P_TRANSPORT] = "transport rules (Get-TransportRule)",
		[P_ORG] = "organization config (Get-OrganizationConfig)",
	};
	switch (i) {
	case P_USERS: case P_GROUPS: case P_CONTACTS:
		add_err(s, what[i], p->error, "recipients", NULL);
		break;
	case P_MAILBOX:
		add_err(s, what[i], p->error, "recipients", NULL);
		add_err(s, what[i], p->error, "forwards", NULL);
		break;
	case P_POLICIES: case P_POLRULES:
		add_err(s, what[i], p->error, "policy.outbound_forwarding", NULL);
		break;
	case P_REMOTE:
		add_err(s, what[i], p->error, "policy.remote_domains", NULL);
		break;
	case P_TRANSPORT:
		add_err(s, what[i], p->error, "forwards", NULL);
		add_err(s, what[i], p->error, "policy.catch_all", NULL);
		break;
	case P_ORG:
		add_err(s, what[i], p->error, "policy.send_from_alias", NULL);
		add_err(s, what[i], p->error, "policy.plus_addressing", NULL);
		break;
	default:
		add_err(s, what[i], p->error, "domains", NULL);
	}
}

/* map_each - run fn on every item of arr, recording failures under area */
#define MAP_EACH(arr, call, area, object) do { \
		const cJSON *it_; \
		cJSON_ArrayForEach(it_, (arr)) { \
			char *e_ = NULL; \
			const cJSON *o = it_; \
			if ((call) < 0) { \
				add_err(s, (object), e_, (area), NULL); \
				free(e_); \
			} \
		} \
	} while (0)

/* m365_collect - see m365.h */
int m365_collect(struct provider_session *ps, struct snapshot **out, char **err)
{
	struct m365_session *ms = (struct m365_session *)ps;
	struct snapshot *s = snapshot_new(ps->tenant->name, "m365");
	struct m365_build b = { .s = s };
	struct odata_pager p[NR_P];
	cJSON *data[NR_P];
	cJSON **members = NULL;
	const char **addr_of = NULL;
	struct mbx_index mix = { 0 };
	const char *default_domain = NULL;
	size_t nfail = 0, ngroups = 0;
	char now[21];
	int ret = -1;

	memset(p, 0, sizeof(p));
	iso8601_now(now);
	s->collected_at = arena_strdup(&s->arena, now);

	/* round 1 */
	for (int i = 0; i < NR_P; i++) {
		data[i] = cJSON_CreateArray();
		p[i].each = keep_item;
		p[i].ctx = data[i];
		if (cmdlet_of[i]) {
			cJSON *params = NULL;
			if (unlimited[i]) {
				params = cJSON_CreateObject();
				cJSON_AddStringToObject(params, "ResultSize", "Unlimited");
			}
			p[i].tmpl = exo_request(ms, cmdlet_of[i], params);
			p[i].repost = true;
		}
	}
	p[P_MAILBOX].each = keep_mailbox;
	p[P_USERS].tmpl = graph_request(ms, "/v1.0/users?$select=id,userPrincipalName,mail,displayName,"
				       "proxyAddresses,accountEnabled,userType&$top=999");
	p[P_DOMAINS].tmpl = graph_request(ms, "/v1.0/domains");
	nfail = odata_pager_run(ms->http, p, NR_P);
	for (int i = 0; i < NR_P; i++)
		if (p[i].auth_failed) {
			*err = xstrdup(p[i].error);
			goto out;
		}
	if (nfail == NR_P) {
		*err = xstrfmt("nothing could be read: %s", p[P_USERS].error);
		goto out;
	}

	/* domains: Exchange's accepted domains, else Graph's email domains */
	if (!p[P_ACCEPTED].error) {
		MAP_EACH(data[P_ACCEPTED], m365_add_accepted_domain(&b, o, &e_), "domains", "accepted domains");
	} else if (!p[P_DOMAINS].error) {
		MAP_EACH(data[P_DOMAINS], m365_add_graph_domain(&b, o, &e_), "domains", "domains");
	} else {
		failed(s, P_ACCEPTED, &p[P_ACCEPTED]);
	}
	for (size_t i = 0; i < b.nr_dom; i++)
		if (b.dom[i].primary)
			default_domain = b.dom[i].name;

	/* round 2: group members */
	if (!p[P_GROUPS].error) {
		ngroups = (size_t)cJSON_GetArraySize(data[P_GROUPS]);
		members = xcalloc(ngroups ? ngroups : 1, sizeof(*members));
		if (read_members(ms, s, data[P_GROUPS], members, err) < 0)
			goto out;
	}

	/* recipients: users (with their mailboxes), groups, contacts */
	if (p[P_USERS].error) {
		failed(s, P_USERS, &p[P_USERS]);
	} else {
		size_t n = (size_t)cJSON_GetArraySize(data[P_USERS]), i = 0;
		const cJSON *u;
		bool known = !p[P_MAILBOX].error;
		addr_of = xcalloc(n ? n : 1, sizeof(*addr_of));
		mbx_index_build(&mix, data[P_MAILBOX]);
		cJSON_ArrayForEach(u, data[P_USERS]) {
			char *e = NULL;
			if (m365_add_user(&b, u, known ? mailbox_of(&mix, u) : NULL, known, &e) < 0) {
				add_err(s, "a user", e, "recipients", NULL);
				free(e);
			} else {
				addr_of[i] = b.rcp[b.nr_rcp - 1].address;
			}
			i++;
		}
	}
	if (p[P_MAILBOX].error)
		failed(s, P_MAILBOX, &p[P_MAILBOX]);
	if (p[P_GROUPS].error) {
		failed(s, P_GROUPS, &p[P_GROUPS]);
	} else {
		size_t i = 0;
		const cJSON *g;
		cJSON_ArrayForEach(g, data[P_GROUPS]) {
			char *e = NULL;
			if (m365_add_group(&b, g, members[i], &e) < 0) {
				add_err(s, "a group", e, "recipients", NULL);
				free(e);
			}
			i++;
		}
	}
	if (p[P_CONTACTS].error)
		failed(s, P_CONTACTS, &p[P_CONTACTS]);
	else
		MAP_EACH(data[P_CONTACTS], m365_add_contact(&b, o, &e_), "recipients", "a mail contact");

	/* forwards: mailbox forwarding, then transport rules; inbox rules in round 3 */
	s->has_forwards = true;
	if (!p[P_MAILBOX].error) {
		struct resolve_ctx rc = { data[P_MAILBOX], data[P_CONTACTS], data[P_GROUPS] };
		const cJSON *m;
		cJSON_ArrayForEach(m, data[P_MAILBOX]) {
			char *e = NULL;
			if (m365_add_mailbox_forward(&b, m, resolve_identity, &rc, &e) < 0) {
				const char *a = m365_json_str(m, "PrimarySmtpAddress");
				char *obj = xstrfmt("forwarding of mailbox %s", a ? a : "?");
				add_err(s, obj, e, "forwards", a);
				free(obj);
				free(e);
			}
		}
	}
	if (p[P_TRANSPORT].error) {
		failed(s, P_TRANSPORT, &p[P_TRANSPORT]);
	} else {
		s->policy.has_catch_all = true;
		MAP_EACH(data[P_TRANSPORT], m365_add_transport_rule(&b, o, default_domain, &e_),
			 "forwards", "a transport rule");
	}

	/* policies */
	if (p[P_POLICIES].error || p[P_POLRULES].error) {
		failed(s, p[P_POLICIES].error ? P_POLICIES : P_POLRULES,
		       p[P_POLICIES].error ? &p[P_POLICIES] : &p[P_POLRULES]);
	} else {
		char *e = NULL;
		if (m365_add_outbound_policies(&b, data[P_POLICIES], data[P_POLRULES], &e) < 0) {
			add_err(s, "outbound spam policies", e, "policy.outbound_forwarding", NULL);
			free(e);
		} else {
			s->policy.has_outbound_forwarding = true;
		}
	}
	if (p[P_REMOTE].error) {
		failed(s, P_REMOTE, &p[P_REMOTE]);
	} else {
		s->policy.has_remote_domains = true;
		MAP_EACH(data[P_REMOTE], m365_add_remote_domain(&b, o, &e_), "policy.remote_domains",
			 "a remote domain");
	}
	if (p[P_ORG].error) {
		failed(s, P_ORG, &p[P_ORG]);
	} else if (!cJSON_GetArraySize(data[P_ORG])) {
		add_err(s, "organization config (Get-OrganizationConfig)", "no object returned",
			"policy.send_from_alias", NULL);
	} else {
		char *e = NULL;
		m365_set_org_config(&b, cJSON_GetArrayItem(data[P_ORG], 0), &e);
		free(e);
	}

	/* round 3: inbox rules and automatic replies */
	s->has_auto_replies = true;
	if (addr_of && read_mailboxes(ms, &b, data[P_USERS], &mix, !p[P_MAILBOX].error,
				      addr_of, err) < 0)
		goto out;
	if (!addr_of)
		add_err(s, "inbox rules and automatic replies", "the user list could not be read",
			"auto_replies", NULL);

	m365_build_finish(&b);
	*out = s;
	s = NULL;
	ret = (*out)->complete ? 0 : 1;
out:
	m365_build_release(&b);
	snapshot_free(s);
	for (int i = 0; i < NR_P; i++) {
		odata_pager_release(&p[i]);
		http_request_free(p[i].tmpl);
		cJSON_Delete(data[i]);
	}
	for (size_t i = 0; members && i < ngroups; i++)
		cJSON_Delete(members[i]);
	free(members);
	free(addr_of);
	mbx_index_release(&mix);
	return ret;
}
