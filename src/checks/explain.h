/*
 * explain.h - the bounce-code knowledge base behind 'aliasaudit explain'.
 *
 * One entry per status code: the text the server generates, the causes,
 * where to look, the fix, and which aliasaudit checks ('aliasaudit checks') find
 * the cause in configuration before anyone gets the bounce, and the public
 * source each entry follows. All data is static; nothing here
 * allocates except explain_known_list.
 */
#ifndef ALIASAUDIT_EXPLAIN_H
#define ALIASAUDIT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#define EXPLAIN_MAX_CAUSES 5
#define EXPLAIN_MAX_CHECKS 4

struct explain_cause {
	const char *title;   /* one line */
	const char *detail;  /* what happens */
	const char *look;    /* what to check: admin-console path and/or cmdlet */
	const char *fix;
	const char *checks[EXPLAIN_MAX_CHECKS]; /* check ids that find it (NULL-terminated; none: no check) */
	const char *match;   /* text in an NDR line that singles this cause out (NULL: none) */
};

struct explain_entry {
	const char *basic;    /* "550"; NULL when servers use several */
	const char *enhanced; /* "5.7.520" (RFC 3463 class.subject.detail) */
	const char *title;
	const char *text;     /* the bounce text as generated */
	const char *origin;   /* which server generates it */
	const char *source;   /* where the facts come from */
	bool verified;        /* false: seen in public logs only */
	const char *see_also; /* e.g. the headers command; may be NULL */
	struct explain_cause causes[EXPLAIN_MAX_CAUSES]; /* ends at title == NULL */
};

/* explain_entries - the table, in display order */
const struct explain_entry *explain_entries(size_t *n);

/* EXPLAIN_CODE_MAX - room for any code explain prints ("headers.dmarc-fail-quarantine") */
#define EXPLAIN_CODE_MAX 48
/* explain_code - "550 5.7.520" or "5.4.6" for e (into buf of size >= EXPLAIN_CODE_MAX) */
const char *explain_code(const struct explain_entry *e, char *buf, size_t size);

/* explain_find_status - find the first status code in text: an enhanced code
 * (x.y.z, class 2, 4 or 5, not part of a longer number or an IP address) and
 * the basic code just before it (550, 550-, 550 #). Fills enhanced/basic (""
 * when absent); returns true if either was found. */
bool explain_find_status(const char *text, char enhanced[16], char basic[4]);

enum explain_result {
	EXPLAIN_FOUND = 0,
	EXPLAIN_NO_CODE,    /* no status code in the input */
	EXPLAIN_UNKNOWN,    /* a code, but not one we know */
	EXPLAIN_AMBIGUOUS,  /* only a basic code (550) that several entries use */
};

/* explain_lookup - the entry for user input: a code in any usual form or a
 * whole NDR line (the first known enhanced code in it wins). *out is set on
 * EXPLAIN_FOUND; code receives the code that was looked at (for messages). */
enum explain_result explain_lookup(const char *input, const struct explain_entry **out,
				   char code[EXPLAIN_CODE_MAX]);

/* explain_cause_matches - true when input names cause c specifically */
bool explain_cause_matches(const struct explain_cause *c, const char *input);

/* explain_known_list - "550 5.7.520, 554 5.4.14, ..." (caller frees); with basic
 * non-NULL, only the entries using that basic code */
char *explain_known_list(const char *basic);

#endif
