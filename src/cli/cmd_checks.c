/*
 * cmd_checks.c - `aliasaudit checks`: the check catalog, as text or JSON.
 */
#include "checks/check.h"
#include "cli/cmd.h"
#include "base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit checks [-f text|json]\n"
"\n"
"Prints every check: its id, severity, what it finds, the bounce it predicts,\n"
"how the evidence is gathered, its fix and the controls it maps to.\n";

static cJSON *catalog_json(void)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; check_catalog[i]; i++) {
		const struct check_def *c = check_catalog[i];
		cJSON *o = cJSON_CreateObject(), *fix = cJSON_CreateObject(), *refs = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "id", c->id);
		cJSON_AddStringToObject(o, "title", c->title);
		cJSON_AddStringToObject(o, "severity", severity_name(c->severity));
		cJSON_AddStringToObject(o, "finds", c->finds);
		if (c->symptom_code)
			cJSON_AddStringToObject(o, "symptom_code", c->symptom_code);
		else
			cJSON_AddNullToObject(o, "symptom_code");
		cJSON_AddStringToObject(o, "symptom", c->symptom_text);
		cJSON_AddStringToObject(o, "evidence", c->evidence);
		cJSON_AddStringToObject(fix, "id", c->fix->id);
		cJSON_AddBoolToObject(fix, "automated", c->fix->automated);
		cJSON_AddStringToObject(fix, "title", c->fix->title);
		cJSON_AddStringToObject(fix, "steps", c->fix->steps);
		cJSON_AddItemToObject(o, "fix", fix);
		for (size_t r = 0; c->refs && c->refs[r]; r++)
			cJSON_AddItemToArray(refs, cJSON_CreateString(c->refs[r]));
		cJSON_AddItemToObject(o, "refs", refs);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

int cmd_checks(int argc, char **argv)
{
	const char *format = "text";
	int c;
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'h')
			return cmd_exit(cmd_help(usage));
		else
			return usage_error("checks", "unknown option or missing value '%s'",
					   argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("checks", "unexpected argument '%s'", argv[optind]);
	if (!strcmp(format, "json")) {
		cJSON *arr = catalog_json();
		char *text = cJSON_Print(arr);
		puts(text);
		free(text);
		cJSON_Delete(arr);
		return EXIT_CLEAN;
	}
	if (strcmp(format, "text"))
		return usage_error("checks", "unknown format '%s' (text, json)", format);
	for (size_t i = 0; check_catalog[i]; i++) {
		const struct check_def *k = check_catalog[i];
		printf("%-22s %-8s %s\n", k->id, severity_name(k->severity), k->title);
		printf("%-31s finds:   %s\n", "", k->finds);
		printf("%-31s symptom: %s%s%s\n", "", k->symptom_code ? k->symptom_code : "",
		       k->symptom_code ? " " : "", k->symptom_text);
		printf("%-31s fix:     %s (%s%s)\n", "", k->fix->title, k->fix->id,
		       k->fix->automated ? ", automated" : "");
		if (k->refs && k->refs[0]) {
			printf("%-31s refs:   ", "");
			for (size_t r = 0; k->refs[r]; r++)
				printf(" %s%s", k->refs[r], k->refs[r + 1] ? ";" : "");
			putchar('\n');
		}
		putchar('\n');
	}
	return EXIT_CLEAN;
}
