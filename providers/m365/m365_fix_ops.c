/*
 * m365_fix_ops.c - the Microsoft 365 provider's fix operations: plan_fix
 * (m365_fix.c maps, this file reads the one live value the snapshot lacks),
 * read_value (the live value in the shape of the change's old_value, for
 * compare-and-swap), apply_change and revert_change (write the new or the
 * old value). Exchange settings go through InvokeCommand cmdlets
 * (Get-/Set-OrganizationConfig, -Mailbox, -RemoteDomain,
 * -HostedOutboundSpamFilterPolicy, New-/Remove-HostedOutboundSpamFilter-
 * Policy/Rule), inbox rules through Graph GET/PATCH messageRules (a rule is
 * disabled, never deleted). Tokens stay in the session: nothing here puts a
 * token or secret into a change, a message or the journal.
 */
#include "m365.h"
#include "m365_collect.h"
#include "odata.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* param_str - params[key] as a string ("" when missing) */
static const char *param_str(const cJSON *params, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* hint - what with detail, plus the permission it needs on a 403 */
static char *hint(const char *what, const char *detail, long status, bool graph)
{
	if (status == 403)
		return xstrfmt("%s: %s (%s)", what, detail, graph
			       ? "writing inbox rules needs the Graph application permission "
				 "MailboxSettings.ReadWrite"
			       : "the app's Exchange role does not allow this cmdlet; fixes need "
				 "Exchange Administrator or a custom role with it");
	return xstrfmt("%s: %s", what, detail);
}

/* describe - one line for a failed call, with the permission it needs on 403 */
static char *describe(const struct http_request *r, const char *what, bool graph)
{
	char *d = http_describe_failure(r);
	char *out = hint(what, d, r->error ? 0 : r->status, graph);
	free(d);
	return out;
}

/* exo_req - the collection's InvokeCommand request (m365_request.c: Prefer
 * odata.maxpagesize and the ExchangeOnlineManagement headers), routed by the
 * mailbox when the cmdlet is about one */
static struct http_request *exo_req(struct m365_session *ms, const char *cmdlet, cJSON *params,
				    const char *mailbox)
{
	struct http_request *r = m365_exo_request(ms, cmdlet, params);
	if (!mailbox)
		return r;
	for (size_t i = 0; i < r->nr_headers; i++)
		if (!strcasecmp(r->headers[i].name, "X-AnchorMailbox")) {
			free(r->headers[i].value);
			r->headers[i].value = xstrfmt("SMTP:%s", mailbox);
		}
	http_request_add_header(r, "parameter-based-routing", "true");
	return r;
}

/* exo_call - run cmdlet with params (taken); *value = every page's "value"
 * rows (the Exchange admin API pages by @odata.nextLink, re-POSTing the
 * same body: odata_pager.c; caller frees), *status = the HTTP status.
 * value NULL: a write, one request, no rows. 0, or -1 with *err. */
static int exo_call(struct m365_session *ms, const char *cmdlet, cJSON *params,
		    const char *mailbox, cJSON **value, long *status, char **err)
{
	struct http_request *r = exo_req(ms, cmdlet, params, mailbox);
	int ret = 0;
	if (!value) {
		http_run(ms->http, &r, 1);
		*status = r->status;
		if (!http_ok(r)) {
			*err = describe(r, cmdlet, false);
			ret = -1;
		}
	} else {
		struct odata_pager p = { .tmpl = r, .repost = true, .each = m365_keep_item,
					 .ctx = cJSON_CreateArray() };
		*value = NULL;
		odata_pager_run(ms->http, &p, 1);
		*status = p.error ? p.status : 200;
		if (p.error) {
			*err = hint(cmdlet, p.error, p.status, false);
			cJSON_Delete(p.ctx);
			ret = -1;
		} else {
			*value = p.ctx;
		}
		odata_pager_release(&p);
	}
	http_request_free(r);
	return ret;
}

/* rule_path - "/v1.0/users/{user}/mailFolders/inbox/messageRules/{id}" (escaped; caller frees) */
static char *rule_url(struct m365_session *ms, const cJSON *params)
{
	char *u = http_url_escape(param_str(params, "user"));
	char *id = http_url_escape(param_str(params, "rule_id"));
	char *url = xstrfmt("%s/v1.0/users/%s/mailFolders/inbox/messageRules/%s", ms->graph_url, u, id);
	free(u);
	free(id);
	return url;
}

/* graph_rule - GET (body NULL) or PATCH body on the rule; *out = the rule (caller frees) */
static int graph_rule(struct m365_session *ms, const cJSON *params, const char *body, cJSON **out,
		      char **err)
{
	char *url = rule_url(ms, params), *perr = NULL;
	char *what = xstrfmt("%s inbox rule '%s' of %s", body ? "PATCH" : "GET",
			     param_str(params, "rule_name"), param_str(params, "mailbox"));
	struct http_request *r = http_request_new(body ? "PATCH" : "GET", url);
	int ret = -1;
	http_request_add_header(r, "Accept", "application/json");
	if (body) {
		http_request_add_header(r, "Content-Type", "application/json");
		http_request_set_body(r, body, strlen(body));
	}
	r->auth = &ms->graph.base;
	http_run(ms->http, &r, 1);
	if (!http_ok(r)) {
		*err = describe(r, what, true);
	} else if (!(*out = http_parse_json(r, &perr))) {
		*err = xstrfmt("%s: %s", what, perr);
		free(perr);
	} else {
		ret = 0;
	}
	http_request_free(r);
	free(url);
	free(what);
	return ret;
}

/* find_named - the row of rows whose key equals name (case-insensitive), or NULL */
static cJSON *find_named(cJSON *rows, const char *key, const char *name)
{
	cJSON *o;
	cJSON_ArrayForEach(o, rows) {
		const char *v = m365_json_str(o, key);
		if (v && str_eq_nocase(v, name))
			return o;
	}
	return NULL;
}

/* mode_value - AutoForwardingMode in Exchange's spelling, as a JSON string */
static cJSON *mode_value(const cJSON *row)
{
	const char *m = m365_json_str(row, "AutoForwardingMode");
	if (m && !strcasecmp(m, "on"))
		return cJSON_CreateString("On");
	if (m && !strcasecmp(m, "off"))
		return cJSON_CreateString("Off");
	if (m && !strcasecmp(m, "automatic"))
		return cJSON_CreateString("Automatic");
	return m ? cJSON_CreateString(m) : cJSON_CreateNull();
}

/* bool_value - row[key] as a JSON boolean, def when absent */
static cJSON *bool_value(const cJSON *row, const char *key, bool def)
{
	enum tristate t = m365_json_bool(row, key);
	return cJSON_CreateBool(t == TRI_UNSET ? def : t == TRI_TRUE);
}

/* str_or_null - row[key] when a non-empty string, else null */
static cJSON *str_or_null(const cJSON *row, const char *key)
{
	const char *v = m365_json_str(row, key);
	return v ? cJSON_CreateString(v) : cJSON_CreateNull();
}

/* read_scoped - {AutoForwardingMode, From} of the named policy and rule, or null */
static cJSON *read_scoped(struct m365_session *ms, const cJSON *params, char **err)
{
	const char *name = param_str(params, "name");
	cJSON *pols = NULL, *rules = NULL, *pol, *rule, *v = NULL;
	long st;
	if (exo_call(ms, "Get-HostedOutboundSpamFilterPolicy", NULL, NULL, &pols, &st, err) ||
	    exo_call(ms, "Get-HostedOutboundSpamFilterRule", NULL, NULL, &rules, &st, err))
		goto out;
	pol = find_named(pols, "Name", name);
	rule = find_named(rules, "Name", name);
	/* a policy without its rule applies to nobody (left by a kill between the
	 * two cmdlets): that is the old state, and applying again reuses it */
	if (!rule) {
		v = cJSON_CreateNull();
		goto out;
	}
	v = cJSON_CreateObject();
	cJSON_AddItemToObject(v, "AutoForwardingMode", pol ? mode_value(pol) : cJSON_CreateNull());
	{
		cJSON *from = cJSON_GetObjectItemCaseSensitive(rule, "From");
		cJSON_AddItemToObject(v, "From", cJSON_IsArray(from) ? cJSON_Duplicate(from, 1)
								   : cJSON_CreateNull());
	}
out:
	cJSON_Delete(pols);
	cJSON_Delete(rules);
	return v;
}

/* mailbox_guid - a Get-Mailbox row's immutable id (ExchangeGuid, else Guid) */
static const char *mailbox_guid(const cJSON *row)
{
	const char *g = m365_json_str(row, "ExchangeGuid");
	return g ? g : m365_json_str(row, "Guid");
}

/* same_object - the live object's identity (live) is the one params[key]
 * recorded (when it recorded one); else false with *err naming both */
static bool same_object(const cJSON *params, const char *key, const char *live, const char *what,
			char **err)
{
	const char *want = param_str(params, key);
	if (!*want || (live && !strcasecmp(want, live)))
		return true;
	*err = xstrfmt("'%s' is not the object this change was made on: its %s is %s, the "
		       "change recorded %s (an edited or misdirected journal?)", what, key,
		       live ? live : "missing", want);
	return false;
}

static cJSON *rule_priorities(struct m365_session *ms, char **err);

/* read_params - the live value the change described by params is about */
static cJSON *read_params(struct m365_session *ms, const cJSON *params, char **err)
{
	const char *op = param_str(params, "op");
	cJSON *rows = NULL, *row, *p, *v = NULL;
	long st;

	if (!strcmp(op, "org-config")) {
		if (exo_call(ms, "Get-OrganizationConfig", NULL, NULL, &rows, &st, err))
			return NULL;
		if (!(row = cJSON_GetArrayItem(rows, 0)))
			*err = xstrdup("Get-OrganizationConfig: no object returned");
		else /* SendFromAliasEnabled defaults to false */
			v = bool_value(row, param_str(params, "parameter"), false);
	} else if (!strcmp(op, "remote-domain")) {
		if (exo_call(ms, "Get-RemoteDomain", NULL, NULL, &rows, &st, err))
			return NULL;
		if (!(row = find_named(rows, "DomainName", param_str(params, "domain"))))
			*err = xstrfmt("remote domain '%s' no longer exists", param_str(params, "domain"));
		else /* Exchange Online's default is true */
			v = bool_value(row, "AutoForwardEnabled", true);
	} else if (!strcmp(op, "mailbox-forwarding")) {
		const char *id = param_str(params, "identity");
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "Identity", id);
		if (exo_call(ms, "Get-Mailbox", p, id, &rows, &st, err))
			return NULL;
		if (!(row = cJSON_GetArrayItem(rows, 0))) {
			*err = xstrfmt("Get-Mailbox: mailbox '%s' not found", id);
		} else if (!same_object(params, "guid", mailbox_guid(row), id, err)) {
			/* an edited journal pointing the change at another mailbox */
		} else {
			v = cJSON_CreateObject();
			cJSON_AddItemToObject(v, "ForwardingSmtpAddress", str_or_null(row, "ForwardingSmtpAddress"));
			cJSON_AddItemToObject(v, "ForwardingAddress", str_or_null(row, "ForwardingAddress"));
			cJSON_AddItemToObject(v, "DeliverToMailboxAndForward",
					      bool_value(row, "DeliverToMailboxAndForward", false));
		}
	} else if (!strcmp(op, "inbox-rule")) {
		if (graph_rule(ms, params, NULL, &rows, err))
			return NULL;
		/* the rule's identity: its id and the display name the plan saw */
		if (same_object(params, "rule_id", m365_json_str(rows, "id"), param_str(params, "rule_name"), err) &&
		    (!*param_str(params, "rule_name") ||
		     same_object(params, "rule_name", m365_json_str(rows, "displayName"),
				 param_str(params, "rule_id"), err)))
			v = bool_value(rows, "isEnabled", true);
	} else if (!strcmp(op, "outbound-policy")) {
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "Identity", param_str(params, "identity"));
		if (exo_call(ms, "Get-HostedOutboundSpamFilterPolicy", p, NULL, &rows, &st, err))
			return NULL;
		if (!(row = cJSON_GetArrayItem(rows, 0)))
			*err = xstrfmt("outbound spam policy '%s' not found", param_str(params, "identity"));
		else
			v = mode_value(row);
	} else if (!strcmp(op, "scoped-policy")) {
		v = read_scoped(ms, params, err);
	} else if (!strcmp(op, "rule-priorities")) {
		v = rule_priorities(ms, err);
	} else {
		*err = xstrfmt("unknown change kind '%s' (a journal from another version?)", op);
	}
	cJSON_Delete(rows);
	return v;
}

/* plain_call - exo_call without a result; 0 or -1 with *err */
static int plain_call(struct m365_session *ms, const char *cmdlet, cJSON *params, const char *mailbox,
		      long *status, char **err)
{
	return exo_call(ms, cmdlet, params, mailbox, NULL, status, err);
}

/* remove_named - Remove-<what> -Identity name -Confirm:$false; a missing object is fine */
static int remove_named(struct m365_session *ms, const char *cmdlet, const char *name, char **err)
{
	cJSON *p = cJSON_CreateObject();
	long st = 0;
	cJSON_AddStringToObject(p, "Identity", name);
	cJSON_AddFalseToObject(p, "Confirm");
	if (!plain_call(ms, cmdlet, p, NULL, &st, err))
		return 0;
	if (st == 404) {
		FREE_AND_NULL(*err);
		return 0;
	}
	return -1;
}

/* rule_priorities - {rule name: priority} of every outbound spam filter rule */
static cJSON *rule_priorities(struct m365_session *ms, char **err)
{
	cJSON *rules = NULL, *r, *out;
	long st;
	if (exo_call(ms, "Get-HostedOutboundSpamFilterRule", NULL, NULL, &rules, &st, err))
		return NULL;
	out = cJSON_CreateObject();
	cJSON_ArrayForEach(r, rules) {
		const char *name = m365_json_str(r, "Name");
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(r, "Priority");
		if (name && cJSON_IsNumber(pr) && !cJSON_GetObjectItemCaseSensitive(out, name))
			cJSON_AddNumberToObject(out, name, pr->valuedouble);
	}
	cJSON_Delete(rules);
	return out;
}

/* restore_priorities - give every rule the plan recorded its priority back
 * (lowest first: Exchange keeps priorities contiguous and moves the others) */
static int restore_priorities(struct m365_session *ms, const cJSON *want, char **err)
{
	size_t n = (size_t)cJSON_GetArraySize(want);
	for (long prio = 0, done = 0; (size_t)done < n && prio < 100000; prio++) {
		const cJSON *w;
		cJSON_ArrayForEach(w, want) {
			cJSON *live, *p, *cur;
			long st;
			if (!cJSON_IsNumber(w) || (long)w->valuedouble != prio)
				continue;
			done++;
			if (!(live = rule_priorities(ms, err)))
				return -1;
			cur = cJSON_GetObjectItemCaseSensitive(live, w->string);
			bool same = !cur || (long)cur->valuedouble == prio; /* gone: nothing to restore */
			cJSON_Delete(live);
			if (same)
				continue;
			p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "Identity", w->string);
			cJSON_AddNumberToObject(p, "Priority", (double)prio);
			if (plain_call(ms, "Set-HostedOutboundSpamFilterRule", p, NULL, &st, err))
				return -1;
		}
	}
	return 0;
}

/* already_made - after New-* answered "already exists" (a retry of a call
 * that succeeded server-side, e.g. a 5xx after the write): read the object
 * back and accept it when it is the one we asked for */
static bool already_made(struct m365_session *ms, const char *list, const char *name,
			 const char *key, const cJSON *want, long st, char **err)
{
	cJSON *rows = NULL, *row;
	char *e2 = NULL;
	long st2;
	bool ok;
	if (st != 400 || !*err || !strstr(*err, "already exists"))
		return false;
	if (exo_call(ms, list, NULL, NULL, &rows, &st2, &e2)) {
		free(e2);
		return false;
	}
	row = find_named(rows, "Name", name);
	ok = row && (!key || cJSON_Compare(cJSON_GetObjectItemCaseSensitive(row, key), want, 0) ||
		     (cJSON_IsString(want) && m365_json_str(row, key) &&
		      !strcasecmp(m365_json_str(row, key), want->valuestring)));
	cJSON_Delete(rows);
	if (ok)
		FREE_AND_NULL(*err);
	return ok;
}

/* remove_scoped - remove the rule and the policy, then restore the other rules' priorities */
static int remove_scoped(struct m365_session *ms, const cJSON *params, char **err)
{
	const char *name = param_str(params, "name");
	const cJSON *prios = cJSON_GetObjectItemCaseSensitive(params, "priorities");
	if (remove_named(ms, "Remove-HostedOutboundSpamFilterRule", name, err) ||
	    remove_named(ms, "Remove-HostedOutboundSpamFilterPolicy", name, err))
		return -1;
	return cJSON_IsObject(prios) ? restore_priorities(ms, prios, err) : 0;
}

/* new_scoped_rule - New-HostedOutboundSpamFilterRule -From exactly from, priority 0 */
static int new_scoped_rule(struct m365_session *ms, const char *name, const cJSON *from, char **err)
{
	cJSON *p = cJSON_CreateObject();
	long st = 0;
	cJSON_AddStringToObject(p, "Name", name);
	cJSON_AddStringToObject(p, "HostedOutboundSpamFilterPolicy", name);
	cJSON_AddItemToObject(p, "From", cJSON_Duplicate(from, 1));
	cJSON_AddNumberToObject(p, "Priority", 0);
	if (!plain_call(ms, "New-HostedOutboundSpamFilterRule", p, NULL, &st, err))
		return 0;
	return already_made(ms, "Get-HostedOutboundSpamFilterRule", name, "From", from, st, err) ? 0 : -1;
}

/* write_scoped - create the policy (or reuse an unused one) and its rule (v an
 * object), or remove both (v null) */
static int write_scoped(struct m365_session *ms, const cJSON *params, const cJSON *v, char **err)
{
	const char *name = param_str(params, "name");
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(v, "AutoForwardingMode");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(v, "From");
	cJSON *p, *pols = NULL;
	bool existed;
	long st = 0;
	if (cJSON_IsNull(v))
		return remove_scoped(ms, params, err);
	if (!cJSON_IsString(mode) || !cJSON_IsArray(from)) {
		*err = xstrfmt("policy '%s': value wants AutoForwardingMode and From", name);
		return -1;
	}
	if (exo_call(ms, "Get-HostedOutboundSpamFilterPolicy", NULL, NULL, &pols, &st, err))
		return -1;
	existed = find_named(pols, "Name", name) != NULL;
	cJSON_Delete(pols);
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, existed ? "Identity" : "Name", name);
	cJSON_AddStringToObject(p, "AutoForwardingMode", mode->valuestring);
	if (plain_call(ms, existed ? "Set-HostedOutboundSpamFilterPolicy" : "New-HostedOutboundSpamFilterPolicy",
		       p, NULL, &st, err) &&
	    (existed || !already_made(ms, "Get-HostedOutboundSpamFilterPolicy", name,
				      "AutoForwardingMode", mode, st, err)))
		return -1;
	if (new_scoped_rule(ms, name, from, err)) {
		/* never leave half a change behind: drop the policy again */
		char *e2 = NULL;
		if (!existed && remove_named(ms, "Remove-HostedOutboundSpamFilterPolicy", name, &e2)) {
			char *both = xstrfmt("%s; removing the new policy failed too: %s", *err, e2);
			free(*err);
			*err = both;
		}
		free(e2);
		return -1;
	}
	return 0;
}

/* write_value - make the live value of c's setting equal the JSON text value */
static int write_value(struct m365_session *ms, const struct fix_change *c, const char *text,
		       char **err)
{
	const cJSON *params = c->params;
	const char *op = param_str(params, "op");
	cJSON *v = cJSON_Parse(text), *p = NULL, *rows = NULL, *out = NULL;
	long st;
	int ret = -1;

	if (!v) {
		*err = xstrfmt("%s: the value %s is not JSON", c->object, text);
		return -1;
	}
	if (!strcmp(op, "org-config")) {
		p = cJSON_CreateObject();
		cJSON_AddItemToObject(p, param_str(params, "parameter"), cJSON_Duplicate(v, 1));
		ret = plain_call(ms, "Set-OrganizationConfig", p, NULL, &st, err);
	} else if (!strcmp(op, "remote-domain")) {
		const char *dom = param_str(params, "domain");
		const char *id = !strcmp(dom, "*") ? "Default" : dom;
		cJSON *row;
		/* the cmdlet wants the remote domain's Identity (Name), not its DomainName */
		if (exo_call(ms, "Get-RemoteDomain", NULL, NULL, &rows, &st, err))
			goto out;
		if ((row = find_named(rows, "DomainName", dom)) && m365_json_str(row, "Identity"))
			id = m365_json_str(row, "Identity");
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "Identity", id);
		cJSON_AddItemToObject(p, "AutoForwardEnabled", cJSON_Duplicate(v, 1));
		ret = plain_call(ms, "Set-RemoteDomain", p, NULL, &st, err);
	} else if (!strcmp(op, "mailbox-forwarding")) {
		static const char *const keys[] = { "ForwardingSmtpAddress", "ForwardingAddress",
						    "DeliverToMailboxAndForward" };
		const char *id = param_str(params, "identity");
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "Identity", id);
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, keys[i]);
			cJSON_AddItemToObject(p, keys[i], x ? cJSON_Duplicate(x, 1) : cJSON_CreateNull());
		}
		ret = plain_call(ms, "Set-Mailbox", p, id, &st, err);
	} else if (!strcmp(op, "inbox-rule")) {
		cJSON *b = cJSON_CreateObject();
		char *body;
		cJSON_AddItemToObject(b, "isEnabled", cJSON_Duplicate(v, 1));
		body = cJSON_PrintUnformatted(b);
		cJSON_Delete(b);
		/* only isEnabled: complex properties would be replaced wholesale */
		ret = graph_rule(ms, params, body, &out, err);
		free(body);
	} else if (!strcmp(op, "outbound-policy")) {
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "Identity", param_str(params, "identity"));
		cJSON_AddItemToObject(p, "AutoForwardingMode", cJSON_Duplicate(v, 1));
		ret = plain_call(ms, "Set-HostedOutboundSpamFilterPolicy", p, NULL, &st, err);
	} else if (!strcmp(op, "scoped-policy")) {
		ret = write_scoped(ms, params, v, err);
	} else {
		*err = xstrfmt("unknown change kind '%s' (a journal from another version?)", op);
	}
out:
	cJSON_Delete(v);
	cJSON_Delete(rows);
	cJSON_Delete(out);
	return ret;
}

/* record_identity - params["guid"] = the mailbox's immutable id (plan time),
 * so every later re-read compares the object, not only the value */
static int record_identity(struct m365_session *ms, cJSON *params, char **err)
{
	const char *id = param_str(params, "identity");
	cJSON *p, *rows = NULL, *row;
	long st;
	int ret = -1;
	if (strcmp(param_str(params, "op"), "mailbox-forwarding") || *param_str(params, "guid"))
		return 0;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "Identity", id);
	if (exo_call(ms, "Get-Mailbox", p, id, &rows, &st, err))
		return -1;
	if (!(row = cJSON_GetArrayItem(rows, 0)) || !mailbox_guid(row))
		*err = xstrfmt("Get-Mailbox: mailbox '%s' not found, or it has no ExchangeGuid", id);
	else {
		cJSON_AddStringToObject(params, "guid", mailbox_guid(row));
		ret = 0;
	}
	cJSON_Delete(rows);
	return ret;
}

/* plan_reader - m365_fix_reader.read: the live value as JSON text (recording
 * the object's identity in params first) */
static int plan_reader(void *ctx, cJSON *params, char **value, char **err)
{
	if (record_identity(ctx, params, err))
		return -1;
	cJSON *v = read_params(ctx, params, err);
	if (!v)
		return -1;
	*value = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	return 0;
}

/* m365_plan_fix - see provider.h plan_fix */
int m365_plan_fix(struct provider_session *ps, const struct snapshot *snap, const struct finding *f,
		  const char *variant, struct fix_plan *plan, char **err)
{
	struct m365_fix_reader rd = { plan_reader, ps };
	return m365_fix_map(snap, f, variant, &rd, plan, err);
}

/* m365_read_value - see provider.h read_value */
int m365_read_value(struct provider_session *ps, const struct fix_change *c, char **out, char **err)
{
	cJSON *v = read_params((struct m365_session *)ps, c->params, err);
	if (!v)
		return -1;
	*out = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	return 0;
}

/* m365_tenant_key - see provider.h tenant_key: the tenant GUID (checked by
 * open; every token is issued for exactly this tenant) */
int m365_tenant_key(struct provider_session *ps, char **out, char **err)
{
	(void)err;
	*out = lowercase_ascii(xstrdup(((struct m365_session *)ps)->tenant_id));
	return 0;
}

/* m365_apply_change - see provider.h apply_change */
int m365_apply_change(struct provider_session *ps, const struct fix_change *c, char **err)
{
	return write_value((struct m365_session *)ps, c, c->new_value, err);
}

/* m365_revert_change - see provider.h revert_change */
int m365_revert_change(struct provider_session *ps, const struct fix_change *c, char **err)
{
	return write_value((struct m365_session *)ps, c, c->old_value, err);
}
