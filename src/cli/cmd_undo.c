/*
 * cmd_undo.c - `aliasaudit undo JOURNAL`: revert the changes a fix journal
 * records, newest first, each compare-and-swap against the value the apply
 * wrote. A journal that does not read back completely changes nothing.
 */
#include "cli/cmd.h"
#include "core/collect.h"
#include "core/fix.h"
#include "base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit undo JOURNAL [--yes] [-c FILE]\n"
"\n"
"Reverts the completed changes recorded in a fix journal, in reverse order.\n"
"Each is re-read first: a value changed since the apply is skipped and reported.\n"
"Changes of an apply that was interrupted (even by kill -9) are reverted when\n"
"they took effect; a last record cut short is ignored. The undo is recorded in\n"
"the same journal. The journal is bound to each tenant's immutable id (tenant\n"
"GUID, Google customer id): another tenant under the same name is refused.\n"
"\n"
"  -c, --config FILE   configuration (default: the one the apply used)\n"
"      --yes           do not ask (required when stdin is not a terminal)\n"
"\n"
"Exit: 0 done; 2 usage, unreadable journal, config or credentials, another\n"
"tenant id, another run holding the tenant's lock, or refused;\n"
"4 a revert failed (the journal says which).\n";

/* open_targets - a write session for each tenant the journal's changes name
 * (targets has room for j->nr); 0, or -1 with *err */
static int open_targets(const struct journal *j, const struct config *cfg,
			struct fix_target *targets, size_t *nt, char **err)
{
	for (size_t i = 0; i < j->nr; i++) {
		const char *tenant = j->entries[i].change.tenant;
		struct run_options ro = { .write_access = true };
		struct tenant_config *tc;
		bool seen = false;
		for (size_t k = 0; k < *nt; k++)
			seen |= !strcmp(targets[k].tenant, tenant);
		if (seen)
			continue;
		if (!(tc = config_tenant((struct config *)cfg, tenant))) {
			*err = xstrfmt("%s: tenant '%s' of the journal is not in the configuration",
				       j->path, tenant);
			return -1;
		}
		targets[*nt].tenant = tenant;
		if (!(targets[*nt].ps = provider_open(cfg, tc, &ro, err)))
			return -1;
		(*nt)++;
	}
	return 0;
}

int cmd_undo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	bool yes = false, have_cfg = false;
	struct journal j = { .fd = -1 };
	struct config cfg = { 0 };
	struct fix_target *targets = NULL;
	struct fix_locks locks = { 0 };
	size_t nt = 0;
	char *err = NULL;
	int c, ret = EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 'y')
			yes = true;
		else if (c == 'h')
			return cmd_exit(cmd_help(usage));
		else
			return usage_error("undo", "unknown option or missing value '%s'", argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return usage_error("undo", "give exactly one JOURNAL");
	if (journal_load(&j, argv[optind], true, &err)) {
		error("%s", err);
		goto out;
	}
	if (j.truncated_tail)
		warning("%s: ignoring the incomplete last record (the run was cut short)", j.path);
	if (load_config_for(config ? config : j.config, &cfg, &err)) {
		error("%s", err);
		goto out;
	}
	have_cfg = true;
	/* one session per tenant named in the journal, with write access */
	targets = xcalloc(j.nr ? j.nr : 1, sizeof(*targets));
	if (open_targets(&j, &cfg, targets, &nt, &err)) {
		error("%s", err);
		goto out;
	}
	if (fix_lock_targets(targets, nt, &locks, &err) || fix_check_binding(&j, &locks, &err)) {
		error("%s", err);
		goto out;
	}
	char *q = xstrfmt("Revert the changes recorded in %s?", j.path);
	bool ok = fix_confirm(q, yes);
	free(q);
	if (!ok)
		goto out;
	int failed = fix_undo(targets, nt, &j, stderr, &err);
	if (failed < 0) {
		error("%s", err);
		ret = EXIT_CHANGE_FAILED;
		goto out;
	}
	ret = failed ? EXIT_CHANGE_FAILED : EXIT_CLEAN;
out:
	fix_locks_release(&locks);
	for (size_t i = 0; i < nt; i++)
		provider_close(targets[i].ps);
	free(targets);
	journal_close(&j);
	if (have_cfg)
		config_release(&cfg);
	free(err);
	return ret;
}
