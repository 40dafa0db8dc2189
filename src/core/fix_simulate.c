/*
 * fix_simulate.c - proving a fix plan (see fix_simulate.h): audits of
 * in-memory copies of the snapshots with some of the plan's changes applied,
 * each change's resolved and introduced findings, and the choice of the
 * default plan (nothing introduced, nothing defeated, evidence read).
 */
#include "core/fix_simulate.h"
#include "base/util.h"

#include "checks/check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* idset - a run's findings: ids (sorted) and "id [check] summary" lines */
struct idset {
	char **ids, **desc; size_t nr;
};

struct sim {
	struct snapshot **snaps; size_t n;
	cJSON **base;             /* each snapshot's JSON form */
	const struct fix_plan *plan;
	struct idset before;      /* the copy's findings with no change applied */
	size_t runs;
};

static const char *const verdict_names[] = {
	"proven", "introduces", "defeated", "no effect", "unproven", "withheld",
};

const char *fix_verdict_name(enum fix_verdict v)
{
	return (unsigned)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "?";
}

/* fix_change_key - FNV-1a over tenant, object, setting and new value */
void fix_change_key(const struct fix_change *c, char buf[12])
{
	const char *parts[] = { c->tenant, c->object, c->setting, c->new_value };
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		for (const char *p = parts[i] ? parts[i] : ""; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	snprintf(buf, 12, "c-%08x", (unsigned)(h ^ (h >> 32)));
}

static void idset_release(struct idset *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->ids[i]);
		free(s->desc[i]);
	}
	free(s->ids);
	free(s->desc);
	memset(s, 0, sizeof(*s));
}

static bool idset_has(const struct idset *s, const char *id)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->ids[i], id))
			return true;
	return false;
}

/* idset_from - the findings of res */
static void idset_from(struct idset *s, const struct audit_result *res)
{
	s->nr = res->findings.nr;
	s->ids = xcalloc(s->nr ? s->nr : 1, sizeof(char *));
	s->desc = xcalloc(s->nr ? s->nr : 1, sizeof(char *));
	for (size_t i = 0; i < s->nr; i++) {
		const struct finding *f = &res->findings.items[i];
		s->ids[i] = xstrdup(f->id);
		s->desc[i] = xstrfmt("%s [%s] %s", f->id, f->check->id, f->summary);
	}
}

/* tenant_index - the snapshot of tenant, or n */
static size_t tenant_index(const struct sim *sm, const char *tenant)
{
	for (size_t t = 0; t < sm->n; t++)
		if (!strcmp(sm->snaps[t]->tenant, tenant))
			return t;
	return sm->n;
}

/* sim_run - audit the snapshots with the changes set[0..nr) applied */
static int sim_run(struct sim *sm, const size_t *set, size_t nr, struct idset *out, char **err)
{
	cJSON **copy = xcalloc(sm->n, sizeof(*copy));
	struct snapshot **s2 = xcalloc(sm->n, sizeof(*s2));
	struct audit_result res;
	int ret = -1;
	size_t t;

	for (t = 0; t < sm->n; t++)
		copy[t] = cJSON_Duplicate(sm->base[t], 1);
	for (size_t k = 0; k < nr; k++) {
		const struct fix_change *c = &sm->plan->changes[set[k]];
		t = tenant_index(sm, c->tenant);
		if (t == sm->n) {
			*err = xstrfmt("tenant '%s' is not in the audit", c->tenant);
			goto out;
		}
		if (fix_effect_apply(copy[t], c->effect, err))
			goto out;
	}
	for (t = 0; t < sm->n; t++) {
		char *text = cJSON_PrintUnformatted(copy[t]);
		int rc;
		if (!text)
			oom();
		rc = snapshot_parse(sm->snaps[t]->source ? sm->snaps[t]->source : sm->snaps[t]->tenant,
				    text, strlen(text), &s2[t], err);
		free(text);
		if (rc)
			goto out;
	}
	if (audit_run(s2, sm->n, NULL, NULL, &res, err))
		goto out;
	sm->runs++;
	idset_from(out, &res);
	audit_result_release(&res);
	ret = 0;
out:
	for (t = 0; t < sm->n; t++) {
		cJSON_Delete(copy[t]);
		snapshot_free(s2[t]);
	}
	free(copy);
	free(s2);
	return ret;
}

/* push - append a copy of s to (*arr, *nr) */
static void push(char ***arr, size_t *nr, const char *s)
{
	*arr = xreallocarray(*arr, *nr + 1, sizeof(char *));
	(*arr)[(*nr)++] = xstrdup(s);
}

/* diff_into - what before has and after lacks (resolved), and the reverse (introduced) */
static void diff_into(const struct idset *before, const struct idset *after,
		      char ***resolved, size_t *nr_res, char ***introduced, size_t *nr_intro)
{
	for (size_t i = 0; resolved && i < before->nr; i++)
		if (!idset_has(after, before->ids[i]))
			push(resolved, nr_res, before->ids[i]);
	for (size_t i = 0; introduced && i < after->nr; i++)
		if (!idset_has(before, after->ids[i]))
			push(introduced, nr_intro, after->desc[i]);
}

/* included - key chosen by --include */
static bool included(const char *key, const char *const *inc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(inc[i], "all") || !strcmp(inc[i], key))
			return true;
	return false;
}

/* simulable - the change takes part in simulations */
static bool simulable(const struct fix_proof_item *it, const struct fix_change *c)
{
	return it->selected && c->effect && it->verdict != FV_UNPROVEN;
}

/* judge_one - prove change i alone: its verdict, resolved and introduced findings */
static int judge_one(struct sim *sm, struct fix_proof *p, size_t i, char **err)
{
	const struct fix_change *c = &sm->plan->changes[i];
	struct fix_proof_item *it = &p->items[i];
	size_t t = tenant_index(sm, c->tenant);
	struct idset after = { 0 };
	char *what = NULL, *why = NULL;

	if (t == sm->n) {
		*err = xstrfmt("tenant '%s' of a planned change is not in the audit", c->tenant);
		return -1;
	}
	if (c->effect ? !fix_effect_evidence(sm->snaps[t], c->effect, &what)
		      : !sm->snaps[t]->complete && (what = xstrdup("the audit is incomplete"))) {
		it->verdict = FV_WITHHELD;
		it->reason = xstrfmt("withheld: its evidence was not read (%s)", what);
		char *line = xstrfmt("%s: %s", c->tenant, what);
		push(&p->incomplete, &p->nr_incomplete, line);
		free(line);
		free(what);
		return 0;
	}
	if (!c->effect) {
		it->verdict = FV_UNPROVEN;
		it->reason = xstrdup("cannot be simulated (no model of its effect)");
		return 0;
	}
	if (sim_run(sm, &i, 1, &after, &why)) {
		it->verdict = FV_UNPROVEN;
		it->reason = xstrfmt("cannot be simulated: %s", why);
		free(why);
		return 0;
	}
	diff_into(&sm->before, &after, &it->resolves, &it->nr_resolves, &it->introduces,
		  &it->nr_introduces);
	idset_release(&after);
	if (it->nr_introduces) {
		it->verdict = FV_INTRODUCES;
		it->reason = xstrfmt("introduces %zu finding%s", it->nr_introduces,
				     it->nr_introduces == 1 ? "" : "s");
	} else if (!it->nr_resolves) {
		it->verdict = FV_NO_EFFECT;
		it->reason = xstrdup("resolves nothing in the simulation");
	}
	return 0;
}

/* select_set - the simulable selected changes except skip (SIZE_MAX: none) */
static size_t select_set(const struct fix_proof *p, const struct fix_plan *plan, size_t skip,
			 size_t *set)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nr; i++)
		if (i != skip && simulable(&p->items[i], &plan->changes[i]))
			set[n++] = i;
	return n;
}

/* still_there - how many of what it resolves alone are in after */
static size_t still_there(const struct fix_proof_item *it, const struct idset *after)
{
	size_t n = 0;
	for (size_t k = 0; k < it->nr_resolves; k++)
		n += idset_has(after, it->resolves[k]);
	return n;
}

/* defeater - the one other selected change that, with i, brings back what i resolves */
static long defeater(struct sim *sm, struct fix_proof *p, size_t i, char **err)
{
	for (size_t j = 0; j < p->nr; j++) {
		struct idset pair = { 0 };
		size_t set[2] = { i < j ? i : j, i < j ? j : i };
		if (j == i || !simulable(&p->items[j], &sm->plan->changes[j]))
			continue;
		if (sim_run(sm, set, 2, &pair, err))
			return -2;
		size_t back = still_there(&p->items[i], &pair);
		idset_release(&pair);
		if (back)
			return (long)j;
	}
	return -1;
}

/* count_new - the findings of after that the unchanged copy lacks */
static size_t count_new(const struct sim *sm, const struct idset *after)
{
	size_t n = 0;
	for (size_t i = 0; i < after->nr; i++)
		n += !idset_has(&sm->before, after->ids[i]);
	return n;
}

/* drop_introducer - deselect the last default change without which the plan
 * introduces fewer findings; 1 when one was dropped */
static int drop_introducer(struct sim *sm, struct fix_proof *p, const struct idset *all,
			   size_t *set, char **err)
{
	size_t nintro = count_new(sm, all);
	for (size_t i = p->nr; nintro && i-- > 0;) {
		struct fix_proof_item *it = &p->items[i];
		struct idset rest = { 0 };
		if (!simulable(it, &sm->plan->changes[i]) || it->included)
			continue;
		if (sim_run(sm, set, select_set(p, sm->plan, i, set), &rest, err))
			return -1;
		size_t n = count_new(sm, &rest);
		if (n < nintro) {
			diff_into(&rest, all, NULL, NULL, &it->introduces, &it->nr_introduces);
			it->verdict = FV_INTRODUCES;
			it->selected = false;
			free(it->reason);
			it->reason = xstrfmt("together with the rest of the plan it introduces %zu finding%s",
					     nintro - n, nintro - n == 1 ? "" : "s");
		}
		idset_release(&rest);
		if (n < nintro)
			return 1;
	}
	return 0;
}

/* drop_one - deselect one default change that another change of the plan
 * defeats (what it resolves comes back), else one that introduces findings
 * together with the rest; 1 when one was dropped, 0 when the plan is stable */
static int drop_one(struct sim *sm, struct fix_proof *p, const struct idset *all, size_t *set,
		    char **err)
{
	for (size_t i = 0; i < p->nr; i++) {
		struct fix_proof_item *it = &p->items[i];
		long j;
		if (!simulable(it, &sm->plan->changes[i]) || it->included || !still_there(it, all))
			continue;
		if ((j = defeater(sm, p, i, err)) == -2)
			return -1;
		it->verdict = FV_DEFEATED;
		it->selected = false;
		free(it->reason);
		it->reason = j >= 0
			? xstrfmt("defeated by %s: with both, what this change resolves comes back",
				  p->items[j].key)
			: xstrdup("defeated by the rest of the plan: with it, what this change "
				  "resolves comes back");
		return 1;
	}
	return drop_introducer(sm, p, all, set, err);
}

/* mark_included - an explicitly chosen change that the plan defeats stays
 * chosen, but the plan says so */
static int mark_included(struct sim *sm, struct fix_proof *p, const struct idset *all, char **err)
{
	for (size_t i = 0; i < p->nr; i++) {
		struct fix_proof_item *it = &p->items[i];
		long j;
		if (!it->included || !simulable(it, &sm->plan->changes[i]) || !still_there(it, all))
			continue;
		if ((j = defeater(sm, p, i, err)) == -2)
			return -1;
		free(it->reason);
		it->verdict = FV_DEFEATED;
		it->reason = j >= 0 ? xstrfmt("is defeated by %s: with both, what it resolves comes back",
					      p->items[j].key)
				    : xstrdup("is defeated by the rest of the plan");
	}
	return 0;
}

/* choose - deselect defeated changes until the selected plan is stable, then
 * record what the whole plan resolves and introduces */
static int choose(struct sim *sm, struct fix_proof *p, char **err)
{
	size_t *set = xcalloc(p->nr ? p->nr : 1, sizeof(*set));
	struct idset all = { 0 };
	int ret = -1, r;

	for (;;) {
		if (sim_run(sm, set, select_set(p, sm->plan, SIZE_MAX, set), &all, err))
			goto out;
		if ((r = drop_one(sm, p, &all, set, err)) < 0)
			goto out;
		if (!r)
			break;
		idset_release(&all);
	}
	if (mark_included(sm, p, &all, err))
		goto out;
	diff_into(&sm->before, &all, NULL, NULL, &p->introduced, &p->nr_introduced);
	for (size_t i = 0; i < sm->before.nr; i++)
		p->nr_resolved += !idset_has(&all, sm->before.ids[i]);
	for (size_t i = 0; i < p->nr; i++)
		p->nr_selected += p->items[i].selected;
	ret = 0;
out:
	idset_release(&all);
	free(set);
	return ret;
}

/* check_includes - every --include names a change of the plan (or "all") */
static int check_includes(const struct fix_proof *p, const char *const *inc, size_t n, char **err)
{
	for (size_t k = 0; k < n; k++) {
		bool found = !strcmp(inc[k], "all");
		for (size_t i = 0; !found && i < p->nr; i++)
			found = !strcmp(p->items[i].key, inc[k]);
		if (!found) {
			*err = xstrfmt("--include: no change '%s' in this plan (keys are shown in "
				       "brackets, e.g. [c-1a2b3c4d])", inc[k]);
			return -1;
		}
	}
	return 0;
}

/* fix_prove - see fix_simulate.h */
int fix_prove(struct snapshot **snaps, size_t n, const struct audit_result *base,
	      const struct fix_plan *plan, const char *const *include, size_t nr_include,
	      struct fix_proof *out, char **err)
{
	struct sim sm = { .snaps = snaps, .n = n, .plan = plan };
	int ret = -1;
	(void)base; /* the copy is audited unchanged first: comparisons never mix two readers */

	memset(out, 0, sizeof(*out));
	out->nr = plan->nr;
	out->items = xcalloc(plan->nr ? plan->nr : 1, sizeof(*out->items));
	for (size_t i = 0; i < plan->nr; i++)
		fix_change_key(&plan->changes[i], out->items[i].key);
	if (check_includes(out, include, nr_include, err))
		return -1;
	sm.base = xcalloc(n ? n : 1, sizeof(*sm.base));
	for (size_t t = 0; t < n; t++) {
		char *text = snapshot_to_json(snaps[t]);
		sm.base[t] = cJSON_Parse(text);
		free(text);
		if (!sm.base[t]) {
			*err = xstrfmt("%s: cannot copy the snapshot for the simulation", snaps[t]->tenant);
			goto out;
		}
	}
	if (sim_run(&sm, NULL, 0, &sm.before, err))
		goto out;
	for (size_t i = 0; i < plan->nr; i++) {
		struct fix_proof_item *it = &out->items[i];
		if (judge_one(&sm, out, i, err))
			goto out;
		it->included = (plan->changes[i].chosen || included(it->key, include, nr_include)) &&
			       it->verdict != FV_WITHHELD;
		it->selected = it->verdict == FV_PROVEN || it->included;
	}
	if (choose(&sm, out, err))
		goto out;
	ret = 0;
out:
	out->nr_simulations = sm.runs;
	idset_release(&sm.before);
	for (size_t t = 0; sm.base && t < n; t++)
		cJSON_Delete(sm.base[t]);
	free(sm.base);
	return ret;
}

/* fix_proof_release - see fix_simulate.h */
void fix_proof_release(struct fix_proof *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		struct fix_proof_item *it = &p->items[i];
		for (size_t k = 0; k < it->nr_resolves; k++)
			free(it->resolves[k]);
		for (size_t k = 0; k < it->nr_introduces; k++)
			free(it->introduces[k]);
		free(it->resolves);
		free(it->introduces);
		free(it->reason);
	}
	for (size_t k = 0; k < p->nr_introduced; k++)
		free(p->introduced[k]);
	for (size_t k = 0; k < p->nr_incomplete; k++)
		free(p->incomplete[k]);
	free(p->introduced);
	free(p->incomplete);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

/* fix_change_copy - a deep copy of c */
static void fix_change_copy(struct fix_change *d, const struct fix_change *c)
{
	memset(d, 0, sizeof(*d));
	d->tenant = xstrdup(c->tenant);
	d->provider = xstrdup(c->provider);
	d->object = xstrdup(c->object);
	d->setting = xstrdup(c->setting);
	d->old_value = xstrdup(c->old_value);
	d->new_value = xstrdup(c->new_value);
	d->finding_ids = xcalloc(c->nr_finding_ids ? c->nr_finding_ids : 1, sizeof(char *));
	for (size_t k = 0; k < c->nr_finding_ids; k++)
		d->finding_ids[k] = xstrdup(c->finding_ids[k]);
	d->nr_finding_ids = c->nr_finding_ids;
	d->reversible = c->reversible;
	d->chosen = c->chosen;
	d->fix_id = c->fix_id ? xstrdup(c->fix_id) : NULL;
	d->params = c->params ? cJSON_Duplicate(c->params, 1) : NULL;
	d->effect = c->effect ? cJSON_Duplicate(c->effect, 1) : NULL;
	d->note = c->note ? xstrdup(c->note) : NULL;
}

/* fix_proof_selected - see fix_simulate.h */
void fix_proof_selected(const struct fix_proof *p, const struct fix_plan *plan, struct fix_plan *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < plan->nr && i < p->nr; i++) {
		if (!p->items[i].selected)
			continue;
		ALLOC_GROW(out->changes, out->nr + 1, out->alloc);
		fix_change_copy(&out->changes[out->nr++], &plan->changes[i]);
	}
}
