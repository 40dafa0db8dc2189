/*
 * postfix.h - the Postfix provider's private interface (docs/postfix.md).
 *
 * The provider reads a Postfix configuration the way Postfix reads it: the
 * parameters through `postconf -c DIR -x` (never by parsing main.cf), the
 * lookup tables through `postmap -s` / `postalias -s` (listable types) or
 * `postmap -q -` (regexp, pcre, static, unix and other types that cannot be
 * listed, queried for every address the configuration names). The tools are
 * run with fork/exec (pf_exec.c); the mapping into a snapshot is pf_collect.c
 * (domains, recipients) and pf_alias.c (virtual(5) alias resolution).
 */
#ifndef ALIASAUDIT_PF_POSTFIX_H
#define ALIASAUDIT_PF_POSTFIX_H

#include "base/strbuf.h"
#include "core/provider.h"

#include <stdbool.h>
#include <stddef.h>

/* named limits */
#define PF_TOOL_TIMEOUT_MS 60000L          /* one postconf/postmap run */
#define PF_TOOL_MAX_OUTPUT ((size_t)256 << 20) /* what one run may print */
#define PF_MAX_MAPS 64                     /* tables in one parameter */

struct pf_session {
	struct provider_session base;
	char *config_dir;
	char *postconf, *postmap, *postalias; /* tool paths */
	char *where;                          /* "config:3: tenant 'mx'" for messages */
};

/* pf_run - run argv (argv[0] a path or a name found in PATH), writing input
 * (may be NULL) to its standard input, its standard output appended to out
 * (capped by out's max). Returns the exit status (0 = success), or -1 when it
 * could not run or ran out of time/space; on any non-zero return *err is one
 * line (the tool's first line of standard error when it printed one). */
int pf_run(char *const argv[], const char *input, struct strbuf *out, long timeout_ms, char **err);

/* one entry of a lookup table */
struct pf_entry {
	char *key, *value;
};

/* one table of a parameter's list ("hash:/etc/postfix/virtual") */
struct pf_map {
	char *spec;                 /* as postconf -x printed it */
	bool listed;                /* entries hold the whole table */
	bool pattern;               /* regexp/pcre: only full addresses are looked up */
	struct pf_entry *entries; size_t nr, alloc;
};

struct pf_maps {
	struct pf_map *maps; size_t nr;
};

/* pf_maps_load - the tables of a parameter value. Listable tables are read
 * with `postmap -s` (`postalias -s` when aliases is set); the others are
 * marked unlisted and queried later with pf_maps_query. 0, or -1 with *err. */
int pf_maps_load(struct pf_session *ps, const char *value, bool aliases, struct pf_maps *out,
		 char **err);
/* pf_maps_query - for each unlisted table of m, look up keys (one per line)
 * with one `postmap -q -` run and add what matched to its entries */
int pf_maps_query(struct pf_session *ps, struct pf_maps *m, const char *keys, char **err);
/* pf_map_get - the value of key in map (exact, case-insensitive), or NULL */
const char *pf_map_get(const struct pf_map *map, const char *key);
/* pf_maps_find - the first table of m (in order) holding key; *which its index */
const char *pf_maps_find(const struct pf_maps *m, const char *key, bool fixed_only, size_t *which);
void pf_maps_release(struct pf_maps *m);

/* pf_split_list - split a Postfix list (commas and/or whitespace, "{...}"
 * grouping) into words (caller frees each and the array); returns the count */
size_t pf_split_list(const char *value, char ***words);

/* pf_collect - see provider.h collect */
int pf_collect(struct provider_session *ps, struct snapshot **out, char **err);

#endif
