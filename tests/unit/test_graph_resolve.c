/*
 * test_graph_resolve.c - where an edge's target really goes (graph.h steps
 * 0-8) and which forwards are edges at all (liveness): scope-all and
 * unknown-only catch-alls, catch-all targets that are external or missing,
 * relay domains, mail users, guests and remote mailboxes, forwards of
 * mailbox-less and suspended owners, a forward listing its own address, and
 * a forward owned through an alias (docs/snapshot.md, routing).
 */
#include "snapfixture.h"
#include "core/graph.h"
#include "core/platform.h"

static struct snapshot *snaps[2];

static struct route_graph *graph_of(const char *provider, const char *body)
{
	snaps[0] = mk_snap(provider, "contoso.com", body);
	return route_graph_build(snaps, 1, NULL);
}

static void done(struct route_graph *g)
{
	route_graph_free(g);
	snapshot_free(snaps[0]);
}

/* edge_to - the edge out of from's node whose written target is target, or NULL */
static const struct route_edge *edge_to(const struct route_graph *g, const char *from,
					const char *target)
{
	uint32_t n = route_lookup(g, from, NULL);
	assert_int_not_equal(n, NODE_NONE);
	const struct route_edge *e = route_node_edges(g, n);
	for (uint32_t i = 0; i < g->nodes[n].nr_edges; i++)
		if (!strcasecmp(e[i].target, target))
			return &e[i];
	return NULL;
}

/* expect - the edge from -> target exists and lands on address (kind, step) */
static void expect(const struct route_graph *g, const char *from, const char *target,
		   const char *address, enum node_kind kind, enum match_step step)
{
	const struct route_edge *e = edge_to(g, from, target);
	if (!e) {
		fprintf(stderr, "no edge %s -> %s\n", from, target);
		fail();
	}
	const struct route_node *to = &g->nodes[e->to];
	if (strcasecmp(to->address, address) || to->kind != kind || e->step != step) {
		fprintf(stderr, "%s -> %s: got %s (kind %d, %s), want %s (kind %d, %s)\n", from,
			target, to->address, to->kind, match_step_name(e->step), address, kind,
			match_step_name(step));
		fail();
	}
	assert_true((e->catch_all != NULL) == (step == MATCH_CATCH_ALL));
}

#define USERS "'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}," \
	"{'address':'alice@contoso.com','kind':'user'},{'address':'it@contoso.com','kind':'user'}]"
#define TO(list) "'forwards':[{'from':'bob@contoso.com','to':[" list "],'via':'mailbox','keep_copy':true}]"
#define CATCH(target, scope) "'policy':{'catch_all':[{'domain':'contoso.com','target':'" target \
	"','scope':'" scope "','source':'transport-rule'}]}"

/* test_catch_all_all - a scope-all catch-all takes every address of its
 * domain, explicit ones included, but never its own target */
static void test_catch_all_all(void **state)
{
	(void)state;
	struct route_graph *g = graph_of("custom", USERS ","
		TO("'alice@contoso.com','it@contoso.com','typo@contoso.com','x@gmail.com'") ","
		CATCH("it@contoso.com", "all"));
	expect(g, "bob@contoso.com", "alice@contoso.com", "it@contoso.com", NODE_RECIPIENT, MATCH_CATCH_ALL);
	expect(g, "bob@contoso.com", "it@contoso.com", "it@contoso.com", NODE_RECIPIENT, MATCH_EXACT);
	expect(g, "bob@contoso.com", "typo@contoso.com", "it@contoso.com", NODE_RECIPIENT, MATCH_CATCH_ALL);
	expect(g, "bob@contoso.com", "x@gmail.com", "x@gmail.com", NODE_EXTERNAL, MATCH_NONE);
	/* the forward's owner is found by its own address, not through the catch-all */
	assert_int_not_equal(route_lookup(g, "bob@contoso.com", NULL), route_lookup(g, "it@contoso.com", NULL));
	done(g);
}

/* test_catch_all_unknown_only - only what nothing explicit matches */
static void test_catch_all_unknown_only(void **state)
{
	(void)state;
	struct route_graph *g = graph_of("custom", USERS ","
		TO("'alice@contoso.com','typo@contoso.com','sales@contoso.com'") ","
		CATCH("it@contoso.com", "unknown-only"));
	expect(g, "bob@contoso.com", "alice@contoso.com", "alice@contoso.com", NODE_RECIPIENT, MATCH_EXACT);
	expect(g, "bob@contoso.com", "typo@contoso.com", "it@contoso.com", NODE_RECIPIENT, MATCH_CATCH_ALL);
	done(g);
}

/* test_catch_all_bad_target - a catch-all whose target is outside or does
 * not exist: the caught address goes there, never becomes a ghost itself */
static void test_catch_all_bad_target(void **state)
{
	(void)state;
	struct route_graph *g = graph_of("custom", USERS "," TO("'typo@contoso.com'") ","
					 CATCH("catch@gmail.com", "unknown-only"));
	expect(g, "bob@contoso.com", "typo@contoso.com", "catch@gmail.com", NODE_EXTERNAL, MATCH_CATCH_ALL);
	done(g);
	g = graph_of("custom", USERS "," TO("'typo@contoso.com'") "," CATCH("gone@contoso.com", "unknown-only"));
	expect(g, "bob@contoso.com", "typo@contoso.com", "gone@contoso.com", NODE_MISSING, MATCH_CATCH_ALL);
	/* no node for the caught address itself */
	char key[] = "typo@contoso.com";
	for (uint32_t i = 0; i < g->nr_nodes; i++)
		assert_true(strcasecmp(g->nodes[i].address, key));
	done(g);
}

/* test_relay_domains - an unknown address in a relay domain is relayed
 * onward (Exchange InternalRelay/ExternalRelay accepted domains) */
static void test_relay_domains(void **state)
{
	(void)state;
	static const enum domain_type types[] = { DOM_INTERNAL_RELAY, DOM_EXTERNAL_RELAY, DOM_AUTHORITATIVE };
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct snapshot *s = mk_snap("custom", "contoso.com", USERS "," TO("'someone@contoso.com'"));
		s->domains[0].type = types[i];
		snaps[0] = s;
		struct route_graph *g = route_graph_build(snaps, 1, NULL);
		expect(g, "bob@contoso.com", "someone@contoso.com", "someone@contoso.com",
		       types[i] == DOM_AUTHORITATIVE ? NODE_MISSING : NODE_RELAYED, MATCH_NONE);
		done(g);
	}
}

/* test_mail_users - mail users, guests and remote mailboxes are real
 * recipients; mail for them goes to their external address */
static void test_mail_users(void **state)
{
	(void)state;
	struct route_graph *g = graph_of("m365",
		"'recipients':[{'address':'guest@contoso.com','kind':'mail-user','guest':true,'external_address':'g@gmail.com'},"
		"{'address':'onprem@contoso.com','kind':'mail-user','remote_mailbox':true},"
		"{'address':'c@contoso.com','kind':'contact','external_address':'c@partner.com'},"
		"{'address':'team@contoso.com','kind':'group','members':['guest@contoso.com','onprem@contoso.com']}],'forwards':[]");
	expect(g, "team@contoso.com", "guest@contoso.com", "guest@contoso.com", NODE_RECIPIENT, MATCH_EXACT);
	expect(g, "team@contoso.com", "onprem@contoso.com", "onprem@contoso.com", NODE_RECIPIENT, MATCH_EXACT);
	const struct route_edge *e = edge_to(g, "guest@contoso.com", "g@gmail.com");
	assert_non_null(e);
	assert_int_equal(e->via, EDGE_EXTERNAL);
	assert_int_equal(g->nodes[e->to].kind, NODE_EXTERNAL);
	assert_string_equal(route_edge_via_name(e), "external-address");
	assert_string_equal(route_edge_object(g, e), "external address");
	assert_false(g->nodes[route_lookup(g, "guest@contoso.com", NULL)].delivers);
	assert_true(g->nodes[route_lookup(g, "onprem@contoso.com", NULL)].delivers);
	assert_non_null(edge_to(g, "c@contoso.com", "c@partner.com"));
	done(g);
}

/* test_dead_forwards - forwards in a mailbox the owner does not have, or of
 * a disabled user where the platform stops them, are not edges; transport
 * rules do not live in a mailbox */
static void test_dead_forwards(void **state)
{
	(void)state;
	static const struct {
		const char *provider, *owner, *via;
		bool edge;
	} cases[] = {
		{ "custom", "'has_mailbox':false", "mailbox", false },
		{ "custom", "'has_mailbox':false", "inbox-rule", false },
		{ "custom", "'has_mailbox':false", "gmail-filter", false },
		{ "custom", "'has_mailbox':false", "transport-rule", true },
		{ "custom", "'has_mailbox':true", "mailbox", true },
		{ "gworkspace", "'enabled':false", "gmail-autoforward", false },
		{ "gworkspace", "'enabled':true", "gmail-autoforward", true },
		{ "m365", "'enabled':false", "mailbox", true },     /* a blocked sign-in still forwards */
		{ "m365", "'enabled':false", "inbox-rule", true },
		{ "m365", "'has_mailbox':false", "inbox-rule", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *body = xstrfmt("'recipients':[{'address':'bob@contoso.com','kind':'user',%s,"
				     "'aliases':['sales@contoso.com']},{'address':'alice@contoso.com','kind':'user'}],"
				     "'forwards':[{'from':'sales@contoso.com','to':['alice@contoso.com'],'via':'%s'}]",
				     cases[i].owner, cases[i].via);
		bool want = cases[i].edge;
		if (!strcmp(cases[i].owner, "'enabled':false"))
			assert_int_equal(platform_for(cases[i].provider)->disabled_account_forwards, want);
		struct route_graph *g = graph_of(cases[i].provider, body);
		/* the forward belongs to bob: it is set on his alias sales@ */
		if ((edge_to(g, "bob@contoso.com", "alice@contoso.com") != NULL) != want) {
			fprintf(stderr, "case %zu (%s %s %s): edge %s\n", i, cases[i].provider,
				cases[i].owner, cases[i].via, want ? "missing" : "present");
			fail();
		}
		done(g);
		free(body);
	}
}

/* test_lists_itself - keep@ -> {keep@, copy@} is delivery plus one forward */
static void test_lists_itself(void **state)
{
	(void)state;
	struct route_graph *g = graph_of("gworkspace",
		"'recipients':[{'address':'keep@contoso.com','kind':'user','aliases':['k2@contoso.com']},"
		"{'address':'copy@contoso.com','kind':'user'}],"
		"'forwards':[{'from':'keep@contoso.com','to':['Keep@contoso.com','copy@contoso.com'],"
		"'via':'gmail-autoforward','keep_copy':false}]");
	uint32_t keep = route_lookup(g, "keep@contoso.com", NULL);
	assert_true(g->nodes[keep].delivers);
	assert_int_equal(g->nodes[keep].nr_edges, 1);
	assert_non_null(edge_to(g, "keep@contoso.com", "copy@contoso.com"));
	done(g);

	/* a forward to one's own other alias is an edge (a cycle: routing-limits' rules) */
	g = graph_of("gworkspace",
		"'recipients':[{'address':'keep@contoso.com','kind':'user','aliases':['k2@contoso.com']}],"
		"'forwards':[{'from':'keep@contoso.com','to':['k2@contoso.com'],'via':'gmail-autoforward','keep_copy':true}]");
	expect(g, "keep@contoso.com", "k2@contoso.com", "keep@contoso.com", NODE_RECIPIENT, MATCH_EXACT);
	done(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catch_all_all),
		cmocka_unit_test(test_catch_all_unknown_only),
		cmocka_unit_test(test_catch_all_bad_target),
		cmocka_unit_test(test_relay_domains),
		cmocka_unit_test(test_mail_users),
		cmocka_unit_test(test_dead_forwards),
		cmocka_unit_test(test_lists_itself),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
