/*
 * cmd_report.c - the 'report' command: render the run history recorded by
 * 'audit --history DB': the latest run (of the selected tenants), what is
 * new, resolved and persisting since the run before it (or the latest run
 * before --since WHEN), and the trend per tenant. Formats: text (default),
 * json (the §6 findings document plus a "history" object), html, md, csv
 * (and sarif/junit of the latest run). Exit: 0 ok, 2 usage or database
 * error, 3 when the latest run was incomplete.
 */
#include "checks/check.h"
#include "cli/cmd.h"
#include "store/history.h"
#include "report/report.h"
#include "base/display.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit report --history DB [-t TENANT]... [--since WHEN] [-f FORMAT] [-o FILE]\n"
"\n"
"Renders the latest audit run recorded in the history database DB (by\n"
"'aliasaudit audit --history DB'): its findings, what is new, resolved and\n"
"persisting since the previous run, and the trend of findings per tenant.\n"
"\n"
"  --history DB      the SQLite history database (required)\n"
"  -t, --tenant T    only tenant T (repeatable); the latest run is the latest\n"
"                    one that covered one of them\n"
"  --since WHEN      compare with the latest run before WHEN instead of the\n"
"                    previous run; WHEN is an ISO date (2026-11-20) or UTC\n"
"                    date-time (2026-11-20T06:00[:00][Z])\n"
"  -f, --format F    text (default), json, html, md, csv (sarif, junit: the\n"
"                    latest run without the history)\n"
"  -o, --output FILE write the report to FILE instead of stdout\n"
"  -h, --help        this help\n"
"\n"
"exit codes: 0 ok, 2 usage or database error, 3 the latest run was incomplete\n";

struct report_args {
	const char *db, *since, *format, *output;
	const char **tenants; size_t nr_tenants, alloc_tenants;
};

/* parse_args - getopt_long over argv; 0, CMD_HELP, or EXIT_USAGE */
static int parse_args(int argc, char **argv, struct report_args *a)
{
	enum { OPT_HISTORY = 256, OPT_SINCE };
	static const struct option opts[] = {
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "tenant", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->format = "text";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HISTORY: a->db = optarg; break;
		case OPT_SINCE: a->since = optarg; break;
		case 't':
			ALLOC_GROW(a->tenants, a->nr_tenants + 2, a->alloc_tenants);
			a->tenants[a->nr_tenants++] = optarg;
			a->tenants[a->nr_tenants] = NULL;
			break;
		case 'f': a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case 'h': return cmd_help(usage);
		case ':': return usage_error("report", "option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!a->db)
		return usage_error("report", "--history DB is required");
	if (!report_format_find(a->format))
		return usage_error("report", "unknown format '%s' (one of: %s)", a->format, report_format_names());
	return 0;
}

/* text_finding_line - one finding as a line of the changes section */
static void text_finding_line(FILE *out, const struct finding *f)
{
	fprintf(out, "  %-8s %s %-22s %s: %s\n", severity_name(f->severity), f->id,
		f->check ? f->check->id : "?", f->tenant, f->summary);
}

/* write_text - the changes and trend, then the latest run as the text report */
static int write_text(FILE *out, const struct history_view *v, const struct report_options *ro, char **err)
{
	fprintf(out, "history %s: latest run %s%s\n", v->db_path, v->latest.at,
		v->latest.complete ? "" : " (INCOMPLETE)");
	if (v->has_baseline)
		fprintf(out, "compared with the run of %s%s%s%s: %u new, %zu resolved, %u persisting\n\n",
			v->baseline.at, v->since ? " (the latest before " : "", v->since ? v->since : "",
			v->since ? ")" : "", v->nr_new, v->resolved.nr, v->nr_persisting);
	else
		fprintf(out, "no earlier run%s%s to compare with: every finding is new\n\n",
			v->since ? " before " : "", v->since ? v->since : "");
	if (v->has_baseline && !v->baseline.complete)
		fputs("note: the baseline run was incomplete; \"resolved\" may mean \"not read then\"\n\n", out);

	fprintf(out, "NEW (%u)\n", v->nr_new);
	for (size_t i = 0; i < v->result.findings.nr; i++)
		if (!strcmp(history_status(v, v->result.findings.items[i].id), "new"))
			text_finding_line(out, &v->result.findings.items[i]);
	fprintf(out, "\nRESOLVED (%zu)\n", v->resolved.nr);
	for (size_t i = 0; i < v->resolved.nr; i++)
		text_finding_line(out, &v->resolved.items[i]);
	fprintf(out, "\nPERSISTING (%u)\n", v->nr_persisting);
	for (size_t i = 0; i < v->result.findings.nr; i++)
		if (!strcmp(history_status(v, v->result.findings.items[i].id), "persisting"))
			text_finding_line(out, &v->result.findings.items[i]);

	fputs("\nTREND (findings per run: critical/high/medium/low/info = total)\n", out);
	for (size_t t = 0; t < v->nr_trends; t++) {
		fprintf(out, "  %s (%s)\n", v->trends[t].tenant, v->trends[t].provider);
		for (size_t p = 0; p < v->trends[t].nr_points; p++) {
			const struct history_point *pt = &v->trends[t].points[p];
			fprintf(out, "    %s  %u/%u/%u/%u/%u = %u%s\n", pt->at, pt->sev[SEV_CRITICAL],
				pt->sev[SEV_HIGH], pt->sev[SEV_MEDIUM], pt->sev[SEV_LOW], pt->sev[SEV_INFO],
				pt->total, pt->complete ? "" : "  INCOMPLETE");
		}
	}
	fputs("\nLATEST RUN\n", out);
	return report_write_text(out, &v->result, ro, err);
}

/* findings_array - the §6 JSON of a finding list (detached from its document) */
static cJSON *findings_array(const struct finding_list *l)
{
	struct audit_result tmp;
	cJSON *doc, *arr;
	memset(&tmp, 0, sizeof(tmp));
	tmp.findings = *l; /* shallow: borrowed for the call, never released here */
	tmp.findings.nr_gaps = 0;
	doc = report_findings_json(&tmp);
	arr = cJSON_DetachItemFromObjectCaseSensitive(doc, "findings");
	cJSON_Delete(doc);
	return arr ? arr : cJSON_CreateArray();
}

/* run_json - {"id", "at", "complete"} */
static cJSON *run_json(const struct history_run *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "at", r->at);
	cJSON_AddBoolToObject(o, "complete", r->complete);
	return o;
}

/* write_json - the findings document of the latest run plus "history" */
static int write_json(FILE *out, const struct history_view *v, char **err)
{
	cJSON *doc = report_findings_json(&v->result), *h, *arr, *it, *trend;
	char *text;
	int ok;

	/* each finding of the latest run gets its status */
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "findings")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (cJSON_IsString(id))
			cJSON_AddStringToObject(it, "status", history_status(v, id->valuestring));
	}
	h = cJSON_AddObjectToObject(doc, "history");
	cJSON_AddStringToObject(h, "database", v->db_path);
	cJSON_AddItemToObject(h, "latest", run_json(&v->latest));
	cJSON_AddItemToObject(h, "baseline", v->has_baseline ? run_json(&v->baseline) : cJSON_CreateNull());
	if (v->since)
		cJSON_AddStringToObject(h, "since", v->since);
	arr = cJSON_AddArrayToObject(h, "new");
	for (size_t i = 0; i < v->result.findings.nr; i++)
		if (!strcmp(history_status(v, v->result.findings.items[i].id), "new"))
			cJSON_AddItemToArray(arr, cJSON_CreateString(v->result.findings.items[i].id));
	arr = cJSON_AddArrayToObject(h, "persisting");
	for (size_t i = 0; i < v->result.findings.nr; i++)
		if (!strcmp(history_status(v, v->result.findings.items[i].id), "persisting"))
			cJSON_AddItemToArray(arr, cJSON_CreateString(v->result.findings.items[i].id));
	cJSON_AddItemToObject(h, "resolved", findings_array(&v->resolved));
	trend = cJSON_AddArrayToObject(h, "trend");
	for (size_t t = 0; t < v->nr_trends; t++) {
		cJSON *o = cJSON_CreateObject(), *pts;
		cJSON_AddStringToObject(o, "tenant", v->trends[t].tenant);
		cJSON_AddStringToObject(o, "provider", v->trends[t].provider);
		pts = cJSON_AddArrayToObject(o, "runs");
		for (size_t p = 0; p < v->trends[t].nr_points; p++) {
			const struct history_point *pt = &v->trends[t].points[p];
			cJSON *po = cJSON_CreateObject(), *bs;
			cJSON_AddNumberToObject(po, "run", (double)pt->run_id);
			cJSON_AddStringToObject(po, "at", pt->at);
			cJSON_AddBoolToObject(po, "complete", pt->complete);
			cJSON_AddNumberToObject(po, "total", pt->total);
			bs = cJSON_AddObjectToObject(po, "by_severity");
			for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
				cJSON_AddNumberToObject(bs, severity_name(s), pt->sev[s]);
			cJSON_AddItemToArray(pts, po);
		}
		cJSON_AddItemToArray(trend, o);
	}
	text = json_neutralise(cJSON_Print(doc));
	cJSON_Delete(doc);
	if (!text)
		oom();
	ok = fputs(text, out) >= 0 && fputc('\n', out) != EOF;
	free(text);
	if (!ok) {
		*err = xstrfmt("cannot write the report: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	struct history_view v;
	struct report_options ro = { 0 };
	FILE *out = stdout;
	char *err = NULL;
	int rc = parse_args(argc, argv, &a), ret = EXIT_USAGE;

	if (rc) {
		free(a.tenants);
		return cmd_exit(rc);
	}
	rc = history_view_load(a.db, a.nr_tenants ? a.tenants : NULL, a.since, &v, &err);
	if (rc < 0) {
		error("%s", err);
		goto out;
	}
	if (rc > 0) {
		error("%s: no audit run recorded%s", a.db, a.nr_tenants ? " for the selected tenants" : "");
		goto out;
	}
	if (a.output) {
		if (!(out = fopen(a.output, "w"))) {
			error("%s: %s", a.output, strerror(errno));
			goto out;
		}
	} else {
		ro.color = !strcmp(a.format, "text") && is_tty_fd(1) && !getenv("NO_COLOR");
	}
	ro.history = &v;
	if (!strcmp(a.format, "text"))
		rc = write_text(out, &v, &ro, &err);
	else if (!strcmp(a.format, "json"))
		rc = write_json(out, &v, &err);
	else
		rc = report_format_find(a.format)->write(out, &v.result, &ro, &err);
	if (out != stdout) {
		if (fclose(out) && !rc) {
			err = xstrfmt("%s: %s", a.output, strerror(errno));
			rc = -1;
		}
	} else if (fflush(stdout) && !rc) {
		err = xstrfmt("stdout: %s", strerror(errno));
		rc = -1;
	}
	if (rc) {
		error("%s", err);
		goto out;
	}
	ret = v.latest.complete ? EXIT_CLEAN : EXIT_INCOMPLETE;
out:
	history_view_release(&v);
	free(err);
	free(a.tenants);
	return ret;
}
