/*
 * finding_json.c - the one finding -> JSON serialiser (the finding object of
 * docs/reports.md "The finding object"), used by the JSON report and stored by
 * the history; and a snapshot's collection errors as JSON.
 */
#include "core/finding_json.h"
#include "checks/check.h"
#include "base/util.h"

const char *const *finding_refs(const struct finding *f)
{
	return f->refs ? f->refs : f->check ? f->check->refs : NULL;
}

/* add_str_or - add key as s, or as dflt when s is NULL */
static void add_str_or(cJSON *o, const char *key, const char *s, const char *dflt)
{
	cJSON_AddStringToObject(o, key, s ? s : dflt);
}

/* path_json - the hops, in order */
static cJSON *path_json(const struct finding *f)
{
	cJSON *path = cJSON_CreateArray();
	for (size_t i = 0; i < f->nr_path; i++) {
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "address", f->path[i].address);
		cJSON_AddStringToObject(h, "via", f->path[i].via);
		if (f->path[i].object)
			cJSON_AddStringToObject(h, "object", f->path[i].object);
		cJSON_AddItemToArray(path, h);
	}
	return path;
}

/* fix_json - the fix (id, automated, title, steps) and the finding's note */
static cJSON *fix_json(const struct finding *f)
{
	cJSON *fix = cJSON_CreateObject();
	add_str_or(fix, "id", f->fix->id, "");
	cJSON_AddBoolToObject(fix, "automated", f->fix->automated);
	add_str_or(fix, "title", f->fix->title, "");
	if (f->fix->steps)
		cJSON_AddStringToObject(fix, "steps", f->fix->steps);
	if (f->fix_note)
		cJSON_AddStringToObject(fix, "note", f->fix_note);
	return fix;
}

cJSON *finding_json(const struct finding *f)
{
	cJSON *o = cJSON_CreateObject(), *sym = cJSON_CreateObject(), *refs = cJSON_CreateArray();
	const char *const *r = finding_refs(f);

	if (!o || !sym || !refs)
		oom();
	cJSON_AddStringToObject(o, "id", f->id);
	cJSON_AddStringToObject(o, "check", f->check ? f->check->id : "unknown");
	cJSON_AddStringToObject(o, "severity", severity_name(f->severity));
	cJSON_AddStringToObject(o, "tenant", f->tenant);
	cJSON_AddStringToObject(o, "provider", f->provider);
	cJSON_AddStringToObject(o, "subject", f->subject);
	cJSON_AddStringToObject(o, "summary", f->summary);
	if (f->symptom_code)
		cJSON_AddStringToObject(sym, "code", f->symptom_code);
	else
		cJSON_AddNullToObject(sym, "code");
	add_str_or(sym, "text", f->symptom_text, "");
	cJSON_AddItemToObject(o, "symptom", sym);
	cJSON_AddItemToObject(o, "path", path_json(f));
	cJSON_AddItemToObject(o, "evidence", f->evidence ? cJSON_Duplicate(f->evidence, 1)
							 : cJSON_CreateObject());
	if (f->fix)
		cJSON_AddItemToObject(o, "fix", fix_json(f));
	for (size_t i = 0; r && r[i]; i++)
		cJSON_AddItemToArray(refs, cJSON_CreateString(r[i]));
	cJSON_AddItemToObject(o, "refs", refs);
	return o;
}

cJSON *snapshot_error_json(const struct snapshot_error *e)
{
	cJSON *o = cJSON_CreateObject();
	add_str_or(o, "object", e->object, "");
	add_str_or(o, "message", e->message, "");
	if (e->area)
		cJSON_AddStringToObject(o, "area", e->area);
	if (e->address)
		cJSON_AddStringToObject(o, "address", e->address);
	return o;
}

cJSON *snapshot_errors_json(const struct snapshot *s)
{
	cJSON *errs = cJSON_CreateArray();
	for (size_t e = 0; e < s->nr_errors; e++)
		cJSON_AddItemToArray(errs, snapshot_error_json(&s->errors[e]));
	return errs;
}
