/*
 * provider.c - the provider registry and the thin wrappers the core calls.
 * Add a provider here (one line) and in its own providers/<name>/ directory.
 */
#include "provider.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

extern const struct provider_ops m365_provider;
extern const struct provider_ops gworkspace_provider;

static const struct provider_ops *const providers[] = {
	&m365_provider,
	&gworkspace_provider,
	NULL,
};

const struct provider_ops *provider_find(const char *name)
{
	for (size_t i = 0; name && providers[i]; i++)
		if (!strcmp(providers[i]->name, name))
			return providers[i];
	return NULL;
}

const char *provider_names(void)
{
	return "m365, gworkspace";
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

int provider_collect(struct provider_session *ps, struct snapshot **out, char **err)
{
	if (!ps->ops->collect) {
		*err = xstrfmt("provider '%s' cannot collect", ps->ops->name);
		return -1;
	}
	return ps->ops->collect(ps, out, err);
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
	memset(c, 0, sizeof(*c));
}

void fix_plan_release(struct fix_plan *p)
{
	for (size_t i = 0; i < p->nr; i++)
		fix_change_release(&p->changes[i]);
	free(p->changes);
	memset(p, 0, sizeof(*p));
}
