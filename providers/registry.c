/*
 * registry.c - the providers this build knows, in the order `--help` lists
 * them: the one place that names them. Adding a provider: its own
 * providers/<name>/ directory exporting one struct provider_ops, and one
 * X(...) line in PROVIDERS below. The core finds providers only through
 * provider_registry (core/provider.h); see docs/architecture.md.
 */
#include "core/provider.h"

#include <stddef.h>

#define PROVIDERS(X)                \
	X(m365_provider)            \
	X(gworkspace_provider)      \
	X(postfix_provider)

#define DECLARE(ops) extern const struct provider_ops ops;
#define ENTRY(ops) &ops,

PROVIDERS(DECLARE)

const struct provider_ops *const provider_registry[] = {
	PROVIDERS(ENTRY)
	NULL,
};
