/*
 * dot.h - writing Graphviz dot source: quoting, and the one look for nodes by
 * kind and edges by mechanism shared by `trace -f dot` and `audit -f dot`.
 */
#ifndef ALIASAUDIT_DOT_H
#define ALIASAUDIT_DOT_H

#include <stdbool.h>
#include <stdio.h>

void dot_begin(FILE *out, const char *name);
void dot_end(FILE *out);
/* dot_node - a node; kind picks the shape ("mailbox", "group", "external", ...);
 * failing draws it red */
void dot_node(FILE *out, const char *id, const char *label, const char *kind, bool failing);
/* dot_edge - an edge; failing draws it red and dashed */
void dot_edge(FILE *out, const char *from, const char *to, const char *label, bool failing);
/* dot_quote - write s as a dot double-quoted string (control characters dropped) */
void dot_quote(FILE *out, const char *s);

#endif
