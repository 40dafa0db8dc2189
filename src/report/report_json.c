/*
 * report_json.c - the findings document, schema "aliasaudit.findings/1"
 * (docs/reports.md), built with cJSON; each finding is core/finding_json.c's
 * object, the one the history stores too.
 */
#include "report/report.h"
#include "core/finding_json.h"
#include "checks/check.h"
#include "core/status.h"
#include "base/display.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static cJSON *tenants_json(const struct audit_result *res)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "name", s->tenant);
		cJSON_AddStringToObject(t, "provider", s->provider);
		cJSON_AddBoolToObject(t, "complete", s->complete);
		if (s->collected_at)
			cJSON_AddStringToObject(t, "collected_at", s->collected_at);
		cJSON_AddItemToObject(t, "errors", snapshot_errors_json(s));
		cJSON_AddItemToArray(arr, t);
	}
	return arr;
}

static cJSON *summary_json(const struct audit_result *res)
{
	cJSON *sum = cJSON_CreateObject(), *sev = cJSON_CreateObject(), *chk = cJSON_CreateObject();
	size_t counts[SEV_COUNT] = { 0 };
	for (size_t i = 0; i < res->findings.nr; i++)
		counts[res->findings.items[i].severity]++;
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		cJSON_AddNumberToObject(sev, severity_name(s), (double)counts[s]);
	for (size_t c = 0; check_catalog[c]; c++) {
		size_t n = 0;
		for (size_t i = 0; i < res->findings.nr; i++)
			if (res->findings.items[i].check == check_catalog[c])
				n++;
		cJSON_AddNumberToObject(chk, check_catalog[c]->id, (double)n);
	}
	cJSON_AddNumberToObject(sum, "total", (double)res->findings.nr);
	cJSON_AddBoolToObject(sum, "complete", audit_complete(res));
	cJSON_AddItemToObject(sum, "by_severity", sev);
	cJSON_AddItemToObject(sum, "by_check", chk);
	return sum;
}

/* gap_json - one "not evaluated" entry */
static cJSON *gap_json(const struct not_evaluated *g)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "check", g->check);
	cJSON_AddStringToObject(o, "tenant", g->tenant);
	cJSON_AddStringToObject(o, "reason", g->reason);
	return o;
}

/* report_findings_head_json - the findings document without its findings array */
static cJSON *report_findings_head_json(const struct audit_result *res)
{
	cJSON *doc = cJSON_CreateObject(), *gaps = cJSON_CreateArray();
	cJSON_AddStringToObject(doc, "schema", "aliasaudit.findings/1");
	cJSON_AddStringToObject(doc, "generated_at", res->generated_at);
	cJSON_AddStringToObject(doc, "tool_version", ALIASAUDIT_VERSION);
	cJSON_AddItemToObject(doc, "tenants", tenants_json(res));
	cJSON_AddItemToObject(doc, "summary", summary_json(res));
	for (size_t i = 0; i < res->findings.nr_gaps; i++)
		cJSON_AddItemToArray(gaps, gap_json(&res->findings.gaps[i]));
	cJSON_AddItemToObject(doc, "not_evaluated", gaps);
	return doc;
}

cJSON *report_findings_json(const struct audit_result *res)
{
	cJSON *doc = report_findings_head_json(res), *arr = cJSON_CreateArray();
	for (size_t i = 0; i < res->findings.nr; i++)
		cJSON_AddItemToArray(arr, finding_json(&res->findings.items[i]));
	cJSON_AddItemToObject(doc, "findings", arr);
	return doc;
}

/* put_json - print item (then free it) to out */
static void put_json(FILE *out, cJSON *item)
{
	char *text = json_neutralise(cJSON_Print(item));
	cJSON_Delete(item);
	if (!text)
		oom();
	fputs(text, out);
	free(text);
}

/* put_open_object - print o without its closing brace (o is freed), so
 * members can be appended to it */
static void put_open_object(FILE *out, cJSON *o)
{
	char *text = json_neutralise(cJSON_Print(o));
	size_t len;
	cJSON_Delete(o);
	if (!text)
		oom();
	len = strlen(text);
	while (len && text[len - 1] != '}')
		len--;
	if (len)
		len--;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\t'))
		len--;
	fwrite(text, 1, len, out);
	free(text);
}

/* put_tenants - the "tenants" member, each tenant's errors streamed */
static void put_tenants(FILE *out, const struct audit_result *res)
{
	fputs(",\n\t\"tenants\":\t[", out);
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "name", s->tenant);
		cJSON_AddStringToObject(t, "provider", s->provider);
		cJSON_AddBoolToObject(t, "complete", s->complete);
		if (s->collected_at)
			cJSON_AddStringToObject(t, "collected_at", s->collected_at);
		fputs(i ? ", " : "", out);
		put_open_object(out, t);
		fputs(",\n\t\"errors\":\t[", out);
		for (size_t e = 0; e < s->nr_errors; e++) {
			fputs(e ? ", " : "", out);
			put_json(out, snapshot_error_json(&s->errors[e]));
		}
		fputs("]\n}", out);
	}
	fputs("]", out);
}

/* report_write_json - the findings document, streamed: every array that
 * grows with the tenant (each tenant's errors, the findings) is printed one
 * element at a time, so memory does not hold a second copy of any of them */
int report_write_json(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err)
{
	cJSON *head = cJSON_CreateObject();
	cJSON_AddStringToObject(head, "schema", "aliasaudit.findings/1");
	cJSON_AddStringToObject(head, "generated_at", res->generated_at);
	cJSON_AddStringToObject(head, "tool_version", ALIASAUDIT_VERSION);
	put_open_object(out, head);
	put_tenants(out, res);
	fputs(",\n\t\"summary\":\t", out);
	put_json(out, summary_json(res));
	fputs(",\n\t\"not_evaluated\":\t[", out);
	for (size_t i = 0; i < res->findings.nr_gaps; i++) {
		fputs(i ? ", " : "", out);
		put_json(out, gap_json(&res->findings.gaps[i]));
	}
	fputs("]", out);
	fputs(",\n\t\"findings\":\t[", out);
	for (size_t i = 0; i < res->findings.nr; i++) {
		fputs(i ? ", " : "", out);
		put_json(out, finding_json(&res->findings.items[i]));
	}
	fputs("]\n}\n", out);
	if (ferror(out)) {
		*err = xstrdup("write failed");
		return -1;
	}
	return 0;
}
