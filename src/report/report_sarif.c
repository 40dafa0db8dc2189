/*
 * report_sarif.c - the sarif format: SARIF 2.1.0 built with cJSON. Each
 * check is a rule (catalog order, plus any other check a finding uses), each
 * finding a result whose partialFingerprints carry the stable finding id and
 * whose logical locations are the subject and the tenant. An incomplete audit
 * sets invocations[0].executionSuccessful=false and lists every collection
 * error, unevaluated check and truncated walk as a toolExecutionNotification.
 */
#include "report/report.h"
#include "report/report_util.h"
#include "base/display.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* sarif_level - severity to SARIF result level */
static const char *sarif_level(enum severity s)
{
	return s >= SEV_HIGH ? "error" : s == SEV_MEDIUM ? "warning" : "note";
}

/* security_severity - the CVSS-like score GitHub code scanning sorts by */
static const char *security_severity(enum severity s)
{
	static const char *const score[SEV_COUNT] = { "0.0", "3.0", "5.5", "8.0", "9.5" };
	return (unsigned)s < SEV_COUNT ? score[s] : "0.0";
}

/* add_str - add a string member, with invalid UTF-8 repaired */
static void add_str(cJSON *obj, const char *key, const char *val)
{
	char *clean = utf8_clean(val);
	cJSON_AddStringToObject(obj, key, clean);
	free(clean);
}

/* add_msg - add {"text": text} under key */
static cJSON *add_msg(cJSON *obj, const char *key, const char *text)
{
	cJSON *m = cJSON_AddObjectToObject(obj, key);
	add_str(m, "text", text && *text ? text : "-");
	return m;
}

/* rule_name - "sendas.alias-disabled" -> "SendasAliasDisabled" */
static char *rule_name(const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	bool up = true;
	for (const char *p = id; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			up = true;
			continue;
		}
		strbuf_putf(&sb, "%c", up ? toupper((unsigned char)*p) : *p);
		up = false;
	}
	return strbuf_detach(&sb, NULL);
}

/* rule_json - one reportingDescriptor */
static cJSON *rule_json(const struct check_def *c)
{
	cJSON *r = cJSON_CreateObject(), *props, *tags;
	struct strbuf help = STRBUF_INIT, full = STRBUF_INIT;
	char *name = rule_name(c->id);

	add_str(r, "id", c->id);
	add_str(r, "name", name);
	free(name);
	add_msg(r, "shortDescription", c->title ? c->title : c->id);
	strbuf_puts(&full, c->finds ? c->finds : (c->title ? c->title : c->id));
	if (c->symptom_code || c->symptom_text)
		strbuf_putf(&full, " Symptom: %s%s%s.", c->symptom_code ? c->symptom_code : "",
			    c->symptom_code && c->symptom_text ? " " : "", c->symptom_text ? c->symptom_text : "");
	add_msg(r, "fullDescription", full.buf);
	if (c->fix) {
		strbuf_putf(&help, "Fix %s (%s): %s", c->fix->id ? c->fix->id : "",
			    c->fix->automated ? "automated" : "manual", c->fix->title ? c->fix->title : "");
		if (c->fix->automated)
			strbuf_putf(&help, "\nApply with: aliasaudit fix --check %s --apply", c->id);
		if (c->fix->steps && *c->fix->steps)
			strbuf_putf(&help, "\n\n%s", c->fix->steps);
	} else {
		strbuf_puts(&help, "No documented fix.");
	}
	add_msg(r, "help", help.buf);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "defaultConfiguration"), "level",
				sarif_level(c->severity));
	props = cJSON_AddObjectToObject(r, "properties");
	tags = cJSON_AddArrayToObject(props, "tags");
	cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
	for (size_t i = 0; c->refs && c->refs[i]; i++) {
		char *clean = utf8_clean(c->refs[i]);
		cJSON_AddItemToArray(tags, cJSON_CreateString(clean));
		free(clean);
	}
	cJSON_AddStringToObject(props, "security-severity", security_severity(c->severity));
	cJSON_AddStringToObject(props, "severity", severity_name(c->severity));
	strbuf_release(&help);
	strbuf_release(&full);
	return r;
}

/* result_json - one result for finding f */
static cJSON *result_json(const struct finding *f, long rule_index)
{
	cJSON *r = cJSON_CreateObject(), *locs, *loc, *ll, *l, *props, *path;
	struct strbuf sb = STRBUF_INIT;

	add_str(r, "ruleId", f->check ? f->check->id : "unknown");
	if (rule_index >= 0)
		cJSON_AddNumberToObject(r, "ruleIndex", (double)rule_index);
	cJSON_AddStringToObject(r, "level", sarif_level(f->severity));
	strbuf_puts(&sb, f->summary ? f->summary : "");
	if (f->symptom_code || f->symptom_text)
		strbuf_putf(&sb, " (symptom: %s%s%s)", f->symptom_code ? f->symptom_code : "",
			    f->symptom_code && f->symptom_text ? " " : "", f->symptom_text ? f->symptom_text : "");
	add_msg(r, "message", sb.buf);
	strbuf_release(&sb);
	add_str(cJSON_AddObjectToObject(r, "partialFingerprints"), "aliasauditFindingId/v1", f->id);

	locs = cJSON_AddArrayToObject(r, "locations");
	loc = cJSON_CreateObject();
	cJSON_AddItemToArray(locs, loc);
	ll = cJSON_AddArrayToObject(loc, "logicalLocations");
	l = cJSON_CreateObject();
	add_str(l, "name", f->subject);
	strbuf_putf(&sb, "%s/%s", f->tenant, f->subject);
	add_str(l, "fullyQualifiedName", sb.buf);
	strbuf_release(&sb);
	cJSON_AddStringToObject(l, "kind", "object");
	cJSON_AddItemToArray(ll, l);
	l = cJSON_CreateObject();
	add_str(l, "name", f->tenant);
	add_str(l, "fullyQualifiedName", f->tenant);
	cJSON_AddStringToObject(l, "kind", "namespace");
	cJSON_AddItemToArray(ll, l);

	props = cJSON_AddObjectToObject(r, "properties");
	add_str(props, "findingId", f->id);
	add_str(props, "severity", severity_name(f->severity));
	add_str(props, "tenant", f->tenant);
	add_str(props, "provider", f->provider);
	add_str(props, "subject", f->subject);
	if (f->symptom_code)
		add_str(props, "symptomCode", f->symptom_code);
	path = cJSON_AddArrayToObject(props, "path");
	for (size_t i = 0; i < f->nr_path; i++) {
		cJSON *h = cJSON_CreateObject();
		add_str(h, "address", f->path[i].address);
		add_str(h, "via", f->path[i].via);
		if (f->path[i].object)
			add_str(h, "object", f->path[i].object);
		cJSON_AddItemToArray(path, h);
	}
	report_path(&sb, f);
	add_str(props, "pathText", sb.buf);
	strbuf_release(&sb);
	if (f->fix) {
		cJSON *fix = cJSON_AddObjectToObject(props, "fix");
		add_str(fix, "id", f->fix->id);
		cJSON_AddBoolToObject(fix, "automated", f->fix->automated);
		add_str(fix, "title", f->fix->title);
		if (f->fix_note)
			add_str(fix, "note", f->fix_note);
	}
	if (f->evidence)
		cJSON_AddItemToObject(props, "evidence", cJSON_Duplicate(f->evidence, 1));
	return r;
}

/* notify - append a toolExecutionNotification */
static void notify(cJSON *arr, const char *level, const char *descriptor, const char *text,
		   const char *rule_id, long rule_index, const char *tenant)
{
	cJSON *n = cJSON_CreateObject();
	add_msg(n, "message", text);
	cJSON_AddStringToObject(n, "level", level);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(n, "descriptor"), "id", descriptor);
	if (rule_id) {
		cJSON *ar = cJSON_AddObjectToObject(n, "associatedRule");
		add_str(ar, "id", rule_id);
		if (rule_index >= 0)
			cJSON_AddNumberToObject(ar, "index", (double)rule_index);
	}
	if (tenant)
		add_str(cJSON_AddObjectToObject(n, "properties"), "tenant", tenant);
	cJSON_AddItemToArray(arr, n);
}

int report_write_sarif(FILE *out, const struct audit_result *res,
		       const struct report_options *opt, char **err)
{
	cJSON *root = cJSON_CreateObject(), *runs, *run, *driver, *rules_json, *results, *inv, *notes, *props, *tenants;
	size_t nr_rules;
	const struct check_def **rules = report_rules(res, &nr_rules);
	struct strbuf sb = STRBUF_INIT;
	bool complete = audit_complete(res);
	char *text;
	int ret;

	cJSON_AddStringToObject(root, "$schema", SARIF_SCHEMA);
	cJSON_AddStringToObject(root, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(root, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
	cJSON_AddStringToObject(driver, "name", "aliasaudit");
	cJSON_AddStringToObject(driver, "version", ALIASAUDIT_VERSION);
	cJSON_AddStringToObject(driver, "semanticVersion", ALIASAUDIT_VERSION);
	rules_json = cJSON_AddArrayToObject(driver, "rules");
	for (size_t i = 0; i < nr_rules; i++)
		cJSON_AddItemToArray(rules_json, rule_json(rules[i]));

	inv = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), inv);
	cJSON_AddBoolToObject(inv, "executionSuccessful", complete);
	if (res->generated_at[0])
		cJSON_AddStringToObject(inv, "endTimeUtc", res->generated_at);
	notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		for (size_t j = 0; j < s->nr_errors; j++) {
			strbuf_putf(&sb, "tenant %s: could not read %s: %s", s->tenant,
				    s->errors[j].object ? s->errors[j].object : "?",
				    s->errors[j].message ? s->errors[j].message : "?");
			notify(notes, "error", "collection-error", sb.buf, NULL, -1, s->tenant);
			strbuf_reset(&sb);
		}
		if (!s->complete && !s->nr_errors) {
			strbuf_putf(&sb, "tenant %s: collection incomplete", s->tenant);
			notify(notes, "error", "collection-error", sb.buf, NULL, -1, s->tenant);
			strbuf_reset(&sb);
		}
	}
	for (size_t i = 0; i < res->findings.nr_gaps; i++) {
		const struct not_evaluated *g = &res->findings.gaps[i];
		strbuf_putf(&sb, "check %s not evaluated for tenant %s: %s", g->check, g->tenant, g->reason);
		notify(notes, "error", "not-evaluated", sb.buf, g->check,
		       report_rule_index(rules, nr_rules, g->check), g->tenant);
		strbuf_reset(&sb);
	}
	if (res->graph_truncated)
		notify(notes, "error", "graph-truncated",
		       "a routing walk hit a named limit and was truncated; paths beyond it were not followed",
		       NULL, -1, NULL);
	if (!cJSON_GetArraySize(notes))
		cJSON_DeleteItemFromObject(inv, "toolExecutionNotifications");
	strbuf_release(&sb);

	results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		cJSON_AddItemToArray(results, result_json(f, f->check ?
			report_rule_index(rules, nr_rules, f->check->id) : -1));
	}

	props = cJSON_AddObjectToObject(run, "properties");
	cJSON_AddBoolToObject(props, "complete", complete);
	tenants = cJSON_AddArrayToObject(props, "tenants");
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		cJSON *t = cJSON_CreateObject();
		add_str(t, "name", res->snapshots[i]->tenant);
		add_str(t, "provider", res->snapshots[i]->provider);
		cJSON_AddBoolToObject(t, "complete", res->snapshots[i]->complete);
		cJSON_AddItemToArray(tenants, t);
	}
	free(rules);

	text = json_neutralise(cJSON_Print(root));
	cJSON_Delete(root);
	if (!text)
		oom();
	strbuf_puts(&sb, text);
	strbuf_puts(&sb, "\n");
	free(text);
	ret = report_flush(out, &sb, err);
	strbuf_release(&sb);
	return ret;
}
