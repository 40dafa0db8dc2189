/*
 * trace_report.h - render a trace (checks/trace.h): text (a tree that fits a
 * screen), json (schema aliasaudit.trace/1, docs/trace.md) and dot
 * (Graphviz source: nodes by kind, edges by mechanism, failing edges red).
 */
#ifndef ALIASAUDIT_TRACE_REPORT_H
#define ALIASAUDIT_TRACE_REPORT_H

#include "checks/trace.h"

#include <stdio.h>

void trace_write_text(FILE *out, const struct route_graph *g, const struct trace *t);
/* trace_json - the document for the traces (caller frees with cJSON_Delete) */
struct cJSON *trace_json(const struct route_graph *g, const struct trace *traces, size_t nr);
void trace_write_dot(FILE *out, const struct route_graph *g, const struct trace *traces, size_t nr);

#endif
