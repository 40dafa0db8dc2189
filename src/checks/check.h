/*
 * check.h - the check catalog: what each check finds, its severity, symptom,
 * evidence rules, fix and control references, and the function that runs it.
 *
 * Checks run on an audit_ctx (snapshots plus the routing graph built from
 * them) and only append to ctx->out. They never print.
 */
#ifndef ALIASAUDIT_CHECK_H
#define ALIASAUDIT_CHECK_H

#include "core/finding.h"

struct audit_ctx;

struct check_def {
	const char *id;            /* stable: "route.loop" */
	const char *title;
	const char *finds;         /* what it finds (one sentence) */
	enum severity severity;    /* default severity */
	const char *symptom_code;  /* "554 5.4.14", or NULL when nothing bounces */
	const char *symptom_text;
	const char *evidence;      /* how the evidence is gathered */
	const struct fix_def *fix; /* default fix */
	const char *const *refs;   /* NULL-terminated control references */
	void (*run)(struct audit_ctx *ctx);
};

/* check_catalog - every check, NULL-terminated, in catalog order */
extern const struct check_def *const check_catalog[];
/* check_find - the check with this id, or NULL */
const struct check_def *check_find(const char *id);

#endif
