/*
 * pf_alias.c - virtual(5) resolution of the addresses a Postfix
 * configuration names, and the snapshot built from it.
 *
 * virtual_alias_maps applies to every recipient before delivery (cleanup(8)).
 * For an address user@domain, Postfix searches the tables, in the order the
 * parameter lists them, for "user@domain" (every table, regexp/pcre
 * included), then "user" (only when domain is $myorigin or $mydestination),
 * then "@domain"; the user and @domain forms are never looked up in
 * regexp/pcre tables (virtual(5) "TABLE SEARCH ORDER", "REGULAR EXPRESSION
 * TABLES"). So an "@domain" catch-all never wins over an explicit
 * user@domain entry in a later table, but it does take the mailboxes of
 * virtual_mailbox_maps (and local users) that have no alias entry of their
 * own, and a regexp/pcre catch-all takes explicit aliases of tables listed
 * after it: both are the article's catch-all collision (scope "all").
 * An alias whose result includes itself delivers there and is not expanded
 * again (virtual(5): "an address that expands to itself"): keep_copy.
 */
#include "pf_collect.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* cmp_str - qsort/bsearch order of the known addresses */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* add_known - record a lowercase address (duplicates are removed later) */
static void add_known(struct pf_ctx *c, const char *addr)
{
	char key[ADDR_MAX_LEN + 1];
	const char *at = strchr(addr, '@');
	if (!at || at == addr || !at[1] || !addr_canon(addr, key))
		return;
	for (const char *p = key; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"')
			return;
	ALLOC_GROW(c->known, c->nr_known + 1, c->alloc_known);
	c->known[c->nr_known++] = xstrdup(key);
}

/* pf_targets - the addresses of an alias value ("a@x, b", "|cmd", "/file",
 * ":include:/f"); bare names get @$myorigin (trivial-rewrite
 * append_at_myorigin). *special is set when the value also delivers to a
 * command, file or include list. Returns the count; caller frees. */
size_t pf_targets(const struct pf_ctx *c, const char *value, char ***out, bool *special)
{
	char **words;
	size_t n = pf_split_list(value, &words), nr = 0;
	*out = xcalloc(n ? n : 1, sizeof(**out));
	if (special)
		*special = false;
	for (size_t i = 0; i < n; i++) {
		char *w = words[i];
		size_t len = strlen(w);
		if (len >= 2 && w[0] == '"' && w[len - 1] == '"') {
			memmove(w, w + 1, len - 2);
			w[len - 2] = 0;
		}
		if (w[0] == '|' || w[0] == '/' || !strncasecmp(w, ":include:", 9)) {
			if (special)
				*special = true;
		} else if (*w) {
			(*out)[nr++] = strchr(w, '@') ? xstrdup(w)
						      : xstrfmt("%s@%s", w, pf_param(c, P_MYORIGIN));
			lowercase_ascii((*out)[nr - 1]);
		}
		free(w);
	}
	free(words);
	return nr;
}

/* pf_free_targets - see pf_collect.h */
void pf_free_targets(char **t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i]);
	free(t);
}

/* add_targets_known - the addresses of an alias value, into c->known */
static void add_targets_known(struct pf_ctx *c, const char *value)
{
	char **t;
	size_t n = pf_targets(c, value, &t, NULL);
	for (size_t i = 0; i < n; i++)
		add_known(c, t[i]);
	pf_free_targets(t, n);
}

/* pf_user_form_domain - true when addr's domain takes the bare "user" lookup
 * form ($myorigin, $mydestination) */
bool pf_user_form_domain(const struct pf_ctx *c, const char *addr)
{
	return pf_domain_class(c, addr) == PF_LOCAL ||
	       !strcasecmp(addr_domain(addr), pf_param(c, P_MYORIGIN));
}

/* pf_known_addresses - see pf_collect.h */
void pf_known_addresses(struct pf_ctx *c)
{
	struct pf_maps *sets[] = { &c->vam, &c->vmm, &c->rrm, &c->lrm };
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		for (size_t i = 0; i < sets[s]->nr; i++) {
			const struct pf_map *m = &sets[s]->maps[i];
			for (size_t j = 0; j < m->nr; j++) {
				const char *k = m->entries[j].key;
				if (strchr(k, '@') && k[0] != '@') {
					add_known(c, k);
				} else if (k[0] != '@') { /* "user": every local domain */
					for (size_t d = 0; d < c->nr_doms; d++) {
						if (c->doms[d].cls != PF_LOCAL)
							continue;
						char *a = xstrfmt("%s@%s", k, c->doms[d].name);
						add_known(c, a);
						free(a);
					}
				}
				if (sets[s] == &c->vam)
					add_targets_known(c, m->entries[j].value);
			}
		}
	}
	for (size_t i = 0; i < c->aliases.nr; i++) {
		const struct pf_map *m = &c->aliases.maps[i];
		for (size_t j = 0; j < m->nr; j++) {
			for (size_t d = 0; d < c->nr_doms; d++) {
				if (c->doms[d].cls != PF_LOCAL)
					continue;
				char *a = xstrfmt("%s@%s", m->entries[j].key, c->doms[d].name);
				add_known(c, a);
				free(a);
			}
			add_targets_known(c, m->entries[j].value);
		}
	}
	for (size_t d = 0; d < c->nr_doms; d++) {
		char *a = xstrfmt(PF_UNKNOWN_LOCALPART "@%s", c->doms[d].name);
		add_known(c, a);
		free(a);
	}
	qsort(c->known, c->nr_known, sizeof(*c->known), cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < c->nr_known; i++) {
		if (w && !strcmp(c->known[w - 1], c->known[i]))
			free(c->known[i]);
		else
			c->known[w++] = c->known[i];
	}
	c->nr_known = w;
}

/* query_keys - the lookup keys for unlisted tables: every known address,
 * its bare local part in local domains, and @domain for each domain */
static char *query_keys(const struct pf_ctx *c)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < c->nr_known; i++) {
		strbuf_putf(&sb, "%s\n", c->known[i]);
		if (pf_user_form_domain(c, c->known[i]))
			strbuf_putf(&sb, "%.*s\n", (int)strcspn(c->known[i], "@"), c->known[i]);
	}
	for (size_t d = 0; d < c->nr_doms; d++)
		strbuf_putf(&sb, "@%s\n", c->doms[d].name);
	return strbuf_detach(&sb, NULL);
}

/* class_in_use - true when some domain is of class cls */
static bool class_in_use(const struct pf_ctx *c, enum pf_class cls)
{
	for (size_t d = 0; d < c->nr_doms; d++)
		if (c->doms[d].cls == cls)
			return true;
	return false;
}

/* pf_query_unlisted - see pf_collect.h */
int pf_query_unlisted(struct pf_ctx *c, char **err)
{
	struct { struct pf_maps *m; const char *param, *area; bool used; } sets[] = {
		{ &c->vam, "virtual_alias_maps", "forwards", true },
		{ &c->vmm, "virtual_mailbox_maps", "recipients", class_in_use(c, PF_VMAILBOX) },
		{ &c->rrm, "relay_recipient_maps", "recipients", class_in_use(c, PF_RELAY) },
		{ &c->lrm, "local_recipient_maps", "recipients", class_in_use(c, PF_LOCAL) },
	};
	char *keys = query_keys(c);
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		if (!sets[s].used)
			continue;
		if (pf_maps_query(c->ps, sets[s].m, keys, err)) {
			char *e = xstrfmt("%s: %s", c->ps->where, *err);
			free(*err);
			*err = e;
			free(keys);
			return -1;
		}
		for (size_t i = 0; i < sets[s].m->nr; i++) {
			if (sets[s].m->maps[i].listed)
				continue;
			char *obj = xstrfmt("%s table %s", sets[s].param, sets[s].m->maps[i].spec);
			char *msg = xstrfmt("this table type cannot be listed: it was looked up for the "
					    "%zu addresses the configuration names; other addresses "
					    "may match it", c->nr_known);
			snapshot_add_error(c->s, obj, msg, sets[s].area, NULL);
			free(obj);
			free(msg);
		}
	}
	free(keys);
	return 0;
}

/* pf_vam_lookup - virtual(5) search order for addr in virtual_alias_maps */
struct pf_hit pf_vam_lookup(const struct pf_ctx *c, const char *addr)
{
	struct pf_hit h = { 0 };
	char *key;
	if ((h.value = pf_maps_find(&c->vam, addr, false, &h.map))) {
		h.how = HOW_FULL;
		return h;
	}
	if (pf_user_form_domain(c, addr)) {
		key = xstrndup(addr, strcspn(addr, "@"));
		h.value = pf_maps_find(&c->vam, key, true, &h.map);
		free(key);
		if (h.value) {
			h.how = HOW_USER;
			return h;
		}
	}
	key = xstrfmt("@%s", addr_domain(addr));
	h.value = pf_maps_find(&c->vam, key, true, &h.map);
	free(key);
	h.how = h.value ? HOW_DOMAIN : HOW_NONE;
	return h;
}

/* pf_catch_all_hit - how Postfix routes an unknown address of addr's domain */
struct pf_hit pf_catch_all_hit(const struct pf_ctx *c, const char *addr)
{
	char *probe = xstrfmt(PF_UNKNOWN_LOCALPART "@%s", addr_domain(addr));
	struct pf_hit h = pf_vam_lookup(c, probe);
	free(probe);
	if (h.how == HOW_USER)
		h.how = HOW_NONE;
	return h;
}
