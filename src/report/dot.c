/*
 * dot.c - Graphviz dot source helpers (dot.h).
 */
#include "report/dot.h"

#include <string.h>

void dot_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c >= 0x20 && c != 0x7f)
			fputc(c, out);
	}
	fputc('"', out);
}

void dot_begin(FILE *out, const char *name)
{
	fputs("digraph ", out);
	dot_quote(out, name);
	fputs(" {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=9];\n", out);
}

void dot_end(FILE *out)
{
	fputs("}\n", out);
}

/* shape_of - the node style for a kind */
static const char *shape_of(const char *kind)
{
	static const struct { const char *kind, *style; } styles[] = {
		{ "mailbox", "shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"" },
		{ "shared-mailbox", "shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"" },
		{ "resource", "shape=box, style=rounded" },
		{ "group", "shape=ellipse, style=filled, fillcolor=\"#fef7e0\"" },
		{ "external", "shape=note, style=filled, fillcolor=\"#f1f3f4\"" },
		{ "missing", "shape=octagon, color=red" },
		{ "unknown", "shape=octagon, style=dashed" },
		{ "relayed", "shape=cds" },
		{ "contact", "shape=component" },
		{ "mail-user", "shape=component" },
		{ "unreached", "shape=box, style=dashed, color=gray" },
	};
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
		if (!strcmp(styles[i].kind, kind))
			return styles[i].style;
	return "shape=box"; /* a user without mailbox, an alias */
}

void dot_node(FILE *out, const char *id, const char *label, const char *kind, bool failing)
{
	fprintf(out, "  %s [label=", id);
	dot_quote(out, label);
	fprintf(out, ", %s, tooltip=", shape_of(kind));
	dot_quote(out, kind);
	fprintf(out, "%s];\n", failing ? ", color=red" : "");
}

void dot_edge(FILE *out, const char *from, const char *to, const char *label, bool failing)
{
	fprintf(out, "  %s -> %s [label=", from, to);
	dot_quote(out, label);
	fprintf(out, "%s];\n", failing ? ", color=red, fontcolor=red, style=dashed" : "");
}
