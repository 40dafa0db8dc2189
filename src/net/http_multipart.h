/*
 * http_multipart.h - multipart/mixed batch bodies (RFC 2046 framing around
 * application/http messages), as Google's batch endpoints use them: build a
 * request body of parts that each hold one HTTP request (verb, path,
 * headers, body), and split a response body into parts, each with its own
 * Content-ID and inner HTTP status, headers and body.
 *
 * Vendor-neutral: nothing here knows about Gmail. Parsing never trusts the
 * input: a missing closing boundary, a part without a blank line after its
 * headers or an inner message without a status line is reported, never
 * guessed at.
 *
 * Ownership: parts returned are the caller's (http_parts_free).
 */
#ifndef ALIASAUDIT_HTTP_MULTIPART_H
#define ALIASAUDIT_HTTP_MULTIPART_H

#include "net/http.h"
#include "base/strbuf.h"

#include <stddef.h>

#define HTTP_MULTIPART_MAX_PARTS 1000

/* http_part - one part of a multipart/mixed response */
struct http_part {
	char *content_id;            /* without the angle brackets, or NULL */
	char *content_type;          /* the part's own Content-Type, or NULL */
	/* the inner HTTP response (application/http) */
	long status;                 /* 0 when the part held no status line */
	struct http_header *headers; size_t nr_headers, alloc_headers;
	char *body; size_t body_len; /* NUL-terminated */
};

/* http_multipart_new_boundary - a random boundary "batch_<uuid>" (caller frees) */
char *http_multipart_new_boundary(void);
/* http_multipart_add_http - append a part with Content-ID <content_id> holding
 * the request "method path" with headers hdrs[0..n) and body (may be NULL) */
void http_multipart_add_http(struct strbuf *sb, const char *boundary, const char *content_id,
			     const char *method, const char *path, const struct http_header *hdrs,
			     size_t n, const char *body, size_t body_len);
/* http_multipart_close - append the closing delimiter */
void http_multipart_close(struct strbuf *sb, const char *boundary);

/* http_multipart_boundary_of - the boundary parameter of a multipart
 * Content-Type (quoted or not; caller frees), or NULL */
char *http_multipart_boundary_of(const char *content_type);
/* http_multipart_parse - split body (of the given Content-Type) into parts.
 * 0, or -1 with a one-line *err ("not multipart", "truncated: no closing
 * boundary", "part 3: no blank line after the headers", ...). */
int http_multipart_parse(const char *content_type, const char *body, size_t len,
			 struct http_part **parts, size_t *nr, char **err);
/* http_part_header - the value of a header of the inner response, or NULL */
const char *http_part_header(const struct http_part *p, const char *name);
void http_parts_free(struct http_part *p, size_t n);

#endif
