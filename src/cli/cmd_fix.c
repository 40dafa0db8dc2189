/*
 * cmd_fix.c - `aliasaudit fix`: audit live, print the plan of documented
 * fixes (changes nothing), and with --apply make them as a journaled
 * transaction. Write permissions are requested only for --apply.
 */
#include "core/audit.h"
#include "cli/cmd.h"
#include "core/collect.h"
#include "core/fix.h"
#include "base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit fix [-c FILE] [-t TENANT]... [--check ID]... [--finding FID]...\n"
"                      [--fix-variant VARIANT] [--apply] [--yes] [--journal DIR] [-j N]\n"
"\n"
"Audits the tenants live and prints the plan: for each change the tenant and\n"
"object, the setting with old value → new value, the findings it resolves, and\n"
"whether it is reversible. Findings with no automated fix list their exact\n"
"manual steps. Nothing is changed without --apply.\n"
"\n"
"  -c, --config FILE     configuration file (as for audit)\n"
"  -t, --tenant NAME     only this tenant (repeatable)\n"
"      --check ID        only findings of this check (repeatable)\n"
"      --finding FID     only this finding (repeatable; ids from 'aliasaudit audit')\n"
"      --fix-variant V   scoped (default: a policy scoped to exactly the mailboxes),\n"
"                        org-wide (the tenant-wide switch), stop-forwarding\n"
"      --apply           make the changes: each is re-read first and skipped if it\n"
"                        changed since the audit (compare-and-swap), and journaled\n"
"      --yes             do not ask (required when stdin is not a terminal)\n"
"      --journal DIR     where the journal goes (default $XDG_STATE_HOME/aliasaudit/journal)\n"
"  -j, --jobs N          concurrent requests per tenant\n"
"\n"
"Exit: 0 plan printed or every change applied/skipped; 2 usage, config or\n"
"credentials, or --apply refused; 3 the audit was incomplete; 4 a change failed\n"
"(the journal says which). Revert with 'aliasaudit undo JOURNAL'.\n";

enum { OPT_CHECK = 256, OPT_FINDING, OPT_VARIANT, OPT_APPLY, OPT_YES, OPT_JOURNAL };

struct fix_args {
	const char *config, *variant, *journal_dir;
	const char **tenants; size_t nr_tenants, alloc_tenants;
	const char **checks; size_t nr_checks, alloc_checks;
	const char **findings; size_t nr_findings, alloc_findings;
	bool apply, yes;
	int jobs;
};

static void push(const char ***arr, size_t *nr, size_t *alloc, const char *s)
{
	ALLOC_GROW(*arr, *nr + 2, *alloc);
	(*arr)[(*nr)++] = s;
	(*arr)[*nr] = NULL;
}

static int parse_args(int argc, char **argv, struct fix_args *a)
{
	static const struct option opts[] = {
		{ "apply", no_argument, NULL, OPT_APPLY },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "config", required_argument, NULL, 'c' },
		{ "finding", required_argument, NULL, OPT_FINDING },
		{ "fix-variant", required_argument, NULL, OPT_VARIANT },
		{ "help", no_argument, NULL, 'h' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "journal", required_argument, NULL, OPT_JOURNAL },
		{ "tenant", required_argument, NULL, 't' },
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:t:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 't': push(&a->tenants, &a->nr_tenants, &a->alloc_tenants, optarg); break;
		case OPT_CHECK: push(&a->checks, &a->nr_checks, &a->alloc_checks, optarg); break;
		case OPT_FINDING: push(&a->findings, &a->nr_findings, &a->alloc_findings, optarg); break;
		case OPT_VARIANT:
			if (strcmp(optarg, "scoped") && strcmp(optarg, "org-wide") &&
			    strcmp(optarg, "stop-forwarding"))
				return usage_error("fix", "--fix-variant: unknown '%s' (scoped, org-wide, "
						   "stop-forwarding)", optarg);
			a->variant = optarg;
			break;
		case OPT_APPLY: a->apply = true; break;
		case OPT_YES: a->yes = true; break;
		case OPT_JOURNAL: a->journal_dir = optarg; break;
		case 'j':
			a->jobs = atoi(optarg);
			if (a->jobs <= 0)
				return usage_error("fix", "--jobs: want a positive number, got '%s'", optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case ':':
			return usage_error("fix", "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("fix", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("fix", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* open_targets - a provider session per snapshot's tenant; write for --apply */
static int open_targets(const struct config *cfg, struct snapshot **snaps, size_t n, bool write,
			int jobs, struct fix_target *t, char **err)
{
	struct run_options ro = { .concurrency = jobs, .write_access = write };
	for (size_t i = 0; i < n; i++) {
		struct tenant_config *tc = config_tenant((struct config *)cfg, snaps[i]->tenant);
		t[i].tenant = snaps[i]->tenant;
		t[i].snap = snaps[i];
		t[i].ps = NULL;
		if (!tc)
			continue;
		t[i].ps = provider_open(cfg, tc, &ro, err);
		if (!t[i].ps)
			return -1;
	}
	return 0;
}

static void close_targets(struct fix_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		provider_close(t[i].ps);
		t[i].ps = NULL;
	}
}

int cmd_fix(int argc, char **argv)
{
	struct fix_args a;
	struct config cfg = { 0 };
	bool have_cfg = false;
	struct snapshot **snaps = NULL;
	size_t nr = 0, nr_manual = 0;
	struct fix_target *targets = NULL;
	struct fix_plan plan = { 0 };
	const struct finding **manual = NULL;
	struct audit_result res;
	bool have_res = false;
	struct journal j = { .fd = -1 };
	char *err = NULL, *jdir = NULL;
	int rc = parse_args(argc, argv, &a), ret = EXIT_USAGE;

	if (rc) {
		free(a.tenants);
		free(a.checks);
		free(a.findings);
		return rc < 0 ? EXIT_CLEAN : rc; /* rc < 0: --help was printed */
	}
	if (load_config_for(a.config, &cfg, &err)) {
		error("%s", err);
		goto out;
	}
	have_cfg = true;
	struct run_options ro = { .concurrency = a.jobs, .progress = true };
	if (collect_tenants(&cfg, a.tenants, a.nr_tenants, &ro, &snaps, &nr, &err) < 0) {
		error("%s", err);
		goto out;
	}
	if (audit_run(snaps, nr, NULL, NULL, &res, &err)) {
		error("%s", err);
		goto out;
	}
	have_res = true;
	targets = xcalloc(nr ? nr : 1, sizeof(*targets));
	if (open_targets(&cfg, snaps, nr, false, a.jobs, targets, &err)) {
		error("%s", err);
		goto out;
	}
	struct fix_selection sel = {
		.checks = a.checks, .nr_checks = a.nr_checks,
		.findings = a.findings, .nr_findings = a.nr_findings, .variant = a.variant,
	};
	if (fix_plan_build(targets, nr, &res, &sel, &plan, &manual, &nr_manual, &err)) {
		error("%s", err);
		goto out;
	}
	close_targets(targets, nr);
	fix_plan_print(stdout, &plan, manual, nr_manual);
	fflush(stdout);
	if (!a.apply || !plan.nr) {
		ret = audit_complete(&res) ? EXIT_CLEAN : EXIT_INCOMPLETE;
		goto out;
	}
	char *q = xstrfmt("Apply these %zu change%s?", plan.nr, plan.nr == 1 ? "" : "s");
	bool ok = fix_confirm(q, a.yes);
	free(q);
	if (!ok)
		goto out;
	/* write permissions are requested only now */
	if (open_targets(&cfg, snaps, nr, true, a.jobs, targets, &err)) {
		error("%s", err);
		goto out;
	}
	jdir = a.journal_dir ? xstrdup(a.journal_dir) : journal_default_dir();
	if (journal_create(&j, jdir, cfg.path, &err)) {
		error("%s", err);
		goto out;
	}
	fprintf(stderr, "journal: %s\n", j.path);
	rc = fix_apply(targets, nr, &plan, &j, stderr, &err);
	if (rc < 0) {
		error("%s", err);
		ret = EXIT_CHANGE_FAILED;
		goto out;
	}
	fprintf(stderr, "%s; undo with: aliasaudit undo %s\n",
		rc ? "some changes FAILED (see the journal)" : "done", j.path);
	ret = rc ? EXIT_CHANGE_FAILED : EXIT_CLEAN;
out:
	if (targets)
		close_targets(targets, nr);
	journal_close(&j);
	free(targets);
	free(manual);
	fix_plan_release(&plan);
	if (have_res)
		audit_result_release(&res);
	for (size_t i = 0; i < nr; i++)
		snapshot_free(snaps[i]);
	free(snaps);
	if (have_cfg)
		config_release(&cfg);
	free(err);
	free(jdir);
	free(a.tenants);
	free(a.checks);
	free(a.findings);
	return ret;
}
