/*
 * cmd_report.c - the 'report' command. Placeholder until its issue lands: it says so
 * and exits 2 rather than pretending to work.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

int cmd_report(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: aliasaudit report ...\n\nnot available in this build yet");
		return EXIT_CLEAN;
	}
	fputs("aliasaudit report: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
