/*
 * pf_collect.h - the state of one Postfix collection, shared by
 * pf_collect.c (parameters, domains, tables) and pf_alias.c (the addresses
 * the configuration names, virtual(5) resolution, the snapshot).
 */
#ifndef ALIASAUDIT_PF_COLLECT_H
#define ALIASAUDIT_PF_COLLECT_H

#include "postfix.h"

enum pf_param {
	P_MYDESTINATION, P_MYORIGIN, P_VALIAS_DOMAINS, P_VALIAS_MAPS, P_VMAILBOX_DOMAINS,
	P_VMAILBOX_MAPS, P_ALIAS_MAPS, P_RELAY_DOMAINS, P_RELAY_RCPT_MAPS, P_LOCAL_RCPT_MAPS,
	P_DELIMITER, NR_PARAMS
};

/* Postfix address classes (ADDRESS_CLASS_README) */
enum pf_class { PF_LOCAL, PF_VALIAS, PF_VMAILBOX, PF_RELAY };

struct pf_domain {
	char *name;  /* lowercase */
	enum pf_class cls;
};

struct pf_ctx {
	struct pf_session *ps;
	struct snapshot *s;
	char *val[NR_PARAMS];
	struct pf_domain *doms; size_t nr_doms, alloc_doms;
	struct pf_maps vam, vmm, aliases, rrm, lrm;
	char **known; size_t nr_known, alloc_known; /* sorted, unique, lowercase */
};

/* the address pf_alias.c uses to ask how Postfix treats an unknown address of a domain */
#define PF_UNKNOWN_LOCALPART "aliasaudit-unknown-recipient"

enum pf_how { HOW_NONE, HOW_FULL, HOW_USER, HOW_DOMAIN };

/* pf_hit - where virtual_alias_maps answered for an address */
struct pf_hit {
	const char *value;  /* NULL: no alias */
	enum pf_how how;    /* which lookup form matched */
	size_t map;         /* the table's index in c->vam */
};

/* pf_vam_lookup - virtual(5) search order for addr in virtual_alias_maps */
struct pf_hit pf_vam_lookup(const struct pf_ctx *c, const char *addr);
/* pf_catch_all_hit - how virtual_alias_maps routes an unknown address of
 * addr's domain (HOW_NONE: it does not) */
struct pf_hit pf_catch_all_hit(const struct pf_ctx *c, const char *addr);
/* pf_user_form_domain - addr's domain takes the bare "user" lookup form */
bool pf_user_form_domain(const struct pf_ctx *c, const char *addr);
/* pf_targets - the addresses of an alias value (see pf_alias.c); caller
 * frees with pf_free_targets. *special (may be NULL): it also delivers to a
 * command, file or :include: list */
size_t pf_targets(const struct pf_ctx *c, const char *value, char ***out, bool *special);
void pf_free_targets(char **t, size_t n);

int pf_domain_class(const struct pf_ctx *c, const char *addr);
const char *pf_param(const struct pf_ctx *c, enum pf_param p);
void pf_ctx_release(struct pf_ctx *c);

/* pf_known_addresses - every address the tables name (keys, targets, one
 * unknown address per domain) into c->known */
void pf_known_addresses(struct pf_ctx *c);
/* pf_query_unlisted - look the known addresses up in the tables that cannot
 * be listed; each such table is an errors[] entry (partially evaluated) */
int pf_query_unlisted(struct pf_ctx *c, char **err);
/* pf_build_snapshot - domains, recipients, forwards, catch-alls, policy */
void pf_build_snapshot(struct pf_ctx *c);

#endif
