/*
 * headers_report.h - rendering the headers command's model (analyze.h) as
 * text or as JSON (schema "aliasaudit.headers/1", built with cJSON). Both
 * list hops oldest first. Neither ever includes the SRS secret.
 *
 * Memory: the caller owns out / the returned string.
 */
#ifndef ALIASAUDIT_HEADERS_REPORT_H
#define ALIASAUDIT_HEADERS_REPORT_H

#include "headers/analyze.h"
#include "base/strbuf.h"

/* hdr_report_text - append the text report to out (uncapped buffer) */
void hdr_report_text(const struct hdr_analysis *a, const char *source, struct strbuf *out);

/* hdr_report_json - the JSON report, pretty-printed; caller frees (free()) */
char *hdr_report_json(const struct hdr_analysis *a, const char *source);

#endif
