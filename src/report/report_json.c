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

/* report_findings_head_json - the findings document without its findings array */
static cJSON *report_findings_head_json(const struct audit_result *res)
{
	cJSON *doc = cJSON_CreateObject(), *gaps = cJSON_CreateArray();
	cJSON_AddStringToObject(doc, "schema", "aliasaudit.findings/1");
	cJSON_AddStringToObject(doc, "generated_at", res->generated_at);
	cJSON_AddStringToObject(doc, "tool_version", ALIASAUDIT_VERSION);
	cJSON_AddItemToObject(doc, "tenants", tenants_json(res));
	cJSON_AddItemToObject(doc, "summary", summary_json(res));
	for (size_t i = 0; i < res->findings.nr_gaps; i++) {
		const struct not_evaluated *g = &res->findings.gaps[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "check", g->check);
		cJSON_AddStringToObject(o, "tenant", g->tenant);
		cJSON_AddStringToObject(o, "reason", g->reason);
		cJSON_AddItemToArray(gaps, o);
	}
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

/* report_write_json - the findings document, streamed: the header fields are
 * built with cJSON, then each finding is built, printed and freed in turn, so
 * memory does not grow with a second copy of every finding */
int report_write_json(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err)
{
	cJSON *doc = report_findings_head_json(res);
	char *head = json_neutralise(cJSON_Print(doc));
	size_t len;
	cJSON_Delete(doc);
	if (!head) {
		*err = xstrdup("out of memory rendering JSON");
		return -1;
	}
	/* head is "{...\n}": reopen it to append the findings array as the last member */
	len = strlen(head);
	while (len && head[len - 1] != '}')
		len--;
	if (len)
		len--;
	fwrite(head, 1, len, out);
	free(head);
	fputs(",\n\t\"findings\":\t[", out);
	for (size_t i = 0; i < res->findings.nr; i++) {
		cJSON *f = finding_json(&res->findings.items[i]);
		char *text = json_neutralise(cJSON_Print(f));
		cJSON_Delete(f);
		if (!text) {
			*err = xstrdup("out of memory rendering JSON");
			return -1;
		}
		fputs(i ? ", " : "", out);
		fputs(text, out);
		free(text);
	}
	fputs("]\n}\n", out);
	if (ferror(out)) {
		*err = xstrdup("write failed");
		return -1;
	}
	return 0;
}
