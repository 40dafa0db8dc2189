/*
 * m365_collect.c - read one Microsoft 365 tenant into a snapshot.
 *
 * Three rounds, each as parallel as the HTTP client allows:
 *  1. Graph /users ($select, $top=999) and /domains, and the Exchange admin
 *     API cmdlets (Get-AcceptedDomain, Get-Mailbox, Get-Recipient for every
 *     other kind of recipient, Get-HostedOutboundSpamFilterPolicy/Rule,
 *     Get-RemoteDomain, Get-TransportRule, Get-OrganizationConfig), paged;
 *  2. the members of each group (m365_recipients.c);
 *  3. Graph $batch: inbox messageRules and mailboxSettings of every mailbox
 *     (m365_mailboxes.c).
 * Anything that still fails after the HTTP layer's retries becomes a snapshot
 * error naming its area (and the one mailbox, when it is limited to one);
 * a credential failure ends the collection (-1: exit 2).
 */
#include "m365_collect.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

enum { P_USERS, P_DOMAINS, P_ACCEPTED, P_MAILBOX, P_RECIPIENTS, P_POLICIES,
       P_POLRULES, P_REMOTE, P_TRANSPORT, P_ORG, NR_P };

static const char *const cmdlet_of[NR_P] = {
	[P_ACCEPTED] = "Get-AcceptedDomain", [P_MAILBOX] = "Get-Mailbox",
	[P_RECIPIENTS] = "Get-Recipient",
	[P_POLICIES] = "Get-HostedOutboundSpamFilterPolicy",
	[P_POLRULES] = "Get-HostedOutboundSpamFilterRule", [P_REMOTE] = "Get-RemoteDomain",
	[P_TRANSPORT] = "Get-TransportRule", [P_ORG] = "Get-OrganizationConfig",
};
/* cmdlets that take -ResultSize Unlimited */
static const bool unlimited[NR_P] = {
	[P_ACCEPTED] = true, [P_MAILBOX] = true, [P_TRANSPORT] = true,
};
/* what each read is, and the snapshot areas its failure leaves unknown */
static const struct { const char *what, *areas[2]; } reads[NR_P] = {
	[P_USERS] = { "users (Graph /users)", { "recipients" } },
	[P_DOMAINS] = { "domains (Graph /domains)", { "domains" } },
	[P_ACCEPTED] = { "accepted domains (Get-AcceptedDomain)", { "domains" } },
	[P_MAILBOX] = { "mailboxes (Get-Mailbox)", { "recipients", "forwards" } },
	[P_RECIPIENTS] = { "groups, contacts, mail users, guests and remote mailboxes (Get-Recipient)",
			   { "recipients" } },
	[P_POLICIES] = { "outbound spam policies (Get-HostedOutboundSpamFilterPolicy)",
			 { "policy.outbound_forwarding" } },
	[P_POLRULES] = { "outbound spam rules (Get-HostedOutboundSpamFilterRule)",
			 { "policy.outbound_forwarding" } },
	[P_REMOTE] = { "remote domains (Get-RemoteDomain)", { "policy.remote_domains" } },
	[P_TRANSPORT] = { "transport rules (Get-TransportRule)", { "forwards", "policy.catch_all" } },
	[P_ORG] = { "organization config (Get-OrganizationConfig)",
		    { "policy.send_from_alias", "policy.plus_addressing" } },
};

/* failed - record a round-1 failure of pager i in each area it leaves unknown */
static void failed(struct snapshot *s, int i, const struct odata_pager *p)
{
	for (int a = 0; a < 2 && reads[i].areas[a]; a++)
		snapshot_add_error(s, reads[i].what, p->error, reads[i].areas[a], NULL);
}

/* MAP_EACH - run call on every item o of arr, recording failures under area */
#define MAP_EACH(arr, call, area, object) do { \
		const cJSON *it_; \
		cJSON_ArrayForEach(it_, (arr)) { \
			char *e_ = NULL; \
			const cJSON *o = it_; \
			if ((call) < 0) { \
				snapshot_add_error(s, (object), e_, (area), NULL); \
				free(e_); \
			} \
		} \
	} while (0)

/* round1_start - the requests of round 1 */
static void round1_start(struct m365_session *ms, struct odata_pager *p, cJSON **data)
{
	for (int i = 0; i < NR_P; i++) {
		data[i] = cJSON_CreateArray();
		p[i].each = m365_keep_item;
		p[i].ctx = data[i];
		if (cmdlet_of[i]) {
			cJSON *params = NULL;
			if (i == P_RECIPIENTS) {
				params = m365_recipient_params();
			} else if (unlimited[i]) {
				params = cJSON_CreateObject();
				cJSON_AddStringToObject(params, "ResultSize", "Unlimited");
			}
			p[i].tmpl = m365_exo_request(ms, cmdlet_of[i], params);
			p[i].repost = true;
		}
	}
	p[P_MAILBOX].each = m365_keep_mailbox;
	p[P_USERS].tmpl = m365_graph_request(ms, "/v1.0/users?$select=id,userPrincipalName,mail,displayName,"
					     "proxyAddresses,accountEnabled,userType&$top=999");
	p[P_DOMAINS].tmpl = m365_graph_request(ms, "/v1.0/domains");
}

/* map_domains - Exchange's accepted domains, else Graph's email domains; the default domain */
static const char *map_domains(struct m365_build *b, struct odata_pager *p, cJSON **data)
{
	struct snapshot *s = b->s;
	const char *def = NULL;
	if (!p[P_ACCEPTED].error)
		MAP_EACH(data[P_ACCEPTED], m365_add_accepted_domain(b, o, &e_), "domains", "accepted domains");
	else if (!p[P_DOMAINS].error)
		MAP_EACH(data[P_DOMAINS], m365_add_graph_domain(b, o, &e_), "domains", "domains");
	else
		failed(s, P_ACCEPTED, &p[P_ACCEPTED]);
	for (size_t i = 0; i < b->nr_dom; i++)
		if (b->dom[i].primary)
			def = b->dom[i].name;
	return def;
}

/* map_policies - outbound spam policies, remote domains, organization config */
static void map_policies(struct m365_build *b, struct odata_pager *p, cJSON **data)
{
	struct snapshot *s = b->s;
	if (p[P_POLICIES].error || p[P_POLRULES].error) {
		int i = p[P_POLICIES].error ? P_POLICIES : P_POLRULES;
		failed(s, i, &p[i]);
	} else {
		char *e = NULL;
		if (m365_add_outbound_policies(b, data[P_POLICIES], data[P_POLRULES], &e) < 0) {
			snapshot_add_error(s, "outbound spam policies", e, "policy.outbound_forwarding", NULL);
			free(e);
		} else {
			s->policy.has_outbound_forwarding = true;
		}
	}
	if (p[P_REMOTE].error) {
		failed(s, P_REMOTE, &p[P_REMOTE]);
	} else {
		s->policy.has_remote_domains = true;
		MAP_EACH(data[P_REMOTE], m365_add_remote_domain(b, o, &e_), "policy.remote_domains",
			 "a remote domain");
	}
	if (p[P_ORG].error) {
		failed(s, P_ORG, &p[P_ORG]);
	} else if (!cJSON_GetArraySize(data[P_ORG])) {
		snapshot_add_error(s, reads[P_ORG].what, "no object returned", "policy.send_from_alias", NULL);
	} else {
		char *e = NULL;
		m365_set_org_config(b, cJSON_GetArrayItem(data[P_ORG], 0), &e);
		free(e);
	}
}

/* map_round1 - recipients, mailbox forwarding and transport rules, policies;
 * round 2 (group members) on the way. -1 when a credential failed */
static int map_round1(struct m365_session *ms, struct m365_build *b, struct odata_pager *p, cJSON **data,
		      struct recipients_in *in, char **err)
{
	struct snapshot *s = b->s;
	const char *default_domain = map_domains(b, p, data);
	in->users = p[P_USERS].error ? NULL : data[P_USERS];
	in->mailboxes = p[P_MAILBOX].error ? NULL : data[P_MAILBOX];
	in->others = p[P_RECIPIENTS].error ? NULL : data[P_RECIPIENTS];
	if (in->others && m365_read_members(ms, s, in, err) < 0)
		return -1;
	for (int i = 0; i < NR_P; i++)
		if (p[i].error && (i == P_USERS || i == P_MAILBOX || i == P_RECIPIENTS))
			failed(s, i, &p[i]);
	m365_map_recipients(b, in);
	/* forwards: mailbox forwarding, then transport rules; inbox rules in round 3 */
	s->has_forwards = true;
	m365_map_mailbox_forwards(b, in);
	if (p[P_TRANSPORT].error) {
		failed(s, P_TRANSPORT, &p[P_TRANSPORT]);
	} else {
		s->policy.has_catch_all = true;
		MAP_EACH(data[P_TRANSPORT], m365_add_transport_rule(b, o, default_domain, &e_),
			 "forwards", "a transport rule");
	}
	map_policies(b, p, data);
	return 0;
}

/* m365_collect - see m365.h */
int m365_collect(struct provider_session *ps, struct snapshot **out, char **err)
{
	struct m365_session *ms = (struct m365_session *)ps;
	struct snapshot *s = snapshot_new(ps->tenant->name, "m365");
	struct m365_build b = { .s = s };
	struct odata_pager p[NR_P];
	struct recipients_in in = { 0 };
	cJSON *data[NR_P];
	size_t nfail;
	char now[21];
	int ret = -1;

	memset(p, 0, sizeof(p));
	iso8601_now(now);
	s->collected_at = arena_strdup(&s->arena, now);

	/* round 1 */
	round1_start(ms, p, data);
	nfail = odata_pager_run(ms->http, p, NR_P);
	for (int i = 0; i < NR_P; i++)
		if (p[i].auth_failed) {
			*err = xstrdup(p[i].error);
			goto out;
		}
	if (nfail == NR_P) {
		*err = xstrfmt("nothing could be read: %s", p[P_USERS].error);
		goto out;
	}
	if (map_round1(ms, &b, p, data, &in, err) < 0)
		goto out;

	/* round 3: inbox rules and automatic replies */
	s->has_auto_replies = true;
	if (in.users && m365_read_mailboxes(ms, &b, &in, in.mailboxes != NULL, err) < 0)
		goto out;
	if (!in.users)
		snapshot_add_error(s, "inbox rules and automatic replies", "the user list could not be read",
				   "auto_replies", NULL);

	m365_build_finish(&b);
	*out = s;
	s = NULL;
	ret = (*out)->complete ? 0 : 1;
out:
	m365_build_release(&b);
	snapshot_free(s);
	m365_recipients_release(&in);
	for (int i = 0; i < NR_P; i++) {
		odata_pager_release(&p[i]);
		http_request_free(p[i].tmpl);
		cJSON_Delete(data[i]);
	}
	return ret;
}
