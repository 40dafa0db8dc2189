/*
 * cmd.h - the subcommands. Each lives in src/cli/cmd_<name>.c, parses its own
 * options (getopt_long), answers --help, and returns the process exit code
 * of core/status.h.
 */
#ifndef ALIASAUDIT_CMD_H
#define ALIASAUDIT_CMD_H

#include "core/status.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_audit(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_undo(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_checks(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_headers(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_trace(int argc, char **argv);

/* usage_error - print "aliasaudit CMD: MSG" and a hint to --help; returns EXIT_USAGE */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The option helpers every command shares (cmd_opt.c). A command's option
 * parser returns 0 to go on, CMD_HELP after printing --help, or an exit code;
 * cmd_exit turns the last two into the process exit code. */
#define CMD_HELP (-1)
/* CMD_MAX_JOBS - the most parallel transfers -j may ask for (every command) */
#define CMD_MAX_JOBS 256
/* cmd_help - print usage on stdout; returns CMD_HELP */
int cmd_help(const char *usage);
/* cmd_exit - the exit code for a parser result other than 0: --help exits 0 */
int cmd_exit(int parse_result);
/* cmd_number - option opt of cmd as a whole number in [lo, hi] (*out), 0;
 * else a usage error (EXIT_USAGE) */
int cmd_number(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
/* cmd_jobs - -j/--jobs N: 1..CMD_MAX_JOBS; 0 or EXIT_USAGE */
int cmd_jobs(const char *cmd, const char *s, int *out);

#endif
