/*
 * main.c - entry point: the subcommand table and top-level --help/--version.
 */
#include "cli/cmd.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command commands[] = {
	{ "audit", cmd_audit, "audit tenants (live or from snapshots) and report findings" },
	{ "collect", cmd_collect, "read tenants and write a snapshot (read only)" },
	{ "fix", cmd_fix, "plan the documented fixes; apply them with --apply" },
	{ "undo", cmd_undo, "revert the changes recorded in a fix journal" },
	{ "report", cmd_report, "render the run history: new, resolved, trend" },
	{ "checks", cmd_checks, "print the check catalog" },
	{ "explain", cmd_explain, "explain a bounce code (e.g. \"550 5.7.520\")" },
	{ "headers", cmd_headers, "diagnose a forwarded message from its raw headers" },
	{ "probe", cmd_probe, "ask a mail server whether it accepts addresses (RCPT TO, never DATA)" },
	{ "trace", cmd_trace, "follow mail sent to an address: the delivery tree and where it stops" },
};

static void print_help(FILE *f)
{
	fputs("usage: aliasaudit COMMAND [OPTIONS]\n\n"
	      "Audits how Microsoft 365 and Google Workspace route and send mail for\n"
	      "aliases, predicts which bounce each problem causes, and applies the\n"
	      "documented fixes on request.\n\ncommands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nexit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/credentials,\n"
	      "            3 incomplete (never reported as clean), 4 a fix or undo change failed\n"
	      "\nBounce in hand? 'aliasaudit explain \"550 5.7.520\"'. Message in hand?\n"
	      "'aliasaudit headers message.eml'. Run 'aliasaudit COMMAND --help' for options.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *sub[] = { argv[2], (char *)"--help", NULL };
			for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].run(2, sub);
		}
		print_help(stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("aliasaudit %s\n", ALIASAUDIT_VERSION);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, argv[1]))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "aliasaudit: '%s' is not a command (see 'aliasaudit --help')\n", argv[1]);
	return EXIT_USAGE;
}
