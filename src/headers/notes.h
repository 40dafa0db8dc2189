/*
 * notes.h - the "notes" list of the headers command: what could not be read,
 * what was skipped and which cap was hit. Bounded (HDR_NOTES_MAX entries;
 * the rest are counted in 'dropped'), so hostile input cannot grow it.
 *
 * Memory: the list owns its strings; hdr_notes_release frees them.
 */
#ifndef ALIASAUDIT_HEADERS_NOTES_H
#define ALIASAUDIT_HEADERS_NOTES_H

#include <stddef.h>

#define HDR_NOTES_MAX 100
#define HDR_SNIP_MAX 60

struct hdr_notes {
	char **items;
	size_t nr, alloc;
	size_t dropped; /* notes not kept because the list was full */
};

void hdr_notes_init(struct hdr_notes *n);
void hdr_notes_release(struct hdr_notes *n);
/* hdr_notes_add - append a formatted note (dropped and counted when full) */
void hdr_notes_add(struct hdr_notes *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hdr_snip - a printable, bounded copy of s[0..len) for quoting input in a note
 * (control and non-ASCII bytes become '?', longer text ends in "..."); caller frees */
char *hdr_snip(const char *s, size_t len);

#endif
