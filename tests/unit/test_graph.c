/*
 * test_graph.c - routing-graph resolution semantics (graph.h): case folding,
 * +tag fallback, aliases, alias domains, catch-all precedence, external vs
 * owned, failed lookups, and the named limits.
 */
#include "snapfixture.h"
#include "core/graph.h"

static const char *const base =
	"'recipients':["
	"{'address':'Bob@Contoso.com','kind':'user','aliases':['sales@contoso.com']},"
	"{'address':'it@contoso.com','kind':'user'},"
	"{'address':'team@contoso.com','kind':'group','members':['bob@contoso.com','a@contoso.com',"
	"'b@contoso.com','c@contoso.com','x@gmail.com']}],"
	"'forwards':[]";

static struct route_graph *graph_for(struct snapshot *s, const struct route_limits *l)
{
	static struct snapshot *arr[1];
	arr[0] = s;
	return route_graph_build(arr, 1, l);
}

struct lookup_case {
	const char *policy;   /* extra fields */
	const char *addr;
	const char *want;     /* primary address found, or NULL */
	enum match_step step;
};

static const struct lookup_case lookups[] = {
	{ "", "bob@contoso.com", "Bob@Contoso.com", MATCH_EXACT },           /* case folding */
	{ "", "BOB@CONTOSO.COM", "Bob@Contoso.com", MATCH_EXACT },
	{ "", "SALES@contoso.com", "Bob@Contoso.com", MATCH_EXACT },         /* alias: same node */
	{ "", "bob+news@contoso.com", "Bob@Contoso.com", MATCH_PLUS_TAG },   /* +tag falls back */
	{ "'policy':{'plus_addressing':false}", "bob+news@contoso.com", NULL, MATCH_NONE },
	{ "", "nobody@contoso.com", NULL, MATCH_NONE },
	{ "", "bob@gmail.com", NULL, MATCH_NONE },                           /* external */
	/* an unknown-only catch-all catches only what nothing explicit matches */
	{ "'policy':{'catch_all':[{'domain':'contoso.com','target':'it@contoso.com','scope':'unknown-only'}]}",
	  "nobody@contoso.com", "it@contoso.com", MATCH_CATCH_ALL },
	{ "'policy':{'catch_all':[{'domain':'contoso.com','target':'it@contoso.com','scope':'unknown-only'}]}",
	  "sales@contoso.com", "Bob@Contoso.com", MATCH_EXACT },
	{ "'policy':{'catch_all':[{'domain':'contoso.com','target':'it@contoso.com','scope':'unknown-only'}]}",
	  "bob+x@contoso.com", "Bob@Contoso.com", MATCH_PLUS_TAG },
	/* scope 'all' is not a routing edge (route.catchall-shadow reports it) */
	{ "'policy':{'catch_all':[{'domain':'contoso.com','target':'it@contoso.com','scope':'all'}]}",
	  "nobody@contoso.com", NULL, MATCH_NONE },
};

static void test_lookup_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lookups); i++) {
		const struct lookup_case *c = &lookups[i];
		char *body = xstrfmt("%s%s%s", base, *c->policy ? "," : "", c->policy);
		struct snapshot *s = mk_snap("custom", "contoso.com", body);
		struct route_graph *g = graph_for(s, NULL);
		enum match_step step;
		uint32_t n = route_lookup(g, c->addr, &step);
		const char *got = n == NODE_NONE ? NULL : g->nodes[n].address;
		if ((got == NULL) != (c->want == NULL) || (got && strcmp(got, c->want)) || step != c->step) {
			fprintf(stderr, "case %zu: lookup %s: got %s (%s), want %s (%s)\n", i, c->addr,
				got ? got : "none", match_step_name(step), c->want ? c->want : "none",
				match_step_name(c->step));
			fail();
		}
		route_graph_free(g);
		snapshot_free(s);
		free(body);
	}
}

static void test_alias_domain(void **state)
{
	(void)state;
	struct snapshot *s = mk_snap("custom", "fabrikam.com",
		"'recipients':[{'address':'bob@fabrikam.com','kind':'user'}]");
	/* add an alias domain by hand: mk_snap knows one domain */
	struct snapshot_domain *d = arena_alloc(&s->arena, 2 * sizeof(*d));
	d[0] = s->domains[0];
	d[1].name = "fabrikam-alias.com";
	d[1].type = DOM_ALIAS;
	s->domains = d;
	s->nr_domains = 2;
	struct route_graph *g = graph_for(s, NULL);
	enum match_step step;
	uint32_t n = route_lookup(g, "Bob@Fabrikam-Alias.com", &step);
	assert_int_not_equal(n, NODE_NONE);
	assert_string_equal(g->nodes[n].address, "bob@fabrikam.com");
	assert_int_equal(step, MATCH_ALIAS_DOMAIN);
	assert_int_equal(route_lookup(g, "eve@fabrikam-alias.com", NULL), NODE_NONE);
	assert_false(route_is_external(g, "eve@fabrikam-alias.com"));
	route_graph_free(g);
	snapshot_free(s);
}

/* node kinds: external, missing (owned), unknown (owned, directory incomplete) */
static void test_target_kinds(void **state)
{
	(void)state;
	struct snapshot *s = mk_snap("custom", "contoso.com", base);
	struct route_graph *g = graph_for(s, NULL);
	int external = 0, missing = 0, unknown = 0;
	for (uint32_t i = 0; i < g->nr_nodes; i++) {
		external += g->nodes[i].kind == NODE_EXTERNAL;
		missing += g->nodes[i].kind == NODE_MISSING;
		unknown += g->nodes[i].kind == NODE_UNKNOWN;
	}
	assert_int_equal(external, 1);  /* x@gmail.com */
	assert_int_equal(missing, 3);   /* a@, b@, c@ */
	assert_int_equal(unknown, 0);
	route_graph_free(g);
	snapshot_free(s);

	/* the same with a failed directory read: nothing is "missing" any more */
	char *body = xstrfmt("%s,'complete':false,'errors':[{'object':'users page 3','message':'HTTP 503',"
			     "'area':'recipients'}]", base);
	s = mk_snap("custom", "contoso.com", body);
	g = graph_for(s, NULL);
	missing = unknown = 0;
	for (uint32_t i = 0; i < g->nr_nodes; i++) {
		missing += g->nodes[i].kind == NODE_MISSING;
		unknown += g->nodes[i].kind == NODE_UNKNOWN;
	}
	assert_int_equal(missing, 0);
	assert_int_equal(unknown, 3);
	route_graph_free(g);
	snapshot_free(s);
	free(body);
}

static void test_limits(void **state)
{
	(void)state;
	struct snapshot *s = mk_snap("custom", "contoso.com", base);
	struct route_limits l;
	route_limits_default(&l);
	l.max_fanout = 3;
	struct route_graph *g = graph_for(s, &l);
	uint32_t team = route_lookup(g, "team@contoso.com", NULL);
	assert_true(g->nodes[team].truncated);
	assert_int_equal(g->nodes[team].nr_edges, 3);
	assert_false(g->truncated);
	route_graph_free(g);

	route_limits_default(&l);
	l.max_nodes = 2;
	g = graph_for(s, &l);
	assert_true(g->truncated);
	assert_true(g->nr_nodes <= 2);
	route_graph_free(g);
	snapshot_free(s);
}

/* a forward to one's own alias is a cycle (docs/snapshot.md, routing: "lists
 * itself" means the same address); a forward listing its very own address
 * delivers there and is never a loop */
static void test_self_edge(void **state)
{
	(void)state;
	struct snapshot *s = mk_snap("custom", "contoso.com",
		"'recipients':[{'address':'bob@contoso.com','kind':'user','aliases':['sales@contoso.com']}],"
		"'forwards':[{'from':'bob@contoso.com','to':['sales@contoso.com'],'via':'mailbox','keep_copy':true},"
		"{'from':'loop@contoso.com','to':['LOOP@contoso.com'],'via':'routing'}]");
	struct route_graph *g = graph_for(s, NULL);
	const struct route_scc *scc = route_graph_scc(g);
	uint32_t bob = route_lookup(g, "bob@contoso.com", NULL);
	uint32_t loop = route_lookup(g, "loop@contoso.com", NULL);
	assert_int_not_equal(loop, NODE_NONE);
	/* a forward to one's own alias is a cycle, judged by §5a (route.loop) */
	assert_true(route_scc_cyclic(g, scc, scc->comp[bob]));
	/* a forward listing its own from address is delivery there, never an
	 * edge (docs/snapshot.md, routing: "lists itself" means the same address) */
	assert_false(route_scc_cyclic(g, scc, scc->comp[loop]));
	assert_int_equal(g->nodes[loop].nr_edges, 0);
	route_graph_free(g);
	snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_table),
		cmocka_unit_test(test_alias_domain),
		cmocka_unit_test(test_target_kinds),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_self_edge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
