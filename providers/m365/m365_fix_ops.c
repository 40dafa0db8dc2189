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
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* param_str - params[key] as a string ("" when missing) */
static const char *param_str(const cJSON *params, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* describe - one line for a failed call, with the permission it needs on 403 */
static char *describe(const struct http_request *r, const char *what, bool graph)
{
	char *d = http_describe_failure(r), *out;
	if (r->status == 403 && !r->error)
		out = xstrfmt("%s: %s (%s)", what, d, graph
			      ? "writing inbox rules needs the Graph application permission "
				"MailboxSettings.ReadWrite"
			      : "the app's Exchange role does not allow this cmdlet; fixes need "
				"Exchange Administrator or a custom role with it");
	else
		out = xstrfmt("%s: %s", what, d);
	free(d);
	return out;
}

/* exo_call - run cmdlet with params (taken); *value = the "value" array (caller
 * frees; may be NULL), *status = the HTTP status. 0, or -1 with *err. */
static int exo_call(struct m365_session *ms, const char *cmdlet, cJSON *params,
		    const char *mailbox, cJSON **value, long *status, char **err)
{
	cJSON *body = cJSON_CreateObject(), *ci = cJSON_AddObjectToObject(body, "CmdletInput"), *j;
	char *url = xstrfmt("%s/adminapi/beta/%s/InvokeCommand", ms->exchange_url, ms->tenant_id);
	char *anchor = mailbox ? xstrfmt("SMTP:%s", mailbox) : xstrfmt("%s%s", M365_ANCHOR, ms->tenant_id);
	struct http_request *r = http_request_new("POST", url);
	char *text;
	int ret = -1;

	cJSON_AddStringToObject(ci, "CmdletName", cmdlet);
	cJSON_AddItemToObject(ci, "Parameters", params ? params : cJSON_CreateObject());
	text = cJSON_PrintUnformatted(body);
	http_request_add_header(r, "Content-Type", "application/json");
	http_request_add_header(r, "Accept", "application/json");
	http_request_add_header(r, "X-AnchorMailbox", anchor);
	if (mailbox)
		http_request_add_header(r, "parameter-based-routing", "true");
	http_request_add_header(r, "X-CmdletName", cmdlet);
	http_request_add_header(r, "X-ResponseFormat", "json");
	http_request_add_header(r, "X-ClientApplication", "aliasaudit");
	http_request_set_body(r, text, strlen(text));
	r->auth = &ms->exchange.base;
	http_run(ms->http, &r, 1);
	*status = r->status;
	if (value)
		*value = NULL;
	if (!http_ok(r)) {
		*err = describe(r, cmdlet, false);
		goto out;
	}
	if (value) {
		char *perr = NULL;
		if (!(j = http_parse_json(r, &perr))) {
			*err = xstrfmt("%s: %s", cmdlet, perr);
			free(perr);
			goto out;
		}
		*value = cJSON_DetachItemFromObjectCaseSensitive(j, "value");
		cJSON_Delete(j);
		if (!cJSON_IsArray(*value)) {
			cJSON_Delete(*value);
			*value = NULL;
			*err = xstrfmt("%s: the answer has no 'value' list", cmdlet);
			goto out;
		}
	}
	ret = 0;
out:
	http_request_free(r);
	cJSON_Delete(body);
	free(text);
	free(url);
	free(anchor);
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

/* write_scoped - create the policy (or reuse an unused one) and its rule (v an
 * object), or remove both (v null) */
static int write_scoped(struct m365_session *ms, const cJSON *params, const cJSON *v, char **err)
{
	const char *name = param_str(params, "name");
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(v, "AutoForwardingMode");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(v, "From");
	cJSON *p, *pols = NULL;
	bool existed;
	long st;
	if (cJSON_IsNull(v))
		return remove_named(ms, "Remove-HostedOutboundSpamFilterRule", name, err) ||
		       remove_named(ms, "Remove-HostedOutboundSpamFilterPolicy", name, err) ? -1 : 0;
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
		       p, NULL, &st, err))
		return -1;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "Name", name);
	cJSON_AddStringToObject(p, "HostedOutboundSpamFilterPolicy", name);
	cJSON_AddItemToObject(p, "From", cJSON_Duplicate(from, 1));
	cJSON_AddNumberToObject(p, "Priority", 0);
	if (plain_call(ms, "New-HostedOutboundSpamFilterRule", p, NULL, &st, err)) {
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

/* plan_reader - m365_fix_reader.read: the live value as JSON text */
static int plan_reader(void *ctx, const cJSON *params, char **value, char **err)
{
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
	return plan_reader(ps, c->params, out, err);
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
