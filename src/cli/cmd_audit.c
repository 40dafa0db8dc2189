/*
 * cmd_audit.c - `aliasaudit audit`: collect tenants live (from the config)
 * and/or read saved snapshots, audit them as one routing graph, render the
 * report, record history, and exit per README "Exit codes".
 */
#include "core/audit.h"
#include "cli/cmd.h"
#include "cli/snapshots.h"
#include "cli/probe.h"
#include "core/collect.h"
#include "core/dns_facts.h"
#include "net/dns.h"
#include "core/graph.h"
#include "store/history.h"
#include "net/mail.h"
#include "report/report.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit audit [-c FILE] [-t TENANT]... [--snapshot FILE]... [FILE...]\n"
"                        [-f FORMAT] [-o FILE] [--fail-on SEVERITY] [--save-snapshot FILE]\n"
"                        [--history DB] [-j N] [--check ID]... [--mail-to ADDR]\n"
"                        [--dns] [--resolver HOST[:PORT]]\n"
"\n"
"Audits alias routing, forwarding and send-as. Tenants are read live from the\n"
"config (-c, default $XDG_CONFIG_HOME/aliasaudit/config.ini, else the AZURE_* /\n"
"GOOGLE_APPLICATION_CREDENTIALS variables); saved snapshots are read with\n"
"--snapshot (or as plain file arguments). All of them form one routing graph,\n"
"so loops across tenants are found. With snapshots, tenants are collected live\n"
"only when named with -t; -c then only supplies defaults (history, smtp_url).\n"
"\n"
"  -c, --config FILE       configuration file (INI)\n"
"  -t, --tenant NAME       audit only this tenant of the config (repeatable)\n"
"      --snapshot FILE     audit a saved snapshot offline (repeatable; '-' is stdin)\n"
"  -f, --format FORMAT     text (default), json, csv, html, md, sarif, junit, dot\n"
"                          (dot: the routing graph as Graphviz source)\n"
"      --focus ADDRESS     -f dot: only the graph around ADDRESS\n"
"  -o, --output FILE       write the report to FILE instead of stdout\n"
"      --fail-on SEVERITY  exit 1 when a finding is at or above it (default: high)\n"
"      --save-snapshot FILE  also write what was collected live (one tenant: FILE;\n"
"                          several: FILE with -TENANT before .json)\n"
"      --history DB        record this run in the SQLite history DB\n"
"                          (default: 'history' in the config's [defaults])\n"
"  -j, --jobs N            concurrent requests per tenant (default: config, else 8),\n"
"                          and up to max(4, N) tenants read at once\n"
"      --trace FILE        write the live collection's timeline (one event per HTTP\n"
"                          request, one per round) as Chrome trace-event JSON\n"
"      --check ID          run only this check (repeatable; see 'aliasaudit checks')\n"
"      --dns               offline audits: also resolve the snapshots' domains and run\n"
"                          the dns.* checks (live audits always do)\n"
"      --resolver HOST[:PORT]  DNS server to ask (an IP address; default: the config's\n"
"                          'resolver', else the system's resolv.conf)\n"
"      --mail-to ADDR      also mail the report (comma-separated addresses) through\n"
"                          the config's smtp_url (STARTTLS required; login from\n"
"                          ALIASAUDIT_SMTP_USER / ALIASAUDIT_SMTP_PASSWORD)\n"
"      --probe SERVER      ask SERVER (HOST[:PORT], or 'mx' for each domain's MX)\n"
"                          about the target of every route.ghost finding (RCPT TO,\n"
"                          never DATA; see 'aliasaudit probe') and mark each\n"
"                          'confirmed by the server' or 'not confirmed'\n"
"      --max-depth N, --max-fanout N, --max-nodes N\n"
"                          routing limits (defaults 20, 10000, 20000000); a walk that\n"
"                          hits one is reported as not evaluated, never as clean\n"
"  -h, --help              this help\n"
"\n"
"Exit: 0 complete and nothing at or above --fail-on; 1 findings at or above it;\n"
"2 usage, config or credential error; 3 incomplete (the report names what could\n"
"not be read or checked). Bounce in hand: 'aliasaudit explain CODE'.\n";

enum { OPT_SNAPSHOT = 256, OPT_FAIL_ON, OPT_SAVE, OPT_HISTORY, OPT_CHECK, OPT_MAX_DEPTH,
       OPT_MAX_FANOUT, OPT_MAX_NODES, OPT_MAIL_TO, OPT_PROBE, OPT_DNS, OPT_RESOLVER, OPT_FOCUS,
       OPT_TRACE };

static const struct option options[] = {
	{ "check", required_argument, NULL, OPT_CHECK },
	{ "config", required_argument, NULL, 'c' },
	{ "dns", no_argument, NULL, OPT_DNS },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "jobs", required_argument, NULL, 'j' },
	{ "mail-to", required_argument, NULL, OPT_MAIL_TO },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "max-fanout", required_argument, NULL, OPT_MAX_FANOUT },
	{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
	{ "output", required_argument, NULL, 'o' },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "save-snapshot", required_argument, NULL, OPT_SAVE },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "tenant", required_argument, NULL, 't' },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ NULL, 0, NULL, 0 },
};

struct audit_args {
	const char *config, *format, *output, *save, *history, *mail_to, *probe, *resolver, *focus,
		   *trace;
	bool dns;
	const char **tenants; size_t nr_tenants, alloc_tenants;
	const char **files; size_t nr_files, alloc_files;
	const char **checks; size_t nr_checks, alloc_checks;
	enum severity fail_on;
	int jobs;
	struct route_limits limits;
};

static void push(const char ***arr, size_t *nr, size_t *alloc, const char *s)
{
	ALLOC_GROW(*arr, *nr + 2, *alloc);
	(*arr)[(*nr)++] = s;
	(*arr)[*nr] = NULL;
}

/* parse_count - a positive integer option value */
static int parse_count(const char *opt, const char *s, unsigned *out)
{
	long v;
	if (cmd_number("audit", opt, s, 1, 1000000000L, &v))
		return EXIT_USAGE;
	*out = (unsigned)v;
	return 0;
}

static int refuse_overwriting_inputs(const struct audit_args *a);

static int parse_args(int argc, char **argv, struct audit_args *a)
{
	int c, sev;
	memset(a, 0, sizeof(*a));
	a->fail_on = SEV_HIGH;
	route_limits_default(&a->limits);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:t:f:o:j:h", options, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 't': push(&a->tenants, &a->nr_tenants, &a->alloc_tenants, optarg); break;
		case OPT_SNAPSHOT: push(&a->files, &a->nr_files, &a->alloc_files, optarg); break;
		case 'f': a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_SAVE: a->save = optarg; break;
		case OPT_HISTORY: a->history = optarg; break;
		case OPT_MAIL_TO: a->mail_to = optarg; break;
		case OPT_PROBE: a->probe = optarg; break;
		case OPT_DNS: a->dns = true; break;
		case OPT_RESOLVER: {
			char *server = NULL, *err = NULL;
			if (dns_server_parse(optarg, &server, &err)) {
				usage_error("audit", "--resolver: %s", err);
				free(err);
				return EXIT_USAGE;
			}
			free(server);
			a->resolver = optarg;
			break;
		}
		case OPT_FOCUS: a->focus = optarg; break;
		case OPT_TRACE: a->trace = optarg; break;
		case OPT_CHECK: push(&a->checks, &a->nr_checks, &a->alloc_checks, optarg); break;
		case OPT_FAIL_ON:
			if ((sev = severity_parse(optarg)) < 0)
				return usage_error("audit", "--fail-on: unknown severity '%s' (critical, "
						   "high, medium, low, info)", optarg);
			a->fail_on = (enum severity)sev;
			break;
		case 'j':
			if (cmd_jobs("audit", optarg, &a->jobs))
				return EXIT_USAGE;
			break;
		case OPT_MAX_DEPTH:
			if (parse_count("--max-depth", optarg, &a->limits.max_depth))
				return EXIT_USAGE;
			break;
		case OPT_MAX_FANOUT:
			if (parse_count("--max-fanout", optarg, &a->limits.max_fanout))
				return EXIT_USAGE;
			break;
		case OPT_MAX_NODES:
			if (parse_count("--max-nodes", optarg, &a->limits.max_nodes))
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(usage);
		case ':':
			return usage_error("audit", "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("audit", "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		push(&a->files, &a->nr_files, &a->alloc_files, argv[i]);
	if (a->probe && strcmp(a->probe, "mx")) {
		char *h, *p;
		if (probe_parse_server(a->probe, &h, &p))
			return usage_error("audit", "--probe: want HOST[:PORT] or mx, got '%s'", a->probe);
		free(h);
		free(p);
	}
	if (!a->format)
		a->format = "text";
	if (!report_format_find(a->format))
		return usage_error("audit", "unknown format '%s' (%s)", a->format,
				   report_format_names());
	if (a->focus && strcmp(a->format, "dot"))
		return usage_error("audit", "--focus draws a neighbourhood: it needs -f dot");
	return refuse_overwriting_inputs(a);
}

/* refuse_overwriting_inputs - a report, a saved snapshot or the history
 * database written over one of the audit's own inputs would destroy the
 * evidence it was made from: refuse before anything is read */
static int refuse_overwriting_inputs(const struct audit_args *a)
{
	const struct { const char *option, *path; } outs[] = {
		{ "--output", a->output }, { "--save-snapshot", a->save }, { "--history", a->history },
		{ "--trace", a->trace },
	};
	for (size_t o = 0; o < ARRAY_SIZE(outs); o++) {
		for (size_t i = 0; outs[o].path && i < a->nr_files; i++)
			if (same_file(outs[o].path, a->files[i]))
				return usage_error("audit", "%s '%s' is the input snapshot '%s': refusing to overwrite it",
						   outs[o].option, outs[o].path, a->files[i]);
		if (outs[o].path && same_file(outs[o].path, a->config))
			return usage_error("audit", "%s '%s' is the configuration file: refusing to overwrite it",
					   outs[o].option, outs[o].path);
	}
	return 0;
}

/* save_path - where tenant i's live snapshot goes for --save-snapshot */
static char *save_path(const char *base, const char *tenant, size_t nr)
{
	if (nr == 1)
		return xstrdup(base);
	if (ends_with(base, ".json"))
		return xstrfmt("%.*s-%s.json", (int)(strlen(base) - 5), base, tenant);
	return xstrfmt("%s-%s", base, tenant);
}

/* render_report - write the report to out */
static int render_report(const struct audit_args *a, const struct audit_result *res, bool color,
			 const struct history_view *hv, FILE *out)
{
	const struct report_format *fmt = report_format_find(a->format);
	struct report_options ro = { .color = color, .history = hv, .focus = a->focus };
	char *err = NULL;
	int rc = fmt->write(out, res, &ro, &err);
	if (rc) {
		error("%s", err ? err : "rendering the report failed");
		free(err);
	}
	return rc;
}

/* write_report - render to -o FILE or stdout; with --mail-to also keep a copy
 * in memory (*text, caller frees) to mail. Large reports are streamed. */
static int write_report(const struct audit_args *a, const struct audit_result *res, bool color,
			const struct history_view *hv, char **text)
{
	size_t len = 0;
	FILE *out;
	int rc;
	*text = NULL;
	if (a->mail_to) {
		FILE *mem = open_memstream(text, &len);
		if (!mem)
			oom();
		rc = render_report(a, res, color, hv, mem);
		if (fclose(mem) || rc) {
			FREE_AND_NULL(*text);
			return -1;
		}
		out = a->output ? fopen(a->output, "w") : stdout;
		if (!out)
			return error("%s: %s", a->output, strerror(errno));
		rc = fwrite(*text, 1, len, out) == len ? 0 : -1;
	} else {
		out = a->output ? fopen(a->output, "w") : stdout;
		if (!out)
			return error("%s: %s", a->output, strerror(errno));
		rc = render_report(a, res, color, hv, out);
		if (rc) {
			if (out != stdout)
				fclose(out);
			return -1;
		}
	}
	if (out == stdout ? fflush(out) : fclose(out))
		rc = -1;
	if (rc)
		return error("%s: %s", a->output ? a->output : "stdout", strerror(errno));
	return 0;
}

/* content_type - the MIME type of a format, for --mail-to */
static const char *content_type(const char *format)
{
	static const struct { const char *fmt, *type; } types[] = {
		{ "text", "text/plain; charset=utf-8" }, { "json", "application/json" },
		{ "html", "text/html; charset=utf-8" }, { "csv", "text/csv; charset=utf-8" },
		{ "md", "text/markdown; charset=utf-8" }, { "sarif", "application/sarif+json" },
		{ "junit", "application/xml" }, { "dot", "text/vnd.graphviz" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].fmt, format))
			return types[i].type;
	return "application/octet-stream";
}

/* mail_report - --mail-to: send the rendered report through the config's smtp_url */
static int mail_report(const struct audit_args *a, const struct config *cfg, bool have_cfg,
		       const struct audit_result *res, const char *text)
{
	const char *url = have_cfg ? config_default(cfg, "smtp_url") : NULL;
	const char *from = have_cfg ? config_default(cfg, "mail_from") : NULL;
	const char *ca = have_cfg ? config_default(cfg, "ca_file") : NULL;
	size_t high = 0;
	char *subject, *err = NULL;
	int rc;
	if (!url)
		return error("--mail-to needs smtp_url in the config's [defaults] (e.g. "
			     "smtp://relay.example.com:587)");
	for (size_t i = 0; i < res->findings.nr; i++)
		high += res->findings.items[i].severity >= SEV_HIGH;
	subject = xstrfmt("aliasaudit: %zu finding%s (%zu high or critical)%s",
			  res->findings.nr, res->findings.nr == 1 ? "" : "s", high,
			  audit_complete(res) ? "" : " [INCOMPLETE]");
	rc = mail_send_report(url, a->mail_to, from ? from : "aliasaudit@localhost", subject, text,
			      content_type(a->format), ca, &err);
	if (rc)
		error("%s", err);
	free(err);
	free(subject);
	return rc;
}

/* wants_dns - some selected check is a dns.* check */
static bool wants_dns(const struct audit_args *a)
{
	for (size_t i = 0; i < a->nr_checks; i++)
		if (starts_with(a->checks[i], "dns."))
			return true;
	return !a->nr_checks;
}

/* gather_dns - resolve the snapshots' domains for the dns.* checks; the
 * tenant's config section may add mx_hosts and name dkim_selectors */
static int gather_dns(const struct audit_args *a, struct config *cfg, bool have_cfg,
		      struct snapshot **snaps, size_t nr, struct dns_facts *facts)
{
	struct dns_tenant_opts *opts = xcalloc(nr ? nr : 1, sizeof(*opts));
	const char *resolver = a->resolver ? a->resolver
			     : have_cfg ? config_default(cfg, "resolver") : NULL;
	char *err = NULL;
	for (size_t i = 0; have_cfg && i < nr; i++) {
		struct tenant_config *t = config_tenant(cfg, snaps[i]->tenant);
		opts[i].mx_hosts = t ? tenant_get(cfg, t, "mx_hosts") : config_default(cfg, "mx_hosts");
		opts[i].dkim_selectors = t ? tenant_get(cfg, t, "dkim_selectors")
					   : config_default(cfg, "dkim_selectors");
	}
	int rc = dns_facts_gather(snaps, nr, opts, resolver, 0, facts, &err);
	free(opts);
	if (rc) {
		error("%s", err);
		free(err);
	}
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_args a;
	struct config cfg = { 0 };
	bool have_cfg = false;
	struct snapshot **snaps = NULL, **live = NULL;
	size_t nr = 0, alloc = 0, nr_live = 0;
	struct audit_result res;
	struct dns_facts dns = { 0 };
	bool have_dns = false;
	char *err = NULL;
	int rc = parse_args(argc, argv, &a), ret = EXIT_USAGE;

	if (rc) {
		free(a.tenants);
		free(a.files);
		free(a.checks);
		return cmd_exit(rc);
	}

	struct snapshot_set files = { NULL, 0, 0 };
	int frc = snapshot_set_read_files(&files, a.files, a.nr_files, &err);
	snaps = files.items;
	nr = files.nr;
	alloc = files.alloc;
	if (frc) {
		error("%s", err);
		goto out;
	}
	bool collect_live = a.nr_tenants || !a.nr_files;
	if (a.config || collect_live) {
		if (load_config_for(a.config, &cfg, &err)) {
			if (!a.nr_files && !a.config)
				error("nothing to audit: %s; or audit saved snapshots with --snapshot FILE", err);
			else
				error("%s", err);
			goto out;
		}
		have_cfg = true;
	}
	if (collect_live) {
		struct run_options ro = { .concurrency = a.jobs, .progress = true, .trace = a.trace };
		rc = collect_tenants(&cfg, a.tenants, a.nr_tenants, &ro, &live, &nr_live, &err);
		if (rc < 0) {
			error("%s", err);
			goto out;
		}
		for (size_t i = 0; i < nr_live; i++) {
			if (a.save) {
				char *p = save_path(a.save, live[i]->tenant, nr_live);
				if (snapshot_write_file(live[i], p, &err)) {
					error("%s", err);
					free(p);
					goto out;
				}
				free(p);
			}
			ALLOC_GROW(snaps, nr + 1, alloc);
			snaps[nr++] = live[i];
			live[i] = NULL;
		}
	} else if (a.save) {
		ret = usage_error("audit", "--save-snapshot saves live collections; no tenant is "
				  "collected when only --snapshot files are given");
		goto out;
	}

	if (!collect_live && a.resolver && !a.dns) {
		ret = usage_error("audit", "--resolver: an offline audit resolves nothing without --dns");
		goto out;
	}
	if ((collect_live || a.dns) && wants_dns(&a)) {
		if (gather_dns(&a, &cfg, have_cfg, snaps, nr, &dns))
			goto out;
		have_dns = true;
	}
	if (audit_run_dns(snaps, nr, &a.limits, a.nr_checks ? a.checks : NULL,
			  have_dns ? &dns : NULL, &res, &err)) {
		error("%s", err);
		goto out;
	}
	if (a.probe) {
		struct probe_opts po = {
			.server = strcmp(a.probe, "mx") ? a.probe : NULL, .use_mx = !strcmp(a.probe, "mx"),
			.ca_file = have_cfg ? config_default(&cfg, "ca_file") : NULL,
			.max_rcpt = PROBE_MAX_RCPT, .pause_ms = PROBE_PAUSE_MS, .timeout_ms = PROBE_TIMEOUT_MS,
		};
		probe_findings(&po, &res.findings);
	}
	/* record first, so the report can show this run in the trend */
	const char *history = a.history ? a.history : have_cfg ? config_default(&cfg, "history") : NULL;
	struct history_view hv;
	bool have_hv = false, history_failed = false;
	if (history) {
		const char **tenants = xcalloc(nr + 1, sizeof(*tenants));
		for (size_t i = 0; i < nr; i++)
			tenants[i] = snaps[i]->tenant;
		int hrc = history_record(history, &res, &err);
		if (!hrc)
			hrc = history_view_load(history, tenants, NULL, &hv, &err);
		free(tenants);
		/* a finished audit is not lost to a locked history: the report
		 * is written without the trend, and the run is incomplete (exit 3) */
		if (hrc == HISTORY_BUSY) {
			warning("history not recorded: %s", err);
			FREE_AND_NULL(err);
			history_failed = true;
		} else if (hrc < 0) { /* not a history database: a configuration error */
			error("%s", err);
			audit_result_release(&res);
			goto out;
		}
		have_hv = hrc == 0;
	}
	char *text = NULL;
	bool color = !a.output && !strcmp(a.format, "text") && is_tty_fd(1) && !getenv("NO_COLOR");
	int wrc = write_report(&a, &res, color, have_hv ? &hv : NULL, &text);
	if (have_hv)
		history_view_release(&hv);
	if (wrc || (a.mail_to && mail_report(&a, &cfg, have_cfg, &res, text))) {
		free(text);
		audit_result_release(&res);
		goto out;
	}
	free(text);
	ret = audit_exit_code(&res, a.fail_on);
	if (history_failed && ret < EXIT_INCOMPLETE)
		ret = EXIT_INCOMPLETE;
	audit_result_release(&res);
out:
	free(err);
	if (have_dns)
		dns_facts_release(&dns);
	for (size_t i = 0; i < nr; i++)
		snapshot_free(snaps[i]);
	for (size_t i = 0; i < nr_live; i++)
		snapshot_free(live[i]);
	free(snaps);
	free(live);
	if (have_cfg)
		config_release(&cfg);
	free(a.tenants);
	free(a.files);
	free(a.checks);
	return ret;
}
