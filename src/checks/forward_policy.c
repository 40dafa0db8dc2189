/*
 * forward_policy.c - does an external forward get out? The effective
 * auto-forwarding controls of the forwarding tenant, shared by
 * forward.blocked and forward.external-auth.
 *
 * Microsoft 365 (mailbox forwarding and inbox rules only; groups and
 * transport rules are not automatic forwarding): the outbound spam policy
 * that applies to the mailbox (custom policies by priority, lowest first;
 * else the default), where AutoForwardingMode Automatic means Off; then the
 * remote domain that best matches the target domain. When any control
 * blocks, the block wins (Microsoft: outbound-spam-policies-external-email-
 * forwarding). A custom policy's rule (New-HostedOutboundSpamFilterRule:
 * From, FromMemberOf, SenderDomainIs and their ExceptIf* twins) applies as
 * Exchange rule conditions do and as docs/snapshot.md requires: each condition
 * type it uses must match (AND), values within one type match with OR, any
 * exception excludes the mailbox, and group membership is nested.
 * Google Workspace (auto-forwarding and filters): the auto-forwarding policy
 * of the first configuration group holding the user, else of the user's OU,
 * inherited from the nearest parent (forward_policy_gws.c); no policy =
 * allowed.
 */
#include "checks/checks.h"
#include "checks/forward_policy_gws.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

static bool list_has(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq_nocase(list[i], s))
			return true;
	return false;
}

/* recipient_has_address - addr is r's primary address or one of its aliases */
static bool recipient_has_address(const struct snapshot_recipient *r, const char *addr)
{
	return str_eq_nocase(r->address, addr) || list_has(r->aliases, r->nr_aliases, addr);
}

#define GROUP_DEPTH_MAX 32 /* nesting followed; deeper chains are treated as no match */

/* find_group - the group of s with this address, or NULL */
static const struct snapshot_recipient *find_group(const struct snapshot *s, const char *addr)
{
	for (size_t i = 0; i < s->nr_recipients; i++)
		if (s->recipients[i].kind == RK_GROUP && recipient_has_address(&s->recipients[i], addr))
			return &s->recipients[i];
	return NULL;
}

/* in_group_depth - r is a member of the group gr, directly or through nested groups */
static bool in_group_depth(const struct snapshot *s, const struct snapshot_recipient *gr,
			   const struct snapshot_recipient *r, int depth)
{
	if (!gr || depth > GROUP_DEPTH_MAX)
		return false;
	for (size_t m = 0; m < gr->nr_members; m++) {
		if (recipient_has_address(r, gr->members[m]))
			return true;
		const struct snapshot_recipient *sub = find_group(s, gr->members[m]);
		if (sub && sub != gr && in_group_depth(s, sub, r, depth + 1))
			return true;
	}
	return false;
}

/* matches_users / matches_groups / matches_domains - r matches one of the values given */
static bool matches_users(const struct snapshot_recipient *r, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (recipient_has_address(r, v[i]))
			return true;
	return false;
}

static bool matches_groups(const struct snapshot *s, const struct snapshot_recipient *r,
			   const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in_group_depth(s, find_group(s, v[i]), r, 0))
			return true;
	return false;
}

static bool matches_domains(const struct snapshot_recipient *r, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq_nocase(addr_domain(r->address), v[i]))
			return true;
	return false;
}

/* policy_applies - the custom policy's rule picks mailbox r: every condition
 * type used matches (AND), no exception matches (OR); a rule with no
 * condition picks nobody */
static bool policy_applies(const struct snapshot *s, const struct outbound_policy *p,
			   const struct snapshot_recipient *r)
{
	if (!p->nr_users && !p->nr_groups && !p->nr_domains)
		return false;
	if ((p->nr_users && !matches_users(r, p->users, p->nr_users)) ||
	    (p->nr_groups && !matches_groups(s, r, p->groups, p->nr_groups)) ||
	    (p->nr_domains && !matches_domains(r, p->domains, p->nr_domains)))
		return false;
	return !matches_users(r, p->except_users, p->nr_except_users) &&
	       !matches_groups(s, r, p->except_groups, p->nr_except_groups) &&
	       !matches_domains(r, p->except_domains, p->nr_except_domains);
}

/* effective_outbound_policy - the policy that governs mailbox r, or NULL */
static const struct outbound_policy *effective_outbound_policy(const struct snapshot *s,
							       const struct snapshot_recipient *r)
{
	const struct outbound_policy *best = NULL, *def = NULL;
	for (size_t i = 0; i < s->policy.nr_outbound_forwarding; i++) {
		const struct outbound_policy *p = &s->policy.outbound_forwarding[i];
		if (p->is_default) {
			def = p;
			continue;
		}
		if (r && policy_applies(s, p, r) && (!best || p->priority < best->priority))
			best = p;
	}
	return best ? best : def;
}

/* best_remote_domain - exact domain, then the longest "*.suffix", then "*" */
static const struct remote_domain *best_remote_domain(const struct snapshot *s, const char *dom)
{
	const struct remote_domain *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < s->policy.nr_remote_domains; i++) {
		const struct remote_domain *rd = &s->policy.remote_domains[i];
		const char *pat = rd->domain;
		if (str_eq_nocase(pat, dom))
			return rd;
		if (!strcmp(pat, "*")) {
			if (!best)
				best = rd;
			continue;
		}
		if (starts_with(pat, "*.")) {
			size_t pl = strlen(pat + 1), dl = strlen(dom);
			if (dl > pl && !strcasecmp(dom + dl - pl, pat + 1) && pl > best_len) {
				best = rd;
				best_len = pl;
			}
		}
	}
	return best;
}

static void decide_m365(const struct audit_ctx *ctx, const struct snapshot *s,
			const struct route_edge *e, struct forward_decision *d)
{
	const struct snapshot_recipient *r = ctx->graph->nodes[e->from].recipient;

	if (!s->policy.has_outbound_forwarding && !s->policy.has_remote_domains &&
	    !provider_expects(s, "policy.outbound_forwarding")) {
		d->verdict = FWD_ALLOWED;
		d->control = "no auto-forwarding controls in this snapshot";
		return;
	}
	if (!s->policy.has_outbound_forwarding) {
		d->verdict = FWD_UNKNOWN;
		d->missing = "policy.outbound_forwarding";
		return;
	}
	const struct outbound_policy *p = effective_outbound_policy(s, r);
	enum forwarding_mode mode = p ? p->mode : FWD_MODE_AUTOMATIC;
	d->control_kind = "outbound-policy";
	d->policy_name = p ? p->name : "Default";
	if (mode != FWD_MODE_ON) {
		snprintf(d->control_buf, sizeof(d->control_buf), "outbound spam policy '%s' (AutoForwardingMode %s%s)",
			 d->policy_name, forwarding_mode_name(mode),
			 mode == FWD_MODE_AUTOMATIC ? ", which now means Off" : "");
		d->verdict = FWD_BLOCKED;
		d->control = d->control_buf;
		return;
	}
	if (!s->policy.has_remote_domains) {
		d->verdict = FWD_UNKNOWN;
		d->missing = "policy.remote_domains";
		return;
	}
	const struct remote_domain *rd = best_remote_domain(s, addr_domain(e->target));
	if (rd && !rd->auto_forward) {
		snprintf(d->control_buf, sizeof(d->control_buf), "remote domain '%s' (AutoForwardEnabled false)", rd->domain);
		d->verdict = FWD_BLOCKED;
		d->control = d->control_buf;
		d->control_kind = "remote-domain";
		d->policy_name = rd->domain;
		return;
	}
	snprintf(d->control_buf, sizeof(d->control_buf), "outbound spam policy '%s' (AutoForwardingMode on)", d->policy_name);
	d->verdict = FWD_ALLOWED;
	d->control = d->control_buf;
}

static void decide_gws(const struct audit_ctx *ctx, const struct snapshot *s,
		       const struct route_edge *e, struct forward_decision *d)
{
	const struct snapshot_recipient *r = ctx->graph->nodes[e->from].recipient;
	if (!s->policy.has_auto_forwarding_ou) {
		if (provider_expects(s, "policy.auto_forwarding_ou") ||
		    snapshot_area_failed(s, "policy.auto_forwarding_ou", NULL)) {
			d->verdict = FWD_UNKNOWN;
			d->missing = "policy.auto_forwarding_ou";
		} else {
			d->verdict = FWD_ALLOWED;
			d->control = "no OU policy in this snapshot";
		}
		return;
	}
	const struct ou_forwarding *p = gws_forwarding_policy(ctx, s, r);
	if (p && p->group) {
		/* a configuration group's policy, above the member's OU's */
		d->control_kind = "group-policy";
		d->policy_name = p->group;
		snprintf(d->control_buf, sizeof(d->control_buf), "the auto-forwarding policy of group '%s' (%s)",
			 p->group, p->enabled ? "on" : "off");
		d->verdict = p->enabled ? FWD_ALLOWED : FWD_BLOCKED;
		d->control = d->control_buf;
		return;
	}
	d->control_kind = "ou-policy";
	d->policy_name = p ? p->org_unit : "/";
	if (p && !p->enabled) {
		snprintf(d->control_buf, sizeof(d->control_buf), "the auto-forwarding policy of OU '%s' (off)", p->org_unit);
		d->verdict = FWD_BLOCKED;
	} else {
		snprintf(d->control_buf, sizeof(d->control_buf), "the auto-forwarding policy of OU '%s' (%s)",
			 d->policy_name, p ? "on" : "not set: allowed by default");
		d->verdict = FWD_ALLOWED;
	}
	d->control = d->control_buf;
}

void forward_decide(const struct audit_ctx *ctx, const struct snapshot *s,
		    const struct route_edge *e, struct forward_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->verdict = FWD_NOT_AUTOMATIC;
	if (e->via == EDGE_GROUP)
		return;
	switch (e->fwd->via) {
	case VIA_MAILBOX:
	case VIA_INBOX_RULE:
		decide_m365(ctx, s, e, d);
		break;
	case VIA_GMAIL_AUTOFORWARD:
	case VIA_GMAIL_FILTER:
		decide_gws(ctx, s, e, d);
		break;
	default:
		break;
	}
}
