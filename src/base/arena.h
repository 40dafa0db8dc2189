/*
 * arena.h - bump allocator for objects that live and die together.
 *
 * A snapshot keeps every string and array it read in one arena, so a
 * million-recipient snapshot costs a few large allocations instead of millions,
 * and is freed in one call. Nothing allocated from an arena is freed alone.
 */
#ifndef ALIASAUDIT_ARENA_H
#define ALIASAUDIT_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
	size_t used_total; /* bytes handed out, for diagnostics */
};

#define ARENA_INIT { NULL, 0 }

/* arena_alloc - n zeroed bytes, aligned for any type; lives until arena_release */
void *arena_alloc(struct arena *a, size_t n);
/* arena_strdup/strndup - copies of s inside the arena (NULL stays NULL) */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* arena_release - free every block; the arena is empty and reusable afterwards */
void arena_release(struct arena *a);

#endif
