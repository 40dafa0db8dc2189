/*
 * registry.c - the providers this build knows, in the order `--help` lists
 * them. Adding a provider: its own providers/<name>/ directory exporting one
 * struct provider_ops, and one line here. The core finds providers only
 * through this array (core/provider.h).
 */
#include "core/provider.h"

#include <stddef.h>

extern const struct provider_ops m365_provider;
extern const struct provider_ops gworkspace_provider;
extern const struct provider_ops postfix_provider;

const struct provider_ops *const provider_registry[] = {
	&m365_provider,
	&gworkspace_provider,
	&postfix_provider,
	NULL,
};
