/*
 * gws_fix.c - plan the Google Workspace fixes: which Gmail setting of which
 * mailbox resolves a finding, with the value expected now and the value to
 * write (gws_fix.h has the shapes). Send-as changes are planned from the
 * snapshot; auto-forwarding and filters are read live (GET, with the
 * read-only token) because the journal must keep the whole object for undo
 * (disposition, the filter's criteria and actions), which the snapshot does
 * not hold. Nothing is written here. Findings whose fix has no write API
 * (the OU policy, catch-all routing) never reach this file: the engine lists
 * their manual steps; anything else unplannable returns 0 the same way.
 * Each change carries its effect on the snapshot (core/fix_simulate.h), so
 * the engine can prove the plan before offering it.
 */
#include "gws_fix.h"
#include "checks/check.h"
#include "core/fix_simulate.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* add_change - append a change for f; takes old_v, new_v and params */
static void add_change(struct fix_plan *plan, const struct finding *f, char *object,
		       const char *setting, cJSON *old_v, cJSON *new_v, cJSON *params)
{
	struct fix_change *c;
	ALLOC_GROW(plan->changes, plan->nr + 1, plan->alloc);
	c = &plan->changes[plan->nr++];
	memset(c, 0, sizeof(*c));
	c->tenant = xstrdup(f->tenant);
	c->provider = xstrdup("gworkspace");
	c->object = object;
	c->setting = xstrdup(setting);
	c->old_value = cJSON_PrintUnformatted(old_v);
	c->new_value = cJSON_PrintUnformatted(new_v);
	c->finding_ids = xcalloc(1, sizeof(char *));
	c->finding_ids[0] = xstrdup(f->id);
	c->nr_finding_ids = 1;
	c->reversible = true;
	c->fix_id = xstrdup(f->fix->id);
	c->params = params;
	cJSON_Delete(old_v);
	cJSON_Delete(new_v);
}

/* match2 - {k1: v1, k2: v2} (k2 may be NULL) */
static cJSON *match2(const char *k1, const char *v1, const char *k2, const char *v2)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, k1, v1);
	if (k2)
		cJSON_AddStringToObject(m, k2, v2);
	return m;
}

/* user_params - {"user": user} plus key: value when key is given */
static cJSON *user_params(const char *user, const char *key, const char *value)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "user", user);
	if (key)
		cJSON_AddStringToObject(p, key, value);
	return p;
}

/* find_user - the snapshot's user (with a Gmail mailbox) whose address is addr, or NULL */
static const struct snapshot_recipient *find_user(const struct snapshot *s, const char *addr)
{
	for (size_t i = 0; s && i < s->nr_recipients; i++) {
		const struct snapshot_recipient *r = &s->recipients[i];
		if (r->kind == RK_USER && r->has_mailbox != TRI_FALSE && str_eq_nocase(r->address, addr))
			return r;
	}
	return NULL;
}

/* plan_treat - uncheck "Treat as an alias" on send-as path[1] of owner path[0] */
static int plan_treat(const struct snapshot *s, const struct finding *f, struct fix_plan *plan)
{
	const char *owner = f->path[0].address, *addr = f->path[1].address;
	for (size_t i = 0; i < s->nr_send_as; i++) {
		const struct snapshot_send_as *sa = &s->send_as[i];
		if (!str_eq_nocase(sa->owner, owner) || !str_eq_nocase(sa->address, addr) ||
		    sa->treat_as_alias != TRI_TRUE || !find_user(s, sa->owner))
			continue;
		add_change(plan, f, xstrfmt("send-as %s of %s", sa->address, sa->owner),
			   GWS_SET_TREAT_AS_ALIAS, cJSON_CreateTrue(), cJSON_CreateFalse(),
			   user_params(sa->owner, "sendAsEmail", sa->address));
		cJSON *set = cJSON_CreateObject();
		cJSON_AddFalseToObject(set, "treat_as_alias");
		plan->changes[plan->nr - 1].effect =
			fix_effect_op("set", "send_as", match2("owner", sa->owner, "address", sa->address), set);
		return 1;
	}
	return 0;
}

/* plan_sendas - create the send-as for alias path[0] of the user path[1] */
static int plan_sendas(const struct snapshot *s, const struct finding *f, struct fix_plan *plan)
{
	const char *alias = f->path[0].address;
	const struct snapshot_recipient *u = find_user(s, f->path[1].address);
	cJSON *nv;
	if (!u)
		return 0;
	nv = cJSON_CreateObject();
	cJSON_AddStringToObject(nv, "sendAsEmail", alias);
	cJSON_AddTrueToObject(nv, "treatAsAlias");
	add_change(plan, f, xstrfmt("send-as %s of %s", alias, u->address), GWS_SET_SEND_AS,
		   cJSON_CreateNull(), nv, user_params(u->address, "sendAsEmail", alias));
	/* the user's own alias is accepted at once (gws_gmail_write.c, Gmail sendAs.create) */
	nv = match2("owner", u->address, "address", alias);
	cJSON_AddTrueToObject(nv, "treat_as_alias");
	cJSON_AddTrueToObject(nv, "verified");
	plan->changes[plan->nr - 1].effect = fix_effect_op("add", "send_as", NULL, nv);
	return 1;
}

/* find_forward - the i-th snapshot forward (from i on) of via from path[0] to path[1]
 * (filters also by their summary, the hop's object); -1 when none */
static long find_forward(const struct snapshot *s, const struct finding *f, enum forward_via via,
			 size_t from)
{
	const struct hop *h = &f->path[1];
	for (size_t i = from; i < s->nr_forwards; i++) {
		const struct snapshot_forward *w = &s->forwards[i];
		if (w->via != via || w->nr_to != 1 || !str_eq_nocase(w->from, f->path[0].address) ||
		    !str_eq_nocase(w->to[0], h->address))
			continue;
		/* a filter without criteria shows as "Gmail filter" (route_edge_object) */
		if (via == VIA_GMAIL_FILTER && w->name && *w->name &&
		    (!h->object || strcmp(h->object, w->name)))
			continue;
		return (long)i;
	}
	return -1;
}

/* plan_autofwd - turn off the auto-forwarding of path[0]; the old value is read live */
static int plan_autofwd(struct gws_session *gs, const struct snapshot *s, const struct finding *f,
			struct fix_plan *plan, char **err)
{
	long i = find_forward(s, f, VIA_GMAIL_AUTOFORWARD, 0), st;
	const char *user;
	cJSON *af = NULL, *nv;
	if (i < 0 || !find_user(s, s->forwards[i].from))
		return 0;
	user = s->forwards[i].from;
	if (gws_settings_call(gs, user, "GET", "autoForwarding", NULL, NULL, &st, &af, err))
		return -1;
	if (st != 200 || !cJSON_IsObject(af)) {
		*err = st == 200 ? xstrfmt("GET autoForwarding of %s: the answer is not a JSON object", user)
				 : gws_call_error("GET", "autoForwarding", user, st, af);
		cJSON_Delete(af);
		return -1;
	}
	nv = cJSON_CreateObject();
	cJSON_AddFalseToObject(nv, "enabled");
	add_change(plan, f, xstrfmt("auto-forwarding of %s", user), GWS_SET_AUTOFORWARD,
		   gws_autoforward_norm(af), nv, user_params(user, NULL, NULL));
	cJSON_Delete(af);
	plan->changes[plan->nr - 1].effect =
		fix_effect_op("remove", "forwards", match2("from", user, "via",
						    forward_via_name(VIA_GMAIL_AUTOFORWARD)), NULL);
	if (!strcmp(f->check->id, "forward.blocked"))
		plan->changes[plan->nr - 1].note = xstrdup(
			"least egress: the blocked forward is stopped; allowing it means changing the "
			"OU's auto-forwarding policy (Admin console), never done automatically");
	return 1;
}

/* plan_filters - delete the filters of path[0] that forward to path[1] with
 * the hop's criteria; each filter is read live so the journal keeps all of it */
static int plan_filters(struct gws_session *gs, const struct snapshot *s, const struct finding *f,
			struct fix_plan *plan, char **err)
{
	int n = 0;
	for (long i = find_forward(s, f, VIA_GMAIL_FILTER, 0); i >= 0;
	     i = find_forward(s, f, VIA_GMAIL_FILTER, (size_t)i + 1)) {
		const struct snapshot_forward *w = &s->forwards[i];
		cJSON *flt = NULL;
		long st;
		if (!w->id || !*w->id || !find_user(s, w->from))
			continue;
		if (gws_settings_call(gs, w->from, "GET", "filters", w->id, NULL, &st, &flt, err))
			return -1;
		if (st == 404) {
			cJSON_Delete(flt);   /* gone since the audit: nothing to remove */
			continue;
		}
		if (st != 200 || !cJSON_IsObject(flt)) {
			char *what = xstrfmt("filters/%s", w->id);
			*err = gws_call_error("GET", what, w->from, st, flt);
			free(what);
			cJSON_Delete(flt);
			return -1;
		}
		add_change(plan, f, w->name && *w->name ? xstrfmt("filter '%s' of %s", w->name, w->from)
			   : xstrfmt("filter %s of %s", w->id, w->from), GWS_SET_FILTER,
			   gws_filter_content(flt), cJSON_CreateNull(),
			   user_params(w->from, "filterId", w->id));
		cJSON_Delete(flt);
		cJSON *m = match2("from", w->from, "via", forward_via_name(VIA_GMAIL_FILTER));
		cJSON_AddStringToObject(m, "id", w->id);
		plan->changes[plan->nr - 1].effect = fix_effect_op("remove", "forwards", m, NULL);
		n++;
	}
	return n;
}

/* gws_plan_fix - see provider.h; variant is not used (each Google fix has one form) */
int gws_plan_fix(struct provider_session *ps, const struct snapshot *snap,
		 const struct finding *f, const char *variant, struct fix_plan *plan, char **err)
{
	struct gws_session *gs = (struct gws_session *)ps;
	const char *id = f->fix ? f->fix->id : "";
	if (!snap || f->nr_path < 2 || strcmp(f->tenant, ps->tenant->name))
		return 0;
	if (!strcmp(id, "gws.sendas.treat-as-alias-off"))
		return plan_treat(snap, f, plan);
	if (!strcmp(id, "gws.sendas.create"))
		return plan_sendas(snap, f, plan);
	if (!strcmp(id, "gws.autoforward.disable"))
		return plan_autofwd(gs, snap, f, plan, err);
	if (!strcmp(id, "gws.filter.remove"))
		return plan_filters(gs, snap, f, plan, err);
	return 0;
}
