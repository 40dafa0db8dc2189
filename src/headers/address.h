/*
 * address.h - addresses, domains and IP literals as the headers command needs
 * them: the addr-spec of a From/Return-Path value, its domain, the
 * organizational domain used for alignment, and IP literals in trace fields.
 *
 * Organizational domain rule (documented in docs/headers.md): the last two
 * labels of the domain, or the last three when the last two form one of a
 * short built-in list of two-level public suffixes (co.uk, com.au, co.jp ...).
 * It is an approximation of the Public Suffix List, good enough to compare a
 * From domain with a Return-Path domain.
 *
 * Memory: results are the caller's to free unless a comment says otherwise.
 */
#ifndef ALIASAUDIT_HEADERS_ADDRESS_H
#define ALIASAUDIT_HEADERS_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define HDR_IP_MAX 64 /* room for any IPv6 text form */

/* hdr_addr_extract - the first addr-spec in a From/Return-Path style value
 * ("Name <a@b>", "a@b (Name)", "<a@b>", "<>"); "" for the null path "<>";
 * NULL when there is none */
char *hdr_addr_extract(const char *value);

/* hdr_addr_domain - the domain of addr (after its last '@'), or addr itself
 * when it has no '@' (SPF's smtp.mailfrom may be a bare domain); points into addr */
const char *hdr_addr_domain(const char *addr);

/* hdr_org_domain - the organizational domain of domain, lowercased, without a
 * trailing dot; NULL for an empty domain */
char *hdr_org_domain(const char *domain);

/* hdr_same_org - true when both domains are non-empty and share an organizational domain */
bool hdr_same_org(const char *a, const char *b);

/* hdr_ip_valid - true when s[0..len) is an IPv4 or IPv6 address (an "IPv6:"
 * prefix is allowed); the canonical text goes to out[HDR_IP_MAX] when out is set */
bool hdr_ip_valid(const char *s, size_t len, char *out);

/* hdr_ip_find - the first IP address in free text: a bracketed literal
 * ("[192.0.2.1]") first, else a bare word that is an address; false if none */
bool hdr_ip_find(const char *s, char *out);

#endif
