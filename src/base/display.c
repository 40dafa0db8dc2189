/*
 * display.c - UTF-8 decoding and escaping of characters unsafe to show
 * (display.h has the rule and why).
 */
#include "base/display.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* utf8_next - see display.h */
unsigned utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0], cp, min;
	int n;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
	else { *p = s + 1; return UTF8_REPLACEMENT; }
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + i;
			return UTF8_REPLACEMENT;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return UTF8_REPLACEMENT;
	return cp;
}

/* utf8_put - see display.h */
void utf8_put(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) { b[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
	else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	if (strbuf_add(sb, b, n))
		BUG("display buffer is capped");
}

/* display_unsafe_cp - see display.h */
bool display_unsafe_cp(unsigned cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* display_escape_cp - see display.h */
void display_escape_cp(struct strbuf *sb, unsigned cp)
{
	switch (cp) {
	case '\n': strbuf_puts(sb, "\\n"); return;
	case '\r': strbuf_puts(sb, "\\r"); return;
	case '\t': strbuf_puts(sb, "\\t"); return;
	}
	if (cp < 0x80)
		strbuf_putf(sb, "\\x%02x", cp);
	else
		strbuf_putf(sb, "\\u%04x", cp);
}

/* display_put - see display.h */
void display_put(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = utf8_next(&p);
		if (display_unsafe_cp(cp))
			display_escape_cp(sb, cp);
		else
			utf8_put(sb, cp);
	}
}

/* display_is_safe - see display.h */
bool display_is_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		if (*p >= 0x20 && *p < 0x7F) {
			p++;
			continue;
		}
		unsigned cp = utf8_next(&p);
		if (cp == UTF8_REPLACEMENT || display_unsafe_cp(cp))
			return false;
	}
	return true;
}

/* display_safe - see display.h */
char *display_safe(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	display_put(&sb, s);
	return strbuf_detach(&sb, NULL);
}

/* json_needs_neutralising - true when s holds a C1 or bidirectional control
 * (the only unsafe characters JSON text carries raw): their UTF-8 forms begin
 * with 0xC2 (U+0080-U+009F), 0xD8 (U+061C) or 0xE2 (U+200E.., U+202A.., U+2066..) */
static bool json_needs_neutralising(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p != 0xC2 && *p != 0xD8 && *p != 0xE2)
			continue;
		const unsigned char *q = p;
		unsigned cp = utf8_next(&q);
		if (cp >= 0x80 && display_unsafe_cp(cp))
			return true;
	}
	return false;
}

/* json_neutralise - see display.h */
char *json_neutralise(char *json)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p, *run;
	if (!json || !json_needs_neutralising(json))
		return json;
	p = run = (const unsigned char *)json;
	while (*p) {
		const unsigned char *at = p;
		unsigned cp = *p < 0x80 ? *p++ : utf8_next(&p);
		if (cp >= 0x80 && display_unsafe_cp(cp)) {
			if (strbuf_add(&sb, run, (size_t)(at - run)))
				BUG("display buffer is capped");
			strbuf_putf(&sb, "\\u%04x", cp);
			run = p;
		}
	}
	if (strbuf_add(&sb, run, (size_t)(p - run)))
		BUG("display buffer is capped");
	free(json);
	return strbuf_detach(&sb, NULL);
}
