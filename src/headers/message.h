/*
 * message.h - reading the header block of an RFC 5322 message: lines end in
 * CRLF or LF, folded lines are unfolded, repeated fields are kept in order,
 * reading stops at the blank line that ends the header block. A leading mbox
 * "From " line is skipped. Input is bounded (HDR_MAX_BLOCK bytes, HDR_MAX_FIELDS
 * fields, HDR_MAX_FIELD_LEN bytes per unfolded field); hitting a cap adds a note.
 * Stored names and values are sanitised: control bytes and invalid UTF-8 become
 * '?', so every later stage (text, JSON) sees clean strings.
 *
 * Memory: the block owns its fields; hdr_block_release frees them.
 */
#ifndef ALIASAUDIT_HEADERS_MESSAGE_H
#define ALIASAUDIT_HEADERS_MESSAGE_H

#include "headers/notes.h"

#include <stdbool.h>
#include <stddef.h>

#define HDR_MAX_BLOCK (1024 * 1024)
#define HDR_MAX_FIELDS 2000
#define HDR_MAX_FIELD_LEN (64 * 1024)
#define HDR_MAX_NAME_LEN 200

struct hdr_field {
	char *name;   /* as written, e.g. "Authentication-Results" */
	char *value;  /* unfolded, trimmed */
	size_t line;  /* 1-based line of the field's first line */
};

struct hdr_block {
	struct hdr_field *fields; /* in file order: newest trace fields first */
	size_t nr, alloc;
	bool saw_end;  /* a blank line ended the block */
	bool capped;   /* some cap was hit */
};

void hdr_block_init(struct hdr_block *hb);
void hdr_block_release(struct hdr_block *hb);

/* hdr_block_parse - read the header block of buf[0..len) (need not be
 * NUL-terminated) into hb, noting what was skipped. Returns the number of
 * fields read (0: nothing that looks like a header field). */
size_t hdr_block_parse(struct hdr_block *hb, const char *buf, size_t len, struct hdr_notes *notes);

/* hdr_field_is - case-insensitive field name test */
bool hdr_field_is(const struct hdr_field *f, const char *name);

/* hdr_header_end - length of the header block in buf[0..len) including the
 * blank line, or 0 when the blank line is not (yet) in buf */
size_t hdr_header_end(const char *buf, size_t len);

#endif
