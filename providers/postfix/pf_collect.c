/*
 * pf_collect.c - a Postfix configuration as a snapshot (docs/postfix.md).
 *
 * Parameters come from one `postconf -c DIR -x` run (values with $names
 * expanded, as Postfix uses them). Postfix's address classes
 * (ADDRESS_CLASS_README) become domains: mydestination (local),
 * virtual_alias_domains, virtual_mailbox_domains (authoritative: an unknown
 * address is refused "550 5.1.1 ... User unknown in ... table"), and
 * relay_domains (authoritative with relay_recipient_maps; without them every
 * address is relayed onward: internal-relay, never a ghost). Recipients are
 * the mailboxes of virtual_mailbox_maps, the local users of
 * local_recipient_maps (passwd) and the relay recipients; aliases
 * (virtual_alias_maps, resolved in pf_alias.c, and aliases(5) of the local
 * domains) are forwards via "routing". recipient_delimiter is plus
 * addressing: empty switches it off (postconf(5) recipient_delimiter).
 */
#include "pf_collect.h"
#include "base/addr.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const param_names[NR_PARAMS] = {
	[P_MYDESTINATION] = "mydestination", [P_MYORIGIN] = "myorigin",
	[P_VALIAS_DOMAINS] = "virtual_alias_domains", [P_VALIAS_MAPS] = "virtual_alias_maps",
	[P_VMAILBOX_DOMAINS] = "virtual_mailbox_domains", [P_VMAILBOX_MAPS] = "virtual_mailbox_maps",
	[P_ALIAS_MAPS] = "alias_maps", [P_RELAY_DOMAINS] = "relay_domains",
	[P_RELAY_RCPT_MAPS] = "relay_recipient_maps", [P_LOCAL_RCPT_MAPS] = "local_recipient_maps",
	[P_DELIMITER] = "recipient_delimiter",
};

/* read_params - every parameter of param_names with one `postconf -x` run */
static int read_params(struct pf_ctx *c, char **err)
{
	char *args[5 + NR_PARAMS] = { c->ps->postconf, "-c", c->ps->config_dir, "-x" };
	struct strbuf out = STRBUF_INIT;
	char *why = NULL, *save = NULL;
	for (int i = 0; i < NR_PARAMS; i++)
		args[4 + i] = (char *)param_names[i];
	strbuf_init(&out, PF_TOOL_MAX_OUTPUT);
	if (pf_run(args, NULL, &out, PF_TOOL_TIMEOUT_MS, &why)) {
		*err = xstrfmt("%s: postconf -c %s: %s", c->ps->where, c->ps->config_dir, why);
		free(why);
		strbuf_release(&out);
		return -1;
	}
	for (char *line = strtok_r(out.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(line, " = ");
		size_t n = eq ? (size_t)(eq - line) : strcspn(line, " =");
		const char *v = eq ? eq + 3 : "";
		for (int i = 0; i < NR_PARAMS; i++)
			if (strlen(param_names[i]) == n && !strncmp(line, param_names[i], n))
				c->val[i] = xstrdup(v);
	}
	strbuf_release(&out);
	for (int i = 0; i < NR_PARAMS; i++) {
		if (!c->val[i]) {
			*err = xstrfmt("%s: postconf -c %s printed no value for %s", c->ps->where,
				       c->ps->config_dir, param_names[i]);
			return -1;
		}
	}
	return 0;
}

/* add_domain - record domain name of class cls (the first class listed wins,
 * as Postfix warns about a domain listed in two classes) */
static void add_domain(struct pf_ctx *c, const char *name, enum pf_class cls)
{
	char key[ADDR_MAX_LEN + 1];
	if (!*name || strchr(name, '@') || strchr(name, '$') || !addr_canon(name, key))
		return;
	for (size_t i = 0; i < c->nr_doms; i++)
		if (!strcmp(c->doms[i].name, key))
			return;
	ALLOC_GROW(c->doms, c->nr_doms + 1, c->alloc_doms);
	c->doms[c->nr_doms].name = xstrdup(key);
	c->doms[c->nr_doms].cls = cls;
	c->nr_doms++;
}

/* add_domain_file - the domains named in a /file/name list entry */
static void add_domain_file(struct pf_ctx *c, const char *path, enum pf_class cls, const char *param)
{
	char *text = NULL, *why = NULL, **words;
	size_t len;
	if (read_file(path, (size_t)64 << 20, &text, &len, &why)) {
		char *obj = xstrfmt("%s file %s", param, path);
		snapshot_add_error(c->s, obj, why, "domains", NULL);
		free(obj);
		free(why);
		return;
	}
	for (char *p = text; (p = strchr(p, '#'));) /* comments run to the end of the line */
		while (*p && *p != '\n')
			*p++ = ' ';
	size_t n = pf_split_list(text, &words);
	for (size_t i = 0; i < n; i++) {
		add_domain(c, words[i], cls);
		free(words[i]);
	}
	free(words);
	free(text);
}

/* load_domains - one domain-list parameter: names, /file/names and tables
 * (whose keys without '@' are domains, as VIRTUAL_README's "example.com
 * anything" lines) */
static void load_domains(struct pf_ctx *c, int param, enum pf_class cls)
{
	char **words;
	size_t n = pf_split_list(c->val[param], &words);
	for (size_t i = 0; i < n; i++) {
		const char *w = words[i];
		if (w[0] == '/') {
			add_domain_file(c, w, cls, param_names[param]);
		} else if (strchr(w, ':')) {
			struct pf_maps m;
			char *why = NULL;
			if (pf_maps_load(c->ps, w, false, &m, &why) || !m.nr || !m.maps[0].listed) {
				char *obj = xstrfmt("%s table %s", param_names[param], w);
				snapshot_add_error(c->s, obj, why ? why : "this table type cannot be listed",
						   "domains", NULL);
				free(obj);
			}
			for (size_t j = 0; j < m.nr; j++)
				for (size_t k = 0; k < m.maps[j].nr; k++)
					add_domain(c, m.maps[j].entries[k].key, cls);
			free(why);
			pf_maps_release(&m);
		} else {
			add_domain(c, w, cls);
		}
		free(words[i]);
	}
	free(words);
}

/* load_maps - one table parameter into *m; a table that cannot be read is
 * an error for area (the rest is still read) */
static void load_maps(struct pf_ctx *c, int param, bool aliases, struct pf_maps *m,
		      const char *area)
{
	char *why = NULL;
	if (pf_maps_load(c->ps, c->val[param], aliases, m, &why)) {
		snapshot_add_error(c->s, param_names[param], why, area, NULL);
		free(why);
	}
}

/* pf_collect - see provider.h */
int pf_collect(struct provider_session *base, struct snapshot **out, char **err)
{
	struct pf_ctx c = { .ps = (struct pf_session *)base };
	int rc = -1;
	c.s = snapshot_new(base->tenant->name, "postfix");
	if (read_params(&c, err))
		goto out;
	load_domains(&c, P_MYDESTINATION, PF_LOCAL);
	load_domains(&c, P_VALIAS_DOMAINS, PF_VALIAS);
	load_domains(&c, P_VMAILBOX_DOMAINS, PF_VMAILBOX);
	load_domains(&c, P_RELAY_DOMAINS, PF_RELAY);
	load_maps(&c, P_VALIAS_MAPS, false, &c.vam, "forwards");
	load_maps(&c, P_VMAILBOX_MAPS, false, &c.vmm, "recipients");
	load_maps(&c, P_ALIAS_MAPS, true, &c.aliases, "forwards");
	load_maps(&c, P_RELAY_RCPT_MAPS, false, &c.rrm, "recipients");
	load_maps(&c, P_LOCAL_RCPT_MAPS, false, &c.lrm, "recipients");
	if (!c.lrm.nr) {
		/* local_recipient_maps = (empty): smtpd accepts every local
		 * address, and local(8) delivers to the passwd users and bounces
		 * the rest (postconf(5) local_recipient_maps): the same users */
		char *why = NULL;
		pf_maps_release(&c.lrm);
		if (pf_maps_load(c.ps, "unix:passwd.byname", false, &c.lrm, &why)) {
			snapshot_add_error(c.s, "local users", why, "recipients", NULL);
			free(why);
		}
	}
	pf_known_addresses(&c);
	if (pf_query_unlisted(&c, err))
		goto out;
	pf_build_snapshot(&c);
	*out = c.s;
	c.s = NULL;
	rc = (*out)->complete ? 0 : 1;
out:
	snapshot_free(c.s);
	pf_ctx_release(&c);
	return rc;
}

/* pf_ctx_release - free what c holds (not the snapshot) */
void pf_ctx_release(struct pf_ctx *c)
{
	for (int i = 0; i < NR_PARAMS; i++)
		free(c->val[i]);
	for (size_t i = 0; i < c->nr_doms; i++)
		free(c->doms[i].name);
	free(c->doms);
	pf_maps_release(&c->vam);
	pf_maps_release(&c->vmm);
	pf_maps_release(&c->aliases);
	pf_maps_release(&c->rrm);
	pf_maps_release(&c->lrm);
	for (size_t i = 0; i < c->nr_known; i++)
		free(c->known[i]);
	free(c->known);
}

/* pf_domain_class - the class of addr's domain, or -1 when Postfix does not serve it */
int pf_domain_class(const struct pf_ctx *c, const char *addr)
{
	const char *d = addr_domain(addr);
	for (size_t i = 0; i < c->nr_doms; i++)
		if (!strcasecmp(c->doms[i].name, d))
			return (int)c->doms[i].cls;
	return -1;
}

/* pf_param - a parameter's value (never NULL after read_params) */
const char *pf_param(const struct pf_ctx *c, enum pf_param p)
{
	return c->val[p] ? c->val[p] : "";
}
