/*
 * cmd.h - the subcommands. Each lives in src/cmd_<name>.c, parses its own
 * options (getopt_long), answers --help, and returns the process exit code
 * of product.md §2.
 */
#ifndef ALIASAUDIT_CMD_H
#define ALIASAUDIT_CMD_H

enum exit_code {
	EXIT_CLEAN = 0,       /* complete, nothing at or above --fail-on */
	EXIT_FINDINGS = 1,    /* complete, findings at or above --fail-on */
	EXIT_USAGE = 2,       /* usage, config or credential error */
	EXIT_INCOMPLETE = 3,  /* some collection failed or a check was not evaluated */
	EXIT_CHANGE_FAILED = 4, /* fix --apply / undo: a change failed */
};

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

/* usage_error - print "aliasaudit CMD: MSG" and a hint to --help; returns EXIT_USAGE */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ALIASAUDIT_VERSION "0.1.0"

#endif
