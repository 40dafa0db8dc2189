/*
 * report_text.c - the terminal report: what could not be read first (an
 * incomplete audit is never shown as clean), then findings grouped by
 * severity, each with its path as "a → b (inbox rule "X") → a", symptom,
 * fix and control references. Colour only when asked (a TTY, no NO_COLOR).
 */
#include "report/report.h"
#include "report/report_util.h"
#include "base/strbuf.h"
#include "checks/check.h"
#include "base/display.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define S report_safe

static const char *const sev_color[SEV_COUNT] = {
	"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m",
};

static void print_finding(FILE *out, const struct finding *f)
{
	fprintf(out, "  [%s] %s\n", f->check->id, S(f->summary));
	fprintf(out, "      tenant %s (%s), id %s\n", S(f->tenant), S(f->provider), f->id);
	if (f->nr_path > 1) {
		struct strbuf path = STRBUF_INIT;
		report_path(&path, f);
		fprintf(out, "      path: %s\n", S(path.buf));
		strbuf_release(&path);
	}
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(f->evidence, "note");
	if (cJSON_IsString(note))
		fprintf(out, "      note: %s\n", S(note->valuestring));
	const cJSON *probe = cJSON_GetObjectItemCaseSensitive(f->evidence, "probe");
	if (cJSON_IsObject(probe)) {
		const cJSON *res = cJSON_GetObjectItemCaseSensitive(probe, "result");
		const cJSON *rep = cJSON_GetObjectItemCaseSensitive(probe, "reply");
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(probe, "error");
		const cJSON *srv = cJSON_GetObjectItemCaseSensitive(probe, "server");
		fprintf(out, "      probe: %s: %s (%s)\n", cJSON_IsString(res) ? S(res->valuestring) : "?",
			cJSON_IsString(rep) ? S(rep->valuestring) : cJSON_IsString(err) ? S(err->valuestring) : "",
			cJSON_IsString(srv) ? S(srv->valuestring) : "no server");
	}
	fprintf(out, "      symptom: %s%s%s\n", f->symptom_code ? f->symptom_code : "",
		f->symptom_code ? " " : "", S(f->symptom_text));
	fprintf(out, "      fix: %s%s\n", f->fix->title,
		f->fix->automated ? " [automated: aliasaudit fix]" : "");
	if (f->fix_note)
		fprintf(out, "           %s\n", S(f->fix_note));
	fprintf(out, "           how: %s\n", S(f->fix->steps));
	if (f->refs && f->refs[0]) {
		fputs("      refs:", out);
		for (size_t i = 0; f->refs[i]; i++)
			fprintf(out, "%s %s", i ? ";" : "", S(f->refs[i]));
		fputc('\n', out);
	}
}

/* print_tenant_table - the agency view: one line per tenant with counts by severity */
static void print_tenant_table(FILE *out, const struct audit_result *res)
{
	fprintf(out, "  %-24s %-11s %-10s %5s %5s %6s %5s %5s\n", "TENANT", "PROVIDER", "STATUS",
		"CRIT", "HIGH", "MEDIUM", "LOW", "INFO");
	for (size_t t = 0; t < res->nr_snapshots; t++) {
		const struct snapshot *s = res->snapshots[t];
		size_t c[SEV_COUNT] = { 0 };
		bool gaps = false;
		for (size_t i = 0; i < res->findings.nr; i++)
			if (!strcmp(res->findings.items[i].tenant, s->tenant))
				c[res->findings.items[i].severity]++;
		for (size_t i = 0; i < res->findings.nr_gaps; i++)
			gaps |= !strcmp(res->findings.gaps[i].tenant, s->tenant);
		fprintf(out, "  %-24s %-11s %-10s %5zu %5zu %6zu %5zu %5zu\n", S(s->tenant), S(s->provider),
			!s->complete ? "INCOMPLETE" : gaps ? "PARTIAL" : "complete",
			c[SEV_CRITICAL], c[SEV_HIGH], c[SEV_MEDIUM], c[SEV_LOW], c[SEV_INFO]);
	}
	fputc('\n', out);
}

static void print_incomplete(FILE *out, const struct audit_result *res, bool color)
{
	bool any = res->findings.nr_gaps > 0 || res->graph_truncated;
	for (size_t i = 0; i < res->nr_snapshots; i++)
		any |= !res->snapshots[i]->complete;
	if (!any)
		return;
	fprintf(out, "%sINCOMPLETE AUDIT: what could not be read or checked%s\n",
		color ? "\033[1;35m" : "", color ? "\033[0m" : "");
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		for (size_t e = 0; e < s->nr_errors; e++)
			fprintf(out, "  tenant %s: %s: %s\n", S(s->tenant),
				s->errors[e].object ? S(s->errors[e].object) : "?",
				s->errors[e].message ? S(s->errors[e].message) : "error");
	}
	for (size_t i = 0; i < res->findings.nr_gaps; i++)
		fprintf(out, "  not evaluated: %s (tenant %s): %s\n", res->findings.gaps[i].check,
			S(res->findings.gaps[i].tenant), S(res->findings.gaps[i].reason));
	fputc('\n', out);
}

int report_write_text(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err)
{
	bool color = opt && opt->color;
	size_t counts[SEV_COUNT] = { 0 };

	fprintf(out, "aliasaudit: %zu tenant%s audited:", res->nr_snapshots,
		res->nr_snapshots == 1 ? "" : "s");
	for (size_t i = 0; i < res->nr_snapshots; i++)
		fprintf(out, "%s %s (%s%s)", i ? "," : "", S(res->snapshots[i]->tenant),
			S(res->snapshots[i]->provider), res->snapshots[i]->complete ? "" : ", incomplete");
	fputs("\n\n", out);
	if (res->nr_snapshots > 1)
		print_tenant_table(out, res);
	print_incomplete(out, res, color);

	for (size_t i = 0; i < res->findings.nr; i++)
		counts[res->findings.items[i].severity]++;
	for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
		if (!counts[sev])
			continue;
		char upper[16];
		snprintf(upper, sizeof(upper), "%s", severity_name(sev));
		for (char *p = upper; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		fprintf(out, "%s%s (%zu)%s\n", color ? sev_color[sev] : "", upper, counts[sev],
			color ? "\033[0m" : "");
		for (size_t i = 0; i < res->findings.nr; i++)
			if ((int)res->findings.items[i].severity == sev)
				print_finding(out, &res->findings.items[i]);
		fputc('\n', out);
	}
	fprintf(out, "%zu finding%s:", res->findings.nr, res->findings.nr == 1 ? "" : "s");
	for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		fprintf(out, " %zu %s%s", counts[sev], severity_name(sev), sev ? "," : "");
	fputc('\n', out);
	if (!audit_complete(res))
		fputs("The audit is INCOMPLETE (see above): absence of findings there proves nothing.\n",
		      out);
	else if (!res->findings.nr)
		fputs("No problems found.\n", out);
	report_safe_release();
	if (ferror(out)) {
		*err = xstrdup("write failed");
		return -1;
	}
	return 0;
}
