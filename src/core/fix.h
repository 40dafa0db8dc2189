/*
 * fix.h - the apply-fix engine (README "Fixing, with undo"), independent of any vendor:
 * plan the documented fixes for a set of findings through the providers,
 * print the plan, apply it as a journaled transaction with compare-and-swap
 * per change (git's ref transactions: each item carries its expected old
 * value and is skipped when the live value differs), and undo it.
 */
#ifndef ALIASAUDIT_FIX_H
#define ALIASAUDIT_FIX_H

#include "core/audit.h"
#include "core/fix_simulate.h"
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
/* fix_plan_print - the plan as text: what the simulation proved, then each
 * selected change (key, tenant, object, setting old → new, findings resolved
 * and introduced, why, reversible), the changes left out with the reason, and
 * the manual steps. proof may be NULL (every change printed as planned). */
void fix_plan_print(FILE *out, const struct fix_plan *plan, const struct fix_proof *proof,
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

/* fix_locks - the tenants a run writes: their immutable ids and locks */
struct fix_locks {
	char **tenants, **keys; int *fds; size_t nr;
};
/* fix_lock_targets - each open target's immutable id (provider tenant_key)
 * and its per-tenant lock (journal_lock_tenant). 0, or -1 with *err. */
int fix_lock_targets(struct fix_target *t, size_t nt, struct fix_locks *l, char **err);
void fix_locks_release(struct fix_locks *l);
/* fix_check_binding - every tenant of j has the immutable id j recorded;
 * 0, or -1 with *err naming the tenant and both ids */
int fix_check_binding(const struct journal *j, const struct fix_locks *l, char **err);
/* fix_clean_text - s with control characters replaced by '?' (in place; returns s) */
char *fix_clean_text(char *s);

/* json_text_equal - two JSON texts denote the same value */
bool json_text_equal(const char *a, const char *b);
/* fix_confirm - true when the user agrees (or yes); refuses (false, with a
 * message) when stdin is not a terminal and yes is not given */
bool fix_confirm(const char *question, bool yes);

#endif
