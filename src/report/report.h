/*
 * report.h - render an audit_result in one of the output formats.
 *
 * Formats are a small registry of named writers (report.c). Each writer
 * writes the whole report to out and returns 0, or -1 with *err. Writers
 * never print secrets: they only see snapshots and findings, which hold none.
 */
#ifndef ALIASAUDIT_REPORT_H
#define ALIASAUDIT_REPORT_H

#include "core/audit.h"

#include <stdbool.h>
#include <stdio.h>

struct history_view; /* defined by history.h; optional input for html/text */

struct report_options {
	bool color;                       /* text: ANSI colour */
	const struct history_view *history; /* may be NULL: no trend section */
	const char *focus;                /* dot: only this address's neighbourhood (NULL: all) */
};

struct report_format {
	const char *name; /* "text", "json", ... */
	int (*write)(FILE *out, const struct audit_result *res,
		     const struct report_options *opt, char **err);
};

/* report_format_find - the writer for name, or NULL */
const struct report_format *report_format_find(const char *name);
/* report_format_names - "text, json, ..." for help and errors (static) */
const char *report_format_names(void);

/* the writers; each lives in its own src/report_<name>.c */
int report_write_text(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err);
int report_write_json(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err);
/* issue 5 writers: html (self-contained), csv (RFC 4180), md, sarif 2.1.0, junit */
int report_write_html(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err);
int report_write_csv(FILE *out, const struct audit_result *res,
		     const struct report_options *opt, char **err);
int report_write_md(FILE *out, const struct audit_result *res,
		    const struct report_options *opt, char **err);
int report_write_sarif(FILE *out, const struct audit_result *res,
		       const struct report_options *opt, char **err);
int report_write_junit(FILE *out, const struct audit_result *res,
		       const struct report_options *opt, char **err);
/* dot: the routing graph as Graphviz source (report_dot.c) */
int report_write_dot(FILE *out, const struct audit_result *res,
		     const struct report_options *opt, char **err);
/* report_findings_json - the findings document (schema aliasaudit.findings/1) */
cJSON *report_findings_json(const struct audit_result *res);

#endif
