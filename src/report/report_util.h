/*
 * report_util.h - helpers shared by the report writers: escaping for HTML,
 * XML, CSV and Markdown, path and refs rendering, per-severity counts, the
 * completeness verdict, the rule list (catalog plus any other check seen) and
 * writing a buffer out with error checking.
 *
 * Every escaper also repairs its input: invalid UTF-8 becomes U+FFFD, so a
 * hostile or broken name can neither break the document nor its encoding.
 */
#ifndef ALIASAUDIT_REPORT_UTIL_H
#define ALIASAUDIT_REPORT_UTIL_H

#include "core/finding_json.h" /* finding_refs */
#include "core/audit.h"
#include "checks/check.h"
#include "base/strbuf.h"

#include <stdbool.h>
#include <stdio.h>

#include "core/status.h"

struct report_counts {
	unsigned sev[SEV_COUNT];
	unsigned total;
};

/* html_escape - s for HTML text and quoted attribute values (& < > " ') */
void html_escape(struct strbuf *sb, const char *s);
/* xml_escape - s for XML 1.0 text and attributes; characters XML 1.0
 * forbids (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF) become U+FFFD.
 * With attr, TAB/LF/CR are written as character references. */
void xml_escape(struct strbuf *sb, const char *s, bool attr);
/* csv_field - s as one RFC 4180 field: quoted when it holds a comma, quote,
 * CR or LF (or leading/trailing space); a leading = + - @ TAB or CR (a
 * spreadsheet formula) gets a leading apostrophe; other C0 controls become U+FFFD */
void csv_field(struct strbuf *sb, const char *s);
/* md_escape - s for Markdown text and table cells: | and Markdown/HTML
 * metacharacters are backslash-escaped or entity-encoded, newlines become spaces */
void md_escape(struct strbuf *sb, const char *s);
/* utf8_clean - s with invalid UTF-8 replaced by U+FFFD (caller frees) */
char *utf8_clean(const char *s);
/* report_safe - s made safe to show as one line (base/display.h): s itself
 * when it has nothing to escape, else an escaped copy held in a ring of 16
 * that outlives one printf; never NULL. report_safe_release frees the ring
 * (call it when a report is done). Not thread-safe: reports are written by
 * one thread. */
const char *report_safe(const char *s);
void report_safe_release(void);

/* report_via_label - how a hop's via reads in a path: "inbox-rule" -> "inbox rule" (static) */
const char *report_via_label(const char *via);
/* report_path - f's path as plain text: a@x → b@y (inbox rule "Archive") → … */
void report_path(struct strbuf *sb, const struct finding *f);
/* report_refs - f's control references joined with sep */
void report_refs(struct strbuf *sb, const struct finding *f, const char *sep);

/* report_count - count findings (of one tenant, or all when tenant is NULL) */
void report_count(const struct audit_result *res, const char *tenant, struct report_counts *c);
/* report_tenant_complete - the tenant's snapshot(s) complete and no gap for it */
bool report_tenant_complete(const struct audit_result *res, const char *tenant);
/* report_tenants - distinct tenant names, snapshots first then any tenant a
 * finding or gap names; *nr set; the array is the caller's, names borrowed */
const char **report_tenants(const struct audit_result *res, size_t *nr);
/* report_tenant_provider - the provider of tenant ("" if unknown) */
const char *report_tenant_provider(const struct audit_result *res, const char *tenant);

/* report_rules - every check in the catalog plus any other check a finding
 * or gap uses (by id), in catalog order; caller frees the array */
const struct check_def **report_rules(const struct audit_result *res, size_t *nr);
/* report_rule_index - index of check id in rules, or -1 */
long report_rule_index(const struct check_def *const *rules, size_t nr, const char *id);

/* report_flush - write sb to out and flush; 0, or -1 with *err */
int report_flush(FILE *out, const struct strbuf *sb, char **err);

#endif
