/*
 * m365_fix.c - which Microsoft 365 changes resolve a finding (pure mapping,
 * no network): the finding's documented fix and the snapshot give the
 * object, the setting, the expected old value and the new one, and the
 * provider-private params apply/revert need (m365_fix_ops.c). Params hold
 * identities, rule ids and names only, never a token or secret.
 *
 * Ops (params "op"): "org-config" (Set-OrganizationConfig), "remote-domain"
 * (Set-RemoteDomain), "mailbox-forwarding" (Set-Mailbox, old value = all
 * three forwarding fields), "inbox-rule" (Graph PATCH isEnabled),
 * "outbound-policy" (Set-HostedOutboundSpamFilterPolicy AutoForwardingMode),
 * "scoped-policy" (New-/Remove-HostedOutboundSpamFilterPolicy + Rule).
 *
 * Each change also carries its effect on the snapshot (core/fix_simulate.h)
 * so the engine can prove the plan. A forward an outbound policy blocks is
 * stopped by default (least egress); the scoped or org-wide allow is the
 * explicit --fix-variant.
 */
#include "m365.h"
#include "checks/check.h"
#include "core/fix_simulate.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* recipient_of - the recipient whose address or alias is addr, or NULL */
static const struct snapshot_recipient *recipient_of(const struct snapshot *s, const char *addr)
{
	for (size_t i = 0; i < s->nr_recipients; i++) {
		const struct snapshot_recipient *r = &s->recipients[i];
		if (str_eq_nocase(r->address, addr))
			return r;
		for (size_t a = 0; a < r->nr_aliases; a++)
			if (str_eq_nocase(r->aliases[a], addr))
				return r;
	}
	return NULL;
}

/* json_text - v as compact JSON text (caller frees); takes v */
static char *json_text(cJSON *v)
{
	char *t = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	if (!t)
		oom();
	return t;
}

/* add_change - append a change for finding f; takes old_value, new_value and params */
static void add_change(struct fix_plan *plan, const struct finding *f, const char *fix_id,
		       char *object, const char *setting, char *old_value, char *new_value,
		       cJSON *params)
{
	struct fix_change *c;
	ALLOC_GROW(plan->changes, plan->nr + 1, plan->alloc);
	c = &plan->changes[plan->nr++];
	memset(c, 0, sizeof(*c));
	c->tenant = xstrdup(f->tenant);
	c->provider = xstrdup("m365");
	c->object = object;
	c->setting = xstrdup(setting);
	c->old_value = old_value;
	c->new_value = new_value;
	c->finding_ids = xmalloc(sizeof(char *));
	c->finding_ids[0] = xstrdup(f->id);
	c->nr_finding_ids = 1;
	c->reversible = true;
	c->fix_id = xstrdup(fix_id);
	c->params = params;
}

/* kv - {key: value} with a string value */
static cJSON *kv(const char *key, const char *value)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, key, value);
	return o;
}

/* last_change - the change add_change appended last, to hang its effect and note on */
static struct fix_change *last_change(struct fix_plan *plan)
{
	return &plan->changes[plan->nr - 1];
}

/* op_params - a params object {"op": op} */
static cJSON *op_params(const char *op)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "op", op);
	return p;
}

/* m365_mode_name - Exchange's spelling of an AutoForwardingMode */
const char *m365_mode_name(enum forwarding_mode m)
{
	return m == FWD_MODE_ON ? "On" : m == FWD_MODE_OFF ? "Off" : "Automatic";
}

/* plan_send_from_alias - Set-OrganizationConfig -SendFromAliasEnabled $true */
static int plan_send_from_alias(const struct snapshot *s, const struct finding *f,
				struct fix_plan *plan)
{
	cJSON *p;
	if (s->policy.send_from_alias != TRI_FALSE)
		return 0;
	p = op_params("org-config");
	cJSON_AddStringToObject(p, "parameter", "SendFromAliasEnabled");
	add_change(plan, f, f->fix->id, xstrdup("organization config"), "SendFromAliasEnabled",
		   xstrdup("false"), xstrdup("true"), p);
	{
		cJSON *set = cJSON_CreateObject();
		cJSON_AddTrueToObject(set, "send_from_alias");
		last_change(plan)->effect = fix_effect_op("set", "policy", NULL, set);
	}
	return 1;
}

/* plan_remote_domain - Set-RemoteDomain -AutoForwardEnabled $false for f's subject */
static int plan_remote_domain(const struct snapshot *s, const struct finding *f,
			      struct fix_plan *plan)
{
	for (size_t i = 0; i < s->policy.nr_remote_domains; i++) {
		const struct remote_domain *rd = &s->policy.remote_domains[i];
		cJSON *p;
		if (!str_eq_nocase(rd->domain, f->subject) || !rd->auto_forward)
			continue;
		p = op_params("remote-domain");
		cJSON_AddStringToObject(p, "domain", rd->domain);
		add_change(plan, f, f->fix->id, xstrfmt("remote domain %s", rd->domain),
			   "AutoForwardEnabled", xstrdup("true"), xstrdup("false"), p);
		cJSON *set = cJSON_CreateObject();
		cJSON_AddFalseToObject(set, "auto_forward");
		last_change(plan)->effect = fix_effect_op("set", "policy.remote_domains",
						   kv("domain", rd->domain), set);
		return 1;
	}
	return 0;
}

/* is_edge_forward - does forward fw make f's first edge (subject → path[1])? */
static bool is_edge_forward(const struct snapshot *s, const struct finding *f,
			    const struct snapshot_forward *fw, enum forward_via via)
{
	const struct hop *h = &f->path[1];
	const struct snapshot_recipient *r;
	bool to = false;
	if (fw->via != via || !fw->enabled)
		return false;
	if (!str_eq_nocase(fw->from, f->subject)) {
		r = recipient_of(s, f->subject);
		if (!r || !str_eq_nocase(r->address, fw->from))
			return false;
	}
	for (size_t k = 0; k < fw->nr_to; k++)
		to |= str_eq_nocase(fw->to[k], h->address);
	if (!to)
		return false;
	if (via == VIA_INBOX_RULE && h->object) {
		/* the hop names the rule by its display name ("inbox rule" when it has none) */
		const char *name = fw->name && *fw->name ? fw->name : "inbox rule";
		if (strcmp(name, h->object))
			return false;
	}
	return true;
}

/* plan_inbox_rule - disable (never delete) every rule making f's first edge */
static int plan_inbox_rule(const struct snapshot *s, const struct finding *f, const char *fix_id,
			   struct fix_plan *plan)
{
	int n = 0;
	for (size_t i = 0; i < s->nr_forwards; i++) {
		const struct snapshot_forward *fw = &s->forwards[i];
		const struct snapshot_recipient *r;
		cJSON *p;
		if (!is_edge_forward(s, f, fw, VIA_INBOX_RULE) || !fw->id || !*fw->id)
			continue;
		r = recipient_of(s, fw->from);
		p = op_params("inbox-rule");
		cJSON_AddStringToObject(p, "mailbox", fw->from);
		cJSON_AddStringToObject(p, "user", r && r->id && *r->id ? r->id : fw->from);
		cJSON_AddStringToObject(p, "rule_id", fw->id);
		cJSON_AddStringToObject(p, "rule_name", fw->name ? fw->name : "");
		add_change(plan, f, fix_id,
			   xstrfmt("inbox rule '%s' of %s", fw->name && *fw->name ? fw->name : fw->id,
				   fw->from),
			   "isEnabled", xstrdup("true"), xstrdup("false"), p);
		cJSON *m = kv("from", fw->from), *set = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "via", forward_via_name(VIA_INBOX_RULE));
		cJSON_AddStringToObject(m, "id", fw->id);
		cJSON_AddFalseToObject(set, "enabled");
		last_change(plan)->effect = fix_effect_op("set", "forwards", m, set);
		n++;
	}
	return n;
}

/* m365_forwarding_cleared - the value Set-Mailbox leaves when forwarding is cleared */
char *m365_forwarding_cleared(void)
{
	cJSON *v = cJSON_CreateObject();
	cJSON_AddNullToObject(v, "ForwardingSmtpAddress");
	cJSON_AddNullToObject(v, "ForwardingAddress");
	cJSON_AddFalseToObject(v, "DeliverToMailboxAndForward");
	return json_text(v);
}

/* plan_mailbox_forwarding - clear the mailbox forwarding making f's first edge */
static int plan_mailbox_forwarding(const struct snapshot *s, const struct finding *f,
				   const char *fix_id, const struct m365_fix_reader *rd,
				   struct fix_plan *plan, char **err)
{
	for (size_t i = 0; i < s->nr_forwards; i++) {
		const struct snapshot_forward *fw = &s->forwards[i];
		char *old = NULL;
		cJSON *p;
		if (!is_edge_forward(s, f, fw, VIA_MAILBOX))
			continue;
		p = op_params("mailbox-forwarding");
		cJSON_AddStringToObject(p, "identity", fw->from);
		/* the snapshot has the resolved target only; revert needs the raw fields */
		if (rd->read(rd->ctx, p, &old, err)) {
			cJSON_Delete(p);
			return -1;
		}
		add_change(plan, f, fix_id, xstrfmt("mailbox %s", fw->from),
			   "ForwardingSmtpAddress, ForwardingAddress, DeliverToMailboxAndForward",
			   old, m365_forwarding_cleared(), p);
		cJSON *m = kv("from", fw->from);
		cJSON_AddStringToObject(m, "via", forward_via_name(VIA_MAILBOX));
		last_change(plan)->effect = fix_effect_op("remove", "forwards", m, NULL);
		return 1;
	}
	return 0;
}

/* plan_edge - the fix that removes f's first edge (the forward it names) */
static int plan_edge(const struct snapshot *s, const struct finding *f,
		     const struct m365_fix_reader *rd, struct fix_plan *plan, char **err)
{
	if (f->nr_path < 2 || !f->path[1].via)
		return 0;
	if (!strcmp(f->path[1].via, "inbox-rule"))
		return plan_inbox_rule(s, f, "m365.inbox-rule.disable", plan);
	if (!strcmp(f->path[1].via, "mailbox"))
		return plan_mailbox_forwarding(s, f, "m365.mailbox-forwarding.clear", rd, plan, err);
	return 0;
}

/* scoped_policy_name - the name of the policy allowing exactly mailbox to forward */
char *m365_scoped_policy_name(const char *mailbox)
{
	return xstrfmt("Allow forwarding - %s", mailbox);
}

/* plan_scoped - a custom outbound policy (On) + rule -From exactly the mailbox */
static int plan_scoped(const struct snapshot *s, const struct finding *f,
		       const struct m365_fix_reader *rd, struct fix_plan *plan, char **err)
{
	const struct snapshot_recipient *r = recipient_of(s, f->subject);
	const char *mbx = r ? r->address : f->subject;
	char *name, *prios = NULL;
	cJSON *p = op_params("rule-priorities"), *nv;
	/* the rule goes in at priority 0 and renumbers the others: undo puts them back */
	if (rd->read(rd->ctx, p, &prios, err)) {
		cJSON_Delete(p);
		return -1;
	}
	cJSON_Delete(p);
	name = m365_scoped_policy_name(mbx);
	p = op_params("scoped-policy");
	nv = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "name", name);
	cJSON_AddStringToObject(p, "mailbox", mbx);
	cJSON_AddItemToObject(p, "priorities", cJSON_Parse(prios));
	free(prios);
	cJSON_AddStringToObject(nv, "AutoForwardingMode", "On");
	cJSON_AddItemToObject(nv, "From", cJSON_CreateStringArray(&mbx, 1));
	add_change(plan, f, f->fix->id, xstrfmt("outbound spam policy and rule '%s'", name),
		   "AutoForwardingMode, From (new policy and rule, priority 0)", xstrdup("null"),
		   json_text(nv), p);
	{
		cJSON *v = kv("name", name);
		cJSON_AddStringToObject(v, "mode", "on");
		cJSON_AddFalseToObject(v, "default");
		cJSON_AddNumberToObject(v, "priority", 0);
		cJSON_AddItemToObject(v, "users", cJSON_CreateStringArray(&mbx, 1));
		cJSON_AddItemToObject(v, "groups", cJSON_CreateArray());
		cJSON_AddItemToObject(v, "domains", cJSON_CreateArray());
		last_change(plan)->effect = fix_effect_op("add", "policy.outbound_forwarding", NULL, v);
		last_change(plan)->note = xstrfmt("explicit variant: widens external forwarding for "
						  "exactly %s (a new policy scoped to it)", mbx);
		last_change(plan)->chosen = true;
	}
	free(name);
	return 1;
}

/* plan_org_wide - Set-HostedOutboundSpamFilterPolicy <blocking policy> -AutoForwardingMode On */
static int plan_org_wide(const struct snapshot *s, const struct finding *f, struct fix_plan *plan)
{
	const char *name = m365_json_str(f->evidence, "policy");
	for (size_t i = 0; name && i < s->policy.nr_outbound_forwarding; i++) {
		const struct outbound_policy *op = &s->policy.outbound_forwarding[i];
		cJSON *p;
		if (strcmp(op->name, name) || op->mode == FWD_MODE_ON)
			continue;
		p = op_params("outbound-policy");
		cJSON_AddStringToObject(p, "identity", op->name);
		add_change(plan, f, f->fix->id, xstrfmt("outbound spam policy '%s'", op->name),
			   "AutoForwardingMode", json_text(cJSON_CreateString(m365_mode_name(op->mode))),
			   xstrdup("\"On\""), p);
		cJSON *set = cJSON_CreateObject();
		cJSON_AddStringToObject(set, "mode", "on");
		last_change(plan)->effect = fix_effect_op("set", "policy.outbound_forwarding",
						   kv("name", op->name), set);
		last_change(plan)->note = xstrfmt("explicit variant: widens external forwarding for "
						  "everyone policy '%s' covers", op->name);
		last_change(plan)->chosen = true;
		return 1;
	}
	return 0;
}

/* plan_stop - stop the blocked forward (least egress), saying why */
static int plan_stop(const struct snapshot *s, const struct finding *f, bool by_policy,
		     const struct m365_fix_reader *rd, struct fix_plan *plan, char **err)
{
	size_t first = plan->nr;
	int n = plan_edge(s, f, rd, plan, err);
	for (size_t i = first; n > 0 && i < plan->nr; i++)
		plan->changes[i].note = xstrdup(by_policy
			? "least egress: the blocked forward is stopped, not allowed (allowing it would "
			  "widen external forwarding); to keep it, --fix-variant scoped allows exactly "
			  "this mailbox through a scoped outbound policy"
			: "a remote domain blocks this forward: it carries nothing, so it is stopped");
	return n;
}

/* plan_blocked - forward.blocked: stop the forward (default), or with an explicit
 * variant allow it (scoped policy, org-wide switch) when an outbound policy blocks it */
static int plan_blocked(const struct snapshot *s, const struct finding *f, const char *variant,
			const struct m365_fix_reader *rd, struct fix_plan *plan, char **err)
{
	const char *kind = m365_json_str(f->evidence, "control_kind");
	bool by_policy = kind && !strcmp(kind, "outbound-policy");
	if (!by_policy || !variant || !strcmp(variant, "stop-forwarding"))
		return plan_stop(s, f, by_policy, rd, plan, err);
	if (!strcmp(variant, "org-wide"))
		return plan_org_wide(s, f, plan);
	return plan_scoped(s, f, rd, plan, err);
}

/* m365_fix_map - see m365.h */
int m365_fix_map(const struct snapshot *s, const struct finding *f, const char *variant,
		 const struct m365_fix_reader *rd, struct fix_plan *plan, char **err)
{
	const char *id = f->fix ? f->fix->id : "";
	if (!s || !f->fix || !f->fix->automated)
		return 0;
	if (!strcmp(id, "m365.org.send-from-alias"))
		return plan_send_from_alias(s, f, plan);
	if (!strcmp(id, "m365.remote-domain.block-autoforward"))
		return plan_remote_domain(s, f, plan);
	if (!strcmp(id, "m365.outbound-policy.scoped"))
		return plan_blocked(s, f, variant, rd, plan, err);
	if (!strcmp(id, "m365.inbox-rule.disable") || !strcmp(id, "m365.mailbox-forwarding.clear"))
		return plan_edge(s, f, rd, plan, err); /* loops, ghosts, remote-domain blocks */
	return 0;
}
