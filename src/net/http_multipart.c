/*
 * http_multipart.c - multipart/mixed batch bodies (see http_multipart.h).
 *
 * Why by hand: libcurl's MIME API builds multipart/form-data uploads and has
 * no parser, and no installed library splits a multipart response; the
 * format is only boundary lines and header blocks around HTTP messages, so
 * this file owns that framing and nothing else (the HTTP exchange itself is
 * libcurl's, the bodies are cJSON's).
 */
#include "net/http_multipart.h"
#include "base/b64url.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* http_multipart_new_boundary - see http_multipart.h */
char *http_multipart_new_boundary(void)
{
	char *u = uuid_v4(), *b = xstrfmt("batch_%s", u);
	free(u);
	return b;
}

/* http_multipart_add_http - see http_multipart.h */
void http_multipart_add_http(struct strbuf *sb, const char *boundary, const char *content_id,
			     const char *method, const char *path, const struct http_header *hdrs,
			     size_t n, const char *body, size_t body_len)
{
	strbuf_putf(sb, "--%s\r\nContent-Type: application/http\r\nContent-ID: <%s>\r\n\r\n",
		    boundary, content_id);
	strbuf_putf(sb, "%s %s\r\n", method, path);
	for (size_t i = 0; i < n; i++)
		strbuf_putf(sb, "%s: %s\r\n", hdrs[i].name, hdrs[i].value);
	if (body)
		strbuf_putf(sb, "Content-Length: %zu\r\n", body_len);
	strbuf_puts(sb, "\r\n");
	if (body && body_len) {
		if (strbuf_add(sb, body, body_len))
			BUG("an uncapped strbuf refused data");
		strbuf_puts(sb, "\r\n");
	}
}

/* http_multipart_close - see http_multipart.h */
void http_multipart_close(struct strbuf *sb, const char *boundary)
{
	strbuf_putf(sb, "--%s--\r\n", boundary);
}

/* http_multipart_boundary_of - see http_multipart.h */
char *http_multipart_boundary_of(const char *ct)
{
	const char *p;
	size_t n;
	if (!ct || strncasecmp(ct, "multipart/", 10))
		return NULL;
	for (p = ct; (p = strchr(p, ';')); ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9))
			continue;
		p += 9;
		if (*p == '"') {
			p++;
			n = strcspn(p, "\"");
			if (p[n] != '"')
				return NULL;
		} else {
			n = strcspn(p, "; \t");
		}
		return n && n <= 70 ? xstrndup(p, n) : NULL;
	}
	return NULL;
}

/* find_delim - the first occurrence of "--boundary" at a line start in
 * [p, end), or NULL */
static const char *find_delim(const char *start, const char *p, const char *end, const char *b, size_t bl)
{
	while (p + 2 + bl <= end) {
		const char *q = memmem(p, (size_t)(end - p), "--", 2);
		if (!q || q + 2 + bl > end)
			return NULL;
		if ((q == start || q[-1] == '\n') && !memcmp(q + 2, b, bl))
			return q;
		p = q + 1;
	}
	return NULL;
}

/* header_block_end - the end of a header block starting at p (the first
 * byte after the blank line) and *hend the end of the headers; NULL if none */
static const char *header_block_end(const char *p, const char *end, const char **hend)
{
	const char *q = p;
	if (q < end && (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n'))) {
		*hend = q;
		return q + (*q == '\r' ? 2 : 1);
	}
	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		if (!nl)
			return NULL;
		q = nl + 1;
		if (q < end && *q == '\n') {
			*hend = nl;
			return q + 1;
		}
		if (q + 1 < end && q[0] == '\r' && q[1] == '\n') {
			*hend = nl;
			return q + 2;
		}
	}
	return NULL;
}

/* each_header - call fn for each "Name: value" line in [p, end) */
static void each_header(const char *p, const char *end,
			void (*fn)(void *ctx, const char *name, size_t nl, const char *val, size_t vl), void *ctx)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon, *v, *ve;
		colon = memchr(p, ':', (size_t)(le - p));
		if (colon) {
			v = colon + 1;
			ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			fn(ctx, p, (size_t)(colon - p), v, (size_t)(ve - v));
		}
		p = le + 1;
	}
}

/* part_header - a part (MIME) header: keep Content-ID and Content-Type */
static void part_header(void *ctx, const char *name, size_t nl, const char *val, size_t vl)
{
	struct http_part *pt = ctx;
	if (nl == 10 && !strncasecmp(name, "Content-ID", 10)) {
		if (vl >= 2 && val[0] == '<' && val[vl - 1] == '>') {
			val++;
			vl -= 2;
		}
		free(pt->content_id);
		pt->content_id = xstrndup(val, vl);
	} else if (nl == 12 && !strncasecmp(name, "Content-Type", 12)) {
		free(pt->content_type);
		pt->content_type = xstrndup(val, vl);
	}
}

/* inner_header - a header of the inner HTTP response */
static void inner_header(void *ctx, const char *name, size_t nl, const char *val, size_t vl)
{
	struct http_part *pt = ctx;
	ALLOC_GROW(pt->headers, pt->nr_headers + 1, pt->alloc_headers);
	pt->headers[pt->nr_headers].name = xstrndup(name, nl);
	pt->headers[pt->nr_headers].value = xstrndup(val, vl);
	pt->nr_headers++;
}

/* parse_part - the part in [p, end): MIME headers, then the inner response */
static int parse_part(struct http_part *pt, size_t idx, const char *p, const char *end, char **err)
{
	const char *hend, *inner = header_block_end(p, end, &hend), *line_end, *ihend, *body;
	char *sp;
	long st;
	if (!inner) {
		*err = xstrfmt("part %zu: no blank line after its headers", idx + 1);
		return -1;
	}
	each_header(p, hend, part_header, pt);
	/* skip blank lines before the status line */
	while (inner < end && (*inner == '\r' || *inner == '\n'))
		inner++;
	line_end = memchr(inner, '\n', (size_t)(end - inner));
	if (!line_end || (size_t)(end - inner) < 12 || strncmp(inner, "HTTP/", 5)) {
		*err = xstrfmt("part %zu: no HTTP status line", idx + 1);
		return -1;
	}
	sp = memchr(inner, ' ', (size_t)(line_end - inner));
	st = sp ? strtol(sp + 1, NULL, 10) : 0;
	if (st < 100 || st > 599) {
		*err = xstrfmt("part %zu: bad HTTP status line", idx + 1);
		return -1;
	}
	pt->status = st;
	body = header_block_end(line_end + 1, end, &ihend);
	if (!body) {
		/* a status line and headers with no body at all */
		each_header(line_end + 1, end, inner_header, pt);
		body = end;
	} else {
		each_header(line_end + 1, ihend, inner_header, pt);
	}
	pt->body_len = (size_t)(end - body);
	pt->body = xstrndup(body, pt->body_len);
	return 0;
}

/* http_multipart_parse - see http_multipart.h */
int http_multipart_parse(const char *content_type, const char *body, size_t len,
			 struct http_part **parts, size_t *nr, char **err)
{
	char *b = http_multipart_boundary_of(content_type);
	const char *end = body + len, *p, *d;
	struct http_part *out = NULL;
	size_t n = 0, alloc = 0, bl;
	char *perr = NULL;

	*parts = NULL;
	*nr = 0;
	if (!b) {
		*err = xstrfmt("not a multipart response (Content-Type %s)", content_type ? content_type : "missing");
		return -1;
	}
	bl = strlen(b);
	d = find_delim(body, body, end, b, bl);
	if (!d) {
		*err = xstrdup("malformed multipart response: no boundary line");
		goto fail;
	}
	for (;;) {
		const char *pstart, *next, *pend;
		p = d + 2 + bl;
		if (p + 2 <= end && p[0] == '-' && p[1] == '-')
			break;   /* the closing delimiter */
		/* the rest of the delimiter line (transport padding) */
		pstart = memchr(p, '\n', (size_t)(end - p));
		if (!pstart) {
			*err = xstrdup("truncated multipart response: no closing boundary");
			goto fail;
		}
		pstart++;
		next = find_delim(body, pstart, end, b, bl);
		if (!next) {
			*err = xstrfmt("truncated multipart response: part %zu has no closing boundary", n + 1);
			goto fail;
		}
		/* the line break before the delimiter belongs to it */
		pend = next;
		if (pend > pstart && pend[-1] == '\n')
			pend--;
		if (pend > pstart && pend[-1] == '\r')
			pend--;
		if (n == HTTP_MULTIPART_MAX_PARTS) {
			*err = xstrfmt("multipart response has more than %d parts", HTTP_MULTIPART_MAX_PARTS);
			goto fail;
		}
		ALLOC_GROW(out, n + 1, alloc);
		memset(&out[n], 0, sizeof(out[n]));
		n++;
		if (parse_part(&out[n - 1], n - 1, pstart, pend, &perr) < 0) {
			*err = xstrfmt("malformed multipart response: %s", perr);
			free(perr);
			goto fail;
		}
		d = next;
	}
	free(b);
	*parts = out;
	*nr = n;
	return 0;
fail:
	free(b);
	http_parts_free(out, n);
	return -1;
}

/* http_part_header - see http_multipart.h */
const char *http_part_header(const struct http_part *p, const char *name)
{
	for (size_t i = 0; i < p->nr_headers; i++)
		if (!strcasecmp(p->headers[i].name, name))
			return p->headers[i].value;
	return NULL;
}

/* http_parts_free - free parts[0..n) and the array */
void http_parts_free(struct http_part *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].content_id);
		free(p[i].content_type);
		for (size_t k = 0; k < p[i].nr_headers; k++) {
			free(p[i].headers[k].name);
			free(p[i].headers[k].value);
		}
		free(p[i].headers);
		free(p[i].body);
	}
	free(p);
}
