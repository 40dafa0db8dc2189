/*
 * provider.c - lookups in the provider registry and the thin wrappers the
 * core calls. The registry itself is providers/registry.c: the core never
 * names a provider.
 */
#include "core/provider.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const struct provider_ops *provider_find(const char *name)
{
	for (size_t i = 0; name && provider_registry[i]; i++)
		if (!strcmp(provider_registry[i]->name, name))
			return provider_registry[i];
	return NULL;
}

const struct provider_ops *provider_of(const struct snapshot *s)
{
	return provider_find(s->provider);
}

static char provider_names_buf[256];

static void provider_names_build(void)
{
	size_t used = 0;
	for (size_t i = 0; provider_registry[i]; i++) {
		int n = snprintf(provider_names_buf + used, sizeof(provider_names_buf) - used, "%s%s",
				 i ? ", " : "", provider_registry[i]->name);
		if (n < 0 || (size_t)n >= sizeof(provider_names_buf) - used)
			BUG("provider names exceed %zu bytes", sizeof(provider_names_buf));
		used += (size_t)n;
	}
}

const char *provider_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, provider_names_build);
	return provider_names_buf;
}

struct provider_session *provider_open(const struct config *cfg, const struct tenant_config *t,
				       const struct run_options *opt, char **err)
{
	const struct provider_ops *ops = provider_find(t->provider);
	struct provider_session *ps;
	if (!ops) {
		*err = xstrfmt("%s:%d: tenant '%s': unknown provider '%s' (known: %s)",
			       t->source ? t->source : "config", t->line, t->name,
			       t->provider ? t->provider : "", provider_names());
		return NULL;
	}
	ps = ops->open(cfg, t, opt, err);
	if (ps) {
		ps->ops = ops;
		ps->cfg = cfg;
		ps->tenant = t;
	}
	return ps;
}

/* unsupported - the error of an operation ps's provider lacks: -1 with *err */
static int unsupported(const struct provider_session *ps, const char *what, char **err)
{
	*err = xstrfmt("provider '%s' cannot %s", ps->ops->name, what);
	return -1;
}

int provider_collect(struct provider_session *ps, struct snapshot **out, char **err)
{
	if (!ps->ops->collect)
		return unsupported(ps, "collect", err);
	return ps->ops->collect(ps, out, err);
}

int provider_plan_fix(struct provider_session *ps, const struct snapshot *snap,
		      const struct finding *f, const char *variant, struct fix_plan *plan, char **err)
{
	if (!ps->ops->plan_fix)
		return 0;
	return ps->ops->plan_fix(ps, snap, f, variant, plan, err);
}

int provider_read_value(struct provider_session *ps, const struct fix_change *c, char **out,
			char **err)
{
	if (!ps->ops->read_value)
		return unsupported(ps, "read live values", err);
	return ps->ops->read_value(ps, c, out, err);
}

int provider_apply_change(struct provider_session *ps, const struct fix_change *c, char **err)
{
	if (!ps->ops->apply_change)
		return unsupported(ps, "apply changes", err);
	return ps->ops->apply_change(ps, c, err);
}

int provider_revert_change(struct provider_session *ps, const struct fix_change *c, char **err)
{
	if (!ps->ops->revert_change)
		return unsupported(ps, "revert changes", err);
	return ps->ops->revert_change(ps, c, err);
}

void provider_close(struct provider_session *ps)
{
	if (ps && ps->ops->close)
		ps->ops->close(ps);
}

void fix_change_release(struct fix_change *c)
{
	free(c->tenant);
	free(c->provider);
	free(c->object);
	free(c->setting);
	free(c->old_value);
	free(c->new_value);
	for (size_t j = 0; j < c->nr_finding_ids; j++)
		free(c->finding_ids[j]);
	free(c->finding_ids);
	free(c->fix_id);
	cJSON_Delete(c->params);
	cJSON_Delete(c->effect);
	free(c->note);
	memset(c, 0, sizeof(*c));
}

void fix_plan_release(struct fix_plan *p)
{
	for (size_t i = 0; i < p->nr; i++)
		fix_change_release(&p->changes[i]);
	free(p->changes);
	memset(p, 0, sizeof(*p));
}

/* platform_standard_mta - see platform.h: a forwarding cycle bounces at the
 * hop-count limit (RFC 5321 section 6.3; Postfix hopcount_limit 50, "5.4.6"),
 * and no rule-specific limits are assumed */
const struct platform_rules platform_standard_mta = {
	.name = "a standard MTA",
	.loop_bounce_code = "554 5.4.6",
	.loop_bounce_text = "mail forwarding loop (hop count exceeded)",
	.loop_hop_limit = 50, /* Postfix hopcount_limit default */
	.loop_trace = "the mail log shows the hop-count bounce",
	.disabled_account_forwards = false,
	.sources = "RFC 5321 section 6.3 (loop detection by Received hop count)",
	.assumed = true,
};

/* platform_for - see platform.h */
const struct platform_rules *platform_for(const char *provider_name)
{
	const struct provider_ops *ops = provider_find(provider_name);
	return ops && ops->platform ? ops->platform : &platform_standard_mta;
}

/* platform_dns_for - see platform.h */
const struct platform_dns *platform_dns_for(const char *provider_name)
{
	const struct provider_ops *ops = provider_find(provider_name);
	return ops ? ops->dns : NULL;
}
