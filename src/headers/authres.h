/*
 * authres.h - an RFC 8601 Authentication-Results parser.
 *
 *   value    = authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo )
 *   resinfo  = ";" method [ "/" version ] "=" result [ "reason=" value ]
 *              *( ptype "." property "=" pvalue )
 *
 * CFWS (nested comments with quoted-pairs) may appear between any two tokens;
 * values are tokens or quoted strings. Comments inside a resinfo are kept
 * (joined by "; ") because receivers put evidence there ("p=REJECT", "sender
 * IP is ..."). Read liberally: a missing authserv-id (Outlook writes
 * "spf=pass ...; dkim=..." with none), "key=value" words without a ptype
 * (Microsoft's action=), unknown methods, trailing ";" and garbage are parsed
 * where possible and described in notes where not. Bounded: at most
 * AR_MAX_RESULTS results per field and AR_MAX_PROPS properties per result.
 *
 * Method, result, ptype and property are lowercased; values are kept as written.
 * Memory: struct authres owns everything in it; authres_release frees it.
 */
#ifndef ALIASAUDIT_HEADERS_AUTHRES_H
#define ALIASAUDIT_HEADERS_AUTHRES_H

#include "headers/notes.h"

#include <stdbool.h>
#include <stddef.h>

#define AR_MAX_RESULTS 64
#define AR_MAX_PROPS 32
#define AR_MAX_COMMENT 1024

struct ar_prop {
	char *ptype;    /* "smtp", "header", "policy" ...; "" for a bare key=value */
	char *property; /* "mailfrom", "from", "d" ... */
	char *value;    /* quoted strings unquoted; never NULL */
};

struct ar_result {
	char *method;   /* "spf", "dkim", "dmarc", "arc", "compauth" ... */
	int version;    /* method version, 0 when absent */
	char *result;   /* "pass", "fail" ... */
	char *reason;   /* reason= value, NULL when absent */
	char *comment;  /* the comments inside this resinfo, "; "-joined, NULL if none */
	struct ar_prop *props;
	size_t nr_props, alloc_props;
};

struct authres {
	char *authserv_id; /* NULL when the field has none (Outlook style) */
	int version;       /* authres-version, 0 when absent */
	bool none;         /* the "; none" form: no method was evaluated */
	int instance;      /* ARC-Authentication-Results i=, 0 otherwise */
	struct ar_result *results;
	size_t nr, alloc;
};

void hdr_authres_init(struct authres *ar);
void hdr_authres_release(struct authres *ar);

/* hdr_authres_parse - parse one Authentication-Results value into ar (which
 * must be inited). what names the field in notes. Returns 0 when something
 * usable was read (results or "none"), -1 when nothing was (see notes). */
int hdr_authres_parse(struct authres *ar, const char *value, const char *what,
		      struct hdr_notes *notes);

/* hdr_arc_authres_parse - parse an ARC-Authentication-Results value
 * ("i=N; authserv-id; results"); sets ar->instance. Returns as hdr_authres_parse. */
int hdr_arc_authres_parse(struct authres *ar, const char *value, struct hdr_notes *notes);

/* hdr_ar_prop - the value of ptype.property in r (first match, case-insensitive),
 * or NULL; ptype "" finds bare key=value words. Points into r. */
const char *hdr_ar_prop(const struct ar_result *r, const char *ptype, const char *property);

#endif
