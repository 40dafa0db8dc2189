/*
 * gws_map.c - map Directory, Gmail settings and Cloud Identity Policy API
 * objects to snapshot v1 entries (docs/gworkspace.md has the table), the
 * catch-all config syntax, and the snapshot builder. Pure functions: no I/O.
 * Policy API policies are mapped in gws_map_policy.c.
 * Missing booleans mean false, as Google omits false values.
 */
#include "gws.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define A(b) (&(b)->s->arena)
#define AS(b, str) arena_strdup(A(b), (str))

/* gws_json_str - see gws.h */
const char *gws_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* gws_json_true - see gws.h */
bool gws_json_true(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	/* a few int64/bool fields arrive as strings in some projections */
	return cJSON_IsTrue(v) || (cJSON_IsString(v) && !strcmp(v->valuestring, "true"));
}

/* json_tri - o[key] as a tri-state (absent: TRI_UNSET) */
static enum tristate json_tri(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return TRI_UNSET;
	return gws_json_true(o, key) ? TRI_TRUE : TRI_FALSE;
}

/* strv - a growable, case-insensitively deduplicated list of borrowed strings */
struct strv {
	const char **v;
	size_t nr, alloc;
};

/* strv_add - add s unless NULL, empty or present */
static void strv_add(struct strv *sv, const char *s)
{
	if (!s || !*s)
		return;
	for (size_t i = 0; i < sv->nr; i++)
		if (str_eq_nocase(sv->v[i], s))
			return;
	ALLOC_GROW(sv->v, sv->nr + 1, sv->alloc);
	sv->v[sv->nr++] = s;
}

/* strv_arena - the list as an arena array; frees sv */
static const char **strv_arena(struct gws_build *b, struct strv *sv, size_t *nr)
{
	const char **out = arena_alloc(A(b), (sv->nr ? sv->nr : 1) * sizeof(*out));
	for (size_t i = 0; i < sv->nr; i++)
		out[i] = AS(b, sv->v[i]);
	*nr = sv->nr;
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
	return out;
}

/* add_strings - the strings of a JSON array o[key] */
static void add_strings(struct strv *sv, const cJSON *o, const char *key)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, key))
		if (cJSON_IsString(v))
			strv_add(sv, v->valuestring);
}

/* gws_build_finish - see gws.h */
void gws_build_finish(struct gws_build *b)
{
	struct snapshot *s = b->s;
	SNAPSHOT_SET_ARRAY(s, domains, nr_domains, b->dom, b->nr_dom);
	SNAPSHOT_SET_ARRAY(s, recipients, nr_recipients, b->rcp, b->nr_rcp);
	SNAPSHOT_SET_ARRAY(s, forwards, nr_forwards, b->fwd, b->nr_fwd);
	SNAPSHOT_SET_ARRAY(s, auto_replies, nr_auto_replies, b->ar, b->nr_ar);
	SNAPSHOT_SET_ARRAY(s, send_as, nr_send_as, b->sa, b->nr_sa);
	SNAPSHOT_SET_ARRAY(s, policy.auto_forwarding_ou, policy.nr_auto_forwarding_ou, b->ou, b->nr_ou);
	SNAPSHOT_SET_ARRAY(s, policy.catch_all, policy.nr_catch_all, b->ca, b->nr_ca);
	gws_build_release(b);
}

/* gws_build_release - see gws.h */
void gws_build_release(struct gws_build *b)
{
	FREE_AND_NULL(b->dom);
	FREE_AND_NULL(b->rcp);
	FREE_AND_NULL(b->fwd);
	FREE_AND_NULL(b->ar);
	FREE_AND_NULL(b->sa);
	FREE_AND_NULL(b->ou);
	FREE_AND_NULL(b->ou_order);
	FREE_AND_NULL(b->ca);
	b->nr_dom = b->nr_rcp = b->nr_fwd = b->nr_ar = b->nr_sa = b->nr_ou = b->nr_ca = 0;
	b->alloc_dom = b->alloc_rcp = b->alloc_fwd = b->alloc_ar = b->alloc_sa = b->alloc_ou = b->alloc_ca = 0;
}

/* add_dom - append a domain */
static void add_dom(struct gws_build *b, const char *name, enum domain_type t, bool primary)
{
	struct snapshot_domain *d;
	for (size_t i = 0; i < b->nr_dom; i++)
		if (str_eq_nocase(b->dom[i].name, name))
			return;
	ALLOC_GROW(b->dom, b->nr_dom + 1, b->alloc_dom);
	d = &b->dom[b->nr_dom++];
	d->name = AS(b, name);
	d->type = t;
	d->primary = primary;
}

/* gws_add_domain - see gws.h */
int gws_add_domain(struct gws_build *b, const cJSON *d, char **err)
{
	const char *name = gws_json_str(d, "domainName");
	const cJSON *al;
	if (!name) {
		*err = xstrdup("a domain has no domainName");
		return -1;
	}
	add_dom(b, name, DOM_AUTHORITATIVE, gws_json_true(d, "isPrimary"));
	cJSON_ArrayForEach(al, cJSON_GetObjectItemCaseSensitive(d, "domainAliases")) {
		const char *an = gws_json_str(al, "domainAliasName");
		if (an)
			add_dom(b, an, DOM_ALIAS, false);
	}
	return 0;
}

/* gws_add_user - see gws.h */
long gws_add_user(struct gws_build *b, const cJSON *u, char **err)
{
	const char *addr = gws_json_str(u, "primaryEmail");
	struct snapshot_recipient *r;
	struct strv al = { 0 };
	enum tristate mbx = json_tri(u, "isMailboxSetup");
	if (!addr || !strchr(addr, '@')) {
		*err = xstrfmt("a user (id %s) has no primaryEmail", gws_json_str(u, "id") ? gws_json_str(u, "id") : "?");
		return -1;
	}
	ALLOC_GROW(b->rcp, b->nr_rcp + 1, b->alloc_rcp);
	r = &b->rcp[b->nr_rcp];
	memset(r, 0, sizeof(*r));
	r->address = AS(b, addr);
	r->kind = RK_USER;
	/* suspended and archived accounts take no mail */
	r->enabled = gws_json_true(u, "suspended") || gws_json_true(u, "archived") ? TRI_FALSE : TRI_TRUE;
	r->has_mailbox = mbx;
	add_strings(&al, u, "aliases");
	add_strings(&al, u, "nonEditableAliases");
	r->aliases = strv_arena(b, &al, &r->nr_aliases);
	r->org_unit = AS(b, gws_json_str(u, "orgUnitPath") ? gws_json_str(u, "orgUnitPath") : "/");
	r->id = AS(b, gws_json_str(u, "id"));
	return (long)b->nr_rcp++;
}

/* gws_add_group - see gws.h */
int gws_add_group(struct gws_build *b, const cJSON *g, const cJSON *members, char **err)
{
	const char *addr = gws_json_str(g, "email");
	struct snapshot_recipient *r;
	struct strv al = { 0 }, mem = { 0 };
	const cJSON *m;
	if (!addr || !strchr(addr, '@')) {
		*err = xstrfmt("a group (id %s) has no email", gws_json_str(g, "id") ? gws_json_str(g, "id") : "?");
		return -1;
	}
	ALLOC_GROW(b->rcp, b->nr_rcp + 1, b->alloc_rcp);
	r = &b->rcp[b->nr_rcp++];
	memset(r, 0, sizeof(*r));
	r->address = AS(b, addr);
	r->kind = RK_GROUP;
	r->enabled = TRI_UNSET;      /* groups have neither an account state nor a mailbox */
	r->has_mailbox = TRI_UNSET;
	add_strings(&al, g, "aliases");
	add_strings(&al, g, "nonEditableAliases");
	r->aliases = strv_arena(b, &al, &r->nr_aliases);
	/* members of every type that has an address: users, groups, external
	 * addresses; a CUSTOMER member ("everyone in the domain") has none */
	cJSON_ArrayForEach(m, members)
		strv_add(&mem, gws_json_str(m, "email"));
	r->members = strv_arena(b, &mem, &r->nr_members);
	r->id = AS(b, gws_json_str(g, "id"));
	return 0;
}

/* gws_add_send_as - see gws.h */
int gws_add_send_as(struct gws_build *b, const char *owner, const cJSON *list, char **err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(list, "sendAs"), *o;
	if (arr && !cJSON_IsArray(arr)) {
		*err = xstrdup("'sendAs' is not an array");
		return -1;
	}
	cJSON_ArrayForEach(o, arr) {
		const char *addr = gws_json_str(o, "sendAsEmail"), *vs = gws_json_str(o, "verificationStatus");
		struct snapshot_send_as *sa;
		if (!addr)
			continue;
		ALLOC_GROW(b->sa, b->nr_sa + 1, b->alloc_sa);
		sa = &b->sa[b->nr_sa++];
		memset(sa, 0, sizeof(*sa));
		sa->owner = AS(b, owner);
		sa->address = AS(b, addr);
		sa->primary = gws_json_true(o, "isPrimary");
		/* Gmail omits false booleans: a missing treatAsAlias is false */
		sa->treat_as_alias = gws_json_true(o, "treatAsAlias") ? TRI_TRUE : TRI_FALSE;
		if (vs && !strcmp(vs, "accepted"))
			sa->verified = TRI_TRUE;
		else if (vs && !strcmp(vs, "pending"))
			sa->verified = TRI_FALSE;
		else
			sa->verified = sa->primary ? TRI_TRUE : TRI_UNSET;
	}
	return 0;
}

/* add_fwd - append a forward */
static struct snapshot_forward *add_fwd(struct gws_build *b, const char *from, const char *to)
{
	struct snapshot_forward *f;
	ALLOC_GROW(b->fwd, b->nr_fwd + 1, b->alloc_fwd);
	f = &b->fwd[b->nr_fwd++];
	memset(f, 0, sizeof(*f));
	f->from = AS(b, from);
	f->to = arena_alloc(A(b), sizeof(*f->to));
	f->to[0] = AS(b, to);
	f->nr_to = 1;
	f->enabled = true;
	f->name = AS(b, "");
	return f;
}

/* gws_add_autoforward - see gws.h */
int gws_add_autoforward(struct gws_build *b, const char *owner, const cJSON *af, char **err)
{
	const char *to = gws_json_str(af, "emailAddress"), *disp = gws_json_str(af, "disposition");
	struct snapshot_forward *f;
	char *id, *at;
	if (!cJSON_IsObject(af)) {
		*err = xstrdup("autoForwarding is not an object");
		return -1;
	}
	if (!gws_json_true(af, "enabled"))
		return 0;
	if (!to) {
		*err = xstrdup("autoForwarding is enabled without an emailAddress");
		return -1;
	}
	f = add_fwd(b, owner, to);
	f->via = VIA_GMAIL_AUTOFORWARD;
	/* leaveInInbox, archive and markRead keep the message; trash does not */
	f->keep_copy = !(disp && !strcmp(disp, "trash"));
	id = xstrfmt("af-%s", owner);
	at = strchr(id, '@');
	if (at)
		*at = '\0';   /* "af-bob": the owner's local part, as the example tenant has it */
	f->id = AS(b, id);
	free(id);
	return 0;
}

/* gws_filter_summary - see gws.h */
char *gws_filter_summary(const cJSON *c)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v;
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(c, "size");
#define ADD(fmt, ...) strbuf_putf(&sb, "%s" fmt, sb.len ? " " : "", __VA_ARGS__)
	if ((v = gws_json_str(c, "from")))
		ADD("from:%s", v);
	if ((v = gws_json_str(c, "to")))
		ADD("to:%s", v);
	if ((v = gws_json_str(c, "subject")))
		ADD("subject:%s%s%s", strchr(v, ' ') ? "(" : "", v, strchr(v, ' ') ? ")" : "");
	if ((v = gws_json_str(c, "query")))
		ADD("%s", v);
	if ((v = gws_json_str(c, "negatedQuery")))
		ADD("-(%s)", v);
	if (gws_json_true(c, "hasAttachment"))
		ADD("%s", "has:attachment");
	if (gws_json_true(c, "excludeChats"))
		ADD("%s", "-in:chats");
	if (cJSON_IsNumber(size)) {
		v = gws_json_str(c, "sizeComparison");
		ADD("%s:%.0f", v && !strcmp(v, "smaller") ? "smaller" : "larger", size->valuedouble);
	}
#undef ADD
	return strbuf_detach(&sb, NULL);
}

/* has_label - o[key] (a label id array) holds label */
static bool has_label(const cJSON *o, const char *key, const char *label)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, key))
		if (cJSON_IsString(v) && !strcmp(v->valuestring, label))
			return true;
	return false;
}

/* gws_add_filters - see gws.h */
int gws_add_filters(struct gws_build *b, const char *owner, const cJSON *list, char **err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(list, "filter"), *o;
	if (arr && !cJSON_IsArray(arr)) {
		*err = xstrdup("'filter' is not an array");
		return -1;
	}
	cJSON_ArrayForEach(o, arr) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "action");
		const cJSON *crit = cJSON_GetObjectItemCaseSensitive(o, "criteria");
		const char *to = gws_json_str(act, "forward");
		struct snapshot_forward *f;
		char *name;
		if (!to)
			continue;
		f = add_fwd(b, owner, to);
		f->via = VIA_GMAIL_FILTER;
		/* a filter that also trashes the message keeps no copy */
		f->keep_copy = !has_label(act, "addLabelIds", "TRASH");
		name = gws_filter_summary(crit);
		f->conditional = *name != '\0';
		f->name = AS(b, name);
		f->id = AS(b, gws_json_str(o, "id"));
		free(name);
	}
	return 0;
}

/* epoch_ms - o[key] as epoch milliseconds: Gmail sends int64 fields as
 * JSON strings ("1767225600000"); a number is taken too. 0 absent, 1 set,
 * -1 neither a decimal string nor a number */
static int epoch_ms(const cJSON *o, const char *key, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *end;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v)) {
		*out = (long long)v->valuedouble;
		return 1;
	}
	if (!cJSON_IsString(v) || !*v->valuestring)
		return -1;
	*out = strtoll(v->valuestring, &end, 10);
	return *end || *out < 0 ? -1 : 1;
}

/* gws_add_vacation - see gws.h */
int gws_add_vacation(struct gws_build *b, const char *owner, const cJSON *v, char **err)
{
	struct snapshot_auto_reply *ar;
	long long start = 0, end = 0;
	int hs, he;
	if (!cJSON_IsObject(v)) {
		*err = xstrdup("vacation settings are not an object");
		return -1;
	}
	/* a responder that is off matters to no route: it is left out */
	if (!gws_json_true(v, "enableAutoReply"))
		return 0;
	hs = epoch_ms(v, "startTime", &start);
	he = epoch_ms(v, "endTime", &end);
	if (hs < 0 || he < 0) {
		*err = xstrfmt("vacation %s is not a time in epoch milliseconds", hs < 0 ? "startTime" : "endTime");
		return -1;
	}
	ALLOC_GROW(b->ar, b->nr_ar + 1, b->alloc_ar);
	ar = &b->ar[b->nr_ar++];
	ar->address = AS(b, owner);
	/* Gmail VacationSettings: replies only to messages received after
	 * startTime and before endTime, when set (Gmail API reference,
	 * users.settings VacationSettings). One outside its window at collection
	 * time is configured but not active: listed, not enabled. */
	ar->enabled = !(hs && b->now_ms < start) && !(he && b->now_ms >= end);
	/* restrictToDomain: only people in the domain get the reply */
	ar->external = gws_json_true(v, "restrictToDomain") ? TRI_FALSE : TRI_TRUE;
	return 0;
}

/* gws_parse_catch_all - see gws.h */
int gws_parse_catch_all(struct gws_build *b, const char *value, char **err)
{
	const char *c1 = strchr(value, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *c3;
	char *dom, *target, *scope;
	struct catch_all *ca;
	int sc;
	if (!c1 || !c2) {
		*err = xstrfmt("'%s' is not domain:target:scope[:name]", value);
		return -1;
	}
	c3 = strchr(c2 + 1, ':');
	dom = xstrndup(value, (size_t)(c1 - value));
	target = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	scope = c3 ? xstrndup(c2 + 1, (size_t)(c3 - c2 - 1)) : xstrdup(c2 + 1);
	sc = catch_all_scope_parse(scope);
	if (!*dom || strchr(dom, '@') || !strchr(target, '@') || sc < 0) {
		*err = xstrfmt("'%s' is not domain:target:scope[:name] (a domain, an address, and "
			       "unknown-only or all)", value);
		free(dom);
		free(target);
		free(scope);
		return -1;
	}
	ALLOC_GROW(b->ca, b->nr_ca + 1, b->alloc_ca);
	ca = &b->ca[b->nr_ca++];
	ca->domain = AS(b, dom);
	ca->target = AS(b, target);
	ca->scope = (enum catch_all_scope)sc;
	ca->source = AS(b, "config");
	ca->name = AS(b, c3 && c3[1] ? c3 + 1 : "");
	free(dom);
	free(target);
	free(scope);
	return 0;
}
