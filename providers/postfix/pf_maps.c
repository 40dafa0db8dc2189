/*
 * pf_maps.c - Postfix lookup tables as Postfix's own tools show them.
 *
 * A parameter such as virtual_alias_maps is a list of tables searched in
 * order (postconf(5)). Tables whose type supports the "sequence" operation
 * (hash, btree, lmdb, cdb, dbm, sdbm, texthash, inline) are listed whole with
 * `postmap -s` (aliases(5) tables with `postalias -s`, which prints "key:").
 * regexp and pcre tables, static, unix:passwd.byname, proxy/network tables
 * and the rest cannot be listed ("sequence operation is not supported"):
 * they are queried with `postmap -q -` for the keys the caller names.
 * unix:passwd.byname (local_recipient_maps' default) is this host's passwd
 * database, read whole with getpwent(3).
 * regexp/pcre tables are "pattern" tables: Postfix looks them up with the
 * full address only, never with the user or @domain forms (virtual(5),
 * "TABLE SEARCH ORDER" and "REGULAR EXPRESSION TABLES").
 */
#include "postfix.h"
#include "base/util.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* types that `postmap -s` can list (Postfix DATABASE_README: "sequence") */
static const char *const listable[] = {
	"hash", "btree", "lmdb", "cdb", "dbm", "sdbm", "texthash", "inline", NULL,
};
static const char *const pattern[] = { "regexp", "pcre", NULL };

/* in_list - true when the type part of spec ("hash" of "hash:/x") is in names */
static bool in_list(const char *spec, const char *const *names)
{
	size_t n = strcspn(spec, ":");
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(spec, names[i], n))
			return true;
	return false;
}

/* pf_split_list - see postfix.h; a "quoted string" is one word too */
size_t pf_split_list(const char *value, char ***words)
{
	size_t nr = 0, alloc = 0;
	const char *p = value ? value : "";
	*words = NULL;
	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *start = p;
		int depth = 0;
		for (bool quoted = false; *p; p++) {
			if (*p == '"')
				quoted = !quoted; /* aliases(5): "|command with spaces" */
			else if (quoted)
				continue;
			else if (*p == '{')
				depth++;
			else if (*p == '}' && depth)
				depth--;
			else if (!depth && strchr(", \t\r\n", *p))
				break;
		}
		ALLOC_GROW(*words, nr + 1, alloc);
		(*words)[nr++] = xstrndup(start, (size_t)(p - start));
	}
	return nr;
}

/* add_entry - append key/value to map */
static void add_entry(struct pf_map *m, const char *key, size_t klen, const char *value)
{
	ALLOC_GROW(m->entries, m->nr + 1, m->alloc);
	m->entries[m->nr].key = xstrndup(key, klen);
	m->entries[m->nr].value = xstrdup(value);
	m->nr++;
}

/* cmp_entry - order of entries: case-insensitive keys (Postfix folds keys) */
static int cmp_entry(const void *a, const void *b)
{
	return strcasecmp(((const struct pf_entry *)a)->key, ((const struct pf_entry *)b)->key);
}

/* parse_lines - "key<TAB>value" lines (postalias: "key:<TAB>value") into m */
static void parse_lines(struct pf_map *m, char *text, bool aliases)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *tab = strchr(line, '\t');
		size_t klen;
		if (!tab)
			continue;
		*tab = 0;
		klen = strlen(line);
		if (aliases && klen && line[klen - 1] == ':')
			klen--;
		/* postalias adds "@" and the NIS markers YP_LAST_MODIFIED and
		 * YP_MASTER_NAME to indexed files (also seen when postmap lists an
		 * aliases table named in local_recipient_maps) */
		if ((klen == 1 && line[0] == '@') || !strncmp(line, "YP_LAST_MODIFIED", klen) ||
		    !strncmp(line, "YP_MASTER_NAME", klen))
			continue;
		add_entry(m, line, klen, tab + 1);
	}
	qsort(m->entries, m->nr, sizeof(*m->entries), cmp_entry);
}

/* list_map - `postmap -s` (or `postalias -s`) of one table into m */
static int list_map(struct pf_session *ps, struct pf_map *m, bool aliases, char **err)
{
	struct strbuf out = STRBUF_INIT;
	const char *spec = m->spec;
	char *argv[] = { aliases ? ps->postalias : ps->postmap, "-c", ps->config_dir, "-s",
			 NULL, NULL };
	char *why = NULL;
	/* proxy:TYPE:NAME is the same table read through proxymap: list the table itself */
	if (starts_with(spec, "proxy:"))
		spec += 6;
	argv[4] = (char *)spec;
	strbuf_init(&out, PF_TOOL_MAX_OUTPUT);
	if (pf_run(argv, NULL, &out, PF_TOOL_TIMEOUT_MS, &why)) {
		*err = xstrfmt("%s -s %s: %s", aliases ? "postalias" : "postmap", m->spec, why);
		free(why);
		strbuf_release(&out);
		return -1;
	}
	parse_lines(m, out.buf, aliases);
	strbuf_release(&out);
	m->listed = true;
	return 0;
}

/* list_passwd - unix:passwd.byname is getpwnam(3) on this host (Postfix
 * DATABASE_README, "unix"; local(8) delivers to these users): postmap
 * cannot list it, but the same database can be read whole with getpwent(3).
 * The configuration read is this host's (postconf runs here), so the local
 * users are this host's too. */
static void list_passwd(struct pf_map *m)
{
	struct passwd *pw;
	setpwent();
	while ((pw = getpwent()))
		if (pw->pw_name && *pw->pw_name)
			add_entry(m, pw->pw_name, strlen(pw->pw_name), "passwd");
	endpwent();
	qsort(m->entries, m->nr, sizeof(*m->entries), cmp_entry);
	m->listed = true;
}

/* pf_maps_load - see postfix.h */
int pf_maps_load(struct pf_session *ps, const char *value, bool aliases, struct pf_maps *out,
		 char **err)
{
	char **words;
	size_t n = pf_split_list(value, &words);
	int rc = 0;
	memset(out, 0, sizeof(*out));
	if (n > PF_MAX_MAPS) {
		*err = xstrfmt("%zu tables in one parameter (at most %d are read)", n, PF_MAX_MAPS);
		rc = -1;
	}
	out->maps = xcalloc(n ? n : 1, sizeof(*out->maps));
	for (size_t i = 0; i < n; i++) {
		const char *spec = words[i];
		struct pf_map *m = &out->maps[out->nr++];
		m->spec = words[i];
		if (starts_with(spec, "proxy:"))
			spec += 6;
		m->pattern = in_list(spec, pattern);
		if (!strcmp(spec, "unix:passwd.byname"))
			list_passwd(m);
		else if (!rc && in_list(spec, listable) && list_map(ps, m, aliases, err))
			rc = -1;
	}
	free(words);
	return rc;
}

/* pf_maps_query - see postfix.h */
int pf_maps_query(struct pf_session *ps, struct pf_maps *m, const char *keys, char **err)
{
	for (size_t i = 0; i < m->nr; i++) {
		struct pf_map *map = &m->maps[i];
		struct strbuf out = STRBUF_INIT;
		char *argv[] = { ps->postmap, "-c", ps->config_dir, "-q", "-", map->spec, NULL };
		char *why = NULL;
		int rc;
		if (map->listed)
			continue;
		strbuf_init(&out, PF_TOOL_MAX_OUTPUT);
		rc = pf_run(argv, keys, &out, PF_TOOL_TIMEOUT_MS, &why);
		/* postmap -q - exits 1 when no key was found, printing nothing */
		if (rc && !(rc == 1 && !out.len && why && starts_with(why, ps->postmap))) {
			*err = xstrfmt("postmap -q - %s: %s", map->spec, why ? why : "failed");
			free(why);
			strbuf_release(&out);
			return -1;
		}
		free(why);
		parse_lines(map, out.buf, false);
		strbuf_release(&out);
	}
	return 0;
}

/* pf_map_get - see postfix.h */
const char *pf_map_get(const struct pf_map *map, const char *key)
{
	struct pf_entry k = { .key = (char *)key }, *e;
	e = map->nr ? bsearch(&k, map->entries, map->nr, sizeof(k), cmp_entry) : NULL;
	return e ? e->value : NULL;
}

/* pf_maps_find - see postfix.h */
const char *pf_maps_find(const struct pf_maps *m, const char *key, bool fixed_only, size_t *which)
{
	for (size_t i = 0; i < m->nr; i++) {
		const char *v;
		if (fixed_only && m->maps[i].pattern)
			continue;
		if ((v = pf_map_get(&m->maps[i], key))) {
			if (which)
				*which = i;
			return v;
		}
	}
	return NULL;
}

/* pf_maps_release - see postfix.h */
void pf_maps_release(struct pf_maps *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		for (size_t j = 0; j < m->maps[i].nr; j++) {
			free(m->maps[i].entries[j].key);
			free(m->maps[i].entries[j].value);
		}
		free(m->maps[i].entries);
		free(m->maps[i].spec);
	}
	free(m->maps);
	memset(m, 0, sizeof(*m));
}
