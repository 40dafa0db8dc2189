/*
 * received.h - trace fields: Received (RFC 5321 4.4: from / by / via / with /
 * id / for clauses, then "; date") and Received-SPF (RFC 7208 9.1: result,
 * comment, key=value pairs). Read liberally: clauses in any order, Microsoft's
 * "from host (192.0.2.1) by ..." form, missing parts stay NULL.
 *
 * Memory: the structs own their strings; the _release functions free them.
 */
#ifndef ALIASAUDIT_HEADERS_RECEIVED_H
#define ALIASAUDIT_HEADERS_RECEIVED_H

#include "headers/address.h"
#include "headers/notes.h"

#include <stdbool.h>

#define RCV_MAX_CLAUSE 512

struct received {
	char *from;         /* the host the sender named (first word of "from") */
	char *from_comment; /* the comment after it, e.g. "mail.example.org [192.0.2.1]" */
	char from_ip[HDR_IP_MAX]; /* the connecting IP ("" if none was found) */
	char *by;           /* the receiving host */
	char *via;
	char *with;         /* protocol, e.g. "ESMTPS" or "Microsoft SMTP Server" */
	char *id;
	char *for_addr;     /* the recipient in "for <...>" */
	char *date;         /* after the last ';' */
};

void hdr_received_init(struct received *r);
void hdr_received_release(struct received *r);
/* hdr_received_parse - parse a Received value (r must be inited) */
void hdr_received_parse(struct received *r, const char *value);

struct received_spf {
	char *result;        /* "pass", "softfail" ... lowercased */
	char *comment;
	char *client_ip;
	char *envelope_from;
	char *helo;
	char *receiver;
};

void hdr_received_spf_init(struct received_spf *s);
void hdr_received_spf_release(struct received_spf *s);
/* hdr_received_spf_parse - parse a Received-SPF value; -1 when it has no result word */
int hdr_received_spf_parse(struct received_spf *s, const char *value, struct hdr_notes *notes);

/* hdr_tag_value - the value of tag name in a DKIM-style tag list
 * ("i=1; a=rsa-sha256; cv=pass; ..."), trimmed; NULL if absent; caller frees */
char *hdr_tag_value(const char *list, const char *name);

#endif
