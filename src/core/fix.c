/*
 * fix.c - the apply-fix engine (see fix.h). Providers do the vendor work
 * (plan_fix, read_value, apply_change, revert_change); this file owns the
 * order, the journal records and the compare-and-swap decisions.
 */
#include "core/fix.h"
#include "checks/check.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

bool json_text_equal(const char *a, const char *b)
{
	cJSON *x = cJSON_Parse(a ? a : "null"), *y = cJSON_Parse(b ? b : "null");
	bool eq = x && y && cJSON_Compare(x, y, 1);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static struct fix_target *target_for(struct fix_target *t, size_t nt, const char *tenant)
{
	for (size_t i = 0; i < nt; i++)
		if (!strcmp(t[i].tenant, tenant))
			return &t[i];
	return NULL;
}

static int cmp_change(const void *va, const void *vb)
{
	const struct fix_change *a = va, *b = vb;
	int r;
	if ((r = strcmp(a->tenant, b->tenant)) || (r = strcmp(a->object, b->object)) ||
	    (r = strcmp(a->setting, b->setting)))
		return r;
	return strcmp(a->new_value, b->new_value);
}

/* merge_changes - one change per (tenant, object, setting, new value) */
static void merge_changes(struct fix_plan *plan)
{
	size_t out = 0;
	if (plan->nr > 1)
		qsort(plan->changes, plan->nr, sizeof(*plan->changes), cmp_change);
	for (size_t i = 0; i < plan->nr; i++) {
		struct fix_change *c = &plan->changes[i];
		if (out && !cmp_change(&plan->changes[out - 1], c)) {
			struct fix_change *keep = &plan->changes[out - 1];
			for (size_t k = 0; k < c->nr_finding_ids; k++) {
				bool seen = false;
				for (size_t m = 0; m < keep->nr_finding_ids; m++)
					seen |= !strcmp(keep->finding_ids[m], c->finding_ids[k]);
				if (seen)
					continue;
				keep->finding_ids = xreallocarray(keep->finding_ids, keep->nr_finding_ids + 1,
								  sizeof(char *));
				keep->finding_ids[keep->nr_finding_ids++] = xstrdup(c->finding_ids[k]);
			}
			fix_change_release(c);
			continue;
		}
		plan->changes[out++] = *c;
	}
	plan->nr = out;
}

int fix_plan_build(struct fix_target *t, size_t nt, const struct audit_result *res,
		   const struct fix_selection *sel, struct fix_plan *plan,
		   const struct finding ***manual, size_t *nr_manual, char **err)
{
	size_t alloc = 0;
	*manual = NULL;
	*nr_manual = 0;
	for (size_t i = 0; i < sel->nr_checks; i++)
		if (!check_find(sel->checks[i])) {
			*err = xstrfmt("unknown check '%s' (see 'aliasaudit checks')", sel->checks[i]);
			return -1;
		}
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		struct fix_target *tg;
		int n = 0;
		if (!in_list(sel->checks, sel->nr_checks, f->check->id) ||
		    !in_list(sel->findings, sel->nr_findings, f->id))
			continue;
		tg = target_for(t, nt, f->tenant);
		if (f->fix->automated && tg && tg->ps) {
			n = provider_plan_fix(tg->ps, tg->snap, f, sel->variant, plan, err);
			if (n < 0)
				return -1;
		}
		if (!n) {
			ALLOC_GROW(*manual, *nr_manual + 1, alloc);
			(*manual)[(*nr_manual)++] = f;
		}
	}
	for (size_t i = 0; i < sel->nr_findings; i++) {
		bool found = false;
		for (size_t k = 0; k < res->findings.nr; k++)
			found |= !strcmp(res->findings.items[k].id, sel->findings[i]);
		if (!found) {
			*err = xstrfmt("no finding '%s' in this audit (ids come from 'aliasaudit audit')",
				       sel->findings[i]);
			return -1;
		}
	}
	merge_changes(plan);
	return 0;
}

void fix_plan_print(FILE *out, const struct fix_plan *plan,
		    const struct finding *const *manual, size_t nr_manual)
{
	fprintf(out, "Plan: %zu change%s (nothing has been changed)\n\n", plan->nr,
		plan->nr == 1 ? "" : "s");
	for (size_t i = 0; i < plan->nr; i++) {
		const struct fix_change *c = &plan->changes[i];
		fprintf(out, "  %zu. %s (%s): %s\n", i + 1, c->tenant, c->provider, c->object);
		fprintf(out, "     %s: %s → %s\n", c->setting, c->old_value, c->new_value);
		fputs("     resolves:", out);
		for (size_t k = 0; k < c->nr_finding_ids; k++)
			fprintf(out, " %s", c->finding_ids[k]);
		fprintf(out, "\n     fix: %s, %s\n", c->fix_id,
			c->reversible ? "reversible (aliasaudit undo)" : "NOT reversible");
	}
	if (nr_manual) {
		fprintf(out, "\nNo automated fix (%zu finding%s): do these by hand\n", nr_manual,
			nr_manual == 1 ? "" : "s");
		for (size_t i = 0; i < nr_manual; i++) {
			const struct finding *f = manual[i];
			fprintf(out, "  - %s [%s] %s (tenant %s)\n", f->id, f->check->id, f->summary,
				f->tenant);
			fprintf(out, "    %s: %s\n", f->fix->title, f->fix->steps);
			if (f->fix_note)
				fprintf(out, "    note: %s\n", f->fix_note);
		}
	}
	if (plan->nr)
		fputs("\nRun the same command with --apply to make these changes; each is journaled "
		      "and 'aliasaudit undo JOURNAL' reverts them.\n", out);
}

int fix_apply(struct fix_target *t, size_t nt, const struct fix_plan *plan,
	      struct journal *j, FILE *log, char **err)
{
	int failed = 0;
	for (size_t i = 0; i < plan->nr; i++) {
		const struct fix_change *c = &plan->changes[i];
		struct fix_target *tg = target_for(t, nt, c->tenant);
		int seq = (int)i + 1;
		char *live = NULL, *msg = NULL;
		enum journal_status st;

		if (journal_intent(j, seq, c, err))
			return -1;
		fprintf(log, "[%d/%zu] %s: %s %s ... ", seq, plan->nr, c->tenant, c->object, c->setting);
		if (!tg || !tg->ps) {
			msg = xstrfmt("tenant '%s' cannot apply changes", c->tenant);
			st = JS_FAILED;
		} else if (provider_read_value(tg->ps, c, &live, &msg)) {
			char *why = msg;
			msg = xstrfmt("could not re-read the live value: %s", why);
			free(why);
			st = JS_FAILED;
		} else if (!json_text_equal(live, c->old_value)) {
			msg = xstrfmt("the live value %s differs from the planned %s (changed "
				      "since the audit)", live, c->old_value);
			st = JS_SKIPPED;
		} else if (provider_apply_change(tg->ps, c, &msg)) {
			st = JS_FAILED;
		} else {
			st = JS_APPLIED;
		}
		fprintf(log, "%s%s%s\n", journal_status_name(st), msg ? ": " : "", msg ? msg : "");
		failed += st == JS_FAILED;
		int rc = journal_result(j, seq, st, msg, err);
		free(live);
		free(msg);
		if (rc)
			return -1;
	}
	return failed;
}

int fix_undo(struct fix_target *t, size_t nt, struct journal *j, FILE *log, char **err)
{
	int failed = 0;
	for (size_t i = j->nr; i-- > 0;) {
		struct journal_entry *e = &j->entries[i];
		const struct fix_change *c = &e->change;
		struct fix_target *tg = target_for(t, nt, c->tenant);
		char *live = NULL, *msg = NULL;
		enum journal_status st;

		if (e->status == JS_SKIPPED || e->status == JS_FAILED || e->undo_status == JS_APPLIED)
			continue; /* nothing of ours to revert */
		fprintf(log, "undo %d: %s: %s %s ... ", e->seq, c->tenant, c->object, c->setting);
		if (!c->reversible) {
			fprintf(log, "skipped: not reversible\n");
			continue;
		}
		if (journal_undo_intent(j, e->seq, err))
			return -1;
		if (!tg || !tg->ps) {
			msg = xstrfmt("tenant '%s' cannot revert changes", c->tenant);
			st = JS_FAILED;
		} else if (provider_read_value(tg->ps, c, &live, &msg)) {
			char *why = msg;
			msg = xstrfmt("could not re-read the live value: %s", why);
			free(why);
			st = JS_FAILED;
		} else if (json_text_equal(live, c->new_value)) {
			st = provider_revert_change(tg->ps, c, &msg) ? JS_FAILED : JS_APPLIED;
		} else if (json_text_equal(live, c->old_value)) {
			msg = xstrdup("already at the old value (the change never happened or was reverted)");
			st = JS_SKIPPED;
		} else {
			msg = xstrfmt("the live value %s is neither the applied %s nor the old %s "
				      "(changed since)", live, c->new_value, c->old_value);
			st = JS_SKIPPED;
		}
		fprintf(log, "%s%s%s\n", st == JS_APPLIED ? "reverted" : journal_status_name(st),
			msg ? ": " : "", msg ? msg : "");
		failed += st == JS_FAILED;
		int rc = journal_undo_result(j, e->seq, st, msg, err);
		e->undo_status = st;
		free(live);
		free(msg);
		if (rc)
			return -1;
	}
	return failed;
}

bool fix_confirm(const char *question, bool yes)
{
	char line[16];
	if (yes)
		return true;
	if (!is_tty_fd(0)) {
		error("refusing to change anything without --yes: standard input is not a terminal");
		return false;
	}
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}
