/*
 * dns_records.h - parsers for the mail-authentication records a domain
 * publishes in DNS: SPF (RFC 7208), DMARC (RFC 7489) and DKIM keys
 * (RFC 6376, RFC 8463). Pure text in, structures out; no I/O.
 */
#ifndef ALIASAUDIT_DNS_RECORDS_H
#define ALIASAUDIT_DNS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 7208 section 4.6.4: at most 10 terms that cause DNS queries */
#define SPF_MAX_LOOKUPS 10
/* RFC 7208 section 4.6.4: more than 2 lookups that find nothing is a permerror */
#define SPF_MAX_VOID_LOOKUPS 2

enum spf_kind {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6, SPF_EXISTS,
	SPF_REDIRECT, SPF_EXP, SPF_UNKNOWN_MODIFIER,
};

struct spf_term {
	enum spf_kind kind;
	char qualifier;      /* '+', '-', '~', '?' (mechanisms) */
	char *arg;           /* domain-spec / address, or NULL */
};

struct spf_record {
	struct spf_term *terms; size_t nr;
	int all_index;       /* index of the "all" mechanism, -1 when none */
	int redirect_index;  /* index of redirect=, -1 when none */
};

/* spf_is_spf - the TXT record is an SPF record ("v=spf1" then space or end) */
bool spf_is_spf(const char *txt);
/* spf_parse - parse an SPF record. 0, or -1 with a one-line *err (the
 * RFC 7208 permerror: unknown mechanism, bad address, repeated modifier) */
int spf_parse(const char *txt, struct spf_record *out, char **err);
void spf_record_release(struct spf_record *r);
/* spf_term_queries_dns - the term counts against SPF_MAX_LOOKUPS */
bool spf_term_queries_dns(enum spf_kind k);
/* spf_kind_name - "include", "redirect", ... */
const char *spf_kind_name(enum spf_kind k);

enum dmarc_policy { DMARC_NONE, DMARC_QUARANTINE, DMARC_REJECT };

struct dmarc_record {
	enum dmarc_policy p;
	bool has_sp; enum dmarc_policy sp;
	int pct;             /* 0..100, default 100 */
	char *rua, *ruf;     /* as written, or NULL */
	char adkim, aspf;    /* 'r' or 's' (default 'r') */
};

/* dmarc_is_dmarc - the TXT record starts with "v=DMARC1" (RFC 7489 6.6.3) */
bool dmarc_is_dmarc(const char *txt);
/* dmarc_parse - parse a DMARC record. 0, or -1 with a one-line *err */
int dmarc_parse(const char *txt, struct dmarc_record *out, char **err);
void dmarc_record_release(struct dmarc_record *r);
const char *dmarc_policy_name(enum dmarc_policy p);

struct dkim_key {
	char key_type[16];   /* "rsa" (default) or "ed25519" */
	bool revoked;        /* empty p= */
	bool testing;        /* t=y */
	int bits;            /* key size (RSA modulus bits; 256 for ed25519) */
};

/* dkim_parse - parse a DKIM key record and measure its key with OpenSSL.
 * 0, or -1 with a one-line *err (bad tag, unknown key type, key that does
 * not decode) */
int dkim_parse(const char *txt, struct dkim_key *out, char **err);

/* tag_list_next - the next "tag=value" of an RFC 6376 3.2 tag list at *p:
 * name and value trimmed into the buffers; 1 found, 0 at the end, -1 bad */
int tag_list_next(const char **p, char *tag, size_t tag_len, char *val, size_t val_len);

#endif
