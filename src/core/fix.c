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
#include <strings.h>

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

/* print_change - one change: key, object, setting old → new, what it resolves and introduces */
static void print_change(FILE *out, const char *lead, const struct fix_change *c,
			 const struct fix_proof_item *it)
{
	char *obj = fix_clean_text(xstrdup(c->object)), *note = c->note ? fix_clean_text(xstrdup(c->note)) : NULL;
	fprintf(out, "%s[%s] %s (%s): %s\n", lead, it ? it->key : "-", c->tenant, c->provider, obj);
	fprintf(out, "     %s: %s → %s\n", c->setting, c->old_value, c->new_value);
	free(obj);
	fputs("     resolves:", out);
	if (it && it->nr_resolves)
		for (size_t k = 0; k < it->nr_resolves; k++)
			fprintf(out, " %s", it->resolves[k]);
	else
		for (size_t k = 0; k < c->nr_finding_ids; k++)
			fprintf(out, " %s", c->finding_ids[k]);
	fputc('\n', out);
	for (size_t k = 0; it && k < it->nr_introduces; k++)
		fprintf(out, "     introduces: %s\n", it->introduces[k]);
	if (note)
		fprintf(out, "     why: %s\n", note);
	free(note);
	if (it && it->reason)
		fprintf(out, "     %s%s\n", it->selected ? "chosen explicitly although it " : "not applied: ",
			it->reason);
	fprintf(out, "     fix: %s, %s\n", c->fix_id,
		c->reversible ? "reversible (aliasaudit undo)" : "NOT reversible");
}

/* print_manual - the findings with no automated fix */
static void print_manual(FILE *out, const struct finding *const *manual, size_t nr_manual)
{
	if (!nr_manual)
		return;
	fprintf(out, "\nNo automated fix (%zu finding%s): do these by hand\n", nr_manual,
		nr_manual == 1 ? "" : "s");
	for (size_t i = 0; i < nr_manual; i++) {
		const struct finding *f = manual[i];
		fprintf(out, "  - %s [%s] %s (tenant %s)\n", f->id, f->check->id, f->summary, f->tenant);
		fprintf(out, "    %s: %s\n", f->fix->title, f->fix->steps);
		if (f->fix_note)
			fprintf(out, "    note: %s\n", f->fix_note);
	}
}

void fix_plan_print(FILE *out, const struct fix_plan *plan, const struct fix_proof *proof,
		    const struct finding *const *manual, size_t nr_manual)
{
	size_t nsel = proof ? proof->nr_selected : plan->nr, n = 0;
	fprintf(out, "Plan: %zu change%s (nothing has been changed)\n", nsel, nsel == 1 ? "" : "s");
	if (proof)
		fprintf(out, "Proven on a copy of the audited snapshot (%zu audits): the plan resolves "
			"%zu finding%s and introduces %zu\n", proof->nr_simulations, proof->nr_resolved,
			proof->nr_resolved == 1 ? "" : "s", proof->nr_introduced);
	for (size_t k = 0; proof && k < proof->nr_introduced; k++)
		fprintf(out, "  introduced: %s\n", proof->introduced[k]);
	fputc('\n', out);
	for (size_t i = 0; i < plan->nr; i++) {
		const struct fix_proof_item *it = proof ? &proof->items[i] : NULL;
		char lead[16];
		if (it && !it->selected)
			continue;
		snprintf(lead, sizeof(lead), "  %zu. ", ++n);
		print_change(out, lead, &plan->changes[i], it);
	}
	if (proof && nsel < plan->nr) {
		fprintf(out, "\nNot in the plan (%zu change%s; choose one with --include KEY):\n",
			plan->nr - nsel, plan->nr - nsel == 1 ? "" : "s");
		for (size_t i = 0; i < plan->nr; i++)
			if (!proof->items[i].selected)
				print_change(out, "  - ", &plan->changes[i], &proof->items[i]);
	}
	print_manual(out, manual, nr_manual);
	if (nsel)
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

/* fix_clean_text - see fix.h */
char *fix_clean_text(char *s)
{
	for (unsigned char *p = (unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/* fix_lock_targets - see fix.h */
int fix_lock_targets(struct fix_target *t, size_t nt, struct fix_locks *l, char **err)
{
	memset(l, 0, sizeof(*l));
	l->tenants = xcalloc(nt ? nt : 1, sizeof(char *));
	l->keys = xcalloc(nt ? nt : 1, sizeof(char *));
	l->fds = xcalloc(nt ? nt : 1, sizeof(int));
	for (size_t i = 0; i < nt; i++) {
		char *key = NULL;
		if (!t[i].ps)
			continue;
		if (!t[i].ps->ops->tenant_key) {
			*err = xstrfmt("tenant '%s': the %s provider cannot name the tenant's immutable "
				       "id, so its changes cannot be journaled", t[i].tenant, t[i].ps->ops->name);
			return -1;
		}
		if (t[i].ps->ops->tenant_key(t[i].ps, &key, err))
			return -1;
		l->tenants[l->nr] = xstrdup(t[i].tenant);
		l->keys[l->nr] = key;
		if (journal_lock_tenant(t[i].tenant, key, &l->fds[l->nr], err)) {
			l->nr++;
			return -1;
		}
		l->nr++;
	}
	return 0;
}

/* fix_locks_release - see fix.h */
void fix_locks_release(struct fix_locks *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		journal_unlock(l->fds[i]);
		free(l->tenants[i]);
		free(l->keys[i]);
	}
	free(l->tenants);
	free(l->keys);
	free(l->fds);
	memset(l, 0, sizeof(*l));
}

/* fix_check_binding - see fix.h */
int fix_check_binding(const struct journal *j, const struct fix_locks *l, char **err)
{
	for (size_t i = 0; i < l->nr; i++) {
		const char *want = journal_tenant_key(j, l->tenants[i]);
		if (!want) {
			*err = xstrfmt("%s: the journal records no tenant id for '%s': refusing to undo",
				       j->path, l->tenants[i]);
			return -1;
		}
		if (strcasecmp(want, l->keys[i])) {
			*err = xstrfmt("%s: the journal changed tenant '%s' with id %s, but the configured "
				       "tenant '%s' has id %s: refusing to undo another tenant",
				       j->path, l->tenants[i], want, l->tenants[i], l->keys[i]);
			return -1;
		}
	}
	return 0;
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
