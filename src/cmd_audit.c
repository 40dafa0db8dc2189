/* cmd_audit.c - the 'audit' command (placeholder; being written) */
#include "cmd.h"
#include <stdio.h>
int cmd_audit(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("aliasaudit audit: not available in this build yet\n", stderr);
	return EXIT_USAGE;
}
