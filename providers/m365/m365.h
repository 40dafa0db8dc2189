/*
 * m365.h - the Microsoft 365 provider's private interface: the session, the
 * snapshot builder, and the pure parsing/mapping functions (m365_parse.c,
 * m365_map.c) that turn Graph and Exchange admin API objects into snapshot
 * entries. docs/m365.md describes the mapping.
 *
 * Ownership: strings put into a snapshot are copied into its arena; cJSON
 * values passed in stay the caller's.
 */
#ifndef ALIASAUDIT_M365_H
#define ALIASAUDIT_M365_H

#include "providers/m365/auth_entra.h"
#include "net/http.h"
#include "odata.h"
#include "core/provider.h"
#include "core/snapshot.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

#define M365_GRAPH_URL "https://graph.microsoft.com"
#define M365_EXCHANGE_URL "https://outlook.office365.com"
#define M365_LOGIN_URL "https://login.microsoftonline.com"
/* the static anchor mailbox ExchangeOnlineManagement uses for org-level cmdlets */
#define M365_ANCHOR "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@"

struct m365_session {
	struct provider_session base;  /* first */
	struct http_client *http;
	struct entra_app *app;
	struct entra_token graph, exchange;
	char *graph_url, *exchange_url, *tenant_id;
	int concurrency;
};

/* m365_build - a snapshot being filled: arrays grow here (malloc) and are
 * copied into the snapshot's arena by m365_build_finish */
struct m365_build {
	struct snapshot *s;
	struct snapshot_domain *dom; size_t nr_dom, alloc_dom;
	struct snapshot_recipient *rcp; size_t nr_rcp, alloc_rcp;
	struct snapshot_forward *fwd; size_t nr_fwd, alloc_fwd;
	struct snapshot_auto_reply *ar; size_t nr_ar, alloc_ar;
	struct outbound_policy *pol; size_t nr_pol, alloc_pol;
	struct remote_domain *rd; size_t nr_rd, alloc_rd;
	struct catch_all *ca; size_t nr_ca, alloc_ca;
};

/* m365_build_finish - move the arrays into b->s (which the caller keeps) */
void m365_build_finish(struct m365_build *b);
/* m365_build_release - free the arrays without finishing */
void m365_build_release(struct m365_build *b);

/* ---- m365_parse.c: value formats ---- */

/* m365_proxy_parse - one proxy address ("SMTP:a@b", "smtp:a@b", "SIP:...").
 * Returns 1 for an SMTP address (*addr points into p, *len its length,
 * *primary for upper-case SMTP), 0 for another type, -1 when malformed. */
int m365_proxy_parse(const char *p, const char **addr, size_t *len, bool *primary);
/* m365_recipient_string - the SMTP address in an inbox-rule recipient string
 * ("\"Name\" [SMTP:a@b]", "[SMTP:a@b]", "a@b"; caller frees); NULL for
 * non-SMTP routing types ("[EX:/o=...]") or garbage */
char *m365_recipient_string(const char *s);
/* m365_smtp_value - "smtp:a@b" or "SMTP:a@b" or "a@b" to "a@b" (caller frees); NULL if empty */
char *m365_smtp_value(const char *s);
/* m365_json_str - o[key] when it is a non-empty string, else NULL */
const char *m365_json_str(const cJSON *o, const char *key);
/* m365_json_bool - o[key] as tri-state */
enum tristate m365_json_bool(const cJSON *o, const char *key);
/* m365_domain_type - an accepted domain's DomainType to enum domain_type
 * (NULL: authoritative); -1 when unknown */
int m365_domain_type(const char *type);
/* m365_reply_active - is a Graph automaticRepliesSetting active at now
 * ("YYYY-MM-DDTHH:MM:SSZ")? 1 yes, 0 no, -1 with *err when a date is malformed */
int m365_reply_active(const cJSON *ar, const char *now, char **err);
/* m365_scope - the token scope of a service: resource/.default when the
 * tenant names the resource, else the resource of the Microsoft cloud whose
 * service root root is (national clouds), else fallback/.default (caller frees) */
char *m365_scope(const char *root, const char *resource, const char *fallback);
/* m365_is_guid - s looks like a GUID */
bool m365_is_guid(const char *s);

/* ---- m365_map.c: API objects to snapshot entries ---- */

/* m365_add_accepted_domain - a Get-AcceptedDomain row; 0 or -1 with *err */
int m365_add_accepted_domain(struct m365_build *b, const cJSON *o, char **err);
/* m365_add_graph_domain - a Graph /domains item (used when Exchange failed) */
int m365_add_graph_domain(struct m365_build *b, const cJSON *o, char **err);
/* what an Exchange recipient row is, by its RecipientTypeDetails */
enum m365_rclass { RC_MAILBOX, RC_GROUP, RC_CONTACT, RC_MAIL_USER, RC_OTHER };
/* m365_recipient_class - the class of rtd; *gk the kind of a group (may be NULL) */
enum m365_rclass m365_recipient_class(const char *rtd, enum group_kind *gk);
/* m365_add_user - a Graph user, completed by its Get-Mailbox row mbx or, for
 * a mail user, guest or hybrid remote mailbox, its Get-Recipient row rcpt
 * (both NULL: no mailbox when mailboxes_known, else unknown) */
int m365_add_user(struct m365_build *b, const cJSON *user, const cJSON *mbx, const cJSON *rcpt,
		  bool mailboxes_known, char **err);
/* m365_add_group - a group row of Get-Recipient (distribution, security,
 * Microsoft 365, dynamic) and its members (NULL: unknown) */
int m365_add_group(struct m365_build *b, const cJSON *grp, const cJSON *members, char **err);
/* m365_add_contact - a mail contact row */
int m365_add_contact(struct m365_build *b, const cJSON *o, char **err);
/* m365_add_mail_user - a mail user, guest or remote mailbox row that no Graph user took */
int m365_add_mail_user(struct m365_build *b, const cJSON *o, char **err);
/* m365_add_mailbox_forward - a Get-Mailbox row's forwarding; resolve maps a
 * ForwardingAddress identity to an address (caller frees) or NULL */
int m365_add_mailbox_forward(struct m365_build *b, const cJSON *mbx,
			     char *(*resolve)(void *ctx, const char *identity), void *ctx, char **err);
/* m365_add_inbox_rules - a Graph messageRules collection of mailbox owner */
int m365_add_inbox_rules(struct m365_build *b, const char *owner, const cJSON *rules, char **err);
/* m365_add_auto_reply - a Graph mailboxSettings object of address; a
 * scheduled reply counts as enabled only inside its window at now */
int m365_add_auto_reply(struct m365_build *b, const char *address, const cJSON *settings,
			const char *now, char **err);
/* m365_add_outbound_policies - Get-HostedOutboundSpamFilterPolicy rows + their rules */
int m365_add_outbound_policies(struct m365_build *b, const cJSON *policies, const cJSON *rules, char **err);
/* m365_add_remote_domain - a Get-RemoteDomain row */
int m365_add_remote_domain(struct m365_build *b, const cJSON *o, char **err);
/* m365_add_transport_rule - a Get-TransportRule row: a redirect to a catch-all
 * (unconditional but for recipient domains) or to forwards (SentTo addresses) */
int m365_add_transport_rule(struct m365_build *b, const cJSON *o, const char *default_domain, char **err);
/* m365_set_org_config - SendFromAliasEnabled, DisablePlusAddressInRecipients */
int m365_set_org_config(struct m365_build *b, const cJSON *o, char **err);

/* m365_collect - the provider's collect() (m365_collect.c) */
int m365_collect(struct provider_session *ps, struct snapshot **out, char **err);
/* m365_tenant_from_env - the provider's tenant_from_env() (m365_env.c) */
int m365_tenant_from_env(struct config *cfg, char **err);

/* ---- m365_fix.c / m365_fix_ops.c: fixes (docs/m365.md "Fixes") ---- */

/* m365_fix_reader - reads one live value for the plan (the raw mailbox
 * forwarding fields the snapshot does not keep): 0 with *value (JSON text,
 * caller frees) or -1 with *err. It records the object's immutable id in
 * params ("guid") so a later re-read can tell it is the same object. */
struct m365_fix_reader {
	int (*read)(void *ctx, cJSON *params, char **value, char **err);
	void *ctx;
};
/* m365_fix_map - append the changes resolving f (see provider.h plan_fix) */
int m365_fix_map(const struct snapshot *s, const struct finding *f, const char *variant,
		 const struct m365_fix_reader *rd, struct fix_plan *plan, char **err);
/* m365_mode_name - "Automatic", "On", "Off" */
const char *m365_mode_name(enum forwarding_mode m);
/* m365_forwarding_cleared - the JSON text of cleared mailbox forwarding (caller frees) */
char *m365_forwarding_cleared(void);
/* m365_scoped_policy_name - "Allow forwarding - <mailbox>" (caller frees) */
char *m365_scoped_policy_name(const char *mailbox);
/* the provider ops (m365_fix_ops.c), see provider.h */
int m365_plan_fix(struct provider_session *ps, const struct snapshot *snap, const struct finding *f,
		  const char *variant, struct fix_plan *plan, char **err);
int m365_tenant_key(struct provider_session *ps, char **out, char **err);
int m365_read_value(struct provider_session *ps, const struct fix_change *c, char **out, char **err);
int m365_apply_change(struct provider_session *ps, const struct fix_change *c, char **err);
int m365_revert_change(struct provider_session *ps, const struct fix_change *c, char **err);

#endif
