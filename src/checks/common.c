/*
 * common.c - helpers shared by the checks: which snapshot sections a provider
 * must deliver, "not evaluated" gaps, and path hops for edges.
 */
#include "checks/checks.h"
#include "core/provider.h"
#include "base/util.h"

#include <string.h>

/* provider_expects - see checks.h: the provider's sections (provider_ops);
 * hand-written snapshots are judged only on what they contain */
bool provider_expects(const struct snapshot *s, const char *section)
{
	const struct provider_ops *ops = provider_of(s);
	for (size_t j = 0; ops && ops->sections && ops->sections[j]; j++)
		if (!strcmp(ops->sections[j], section))
			return true;
	return false;
}

bool need_section(struct audit_ctx *ctx, const struct check_def *check,
		  const struct snapshot *s, bool present, const char *section)
{
	if (present)
		return true;
	if (snapshot_area_failed(s, section, NULL))
		finding_list_gap(ctx->out, check->id, s->tenant, "%s could not be read", section);
	else if (provider_expects(s, section))
		finding_list_gap(ctx->out, check->id, s->tenant, "the snapshot has no %s", section);
	return false;
}

bool gap_on_errors(struct audit_ctx *ctx, const struct check_def *check,
		   const struct snapshot *s, const char *area)
{
	bool any = false;
	for (size_t i = 0; i < s->nr_errors; i++) {
		const struct snapshot_error *e = &s->errors[i];
		if (e->area && strcmp(e->area, area))
			continue;
		finding_list_gap(ctx->out, check->id, s->tenant, "%s could not be read: %s",
				 e->object ? e->object : area, e->message ? e->message : "error");
		any = true;
	}
	return any;
}

void add_edge_hop(const struct audit_ctx *ctx, struct finding *f, const struct route_edge *e)
{
	finding_add_hop(f, e->target, route_edge_via_name(e), route_edge_object(ctx->graph, e));
}

bool edge_leaves_tenant(const struct audit_ctx *ctx, const struct route_edge *e)
{
	uint16_t from = ctx->graph->nodes[e->from].tenant;
	return route_domain_tenant(ctx->graph, e->target) != from;
}
