/*
 * authres.c - the RFC 8601 Authentication-Results parser (see authres.h):
 * a cursor over the field value with CFWS skipping, token and quoted-string
 * reading, and a liberal resinfo loop that notes what it skips.
 */
#include "headers/authres.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cursor {
	const char *p;
	struct hdr_notes *notes;
	const char *what;       /* field name for notes */
	struct strbuf *comment; /* where comments go; NULL to drop them */
	bool noted_comment;     /* unterminated comment noted */
	bool noted_props;       /* the property cap was noted for this result */
	bool noted_results;     /* the result cap was noted */
};

/* hdr_authres_init - an empty result set */
void hdr_authres_init(struct authres *ar)
{
	memset(ar, 0, sizeof(*ar));
}

/* result_release - free one result */
static void result_release(struct ar_result *r)
{
	free(r->method);
	free(r->result);
	free(r->reason);
	free(r->comment);
	for (size_t i = 0; i < r->nr_props; i++) {
		free(r->props[i].ptype);
		free(r->props[i].property);
		free(r->props[i].value);
	}
	free(r->props);
}

/* hdr_authres_release - free everything and re-init */
void hdr_authres_release(struct authres *ar)
{
	for (size_t i = 0; i < ar->nr; i++)
		result_release(&ar->results[i]);
	free(ar->results);
	free(ar->authserv_id);
	hdr_authres_init(ar);
}

/* is_wsp - folding whitespace (CR/LF only survive in hand-made input) */
static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* add_comment - append comment text to the cursor's comment buffer */
static void add_comment(struct cursor *c, const char *s, size_t len)
{
	if (!c->comment || !len)
		return;
	if (c->comment->len && strbuf_add(c->comment, "; ", 2) < 0)
		return;
	if (strbuf_add(c->comment, s, len) < 0)
		return; /* longer than AR_MAX_COMMENT: the rest is dropped */
}

/* skip_cfws - skip whitespace and (nested, quoted-pair aware) comments */
static void skip_cfws(struct cursor *c)
{
	for (;;) {
		const char *start;
		int depth = 0;

		while (is_wsp(*c->p))
			c->p++;
		if (*c->p != '(')
			return;
		start = c->p + 1;
		for (;;) {
			char ch = *c->p;
			if (!ch) {
				if (!c->noted_comment)
					hdr_notes_add(c->notes, "%s: unterminated comment", c->what);
				c->noted_comment = true;
				add_comment(c, start, (size_t)(c->p - start));
				return;
			}
			if (ch == '\\' && c->p[1]) {
				c->p += 2;
				continue;
			}
			c->p++;
			if (ch == '(') {
				depth++;
			} else if (ch == ')' && --depth == 0) {
				add_comment(c, start, (size_t)(c->p - 1 - start));
				break;
			}
		}
	}
}

/* read_word - a run of token characters, stopping at whitespace, '(', ';',
 * '"' and any character in stops; NULL (nothing consumed) when empty */
static char *read_word(struct cursor *c, const char *stops)
{
	const char *start = c->p;

	while (*c->p && !is_wsp(*c->p) && *c->p != '(' && *c->p != ';' && *c->p != '"' &&
	       !strchr(stops, *c->p))
		c->p++;
	return c->p > start ? xstrndup(start, (size_t)(c->p - start)) : NULL;
}

/* read_quoted - a quoted-string at c->p (which is '"'), unquoted */
static char *read_quoted(struct cursor *c)
{
	struct strbuf sb = STRBUF_INIT;
	bool full = false;

	strbuf_init(&sb, AR_MAX_COMMENT);
	c->p++;
	while (*c->p && *c->p != '"') {
		if (*c->p == '\\' && c->p[1])
			c->p++;
		if (!full && strbuf_addch(&sb, *c->p) < 0)
			full = true;
		c->p++;
	}
	if (*c->p == '"')
		c->p++;
	else
		hdr_notes_add(c->notes, "%s: unterminated quoted string", c->what);
	return strbuf_detach(&sb, NULL);
}

/* read_value - a pvalue: quoted string or token-ish word ('=' '/' '@' allowed),
 * or a quoted local-part followed by "@domain"; never NULL */
static char *read_value(struct cursor *c)
{
	char *v;

	if (*c->p == '"') {
		v = read_quoted(c);
		if (*c->p == '@') {
			char *dom = read_word(c, "");
			char *both = xstrfmt("%s%s", v, dom ? dom : "");
			free(v);
			free(dom);
			return both;
		}
		return v;
	}
	v = read_word(c, "");
	return v ? v : xstrdup("");
}

/* read_digits - a version number (at most 9 digits); -1 when none */
static int read_digits(struct cursor *c)
{
	int v = 0, n = 0;

	while (isdigit((unsigned char)*c->p)) {
		if (n < 9)
			v = v * 10 + (*c->p - '0');
		n++;
		c->p++;
	}
	return n ? v : -1;
}

/* skip_to_semicolon - skip to the next ';' outside quotes and comments */
static void skip_to_semicolon(struct cursor *c)
{
	struct strbuf *saved = c->comment;

	c->comment = NULL;
	while (*c->p && *c->p != ';') {
		if (*c->p == '"') {
			free(read_quoted(c));
		} else if (*c->p == '(') {
			skip_cfws(c);
		} else {
			c->p++;
		}
	}
	c->comment = saved;
}

/* note_skip - note the text from start to the next ';' as skipped */
static void note_skip(struct cursor *c, const char *start, const char *why)
{
	const char *end = strchr(start, ';');
	size_t len = end ? (size_t)(end - start) : strlen(start);
	char *s = hdr_snip(start, len);
	hdr_notes_add(c->notes, "%s: %s: '%s'", c->what, why, s);
	free(s);
}

/* add_prop - append a property to r (bounded); takes ownership of the strings */
static void add_prop(struct cursor *c, struct ar_result *r, char *ptype, char *property, char *value)
{
	if (r->nr_props >= AR_MAX_PROPS) {
		if (!c->noted_props)
			hdr_notes_add(c->notes, "%s: more than %d properties in a '%s' result; the rest were ignored",
				      c->what, AR_MAX_PROPS, r->method);
		c->noted_props = true;
		free(ptype);
		free(property);
		free(value);
		return;
	}
	lowercase_ascii(ptype);
	lowercase_ascii(property);
	ALLOC_GROW(r->props, r->nr_props + 1, r->alloc_props);
	r->props[r->nr_props].ptype = ptype;
	r->props[r->nr_props].property = property;
	r->props[r->nr_props].value = value;
	r->nr_props++;
}

/* parse_props - reason= and ptype.property=value words up to ';' or the end */
static void parse_props(struct cursor *c, struct ar_result *r)
{
	bool noted_stray = false;

	for (;;) {
		char *name;
		const char *word_start;

		skip_cfws(c);
		if (!*c->p || *c->p == ';')
			return;
		word_start = c->p;
		name = read_word(c, ".=/");
		if (!name) {
			/* a stray special character: skip it (a quoted string whole) */
			if (!noted_stray)
				note_skip(c, word_start, "unexpected text in a result, skipped");
			noted_stray = true;
			if (*c->p == '"')
				free(read_quoted(c));
			else
				c->p++;
			continue;
		}
		skip_cfws(c);
		if (*c->p == '.') {
			char *property;
			c->p++;
			skip_cfws(c);
			property = read_word(c, "=");
			skip_cfws(c);
			if (!property || *c->p != '=') {
				if (!noted_stray)
					note_skip(c, word_start, "property without '=value', skipped");
				noted_stray = true;
				free(name);
				free(property);
				continue;
			}
			c->p++;
			skip_cfws(c);
			add_prop(c, r, name, property, read_value(c));
		} else if (*c->p == '=') {
			c->p++;
			skip_cfws(c);
			if (!strcasecmp(name, "reason") && !r->reason) {
				r->reason = read_value(c);
				free(name);
			} else {
				add_prop(c, r, xstrdup(""), name, read_value(c));
			}
		} else {
			if (!noted_stray)
				note_skip(c, word_start, "stray word in a result, ignored");
			noted_stray = true;
			free(name);
		}
	}
}

/* parse_resinfo - one "method[/v]=result ..." up to ';' or the end */
static void parse_resinfo(struct cursor *c, struct authres *ar)
{
	const char *start = c->p;
	struct strbuf comment = STRBUF_INIT;
	struct ar_result r;
	char *method, *result;
	int version = 0;

	memset(&r, 0, sizeof(r));
	c->noted_props = false;
	method = read_word(c, "=/.");
	if (!method) {
		note_skip(c, start, "not a result, skipped");
		if (*c->p && *c->p != ';')
			c->p++;
		skip_to_semicolon(c);
		return;
	}
	strbuf_init(&comment, AR_MAX_COMMENT);
	c->comment = &comment;
	skip_cfws(c);
	if (!strcasecmp(method, "none") && (!*c->p || *c->p == ';') && ar->nr == 0) {
		ar->none = true;
		goto out;
	}
	if (*c->p == '/') {
		c->p++;
		skip_cfws(c);
		version = read_digits(c);
		if (version < 0) {
			note_skip(c, start, "bad method version, result skipped");
			goto skip;
		}
		skip_cfws(c);
	}
	if (*c->p != '=') {
		note_skip(c, start, "no '=result', skipped");
		goto skip;
	}
	c->p++;
	skip_cfws(c);
	result = read_word(c, "=/.");
	if (!result) {
		note_skip(c, start, "empty result, skipped");
		goto skip;
	}
	if (ar->nr >= AR_MAX_RESULTS) {
		if (!c->noted_results)
			hdr_notes_add(c->notes, "%s: more than %d results; the rest were ignored",
				      c->what, AR_MAX_RESULTS);
		c->noted_results = true;
		free(result);
		goto skip;
	}
	r.method = lowercase_ascii(method);
	method = NULL;
	r.version = version;
	r.result = lowercase_ascii(result);
	parse_props(c, &r);
	r.comment = comment.len ? strbuf_detach(&comment, NULL) : NULL;
	ALLOC_GROW(ar->results, ar->nr + 1, ar->alloc);
	ar->results[ar->nr++] = r;
	goto out;
skip:
	skip_to_semicolon(c);
out:
	c->comment = NULL;
	free(method);
	strbuf_release(&comment);
}

/* looks_like_method - true when the cursor is at "word [CFWS] =" or "word /" (no authserv-id) */
static bool looks_like_method(struct cursor *c)
{
	struct cursor peek = *c;
	char *w;
	bool yes;

	peek.comment = NULL;
	peek.notes = NULL;
	w = read_word(&peek, "=/");
	if (!w)
		return false;
	free(w);
	/* skip_cfws notes an unterminated comment: do it only when one would end */
	while (is_wsp(*peek.p))
		peek.p++;
	yes = *peek.p == '=' || *peek.p == '/';
	return yes;
}

/* hdr_authres_parse - see authres.h */
int hdr_authres_parse(struct authres *ar, const char *value, const char *what,
		      struct hdr_notes *notes)
{
	struct cursor c = { .p = value, .notes = notes, .what = what };

	skip_cfws(&c);
	if (!*c.p) {
		hdr_notes_add(notes, "%s: empty field", what);
		return -1;
	}
	if (looks_like_method(&c)) {
		hdr_notes_add(notes, "%s: no authserv-id (Outlook style); results read anyway", what);
	} else if (*c.p != ';') {
		ar->authserv_id = *c.p == '"' ? read_quoted(&c) : read_word(&c, "");
		skip_cfws(&c);
		if (isdigit((unsigned char)*c.p)) {
			ar->version = read_digits(&c);
			skip_cfws(&c);
		}
		if (ar->authserv_id && !strcasecmp(ar->authserv_id, "none") && !*c.p) {
			/* "Authentication-Results: none": liberal reading of the no-result form */
			FREE_AND_NULL(ar->authserv_id);
			ar->none = true;
			hdr_notes_add(notes, "%s: 'none' without an authserv-id", what);
			return 0;
		}
		if (!*c.p) {
			hdr_notes_add(notes, "%s: authserv-id but no results", what);
			return -1;
		}
		if (*c.p != ';') {
			note_skip(&c, c.p, "unexpected text after the authserv-id, skipped");
			skip_to_semicolon(&c);
		}
	} else {
		hdr_notes_add(notes, "%s: empty authserv-id", what);
	}
	/* here c.p is at ';' (or at the first method when there was no authserv-id) */
	if (*c.p != ';' && *c.p)
		parse_resinfo(&c, ar);
	while (*c.p == ';') {
		c.p++;
		skip_cfws(&c);
		if (!*c.p || *c.p == ';')
			continue;
		parse_resinfo(&c, ar);
	}
	if (ar->nr == 0 && !ar->none) {
		hdr_notes_add(notes, "%s: no results could be read", what);
		return -1;
	}
	return 0;
}

/* hdr_arc_authres_parse - strip "i=N;" then parse as Authentication-Results */
int hdr_arc_authres_parse(struct authres *ar, const char *value, struct hdr_notes *notes)
{
	const char *what = "ARC-Authentication-Results";
	const char *p = value;
	int inst = -1;

	while (is_wsp(*p))
		p++;
	if ((*p == 'i' || *p == 'I')) {
		const char *q = p + 1;
		while (is_wsp(*q))
			q++;
		if (*q == '=') {
			struct cursor c = { .p = q + 1, .notes = notes, .what = what };
			skip_cfws(&c);
			inst = read_digits(&c);
			skip_cfws(&c);
			if (*c.p == ';')
				c.p++;
			p = c.p;
		}
	}
	if (inst < 0)
		hdr_notes_add(notes, "%s: no 'i=' instance tag", what);
	ar->instance = inst < 0 ? 0 : inst;
	return hdr_authres_parse(ar, p, what, notes);
}

/* hdr_ar_prop - first value of ptype.property in r */
const char *hdr_ar_prop(const struct ar_result *r, const char *ptype, const char *property)
{
	for (size_t i = 0; i < r->nr_props; i++)
		if (!strcasecmp(r->props[i].ptype, ptype) && !strcasecmp(r->props[i].property, property))
			return r->props[i].value;
	return NULL;
}
