/*
 * fix_simulate.h - a fix plan is proven before it is offered (README "Fixing, with undo"):
 * each change's effect is applied to an in-memory copy of the audited
 * snapshots, the copy is audited with every check, and its findings are
 * compared with the audit the plan came from.
 *
 * Effects (fix_change.effect) are a vendor-neutral change model on the
 * snapshot's JSON form (docs/snapshot.md): an array of operations
 *   {"op":"set",    "section":S, "match":{..}, "set":{..}}  fields of every matching element
 *   {"op":"remove", "section":S, "match":{..}}              every matching element
 *   {"op":"add",    "section":S, "value":{..}}              one new element (first)
 * S is a top-level array ("forwards", "send_as", ...), "policy" (the object
 * itself: set without match) or "policy.<array>". match compares strings
 * case-insensitively and other values exactly; set and remove must match an
 * element, else the change cannot be proven.
 *
 * The default plan holds the changes that resolve a finding, introduce none,
 * whose evidence was read, and that no other change of the plan defeats;
 * --include KEY (or "all") chooses the others explicitly.
 */
#ifndef ALIASAUDIT_FIX_SIMULATE_H
#define ALIASAUDIT_FIX_SIMULATE_H

#include "core/audit.h"
#include "core/provider.h"

enum fix_verdict {
	FV_PROVEN,      /* resolves findings, introduces none, nothing defeats it */
	FV_INTRODUCES,  /* introduces findings (alone or with the rest of the plan) */
	FV_DEFEATED,    /* another change of the plan brings back what it resolves */
	FV_NO_EFFECT,   /* resolves nothing in the simulation */
	FV_UNPROVEN,    /* no effect model, or its object is not in the snapshot */
	FV_WITHHELD,    /* its evidence was not read (incomplete audit): never applied */
};

struct fix_proof_item {
	enum fix_verdict verdict;
	bool selected;          /* part of the plan --apply makes */
	bool included;          /* chosen with --include */
	char key[12];           /* "c-" + 8 hex digits, stable across runs */
	char **resolves; size_t nr_resolves;      /* finding ids it resolves alone */
	char **introduces; size_t nr_introduces;  /* "id [check] summary" */
	char *reason;           /* why it is not in the default plan, or NULL */
};

struct fix_proof {
	struct fix_proof_item *items; size_t nr;  /* parallel to the plan's changes */
	size_t nr_selected, nr_resolved;          /* of the selected plan as a whole */
	char **introduced; size_t nr_introduced;  /* by the selected plan as a whole */
	char **incomplete; size_t nr_incomplete;  /* "tenant: what could not be read" */
	size_t nr_simulations;                    /* audits run to prove it */
};

/* fix_prove - prove plan (built from base, an audit of snaps) and choose the
 * default plan; include[] holds change keys or "all". Unknown keys are an
 * error. 0, or -1 with *err. */
int fix_prove(struct snapshot **snaps, size_t n, const struct audit_result *base,
	      const struct fix_plan *plan, const char *const *include, size_t nr_include,
	      struct fix_proof *out, char **err);
void fix_proof_release(struct fix_proof *p);
/* fix_proof_selected - the selected changes of plan, copied into *out */
void fix_proof_selected(const struct fix_proof *p, const struct fix_plan *plan,
			struct fix_plan *out);

/* fix_change_key - the change's stable key ("c-" + 8 hex digits) into buf */
void fix_change_key(const struct fix_change *c, char buf[12]);
/* fix_effect_op - a one-operation effect [{"op", "section", "match"?, "set"
 * or, for add, "value"?}]; takes match and v (either may be NULL) */
cJSON *fix_effect_op(const char *op, const char *section, cJSON *match, cJSON *v);
/* fix_effect_apply - apply effect to a snapshot's JSON form in place; 0 or -1 with *err */
int fix_effect_apply(cJSON *snapshot, const cJSON *effect, char **err);
/* fix_effect_evidence - true when every area effect depends on was read in s;
 * else false with *what (caller frees) naming the first missing read */
bool fix_effect_evidence(const struct snapshot *s, const cJSON *effect, char **what);
/* fix_verdict_name - "proven", "introduces", ... */
const char *fix_verdict_name(enum fix_verdict v);

#endif
