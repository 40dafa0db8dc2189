/* cmd_checks.c - the 'checks' command (placeholder; being written) */
#include "cmd.h"
#include <stdio.h>
int cmd_checks(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("aliasaudit checks: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
