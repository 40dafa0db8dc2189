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

/* usage_error - print "aliasaudit CMD: MSG" and a hint to --help; returns EXIT_USAGE */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
