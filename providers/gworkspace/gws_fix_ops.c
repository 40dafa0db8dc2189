/*
 * gws_fix_ops.c - read, apply and revert one planned Gmail settings change
 * (see gws_fix.h for the value shapes). A change is written by one call:
 * apply writes new_value, revert writes old_value, through the same writer
 * per setting:
 *   treatAsAlias    PATCH sendAs/{email} {"treatAsAlias": v}
 *   sendAs          v null: DELETE sendAs/{email}; else POST sendAs v
 *   autoForwarding  PUT autoForwarding v
 *   filter          v null: DELETE filters/{id of the filter}; else POST filters v
 * (a recreated filter gets a new id, so filters are found by id, else by content).
 */
#include "gws_fix.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* param - c->params[key] as a string, or NULL */
static const char *param(const struct fix_change *c, const char *key)
{
	return gws_json_str(c->params, key);
}

/* gws_autoforward_norm - see gws_fix.h */
cJSON *gws_autoforward_norm(const cJSON *af)
{
	cJSON *o = cJSON_CreateObject();
	const char *to = gws_json_str(af, "emailAddress"), *disp = gws_json_str(af, "disposition");
	bool on = gws_json_true(af, "enabled");
	cJSON_AddBoolToObject(o, "enabled", on);
	if (on && to)
		cJSON_AddStringToObject(o, "emailAddress", to);
	if (on && disp)
		cJSON_AddStringToObject(o, "disposition", disp);
	return o;
}

/* gws_filter_content - see gws_fix.h */
cJSON *gws_filter_content(const cJSON *filter)
{
	const cJSON *crit = cJSON_GetObjectItemCaseSensitive(filter, "criteria");
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(filter, "action");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "criteria", crit ? cJSON_Duplicate(crit, 1) : cJSON_CreateObject());
	cJSON_AddItemToObject(o, "action", act ? cJSON_Duplicate(act, 1) : cJSON_CreateObject());
	return o;
}

/* gws_filter_find - see gws_fix.h */
const cJSON *gws_filter_find(const cJSON *list, const char *id, const cJSON *want)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(list, "filter"), *f;
	cJSON_ArrayForEach(f, arr) {
		const char *fid = gws_json_str(f, "id");
		if (id && fid && !strcmp(fid, id))
			return f;
	}
	if (!want)
		return NULL;
	cJSON_ArrayForEach(f, arr) {
		cJSON *c = gws_filter_content(f);
		bool eq = cJSON_Compare(c, want, 1);
		cJSON_Delete(c);
		if (eq)
			return f;
	}
	return NULL;
}

/* get - a GET that must answer 200 (or 404 when missing_ok: *out NULL); 0 or -1 with *err */
static int get(struct gws_session *gs, const char *user, const char *what, const char *id,
	       bool missing_ok, cJSON **out, char **err)
{
	long st;
	if (gws_settings_call(gs, user, "GET", what, id, NULL, &st, out, err))
		return -1;
	if (st == 200 && cJSON_IsObject(*out))
		return 0;
	if (st == 404 && missing_ok) {
		cJSON_Delete(*out);
		*out = NULL;
		return 0;
	}
	{
		char *name = xstrfmt("%s%s%s", what, id ? "/" : "", id ? id : "");
		*err = st == 200 ? xstrfmt("GET %s of %s: the answer is not a JSON object", name, user)
				 : gws_call_error("GET", name, user, st, *out);
		free(name);
	}
	cJSON_Delete(*out);
	*out = NULL;
	return -1;
}

/* write - one write call that must answer 2xx (a DELETE of something gone is done too) */
static int write_call(struct gws_session *gs, const char *user, const char *method,
		      const char *what, const char *id, const cJSON *body, char **err)
{
	long st;
	cJSON *ans = NULL;
	int ret = 0;
	if (gws_settings_call(gs, user, method, what, id, body, &st, &ans, err))
		return -1;
	if ((st < 200 || st > 299) && !(st == 404 && !strcmp(method, "DELETE"))) {
		char *name = xstrfmt("%s%s%s", what, id ? "/" : "", id ? id : "");
		*err = gws_call_error(method, name, user, st, ans);
		free(name);
		ret = -1;
	}
	cJSON_Delete(ans);
	return ret;
}

/* read_treat - treatAsAlias of the send-as (null when it does not exist) */
static cJSON *read_treat(struct gws_session *gs, const struct fix_change *c, char **err)
{
	cJSON *sa, *v;
	if (get(gs, param(c, "user"), "sendAs", param(c, "sendAsEmail"), true, &sa, err))
		return NULL;
	v = sa ? cJSON_CreateBool(gws_json_true(sa, "treatAsAlias")) : cJSON_CreateNull();
	cJSON_Delete(sa);
	return v;
}

/* read_sendas - {sendAsEmail, treatAsAlias} of the send-as, or null */
static cJSON *read_sendas(struct gws_session *gs, const struct fix_change *c, char **err)
{
	cJSON *sa, *v;
	if (get(gs, param(c, "user"), "sendAs", param(c, "sendAsEmail"), true, &sa, err))
		return NULL;
	if (!sa)
		return cJSON_CreateNull();
	v = cJSON_CreateObject();
	/* the address as planned: Gmail may answer in another spelling */
	cJSON_AddStringToObject(v, "sendAsEmail", param(c, "sendAsEmail"));
	cJSON_AddBoolToObject(v, "treatAsAlias", gws_json_true(sa, "treatAsAlias"));
	cJSON_Delete(sa);
	return v;
}

/* read_autofwd - the normalised autoForwarding object */
static cJSON *read_autofwd(struct gws_session *gs, const struct fix_change *c, char **err)
{
	cJSON *af, *v;
	if (get(gs, param(c, "user"), "autoForwarding", NULL, false, &af, err))
		return NULL;
	v = gws_autoforward_norm(af);
	cJSON_Delete(af);
	return v;
}

/* filter_want - the filter content the change is about (old value), or NULL */
static cJSON *filter_want(const struct fix_change *c)
{
	cJSON *o = cJSON_Parse(c->old_value);
	if (cJSON_IsObject(o))
		return o;
	cJSON_Delete(o);
	o = cJSON_Parse(c->new_value);
	if (cJSON_IsObject(o))
		return o;
	cJSON_Delete(o);
	return NULL;
}

/* read_filter - the planned filter's {criteria, action}, found by id or content, or null */
static cJSON *read_filter(struct gws_session *gs, const struct fix_change *c, char **err)
{
	cJSON *list, *want = filter_want(c), *v;
	const cJSON *f;
	if (get(gs, param(c, "user"), "filters", NULL, false, &list, err)) {
		cJSON_Delete(want);
		return NULL;
	}
	f = gws_filter_find(list, param(c, "filterId"), want);
	v = f ? gws_filter_content(f) : cJSON_CreateNull();
	cJSON_Delete(list);
	cJSON_Delete(want);
	return v;
}

/* write_treat - PATCH sendAs/{email} {"treatAsAlias": v} */
static int write_treat(struct gws_session *gs, const struct fix_change *c, const cJSON *v, char **err)
{
	cJSON *body = cJSON_CreateObject();
	int rc;
	if (!cJSON_IsBool(v)) {
		*err = xstrdup("treatAsAlias: the value to write is not a boolean");
		cJSON_Delete(body);
		return -1;
	}
	cJSON_AddBoolToObject(body, "treatAsAlias", cJSON_IsTrue(v));
	rc = write_call(gs, param(c, "user"), "PATCH", "sendAs", param(c, "sendAsEmail"), body, err);
	cJSON_Delete(body);
	return rc;
}

/* write_sendas - create the send-as v, or delete it when v is null. A create
 * retried after a 5xx that took effect meets 409 "duplicate": the send-as is
 * read back and, when it is the one asked for, counts as created. */
static int write_sendas(struct gws_session *gs, const struct fix_change *c, const cJSON *v, char **err)
{
	cJSON *live;
	char *e2 = NULL;
	bool same;
	if (cJSON_IsNull(v))
		return write_call(gs, param(c, "user"), "DELETE", "sendAs", param(c, "sendAsEmail"), NULL, err);
	if (!write_call(gs, param(c, "user"), "POST", "sendAs", NULL, v, err))
		return 0;
	if (!strstr(*err, "HTTP 409") || !(live = read_sendas(gs, c, &e2))) {
		free(e2);
		return -1;
	}
	same = cJSON_Compare(live, v, 1);
	cJSON_Delete(live);
	if (same)
		FREE_AND_NULL(*err);
	return same ? 0 : -1;
}

/* write_autofwd - PUT autoForwarding v */
static int write_autofwd(struct gws_session *gs, const struct fix_change *c, const cJSON *v, char **err)
{
	if (!cJSON_IsObject(v)) {
		*err = xstrdup("autoForwarding: the value to write is not an object");
		return -1;
	}
	return write_call(gs, param(c, "user"), "PUT", "autoForwarding", NULL, v, err);
}

/* write_filter - create the filter v, or delete the planned one when v is null */
static int write_filter(struct gws_session *gs, const struct fix_change *c, const cJSON *v, char **err)
{
	cJSON *list, *want;
	const cJSON *f;
	int rc = 0;
	if (!cJSON_IsNull(v))
		return write_call(gs, param(c, "user"), "POST", "filters", NULL, v, err);
	/* the id may have changed since the plan (a filter recreated by undo) */
	if (get(gs, param(c, "user"), "filters", NULL, false, &list, err))
		return -1;
	want = filter_want(c);
	f = gws_filter_find(list, param(c, "filterId"), want);
	if (f && gws_json_str(f, "id"))
		rc = write_call(gs, param(c, "user"), "DELETE", "filters", gws_json_str(f, "id"), NULL, err);
	cJSON_Delete(want);
	cJSON_Delete(list);
	return rc;
}

/* setting_ops - the reader and writer of each setting */
static const struct {
	const char *setting;
	cJSON *(*read)(struct gws_session *gs, const struct fix_change *c, char **err);
	int (*write)(struct gws_session *gs, const struct fix_change *c, const cJSON *v, char **err);
	const char *need;  /* the parameter it needs besides user, or NULL */
} setting_ops[] = {
	{ GWS_SET_TREAT_AS_ALIAS, read_treat, write_treat, "sendAsEmail" },
	{ GWS_SET_SEND_AS, read_sendas, write_sendas, "sendAsEmail" },
	{ GWS_SET_AUTOFORWARD, read_autofwd, write_autofwd, NULL },
	{ GWS_SET_FILTER, read_filter, write_filter, NULL },
};

/* ops_for - the entry for c's setting, or -1 with *err (also when params lack the user) */
static int ops_for(const struct fix_change *c, char **err)
{
	if (!param(c, "user")) {
		*err = xstrfmt("%s: the change's params name no user", c->object);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(setting_ops); i++) {
		if (strcmp(setting_ops[i].setting, c->setting))
			continue;
		if (setting_ops[i].need && !param(c, setting_ops[i].need)) {
			*err = xstrfmt("%s: the change's params lack %s", c->object, setting_ops[i].need);
			return -1;
		}
		return (int)i;
	}
	*err = xstrfmt("%s: unknown Google Workspace setting '%s'", c->object, c->setting);
	return -1;
}

/* gws_read_value - see provider.h */
/* same_object - the mailbox (and send-as) the params point at are the ones
 * the change names ("... of <user>", "send-as <email> of <user>"): a journal
 * edited to point a revert at another mailbox is refused, never written */
static bool same_object(const struct fix_change *c, char **err)
{
	const char *user = param(c, "user"), *sa = param(c, "sendAsEmail");
	size_t lo = strlen(c->object), lu = user ? strlen(user) : 0;
	char *want_sa = sa ? xstrfmt("send-as %s of ", sa) : NULL;
	bool ok = user && lo > lu + 4 && !strncmp(c->object + lo - lu - 4, " of ", 4) &&
		  str_eq_nocase(c->object + lo - lu, user);
	if (ok && want_sa)
		ok = !strncasecmp(c->object, want_sa, strlen(want_sa));
	free(want_sa);
	if (!ok && user)
		*err = xstrfmt("'%s' is not the object the change's params point at (user %s%s%s): an "
			       "edited or misdirected journal?", c->object, user, sa ? ", send-as " : "",
			       sa ? sa : "");
	return ok || !user;
}

int gws_read_value(struct provider_session *ps, const struct fix_change *c, char **out, char **err)
{
	int k = ops_for(c, err);
	cJSON *v;
	if (k >= 0 && !same_object(c, err))
		return -1;
	if (k < 0 || !(v = setting_ops[k].read((struct gws_session *)ps, c, err)))
		return -1;
	*out = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	return 0;
}

/* write_value - write the JSON text value with c's writer */
static int write_value(struct provider_session *ps, const struct fix_change *c, const char *value,
		       char **err)
{
	int k = ops_for(c, err), rc;
	cJSON *v;
	if (k < 0)
		return -1;
	v = cJSON_Parse(value ? value : "null");
	if (!v) {
		*err = xstrfmt("%s: the value %s is not JSON", c->object, value);
		return -1;
	}
	rc = setting_ops[k].write((struct gws_session *)ps, c, v, err);
	cJSON_Delete(v);
	return rc;
}

/* gws_apply_change - see provider.h */
int gws_apply_change(struct provider_session *ps, const struct fix_change *c, char **err)
{
	return write_value(ps, c, c->new_value, err);
}

/* gws_revert_change - see provider.h */
int gws_revert_change(struct provider_session *ps, const struct fix_change *c, char **err)
{
	return write_value(ps, c, c->old_value, err);
}
