/*
 * report.c - the registry of report formats. One writer per file
 * (src/report_<name>.c); add a line here to add a format.
 */
#include "report/report.h"

#include <string.h>

static const struct report_format formats[] = {
	{ "text", report_write_text },
	{ "json", report_write_json },
	{ "csv", report_write_csv },
	{ "html", report_write_html },
	{ "md", report_write_md },
	{ "sarif", report_write_sarif },
	{ "junit", report_write_junit },
	{ "dot", report_write_dot },
};

const struct report_format *report_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const char *report_format_names(void)
{
	return "text, json, csv, html, md, sarif, junit, dot";
}
