/*
 * pf_snapshot.c - the snapshot of a Postfix configuration, from the
 * resolved tables (pf_alias.c): domains by address class, recipients
 * (mailboxes, local users, relay recipients), one "routing" forward per
 * alias that wins for an address, the catch-alls of each domain with their
 * scope, and plus addressing from recipient_delimiter.
 */
#include "pf_collect.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pf_out {
	struct snapshot_recipient *rcpt; size_t nr_rcpt, alloc_rcpt;
	struct snapshot_forward *fwd; size_t nr_fwd, alloc_fwd;
	size_t *shadowed;        /* per domain: explicit addresses a catch-all takes */
	bool *mailbox_catch_all; /* per domain: reported once */
};

/* S - a copy of str in the snapshot's arena */
#define S(c, str) arena_strdup(&(c)->s->arena, (str))

/* domain_index - the index of addr's domain in c->doms, or -1 */
static long domain_index(const struct pf_ctx *c, const char *addr)
{
	for (size_t i = 0; i < c->nr_doms; i++)
		if (!strcasecmp(c->doms[i].name, addr_domain(addr)))
			return (long)i;
	return -1;
}

/* is_probe - the synthetic unknown address of a domain */
static bool is_probe(const char *addr)
{
	return starts_with(addr, PF_UNKNOWN_LOCALPART "@");
}

/* local_hit - the local part of addr found in maps (for local domains the
 * key is the bare user: unix:passwd.byname, aliases(5)), or the full address */
static const char *local_hit(const struct pf_ctx *c, const struct pf_maps *m, const char *addr)
{
	char *user = xstrndup(addr, strcspn(addr, "@"));
	const char *v = pf_maps_find(m, addr, false, NULL);
	if (!v)
		v = pf_maps_find(m, user, false, NULL);
	free(user);
	return v;
}

/* is_recipient - does Postfix deliver addr itself (mailbox, local user,
 * relay recipient), before any alias? */
static bool is_recipient(struct pf_ctx *c, struct pf_out *o, const char *addr)
{
	long d = domain_index(c, addr);
	char *key;
	if (d < 0)
		return false;
	switch (c->doms[d].cls) {
	case PF_VMAILBOX:
		if (pf_maps_find(&c->vmm, addr, false, NULL))
			return true;
		key = xstrfmt("@%s", c->doms[d].name);
		if (pf_maps_find(&c->vmm, key, true, NULL) && !o->mailbox_catch_all[d]) {
			/* virtual(8): "@domain" is a catch-all mailbox */
			char *obj = xstrfmt("virtual_mailbox_maps entry %s", key);
			snapshot_add_error(c->s, obj, "a catch-all mailbox takes every unknown address "
					   "of the domain; aliasaudit does not model it", "recipients", NULL);
			free(obj);
			o->mailbox_catch_all[d] = true;
		}
		free(key);
		return false;
	case PF_LOCAL:
		return local_hit(c, &c->lrm, addr) && !local_hit(c, &c->aliases, addr);
	case PF_RELAY:
		return pf_maps_find(&c->rrm, addr, false, NULL) != NULL;
	default:
		return false;
	}
}

/* add_recipient - a user mailbox at addr */
static void add_recipient(struct pf_ctx *c, struct pf_out *o, const char *addr, const char *name)
{
	struct snapshot_recipient *r;
	ALLOC_GROW(o->rcpt, o->nr_rcpt + 1, o->alloc_rcpt);
	r = &o->rcpt[o->nr_rcpt++];
	memset(r, 0, sizeof(*r));
	r->address = S(c, addr);
	r->kind = RK_USER;
	r->enabled = TRI_UNSET;
	r->has_mailbox = TRI_TRUE;
	r->name = name ? S(c, name) : NULL;
}

/* add_forward - addr routes to the addresses of value (from table `name`);
 * returns false when value names no address */
static bool add_forward(struct pf_ctx *c, struct pf_out *o, const char *addr, const char *value,
			const char *name, bool *special)
{
	char **t;
	size_t n = pf_targets(c, value, &t, special);
	struct snapshot_forward *f;
	if (!n) {
		pf_free_targets(t, n);
		return false;
	}
	ALLOC_GROW(o->fwd, o->nr_fwd + 1, o->alloc_fwd);
	f = &o->fwd[o->nr_fwd++];
	memset(f, 0, sizeof(*f));
	f->from = S(c, addr);
	f->to = arena_alloc(&c->s->arena, n * sizeof(*f->to));
	for (size_t i = 0; i < n; i++) {
		f->to[i] = S(c, t[i]);
		/* virtual(5): an address that expands to itself is delivered there */
		if (!strcmp(t[i], addr))
			f->keep_copy = true;
	}
	f->nr_to = n;
	f->via = VIA_ROUTING;
	f->enabled = true;
	f->name = S(c, name);
	pf_free_targets(t, n);
	return true;
}

/* explicit_later - addr has an explicit entry in a table after index map */
static bool explicit_later(const struct pf_ctx *c, const char *addr, size_t map)
{
	for (size_t i = map + 1; i < c->vam.nr; i++)
		if (pf_map_get(&c->vam.maps[i], addr))
			return true;
	return false;
}

/* route_address - the recipient and/or forward Postfix really uses for addr */
static void route_address(struct pf_ctx *c, struct pf_out *o, const char *addr)
{
	struct pf_hit h = pf_vam_lookup(c, addr), any = pf_catch_all_hit(c, addr);
	bool rcpt = is_recipient(c, o, addr), special = false;
	long d = domain_index(c, addr);
	/* the catch-all answered for addr: the same table and answer as for an unknown address */
	bool by_catch_all = h.how != HOW_NONE && any.how != HOW_NONE && h.map == any.map &&
			    !strcmp(h.value, any.value) && (h.how == HOW_DOMAIN || c->vam.maps[h.map].pattern);
	char *name;

	if (rcpt)
		add_recipient(c, o, addr, NULL);
	if (by_catch_all) {
		bool shadowed = rcpt || explicit_later(c, addr, h.map);
		if (!shadowed)
			return; /* an unknown address: the catch-all entry covers it */
		if (d >= 0)
			o->shadowed[d]++;
		name = xstrfmt("catch-all %s in %s", h.how == HOW_DOMAIN ? "@domain" : "pattern",
			       c->vam.maps[h.map].spec);
		add_forward(c, o, addr, h.value, name, NULL);
		free(name);
		return;
	}
	if (h.how == HOW_FULL || h.how == HOW_USER) {
		name = xstrfmt("virtual_alias_maps %s", c->vam.maps[h.map].spec);
		add_forward(c, o, addr, h.value, name, NULL);
		free(name);
		return;
	}
	if (d >= 0 && c->doms[d].cls == PF_LOCAL && !is_probe(addr)) {
		const char *v = local_hit(c, &c->aliases, addr);
		if (!v)
			return;
		/* aliases(5) expansion by local(8); |command and /file deliver there */
		bool fwd = add_forward(c, o, addr, v, "aliases", &special);
		if (special) {
			add_recipient(c, o, addr, "aliases(5): delivers to a command or file");
			if (fwd)
				o->fwd[o->nr_fwd - 1].keep_copy = true;
		}
	}
}

/* add_catch_alls - one catch-all per domain whose unknown addresses an alias takes */
static void add_catch_alls(struct pf_ctx *c, struct pf_out *o)
{
	struct catch_all *ca = xcalloc(c->nr_doms ? c->nr_doms : 1, sizeof(*ca));
	size_t nr = 0;
	for (size_t d = 0; d < c->nr_doms; d++) {
		char *probe = xstrfmt(PF_UNKNOWN_LOCALPART "@%s", c->doms[d].name), **t;
		struct pf_hit h = pf_catch_all_hit(c, probe);
		size_t n = h.how != HOW_NONE ? pf_targets(c, h.value, &t, NULL) : 0;
		free(probe);
		if (h.how == HOW_NONE)
			continue;
		if (n) {
			char *name = h.how == HOW_DOMAIN
				? xstrfmt("@%s in %s", c->doms[d].name, c->vam.maps[h.map].spec)
				: xstrfmt("pattern in %s", c->vam.maps[h.map].spec);
			ca[nr].domain = S(c, c->doms[d].name);
			ca[nr].target = S(c, t[0]);
			ca[nr].scope = o->shadowed[d] ? CATCHALL_ALL : CATCHALL_UNKNOWN_ONLY;
			ca[nr].source = "virtual_alias_maps";
			ca[nr].name = S(c, name);
			nr++;
			free(name);
		}
		pf_free_targets(t, n);
	}
	SNAPSHOT_SET_ARRAY(c->s, policy.catch_all, policy.nr_catch_all, ca, nr);
	c->s->policy.has_catch_all = true;
	free(ca);
}

/* add_domains - the domains Postfix serves, typed by address class */
static void add_domains(struct pf_ctx *c)
{
	struct snapshot_domain *dom = xcalloc(c->nr_doms ? c->nr_doms : 1, sizeof(*dom));
	bool relay_checked = *pf_param(c, P_RELAY_RCPT_MAPS) != 0;
	for (size_t d = 0; d < c->nr_doms; d++) {
		dom[d].name = S(c, c->doms[d].name);
		/* without relay_recipient_maps (or with an "@domain" entry there)
		 * every address of a relay domain is accepted and passed on
		 * (ADDRESS_CLASS_README): never a ghost here */
		char *any = xstrfmt("@%s", c->doms[d].name);
		bool all_valid = pf_maps_find(&c->rrm, any, false, NULL) != NULL;
		free(any);
		dom[d].type = c->doms[d].cls == PF_RELAY && (!relay_checked || all_valid)
			? DOM_INTERNAL_RELAY : DOM_AUTHORITATIVE;
		dom[d].primary = !strcasecmp(c->doms[d].name, pf_param(c, P_MYORIGIN));
	}
	SNAPSHOT_SET_ARRAY(c->s, domains, nr_domains, dom, c->nr_doms);
	free(dom);
}

/* pf_build_snapshot - see pf_collect.h */
void pf_build_snapshot(struct pf_ctx *c)
{
	struct pf_out o = { 0 };
	char ts[21];
	o.shadowed = xcalloc(c->nr_doms + 1, sizeof(*o.shadowed));
	o.mailbox_catch_all = xcalloc(c->nr_doms + 1, sizeof(*o.mailbox_catch_all));
	iso8601_now(ts);
	c->s->collected_at = S(c, ts);
	add_domains(c);
	for (size_t i = 0; i < c->nr_known; i++)
		if (!is_probe(c->known[i]))
			route_address(c, &o, c->known[i]);
	add_catch_alls(c, &o);
	SNAPSHOT_SET_ARRAY(c->s, recipients, nr_recipients, o.rcpt, o.nr_rcpt);
	SNAPSHOT_SET_ARRAY(c->s, forwards, nr_forwards, o.fwd, o.nr_fwd);
	c->s->has_forwards = true;
	/* postconf(5) recipient_delimiter: empty means no address extensions */
	c->s->policy.plus_addressing = strchr(pf_param(c, P_DELIMITER), '+') ? TRI_TRUE : TRI_FALSE;
	free(o.rcpt);
	free(o.fwd);
	free(o.shadowed);
	free(o.mailbox_catch_all);
}
