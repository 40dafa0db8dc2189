/*
 * cmd_opt.c - the option helpers every command shares (as git's
 * parse-options): one usage-error line, --help printed the same way and
 * exiting 0, whole-number
 * option values checked the same way, one -j range for every command.
 */
#include "cli/cmd.h"
#include "base/display.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *safe;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		oom();
	va_end(ap);
	safe = display_safe(msg); /* quotes the command line: never raw controls */
	fprintf(stderr, "aliasaudit %s: %s\n(see 'aliasaudit %s --help')\n", cmd, safe, cmd);
	free(safe);
	free(msg);
	return EXIT_USAGE;
}

int cmd_help(const char *usage)
{
	fputs(usage, stdout);
	return CMD_HELP;
}

int cmd_exit(int parse_result)
{
	return parse_result == CMD_HELP ? EXIT_CLEAN : parse_result;
}

int cmd_number(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return usage_error(cmd, "%s: want a number from %ld to %ld, got '%s'", opt, lo, hi, s);
	*out = v;
	return 0;
}

int cmd_jobs(const char *cmd, const char *s, int *out)
{
	long v;
	if (cmd_number(cmd, "--jobs", s, 1, CMD_MAX_JOBS, &v))
		return EXIT_USAGE;
	*out = (int)v;
	return 0;
}
