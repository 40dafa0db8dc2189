/*
 * cmd_trace.c - `aliasaudit trace ADDRESS...`: what happens to mail sent to
 * an address, as a delivery tree (text, json or Graphviz dot). The tenants
 * are read like `audit` reads them (live from the config, or saved
 * snapshots), audited, and walked with checks/trace.c.
 */
#include "checks/trace.h"
#include "cli/cmd.h"
#include "cli/snapshots.h"
#include "core/audit.h"
#include "core/graph.h"
#include "report/trace_report.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit trace ADDRESS... [-c FILE] [-t TENANT]... [--snapshot FILE]...\n"
"                        [-f text|json|dot] [--from SENDER] [--fail-on SEVERITY]\n"
"\n"
"Follows a message sent to each ADDRESS through the routing graph of the\n"
"tenants (read live from the config, or from saved snapshots) with each\n"
"platform's documented rules, and prints the delivery tree: every mailbox it\n"
"reaches, every forward, redirect, inbox rule, group or catch-all hop with the\n"
"object that causes it, where it stops and how (bounce code and text, or a\n"
"silent stop and what message trace shows), the policy that allows or blocks\n"
"each external hop, and the ids of the audit findings on its path.\n"
"\n"
"  -c, --config FILE       configuration file (INI)\n"
"  -t, --tenant NAME       read only this tenant of the config (repeatable)\n"
"      --snapshot FILE     read a saved snapshot (repeatable; '-' is stdin)\n"
"  -f, --format FORMAT     text (default), json (docs/trace.md), dot (Graphviz)\n"
"      --from SENDER       the sender: external hops note the sender domain's DMARC\n"
"                          (unknown without DNS data)\n"
"      --fail-on SEVERITY  exit 1 also when a finding on the path is at or above it\n"
"                          (default: high)\n"
"  -h, --help              this help\n"
"\n"
"Exit: 0 every message is delivered or leaves cleanly; 1 a hop bounces, loops or\n"
"stops silently, or a finding at or above --fail-on is on the path; 2 usage or\n"
"config error; 3 incomplete (a tenant could not be read completely or the walk\n"
"was truncated).\n";

enum { OPT_SNAPSHOT = 256, OPT_FROM, OPT_FAIL_ON };

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "format", required_argument, NULL, 'f' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "help", no_argument, NULL, 'h' },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "tenant", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

struct trace_args {
	const char *config, *format, *from;
	const char **tenants; size_t nr_tenants, alloc_tenants;
	const char **files; size_t nr_files, alloc_files;
	char **addrs; size_t nr_addrs;
	enum severity fail_on;
};

static void push(const char ***arr, size_t *nr, size_t *alloc, const char *s)
{
	ALLOC_GROW(*arr, *nr + 2, *alloc);
	(*arr)[(*nr)++] = s;
	(*arr)[*nr] = NULL;
}

/* parse_args - 0, -1 after --help, or EXIT_USAGE */
static int parse_args(int argc, char **argv, struct trace_args *a)
{
	int c, sev;
	memset(a, 0, sizeof(*a));
	a->fail_on = SEV_HIGH;
	a->format = "text";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:t:f:h", options, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 't': push(&a->tenants, &a->nr_tenants, &a->alloc_tenants, optarg); break;
		case OPT_SNAPSHOT: push(&a->files, &a->nr_files, &a->alloc_files, optarg); break;
		case 'f': a->format = optarg; break;
		case OPT_FROM: a->from = optarg; break;
		case OPT_FAIL_ON:
			if ((sev = severity_parse(optarg)) < 0)
				return usage_error("trace", "--fail-on: unknown severity '%s' (critical, "
						   "high, medium, low, info)", optarg);
			a->fail_on = (enum severity)sev;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case ':':
			return usage_error("trace", "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("trace", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(a->format, "text") && strcmp(a->format, "json") && strcmp(a->format, "dot"))
		return usage_error("trace", "unknown format '%s' (text, json, dot)", a->format);
	if (a->from && !strchr(a->from, '@'))
		return usage_error("trace", "--from: want an address, got '%s'", a->from);
	a->addrs = argv + optind;
	a->nr_addrs = (size_t)(argc - optind);
	if (!a->nr_addrs)
		return usage_error("trace", "which address? (aliasaudit trace ADDRESS...)");
	for (size_t i = 0; i < a->nr_addrs; i++)
		if (!strchr(a->addrs[i], '@'))
			return usage_error("trace", "'%s' is not an address", a->addrs[i]);
	return 0;
}

/* read_tenants - the snapshots: files, then live tenants (like audit) */
static int read_tenants(const struct trace_args *a, struct snapshot ***snaps, size_t *nr)
{
	struct snapshot_set set = { *snaps, *nr, *nr };
	struct run_options ro = { .progress = true };
	char *err = NULL;
	int rc = 0;
	if (snapshot_set_read_files(&set, a->files, a->nr_files, &err) ||
	    ((a->nr_tenants || !a->nr_files) &&
	     snapshot_set_collect(&set, a->config, a->tenants, a->nr_tenants, &ro, &err)))
		rc = -1;
	*snaps = set.items;
	*nr = set.nr;
	if (rc) {
		error("%s", err);
		free(err);
	}
	return rc;
}

/* trace_exit - the exit code of the traces (usage text above) */
static int trace_exit(const struct trace_args *a, const struct audit_result *res,
		      const struct trace *tr)
{
	bool incomplete = !audit_complete(res), bad = false;
	for (size_t i = 0; i < a->nr_addrs; i++) {
		incomplete |= tr[i].truncated;
		for (uint32_t h = 0; h < tr[i].nr_hops; h++)
			bad |= tr[i].hops[h].failing;
		for (size_t k = 0; k < tr[i].nr_findings; k++)
			for (size_t f = 0; f < res->findings.nr; f++)
				if (!strcmp(res->findings.items[f].id, tr[i].findings[k]) &&
				    res->findings.items[f].severity >= a->fail_on)
					bad = true;
	}
	return incomplete ? EXIT_INCOMPLETE : bad ? EXIT_FINDINGS : EXIT_CLEAN;
}

/* render - write the traces in the chosen format */
static void render(const struct trace_args *a, const struct route_graph *g, const struct trace *tr)
{
	if (!strcmp(a->format, "dot")) {
		trace_write_dot(stdout, g, tr, a->nr_addrs);
	} else if (!strcmp(a->format, "json")) {
		cJSON *doc = trace_json(g, tr, a->nr_addrs);
		char *s = cJSON_Print(doc);
		fputs(s, stdout);
		fputs("\n", stdout);
		free(s);
		cJSON_Delete(doc);
	} else {
		for (size_t i = 0; i < a->nr_addrs; i++) {
			if (i)
				fputs("\n", stdout);
			trace_write_text(stdout, g, &tr[i]);
		}
	}
}

int cmd_trace(int argc, char **argv)
{
	struct trace_args a;
	struct snapshot **snaps = NULL;
	size_t nr = 0;
	struct audit_result res;
	char *err = NULL;
	int rc = parse_args(argc, argv, &a), ret = EXIT_USAGE;
	if (rc) {
		free(a.tenants);
		free(a.files);
		return rc < 0 ? EXIT_CLEAN : rc;
	}
	if (read_tenants(&a, &snaps, &nr))
		goto out;
	if (audit_run(snaps, nr, NULL, NULL, &res, &err)) {
		error("%s", err);
		goto out;
	}
	struct route_graph *g = route_graph_build(snaps, nr, NULL);
	struct trace *tr = xcalloc(a.nr_addrs, sizeof(*tr));
	for (size_t i = 0; i < a.nr_addrs; i++)
		trace_run(g, &res, a.addrs[i], a.from, &tr[i]);
	render(&a, g, tr);
	ret = fflush(stdout) ? error("stdout: write failed"), EXIT_USAGE : trace_exit(&a, &res, tr);
	for (size_t i = 0; i < a.nr_addrs; i++)
		trace_release(&tr[i]);
	free(tr);
	route_graph_free(g);
	audit_result_release(&res);
out:
	free(err);
	for (size_t i = 0; i < nr; i++)
		snapshot_free(snaps[i]);
	free(snaps);
	free(a.tenants);
	free(a.files);
	return ret;
}
