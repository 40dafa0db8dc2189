/*
 * test_trace.c - the trace walk (checks/trace.c) on small hand-made
 * snapshots: a loop stopped by the platform, an inbox-rule chain cut after
 * one rule (Exchange Online, §5a), a second transport-rule redirect
 * rejected, a ghost, a catch-all, nested groups delivering once.
 */
#include "snapfixture.h"
#include "checks/trace.h"
#include "core/audit.h"
#include "core/graph.h"

#define U(a) "{'address':'" a "@contoso.com','kind':'user'}"
#define F(f, t, via) "{'from':'" f "@contoso.com','to':['" t "@contoso.com'],'via':'" via "','keep_copy':true}"
#define FA(f, t, via, act) "{'from':'" f "@contoso.com','to':['" t "@contoso.com'],'via':'" via \
	"','keep_copy':false,'action':'" act "'}"
#define ABC "'recipients':[" U("a") "," U("b") "," U("c") "]"

struct fx {
	struct snapshot *s;
	struct audit_result res;
	struct route_graph *g;
	struct trace t;
};

/* trace_of - audit the one snapshot and trace addr over its graph */
static void trace_of(struct fx *x, const char *provider, const char *body, const char *addr)
{
	char *err = NULL;
	x->s = mk_snap(provider, "contoso.com", body);
	assert_int_equal(audit_run(&x->s, 1, NULL, NULL, &x->res, &err), 0);
	x->g = route_graph_build(&x->s, 1, NULL);
	trace_run(x->g, &x->res, addr, NULL, &x->t);
}

static void fx_free(struct fx *x)
{
	trace_release(&x->t);
	route_graph_free(x->g);
	audit_result_release(&x->res);
	snapshot_free(x->s);
}

/* hop_at - the first hop reaching address (as written) */
static const struct trace_hop *hop_at(const struct trace *t, const char *address, uint32_t depth)
{
	for (uint32_t i = 0; i < t->nr_hops; i++)
		if (t->hops[i].depth == depth && str_eq_nocase(t->hops[i].address, address))
			return &t->hops[i];
	fail_msg("no hop %s at depth %u", address, depth);
	return NULL;
}

/* a mailbox-forwarding cycle comes back and bounces with the platform's loop code */
static void test_loop_stopped(void **state)
{
	struct fx x;
	(void)state;
	trace_of(&x, "m365", ABC ",'forwards':[" F("a", "b", "mailbox") "," F("b", "a", "mailbox") "]",
		 "a@contoso.com");
	const struct trace_hop *h = hop_at(&x.t, "a@contoso.com", 2);
	assert_int_equal(h->stop, TSTOP_LOOP);
	assert_true(h->failing);
	assert_string_equal(h->code, "554 5.4.14");
	assert_true(hop_at(&x.t, "b@contoso.com", 1)->delivered);
	assert_true(x.t.nr_findings >= 1);
	fx_free(&x);
	/* Gmail's own bounce for its own cycle */
	trace_of(&x, "gworkspace", ABC ",'forwards':[" F("a", "b", "gmail-autoforward") ","
		 F("b", "a", "gmail-autoforward") "]", "a@contoso.com");
	assert_string_equal(hop_at(&x.t, "a@contoso.com", 2)->code, "554 5.4.6");
	fx_free(&x);
}

/* a -rule-> b -rule-> c: c never gets mail sent to a (silent), but does get mail sent to b */
static void test_inbox_rule_chain_cut(void **state)
{
	struct fx x;
	(void)state;
	const char *body = ABC ",'forwards':[" F("a", "b", "inbox-rule") "," F("b", "c", "inbox-rule") "]";
	trace_of(&x, "m365", body, "a@contoso.com");
	const struct trace_hop *c = hop_at(&x.t, "c@contoso.com", 2);
	assert_int_equal(c->stop, TSTOP_SILENT);
	assert_true(c->failing);
	assert_null(c->code);
	assert_int_equal(c->node, NODE_NONE);
	assert_non_null(c->message_trace);
	assert_true(hop_at(&x.t, "b@contoso.com", 1)->delivered);
	fx_free(&x);
	trace_of(&x, "m365", body, "b@contoso.com");
	c = hop_at(&x.t, "c@contoso.com", 1);
	assert_int_equal(c->stop, TSTOP_NONE);
	assert_true(c->delivered);
	fx_free(&x);
	/* without the platform's limit (a hand-written snapshot) the chain goes through */
	trace_of(&x, "handmade", body, "a@contoso.com");
	assert_true(hop_at(&x.t, "c@contoso.com", 2)->delivered);
	fx_free(&x);
}

/* a second transport-rule redirect is rejected with the platform's code */
static void test_transport_rule_twice(void **state)
{
	struct fx x;
	(void)state;
	trace_of(&x, "m365", ABC ",'forwards':[" FA("a", "b", "transport-rule", "redirect") ","
		 FA("b", "c", "transport-rule", "redirect") "]", "a@contoso.com");
	const struct trace_hop *c = hop_at(&x.t, "c@contoso.com", 2);
	assert_int_equal(c->stop, TSTOP_BOUNCE);
	assert_string_equal(c->code, "550 5.7.128");
	fx_free(&x);
}

/* a group member that resolves to nothing bounces 550 5.1.1; the others deliver */
static void test_ghost(void **state)
{
	struct fx x;
	(void)state;
	trace_of(&x, "m365", "'recipients':[{'address':'g@contoso.com','kind':'group','members':"
		 "['a@contoso.com','gone@contoso.com']}," U("a") "]", "g@contoso.com");
	const struct trace_hop *h = hop_at(&x.t, "gone@contoso.com", 1);
	assert_int_equal(h->stop, TSTOP_BOUNCE);
	assert_string_equal(h->code, "550 5.1.1");
	assert_true(hop_at(&x.t, "a@contoso.com", 1)->delivered);
	assert_false(x.t.hops[0].delivered);
	fx_free(&x);
}

/* an unknown address is taken by the unknown-only catch-all; a known one is not */
static void test_catch_all(void **state)
{
	struct fx x;
	(void)state;
	const char *body = ABC ",'policy':{'catch_all':[{'domain':'contoso.com','target':'c@contoso.com',"
			   "'scope':'unknown-only','name':'to c'}]}";
	trace_of(&x, "gworkspace", body, "typo@contoso.com");
	assert_non_null(x.t.hops[0].caught);
	assert_string_equal(x.g->nodes[x.t.hops[0].node].address, "c@contoso.com");
	assert_true(x.t.hops[0].delivered);
	fx_free(&x);
	trace_of(&x, "gworkspace", body, "a@contoso.com");
	assert_null(x.t.hops[0].caught);
	assert_string_equal(x.g->nodes[x.t.hops[0].node].address, "a@contoso.com");
	fx_free(&x);
}

/* groups nested in each other deliver once: no loop, no failure */
static void test_nested_groups(void **state)
{
	struct fx x;
	(void)state;
	trace_of(&x, "m365", "'recipients':[{'address':'g1@contoso.com','kind':'group','members':"
		 "['g2@contoso.com','a@contoso.com']},{'address':'g2@contoso.com','kind':'group',"
		 "'members':['g1@contoso.com']}," U("a") "]", "g1@contoso.com");
	const struct trace_hop *h = hop_at(&x.t, "g1@contoso.com", 2);
	assert_int_equal(h->stop, TSTOP_DUPLICATE);
	assert_false(h->failing);
	for (uint32_t i = 0; i < x.t.nr_hops; i++)
		assert_false(x.t.hops[i].failing);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_stopped),
		cmocka_unit_test(test_inbox_rule_chain_cut),
		cmocka_unit_test(test_transport_rule_twice),
		cmocka_unit_test(test_ghost),
		cmocka_unit_test(test_catch_all),
		cmocka_unit_test(test_nested_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
