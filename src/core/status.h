/*
 * status.h - the process exit codes (the CLI contract; README "Exit codes")
 * and the one version string. Every layer may include it.
 */
#ifndef ALIASAUDIT_STATUS_H
#define ALIASAUDIT_STATUS_H

enum exit_code {
	EXIT_CLEAN = 0,       /* complete, nothing at or above --fail-on */
	EXIT_FINDINGS = 1,    /* complete, findings at or above --fail-on */
	EXIT_USAGE = 2,       /* usage, config or credential error */
	EXIT_INCOMPLETE = 3,  /* some collection failed or a check was not evaluated */
	EXIT_CHANGE_FAILED = 4, /* fix --apply / undo: a change failed */
};

/* ALIASAUDIT_VERSION - set by the Makefile from its VERSION */
#ifndef ALIASAUDIT_VERSION
#error "ALIASAUDIT_VERSION is defined by the Makefile (-DALIASAUDIT_VERSION=...)"
#endif

#endif
