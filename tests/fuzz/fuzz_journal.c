/*
 * fuzz_journal.c - libFuzzer target for the fix journal reader (undo reads
 * journals that may be truncated, edited or corrupted).
 */
#include "core/journal.h"
#include "fuzz_file.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j;
	char *err = NULL;
	memset(&j, 0, sizeof(j));
	if (journal_load(&j, fuzz_file(".journal", data, size), false, &err) == 0)
		journal_close(&j);
	free(err);
	return 0;
}
