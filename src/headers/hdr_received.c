/*
 * received.c - parsing of Received and Received-SPF trace fields and of
 * DKIM-style tag lists (ARC-Seal) for the headers command (see received.h).
 */
#include "headers/received.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* hdr_received_init - all parts absent */
void hdr_received_init(struct received *r)
{
	memset(r, 0, sizeof(*r));
}

/* hdr_received_release - free the parts and re-init */
void hdr_received_release(struct received *r)
{
	free(r->from);
	free(r->from_comment);
	free(r->by);
	free(r->via);
	free(r->with);
	free(r->id);
	free(r->for_addr);
	free(r->date);
	hdr_received_init(r);
}

/* comment_end - p at '('; the position after the matching ')' (or the end) */
static const char *comment_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

/* last_semicolon - the last ';' outside comments, or NULL */
static const char *last_semicolon(const char *s)
{
	const char *last = NULL;

	for (const char *p = s; *p;) {
		if (*p == '(') {
			p = comment_end(p);
		} else {
			if (*p == ';')
				last = p;
			p++;
		}
	}
	return last;
}

enum clause { CL_NONE, CL_FROM, CL_BY, CL_VIA, CL_WITH, CL_ID, CL_FOR };

/* clause_of - the clause a keyword starts, CL_NONE if the word is not one */
static enum clause clause_of(const char *w, size_t n)
{
	static const struct { const char *kw; enum clause cl; } kws[] = {
		{ "from", CL_FROM }, { "by", CL_BY }, { "via", CL_VIA },
		{ "with", CL_WITH }, { "id", CL_ID }, { "for", CL_FOR },
	};
	for (size_t i = 0; i < ARRAY_SIZE(kws); i++)
		if (strlen(kws[i].kw) == n && !strncasecmp(w, kws[i].kw, n))
			return kws[i].cl;
	return CL_NONE;
}

/* clause_slot - where the words of a clause are collected */
static char **clause_slot(struct received *r, enum clause cl)
{
	switch (cl) {
	case CL_FROM: return &r->from;
	case CL_BY: return &r->by;
	case CL_VIA: return &r->via;
	case CL_WITH: return &r->with;
	case CL_ID: return &r->id;
	case CL_FOR: return &r->for_addr;
	default: return NULL;
	}
}

/* append_word - add a word to a clause value: the host clauses keep only
 * their first word, the others collect words separated by spaces (bounded) */
static void append_word(char **slot, enum clause cl, const char *w, size_t n)
{
	size_t old;

	if (!*slot) {
		*slot = xstrndup(w, n);
		return;
	}
	if (cl == CL_FROM || cl == CL_BY || cl == CL_ID || cl == CL_FOR)
		return;
	old = strlen(*slot);
	if (old + 1 + n > RCV_MAX_CLAUSE)
		return;
	*slot = xrealloc(*slot, old + n + 2);
	(*slot)[old] = ' ';
	memcpy(*slot + old + 1, w, n);
	(*slot)[old + n + 1] = '\0';
}

/* strip_angle - "<a@b>" -> "a@b" in place */
static void strip_angle(char *s)
{
	size_t n;

	if (!s || s[0] != '<')
		return;
	n = strlen(s);
	memmove(s, s + 1, n);
	n--;
	if (n && s[n - 1] == '>')
		s[n - 1] = '\0';
}

/* hdr_received_parse - clause words, comments and the date */
void hdr_received_parse(struct received *r, const char *value)
{
	const char *semi = last_semicolon(value);
	const char *end = semi ? semi : value + strlen(value);
	enum clause cl = CL_NONE;
	const char *p = value;

	if (semi) {
		const char *d = semi + 1;
		size_t n;
		while (isspace((unsigned char)*d))
			d++;
		n = strlen(d);
		while (n && isspace((unsigned char)d[n - 1]))
			n--;
		if (n)
			r->date = xstrndup(d, n > RCV_MAX_CLAUSE ? RCV_MAX_CLAUSE : n);
	}
	while (p < end) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '(') {
			const char *ce = comment_end(p);
			if (ce > end)
				ce = end;
			if (cl == CL_FROM && !r->from_comment) {
				size_t n = (size_t)(ce - p);
				if (n >= 2 && ce[-1] == ')')
					n -= 2;
				else
					n -= 1;
				r->from_comment = xstrndup(p + 1, n > RCV_MAX_CLAUSE ? RCV_MAX_CLAUSE : n);
				if (!r->from_ip[0] && !hdr_ip_find(r->from_comment, r->from_ip))
					r->from_ip[0] = '\0';
			}
			p = ce;
		} else {
			const char *w = p;
			size_t n;
			while (p < end && !isspace((unsigned char)*p) && *p != '(')
				p++;
			n = (size_t)(p - w);
			if (clause_of(w, n) != CL_NONE) {
				cl = clause_of(w, n);
				continue;
			}
			if (clause_slot(r, cl)) {
				append_word(clause_slot(r, cl), cl, w, n);
				if (cl == CL_FROM && !r->from_ip[0] && w[0] == '[' && n > 2 && w[n - 1] == ']' &&
				    !hdr_ip_valid(w + 1, n - 2, r->from_ip))
					r->from_ip[0] = '\0';
			}
		}
	}
	strip_angle(r->for_addr);
}

/* hdr_received_spf_init - all parts absent */
void hdr_received_spf_init(struct received_spf *s)
{
	memset(s, 0, sizeof(*s));
}

/* hdr_received_spf_release - free the parts and re-init */
void hdr_received_spf_release(struct received_spf *s)
{
	free(s->result);
	free(s->comment);
	free(s->client_ip);
	free(s->envelope_from);
	free(s->helo);
	free(s->receiver);
	hdr_received_spf_init(s);
}

/* hdr_tag_value - value of "name=" in a ';'-separated tag list */
char *hdr_tag_value(const char *list, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = list;

	while (*p) {
		const char *item_end = strchr(p, ';');
		const char *q = p;
		if (!item_end)
			item_end = p + strlen(p);
		while (q < item_end && isspace((unsigned char)*q))
			q++;
		if ((size_t)(item_end - q) > nlen && !strncasecmp(q, name, nlen)) {
			const char *v = q + nlen;
			while (v < item_end && isspace((unsigned char)*v))
				v++;
			if (v < item_end && *v == '=') {
				size_t n;
				v++;
				while (v < item_end && isspace((unsigned char)*v))
					v++;
				n = (size_t)(item_end - v);
				while (n && isspace((unsigned char)v[n - 1]))
					n--;
				if (n > RCV_MAX_CLAUSE)
					n = RCV_MAX_CLAUSE;
				return xstrndup(v, n);
			}
		}
		p = *item_end ? item_end + 1 : item_end;
	}
	return NULL;
}

/* hdr_received_spf_parse - "result (comment) key=value; key=value" */
int hdr_received_spf_parse(struct received_spf *s, const char *value, struct hdr_notes *notes)
{
	const char *p = value, *w;
	const char *rest;

	while (isspace((unsigned char)*p))
		p++;
	w = p;
	while (isalpha((unsigned char)*p))
		p++;
	if (p == w) {
		char *sn = hdr_snip(value, strlen(value));
		hdr_notes_add(notes, "Received-SPF: no result word: '%s'", sn);
		free(sn);
		return -1;
	}
	s->result = lowercase_ascii(xstrndup(w, (size_t)(p - w)));
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '(') {
		const char *ce = comment_end(p);
		size_t n = (size_t)(ce - p);
		n = (n >= 2 && ce[-1] == ')') ? n - 2 : n - 1;
		s->comment = xstrndup(p + 1, n > RCV_MAX_CLAUSE ? RCV_MAX_CLAUSE : n);
		p = ce;
	}
	rest = p;
	/* the key-value list: "client-ip=...; envelope-from=...;" (first item may lack a ';' before it) */
	s->client_ip = hdr_tag_value(rest, "client-ip");
	s->envelope_from = hdr_tag_value(rest, "envelope-from");
	s->helo = hdr_tag_value(rest, "helo");
	s->receiver = hdr_tag_value(rest, "receiver");
	if (s->envelope_from) {
		size_t n = strlen(s->envelope_from);
		if (n >= 2 && s->envelope_from[0] == '"' && s->envelope_from[n - 1] == '"') {
			memmove(s->envelope_from, s->envelope_from + 1, n - 2);
			s->envelope_from[n - 2] = '\0';
		}
		strip_angle(s->envelope_from);
	}
	return 0;
}
