/*
 * fuzz_file.h - for targets whose parser reads a path: the input written to
 * one file per process (created once, rewritten for each input).
 */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* fuzz_file - the path of a file now holding data[0..size) */
static inline const char *fuzz_file(const char *suffix, const uint8_t *data, size_t size)
{
	static char path[128];
	FILE *f;
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/aliasaudit-fuzz-%ld%s", (long)getpid(), suffix);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	return path;
}

#endif
