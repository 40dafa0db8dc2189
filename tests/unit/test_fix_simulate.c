/*
 * test_fix_simulate.c - plans proven on a copy of examples/contoso-m365.json:
 * the effect model (set, remove, add, no match), a change that introduces a
 * finding (blocking remote domain '*' blocks bob's forward that a policy
 * explicitly allows) is left out with the reason, a change that a later
 * change defeats is left out, a scoped allow (it widens egress) is left out
 * and --include chooses it explicitly, and a change whose evidence was not read
 * is withheld and cannot be included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/fix_simulate.h"
#include "base/util.h"

static struct snapshot *snap;
static struct audit_result base;

/* change - a plan change on tenant contoso with an effect given as JSON text */
static void change(struct fix_plan *p, const char *object, const char *effect)
{
	ALLOC_GROW(p->changes, p->nr + 1, p->alloc);
	struct fix_change *c = &p->changes[p->nr++];
	memset(c, 0, sizeof(*c));
	c->tenant = xstrdup("contoso");
	c->provider = xstrdup("test");
	c->object = xstrdup(object);
	c->setting = xstrdup("s");
	c->old_value = xstrdup("1");
	c->new_value = xstrdup("2");
	c->fix_id = xstrdup("test.fix");
	c->effect = effect ? cJSON_Parse(effect) : NULL;
	assert_true(!effect || c->effect);
}

/* (was admin's rule in the seed article's cycle, which is no route.loop in
 * Exchange Online, docs/snapshot.md, routing: alice's blocked rule resolves a finding) */
#define DISABLE_LOOP_RULE "[{\"op\":\"set\",\"section\":\"forwards\",\"match\":{\"from\":\"ALICE@contoso.com\"," \
	"\"via\":\"inbox-rule\",\"id\":\"rule-alice-1\"},\"set\":{\"enabled\":false}}]"
#define BLOCK_STAR "[{\"op\":\"set\",\"section\":\"policy.remote_domains\",\"match\":{\"domain\":\"*\"}," \
	"\"set\":{\"auto_forward\":false}}]"
#define ALLOW_ALICE "[{\"op\":\"add\",\"section\":\"policy.outbound_forwarding\",\"value\":{\"name\":\"a\"," \
	"\"mode\":\"on\",\"default\":false,\"priority\":0,\"users\":[\"alice@contoso.com\"],\"groups\":[],\"domains\":[]}}]"
#define SEND_FROM_ALIAS_ON "[{\"op\":\"set\",\"section\":\"policy\",\"set\":{\"send_from_alias\":true}}]"
#define LOOP_RULE_AND_ALIAS_OFF "[{\"op\":\"set\",\"section\":\"forwards\",\"match\":{\"id\":\"rule-alice-1\"}," \
	"\"set\":{\"enabled\":false}},{\"op\":\"set\",\"section\":\"policy\",\"set\":{\"send_from_alias\":false}}]"
#define NO_SUCH_RULE "[{\"op\":\"set\",\"section\":\"forwards\",\"match\":{\"id\":\"nope\"},\"set\":{\"enabled\":false}}]"

static bool has(char **list, size_t n, const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(list[i], needle))
			return true;
	return false;
}

static void test_effects(void **state)
{
	(void)state;
	char *text = snapshot_to_json(snap), *err = NULL;
	cJSON *j = cJSON_Parse(text), *e;
	free(text);
	e = cJSON_Parse(DISABLE_LOOP_RULE);
	assert_int_equal(fix_effect_apply(j, e, &err), 0);
	cJSON_Delete(e);
	e = cJSON_Parse("[{\"op\":\"remove\",\"section\":\"forwards\",\"match\":{\"from\":\"bob@contoso.com\",\"via\":\"mailbox\"}}]");
	assert_int_equal(fix_effect_apply(j, e, &err), 0);
	cJSON_Delete(e);
	e = cJSON_Parse("[{\"op\":\"set\",\"section\":\"policy\",\"set\":{\"send_from_alias\":true}}]");
	assert_int_equal(fix_effect_apply(j, e, &err), 0);
	cJSON_Delete(e);
	e = cJSON_Parse(NO_SUCH_RULE);
	assert_int_equal(fix_effect_apply(j, e, &err), -1);
	assert_non_null(strstr(err, "no forwards element matching"));
	FREE_AND_NULL(err);
	cJSON_Delete(e);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"send_from_alias\":true"));
	assert_null(strstr(text, "bob@fabrikam.com\"],\"via\":\"mailbox\""));
	free(text);
	cJSON_Delete(j);
}

static void test_prove_default_plan(void **state)
{
	(void)state;
	struct fix_plan p = { 0 };
	struct fix_proof pr;
	char *err = NULL;
	change(&p, "loop rule", DISABLE_LOOP_RULE);
	change(&p, "remote domain *", BLOCK_STAR);
	change(&p, "no model", NULL);
	change(&p, "stale object", NO_SUCH_RULE);
	assert_int_equal(fix_prove(&snap, 1, &base, &p, NULL, 0, &pr, &err), 0);
	assert_int_equal(pr.items[0].verdict, FV_PROVEN);
	assert_true(pr.items[0].selected);
	assert_true(pr.items[0].nr_resolves >= 1);
	/* the '*' block blocks bob's forward, which a scoped policy explicitly allows */
	assert_int_equal(pr.items[1].verdict, FV_INTRODUCES);
	assert_false(pr.items[1].selected);
	assert_true(has(pr.items[1].introduces, pr.items[1].nr_introduces, "[forward.blocked] bob@contoso.com"));
	assert_int_equal(pr.items[2].verdict, FV_UNPROVEN);
	assert_false(pr.items[2].selected);
	assert_int_equal(pr.items[3].verdict, FV_UNPROVEN);
	assert_int_equal(pr.nr_selected, 1);
	assert_int_equal(pr.nr_introduced, 0);
	/* stable keys */
	char key[12];
	fix_change_key(&p.changes[1], key);
	assert_string_equal(key, pr.items[1].key);
	fix_proof_release(&pr);
	fix_plan_release(&p);
}

static void test_prove_defeated_and_include(void **state)
{
	(void)state;
	struct fix_plan p = { 0 };
	struct fix_proof pr;
	char *err = NULL, key[12];
	/* each proven alone; applied together the later one brings the first's finding back */
	change(&p, "a send from alias", SEND_FROM_ALIAS_ON);
	change(&p, "b loop rule and alias off", LOOP_RULE_AND_ALIAS_OFF);
	assert_int_equal(fix_prove(&snap, 1, &base, &p, NULL, 0, &pr, &err), 0);
	fix_change_key(&p.changes[1], key);
	assert_int_equal(pr.items[0].verdict, FV_DEFEATED);
	assert_false(pr.items[0].selected);
	assert_non_null(strstr(pr.items[0].reason, key));
	assert_int_equal(pr.items[1].verdict, FV_PROVEN);
	assert_true(pr.items[1].selected);
	assert_int_equal(pr.nr_introduced, 0);
	fix_proof_release(&pr);
	/* chosen explicitly, the defeated change stays in the plan, and the plan says so */
	char akey[12];
	fix_change_key(&p.changes[0], akey);
	const char *inc0[] = { akey };
	assert_int_equal(fix_prove(&snap, 1, &base, &p, inc0, 1, &pr, &err), 0);
	assert_true(pr.items[0].selected && pr.items[0].included);
	assert_int_equal(pr.items[0].verdict, FV_DEFEATED);
	assert_non_null(strstr(pr.items[0].reason, key));
	fix_proof_release(&pr);

	/* the scoped allow for alice widens egress: it introduces forward.external-auth
	 * there; --include chooses it, and the plan shows what it introduces */
	fix_plan_release(&p);
	memset(&p, 0, sizeof(p));
	change(&p, "allow alice", ALLOW_ALICE);
	fix_change_key(&p.changes[0], key);
	const char *inc[] = { key };
	assert_int_equal(fix_prove(&snap, 1, &base, &p, NULL, 0, &pr, &err), 0);
	assert_int_equal(pr.items[0].verdict, FV_INTRODUCES);
	assert_false(pr.items[0].selected);
	assert_true(has(pr.items[0].introduces, pr.items[0].nr_introduces, "[forward.external-auth] alice@contoso.com"));
	assert_true(has(pr.items[0].resolves, pr.items[0].nr_resolves, "f-"));
	fix_proof_release(&pr);
	assert_int_equal(fix_prove(&snap, 1, &base, &p, inc, 1, &pr, &err), 0);
	assert_true(pr.items[0].selected && pr.items[0].included);
	assert_true(pr.nr_introduced >= 1);
	fix_proof_release(&pr);
	/* an unknown key is an error */
	const char *bad[] = { "c-00000000" };
	assert_int_equal(fix_prove(&snap, 1, &base, &p, bad, 1, &pr, &err), -1);
	assert_non_null(strstr(err, "no change 'c-00000000'"));
	free(err);
	fix_proof_release(&pr);
	fix_plan_release(&p);
}

static void test_withheld_when_not_read(void **state)
{
	(void)state;
	struct fix_plan p = { 0 };
	struct fix_proof pr;
	struct snapshot *s2 = NULL;
	struct audit_result r2;
	char *err = NULL, *text = snapshot_to_json(snap);
	assert_int_equal(snapshot_parse("copy", text, strlen(text), &s2, &err), 0);
	free(text);
	snapshot_add_error(s2, "inbox rules of alice@contoso.com", "HTTP 503", "forwards", "alice@contoso.com");
	assert_int_equal(audit_run(&s2, 1, NULL, NULL, &r2, &err), 0);
	change(&p, "loop rule", DISABLE_LOOP_RULE);
	change(&p, "remote domain *", BLOCK_STAR);
	const char *all[] = { "all" };
	assert_int_equal(fix_prove(&s2, 1, &r2, &p, all, 1, &pr, &err), 0);
	/* the rule's mailbox was not read, and a policy reaches every forward */
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(pr.items[i].verdict, FV_WITHHELD);
		assert_false(pr.items[i].selected);   /* not even with --include all */
	}
	assert_int_equal(pr.nr_incomplete, 2);
	assert_non_null(strstr(pr.incomplete[0], "HTTP 503"));
	fix_proof_release(&pr);
	fix_plan_release(&p);
	audit_result_release(&r2);
	snapshot_free(s2);
}

static int setup(void **state)
{
	(void)state;
	char *err = NULL, *path = xstrfmt("%s/examples/contoso-m365.json",
					  getenv("ROOT") ? getenv("ROOT") : ".");
	if (snapshot_read_file(path, &snap, &err) || audit_run(&snap, 1, NULL, NULL, &base, &err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	free(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	audit_result_release(&base);
	snapshot_free(snap);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effects),
		cmocka_unit_test(test_prove_default_plan),
		cmocka_unit_test(test_prove_defeated_and_include),
		cmocka_unit_test(test_withheld_when_not_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
