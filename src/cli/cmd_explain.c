/*
 * cmd_explain.c - 'aliasaudit explain CODE': what a bounce code means, its
 * causes, where to look, the fix, and which aliasaudit check finds the cause
 * in configuration. The knowledge lives in explain.c; this file parses the
 * command line and renders text (wrapped for a terminal) or JSON.
 *
 * Exit: 0 explained (or --list / --help); 2 no code, unknown or ambiguous
 * code, or a usage error - always one line on stderr.
 */
#include "cli/cmd.h"
#include "checks/explain.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRAP 78
#define INPUT_SHOWN 60 /* characters of the user's input quoted in errors */

static const char usage[] =
	"usage: aliasaudit explain [-f text|json] CODE|NDR-LINE...\n"
	"       aliasaudit explain --list [-f text|json]\n"
	"\n"
	"Explains a bounce (non-delivery report): the text the server sends, the\n"
	"causes, what to check, the fix, and which 'aliasaudit audit' check finds the\n"
	"cause in your configuration before the next bounce.\n"
	"\n"
	"CODE can be written as \"550 5.7.520\", \"550-5.7.520\", \"5.7.520\" or \"5.4.14\", or\n"
	"be a whole line from the NDR (the status code is found in it). Several\n"
	"arguments are joined with spaces.\n"
	"\n"
	"options:\n"
	"  -f, --format FMT  text (default) or json\n"
	"  -l, --list        list the codes this command knows\n"
	"  -h, --help        this help\n"
	"\n"
	"Mail accepted but vanished or in Spam? 'aliasaudit explain 250', and\n"
	"'aliasaudit headers message.eml' on a copy that arrived.\n";

/* printable - input shortened and with control characters replaced, for messages */
static char *printable(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	for (; *s && n < INPUT_SHOWN; s++, n++)
		strbuf_putf(&sb, "%c", ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
	if (*s)
		strbuf_puts(&sb, "...");
	return strbuf_detach(&sb, NULL);
}

/* put_wrapped - text after label, wrapped at WRAP columns, continuation indented */
static void put_wrapped(struct strbuf *sb, const char *indent, const char *label, const char *text)
{
	size_t col = strlen(indent) + strlen(label), ind = col;
	strbuf_putf(sb, "%s%s", indent, label);
	while (*text) {
		size_t w = strcspn(text, " ");
		if (col > ind && col + 1 + w > WRAP) {
			strbuf_putf(sb, "\n%*s", (int)ind, "");
			col = ind;
		} else if (col > ind) {
			strbuf_puts(sb, " ");
			col++;
		}
		strbuf_putf(sb, "%.*s", (int)w, text);
		col += w;
		text += w;
		while (*text == ' ')
			text++;
	}
	strbuf_puts(sb, "\n");
}

/* audit_hint - "aliasaudit audit --check a --check b" for the checks of e */
static char *audit_hint(const struct explain_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	const char *seen[EXPLAIN_MAX_CAUSES * EXPLAIN_MAX_CHECKS];
	size_t n = 0;
	for (const struct explain_cause *c = e->causes; c < e->causes + EXPLAIN_MAX_CAUSES && c->title; c++)
		for (size_t k = 0; k < EXPLAIN_MAX_CHECKS && c->checks[k]; k++) {
			size_t i;
			for (i = 0; i < n && strcmp(seen[i], c->checks[k]); i++)
				;
			if (i == n)
				seen[n++] = c->checks[k];
		}
	if (!n)
		return NULL;
	strbuf_puts(&sb, "aliasaudit audit");
	for (size_t i = 0; i < n; i++)
		strbuf_putf(&sb, " --check %s", seen[i]);
	return strbuf_detach(&sb, NULL);
}

/* render_text - the explanation for a terminal */
static void render_text(const struct explain_entry *e, const char *input)
{
	struct strbuf sb = STRBUF_INIT;
	char code[EXPLAIN_CODE_MAX];
	int nr = 0;

	strbuf_putf(&sb, "%s  %s\n", explain_code(e, code, sizeof(code)), e->title);
	if (!e->verified)
		strbuf_puts(&sb, "(unverified: this code is known from public logs only, not from "
			    "the vendor's documentation)\n");
	strbuf_puts(&sb, "\n");
	/* the bounce text stays on one line, exactly as servers write it */
	strbuf_putf(&sb, "Bounce text:\n  %s\n", e->text);
	put_wrapped(&sb, "", "Sent by: ", e->origin);
	for (const struct explain_cause *c = e->causes; c < e->causes + EXPLAIN_MAX_CAUSES && c->title; c++)
		nr++;
	for (int i = 0; i < nr; i++) {
		const struct explain_cause *c = &e->causes[i];
		char head[64];
		strbuf_puts(&sb, "\n");
		if (nr > 1)
			snprintf(head, sizeof(head), "Cause %d%s: ", i + 1,
				 explain_cause_matches(c, input) ? " (matches your text)" : "");
		else
			snprintf(head, sizeof(head), "Cause: ");
		put_wrapped(&sb, "", head, c->title);
		put_wrapped(&sb, "  ", "", c->detail);
		put_wrapped(&sb, "  ", "Check: ", c->look);
		put_wrapped(&sb, "  ", "Fix:   ", c->fix);
		if (c->checks[0]) {
			struct strbuf ids = STRBUF_INIT;
			for (size_t k = 0; k < EXPLAIN_MAX_CHECKS && c->checks[k]; k++)
				strbuf_putf(&ids, "%s%s", k ? ", " : "", c->checks[k]);
			put_wrapped(&sb, "  ", "Found in configuration by: ", ids.buf);
			strbuf_release(&ids);
		} else {
			put_wrapped(&sb, "  ", "", "(no aliasaudit check: this is outside what aliasaudit reads)");
		}
	}
	char *hint = audit_hint(e);
	if (hint) {
		strbuf_puts(&sb, "\nFind it before the next bounce:\n");
		strbuf_putf(&sb, "  %s\n", hint);
		free(hint);
	}
	if (e->see_also) {
		strbuf_puts(&sb, "\n");
		put_wrapped(&sb, "", "See also: ", e->see_also);
	}
	strbuf_puts(&sb, "\n");
	put_wrapped(&sb, "", "Source: ", e->source);
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

/* entry_json - one entry as a JSON object */
static cJSON *entry_json(const struct explain_entry *e, const char *input)
{
	cJSON *o = cJSON_CreateObject(), *causes = cJSON_CreateArray();
	char code[EXPLAIN_CODE_MAX];
	cJSON_AddStringToObject(o, "code", explain_code(e, code, sizeof(code)));
	if (e->basic)
		cJSON_AddStringToObject(o, "basic", e->basic);
	cJSON_AddStringToObject(o, "enhanced", e->enhanced);
	cJSON_AddStringToObject(o, "title", e->title);
	cJSON_AddStringToObject(o, "text", e->text);
	cJSON_AddStringToObject(o, "origin", e->origin);
	cJSON_AddBoolToObject(o, "verified", e->verified);
	for (const struct explain_cause *c = e->causes; c < e->causes + EXPLAIN_MAX_CAUSES && c->title; c++) {
		cJSON *jc = cJSON_CreateObject(), *ids = cJSON_CreateArray();
		cJSON_AddStringToObject(jc, "title", c->title);
		cJSON_AddStringToObject(jc, "detail", c->detail);
		cJSON_AddStringToObject(jc, "check", c->look);
		cJSON_AddStringToObject(jc, "fix", c->fix);
		for (size_t k = 0; k < EXPLAIN_MAX_CHECKS && c->checks[k]; k++)
			cJSON_AddItemToArray(ids, cJSON_CreateString(c->checks[k]));
		cJSON_AddItemToObject(jc, "checks", ids);
		if (input)
			cJSON_AddBoolToObject(jc, "matches_input", explain_cause_matches(c, input));
		cJSON_AddItemToArray(causes, jc);
	}
	cJSON_AddItemToObject(o, "causes", causes);
	char *hint = audit_hint(e);
	if (hint)
		cJSON_AddStringToObject(o, "audit", hint);
	else
		cJSON_AddNullToObject(o, "audit");
	free(hint);
	if (e->see_also)
		cJSON_AddStringToObject(o, "see_also", e->see_also);
	cJSON_AddStringToObject(o, "source", e->source);
	return o;
}

/* print_json - print v (pretty) and delete it */
static int print_json(cJSON *v)
{
	char *text = cJSON_Print(v);
	cJSON_Delete(v);
	if (!text)
		oom();
	puts(text);
	free(text);
	return 0;
}

/* list - every known code */
static int list(bool json)
{
	size_t n;
	const struct explain_entry *e = explain_entries(&n);
	char code[EXPLAIN_CODE_MAX];
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, entry_json(&e[i], NULL));
		return print_json(arr) ? EXIT_USAGE : EXIT_CLEAN;
	}
	for (size_t i = 0; i < n; i++)
		printf("%-12s %s%s\n", explain_code(&e[i], code, sizeof(code)), e[i].title,
		       e[i].verified ? "" : " (unverified)");
	return EXIT_CLEAN;
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, do_list = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:hl", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "text"))
				return usage_error("explain", "unknown format '%s' (want text or json)", optarg);
			break;
		case 'h':
			return cmd_exit(cmd_help(usage));
		case 'l':
			do_list = true;
			break;
		default:
			return usage_error("explain", "unknown option '%s'", argv[optind - 1]);
		}
	}
	/* options may also follow the code: "explain 5.7.520 -f json" */
	struct strbuf input = STRBUF_INIT;
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) {
			if (i + 1 >= argc) {
				strbuf_release(&input);
				return usage_error("explain", "%s needs an argument", argv[i]);
			}
			if (strcmp(argv[++i], "json") && strcmp(argv[i], "text")) {
				strbuf_release(&input);
				return usage_error("explain", "unknown format '%s' (want text or json)", argv[i]);
			}
			json = !strcmp(argv[i], "json");
			continue;
		}
		if (starts_with(argv[i], "--format=")) {
			const char *f = argv[i] + strlen("--format=");
			if (strcmp(f, "json") && strcmp(f, "text")) {
				strbuf_release(&input);
				return usage_error("explain", "unknown format '%s' (want text or json)", f);
			}
			json = !strcmp(f, "json");
			continue;
		}
		if (!strcmp(argv[i], "--list") || !strcmp(argv[i], "-l")) {
			do_list = true;
			continue;
		}
		strbuf_putf(&input, "%s%s", input.len ? " " : "", argv[i]);
	}
	if (do_list) {
		strbuf_release(&input);
		return list(json);
	}
	if (!input.len) {
		strbuf_release(&input);
		return usage_error("explain", "which code? e.g. 'aliasaudit explain \"550 5.7.520\"' "
				   "or 'aliasaudit explain --list'");
	}

	const struct explain_entry *e;
	char code[EXPLAIN_CODE_MAX];
	enum explain_result r = explain_lookup(input.buf, &e, code);
	int ret = EXIT_CLEAN;
	if (r == EXPLAIN_FOUND) {
		if (json) {
			cJSON *o = entry_json(e, input.buf);
			cJSON_AddStringToObject(o, "input", input.buf);
			if (print_json(o))
				ret = EXIT_USAGE;
		} else {
			render_text(e, input.buf);
		}
	} else {
		char *known = explain_known_list(NULL), *shown = printable(input.buf);
		if (r == EXPLAIN_AMBIGUOUS) {
			char *which = explain_known_list(code);
			error("explain: '%s' alone is ambiguous, give the enhanced code too: %s", code, which);
			free(which);
		} else if (r == EXPLAIN_UNKNOWN) {
			error("explain: unknown code '%s'; known codes: %s", code, known);
		} else {
			error("explain: no status code in '%s' (want e.g. \"550 5.7.520\"); known codes: %s",
			      shown, known);
		}
		free(known);
		free(shown);
		ret = EXIT_USAGE;
	}
	strbuf_release(&input);
	return ret;
}
