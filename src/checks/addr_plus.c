/*
 * addr_plus.c - addr.plus-disabled: plus addressing switched off, so
 * user+tag@ bounces. Raised to medium when the configuration itself routes
 * to +tag addresses that therefore go nowhere.
 */
#include "checks/checks.h"
#include "base/addr.h"
#include "base/util.h"

static void run(struct audit_ctx *ctx)
{
	const struct route_graph *g = ctx->graph;
	for (size_t t = 0; t < ctx->nr_snapshots; t++) {
		const struct snapshot *s = ctx->snapshots[t];
		cJSON *used;
		char base[ADDR_MAX_LEN + 1];
		if (!need_section(ctx, &check_addr_plus_disabled, s,
				  s->policy.plus_addressing != TRI_UNSET, "policy.plus_addressing") ||
		    s->policy.plus_addressing == TRI_TRUE)
			continue;
		used = cJSON_CreateArray();
		for (uint32_t i = 0; i < g->nr_edges; i++) {
			const struct route_edge *e = &g->edges[i];
			if (g->nodes[e->to].tenant == t && g->nodes[e->to].kind == NODE_MISSING &&
			    addr_strip_tag(e->target, base))
				cJSON_AddItemToArray(used, cJSON_CreateString(e->target));
		}
		int n = cJSON_GetArraySize(used);
		struct finding *f = n
			? finding_new(ctx->out, &check_addr_plus_disabled, s->tenant, s->provider,
				      s->tenant, "plus addressing is off, and %d configured target%s "
				      "a +tag address that now bounces", n, n == 1 ? " uses" : "s use")
			: finding_new(ctx->out, &check_addr_plus_disabled, s->tenant, s->provider,
				      s->tenant, "plus addressing is off: user+tag@ addresses bounce");
		if (n)
			f->severity = SEV_MEDIUM;
		finding_add_hop(f, s->tenant, "start", NULL);
		cJSON_AddItemToObject(f->evidence, "tag_targets", used);
		finding_set_id(f, "plus-addressing");
	}
}

const struct check_def check_addr_plus_disabled = {
	.id = "addr.plus-disabled",
	.title = "Plus addressing is off",
	.finds = "plus addressing switched off",
	.severity = SEV_LOW,
	.symptom_code = "550 5.1.1",
	.symptom_text = "user+tag@ addresses bounce as unknown",
	.evidence = "the organization setting (DisablePlusAddressInRecipients), and routing "
		    "targets that use +tag addresses",
	.fix = &fix_plus_addressing_enable,
	.refs = refs_none,
	.run = run,
};
