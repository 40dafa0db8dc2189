/*
 * dns_gather.c - resolve the DNS facts of dns_facts.h for every owned domain:
 * one concurrent wave for MX, A, AAAA, TXT, _dmarc and the DKIM selectors;
 * a wave for organizational-domain DMARC where the domain has none; then
 * waves that follow SPF include:/redirect= until the whole tree is known.
 * TXT answers are cached by name (many domains include the same record).
 */
#include "core/dns_facts.h"
#include "core/dns_records.h"
#include "net/dns.h"
#include "base/util.h"

#include <ctype.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* RFC 7208 4.6.4 bounds the lookups to 10, so a deeper tree is an error */
#define SPF_MAX_DEPTH 10

/* a batch of queries, each with the fact its answer goes to */
struct batch {
	struct dns_query *q; size_t nr, alloc;
	struct dns_fact **dst; size_t alloc_dst;
	struct domain_dns **mx_dst; size_t alloc_mx; /* MX answers: also the host list */
};

struct txt_cache {
	struct dns_fact *f; size_t nr, alloc;
};

/* dns_mx_matches - see dns_facts.h */
bool dns_mx_matches(const char *pattern, const char *host)
{
	if (pattern[0] == '*' && pattern[1] == '.') {
		size_t n = strlen(host), m = strlen(pattern + 1);
		return n > m && !strcasecmp(host + n - m, pattern + 1);
	}
	return !strcasecmp(pattern, host);
}

/* dns_dmarc_records - see dns_facts.h */
size_t dns_dmarc_records(const struct dns_fact *f, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; f->state == DNSF_FOUND && i < f->nr_txt; i++)
		if (dmarc_is_dmarc(f->txt[i])) {
			if (n < max)
				out[n] = f->txt[i];
			n++;
		}
	return n;
}

static void batch_add(struct batch *b, const char *name, enum dns_type type, struct dns_fact *dst,
		      struct domain_dns *mx_dst)
{
	size_t a1 = b->alloc, a2 = b->alloc_dst;
	ALLOC_GROW(b->q, b->nr + 1, a1);
	ALLOC_GROW(b->dst, b->nr + 1, a2);
	ALLOC_GROW(b->mx_dst, b->nr + 1, b->alloc_mx);
	b->alloc = a1;
	b->alloc_dst = a2;
	dst->name = xstrdup(name);
	b->q[b->nr] = (struct dns_query){ .name = dst->name, .type = type };
	b->dst[b->nr] = dst;
	b->mx_dst[b->nr++] = mx_dst;
}

/* fact_from - copy answer a into f (whose name is set) */
static void fact_from(struct dns_fact *f, const struct dns_answer *a)
{
	f->state = a->status == DNS_OK ? DNSF_FOUND : a->status == DNS_FAIL ? DNSF_FAILED : DNSF_ABSENT;
	f->nxdomain = a->status == DNS_NXDOMAIN;
	f->error = a->error ? xstrdup(a->error) : NULL;
	f->cname = a->cname ? xstrdup(a->cname) : NULL;
	if (a->nr_txt) {
		f->txt = xcalloc(a->nr_txt, sizeof(*f->txt));
		for (size_t i = 0; i < a->nr_txt; i++)
			f->txt[i] = xstrdup(a->txt[i]);
		f->nr_txt = a->nr_txt;
	}
}

/* batch_run - resolve every query of b into its fact, then empty b */
static void batch_run(struct batch *b, struct dns_resolver *r)
{
	dns_resolve(r, b->q, b->nr);
	for (size_t i = 0; i < b->nr; i++) {
		struct dns_answer *a = &b->q[i].ans;
		fact_from(b->dst[i], a);
		struct domain_dns *d = b->mx_dst[i];
		if (d && b->q[i].type != DNS_MX)
			d->nr_addr += a->nr_addr;
		if (d && b->q[i].type == DNS_MX && a->nr_mx) {
			d->mx = xcalloc(a->nr_mx, sizeof(*d->mx));
			for (size_t k = 0; k < a->nr_mx; k++)
				d->mx[k] = (struct dns_mx_host){ a->mx[k].pref, xstrdup(a->mx[k].host) };
			d->nr_mx = a->nr_mx;
		}
		dns_answer_release(a);
	}
	b->nr = 0;
}

static void fact_release(struct dns_fact *f)
{
	free(f->name);
	free(f->error);
	free(f->cname);
	for (size_t i = 0; i < f->nr_txt; i++)
		free(f->txt[i]);
	free(f->txt);
	memset(f, 0, sizeof(*f));
}

/* split_list - "a, b c" into a NULL-terminated array of copies */
static char **split_list(const char *s, size_t *nr)
{
	char **out = NULL, *copy = xstrdup(s), *save = NULL;
	size_t alloc = 0;
	*nr = 0;
	for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		ALLOC_GROW(out, *nr + 2, alloc);
		out[(*nr)++] = xstrdup(t);
		out[*nr] = NULL;
	}
	free(copy);
	return out;
}

/* add_domain - one entry per (tenant, domain) */
static void add_domain(struct dns_facts *f, size_t *alloc, size_t t, const struct snapshot *s,
		       const struct snapshot_domain *sd, const struct dns_tenant_opts *o)
{
	for (size_t i = 0; i < f->nr; i++)
		if (f->d[i].tenant == t && !strcasecmp(f->d[i].domain, sd->name))
			return;
	ALLOC_GROW(f->d, f->nr + 1, *alloc);
	struct domain_dns *d = &f->d[f->nr++];
	memset(d, 0, sizeof(*d));
	d->domain = xstrdup(sd->name);
	for (char *c = d->domain; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	d->tenant = t;
	d->type = sd->type;
	d->expect = platform_dns_for(s->provider);
	if (o && o->mx_hosts)
		d->mx_extra = split_list(o->mx_hosts, &d->nr_mx_extra);
	size_t nr_sel = 0;
	char **sel = o && o->dkim_selectors ? split_list(o->dkim_selectors, &nr_sel) : NULL;
	if (!sel && d->expect && d->expect->dkim_selectors)
		for (const char *const *p = d->expect->dkim_selectors; *p; p++) {
			sel = xreallocarray(sel, nr_sel + 1, sizeof(*sel));
			sel[nr_sel++] = xstrdup(*p);
		}
	d->dkim = nr_sel ? xcalloc(nr_sel, sizeof(*d->dkim)) : NULL;
	for (size_t i = 0; i < nr_sel; i++)
		d->dkim[i].selector = sel[i];
	d->nr_dkim = nr_sel;
	free(sel);
}

/* first_wave - MX, A, AAAA, TXT, _dmarc and DKIM for every domain */
static void first_wave(struct dns_facts *f, struct batch *b)
{
	for (size_t i = 0; i < f->nr; i++) {
		struct domain_dns *d = &f->d[i];
		char *name;
		batch_add(b, d->domain, DNS_MX, &d->mx_f, d);
		batch_add(b, d->domain, DNS_A, &d->a_f, d);
		batch_add(b, d->domain, DNS_AAAA, &d->aaaa_f, d);
		batch_add(b, d->domain, DNS_TXT, &d->txt_f, NULL);
		name = xstrfmt("_dmarc.%s", d->domain);
		batch_add(b, name, DNS_TXT, &d->dmarc_f, NULL);
		free(name);
		for (size_t k = 0; k < d->nr_dkim; k++) {
			name = xstrfmt("%s._domainkey.%s", d->dkim[k].selector, d->domain);
			batch_add(b, name, DNS_TXT, &d->dkim[k].f, NULL);
			free(name);
		}
	}
}

/* org_wave - RFC 7489 6.6.3: no DMARC record at the domain, so ask its
 * organizational domain (Public Suffix List via libpsl) */
static void org_wave(struct dns_facts *f, struct batch *b)
{
	psl_ctx_t *latest = psl_latest(NULL);
	const psl_ctx_t *psl = latest ? latest : psl_builtin();
	for (size_t i = 0; i < f->nr; i++) {
		struct domain_dns *d = &f->d[i];
		const char *org = psl ? psl_registrable_domain(psl, d->domain) : NULL;
		d->org_domain = xstrdup(org ? org : d->domain);
		if (!strcmp(d->org_domain, d->domain) || d->dmarc_f.state == DNSF_FAILED ||
		    dns_dmarc_records(&d->dmarc_f, NULL, 0))
			continue;
		char *name = xstrfmt("_dmarc.%s", d->org_domain);
		batch_add(b, name, DNS_TXT, &d->org_dmarc_f, NULL);
		free(name);
	}
	psl_free(latest);
}

static struct dns_fact *cache_get(struct txt_cache *c, const char *name)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcasecmp(c->f[i].name, name))
			return &c->f[i];
	return NULL;
}

/* names to fetch in the next round */
struct names {
	char **v; size_t nr, alloc;
};

struct walk {
	struct txt_cache *cache;
	struct names *want;
	const struct domain_dns *d;
	struct dns_spf_walk *out;
};

static void walk_name(struct walk *w, const char *name, int depth, bool main_chain);

/* walk_record - account for the terms of one parsed SPF record */
static void walk_record(struct walk *w, const struct spf_record *r, int depth, bool main_chain)
{
	const struct platform_dns *e = w->d->expect;
	for (size_t i = 0; i < r->nr; i++) {
		const struct spf_term *t = &r->terms[i];
		if (spf_term_queries_dns(t->kind) && !(t->kind == SPF_REDIRECT && r->all_index >= 0))
			w->out->lookups++;
		if ((t->kind == SPF_INCLUDE || t->kind == SPF_REDIRECT) && e && e->spf_includes)
			for (const char *const *p = e->spf_includes; *p; p++)
				if (!strcasecmp(*p, t->arg))
					w->out->authorises = true;
		if (t->kind == SPF_INCLUDE && !strchr(t->arg, '%'))
			walk_name(w, t->arg, depth + 1, false);
	}
	if (main_chain && r->all_index >= 0)
		w->out->effective_all = r->terms[r->all_index].qualifier;
	/* RFC 7208 6.1: redirect= applies only when there is no "all" */
	if (r->redirect_index >= 0 && r->all_index < 0 &&
	    !strchr(r->terms[r->redirect_index].arg, '%'))
		walk_name(w, r->terms[r->redirect_index].arg, depth + 1, main_chain);
}

static void set_once(char **dst, char *msg)
{
	if (*dst)
		free(msg);
	else
		*dst = msg;
}

/* walk_name - evaluate the SPF record at name (the domain itself at depth 0) */
static void walk_name(struct walk *w, const char *name, int depth, bool main_chain)
{
	struct dns_fact *f = depth ? cache_get(w->cache, name) : (struct dns_fact *)&w->d->txt_f;
	const char *recs[2];
	size_t n = 0;
	if (depth > SPF_MAX_DEPTH) {
		set_once(&w->out->permerror, xstrfmt("include:/redirect= nested more than %d deep "
						     "(a loop?) at %s", SPF_MAX_DEPTH, name));
		return;
	}
	if (!f) {
		for (size_t i = 0; i < w->want->nr; i++)
			if (!strcasecmp(w->want->v[i], name))
				return;
		ALLOC_GROW(w->want->v, w->want->nr + 1, w->want->alloc);
		w->want->v[w->want->nr++] = xstrdup(name);
		return;
	}
	if (f->state == DNSF_FAILED) {
		set_once(&w->out->failed, xstrfmt("TXT %s: %s", name, f->error ? f->error : "failed"));
		return;
	}
	for (size_t i = 0; f->state == DNSF_FOUND && i < f->nr_txt; i++)
		if (spf_is_spf(f->txt[i]) && n++ < 2)
			recs[n - 1] = f->txt[i];
	if (n != 1) {
		if (depth)
			set_once(&w->out->permerror, n ? xstrfmt("%s publishes %zu SPF records", name, n)
						       : xstrfmt("%s (followed by include:/redirect=) "
								 "publishes no SPF record", name));
		return;
	}
	struct spf_record r;
	char *err = NULL;
	if (spf_parse(recs[0], &r, &err)) {
		set_once(&w->out->permerror, depth ? xstrfmt("%s: %s", name, err) : xstrdup(err));
		free(err);
		return;
	}
	if (!depth)
		w->out->done = true;
	walk_record(w, &r, depth, main_chain);
	spf_record_release(&r);
}

static void walk_reset(struct dns_spf_walk *s)
{
	free(s->permerror);
	free(s->failed);
	memset(s, 0, sizeof(*s));
}

/* spf_waves - walk every domain's SPF tree, fetching the names it needs
 * round by round; a round that needs nothing new ends it */
static void spf_waves(struct dns_facts *f, struct batch *b, struct dns_resolver *r)
{
	struct txt_cache cache = { 0 };
	for (int round = 0; round <= SPF_MAX_DEPTH + 1; round++) {
		struct names want = { 0 };
		for (size_t i = 0; i < f->nr; i++) {
			struct walk w = { &cache, &want, &f->d[i], &f->d[i].spf };
			walk_reset(w.out);
			walk_name(&w, f->d[i].domain, 0, true);
		}
		if (!want.nr)
			break;
		struct dns_fact *got = xcalloc(want.nr, sizeof(*got));
		for (size_t i = 0; i < want.nr; i++)
			batch_add(b, want.v[i], DNS_TXT, &got[i], NULL);
		batch_run(b, r);
		for (size_t i = 0; i < want.nr; i++) {
			ALLOC_GROW(cache.f, cache.nr + 1, cache.alloc);
			cache.f[cache.nr++] = got[i];
			free(want.v[i]);
		}
		free(got);
		free(want.v);
	}
	for (size_t i = 0; i < cache.nr; i++)
		fact_release(&cache.f[i]);
	free(cache.f);
}

/* dns_facts_gather - see dns_facts.h */
int dns_facts_gather(struct snapshot **snapshots, size_t nr, const struct dns_tenant_opts *opts,
		     const char *resolver, int timeout_ms, struct dns_facts *out, char **err)
{
	struct dns_resolver *r;
	struct batch b = { 0 };
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	if (!(r = dns_resolver_new(resolver, timeout_ms, err)))
		return -1;
	out->resolver = xstrdup(resolver ? resolver : "system");
	for (size_t t = 0; t < nr; t++)
		for (size_t i = 0; i < snapshots[t]->nr_domains; i++)
			add_domain(out, &alloc, t, snapshots[t], &snapshots[t]->domains[i],
				   opts ? &opts[t] : NULL);
	first_wave(out, &b);
	batch_run(&b, r);
	org_wave(out, &b);
	batch_run(&b, r);
	spf_waves(out, &b, r);
	free(b.q);
	free(b.dst);
	free(b.mx_dst);
	dns_resolver_free(r);
	return 0;
}

void dns_facts_release(struct dns_facts *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		struct domain_dns *d = &f->d[i];
		free(d->domain);
		free(d->org_domain);
		for (size_t k = 0; k < d->nr_mx_extra; k++)
			free(d->mx_extra[k]);
		free(d->mx_extra);
		fact_release(&d->mx_f);
		for (size_t k = 0; k < d->nr_mx; k++)
			free(d->mx[k].host);
		free(d->mx);
		fact_release(&d->a_f);
		fact_release(&d->aaaa_f);
		fact_release(&d->txt_f);
		walk_reset(&d->spf);
		for (size_t k = 0; k < d->nr_dkim; k++) {
			free(d->dkim[k].selector);
			fact_release(&d->dkim[k].f);
		}
		free(d->dkim);
		fact_release(&d->dmarc_f);
		fact_release(&d->org_dmarc_f);
	}
	free(f->d);
	free(f->resolver);
	memset(f, 0, sizeof(*f));
}
