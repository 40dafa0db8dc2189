/*
 * b64url.c - base64url (RFC 4648 section 5, no padding) over OpenSSL's
 * base64 codec, and random version-4 UUIDs (RFC 9562) for ids and
 * multipart boundaries.
 */
#include "base/b64url.h"
#include "base/util.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

/* b64url_encode - see b64url.h */
char *b64url_encode(const unsigned char *data, size_t len)
{
	size_t cap = 4 * ((len + 2) / 3) + 1;
	char *s = xmalloc(cap);
	int n = EVP_EncodeBlock((unsigned char *)s, data, (int)len);
	/* switch the standard alphabet to the URL-safe one and drop padding */
	while (n > 0 && s[n - 1] == '=')
		n--;
	s[n] = '\0';
	for (int i = 0; i < n; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	}
	return s;
}

/* b64url_decode - see b64url.h */
int b64url_decode(const char *s, size_t slen, unsigned char **out, size_t *len)
{
	size_t padded = (slen + 3) / 4 * 4, pad = padded - slen;
	char *t;
	unsigned char *buf;
	int n;
	if (pad == 3)
		return -1;
	t = xmalloc(padded + 1);
	for (size_t i = 0; i < slen; i++) {
		char ch = s[i];
		if (ch == '-')
			ch = '+';
		else if (ch == '_')
			ch = '/';
		else if (ch == '+' || ch == '/' || ch == '=')
			ch = '!'; /* not base64url: make the decoder refuse it */
		t[i] = ch;
	}
	memset(t + slen, '=', pad);
	t[padded] = '\0';
	buf = xmalloc(padded / 4 * 3 + 1);
	n = EVP_DecodeBlock(buf, (unsigned char *)t, (int)padded);
	free(t);
	if (n < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = (size_t)n - pad;
	return 0;
}

/* uuid_v4 - see b64url.h */
char *uuid_v4(void)
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		die("no randomness available");
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return xstrfmt("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		       b[10], b[11], b[12], b[13], b[14], b[15]);
}
