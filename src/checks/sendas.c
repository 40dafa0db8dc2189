/*
 * sendas.c - the send-as checks: sendas.alias-disabled (M365
 * SendFromAliasEnabled off), sendas.treat-as-alias (Gmail "treat as an
 * alias" on another account's address), sendas.missing (an alias with no
 * send-as identity) and sendas.unverified (pending verification).
 */
#include "checks/checks.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define SAMPLE 5

/* send_as_platform - the snapshot's platform keeps per-user send-as
 * identities that its provider collects (provider data: the "send_as"
 * section of provider_ops; Gmail users.settings.sendAs). In Microsoft 365
 * every proxy address can send once SendFromAliasEnabled is on, so
 * sendas.missing and sendas.treat-as-alias are Gmail only (README "What it finds") */
static bool send_as_platform(const struct snapshot *s)
{
	return provider_expects(s, "send_as");
}

/* platform_alias - aliases every M365 mailbox gets (tenant.onmicrosoft.com) */
static bool platform_alias(const char *a)
{
	return ends_with(a, ".onmicrosoft.com") || ends_with(a, ".ONMICROSOFT.COM");
}

static void run_alias_disabled(struct audit_ctx *ctx)
{
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		size_t count = 0;
		cJSON *sample;
		if (!need_section(ctx, &check_sendas_alias_disabled, s,
				  s->policy.send_from_alias != TRI_UNSET, "policy.send_from_alias") ||
		    s->policy.send_from_alias == TRI_TRUE)
			continue;
		sample = cJSON_CreateArray();
		for (size_t i = 0; i < s->nr_recipients; i++) {
			const struct snapshot_recipient *r = &s->recipients[i];
			bool has = false;
			if ((r->kind != RK_USER && r->kind != RK_SHARED) || r->has_mailbox == TRI_FALSE)
				continue; /* user and shared mailboxes only (docs/snapshot.md, routing) */
			for (size_t a = 0; a < r->nr_aliases; a++)
				if (!platform_alias(r->aliases[a]))
					has = true;
			if (has && count++ < SAMPLE)
				cJSON_AddItemToArray(sample, cJSON_CreateString(r->address));
		}
		if (!count) {
			cJSON_Delete(sample);
			continue;
		}
		struct finding *f = finding_new(ctx->out, &check_sendas_alias_disabled, s->tenant,
						s->provider, s->tenant,
						"SendFromAliasEnabled is off while %zu mailbox%s have "
						"aliases: replies leave from the primary address", count,
						count == 1 ? "" : "es");
		finding_add_hop(f, s->tenant, "start", NULL);
		cJSON_AddNumberToObject(f->evidence, "mailboxes_with_aliases", (double)count);
		cJSON_AddItemToObject(f->evidence, "sample", sample);
		finding_set_id(f, "SendFromAliasEnabled");
	}
}

static void run_treat_as_alias(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		if (!send_as_platform(s) ||
		    !need_section(ctx, &check_sendas_treat_as_alias, s, s->has_send_as, "send_as"))
			continue;
		for (size_t i = 0; i < s->nr_send_as; i++) {
			const struct snapshot_send_as *sa = &s->send_as[i];
			uint32_t owner, target;
			if (sa->primary || sa->treat_as_alias != TRI_TRUE)
				continue;
			owner = route_lookup(g, sa->owner, NULL);
			target = route_lookup(g, sa->address, NULL);
			if (target == NODE_NONE || target == owner || !g->nodes[target].recipient)
				continue;
			enum recipient_kind k = g->nodes[target].recipient->kind;
			if (k != RK_USER && k != RK_SHARED)
				continue; /* groups and own aliases: treat-as-alias is right */
			struct finding *f = finding_new(ctx->out, &check_sendas_treat_as_alias, s->tenant,
							s->provider, sa->address,
							"%s sends as %s, which is its own account, with 'Treat "
							"as an alias' on", sa->owner, sa->address);
			finding_add_hop(f, sa->owner, "start", NULL);
			finding_add_hop(f, sa->address, "send-as", NULL);
			cJSON_AddStringToObject(f->evidence, "owner", sa->owner);
			cJSON_AddStringToObject(f->evidence, "account", g->nodes[target].address);
			finding_set_id(f, NULL);
		}
	}
}

/* send_as_index - every (owner, address) pair of s as "owner\naddress",
 * lowercased and sorted, so each alias is one binary search (a linear scan
 * per alias is quadratic on large tenants) */
struct send_as_index {
	char **keys;
	size_t nr;
};

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void send_as_index_build(struct send_as_index *ix, const struct snapshot *s)
{
	ix->nr = s->nr_send_as;
	ix->keys = xcalloc(ix->nr ? ix->nr : 1, sizeof(*ix->keys));
	for (size_t i = 0; i < ix->nr; i++)
		ix->keys[i] = lowercase_ascii(xstrfmt("%s\n%s", s->send_as[i].owner, s->send_as[i].address));
	qsort(ix->keys, ix->nr, sizeof(*ix->keys), cmp_key);
}

static bool send_as_index_has(const struct send_as_index *ix, const char *owner, const char *address)
{
	char *key = lowercase_ascii(xstrfmt("%s\n%s", owner, address));
	bool found = bsearch(&key, ix->keys, ix->nr, sizeof(*ix->keys), cmp_key) != NULL;
	free(key);
	return found;
}

static void send_as_index_release(struct send_as_index *ix)
{
	for (size_t i = 0; i < ix->nr; i++)
		free(ix->keys[i]);
	free(ix->keys);
}

static void run_missing(struct audit_ctx *ctx)
{
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		struct send_as_index ix;
		if (!send_as_platform(s) ||
		    !need_section(ctx, &check_sendas_missing, s, s->has_send_as, "send_as"))
			continue;
		send_as_index_build(&ix, s);
		for (size_t i = 0; i < s->nr_recipients; i++) {
			const struct snapshot_recipient *r = &s->recipients[i];
			if (r->kind != RK_USER || r->has_mailbox == TRI_FALSE || r->enabled == TRI_FALSE)
				continue;
			if (snapshot_area_failed(s, "send_as", r->address)) {
				finding_list_gap(ctx->out, check_sendas_missing.id, s->tenant,
						 "the send-as identities of %s could not be read", r->address);
				continue;
			}
			for (size_t a = 0; a < r->nr_aliases; a++) {
				if (send_as_index_has(&ix, r->address, r->aliases[a]))
					continue;
				struct finding *f = finding_new(ctx->out, &check_sendas_missing, s->tenant,
								s->provider, r->aliases[a],
								"alias %s of %s has no send-as identity: "
								"replies leave from %s", r->aliases[a],
								r->address, r->address);
				finding_add_hop(f, r->aliases[a], "start", NULL);
				finding_add_hop(f, r->address, "alias", NULL);
				cJSON_AddStringToObject(f->evidence, "owner", r->address);
				finding_set_id(f, NULL);
			}
		}
		send_as_index_release(&ix);
	}
}

static void run_unverified(struct audit_ctx *ctx)
{
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		if (!need_section(ctx, &check_sendas_unverified, s, s->has_send_as, "send_as"))
			continue;
		for (size_t i = 0; i < s->nr_send_as; i++) {
			const struct snapshot_send_as *sa = &s->send_as[i];
			if (sa->verified != TRI_FALSE)
				continue;
			struct finding *f = finding_new(ctx->out, &check_sendas_unverified, s->tenant,
							s->provider, sa->address,
							"send-as %s of %s is still pending verification",
							sa->address, sa->owner);
			finding_add_hop(f, sa->owner, "start", NULL);
			finding_add_hop(f, sa->address, "send-as", NULL);
			cJSON_AddStringToObject(f->evidence, "owner", sa->owner);
			finding_set_id(f, NULL);
		}
	}
}

const struct check_def check_sendas_alias_disabled = {
	.id = "sendas.alias-disabled",
	.title = "Sending from aliases is off",
	.finds = "Microsoft 365 SendFromAliasEnabled off while mailboxes have secondary addresses",
	.severity = SEV_MEDIUM,
	.symptom_code = NULL,
	.symptom_text = "replies show the primary address, or 'on behalf of'",
	.evidence = "the organization setting and the user and shared mailboxes with non-platform "
		    "aliases (Set-OrganizationConfig -SendFromAliasEnabled)",
	.fix = &fix_send_from_alias,
	.refs = refs_none,
	.run = run_alias_disabled,
};

const struct check_def check_sendas_treat_as_alias = {
	.id = "sendas.treat-as-alias",
	.title = "'Treat as an alias' on another account",
	.finds = "Gmail only: a send-as for another account's address (a role mailbox such as "
		 "support@) with treatAsAlias on; Google advises it only for one's own aliases and "
		 "groups",
	.severity = SEV_MEDIUM,
	.symptom_code = NULL,
	.symptom_text = "identity leak: replies to that address go to the sender's own inbox",
	.evidence = "send-as identities whose address resolves to a different user or shared "
		    "mailbox, on platforms with per-user send-as identities (Gmail sendAs, Gmail API "
		    "users.settings.sendAs treatAsAlias)",
	.fix = &fix_gws_treat_as_alias_off,
	.refs = refs_none,
	.run = run_treat_as_alias,
};

const struct check_def check_sendas_missing = {
	.id = "sendas.missing",
	.title = "Alias without send-as",
	.finds = "Gmail only: an alias with no send-as identity (in Microsoft 365 every proxy "
		 "address can send once SendFromAliasEnabled is on: sendas.alias-disabled)",
	.severity = SEV_LOW,
	.symptom_code = NULL,
	.symptom_text = "replies leave from the primary address",
	.evidence = "aliases of active users compared with their send-as identities, on platforms "
		    "with per-user send-as identities (Gmail API users.settings.sendAs); not drawn "
		    "when the send-as identities could not be read or an error names no area",
	.fix = &fix_gws_sendas_create,
	.refs = refs_none,
	.run = run_missing,
};

const struct check_def check_sendas_unverified = {
	.id = "sendas.unverified",
	.title = "Send-as pending verification",
	.finds = "a send-as identity pending verification",
	.severity = SEV_MEDIUM,
	.symptom_code = NULL,
	.symptom_text = "sending as the address fails until it is verified",
	.evidence = "send-as identities with verificationStatus pending",
	.fix = &fix_gws_sendas_verify,
	.refs = refs_none,
	.run = run_unverified,
};
