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
"                      [--fix-variant VARIANT] [--include KEY]... [--apply] [--yes]\n"
"                      [--journal DIR] [-j N]\n"
"\n"
"Audits the tenants live and prints the plan: for each change the tenant and\n"
"object, the setting with old value → new value, the findings it resolves, and\n"
"whether it is reversible. Findings with no automated fix list their exact\n"
"manual steps. Nothing is changed without --apply.\n"
"\n"
"Every plan is proven first: the changes are applied to a copy of the audited\n"
"snapshot and every check runs again. The plan holds the changes that resolve\n"
"findings, introduce none and that no other change defeats; the others are\n"
"listed with the reason and their [KEY]. A blocked forward is fixed by stopping\n"
"it (least egress); allowing it is the explicit variant.\n"
"\n"
"  -c, --config FILE     configuration file (as for audit)\n"
"  -t, --tenant NAME     only this tenant (repeatable)\n"
"      --check ID        only findings of this check (repeatable)\n"
"      --finding FID     only this finding (repeatable; ids from 'aliasaudit audit')\n"
"      --fix-variant V   for a forward an outbound policy blocks: stop-forwarding\n"
"                        (default), scoped (allow exactly that mailbox with a\n"
"                        scoped policy), org-wide (the tenant-wide switch)\n"
"      --include KEY     also make this change left out of the plan (repeatable;\n"
"                        'all' for every one whose evidence was read)\n"
"      --apply           make the changes: each is re-read first and skipped if it\n"
"                        changed since the audit (compare-and-swap), and journaled\n"
"      --yes             do not ask (required when stdin is not a terminal)\n"
"      --journal DIR     where the journal goes (default $XDG_STATE_HOME/aliasaudit/journal)\n"
"  -j, --jobs N          concurrent requests per tenant\n"
"\n"
"Exit: 0 plan printed or every change applied/skipped; 2 usage, config or\n"
"credentials, --apply refused, or another run holds the tenant's lock; 3 the\n"
"audit was incomplete (changes whose evidence was not read are never applied);\n"
"4 a change failed (the journal says which). Revert with 'aliasaudit undo JOURNAL'.\n";

enum { OPT_CHECK = 256, OPT_FINDING, OPT_VARIANT, OPT_APPLY, OPT_YES, OPT_JOURNAL, OPT_INCLUDE };

struct fix_args {
	const char *config, *variant, *journal_dir;
	const char **tenants; size_t nr_tenants, alloc_tenants;
	const char **checks; size_t nr_checks, alloc_checks;
	const char **findings; size_t nr_findings, alloc_findings;
	const char **include; size_t nr_include, alloc_include;
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
		{ "include", required_argument, NULL, OPT_INCLUDE },
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
		case OPT_INCLUDE: push(&a->include, &a->nr_include, &a->alloc_include, optarg); break;
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
			if (cmd_jobs("fix", optarg, &a->jobs))
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(usage);
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

/* fix_run - one `fix` invocation's state, freed by run_release */
struct fix_run {
	struct fix_args a;
	struct config cfg;
	bool have_cfg, have_res;
	struct snapshot **snaps; size_t nr;
	struct fix_target *targets;
	struct fix_plan plan, chosen;
	struct fix_proof proof;
	const struct finding **manual; size_t nr_manual;
	struct audit_result res;
	struct journal j;
	struct fix_locks locks;
	char *err;
};

static void run_release(struct fix_run *r)
{
	if (r->targets)
		close_targets(r->targets, r->nr);
	fix_locks_release(&r->locks);
	journal_close(&r->j);
	free(r->targets);
	free(r->manual);
	fix_plan_release(&r->plan);
	fix_plan_release(&r->chosen);
	fix_proof_release(&r->proof);
	if (r->have_res)
		audit_result_release(&r->res);
	for (size_t i = 0; i < r->nr; i++)
		snapshot_free(r->snaps[i]);
	free(r->snaps);
	if (r->have_cfg)
		config_release(&r->cfg);
	free(r->err);
	free(r->a.tenants);
	free(r->a.checks);
	free(r->a.findings);
	free(r->a.include);
}

/* plan_and_prove - audit, plan, prove and print the plan; 0 or -1 (error printed) */
static int plan_and_prove(struct fix_run *r)
{
	struct run_options ro = { .concurrency = r->a.jobs, .progress = true };
	struct fix_selection sel = {
		.checks = r->a.checks, .nr_checks = r->a.nr_checks,
		.findings = r->a.findings, .nr_findings = r->a.nr_findings, .variant = r->a.variant,
	};
	if (load_config_for(r->a.config, &r->cfg, &r->err))
		return error("%s", r->err);
	r->have_cfg = true;
	if (collect_tenants(&r->cfg, r->a.tenants, r->a.nr_tenants, &ro, &r->snaps, &r->nr, &r->err) < 0)
		return error("%s", r->err);
	if (audit_run(r->snaps, r->nr, NULL, NULL, &r->res, &r->err))
		return error("%s", r->err);
	r->have_res = true;
	r->targets = xcalloc(r->nr ? r->nr : 1, sizeof(*r->targets));
	if (open_targets(&r->cfg, r->snaps, r->nr, false, r->a.jobs, r->targets, &r->err) ||
	    fix_plan_build(r->targets, r->nr, &r->res, &sel, &r->plan, &r->manual, &r->nr_manual,
			   &r->err) ||
	    fix_prove(r->snaps, r->nr, &r->res, &r->plan, r->a.include, r->a.nr_include, &r->proof,
		      &r->err))
		return error("%s", r->err);
	close_targets(r->targets, r->nr);
	fix_plan_print(stdout, &r->plan, &r->proof, r->manual, r->nr_manual);
	fflush(stdout);
	return 0;
}

/* report_incomplete - what the audit could not read and what was withheld (stderr) */
static void report_incomplete(const struct fix_run *r)
{
	for (size_t i = 0; i < r->nr; i++)
		for (size_t k = 0; k < r->snaps[i]->nr_errors; k++) {
			const struct snapshot_error *e = &r->snaps[i]->errors[k];
			char *line = xstrfmt("incomplete audit: tenant '%s': %s: %s", r->snaps[i]->tenant,
					     e->object ? e->object : "?", e->message ? e->message : "?");
			error("%s", fix_clean_text(line));
			free(line);
		}
	if (r->proof.nr_incomplete)
		error("%zu change%s withheld: %s evidence was not read (see the plan)",
		      r->proof.nr_incomplete, r->proof.nr_incomplete == 1 ? "" : "s",
		      r->proof.nr_incomplete == 1 ? "its" : "their");
}

/* apply_chosen - lock, open write sessions, journal and apply r->chosen; an exit code */
static int apply_chosen(struct fix_run *r)
{
	char *jdir = NULL;
	int rc;
	/* write permissions are requested only now */
	if (open_targets(&r->cfg, r->snaps, r->nr, true, r->a.jobs, r->targets, &r->err) ||
	    fix_lock_targets(r->targets, r->nr, &r->locks, &r->err)) {
		error("%s", r->err);
		return EXIT_USAGE;
	}
	jdir = r->a.journal_dir ? xstrdup(r->a.journal_dir) : journal_default_dir();
	rc = journal_create(&r->j, jdir, r->cfg.path, (const char *const *)r->locks.tenants,
			    (const char *const *)r->locks.keys, r->locks.nr, &r->err);
	free(jdir);
	if (rc) {
		error("%s", r->err);
		return EXIT_USAGE;
	}
	fprintf(stderr, "journal: %s\n", r->j.path);
	rc = fix_apply(r->targets, r->nr, &r->chosen, &r->j, stderr, &r->err);
	if (rc < 0) {
		error("%s", r->err);
		return EXIT_CHANGE_FAILED;
	}
	fprintf(stderr, "%s; undo with: aliasaudit undo %s\n",
		rc ? "some changes FAILED (see the journal)" : "done", r->j.path);
	return rc ? EXIT_CHANGE_FAILED : EXIT_CLEAN;
}

int cmd_fix(int argc, char **argv)
{
	struct fix_run r;
	int rc, ret = EXIT_USAGE;
	bool complete;

	memset(&r, 0, sizeof(r));
	r.j.fd = -1;
	rc = parse_args(argc, argv, &r.a);
	if (rc) {
		run_release(&r);
		return cmd_exit(rc);
	}
	if (plan_and_prove(&r))
		goto out;
	complete = audit_complete(&r.res);
	fix_proof_selected(&r.proof, &r.plan, &r.chosen);
	ret = complete ? EXIT_CLEAN : EXIT_INCOMPLETE;
	if (r.a.apply && r.chosen.nr) {
		char *q = xstrfmt("Apply these %zu change%s?", r.chosen.nr, r.chosen.nr == 1 ? "" : "s");
		bool ok = fix_confirm(q, r.a.yes);
		free(q);
		if (!ok) {
			ret = EXIT_USAGE;
			goto out;
		}
		rc = apply_chosen(&r);
		if (rc != EXIT_CLEAN)
			ret = rc;
	}
	if (!complete)
		report_incomplete(&r);
out:
	run_release(&r);
	return ret;
}
