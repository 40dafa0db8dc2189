/*
 * notes.c - the bounded notes list of the headers command (see notes.h).
 */
#include "headers/notes.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* hdr_notes_init - an empty list */
void hdr_notes_init(struct hdr_notes *n)
{
	n->items = NULL;
	n->nr = n->alloc = 0;
	n->dropped = 0;
}

/* hdr_notes_release - free every note and re-init */
void hdr_notes_release(struct hdr_notes *n)
{
	for (size_t i = 0; i < n->nr; i++)
		free(n->items[i]);
	free(n->items);
	hdr_notes_init(n);
}

/* hdr_notes_add - append one note unless the list is full */
void hdr_notes_add(struct hdr_notes *n, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (n->nr >= HDR_NOTES_MAX) {
		n->dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		oom();
	ALLOC_GROW(n->items, n->nr + 1, n->alloc);
	n->items[n->nr++] = s;
}

/* hdr_snip - bounded printable copy of some input for a note */
char *hdr_snip(const char *s, size_t len)
{
	size_t n = len > HDR_SNIP_MAX ? HDR_SNIP_MAX : len;
	char *out = xmalloc(n + 4);
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (len > n) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}
