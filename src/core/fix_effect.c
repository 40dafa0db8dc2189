/*
 * fix_effect.c - the vendor-neutral change model of fix_simulate.h: apply a
 * change's effect (set/remove/add on a section of the snapshot's JSON form)
 * and say whether the evidence it depends on was read.
 */
#include "core/fix_simulate.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* get_str - o[key] as a string, or NULL */
static const char *get_str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* section_of - the array (for "policy" the object) named by section, created when create */
static cJSON *section_of(cJSON *snap, const char *section, bool create)
{
	cJSON *pol = cJSON_GetObjectItemCaseSensitive(snap, "policy"), *a;
	if (!strcmp(section, "policy")) {
		if (!pol && create)
			pol = cJSON_AddObjectToObject(snap, "policy");
		return pol;
	}
	if (!strncmp(section, "policy.", 7)) {
		if (!pol && create)
			pol = cJSON_AddObjectToObject(snap, "policy");
		if (!cJSON_IsObject(pol))
			return NULL;
		snap = pol;
		section += 7;
	}
	a = cJSON_GetObjectItemCaseSensitive(snap, section);
	if (!a && create)
		a = cJSON_AddArrayToObject(snap, section);
	return a;
}

/* element_matches - every member of match equals el's (strings case-insensitively) */
static bool element_matches(const cJSON *el, const cJSON *match)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, match) {
		const cJSON *have = cJSON_GetObjectItemCaseSensitive(el, m->string);
		if (cJSON_IsString(m) ? !cJSON_IsString(have) ||
					!str_eq_nocase(m->valuestring, have->valuestring)
				      : !have || !cJSON_Compare(m, have, 1))
			return false;
	}
	return true;
}

/* set_fields - copy every member of set into o */
static void set_fields(cJSON *o, const cJSON *set)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, set) {
		cJSON *v = cJSON_Duplicate(m, 1);
		if (cJSON_GetObjectItemCaseSensitive(o, m->string))
			cJSON_ReplaceItemInObjectCaseSensitive(o, m->string, v);
		else
			cJSON_AddItemToObject(o, m->string, v);
	}
}

/* apply_matching - set or remove the elements of sec matching match; how many */
static int apply_matching(cJSON *sec, const cJSON *match, const cJSON *set)
{
	int hits = 0;
	for (cJSON *el = sec->child, *next; el; el = next) {
		next = el->next;
		if (!element_matches(el, match))
			continue;
		hits++;
		if (set)
			set_fields(el, set);
		else
			cJSON_Delete(cJSON_DetachItemViaPointer(sec, el));
	}
	return hits;
}

/* apply_op - one operation; 0 or -1 with *err */
static int apply_op(cJSON *snap, const cJSON *op, char **err)
{
	const char *kind = get_str(op, "op"), *section = get_str(op, "section");
	const cJSON *match = cJSON_GetObjectItemCaseSensitive(op, "match");
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(op, "set");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
	bool is_set = kind && !strcmp(kind, "set"), is_remove = kind && !strcmp(kind, "remove");
	cJSON *sec;

	if (!kind || !section || (!is_set && !is_remove && strcmp(kind, "add"))) {
		*err = xstrdup("effect: an operation needs op (set, remove or add) and section");
		return -1;
	}
	if (!is_set && !is_remove) {
		sec = section_of(snap, section, true);
		if (!cJSON_IsArray(sec) || !cJSON_IsObject(value)) {
			*err = xstrfmt("effect: add to %s wants an array section and an object value", section);
			return -1;
		}
		cJSON_InsertItemInArray(sec, 0, cJSON_Duplicate(value, 1));
		return 0;
	}
	if ((is_set && !cJSON_IsObject(set)) || (!strcmp(section, "policy") && !is_set)) {
		*err = xstrfmt("effect: %s on %s wants a 'set' object", kind, section);
		return -1;
	}
	sec = section_of(snap, section, false);
	if (cJSON_IsObject(sec) && !strcmp(section, "policy")) {
		set_fields(sec, set);
		return 0;
	}
	if (!cJSON_IsArray(sec) || !cJSON_IsObject(match)) {
		*err = xstrfmt("effect: %s is not in the snapshot, or the operation has no match", section);
		return -1;
	}
	if (!apply_matching(sec, match, is_set ? set : NULL)) {
		char *m = cJSON_PrintUnformatted(match);
		*err = xstrfmt("the snapshot has no %s element matching %s", section, m ? m : "?");
		free(m);
		return -1;
	}
	return 0;
}

/* fix_effect_op - see fix_simulate.h */
cJSON *fix_effect_op(const char *op, const char *section, cJSON *match, cJSON *v)
{
	cJSON *e = cJSON_CreateArray(), *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "op", op);
	cJSON_AddStringToObject(o, "section", section);
	if (match)
		cJSON_AddItemToObject(o, "match", match);
	if (v)
		cJSON_AddItemToObject(o, strcmp(op, "add") ? "set" : "value", v);
	cJSON_AddItemToArray(e, o);
	return e;
}

/* fix_effect_apply - see fix_simulate.h */
int fix_effect_apply(cJSON *snapshot, const cJSON *effect, char **err)
{
	const cJSON *op;
	if (!cJSON_IsArray(effect)) {
		*err = xstrdup("effect: not an array of operations");
		return -1;
	}
	cJSON_ArrayForEach(op, effect)
		if (apply_op(snapshot, op, err))
			return -1;
	return 0;
}

/* covering_error - the error that makes area (for address) unread, or NULL
 * (the rule of snapshot_area_failed) */
static const struct snapshot_error *covering_error(const struct snapshot *s, const char *area,
						   const char *address)
{
	for (size_t i = 0; i < s->nr_errors; i++) {
		const struct snapshot_error *e = &s->errors[i];
		if (!e->area)
			return e;
		if (strcmp(e->area, area))
			continue;
		if (!e->address || !address || str_eq_nocase(e->address, address))
			return e;
	}
	return NULL;
}

/* need - check one (area, address); false with *what when it was not read */
static bool need(const struct snapshot *s, const char *area, const char *address, char **what)
{
	const struct snapshot_error *e = covering_error(s, area, address);
	if (!e)
		return true;
	*what = xstrfmt("%s%s%s: %s: %s", area, address ? " of " : "", address ? address : "",
			e->object ? e->object : "?", e->message ? e->message : "not read");
	return false;
}

/* op_address - the one mailbox an operation is about, or NULL */
static const char *op_address(const cJSON *op)
{
	static const char *const keys[] = { "from", "owner", "address" };
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(op, "match");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, "value");
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *a = get_str(m, keys[i]) ? get_str(m, keys[i]) : get_str(v, keys[i]);
		if (a)
			return a;
	}
	return NULL;
}

/* op_evidence - the reads one operation depends on. A policy reaches every
 * forward and recipient, so it needs all of them; a mailbox's object needs
 * that mailbox's section and recipient. */
static bool op_evidence(const struct snapshot *s, const cJSON *op, char **what)
{
	const char *section = get_str(op, "section"), *addr = op_address(op);
	if (!section)
		return true;
	if (!strncmp(section, "policy", 6)) {
		const cJSON *k;
		if (!strcmp(section, "policy")) {
			cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(op, "set")) {
				char *area = xstrfmt("policy.%s", k->string);
				bool ok = need(s, area, NULL, what);
				free(area);
				if (!ok)
					return false;
			}
		} else if (!need(s, section, NULL, what)) {
			return false;
		}
		return need(s, "forwards", NULL, what) && need(s, "recipients", NULL, what);
	}
	return need(s, section, addr, what) && need(s, "recipients", addr, what);
}

/* fix_effect_evidence - see fix_simulate.h */
bool fix_effect_evidence(const struct snapshot *s, const cJSON *effect, char **what)
{
	const cJSON *op;
	*what = NULL;
	if (!s->complete && !s->nr_errors) {
		*what = xstrdup("the snapshot is marked incomplete");
		return false;
	}
	if (!s->nr_errors)
		return true;
	cJSON_ArrayForEach(op, effect)
		if (!op_evidence(s, op, what))
			return false;
	return true;
}
