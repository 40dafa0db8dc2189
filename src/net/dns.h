/*
 * dns.h - a vendor-neutral DNS stub resolver over c-ares: many queries at
 * once, sent to the system's resolvers or to one given server (HOST[:PORT]).
 *
 * Each answer is one of: records found; real absence (NXDOMAIN, or the name
 * exists without records of the type: NODATA); or a failure (SERVFAIL,
 * REFUSED, timeout, unreachable server) that says nothing about the records
 * and must never be read as absence. CNAMEs are followed (up to
 * DNS_MAX_CNAME links) whether or not the server returns the whole chain.
 */
#ifndef ALIASAUDIT_DNS_H
#define ALIASAUDIT_DNS_H

#include <stddef.h>

#define DNS_MAX_CNAME 8

enum dns_type { DNS_A, DNS_AAAA, DNS_MX, DNS_TXT };
enum dns_status { DNS_OK, DNS_NXDOMAIN, DNS_NODATA, DNS_FAIL };

struct dns_mx {
	unsigned short pref;
	char *host;          /* lower case, no trailing dot */
};

struct dns_answer {
	enum dns_status status;
	char *error;         /* DNS_FAIL: "SERVFAIL", "timeout", ... */
	char *cname;         /* the canonical name when a CNAME was followed, else NULL */
	char **txt; size_t nr_txt;       /* DNS_TXT: one string per record (chunks joined) */
	struct dns_mx *mx; size_t nr_mx; /* DNS_MX, sorted by preference then host */
	size_t nr_addr;                  /* DNS_A / DNS_AAAA: how many addresses */
};

struct dns_query {
	const char *name;    /* borrowed */
	enum dns_type type;
	struct dns_answer ans;
};

struct dns_resolver;

/* dns_resolver_new - a resolver asking server ("HOST[:PORT]", an IPv4 or
 * [IPv6] address; NULL: the system's resolv.conf), waiting timeout_ms per try.
 * NULL with a one-line *err when server is not an address or c-ares fails. */
struct dns_resolver *dns_resolver_new(const char *server, int timeout_ms, char **err);
void dns_resolver_free(struct dns_resolver *r);

/* dns_resolve - answer every query in q[0..n), concurrently. Always fills each
 * q[i].ans (release with dns_answer_release). */
void dns_resolve(struct dns_resolver *r, struct dns_query *q, size_t n);
void dns_answer_release(struct dns_answer *a);

/* dns_server_parse - split "HOST[:PORT]" into the c-ares server form
 * ("1.2.3.4:53", "[::1]:53"); 0, or -1 with *err */
int dns_server_parse(const char *spec, char **out, char **err);

const char *dns_type_name(enum dns_type t);

#endif
