/*
 * route_catchall.c - route.catchall-shadow: a catch-all of scope "all" that
 * takes mail meant for explicit addresses (an unconditional domain
 * redirect); route.catchall (info): a catch-all of scope "unknown-only" that
 * accepts mail for any unknown address. A catch-all's own problems (its
 * target does not exist, is outside the tenant) are reported once at the
 * catch-all by route.ghost and forward.external-auth / forward.policy-open.
 */
#include "checks/checks.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define SHADOW_SAMPLE 5

static void report_all_scope(struct audit_ctx *ctx, const struct snapshot *s,
			     const struct catch_all *c)
{
	cJSON *sample = cJSON_CreateArray();
	size_t count = 0;
	const char *first = NULL;
	for (size_t i = 0; i < s->nr_recipients; i++) {
		const struct snapshot_recipient *r = &s->recipients[i];
		const char *addrs_one[1] = { r->address };
		for (size_t k = 0; k < 1 + r->nr_aliases; k++) {
			const char *a = k ? r->aliases[k - 1] : addrs_one[0];
			if (!str_eq_nocase(addr_domain(a), c->domain) || str_eq_nocase(a, c->target))
				continue;
			if (!first)
				first = a;
			if (count++ < SHADOW_SAMPLE)
				cJSON_AddItemToArray(sample, cJSON_CreateString(a));
		}
	}
	/* explicit routing aliases of the domain that no recipient owns (a
	 * hand-written or MTA snapshot's alias table: contact@ -> info@) */
	for (size_t i = 0; i < s->nr_forwards; i++) {
		const struct snapshot_forward *fw = &s->forwards[i];
		uint32_t n = route_lookup(ctx->graph, fw->from, NULL);
		if (!fw->enabled || !str_eq_nocase(addr_domain(fw->from), c->domain) ||
		    str_eq_nocase(fw->from, c->target) || n == NODE_NONE ||
		    ctx->graph->nodes[n].recipient || (i && str_eq_nocase(s->forwards[i - 1].from, fw->from)))
			continue;
		if (!first)
			first = fw->from;
		if (count++ < SHADOW_SAMPLE)
			cJSON_AddItemToArray(sample, cJSON_CreateString(fw->from));
	}
	if (!count) {
		cJSON_Delete(sample);
		return;
	}
	const char *subject = c->name && *c->name ? c->name : c->domain;
	struct finding *f = finding_new(ctx->out, &check_route_catchall_shadow, s->tenant,
					s->provider, subject,
					"catch-all '%s' sends all mail for %s to %s, including %zu "
					"explicit address%s", subject, c->domain,
					c->target ? c->target : "?", count, count == 1 ? "" : "es");
	finding_add_hop(f, first, "start", NULL);
	finding_add_hop(f, c->target ? c->target : "?", "catch-all", subject);
	cJSON_AddStringToObject(f->evidence, "domain", c->domain);
	cJSON_AddStringToObject(f->evidence, "scope", catch_all_scope_name(c->scope));
	if (c->source)
		cJSON_AddStringToObject(f->evidence, "source", c->source);
	cJSON_AddNumberToObject(f->evidence, "shadowed", (double)count);
	cJSON_AddItemToObject(f->evidence, "shadowed_sample", sample);
	finding_set_id(f, c->domain);
}

static void report_unknown_only(struct audit_ctx *ctx, const struct snapshot *s,
				const struct catch_all *c)
{
	const char *subject = c->name && *c->name ? c->name : c->domain;
	struct finding *f = finding_new(ctx->out, &check_route_catchall, s->tenant,
					s->provider, subject,
					"catch-all '%s' accepts mail for any unknown address in %s "
					"(typos never bounce; spam and backscatter land in %s)",
					subject, c->domain, c->target ? c->target : "?");
	char *any = xstrfmt("*@%s", c->domain);
	finding_add_hop(f, any, "start", NULL);
	free(any);
	finding_add_hop(f, c->target ? c->target : "?", "catch-all", subject);
	cJSON_AddStringToObject(f->evidence, "domain", c->domain);
	cJSON_AddStringToObject(f->evidence, "scope", catch_all_scope_name(c->scope));
	if (c->source)
		cJSON_AddStringToObject(f->evidence, "source", c->source);
	finding_set_id(f, c->domain);
}

/* run_scope - report every catch-all of this scope through check */
static void run_scope(struct audit_ctx *ctx, const struct check_def *check,
		      enum catch_all_scope scope)
{
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		if (!need_section(ctx, check, s, s->policy.has_catch_all, "policy.catch_all"))
			continue;
		for (size_t i = 0; i < s->policy.nr_catch_all; i++) {
			const struct catch_all *c = &s->policy.catch_all[i];
			if (c->scope != scope)
				continue;
			if (scope == CATCHALL_ALL)
				report_all_scope(ctx, s, c);
			else
				report_unknown_only(ctx, s, c);
		}
	}
}

static void run_shadow(struct audit_ctx *ctx)
{
	run_scope(ctx, &check_route_catchall_shadow, CATCHALL_ALL);
}

static void run_catchall(struct audit_ctx *ctx)
{
	run_scope(ctx, &check_route_catchall, CATCHALL_UNKNOWN_ONLY);
}

const struct check_def check_route_catchall_shadow = {
	.id = "route.catchall-shadow",
	.title = "Catch-all shadows explicit addresses",
	.finds = "a catch-all of scope 'all' (an unconditional domain redirect, e.g. an Exchange "
		 "transport rule redirecting every recipient of a domain) that wins over explicit "
		 "aliases",
	.severity = SEV_HIGH,
	.symptom_code = NULL,
	.symptom_text = "mail reaches the wrong inbox",
	.evidence = "catch-alls of scope 'all' in a domain with explicit recipients (the catch-all's "
		    "own target keeps its mail). The routing graph sends every address of the domain "
		    "to the target, so loops and chains through it are judged too. Sources: Exchange "
		    "Online mail flow rules, 'Redirect the message to' action (Microsoft Learn, "
		    "'Mail flow rule actions in Exchange Online'); Google Workspace Admin Help, "
		    "'Set up default routing' (apply to all recipients vs unrecognized addresses). "
		    "A target that does not exist is route.ghost once at the catch-all; a target "
		    "outside the tenant is forward.external-auth once at the catch-all (and "
		    "forward.policy-open for a transport-rule catch-all)",
	.fix = &fix_catchall_scope,
	.refs = refs_none,
	.run = run_shadow,
};

const struct check_def check_route_catchall = {
	.id = "route.catchall",
	.title = "Catch-all for unknown addresses",
	.finds = "(info) a catch-all that takes mail for every unknown address of a domain "
		 "(scope unknown-only)",
	.severity = SEV_INFO,
	.symptom_code = NULL,
	.symptom_text = "typos never bounce; spam and dictionary attacks land in the target",
	.evidence = "catch-alls of scope 'unknown-only': Google Workspace default routing for "
		    "unrecognized addresses (Admin Help, 'Set up default routing'); in Exchange Online "
		    "a domain set to Internal Relay plus a transport rule redirecting recipients "
		    "outside a dynamic group of every mail object (CodeTwo, 'All you need to know "
		    "about a catch all email in Exchange Online'; Microsoft's own Exchange 2007/2010 "
		    "'How to Configure a Catch-All Mailbox'). Addresses it catches are never ghosts; "
		    "its own problems are reported once at the catch-all",
	.fix = &fix_catchall_scope,
	.refs = refs_none,
	.run = run_catchall,
};
