/*
 * m365_exo_write.c - the write cmdlets of the mock Exchange admin API, which
 * change the live tenant (the fixture) so a later audit sees the change:
 * Set-OrganizationConfig, Set-Mailbox (forwarding), Set-RemoteDomain,
 * New-/Set-/Remove-HostedOutboundSpamFilterPolicy and New-/Remove-
 * HostedOutboundSpamFilterRule (priorities shift as in Exchange: a rule
 * inserted at N pushes the others down, removing one closes the gap).
 * Set-HostedOutboundSpamFilterRule -Priority moves a rule (priorities stay
 * contiguous: "rules can't have the same priority value", Set-/New-
 * HostedOutboundSpamFilterRule, Microsoft Learn / Microsoft365DSC schema).
 * Errors have the documented shapes: 404 NotFound (ManagementObjectNotFound)
 * for an unknown identity, 400 BadRequest for bad values, existing names,
 * or a policy still used by a rule. A successful write answers 200 with an
 * empty value (New-* with the new object).
 *
 * Fix-test knob (POST /_m365/knobs {"fail_after_write": [{"cmdlet", "status",
 * "times"}]}): the write is made, then answered with that status (a 5xx
 * after the change took effect server-side; the client's retry then meets
 * "already exists"); {"keep_priority_gaps": true}: Remove-HostedOutboundSpamFilterRule
 * leaves the other rules' priorities as they are (the docs say priorities
 * are unique, not that a removal renumbers: a client must not rely on it).
 * GET /_m365/state dumps the live tenant (the whole
 * fixture) so tests compare the state before and after a fix field by field.
 */
#include "m365_mock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_mutex_t fail_mu = PTHREAD_MUTEX_INITIALIZER;
static cJSON *fail_rules;   /* [{"cmdlet", "status", "times"}] */
static bool keep_gaps;      /* keep_priority_gaps knob */

#define HOSTED_POLICY "Get-HostedOutboundSpamFilterPolicy"
#define HOSTED_RULE "Get-HostedOutboundSpamFilterRule"

/* write_ok - the success envelope, with value (taken; NULL: empty) */
static void write_ok(struct mresp *rs, const char *tenant, cJSON *value)
{
	cJSON *out = cJSON_CreateObject();
	char *ctx = mx_fmt("https://outlook.office365.com/adminapi/beta/%s/$metadata#Collection(Exchange.GenericHashTable)",
			   tenant);
	cJSON_AddStringToObject(out, "@odata.context", ctx);
	cJSON_AddStringToObject(out, "adminapi.warnings@odata.type", "#Collection(String)");
	cJSON_AddArrayToObject(out, "@adminapi.warnings");
	cJSON_AddItemToObject(out, "value", value ? value : cJSON_CreateArray());
	resp_json(rs, 200, out);
	free(ctx);
}

/* not_found - 404 ManagementObjectNotFoundException for identity */
static void not_found(struct mresp *rs, const char *identity)
{
	char *d = mx_fmt("Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object '%s' couldn't be found on 'MOCKPR01A001DC001.PROD.OUTLOOK.COM'.", identity);
	m365_exo_error(rs, 404, "NotFound", "Error executing cmdlet", d,
		       "Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException");
	free(d);
}

/* bad_request - 400 with an exception class and text */
static void bad_request(struct mresp *rs, const char *cls, const char *text)
{
	char *d = mx_fmt("|%s|%s", cls, text), *type = mx_fmt("%s", cls);
	m365_exo_error(rs, 400, "BadRequest", "Invalid Operation", d, type);
	free(d);
	free(type);
}

/* bad_value - 400: a parameter's value cannot be converted */
static void bad_value(struct mresp *rs, const char *param, const char *type)
{
	char *t = mx_fmt("Cannot process argument transformation on parameter '%s'. Cannot convert value to type \"%s\".",
			 param, type);
	bad_request(rs, "System.Management.Automation.ParameterBindingException", t);
	free(t);
}

/* param - params[key] (case-insensitive, as PowerShell binds them) */
static cJSON *param(cJSON *params, const char *key)
{
	return cJSON_GetObjectItem(params, key);
}

/* str_param - params[key] as a non-empty string, or NULL */
static const char *str_param(cJSON *params, const char *key)
{
	cJSON *v = param(params, key);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* missing - 400: a mandatory parameter is absent */
static void missing(struct mresp *rs, const char *key)
{
	char *t = mx_fmt("Cannot process command because of one or more missing mandatory parameters: %s.", key);
	bad_request(rs, "System.Management.Automation.ParameterBindingException", t);
	free(t);
}

/* find_row - the row of list answering to identity, or NULL */
static cJSON *find_row(const char *list, const char *identity)
{
	cJSON *o;
	cJSON_ArrayForEach(o, m365_exo_data(list))
		if (m365_matches_identity(o, identity))
			return o;
	return NULL;
}

/* set_field - row[key] = copy of v */
static void set_field(cJSON *row, const char *key, const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, 1);
	if (cJSON_GetObjectItem(row, key))
		cJSON_ReplaceItemInObject(row, key, c);
	else
		cJSON_AddItemToObject(row, key, c);
}

/* check_bools - every key in keys that is present must be a boolean */
static bool check_bools(cJSON *params, const char *const *keys, struct mresp *rs)
{
	for (int i = 0; keys[i]; i++) {
		cJSON *v = param(params, keys[i]);
		if (v && !cJSON_IsBool(v)) {
			bad_value(rs, keys[i], "System.Boolean");
			return false;
		}
	}
	return true;
}

/* copy_bools - set each key of keys given in params on row (checked by check_bools) */
static void copy_bools(cJSON *row, cJSON *params, const char *const *keys)
{
	for (int i = 0; keys[i]; i++)
		if (param(params, keys[i]))
			set_field(row, keys[i], param(params, keys[i]));
}

/* identity_row - the row of cmdlet's data named by the Identity parameter id,
 * or NULL with rs set (400 when the parameter is missing, 404 when unknown) */
static cJSON *identity_row(const char *id, const char *cmdlet, struct mresp *rs)
{
	cJSON *row;
	if (!id) {
		missing(rs, "Identity");
		return NULL;
	}
	if (!(row = find_row(cmdlet, id)))
		not_found(rs, id);
	return row;
}

/* mode_param - AutoForwardingMode canonicalised, or NULL (rs set) when invalid */
static const char *mode_param(cJSON *params, struct mresp *rs)
{
	static const char *const modes[] = { "Automatic", "On", "Off", NULL };
	const char *m = str_param(params, "AutoForwardingMode");
	for (int i = 0; m && modes[i]; i++)
		if (!strcasecmp(m, modes[i]))
			return modes[i];
	bad_request(rs, "System.Management.Automation.ParameterBindingException",
		    "Cannot bind parameter 'AutoForwardingMode'. Specify one of the following enumerator names and try again: Automatic, On, Off");
	return NULL;
}

/* set_org - Set-OrganizationConfig */
static void set_org(cJSON *params, const char *tenant, struct mresp *rs)
{
	static const char *const keys[] = { "SendFromAliasEnabled", "DisablePlusAddressInRecipients", NULL };
	cJSON *org = cJSON_GetArrayItem(m365_exo_data("Get-OrganizationConfig"), 0);
	if (!org) {
		not_found(rs, "OrganizationConfig");
		return;
	}
	if (!check_bools(params, keys, rs))
		return;
	copy_bools(org, params, keys);
	write_ok(rs, tenant, NULL);
}

/* set_mailbox - Set-Mailbox: the forwarding fields */
static void set_mailbox(cJSON *params, const char *tenant, struct mresp *rs)
{
	static const char *const bools[] = { "DeliverToMailboxAndForward", NULL };
	const char *id = str_param(params, "Identity");
	cJSON *mbx, *fs = param(params, "ForwardingSmtpAddress"), *fa = param(params, "ForwardingAddress");
	if (!(mbx = identity_row(id, "Get-Mailbox", rs)))
		return;
	if (!check_bools(params, bools, rs))
		return;
	if (fs && !cJSON_IsNull(fs) && (!cJSON_IsString(fs) || !strchr(fs->valuestring, '@'))) {
		bad_value(rs, "ForwardingSmtpAddress", "Microsoft.Exchange.Data.ProxyAddress");
		return;
	}
	if (fa && !cJSON_IsNull(fa)) {
		if (!cJSON_IsString(fa)) {
			bad_value(rs, "ForwardingAddress", "Microsoft.Exchange.Configuration.Tasks.RecipientIdParameter");
			return;
		}
		if (!find_row("Get-Mailbox", fa->valuestring) && !find_row("Get-MailContact", fa->valuestring) &&
		    !find_row("Get-DistributionGroup", fa->valuestring)) {
			not_found(rs, fa->valuestring);
			return;
		}
	}
	if (fs) {
		/* stored as the service shows it: "smtp:addr" */
		cJSON *v = cJSON_IsNull(fs) ? cJSON_CreateNull() :
			!strncasecmp(fs->valuestring, "smtp:", 5) ? cJSON_CreateString(fs->valuestring) :
			NULL;
		if (!v) {
			char *t = mx_fmt("smtp:%s", fs->valuestring);
			v = cJSON_CreateString(t);
			free(t);
		}
		set_field(mbx, "ForwardingSmtpAddress", v);
		cJSON_Delete(v);
	}
	if (fa)
		set_field(mbx, "ForwardingAddress", fa);
	if (param(params, "DeliverToMailboxAndForward"))
		set_field(mbx, "DeliverToMailboxAndForward", param(params, "DeliverToMailboxAndForward"));
	write_ok(rs, tenant, NULL);
}

/* set_remote_domain - Set-RemoteDomain -AutoForwardEnabled */
static void set_remote_domain(cJSON *params, const char *tenant, struct mresp *rs)
{
	static const char *const bools[] = { "AutoForwardEnabled", "AutoReplyEnabled", NULL };
	const char *id = str_param(params, "Identity");
	cJSON *rd;
	if (!(rd = identity_row(id, "Get-RemoteDomain", rs)))
		return;
	if (!check_bools(params, bools, rs))
		return;
	copy_bools(rd, params, bools);
	write_ok(rs, tenant, NULL);
}

/* new_policy - New-HostedOutboundSpamFilterPolicy */
static void new_policy(cJSON *params, const char *tenant, struct mresp *rs)
{
	const char *name = str_param(params, "Name"), *mode = "Automatic";
	cJSON *p;
	if (!name) {
		missing(rs, "Name");
		return;
	}
	if (find_row(HOSTED_POLICY, name)) {
		char *t = mx_fmt("The object '%s' already exists.", name);
		bad_request(rs, "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException", t);
		free(t);
		return;
	}
	if (param(params, "AutoForwardingMode") && !(mode = mode_param(params, rs)))
		return;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "Name", name);
	cJSON_AddStringToObject(p, "Identity", name);
	cJSON_AddFalseToObject(p, "IsDefault");
	cJSON_AddTrueToObject(p, "Enabled");
	cJSON_AddStringToObject(p, "AutoForwardingMode", mode);
	cJSON_AddStringToObject(p, "ActionWhenThresholdReached", "BlockUserForToday");
	cJSON_AddNumberToObject(p, "RecipientLimitExternalPerHour", 0);
	cJSON_AddNumberToObject(p, "RecipientLimitInternalPerHour", 0);
	cJSON_AddNumberToObject(p, "RecipientLimitPerDay", 0);
	cJSON_AddItemToArray(m365_exo_data(HOSTED_POLICY), p);
	{
		cJSON *v = cJSON_CreateArray();
		cJSON_AddItemToArray(v, cJSON_Duplicate(p, 1));
		write_ok(rs, tenant, v);
	}
}

/* set_policy - Set-HostedOutboundSpamFilterPolicy -AutoForwardingMode */
static void set_policy(cJSON *params, const char *tenant, struct mresp *rs)
{
	const char *id = str_param(params, "Identity"), *mode;
	cJSON *p;
	if (!(p = identity_row(id, HOSTED_POLICY, rs)))
		return;
	if (param(params, "AutoForwardingMode")) {
		cJSON *v;
		if (!(mode = mode_param(params, rs)))
			return;
		v = cJSON_CreateString(mode);
		set_field(p, "AutoForwardingMode", v);
		cJSON_Delete(v);
	}
	write_ok(rs, tenant, NULL);
}

/* rule_of_policy - the rule that uses policy name, or NULL */
static cJSON *rule_of_policy(const char *name)
{
	cJSON *r;
	cJSON_ArrayForEach(r, m365_exo_data(HOSTED_RULE)) {
		cJSON *p = cJSON_GetObjectItem(r, "HostedOutboundSpamFilterPolicy");
		if (cJSON_IsString(p) && !strcasecmp(p->valuestring, name))
			return r;
	}
	return NULL;
}

/* remove_from - detach and free row from list */
static void remove_from(const char *list, cJSON *row)
{
	cJSON_Delete(cJSON_DetachItemViaPointer(m365_exo_data(list), row));
}

/* remove_policy - Remove-HostedOutboundSpamFilterPolicy */
static void remove_policy(cJSON *params, const char *tenant, struct mresp *rs)
{
	const char *id = str_param(params, "Identity");
	cJSON *p, *def;
	if (!(p = identity_row(id, HOSTED_POLICY, rs)))
		return;
	def = cJSON_GetObjectItem(p, "IsDefault");
	if (cJSON_IsTrue(def)) {
		bad_request(rs, "Microsoft.Exchange.Management.Tasks.ValidationException",
			    "The default policy can't be removed.");
		return;
	}
	if (rule_of_policy(cJSON_GetObjectItem(p, "Name")->valuestring)) {
		char *t = mx_fmt("The policy '%s' is used by a rule; remove the rule first.", id);
		bad_request(rs, "Microsoft.Exchange.Management.Tasks.ValidationException", t);
		free(t);
		return;
	}
	remove_from(HOSTED_POLICY, p);
	write_ok(rs, tenant, NULL);
}

/* shift_priorities - add delta to the priority of every rule at or after from */
static void shift_priorities(long from, int delta)
{
	cJSON *r;
	cJSON_ArrayForEach(r, m365_exo_data(HOSTED_RULE)) {
		cJSON *pr = cJSON_GetObjectItem(r, "Priority");
		if (cJSON_IsNumber(pr) && pr->valuedouble >= (double)from)
			cJSON_SetNumberValue(pr, pr->valuedouble + delta);
	}
}

/* string_array - params[key] as an array of strings (copy), [] when absent, NULL when bad */
static cJSON *string_array(cJSON *params, const char *key, struct mresp *rs)
{
	cJSON *v = param(params, key), *e;
	bool strings = true;
	if (!v || cJSON_IsNull(v))
		return cJSON_CreateArray();
	if (cJSON_IsString(v)) {
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateString(v->valuestring));
		return a;
	}
	cJSON_ArrayForEach(e, v)
		strings &= cJSON_IsString(e);
	if (!cJSON_IsArray(v) || !strings) {
		bad_value(rs, key, "System.String[]");
		return NULL;
	}
	return cJSON_Duplicate(v, 1);
}

/* new_rule - New-HostedOutboundSpamFilterRule */
static void new_rule(cJSON *params, const char *tenant, struct mresp *rs)
{
	static const char *const lists[] = { "From", "FromMemberOf", "SenderDomainIs", "ExceptIfFrom",
					     "ExceptIfFromMemberOf", "ExceptIfSenderDomainIs", NULL };
	const char *name = str_param(params, "Name"), *pol = str_param(params, "HostedOutboundSpamFilterPolicy");
	cJSON *pr = param(params, "Priority"), *en = param(params, "Enabled"), *rules = m365_exo_data(HOSTED_RULE);
	cJSON *r, *v;
	long prio = cJSON_GetArraySize(rules);
	if (!name || !pol) {
		missing(rs, !name ? "Name" : "HostedOutboundSpamFilterPolicy");
		return;
	}
	if (find_row(HOSTED_RULE, name)) {
		char *t = mx_fmt("The object '%s' already exists.", name);
		bad_request(rs, "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException", t);
		free(t);
		return;
	}
	if (!find_row(HOSTED_POLICY, pol)) {
		not_found(rs, pol);
		return;
	}
	if ((pr && !cJSON_IsNumber(pr)) || (cJSON_IsNumber(pr) && (pr->valuedouble < 0 || pr->valuedouble > prio))) {
		bad_value(rs, "Priority", "System.Int32");
		return;
	}
	if (en && !cJSON_IsBool(en)) {
		bad_value(rs, "Enabled", "System.Boolean");
		return;
	}
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "Name", name);
	cJSON_AddStringToObject(r, "Identity", name);
	cJSON_AddStringToObject(r, "HostedOutboundSpamFilterPolicy", pol);
	for (int i = 0; lists[i]; i++) {
		cJSON *a = string_array(params, lists[i], rs);
		if (!a) {
			cJSON_Delete(r);
			return;
		}
		cJSON_AddItemToObject(r, lists[i], a);
	}
	if (cJSON_IsNumber(pr))
		prio = (long)pr->valuedouble;
	shift_priorities(prio, 1);
	cJSON_AddNumberToObject(r, "Priority", (double)prio);
	cJSON_AddStringToObject(r, "State", cJSON_IsFalse(en) ? "Disabled" : "Enabled");
	cJSON_AddNullToObject(r, "Comments");
	cJSON_AddItemToArray(rules, r);
	v = cJSON_CreateArray();
	cJSON_AddItemToArray(v, cJSON_Duplicate(r, 1));
	write_ok(rs, tenant, v);
}

/* remove_rule - Remove-HostedOutboundSpamFilterRule */
static void remove_rule(cJSON *params, const char *tenant, struct mresp *rs)
{
	const char *id = str_param(params, "Identity");
	cJSON *r, *pr;
	double prio;
	if (!(r = identity_row(id, HOSTED_RULE, rs)))
		return;
	pr = cJSON_GetObjectItem(r, "Priority");
	prio = cJSON_IsNumber(pr) ? pr->valuedouble : 1e9;
	remove_from(HOSTED_RULE, r);
	pthread_mutex_lock(&fail_mu);
	bool keep = keep_gaps;
	pthread_mutex_unlock(&fail_mu);
	if (!keep)
		shift_priorities((long)prio + 1, -1);
	write_ok(rs, tenant, NULL);
}

/* set_rule - Set-HostedOutboundSpamFilterRule -Priority: move the rule there */
static void set_rule(cJSON *params, const char *tenant, struct mresp *rs)
{
	const char *id = str_param(params, "Identity");
	cJSON *r, *pr = param(params, "Priority"), *cur;
	long n = cJSON_GetArraySize(m365_exo_data(HOSTED_RULE));
	if (!(r = identity_row(id, HOSTED_RULE, rs)))
		return;
	if (pr && (!cJSON_IsNumber(pr) || pr->valuedouble < 0 || pr->valuedouble > n - 1)) {
		bad_value(rs, "Priority", "System.Int32");
		return;
	}
	if (pr) {
		cur = cJSON_GetObjectItem(r, "Priority");
		double old = cJSON_IsNumber(cur) ? cur->valuedouble : (double)n;
		cJSON_SetNumberValue(cur, -1);           /* out of the way */
		shift_priorities((long)old + 1, -1);      /* close its gap */
		shift_priorities((long)pr->valuedouble, 1); /* open the new place */
		cJSON_SetNumberValue(cur, pr->valuedouble);
	}
	write_ok(rs, tenant, NULL);
}

static const struct {
	const char *name;
	void (*run)(cJSON *params, const char *tenant, struct mresp *rs);
} writers[] = {
	{ "Set-OrganizationConfig", set_org },
	{ "Set-Mailbox", set_mailbox },
	{ "Set-RemoteDomain", set_remote_domain },
	{ "New-HostedOutboundSpamFilterPolicy", new_policy },
	{ "Set-HostedOutboundSpamFilterPolicy", set_policy },
	{ "Remove-HostedOutboundSpamFilterPolicy", remove_policy },
	{ "New-HostedOutboundSpamFilterRule", new_rule },
	{ "Set-HostedOutboundSpamFilterRule", set_rule },
	{ "Remove-HostedOutboundSpamFilterRule", remove_rule },
};


/* fail_after - the fail_after_write knob: a write that succeeded answers with
 * a 5xx instead (Exchange Online can fail a request after committing it; the
 * docs are silent on how often, so the knob is explicit) */
static void fail_after(const char *cmdlet, struct mresp *rs)
{
	cJSON *r;
	if (rs->status != 200)
		return;
	pthread_mutex_lock(&fail_mu);
	cJSON_ArrayForEach(r, fail_rules) {
		cJSON *c = cJSON_GetObjectItem(r, "cmdlet"), *st = cJSON_GetObjectItem(r, "status");
		cJSON *times = cJSON_GetObjectItem(r, "times");
		if (!cJSON_IsString(c) || strcasecmp(c->valuestring, cmdlet) || !cJSON_IsNumber(st) ||
		    (cJSON_IsNumber(times) && times->valuedouble == 0))
			continue;
		if (cJSON_IsNumber(times) && times->valuedouble > 0)
			cJSON_SetNumberValue(times, times->valuedouble - 1);
		resp_text(rs, (unsigned)st->valuedouble, "text/plain", "");
		break;
	}
	pthread_mutex_unlock(&fail_mu);
}

/* m365_write_knobs - see m365_mock.h */
void m365_write_knobs(const cJSON *knobs)
{
	cJSON *v = cJSON_GetObjectItem(knobs, "fail_after_write");
	cJSON *k = cJSON_GetObjectItem(knobs, "keep_priority_gaps");
	pthread_mutex_lock(&fail_mu);
	if (cJSON_IsArray(v)) {
		cJSON_Delete(fail_rules);
		fail_rules = cJSON_Duplicate(v, 1);
	}
	if (cJSON_IsBool(k))
		keep_gaps = cJSON_IsTrue(k);
	pthread_mutex_unlock(&fail_mu);
}

/* m365_state_handler - see m365_mock.h */
void m365_state_handler(struct mreq *rq, struct mresp *rs)
{
	(void)rq;
	m365_state_rdlock();
	resp_json(rs, 200, cJSON_Duplicate(m365_fixture(), 1));
	m365_state_unlock();
}

/* m365_exo_is_write - see m365_mock.h */
bool m365_exo_is_write(const char *cmdlet)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (!strcasecmp(writers[i].name, cmdlet))
			return true;
	return false;
}

/* m365_exo_write - see m365_mock.h */
void m365_exo_write(const char *cmdlet, cJSON *params, const char *tenant, struct mresp *rs)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		if (strcasecmp(writers[i].name, cmdlet))
			continue;
		m365_state_wrlock();
		writers[i].run(params, tenant, rs);
		m365_state_unlock();
		fail_after(writers[i].name, rs);
		return;
	}
	resp_text(rs, 403, "text/plain", "");
}
