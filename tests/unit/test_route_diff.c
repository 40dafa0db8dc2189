/*
 * test_route_diff.c - a differential test of route.loop, route.platform-limit
 * and route.chain (issue 12 item 5): seeded random small snapshots (one or
 * two tenants, Exchange Online / Gmail / hand-written) are audited, and an
 * independent brute-force walker recomputes the same facts by simulating
 * message copies hop by hop over states (node, passed an Exchange inbox
 * rule, passed an Exchange transport rule), with the platforms' rules
 * written here from product.md §5a, not taken from core/platform.h:
 *   - loop members: the addresses a message can keep coming back to through
 *     a forward (a cycle of states containing a forward);
 *   - inbox-rule cuts: an Exchange inbox rule that does not fire for mail
 *     another inbox rule forwarded, whose target then never gets the mail;
 *   - second transport-rule redirects outside a loop;
 *   - relay chains of 2+ hops, their heads and lengths.
 * It shares only the routing graph's resolution (nodes, edges, liveness) with
 * the code under test. Runs in well under a second.
 */
#include "snapfixture.h"
#include "core/audit.h"
#include "core/graph.h"
#include "checks/check.h"
#include "base/strbuf.h"

#include <stdbool.h>
#include <stdint.h>

#define RUNS 400
#define MAXN 64
#define NS (MAXN * 4)

static uint64_t rng;
static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static const char *const users[] = { "a", "b", "c", "d", "e" };

/* gen_body - a random tenant: users (some with an alias), maybe a group,
 * forwards of the provider's kinds to users, aliases, the other tenant,
 * a missing address or an outside one */
static char *gen_body(const char *provider, const char *dom, const char *other)
{
	struct strbuf sb = STRBUF_INIT;
	static const char *const m365_vias[] = { "mailbox", "inbox-rule", "inbox-rule", "transport-rule" };
	static const char *const gws_vias[] = { "gmail-autoforward", "gmail-filter" };
	static const char *const any_vias[] = { "routing", "mailbox", "inbox-rule" };
	bool m365 = !strcmp(provider, "m365"), gws = !strcmp(provider, "gworkspace");
	strbuf_puts(&sb, "'recipients':[");
	for (size_t i = 0; i < ARRAY_SIZE(users); i++) {
		strbuf_putf(&sb, "%s{'address':'%s@%s','kind':'user'", i ? "," : "", users[i], dom);
		if (rnd(3) == 0)
			strbuf_putf(&sb, ",'aliases':['%s.al@%s']", users[i], dom);
		strbuf_puts(&sb, "}");
	}
	if (rnd(2))
		strbuf_putf(&sb, ",{'address':'g@%s','kind':'group','members':['%s@%s','%s@%s']}", dom,
			    users[rnd(5)], dom, users[rnd(5)], dom);
	strbuf_puts(&sb, "],'forwards':[");
	unsigned nf = rnd(7);
	for (unsigned k = 0; k < nf; k++) {
		const char *via = m365 ? m365_vias[rnd(4)] : gws ? gws_vias[rnd(2)] : any_vias[rnd(3)];
		const char *from = users[rnd(5)];
		strbuf_putf(&sb, "%s{'from':'%s@%s','to':[", k ? "," : "", from, dom);
		unsigned nt = 1 + (rnd(4) == 0);
		for (unsigned t = 0; t < nt; t++) {
			unsigned x = rnd(10);
			const char *u = users[rnd(5)];
			strbuf_puts(&sb, t ? "," : "");
			if (x < 5)
				strbuf_putf(&sb, "'%s@%s'", u, dom);
			else if (x == 5)
				strbuf_putf(&sb, "'%s.al@%s'", from, dom);   /* own alias (if it has one) */
			else if (x == 6)
				strbuf_putf(&sb, "'%s@%s'", from, dom);      /* its very own address */
			else if (x == 7 && other)
				strbuf_putf(&sb, "'%s@%s'", u, other);
			else if (x == 8)
				strbuf_putf(&sb, "'g@%s'", dom);
			else
				strbuf_putf(&sb, "'%s@example.org'", u);
		}
		strbuf_putf(&sb, "],'via':'%s','keep_copy':%s,'conditional':%s,'name':'r%u'%s}", via,
			    rnd(2) ? "true" : "false", rnd(6) == 0 ? "true" : "false", k,
			    !strcmp(via, "inbox-rule") && rnd(3) == 0 ? ",'action':'redirect'" : "");
	}
	strbuf_puts(&sb, "]");
	return strbuf_detach(&sb, NULL);
}

/* the walker's own platform table (product.md §5a) */
static bool is_m365(const struct route_graph *g, uint32_t n)
{
	uint16_t t = g->nodes[n].tenant;
	return t != TENANT_NONE && !strcmp(g->snapshots[t]->provider, "m365");
}
static bool inbox_lim(const struct route_graph *g, const struct route_edge *e)
{
	return e->via == EDGE_FORWARD && e->fwd->via == VIA_INBOX_RULE && is_m365(g, e->from);
}
static bool transport_lim(const struct route_graph *g, const struct route_edge *e)
{
	return e->via == EDGE_FORWARD && e->fwd->via == VIA_TRANSPORT_RULE && is_m365(g, e->from);
}
/* carries - the edge moves mail at all: resolution's liveness, Exchange's
 * mailbox forwarding overriding the same mailbox's redirect rule, and a
 * target that is the forward's own address being delivery */
static bool carries(const struct route_graph *g, const struct route_edge *e)
{
	if (e->stop == EDGE_STOP_POLICY || e->stop == EDGE_STOP_DEAD)
		return false;
	if (e->via == EDGE_GROUP)
		return e->to != e->from;
	if (e->to == e->from && !strcasecmp(e->target, e->fwd->from))
		return false;
	if (e->fwd->via == VIA_INBOX_RULE && e->fwd->action == FA_REDIRECT && is_m365(g, e->from)) {
		const struct route_node *n = &g->nodes[e->from];
		for (uint32_t k = 0; k < n->nr_edges; k++) {
			const struct route_edge *o = &g->edges[n->first_edge + k];
			if (o->via == EDGE_FORWARD && o->fwd->via == VIA_MAILBOX)
				return false;
		}
	}
	return true;
}

/* step - the state after e from state s (f: inbox rule passed, t: transport
 * rule passed); block: honour the limits (else saturate) */
static int step(const struct route_graph *g, const struct route_edge *e, int s, bool block)
{
	int f = (s >> 1) & 1, t = s & 1;
	if (!carries(g, e))
		return -1;
	if (inbox_lim(g, e)) {
		if (f)
			return -1;     /* the rule does not fire: a silent stop either way */
		f = 1;
	}
	if (transport_lim(g, e)) {
		if (t && block)
			return -1;
		t = 1;
	}
	return (int)e->to * 4 + f * 2 + t;
}

struct world {
	const struct route_graph *g;
	uint32_t n;
	bool reach[NS][NS];  /* state reachability (transport saturating, not blocking) */
	bool loop[MAXN];
};

/* closure - reach[][] over all transitions, then loop members */
static void closure(struct world *w)
{
	const struct route_graph *g = w->g;
	uint32_t ns = w->n * 4;
	memset(w->reach, 0, sizeof(w->reach));
	memset(w->loop, 0, sizeof(w->loop));
	for (uint32_t s = 0; s < ns; s++) {
		const struct route_node *n = &g->nodes[s / 4];
		for (uint32_t k = 0; k < n->nr_edges; k++) {
			int d = step(g, &g->edges[n->first_edge + k], (int)(s % 4), false);
			if (d >= 0)
				w->reach[s][d] = true;
		}
	}
	for (uint32_t k = 0; k < ns; k++)
		for (uint32_t i = 0; i < ns; i++)
			if (w->reach[i][k])
				for (uint32_t j = 0; j < ns; j++)
					if (w->reach[k][j])
						w->reach[i][j] = true;
	/* on a cycle of states that contains a forward */
	for (uint32_t s = 0; s < ns; s++) {
		const struct route_node *n = &g->nodes[s / 4];
		for (uint32_t k = 0; k < n->nr_edges; k++) {
			const struct route_edge *e = &g->edges[n->first_edge + k];
			int d = step(g, e, (int)(s % 4), false);
			if (e->via != EDGE_FORWARD || d < 0 || !(d == (int)s || w->reach[d][s]))
				continue;
			for (uint32_t x = 0; x < ns; x++)
				if ((x == s || (w->reach[s][x] && w->reach[x][s])))
					w->loop[x / 4] = true;
		}
	}
}

/* relay_edge / is_relay - a pure relay hop (product.md §5a Decisions) */
static bool relay_edge(const struct route_graph *g, const struct route_edge *e)
{
	const struct route_node *n = &g->nodes[e->from];
	if (e->via != EDGE_FORWARD || n->kind != NODE_RECIPIENT || n->delivers || !carries(g, e))
		return false;
	if (n->recipient && (n->recipient->kind == RK_GROUP || n->recipient->kind == RK_CONTACT))
		return false;
	return !e->fwd->conditional && !e->fwd->keep_copy;
}
static bool is_relay(const struct route_graph *g, uint32_t v)
{
	for (uint32_t k = 0; k < g->nodes[v].nr_edges; k++)
		if (relay_edge(g, &g->edges[g->nodes[v].first_edge + k]))
			return true;
	return false;
}

/* chain_value - the longest valid relay path from v in state s over simple
 * paths; -1 when none reaches a mailbox */
static int chain_value(const struct world *w, uint32_t v, int s, bool *on_path)
{
	const struct route_graph *g = w->g;
	int best = -1;
	if (w->loop[v])
		return -1;
	on_path[v] = true;
	for (uint32_t k = 0; k < g->nodes[v].nr_edges; k++) {
		const struct route_edge *e = &g->edges[g->nodes[v].first_edge + k];
		if (!relay_edge(g, e))
			continue;
		int d = step(g, e, s, true), cost = e->step == MATCH_CATCH_ALL ? 2 : 1, c;
		const struct route_node *to = &g->nodes[e->to];
		if (d < 0 || to->kind == NODE_MISSING || to->kind == NODE_UNKNOWN || w->loop[e->to] ||
		    on_path[e->to])
			continue;
		if (!is_relay(g, e->to))
			c = cost;
		else if ((c = chain_value(w, e->to, d % 4, on_path)) >= 0)
			c += cost;
		if (c > best)
			best = c;
	}
	on_path[v] = false;
	return best;
}

/* add_key - append "key\n" to sb unless present */
static void add_key(struct strbuf *sb, const char *key)
{
	char *k = xstrfmt("\n%s\n", key);
	if (!sb->len)
		strbuf_puts(sb, "\n");
	if (!strstr(sb->buf, k))
		strbuf_putf(sb, "%s\n", key);
	free(k);
}

/* same_set - the two "\nk1\nk2\n" sets hold the same keys */
static bool same_set(const char *a, const char *b)
{
	for (int pass = 0; pass < 2; pass++, (void)0) {
		const char *x = pass ? b : a, *y = pass ? a : b;
		for (const char *p = x; p && *p; ) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			if (n) {
				char *k = xstrfmt("\n%.*s\n", (int)n, p);
				bool found = y && strstr(y, k);
				free(k);
				if (!found)
					return false;
			}
			p = nl ? nl + 1 : NULL;
		}
	}
	return true;
}

/* walker_expect - the walker's sets: loop members, inbox cuts, transport bounces, chains */
static void walker_expect(struct world *w, struct strbuf *loops, struct strbuf *cuts,
			  struct strbuf *bounces, struct strbuf *chains)
{
	const struct route_graph *g = w->g;
	closure(w);
	for (uint32_t v = 0; v < w->n; v++)
		if (w->loop[v])
			add_key(loops, g->nodes[v].address);
	for (uint32_t x = 0; x < w->n; x++) {
		bool starts = false, seen[NS] = { false }, node_seen[MAXN] = { false };
		int queue[NS], head = 0, tail = 0;
		for (uint32_t k = 0; k < g->nodes[x].nr_edges; k++) {
			const struct route_edge *e = &g->edges[g->nodes[x].first_edge + k];
			starts |= carries(g, e) && (inbox_lim(g, e) || transport_lim(g, e));
		}
		if (!starts)
			continue;
		queue[tail++] = (int)x * 4;
		seen[x * 4] = true;
		while (head < tail) {    /* message copies, hop by hop */
			int s = queue[head++];
			node_seen[s / 4] = true;
			const struct route_node *n = &g->nodes[s / 4];
			for (uint32_t k = 0; k < n->nr_edges; k++) {
				int d = step(g, &g->edges[n->first_edge + k], s % 4, true);
				if (d >= 0 && !seen[d]) {
					seen[d] = true;
					queue[tail++] = d;
				}
			}
		}
		for (int q = 0; q < tail; q++) {
			int s = queue[q];
			const struct route_node *n = &g->nodes[s / 4];
			for (uint32_t k = 0; k < n->nr_edges; k++) {
				const struct route_edge *e = &g->edges[n->first_edge + k];
				if (!carries(g, e))
					continue;
				char *key = xstrfmt("%s|%s", e->fwd ? e->fwd->from : "", e->fwd && e->fwd->name ? e->fwd->name : "");
				if (inbox_lim(g, e) && (s & 2)) {
					for (uint32_t o = 0; o < n->nr_edges; o++) {
						const struct route_edge *oe = &g->edges[n->first_edge + o];
						if (oe->fwd == e->fwd && !node_seen[oe->to])
							add_key(cuts, key);
					}
				}
				int d = step(g, e, s % 4, false);
				if (transport_lim(g, e) && (s & 1) && !(d >= 0 && (d == s || w->reach[d][s])))
					add_key(bounces, key);
				free(key);
			}
		}
	}
	int val[MAXN];
	bool on_path[MAXN] = { false };
	for (uint32_t v = 0; v < w->n; v++)
		val[v] = is_relay(g, v) ? chain_value(w, v, 0, on_path) : -1;
	for (uint32_t v = 0; v < w->n; v++) {
		bool pointed = false;
		for (uint32_t e = 0; e < g->nr_edges; e++)
			if (g->edges[e].to == v && relay_edge(g, &g->edges[e]) && val[g->edges[e].from] >= 1)
				pointed = true;
		if (val[v] >= 2 && !pointed) {
			char *key = xstrfmt("%s:%d", g->nodes[v].address, val[v]);
			add_key(chains, key);
			free(key);
		}
	}
}

/* audit_sets - the same sets from the findings */
static void audit_sets(const struct audit_result *res, struct strbuf *loops, struct strbuf *cuts,
		       struct strbuf *bounces, struct strbuf *chains)
{
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		const cJSON *ev = f->evidence, *it;
		if (!strcmp(f->check->id, "route.loop")) {
			cJSON_ArrayForEach(it, cJSON_GetObjectItem(ev, "members"))
				add_key(loops, it->valuestring);
		} else if (!strcmp(f->check->id, "route.platform-limit")) {
			const char *lim = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "limit"));
			char *key = xstrfmt("%s|%s", f->subject, cJSON_GetStringValue(cJSON_GetObjectItem(ev, "rule")));
			if (lim && !strcmp(lim, "inbox-rule-loop"))
				add_key(cuts, key);
			else if (lim && !strcmp(lim, "transport-rule-loop"))
				add_key(bounces, key);
			free(key);
		} else if (!strcmp(f->check->id, "route.chain")) {
			char *key = xstrfmt("%s:%d", f->subject,
					    (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ev, "hops")));
			add_key(chains, key);
			free(key);
		}
	}
}

static void test_differential(void **state)
{
	(void)state;
	static const char *const providers[] = { "m365", "gworkspace", "custom" };
	const char *only[] = { "route.loop", "route.platform-limit", "route.chain", NULL };
	struct world *w = xcalloc(1, sizeof(*w));
	int failures = 0, loops_seen = 0, cuts_seen = 0, chains_seen = 0, bounces_seen = 0;
	rng = 12;
	for (int run = 0; run < RUNS; run++) {
		bool two = rnd(3) == 0;
		const char *p1 = providers[rnd(3)];
		char *b1 = gen_body(p1, "contoso.com", two ? "fabrikam.com" : NULL);
		char *b2 = two ? gen_body("gworkspace", "fabrikam.com", "contoso.com") : NULL;
		struct snapshot *snaps[2] = { mk_snap(p1, "contoso.com", b1),
					      two ? mk_snap("gworkspace", "fabrikam.com", b2) : NULL };
		struct audit_result res;
		char *err = NULL;
		assert_int_equal(audit_run(snaps, two ? 2 : 1, NULL, only, &res, &err), 0);
		struct route_graph *g = route_graph_build(snaps, two ? 2 : 1, NULL);
		assert_true(g->nr_nodes <= MAXN);
		w->g = g;
		w->n = g->nr_nodes;
		struct strbuf el = STRBUF_INIT, ec = STRBUF_INIT, eb = STRBUF_INIT, ech = STRBUF_INIT;
		struct strbuf al = STRBUF_INIT, ac = STRBUF_INIT, ab = STRBUF_INIT, ach = STRBUF_INIT;
		walker_expect(w, &el, &ec, &eb, &ech);
		audit_sets(&res, &al, &ac, &ab, &ach);
		loops_seen += el.len > 0;
		cuts_seen += ec.len > 0;
		bounces_seen += eb.len > 0;
		chains_seen += ech.len > 0;
		const char *what = !same_set(el.buf, al.buf) ? "loop members" :
				   !same_set(ec.buf, ac.buf) ? "inbox-rule cuts" :
				   !same_set(eb.buf, ab.buf) ? "transport bounces" :
				   !same_set(ech.buf, ach.buf) ? "chains" : NULL;
		if (what && getenv("DIFF_DEBUG"))
			for (size_t i = 0; i < res.findings.nr; i++)
				fprintf(stderr, "  %s %s %s\n", res.findings.items[i].check->id,
					res.findings.items[i].subject,
					cJSON_PrintUnformatted(res.findings.items[i].evidence));
		if (what && failures++ < 3)
			fprintf(stderr, "run %d (%s%s): %s differ\n  walker:[%s]\n  audit: [%s]\n  %s\n  %s\n",
				run, p1, two ? "+gworkspace" : "", what,
				!strcmp(what, "loop members") ? el.buf : !strcmp(what, "chains") ? ech.buf :
				!strcmp(what, "inbox-rule cuts") ? ec.buf : eb.buf,
				!strcmp(what, "loop members") ? al.buf : !strcmp(what, "chains") ? ach.buf :
				!strcmp(what, "inbox-rule cuts") ? ac.buf : ab.buf, b1, b2 ? b2 : "");
		strbuf_release(&el); strbuf_release(&ec); strbuf_release(&eb); strbuf_release(&ech);
		strbuf_release(&al); strbuf_release(&ac); strbuf_release(&ab); strbuf_release(&ach);
		route_graph_free(g);
		audit_result_release(&res);
		snapshot_free(snaps[0]);
		snapshot_free(snaps[1]);
		free(b1);
		free(b2);
	}
	fprintf(stderr, "%d runs: %d with loops, %d with inbox-rule cuts, %d with transport bounces, "
		"%d with chains; %d differ\n", RUNS, loops_seen, cuts_seen, bounces_seen, chains_seen, failures);
	free(w);
	assert_int_equal(failures, 0);
	/* the generator must exercise every kind */
	assert_true(loops_seen > 10 && cuts_seen > 5 && bounces_seen > 2 && chains_seen > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
