/*
 * srs.h - Sender Rewriting Scheme addresses: splitting them into their parts
 * and, given the forwarder's secret, checking their hash and age.
 *
 *   SRS0  SRS0=HHH=TT=orig.domain=origlocal@forwarder     ("=", "-" or "+" after SRS0)
 *   SRS1  SRS1=HHH=first.forwarder==HHH=TT=orig.domain=origlocal@forwarder
 *   Exchange Online
 *         fwdlocal+SRS=hash=TT=orig.domain=origlocal@forwarder
 *         bounces+SRS=hash=TT@forwarder   (when the above would exceed 64 chars)
 *
 * Verification follows Shevek's libsrs2 (as postsrsd uses it): the hash is
 * HMAC-SHA1(secret, lc(TT) || lc(domain) || lc(local)) for SRS0 and
 * HMAC-SHA1(secret, lc(first.forwarder) || lc(rest)) for SRS1 (rest being the
 * text after the first forwarder's "=", its leading separator included),
 * base64 encoded, truncated to the hash's length and compared case-insensitively.
 * The timestamp is days since the epoch mod 1024 in two base32 characters
 * (ABCDEFGHIJKLMNOPQRSTUVWXYZ234567). Exchange's hash uses Microsoft's own
 * secret and cannot be checked. HMAC and base64 come from OpenSSL.
 *
 * Memory: struct srs_addr owns its strings; hdr_srs_release frees them.
 */
#ifndef ALIASAUDIT_HEADERS_SRS_H
#define ALIASAUDIT_HEADERS_SRS_H

#include <stdbool.h>
#include <time.h>

#define SRS_DEFAULT_MAX_AGE 21 /* days, libsrs2's default */
#define SRS_MIN_HASH 4

enum srs_kind { SRS_NONE = 0, SRS_KIND0, SRS_KIND1, SRS_EXCHANGE, SRS_EXCHANGE_SHORT };

struct srs_addr {
	enum srs_kind kind;
	char *hash;          /* SRS1: the outer (last forwarder's) hash */
	char *timestamp;     /* NULL only if the address lacks one */
	char *orig_domain;   /* NULL for the short Exchange form */
	char *orig_local;    /* NULL for the short Exchange form */
	char *first_forwarder; /* SRS1 only */
	char *inner_hash;    /* SRS1 only: the first forwarder's hash */
	char *rest;          /* SRS1 only: the hashed text after the first forwarder */
	char *forwarder_local;  /* Exchange: the forwarding mailbox's local part */
	char *forwarder_domain; /* the domain after '@' */
};

enum srs_verdict { SRS_NOT_CHECKED = 0, SRS_OK, SRS_BAD, SRS_UNVERIFIABLE, SRS_MALFORMED };

struct srs_check {
	enum srs_verdict hash;       /* the (outer) hash */
	enum srs_verdict inner_hash; /* SRS1: the inner hash with the same secret */
	enum srs_verdict age;        /* the timestamp */
	int age_days;                /* -1 when unknown */
};

void hdr_srs_init(struct srs_addr *s);
void hdr_srs_release(struct srs_addr *s);

/* hdr_srs_kind_name - "SRS0", "SRS1", "exchange", "exchange-short" or "none" */
const char *hdr_srs_kind_name(enum srs_kind k);
/* hdr_srs_verdict_name - "ok", "bad", "unverifiable", "malformed", "not-checked" */
const char *hdr_srs_verdict_name(enum srs_verdict v);

/* hdr_srs_parse - split addr into s (inited). Returns 1 for an SRS address,
 * 0 for an ordinary one, -1 for one that starts like SRS but is malformed
 * (s->kind says which form it tried). */
int hdr_srs_parse(const char *addr, struct srs_addr *s);

/* hdr_srs_hash - the full base64 HMAC-SHA1 of the lowercased parts under
 * secret, into out[29]; 0, or -1 if OpenSSL failed */
int hdr_srs_hash(const char *secret, const char *const *parts, int nparts, char out[29]);

/* hdr_srs_timestamp_age - days between the base32 timestamp and now (mod 1024
 * wrap as libsrs2), or -1 for a malformed timestamp */
int hdr_srs_timestamp_age(const char *ts, time_t now);

/* hdr_srs_verify - check s against secret (may be NULL: only the age is
 * checked) at time now with a maximum age in days */
void hdr_srs_verify(const struct srs_addr *s, const char *secret, time_t now, int max_age,
		    struct srs_check *out);

#endif
