/*
 * gws_fix_http.c - single Gmail settings calls for the fix operations:
 * direct requests (not batched: a change is one call, and its answer must be
 * known before the journal moves on) with the mailbox owner's own token,
 * retried by the shared layer on 429/5xx and by gws_run on Gmail's 403 rate
 * limits. Messages name the call and Google's reason, never a token.
 */
#include "gws_fix.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* gws_settings_call - see gws_fix.h */
int gws_settings_call(struct gws_session *gs, const char *user, const char *method,
		      const char *what, const char *id, const cJSON *body, long *status,
		      cJSON **out, char **err)
{
	struct gws_token *t = gws_auth_token(gs->auth, user, gs->gmail_scopes);
	char *eid = id ? http_url_escape(id) : NULL;
	char *url = xstrfmt("%s/gmail/v1/users/me/settings/%s%s%s", gs->gmail_url, what,
			    eid ? "/" : "", eid ? eid : "");
	char *name = xstrfmt("%s%s%s", what, id ? "/" : "", id ? id : "");
	struct http_request *r = http_request_new(method, url);
	int ret = -1;

	*status = 0;
	*out = NULL;
	http_request_add_header(r, "Accept", "application/json");
	if (body) {
		char *text = cJSON_PrintUnformatted(body);
		http_request_add_header(r, "Content-Type", "application/json");
		http_request_set_body(r, text, strlen(text));
		free(text);
	}
	r->auth = &t->base;
	gws_run(gs->http, &r, 1);
	if (r->error && !r->status) {
		*err = xstrfmt("%s %s of %s: %s", method, name, user, r->error);
		goto out;
	}
	if (r->error) {
		/* retries ran out: the last answer says why */
		cJSON *j = cJSON_ParseWithLength(r->resp.buf, r->resp.len);
		char *why = gws_call_error(method, name, user, r->status, j);
		*err = xstrfmt("%s (after %d tries)", why, r->tries);
		free(why);
		cJSON_Delete(j);
		goto out;
	}
	*status = r->status;
	if (r->resp.len)
		*out = cJSON_ParseWithLength(r->resp.buf, r->resp.len);
	if (http_ok(r) && r->resp.len && !*out) {
		*err = xstrfmt("%s %s of %s: malformed JSON in the answer", method, name, user);
		goto out;
	}
	ret = 0;
out:
	http_request_free(r);
	free(url);
	free(name);
	free(eid);
	return ret;
}

/* gws_call_error - see gws_fix.h */
char *gws_call_error(const char *method, const char *what, const char *user, long status,
		     const cJSON *body)
{
	struct gws_error e;
	char *out;
	if (!gws_error_parse(body, &e))
		return xstrfmt("%s %s of %s: HTTP %ld", method, what, user, status);
	out = xstrfmt("%s %s of %s: HTTP %ld%s%s%s%s", method, what, user, status,
		      e.reason || e.status ? " " : "", e.reason ? e.reason : e.status ? e.status : "",
		      e.message ? ": " : "", e.message ? e.message : "");
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return out;
}

/* gws_tenant_key - see provider.h tenant_key: the customer id, from the
 * config when it names one, else from a user of my_customer (every Directory
 * user carries customerId: Directory API users resource) */
int gws_tenant_key(struct provider_session *ps, char **out, char **err)
{
	struct gws_session *gs = (struct gws_session *)ps;
	struct gws_token *t;
	struct http_request *r;
	char *url, *cust;
	cJSON *j, *id;
	int ret = -1;
	if (strcmp(gs->customer, "my_customer")) {
		*out = xstrdup(gs->customer);
		return 0;
	}
	t = gws_auth_token(gs->auth, gs->admin_subject, GWS_SCOPES_DIRECTORY);
	cust = http_url_escape(gs->customer);
	url = xstrfmt("%s/admin/directory/v1/users?customer=%s&maxResults=1", gs->admin_url, cust);
	r = http_request_new("GET", url);
	http_request_add_header(r, "Accept", "application/json");
	r->auth = &t->base;
	gws_run(gs->http, &r, 1);
	j = http_ok(r) ? cJSON_ParseWithLength(r->resp.buf, r->resp.len) : NULL;
	id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "users"), 0),
					      "customerId");
	if (cJSON_IsString(id) && *id->valuestring) {
		*out = xstrdup(id->valuestring);
		ret = 0;
	} else {
		char *d = http_ok(r) ? xstrdup("no user with a customerId in the answer") : gws_describe(r);
		*err = xstrfmt("%s: cannot read the customer id (Directory users.list): %s", gs->where, d);
		free(d);
	}
	cJSON_Delete(j);
	http_request_free(r);
	free(url);
	free(cust);
	return ret;
}
