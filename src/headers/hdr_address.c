/*
 * address.c - addr-spec extraction, organizational domains and IP literals
 * for the headers command (see address.h).
 */
#include "headers/address.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Two-level public suffixes under which organizations register (partial list). */
static const char *const two_level_suffixes[] = {
	"ac.jp", "ac.nz", "ac.uk", "ac.za", "co.id", "co.il", "co.in", "co.jp", "co.kr",
	"co.nz", "co.th", "co.uk", "co.za", "com.ar", "com.au", "com.br", "com.cn",
	"com.hk", "com.mx", "com.my", "com.sg", "com.tr", "com.tw", "edu.au", "gov.au",
	"gov.uk", "ltd.uk", "me.uk", "ne.jp", "net.au", "net.br", "net.cn", "net.nz",
	"or.jp", "org.au", "org.br", "org.nz", "org.uk", "org.za", "plc.uk",
};

/* skip_comment - p points at '('; return the position after the matching ')' */
static const char *skip_comment(const char *p)
{
	int depth = 0;

	while (*p) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		p++;
	}
	return p;
}

/* skip_quoted - p points at '"'; return the position after the closing quote */
static const char *skip_quoted(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* trim_copy - copy s[0..len) without outer whitespace */
static char *trim_copy(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* hdr_addr_extract - first addr-spec of the value */
char *hdr_addr_extract(const char *value)
{
	const char *p = value;

	/* an angle-addr wins: "Name" <a@b> */
	while (*p) {
		if (*p == '"') {
			p = skip_quoted(p);
		} else if (*p == '(') {
			p = skip_comment(p);
		} else if (*p == '<') {
			const char *end = strchr(p + 1, '>');
			if (!end)
				break;
			return trim_copy(p + 1, (size_t)(end - p - 1));
		} else {
			p++;
		}
	}
	/* else the first word with an '@', comments removed: a@b (Name) */
	p = value;
	while (*p) {
		if (*p == '(') {
			p = skip_comment(p);
		} else if (*p == '"') {
			p = skip_quoted(p);
		} else if (isspace((unsigned char)*p) || *p == ',' || *p == ';') {
			p++;
		} else {
			const char *start = p;
			while (*p && !isspace((unsigned char)*p) && *p != '(' && *p != ',' && *p != ';')
				p++;
			if (memchr(start, '@', (size_t)(p - start)))
				return xstrndup(start, (size_t)(p - start));
		}
	}
	return NULL;
}

/* hdr_addr_domain - the part after the last '@' */
const char *hdr_addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at ? at + 1 : addr;
}

/* hdr_org_domain - last two labels, or three under a known two-level suffix */
char *hdr_org_domain(const char *domain)
{
	char *d;
	size_t len;
	const char *last, *second = NULL, *third = NULL;

	if (!domain)
		return NULL;
	d = lowercase_ascii(xstrdup(domain));
	len = strlen(d);
	while (len && d[len - 1] == '.')
		d[--len] = '\0';
	if (!len || d[0] == '[') {
		if (len)
			return d;
		free(d);
		return NULL;
	}
	/* find the starts of the last three labels */
	last = d;
	for (const char *p = d; *p; p++) {
		if (*p == '.') {
			third = second;
			second = last;
			last = p + 1;
		}
	}
	if (!second) /* a single label */
		return d;
	for (size_t i = 0; i < ARRAY_SIZE(two_level_suffixes); i++) {
		if (!strcmp(second, two_level_suffixes[i])) {
			const char *start = third ? third : second;
			char *r = xstrdup(start);
			free(d);
			return r;
		}
	}
	{
		char *r = xstrdup(second);
		free(d);
		return r;
	}
}

/* hdr_same_org - organizational domain equality */
bool hdr_same_org(const char *a, const char *b)
{
	char *oa = hdr_org_domain(a), *ob = hdr_org_domain(b);
	bool same = oa && ob && !strcmp(oa, ob);
	free(oa);
	free(ob);
	return same;
}

/* hdr_ip_valid - inet_pton on a bounded copy */
bool hdr_ip_valid(const char *s, size_t len, char *out)
{
	char tmp[HDR_IP_MAX];
	unsigned char addr[16];
	int af = AF_INET;

	if (len >= 5 && !strncasecmp(s, "IPv6:", 5)) {
		s += 5;
		len -= 5;
		af = AF_INET6;
	}
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (memchr(tmp, ':', len))
		af = AF_INET6;
	if (inet_pton(af, tmp, addr) != 1)
		return false;
	if (out && !inet_ntop(af, addr, out, HDR_IP_MAX))
		return false;
	return true;
}

/* hdr_ip_find - bracketed literal first, else a bare word */
bool hdr_ip_find(const char *s, char *out)
{
	const char *p;

	for (p = strchr(s, '['); p; p = strchr(p + 1, '[')) {
		const char *end = strchr(p + 1, ']');
		if (!end)
			break;
		if (hdr_ip_valid(p + 1, (size_t)(end - p - 1), out))
			return true;
	}
	p = s;
	while (*p) {
		size_t n;
		while (*p && !isxdigit((unsigned char)*p) && *p != ':')
			p++;
		n = strspn(p, "0123456789abcdefABCDEF.:");
		if (n == 0) {
			if (*p)
				p++;
			continue;
		}
		{
			/* trim a trailing '.' or ':' (end of a sentence) */
			size_t m = n;
			while (m && (p[m - 1] == '.' || (p[m - 1] == ':' && (m < 2 || p[m - 2] != ':'))))
				m--;
			if ((p == s || !isalnum((unsigned char)p[-1])) && hdr_ip_valid(p, m, out))
				return true;
		}
		p += n;
	}
	return false;
}
