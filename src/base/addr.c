/*
 * addr.c - address helpers (see addr.h).
 */
#include "base/addr.h"

#include <ctype.h>
#include <string.h>

const char *addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at ? at + 1 : "";
}

bool addr_canon(const char *addr, char *buf)
{
	size_t i;
	for (i = 0; addr[i]; i++) {
		if (i >= ADDR_MAX_LEN)
			return false;
		buf[i] = (char)tolower((unsigned char)addr[i]);
	}
	buf[i] = '\0';
	return true;
}

bool addr_strip_tag(const char *addr, char *buf)
{
	const char *at = strrchr(addr, '@');
	const char *plus = memchr(addr, ADDR_PLUS_DELIM, at ? (size_t)(at - addr) : 0);
	size_t llen;
	if (!at || !plus || plus == addr)
		return false;
	llen = (size_t)(plus - addr);
	if (llen + strlen(at) > ADDR_MAX_LEN)
		return false;
	memcpy(buf, addr, llen);
	memcpy(buf + llen, at, strlen(at) + 1);
	return true;
}

bool addr_with_domain(const char *addr, const char *domain, char *buf)
{
	const char *at = strrchr(addr, '@');
	size_t llen = at ? (size_t)(at - addr) : strlen(addr);
	size_t dlen = strlen(domain);
	if (llen + 1 + dlen > ADDR_MAX_LEN)
		return false;
	memcpy(buf, addr, llen);
	buf[llen] = '@';
	memcpy(buf + llen + 1, domain, dlen + 1);
	return true;
}
