/*
 * addr.h - mail address handling with MTA semantics: canonical (case-folded)
 * keys, the domain part, and the +tag (subaddress) split.
 *
 * The canonical key is the whole address lowercased: Exchange Online and
 * Gmail both treat the local part case-insensitively, and domains always are.
 */
#ifndef ALIASAUDIT_ADDR_H
#define ALIASAUDIT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/* longest address we accept (RFC 5321: 64 + 1 + 255) */
#define ADDR_MAX_LEN 320
/* the subaddress delimiter both platforms use */
#define ADDR_PLUS_DELIM '+'

/* addr_domain - the part after the last '@' (never NULL: "" when none) */
const char *addr_domain(const char *addr);
/* addr_canon - lowercase copy of addr into buf (size ADDR_MAX_LEN+1); false if too long */
bool addr_canon(const char *addr, char *buf);
/* addr_strip_tag - copy addr without its +tag into buf (size ADDR_MAX_LEN+1);
 * false when addr has no tag */
bool addr_strip_tag(const char *addr, char *buf);
/* addr_with_domain - local part of addr joined with domain into buf; false if too long */
bool addr_with_domain(const char *addr, const char *domain, char *buf);

#endif
