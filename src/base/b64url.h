/*
 * b64url.h - base64url without padding, and random UUIDs.
 * Results are the caller's to free.
 */
#ifndef ALIASAUDIT_B64URL_H
#define ALIASAUDIT_B64URL_H

#include <stddef.h>

/* b64url_encode - base64url without padding of data */
char *b64url_encode(const unsigned char *data, size_t len);
/* b64url_decode - the bytes of base64url text s (caller frees *out); 0 or -1 */
int b64url_decode(const char *s, size_t slen, unsigned char **out, size_t *len);
/* uuid_v4 - a random version-4 UUID, lower-case hex with dashes */
char *uuid_v4(void);

#endif
