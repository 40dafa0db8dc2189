/*
 * message.c - the header block reader: line splitting (CRLF/LF), unfolding,
 * caps and sanitising (see message.h).
 */
#include "headers/message.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* hdr_block_init - an empty block */
void hdr_block_init(struct hdr_block *hb)
{
	hb->fields = NULL;
	hb->nr = hb->alloc = 0;
	hb->saw_end = false;
	hb->capped = false;
}

/* hdr_block_release - free every field and re-init */
void hdr_block_release(struct hdr_block *hb)
{
	for (size_t i = 0; i < hb->nr; i++) {
		free(hb->fields[i].name);
		free(hb->fields[i].value);
	}
	free(hb->fields);
	hdr_block_init(hb);
}

/* hdr_field_is - case-insensitive name comparison */
bool hdr_field_is(const struct hdr_field *f, const char *name)
{
	return strcasecmp(f->name, name) == 0;
}

/* utf8_seq_len - length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t need;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

/* sanitize - copy s[0..len) trimmed of outer whitespace, with TAB as space,
 * other control bytes and invalid UTF-8 as '?'; caller frees */
static char *sanitize(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out;
	size_t o = 0;

	while (len && (u[0] == ' ' || u[0] == '\t')) {
		u++;
		len--;
	}
	while (len && (u[len - 1] == ' ' || u[len - 1] == '\t'))
		len--;
	out = xmalloc(len + 1);
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq_len(u + i, len - i);
		if (k == 0) {
			out[o++] = '?';
			i++;
		} else if (k == 1) {
			unsigned char c = u[i++];
			out[o++] = c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
		} else {
			memcpy(out + o, u + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	return out;
}

/* valid_name - true when s[0..len) is a field name (printable ASCII, no colon) */
static bool valid_name(const char *s, size_t len)
{
	if (len == 0 || len > HDR_MAX_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126 || c == ':')
			return false;
	}
	return true;
}

/* hdr_header_end - offset just past the blank line ending the block, or 0 */
size_t hdr_header_end(const char *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end;
		if (!nl)
			return 0;
		end = (size_t)(nl - buf);
		if (end == pos || (end == pos + 1 && buf[pos] == '\r'))
			return end + 1;
		pos = end + 1;
	}
	return 0;
}

struct reader {
	struct hdr_block *hb;
	struct hdr_notes *notes;
	struct strbuf val;   /* the current field's unfolded value */
	char *name;          /* the current field's name, NULL when none */
	size_t line;
	bool val_capped;
	bool fields_capped;
};

/* finish_field - store the current field (if any) in the block */
static void finish_field(struct reader *r)
{
	struct hdr_block *hb = r->hb;

	if (!r->name)
		return;
	if (hb->nr >= HDR_MAX_FIELDS) {
		if (!r->fields_capped)
			hdr_notes_add(r->notes, "more than %d header fields; the rest were ignored",
				      HDR_MAX_FIELDS);
		r->fields_capped = true;
		hb->capped = true;
	} else {
		ALLOC_GROW(hb->fields, hb->nr + 1, hb->alloc);
		hb->fields[hb->nr].name = r->name;
		hb->fields[hb->nr].value = sanitize(r->val.buf, r->val.len);
		hb->fields[hb->nr].line = r->line;
		hb->nr++;
		r->name = NULL;
	}
	FREE_AND_NULL(r->name);
	strbuf_reset(&r->val);
	r->val_capped = false;
}

/* append_value - add one (part of a) line to the current value, noting the cap once */
static void append_value(struct reader *r, const char *s, size_t len)
{
	if (r->val_capped)
		return;
	if (strbuf_add(&r->val, s, len) < 0) {
		char *n = hdr_snip(r->name, strlen(r->name));
		hdr_notes_add(r->notes, "line %zu: field '%s' is longer than %d bytes; truncated",
			      r->line, n, HDR_MAX_FIELD_LEN);
		free(n);
		r->val_capped = true;
		r->hb->capped = true;
	}
}

/* hdr_block_parse - split, unfold and store the header fields of buf */
size_t hdr_block_parse(struct hdr_block *hb, const char *buf, size_t len, struct hdr_notes *notes)
{
	struct reader r = { .hb = hb, .notes = notes };
	size_t pos = 0, lineno = 0;
	bool skipping = false; /* inside a skipped garbage line's continuation */
	bool nul_noted = false;

	strbuf_init(&r.val, HDR_MAX_FIELD_LEN);
	if (len > HDR_MAX_BLOCK) {
		hdr_notes_add(notes, "input is larger than %d bytes; only the first %d bytes were read",
			      HDR_MAX_BLOCK, HDR_MAX_BLOCK);
		len = HDR_MAX_BLOCK;
		hb->capped = true;
	}
	if (len >= 5 && !memcmp(buf, "From ", 5)) {
		const char *nl = memchr(buf, '\n', len);
		pos = nl ? (size_t)(nl - buf) + 1 : len;
		lineno = 1;
		hdr_notes_add(notes, "line 1: mbox 'From ' separator line skipped");
	}
	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (!nul_noted && memchr(line, '\0', n)) {
			hdr_notes_add(notes, "line %zu: NUL bytes in the header block (shown as '?')", lineno);
			nul_noted = true;
		}
		if (n == 0) {
			hb->saw_end = true;
			break;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			if (r.name)
				append_value(&r, line, n);
			else if (!skipping)
				hdr_notes_add(notes, "line %zu: continuation line with no header field before it; skipped",
					      lineno);
			continue;
		}
		finish_field(&r);
		skipping = false;
		{
			const char *colon = memchr(line, ':', n);
			size_t nl_len = colon ? (size_t)(colon - line) : 0;
			while (nl_len && (line[nl_len - 1] == ' ' || line[nl_len - 1] == '\t'))
				nl_len--; /* obsolete "Name :" syntax */
			if (!colon || !valid_name(line, nl_len)) {
				char *s = hdr_snip(line, n);
				hdr_notes_add(notes, "line %zu: not a header field, skipped: '%s'", lineno, s);
				free(s);
				skipping = true;
				continue;
			}
			r.name = xstrndup(line, nl_len);
			r.line = lineno;
			append_value(&r, colon + 1, n - (size_t)(colon - line) - 1);
		}
	}
	finish_field(&r);
	strbuf_release(&r.val);
	return hb->nr;
}
