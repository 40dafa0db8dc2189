/*
 * postfix.c - the Postfix provider: one const struct provider_ops, its
 * platform rules, and the session open() builds from a [tenant] section.
 * Collection lives in pf_collect.c; nothing here touches the system.
 *
 * Tenant keys: provider = postfix, config_directory (default /etc/postfix),
 * postconf, postmap, postalias (the tools; default: found in PATH, then
 * /usr/sbin). Collection is read-only; there are no automated fixes.
 */
#include "postfix.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How Postfix moves mail, with Postfix's own documentation as the source.
 * - A message that passes through Postfix with hopcount_limit (default 50)
 *   Received: headers is refused at the end of DATA with "554 5.4.0 Error:
 *   too many hops" (postconf(5) hopcount_limit; cleanup_strerror.c maps
 *   CLEANUP_STAT_HOPS to 554 5.4.0 "too many hops"; seen on Postfix 3.7 in
 *   tests/e2e/postfix_audit.sh). This is how a loop through other systems
 *   ends on the Postfix side.
 * - A cycle of virtual_alias_maps entries never leaves cleanup(8): the
 *   expansion nests until virtual_alias_recursion_limit (default 1000) and
 *   the message is refused with "451 4.6.0 Alias expansion error"
 *   (postconf(5) virtual_alias_recursion_limit; cleanup_map1n.c: "unreasonable
 *   virtual_alias_maps map nesting ... message not accepted, try again
 *   later"). The sender's server retries and finally bounces it.
 * - local(8) and virtual(8) refuse a message whose Delivered-To: already
 *   names the recipient: "5.4.6 mail forwarding loop for ADDRESS" (local(8),
 *   virtual(8) "Delivered-To:"): a loop that re-enters a mailbox delivery.
 * - Postfix has no inbox rules or per-rule recipient limits; an alias
 *   applies whatever the state of the account behind it. */
static const struct platform_rules postfix_platform = {
	.name = "Postfix",
	.loop_bounce_code = "554 5.4.0",
	.loop_bounce_text = "Error: too many hops (hopcount_limit, default 50)",
	.loop_hop_limit = 50, /* postconf(5) hopcount_limit default */
	.documented_vias = 1u << VIA_ROUTING,
	.alias_cycle_code = "451 4.6.0",
	.alias_cycle_text = "Alias expansion error (virtual_alias_recursion_limit): refused at the "
			    "end of DATA; the sending server retries, then bounces",
	.disabled_account_forwards = true,
	.sources = "postconf(5) hopcount_limit, virtual_alias_recursion_limit; virtual(5) "
		   "TABLE SEARCH ORDER; local(8) and virtual(8) Delivered-To loop detection",
};

/* tool_path - the configured path of a tool, or its name in PATH, or /usr/sbin/NAME */
static char *tool_path(const struct config *cfg, const struct tenant_config *t, const char *key)
{
	const char *v = tenant_get(cfg, t, key);
	const char *path = getenv("PATH");
	if (v && *v)
		return xstrdup(v);
	if (path) {
		char *copy = xstrdup(path), *save = NULL;
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			char *cand = xstrfmt("%s/%s", *dir ? dir : ".", key);
			if (!access(cand, X_OK)) {
				free(copy);
				return cand;
			}
			free(cand);
		}
		free(copy);
	}
	return xstrfmt("/usr/sbin/%s", key);
}

/* pf_close - see provider.h */
static void pf_close(struct provider_session *base)
{
	struct pf_session *ps = (struct pf_session *)base;
	if (!ps)
		return;
	free(ps->config_dir);
	free(ps->postconf);
	free(ps->postmap);
	free(ps->postalias);
	free(ps->where);
	free(ps);
}

/* pf_open - see provider.h: check config_directory and the tools */
static struct provider_session *pf_open(const struct config *cfg, const struct tenant_config *t,
					const struct run_options *opt, char **err)
{
	struct pf_session *ps = xcalloc(1, sizeof(*ps));
	const char *dir = tenant_get(cfg, t, "config_directory");
	struct stat st;
	ps->where = xstrfmt("%s:%d: tenant '%s'", t->source ? t->source : "config", t->line, t->name);
	ps->config_dir = xstrdup(dir && *dir ? dir : "/etc/postfix");
	ps->postconf = tool_path(cfg, t, "postconf");
	ps->postmap = tool_path(cfg, t, "postmap");
	ps->postalias = tool_path(cfg, t, "postalias");
	if (stat(ps->config_dir, &st) || !S_ISDIR(st.st_mode)) {
		*err = xstrfmt("%s: config_directory: %s is not a directory", ps->where, ps->config_dir);
		goto fail;
	}
	const char *tools[] = { ps->postconf, ps->postmap, ps->postalias };
	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		if (access(tools[i], X_OK)) {
			*err = xstrfmt("%s: %s is not an executable program (install Postfix, or set "
				       "postconf/postmap/postalias)", ps->where, tools[i]);
			goto fail;
		}
	}
	return &ps->base;
fail:
	pf_close(&ps->base);
	return NULL;
}

const struct provider_ops postfix_provider = {
	.name = "postfix",
	.caps = PROVIDER_CAN_COLLECT,
	.platform = &postfix_platform,
	.open = pf_open,
	.collect = pf_collect,
	.close = pf_close,
};
