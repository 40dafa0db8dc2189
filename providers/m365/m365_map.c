/*
 * m365_map.c - map Graph and Exchange admin API objects to snapshot v1
 * entries (see docs/m365.md for the table), and the snapshot builder.
 * Fields are read by exact name, so OData annotations ("X@odata.type") never
 * count as data.
 */
#include "m365.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* strv - a growable list of strings (malloc'd, deduplicated case-insensitively) */
struct strv {
	char **v;
	size_t nr, alloc;
};

/* strv_add - take s (may be NULL: ignored) unless already present */
static void strv_add(struct strv *sv, char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < sv->nr; i++)
		if (str_eq_nocase(sv->v[i], s)) {
			free(s);
			return;
		}
	ALLOC_GROW(sv->v, sv->nr + 1, sv->alloc);
	sv->v[sv->nr++] = s;
}

/* strv_arena - copy into the arena as a const char ** array; frees sv */
static const char **strv_arena(struct arena *a, struct strv *sv, size_t *nr)
{
	const char **out = arena_alloc(a, (sv->nr ? sv->nr : 1) * sizeof(*out));
	for (size_t i = 0; i < sv->nr; i++) {
		out[i] = arena_strdup(a, sv->v[i]);
		free(sv->v[i]);
	}
	*nr = sv->nr;
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
	return out;
}

/* json_strv - the SMTP addresses of a JSON string array (plain or "smtp:"-prefixed) */
static void json_strv(struct strv *sv, const cJSON *arr)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, arr)
		if (cJSON_IsString(v))
			strv_add(sv, m365_smtp_value(v->valuestring));
}

/* domain_strv - the domain names of a JSON string array */
static void domain_strv(struct strv *sv, const cJSON *arr)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, arr)
		if (cJSON_IsString(d) && *d->valuestring)
			strv_add(sv, xstrdup(d->valuestring));
}

#define A(b) (&(b)->s->arena)
#define AS(b, str) arena_strdup(A(b), (str))

/* m365_build_finish - see m365.h */
void m365_build_finish(struct m365_build *b)
{
	struct snapshot *s = b->s;
	SNAPSHOT_SET_ARRAY(s, domains, nr_domains, b->dom, b->nr_dom);
	SNAPSHOT_SET_ARRAY(s, recipients, nr_recipients, b->rcp, b->nr_rcp);
	SNAPSHOT_SET_ARRAY(s, forwards, nr_forwards, b->fwd, b->nr_fwd);
	SNAPSHOT_SET_ARRAY(s, auto_replies, nr_auto_replies, b->ar, b->nr_ar);
	SNAPSHOT_SET_ARRAY(s, policy.outbound_forwarding, policy.nr_outbound_forwarding, b->pol, b->nr_pol);
	SNAPSHOT_SET_ARRAY(s, policy.remote_domains, policy.nr_remote_domains, b->rd, b->nr_rd);
	SNAPSHOT_SET_ARRAY(s, policy.catch_all, policy.nr_catch_all, b->ca, b->nr_ca);
	m365_build_release(b);
}

/* m365_build_release - see m365.h */
void m365_build_release(struct m365_build *b)
{
	free(b->dom);
	free(b->rcp);
	free(b->fwd);
	free(b->ar);
	free(b->pol);
	free(b->rd);
	free(b->ca);
	b->dom = NULL; b->rcp = NULL; b->fwd = NULL; b->ar = NULL;
	b->pol = NULL; b->rd = NULL; b->ca = NULL;
	b->nr_dom = b->nr_rcp = b->nr_fwd = b->nr_ar = b->nr_pol = b->nr_rd = b->nr_ca = 0;
	b->alloc_dom = b->alloc_rcp = b->alloc_fwd = b->alloc_ar = b->alloc_pol = b->alloc_rd = b->alloc_ca = 0;
}

/* m365_add_accepted_domain - see m365.h */
int m365_add_accepted_domain(struct m365_build *b, const cJSON *o, char **err)
{
	const char *name = m365_json_str(o, "DomainName"), *type = m365_json_str(o, "DomainType");
	struct snapshot_domain *d;
	int t;
	if (!name) {
		*err = xstrdup("Get-AcceptedDomain: a row has no DomainName");
		return -1;
	}
	if ((t = m365_domain_type(type)) < 0) {
		*err = xstrfmt("Get-AcceptedDomain: domain %s has an unknown DomainType '%s'", name, type);
		return -1;
	}
	ALLOC_GROW(b->dom, b->nr_dom + 1, b->alloc_dom);
	d = &b->dom[b->nr_dom++];
	d->name = AS(b, name);
	d->type = (enum domain_type)t;
	d->primary = m365_json_bool(o, "Default") == TRI_TRUE;
	return 0;
}

/* m365_add_graph_domain - see m365.h */
int m365_add_graph_domain(struct m365_build *b, const cJSON *o, char **err)
{
	const char *name = m365_json_str(o, "id");
	const cJSON *svc = cJSON_GetObjectItemCaseSensitive(o, "supportedServices"), *v;
	bool email = false, relay = false;
	struct snapshot_domain *d;
	if (!name) {
		*err = xstrdup("/domains: an item has no id");
		return -1;
	}
	cJSON_ArrayForEach(v, svc) {
		if (cJSON_IsString(v) && !strcmp(v->valuestring, "Email"))
			email = true;
		if (cJSON_IsString(v) && !strcmp(v->valuestring, "EmailInternalRelayOnly"))
			relay = true;
	}
	if (!email && !relay)
		return 0;
	ALLOC_GROW(b->dom, b->nr_dom + 1, b->alloc_dom);
	d = &b->dom[b->nr_dom++];
	d->name = AS(b, name);
	d->type = relay ? DOM_INTERNAL_RELAY : DOM_AUTHORITATIVE;
	d->primary = m365_json_bool(o, "isDefault") == TRI_TRUE;
	return 0;
}

/* kind_of - RecipientTypeDetails of a mailbox to a recipient kind */
static enum recipient_kind kind_of(const char *rtd)
{
	if (!rtd)
		return RK_USER;
	if (!strcmp(rtd, "SharedMailbox") || !strcmp(rtd, "RemoteSharedMailbox"))
		return RK_SHARED;
	if (strstr(rtd, "Room") || strstr(rtd, "Equipment"))
		return RK_RESOURCE;
	if (strstr(rtd, "Group") || !strcmp(rtd, "RoomList"))
		return RK_GROUP;
	if (strstr(rtd, "Contact"))
		return RK_CONTACT;
	return RK_USER;
}

/* m365_recipient_class - see m365.h */
enum m365_rclass m365_recipient_class(const char *rtd, enum group_kind *gk)
{
	/* RecipientTypeDetails values: Get-Recipient (m365.md §3.7) */
	static const struct { const char *rtd; enum m365_rclass c; enum group_kind gk; } tab[] = {
		{ "MailUniversalDistributionGroup", RC_GROUP, GK_DISTRIBUTION },
		{ "MailNonUniversalGroup", RC_GROUP, GK_DISTRIBUTION },
		{ "RoomList", RC_GROUP, GK_DISTRIBUTION },
		{ "MailUniversalSecurityGroup", RC_GROUP, GK_SECURITY },
		{ "GroupMailbox", RC_GROUP, GK_MICROSOFT365 },
		{ "DynamicDistributionGroup", RC_GROUP, GK_DYNAMIC },
		{ "MailContact", RC_CONTACT, GK_UNSET }, { "MailForestContact", RC_CONTACT, GK_UNSET },
		{ "MailUser", RC_MAIL_USER, GK_UNSET }, { "GuestMailUser", RC_MAIL_USER, GK_UNSET },
		{ "RemoteUserMailbox", RC_MAIL_USER, GK_UNSET },
		{ "RemoteSharedMailbox", RC_MAIL_USER, GK_UNSET },
		{ "RemoteRoomMailbox", RC_MAIL_USER, GK_UNSET },
		{ "RemoteEquipmentMailbox", RC_MAIL_USER, GK_UNSET },
		{ "RemoteTeamMailbox", RC_MAIL_USER, GK_UNSET },
	};
	if (gk)
		*gk = GK_UNSET;
	if (!rtd)
		return RC_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(tab); i++)
		if (!strcasecmp(rtd, tab[i].rtd)) {
			if (gk)
				*gk = tab[i].gk;
			return tab[i].c;
		}
	return strstr(rtd, "Mailbox") ? RC_MAILBOX : RC_OTHER;
}

/* set_mail_user - the mail-user fields of r from its Exchange row o (a
 * MailUser, GuestMailUser or Remote*Mailbox: mail goes to ExternalEmailAddress) */
static void set_mail_user(struct m365_build *b, struct snapshot_recipient *r, const cJSON *o)
{
	const char *rtd = m365_json_str(o, "RecipientTypeDetails");
	char *ext = m365_smtp_value(m365_json_str(o, "ExternalEmailAddress"));
	r->guest = r->guest || (rtd && !strcasecmp(rtd, "GuestMailUser"));
	r->remote_mailbox = rtd && !strncasecmp(rtd, "Remote", 6);
	if (ext) {
		r->kind = RK_MAIL_USER;
		r->external_address = AS(b, ext);
		r->has_mailbox = TRI_FALSE;  /* no Exchange Online mailbox: mail leaves */
	} else if (r->remote_mailbox) {
		/* on premises, routing address unknown: a real mailbox, not ours */
		r->kind = rtd && strstr(rtd, "Shared") ? RK_SHARED : RK_USER;
		r->has_mailbox = TRI_UNSET;
	} else {
		r->kind = RK_MAIL_USER;
		r->has_mailbox = TRI_FALSE;
	}
	free(ext);
}

/* m365_add_user - see m365.h */
int m365_add_user(struct m365_build *b, const cJSON *user, const cJSON *mbx, const cJSON *rcpt,
		  bool mailboxes_known, char **err)
{
	const char *utype = m365_json_str(user, "userType");
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(user, "proxyAddresses"), *v;
	const char *primary = NULL, *id = m365_json_str(user, "id");
	char *prim_copy = NULL;
	struct strv aliases = { 0 };
	struct snapshot_recipient *r;

	if (!id) {
		*err = xstrdup("/users: an item has no id");
		return -1;
	}
	if (pa && !cJSON_IsArray(pa)) {
		*err = xstrfmt("/users: user '%s': proxyAddresses is not an array", id);
		return -1;
	}
	cJSON_ArrayForEach(v, pa) {
		const char *a;
		size_t n;
		bool prim;
		if (!cJSON_IsString(v) || m365_proxy_parse(v->valuestring, &a, &n, &prim) != 1)
			continue;
		if (prim && !prim_copy)
			prim_copy = xstrndup(a, n);
		else
			strv_add(&aliases, xstrndup(a, n));
	}
	primary = prim_copy ? prim_copy : m365_json_str(user, "mail");
	if (!primary)
		primary = m365_json_str(user, "userPrincipalName");
	if (!primary) {
		free(prim_copy);
		for (size_t i = 0; i < aliases.nr; i++)
			free(aliases.v[i]);
		free(aliases.v);
		*err = xstrfmt("/users: user '%s' has no address", id);
		return -1;
	}
	ALLOC_GROW(b->rcp, b->nr_rcp + 1, b->alloc_rcp);
	r = &b->rcp[b->nr_rcp++];
	memset(r, 0, sizeof(*r));
	r->address = AS(b, primary);
	r->kind = mbx ? kind_of(m365_json_str(mbx, "RecipientTypeDetails")) : RK_USER;
	r->enabled = m365_json_bool(user, "accountEnabled");
	r->has_mailbox = mbx ? TRI_TRUE : mailboxes_known ? TRI_FALSE : TRI_UNSET;
	r->aliases = strv_arena(A(b), &aliases, &r->nr_aliases);
	r->id = AS(b, id);
	r->name = AS(b, m365_json_str(user, "displayName"));
	/* a guest's mail goes to its own outside address (Graph userType Guest) */
	r->guest = utype && !strcasecmp(utype, "Guest");
	if (!mbx && rcpt) {
		set_mail_user(b, r, rcpt);
	} else if (!mbx && r->guest && m365_json_str(user, "mail")) {
		r->kind = RK_MAIL_USER;
		r->external_address = AS(b, m365_json_str(user, "mail"));
		r->has_mailbox = TRI_FALSE;
	}
	free(prim_copy);
	return 0;
}

/* member_address - a Get-DistributionGroupMember row's address (caller frees) */
static char *member_address(const cJSON *m)
{
	const char *ext = m365_json_str(m, "ExternalEmailAddress");
	const char *ps = m365_json_str(m, "PrimarySmtpAddress");
	const char *rtd = m365_json_str(m, "RecipientTypeDetails");
	/* a contact or mail user delivers to its external address */
	if (ext && (!ps || (rtd && (strstr(rtd, "Contact")))))
		return m365_smtp_value(ext);
	return ps ? xstrdup(ps) : ext ? m365_smtp_value(ext) : NULL;
}

/* m365_add_group - see m365.h */
int m365_add_group(struct m365_build *b, const cJSON *grp, const cJSON *members, char **err)
{
	const char *addr = m365_json_str(grp, "PrimarySmtpAddress");
	const char *id = m365_json_str(grp, "ExternalDirectoryObjectId");
	const cJSON *m;
	struct strv mem = { 0 }, aliases = { 0 };
	struct snapshot_recipient *r;
	if (!addr) {
		*err = xstrfmt("Get-Recipient: group '%s' has no PrimarySmtpAddress",
			       m365_json_str(grp, "Name") ? m365_json_str(grp, "Name") : "?");
		return -1;
	}
	cJSON_ArrayForEach(m, members)
		strv_add(&mem, member_address(m));
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(grp, "EmailAddresses")) {
		const char *a;
		size_t n;
		bool prim;
		if (cJSON_IsString(m) && m365_proxy_parse(m->valuestring, &a, &n, &prim) == 1 && !prim)
			strv_add(&aliases, xstrndup(a, n));
	}
	ALLOC_GROW(b->rcp, b->nr_rcp + 1, b->alloc_rcp);
	r = &b->rcp[b->nr_rcp++];
	memset(r, 0, sizeof(*r));
	r->address = AS(b, addr);
	r->kind = RK_GROUP;
	m365_recipient_class(m365_json_str(grp, "RecipientTypeDetails"), &r->group_kind);
	r->enabled = TRI_UNSET;
	r->has_mailbox = TRI_UNSET;
	r->aliases = strv_arena(A(b), &aliases, &r->nr_aliases);
	r->members = strv_arena(A(b), &mem, &r->nr_members);
	r->id = AS(b, id ? id : m365_json_str(grp, "Guid"));
	r->name = AS(b, m365_json_str(grp, "DisplayName") ? m365_json_str(grp, "DisplayName")
							  : m365_json_str(grp, "Name"));
	return 0;
}

/* m365_add_contact - see m365.h */
int m365_add_contact(struct m365_build *b, const cJSON *o, char **err)
{
	char *addr = m365_smtp_value(m365_json_str(o, "ExternalEmailAddress"));
	const char *id = m365_json_str(o, "ExternalDirectoryObjectId");
	struct snapshot_recipient *r;
	if (!addr && m365_json_str(o, "PrimarySmtpAddress"))
		addr = xstrdup(m365_json_str(o, "PrimarySmtpAddress"));
	if (!addr) {
		*err = xstrfmt("Get-Recipient: contact '%s' has no ExternalEmailAddress",
			       m365_json_str(o, "Name") ? m365_json_str(o, "Name") : "?");
		return -1;
	}
	ALLOC_GROW(b->rcp, b->nr_rcp + 1, b->alloc_rcp);
	r = &b->rcp[b->nr_rcp++];
	memset(r, 0, sizeof(*r));
	r->address = AS(b, addr);
	r->kind = RK_CONTACT;
	r->external_address = r->address;
	r->enabled = TRI_UNSET;
	r->has_mailbox = TRI_UNSET;
	r->aliases = arena_alloc(A(b), sizeof(*r->aliases));
	r->id = AS(b, id ? id : m365_json_str(o, "Guid"));
	r->name = AS(b, m365_json_str(o, "DisplayName") ? m365_json_str(o, "DisplayName")
							: m365_json_str(o, "Name"));
	free(addr);
	return 0;
}

/* m365_add_mail_user - see m365.h */
int m365_add_mail_user(struct m365_build *b, const cJSON *o, char **err)
{
	const char *addr = m365_json_str(o, "PrimarySmtpAddress"), *v;
	const char *id = m365_json_str(o, "ExternalDirectoryObjectId");
	char *ext = m365_smtp_value(m365_json_str(o, "ExternalEmailAddress"));
	struct strv aliases = { 0 };
	struct snapshot_recipient *r;
	const cJSON *a;
	if (!addr && !ext) {
		*err = xstrfmt("Get-Recipient: mail user '%s' has no address",
			       (v = m365_json_str(o, "Name")) ? v : "?");
		return -1;
	}
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(o, "EmailAddresses")) {
		const char *x;
		size_t n;
		bool prim;
		if (cJSON_IsString(a) && m365_proxy_parse(a->valuestring, &x, &n, &prim) == 1 && !prim)
			strv_add(&aliases, xstrndup(x, n));
	}
	ALLOC_GROW(b->rcp, b->nr_rcp + 1, b->alloc_rcp);
	r = &b->rcp[b->nr_rcp++];
	memset(r, 0, sizeof(*r));
	r->address = AS(b, addr ? addr : ext);
	r->enabled = TRI_UNSET;
	r->aliases = strv_arena(A(b), &aliases, &r->nr_aliases);
	r->id = AS(b, id ? id : m365_json_str(o, "Guid"));
	r->name = AS(b, (v = m365_json_str(o, "DisplayName")) ? v : m365_json_str(o, "Name"));
	set_mail_user(b, r, o);
	free(ext);
	return 0;
}

/* add_forward - append a forward; takes to */
static void add_forward(struct m365_build *b, const char *from, struct strv *to, enum forward_via via,
			bool keep, bool enabled, bool conditional, const char *name, const char *id)
{
	struct snapshot_forward *f;
	ALLOC_GROW(b->fwd, b->nr_fwd + 1, b->alloc_fwd);
	f = &b->fwd[b->nr_fwd++];
	memset(f, 0, sizeof(*f));
	f->from = AS(b, from);
	f->to = strv_arena(A(b), to, &f->nr_to);
	f->via = via;
	f->keep_copy = keep;
	f->enabled = enabled;
	f->conditional = conditional;
	f->name = AS(b, name ? name : "");
	f->id = AS(b, id);
}

/* m365_add_mailbox_forward - see m365.h */
int m365_add_mailbox_forward(struct m365_build *b, const cJSON *mbx,
			     char *(*resolve)(void *ctx, const char *identity), void *ctx, char **err)
{
	const char *fa = m365_json_str(mbx, "ForwardingAddress");
	const char *fs = m365_json_str(mbx, "ForwardingSmtpAddress");
	const char *from = m365_json_str(mbx, "PrimarySmtpAddress");
	struct strv to = { 0 };
	char *target = NULL;
	if (!fa && !fs)
		return 0;
	if (!from) {
		*err = xstrdup("Get-Mailbox: a forwarding mailbox has no PrimarySmtpAddress");
		return -1;
	}
	/* ForwardingAddress (a recipient identity) wins over ForwardingSmtpAddress */
	if (fa) {
		target = resolve ? resolve(ctx, fa) : NULL;
		if (!target && strchr(fa, '@'))
			target = m365_smtp_value(fa);
		if (!target) {
			*err = xstrfmt("mailbox %s: ForwardingAddress '%s' names no known recipient", from, fa);
			return -1;
		}
	} else {
		target = m365_smtp_value(fs);
		if (!target) {
			*err = xstrfmt("mailbox %s: malformed ForwardingSmtpAddress '%s'", from, fs);
			return -1;
		}
	}
	strv_add(&to, target);
	add_forward(b, from, &to, VIA_MAILBOX, m365_json_bool(mbx, "DeliverToMailboxAndForward") == TRI_TRUE,
		    true, false, "", m365_json_str(mbx, "Guid") ? m365_json_str(mbx, "Guid")
								: m365_json_str(mbx, "ExchangeGuid"));
	return 0;
}

/* rule_recipients - add the addresses of a recipient collection (array or lone object) */
static void rule_recipients(struct strv *to, const cJSON *v)
{
	const cJSON *r;
	if (cJSON_IsObject(v)) {
		const char *a = m365_json_str(cJSON_GetObjectItemCaseSensitive(v, "emailAddress"), "address");
		strv_add(to, a ? m365_recipient_string(a) : NULL);
		return;
	}
	cJSON_ArrayForEach(r, v) {
		if (cJSON_IsString(r))
			strv_add(to, m365_recipient_string(r->valuestring));
		else
			rule_recipients(to, r);
	}
}

/* has_conditions - a predicates object with any non-empty member */
static bool has_conditions(const cJSON *c)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, c) {
		if (v->string && strchr(v->string, '@'))
			continue;
		if (cJSON_IsNull(v) || cJSON_IsFalse(v))
			continue;
		if ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !cJSON_GetArraySize(v))
			continue;
		return true;
	}
	return false;
}

/* m365_add_inbox_rules - see m365.h */
int m365_add_inbox_rules(struct m365_build *b, const char *owner, const cJSON *rules, char **err)
{
	const cJSON *r;
	if (!cJSON_IsArray(rules)) {
		*err = xstrfmt("inbox rules of %s: not a list", owner);
		return -1;
	}
	cJSON_ArrayForEach(r, rules) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "actions");
		struct strv to = { 0 };
		bool keep;
		rule_recipients(&to, cJSON_GetObjectItemCaseSensitive(act, "forwardTo"));
		rule_recipients(&to, cJSON_GetObjectItemCaseSensitive(act, "redirectTo"));
		rule_recipients(&to, cJSON_GetObjectItemCaseSensitive(act, "forwardAsAttachmentTo"));
		if (!to.nr) {
			free(to.v);
			continue;
		}
		keep = m365_json_bool(act, "delete") != TRI_TRUE &&
		       m365_json_bool(act, "permanentDelete") != TRI_TRUE;
		add_forward(b, owner, &to, VIA_INBOX_RULE, keep,
			    m365_json_bool(r, "isEnabled") != TRI_FALSE,
			    has_conditions(cJSON_GetObjectItemCaseSensitive(r, "conditions")) ||
			    has_conditions(cJSON_GetObjectItemCaseSensitive(r, "exceptions")),
			    m365_json_str(r, "displayName"), m365_json_str(r, "id"));
	}
	return 0;
}

/* m365_add_auto_reply - see m365.h */
int m365_add_auto_reply(struct m365_build *b, const char *address, const cJSON *settings,
			const char *now, char **err)
{
	const cJSON *ar = cJSON_GetObjectItemCaseSensitive(settings, "automaticRepliesSetting");
	const char *status = m365_json_str(ar, "status"), *aud = m365_json_str(ar, "externalAudience");
	bool enabled;
	int active;
	char *why = NULL;
	struct snapshot_auto_reply *x;
	if (!cJSON_IsObject(ar) || !status) {
		*err = xstrfmt("mailbox settings of %s: no automaticRepliesSetting.status", address);
		return -1;
	}
	/* enum strings come in either case (the docs show both); a scheduled
	 * reply outside its window is not active */
	if ((active = m365_reply_active(ar, now, &why)) < 0) {
		*err = xstrfmt("mailbox settings of %s: %s", address, why);
		free(why);
		return -1;
	}
	enabled = active == 1;
	/* a mailbox with no auto-reply configured at all is not listed */
	if (!enabled && !m365_json_str(ar, "internalReplyMessage") && !m365_json_str(ar, "externalReplyMessage"))
		return 0;
	ALLOC_GROW(b->ar, b->nr_ar + 1, b->alloc_ar);
	x = &b->ar[b->nr_ar++];
	x->address = AS(b, address);
	x->enabled = enabled;
	x->external = !aud ? TRI_UNSET : strcasecmp(aud, "none") ? TRI_TRUE : TRI_FALSE;
	return 0;
}

/* m365_add_outbound_policies - see m365.h */
int m365_add_outbound_policies(struct m365_build *b, const cJSON *policies, const cJSON *rules, char **err)
{
	const cJSON *p, *r;
	cJSON_ArrayForEach(p, policies) {
		const char *name = m365_json_str(p, "Name"), *mode = m365_json_str(p, "AutoForwardingMode");
		bool is_default = m365_json_bool(p, "IsDefault") == TRI_TRUE;
		const cJSON *rule = NULL;
		struct strv users = { 0 }, groups = { 0 }, domains = { 0 };
		struct strv xusers = { 0 }, xgroups = { 0 }, xdomains = { 0 };
		struct outbound_policy *o;
		int m;
		if (!name) {
			*err = xstrdup("Get-HostedOutboundSpamFilterPolicy: a policy has no Name");
			return -1;
		}
		m = -1;
		if (mode) {
			char low[16] = "";
			size_t n = strlen(mode);
			if (n < sizeof(low)) {
				memcpy(low, mode, n + 1);
				m = forwarding_mode_parse(lowercase_ascii(low));
			}
		}
		if (m < 0) {
			*err = xstrfmt("outbound spam policy '%s': unknown AutoForwardingMode '%s'", name,
				       mode ? mode : "");
			return -1;
		}
		cJSON_ArrayForEach(r, rules) {
			const char *pn = m365_json_str(r, "HostedOutboundSpamFilterPolicy");
			if (pn && !strcmp(pn, name))
				rule = r;
		}
		if (!is_default) {
			const char *state = m365_json_str(rule, "State");
			/* a custom policy applies only through an enabled rule */
			if (!rule || (state && strcasecmp(state, "Enabled")))
				continue;
			json_strv(&users, cJSON_GetObjectItemCaseSensitive(rule, "From"));
			json_strv(&groups, cJSON_GetObjectItemCaseSensitive(rule, "FromMemberOf"));
			domain_strv(&domains, cJSON_GetObjectItemCaseSensitive(rule, "SenderDomainIs"));
			/* exceptions (New-HostedOutboundSpamFilterRule: ExceptIfFrom,
			 * ExceptIfFromMemberOf, ExceptIfSenderDomainIs; m365.md §3.7) */
			json_strv(&xusers, cJSON_GetObjectItemCaseSensitive(rule, "ExceptIfFrom"));
			json_strv(&xgroups, cJSON_GetObjectItemCaseSensitive(rule, "ExceptIfFromMemberOf"));
			domain_strv(&xdomains, cJSON_GetObjectItemCaseSensitive(rule, "ExceptIfSenderDomainIs"));
		}
		ALLOC_GROW(b->pol, b->nr_pol + 1, b->alloc_pol);
		o = &b->pol[b->nr_pol++];
		memset(o, 0, sizeof(*o));
		o->name = AS(b, name);
		o->mode = (enum forwarding_mode)m;
		o->is_default = is_default;
		{
			const cJSON *pr = cJSON_GetObjectItemCaseSensitive(rule, "Priority");
			o->priority = cJSON_IsNumber(pr) ? (long)pr->valuedouble : 0;
		}
		o->users = strv_arena(A(b), &users, &o->nr_users);
		o->groups = strv_arena(A(b), &groups, &o->nr_groups);
		o->domains = strv_arena(A(b), &domains, &o->nr_domains);
		o->except_users = strv_arena(A(b), &xusers, &o->nr_except_users);
		o->except_groups = strv_arena(A(b), &xgroups, &o->nr_except_groups);
		o->except_domains = strv_arena(A(b), &xdomains, &o->nr_except_domains);
	}
	return 0;
}

/* m365_add_remote_domain - see m365.h */
int m365_add_remote_domain(struct m365_build *b, const cJSON *o, char **err)
{
	const char *d = m365_json_str(o, "DomainName");
	struct remote_domain *x;
	if (!d) {
		*err = xstrdup("Get-RemoteDomain: a row has no DomainName");
		return -1;
	}
	ALLOC_GROW(b->rd, b->nr_rd + 1, b->alloc_rd);
	x = &b->rd[b->nr_rd++];
	x->domain = AS(b, d);
	/* Exchange Online's default for AutoForwardEnabled is true */
	x->auto_forward = m365_json_bool(o, "AutoForwardEnabled") != TRI_FALSE;
	return 0;
}

/* condition fields of a transport rule that narrow which mail it takes */
static const char *const tr_conditions[] = {
	"From", "FromMemberOf", "FromScope", "SentToMemberOf", "SentToScope", "SenderDomainIs",
	"SubjectContainsWords", "SubjectOrBodyContainsWords", "SubjectMatchesPatterns",
	"HeaderContainsMessageHeader", "HeaderContainsWords", "MessageTypeMatches",
	"AnyOfRecipientAddressContainsWords", "AnyOfRecipientAddressMatchesPatterns",
	"RecipientAddressContainsWords", "HasAttachment", "AttachmentContainsWords",
	"SCLOver", "WithImportance", "MessageSizeOver", "FromAddressContainsWords",
	"SenderIpRanges", "ExceptIfFrom", "ExceptIfSentTo", "ExceptIfSentToMemberOf",
	"ExceptIfRecipientDomainIs", "ExceptIfFromScope", "ExceptIfSentToScope",
	"ExceptIfSubjectContainsWords", "ExceptIfHeaderContainsWords", "ExceptIfMessageTypeMatches",
	NULL,
};

/* set_field - a transport-rule field is present and not empty */
static bool set_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return false;
	if (cJSON_IsArray(v))
		return cJSON_GetArraySize(v) > 0;
	if (cJSON_IsString(v))
		return *v->valuestring != '\0';
	return true;
}

/* m365_add_transport_rule - see m365.h */
int m365_add_transport_rule(struct m365_build *b, const cJSON *o, const char *default_domain, char **err)
{
	const cJSON *redir = cJSON_GetObjectItemCaseSensitive(o, "RedirectMessageTo"), *v;
	const char *name = m365_json_str(o, "Name"), *state = m365_json_str(o, "State");
	const char *mode = m365_json_str(o, "Mode");
	const char *id = m365_json_str(o, "Guid") ? m365_json_str(o, "Guid") : m365_json_str(o, "Identity");
	bool enabled = (!state || !strcasecmp(state, "Enabled")) && (!mode || !strcasecmp(mode, "Enforce"));
	bool conditional = false;
	struct strv targets = { 0 };

	if (!set_field(o, "RedirectMessageTo"))
		return 0;
	if (!name) {
		*err = xstrdup("Get-TransportRule: a redirecting rule has no Name");
		return -1;
	}
	json_strv(&targets, redir);
	for (int i = 0; tr_conditions[i]; i++)
		conditional |= set_field(o, tr_conditions[i]);

	if (set_field(o, "SentTo")) {
		/* a redirect of mail for given recipients: a forward from each */
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, "SentTo")) {
			struct strv to = { 0 };
			char *from = cJSON_IsString(v) ? m365_smtp_value(v->valuestring) : NULL;
			if (!from)
				continue;
			for (size_t i = 0; i < targets.nr; i++)
				strv_add(&to, xstrdup(targets.v[i]));
			add_forward(b, from, &to, VIA_TRANSPORT_RULE, false, enabled, conditional, name, id);
			free(from);
		}
	} else if (!conditional && enabled) {
		/* unconditional but for the recipient domain: a catch-all that takes everything */
		const cJSON *doms = cJSON_GetObjectItemCaseSensitive(o, "RecipientDomainIs");
		struct strv dv = { 0 };
		cJSON_ArrayForEach(v, doms)
			if (cJSON_IsString(v))
				strv_add(&dv, xstrdup(v->valuestring));
		if (!dv.nr && default_domain)
			strv_add(&dv, xstrdup(default_domain));
		for (size_t d = 0; d < dv.nr; d++)
			for (size_t t = 0; t < targets.nr; t++) {
				struct catch_all *c;
				ALLOC_GROW(b->ca, b->nr_ca + 1, b->alloc_ca);
				c = &b->ca[b->nr_ca++];
				c->domain = AS(b, dv.v[d]);
				c->target = AS(b, targets.v[t]);
				c->scope = CATCHALL_ALL;
				c->source = AS(b, "transport-rule");
				c->name = AS(b, name);
			}
		for (size_t d = 0; d < dv.nr; d++)
			free(dv.v[d]);
		free(dv.v);
	}
	/* a conditional redirect without SentTo has no single source address:
	 * snapshot v1 cannot express it (docs/m365.md) */
	for (size_t i = 0; i < targets.nr; i++)
		free(targets.v[i]);
	free(targets.v);
	return 0;
}

/* m365_set_org_config - see m365.h */
int m365_set_org_config(struct m365_build *b, const cJSON *o, char **err)
{
	enum tristate dis = m365_json_bool(o, "DisablePlusAddressInRecipients");
	b->s->policy.send_from_alias = m365_json_bool(o, "SendFromAliasEnabled");
	/* plus addressing is on by default since 2022; the switch disables it */
	b->s->policy.plus_addressing = dis == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
	if (b->s->policy.send_from_alias == TRI_UNSET)
		b->s->policy.send_from_alias = TRI_FALSE; /* the documented default */
	return 0;
}
