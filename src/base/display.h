/*
 * display.h - text that is safe to show: UTF-8 decoding and the one rule for
 * which characters may reach a terminal, a log or a report as they are.
 *
 * "Unsafe to show" are: C0 controls and DEL (ESC sequences, CR/LF that forge
 * lines, BEL), C1 controls U+0080-U+009F, and the bidirectional controls
 * (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069) that reorder what a reader
 * sees (CVE-2021-42574, "Trojan Source"). They are shown as visible escapes:
 * \x1b, \r, \n, \t, \u202e. Invalid UTF-8 becomes U+FFFD.
 * Results are the caller's to free.
 */
#ifndef ALIASAUDIT_DISPLAY_H
#define ALIASAUDIT_DISPLAY_H

#include "base/strbuf.h"

#include <stdbool.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* utf8_next - decode one code point at *p (advancing *p); invalid -> U+FFFD */
unsigned utf8_next(const unsigned char **p);
/* utf8_put - append code point cp as UTF-8 */
void utf8_put(struct strbuf *sb, unsigned cp);
/* display_unsafe_cp - true for a code point that must not be shown as it is */
bool display_unsafe_cp(unsigned cp);
/* display_escape_cp - append the visible escape of an unsafe code point */
void display_escape_cp(struct strbuf *sb, unsigned cp);
/* display_put - append s with every unsafe character escaped */
void display_put(struct strbuf *sb, const char *s);
/* display_safe - s with every unsafe character escaped (never NULL) */
char *display_safe(const char *s);
/* display_is_safe - true when s has nothing to escape (valid UTF-8 too) */
bool display_is_safe(const char *s);
/* json_neutralise - a JSON text with C1 and bidirectional controls written as
 * \uXXXX escapes (they can only stand inside strings); other bytes unchanged.
 * Takes ownership of json, returns the result. */
char *json_neutralise(char *json);

#endif
