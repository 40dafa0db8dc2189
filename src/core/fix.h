/*
 * fix.h - the apply-fix engine (product.md §7), independent of any vendor:
 * plan the documented fixes for a set of findings through the providers,
 * print the plan, apply it as a journaled transaction with compare-and-swap
 * per change (git's ref transactions: each item carries its expected old
 * value and is skipped when the live value differs), and undo it.
 */
#ifndef ALIASAUDIT_FIX_H
#define ALIASAUDIT_FIX_H

#include "core/audit.h"
#include "core/journal.h"
#include "core/provider.h"

#include <stdio.h>

/* fix_target - one tenant's open provider session and its snapshot */
struct fix_target {
	const char *tenant;
	struct provider_session *ps;   /* NULL when the tenant could not be opened */
	const struct snapshot *snap;   /* may be NULL for undo */
};

struct fix_selection {
	const char *const *checks; size_t nr_checks;     /* empty: all */
	const char *const *findings; size_t nr_findings; /* empty: all */
	const char *variant;                             /* NULL: the reversible default */
};

/* fix_plan_build - the changes resolving the selected findings of res.
 * Findings with no automated change go to *manual (borrowed pointers into
 * res, caller frees the array). Changes for the same object and setting are
 * merged (their finding ids joined); the plan is sorted so output is stable.
 * 0, or -1 with *err. */
int fix_plan_build(struct fix_target *t, size_t nt, const struct audit_result *res,
		   const struct fix_selection *sel, struct fix_plan *plan,
		   const struct finding ***manual, size_t *nr_manual, char **err);
/* fix_plan_print - the plan as text: tenant, object, setting old → new,
 * findings resolved, reversible; then the manual steps */
void fix_plan_print(FILE *out, const struct fix_plan *plan,
		    const struct finding *const *manual, size_t nr_manual);
/* fix_apply - apply plan, journaling before and after each change. Returns
 * the number of changes that failed, or -1 (with *err) when the journal could
 * not be written (nothing further is changed then). Progress goes to log. */
int fix_apply(struct fix_target *t, size_t nt, const struct fix_plan *plan,
	      struct journal *j, FILE *log, char **err);
/* fix_undo - revert the applied (or possibly applied) changes of j newest
 * first, compare-and-swap against each change's new value. Returns the number
 * that failed, or -1 with *err. */
int fix_undo(struct fix_target *t, size_t nt, struct journal *j, FILE *log, char **err);

/* json_text_equal - two JSON texts denote the same value */
bool json_text_equal(const char *a, const char *b);
/* fix_confirm - true when the user agrees (or yes); refuses (false, with a
 * message) when stdin is not a terminal and yes is not given */
bool fix_confirm(const char *question, bool yes);

#endif
