/*
 * srs.c - SRS0 / SRS1 / Exchange "+SRS=" address parsing and libsrs2-style
 * hash and timestamp verification with OpenSSL (see srs.h).
 */
#include "headers/srs.h"
#include "base/util.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SRS_TIME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define SRS_TIME_SLOTS 1024
#define SRS_PART_MAX 512

/* hdr_srs_init - no address */
void hdr_srs_init(struct srs_addr *s)
{
	memset(s, 0, sizeof(*s));
}

/* hdr_srs_release - free the parts and re-init */
void hdr_srs_release(struct srs_addr *s)
{
	free(s->hash);
	free(s->timestamp);
	free(s->orig_domain);
	free(s->orig_local);
	free(s->first_forwarder);
	free(s->inner_hash);
	free(s->rest);
	free(s->forwarder_local);
	free(s->forwarder_domain);
	hdr_srs_init(s);
}

/* hdr_srs_kind_name - stable names used in text and JSON */
const char *hdr_srs_kind_name(enum srs_kind k)
{
	switch (k) {
	case SRS_KIND0: return "SRS0";
	case SRS_KIND1: return "SRS1";
	case SRS_EXCHANGE: return "exchange";
	case SRS_EXCHANGE_SHORT: return "exchange-short";
	default: return "none";
	}
}

/* hdr_srs_verdict_name - stable names used in text and JSON */
const char *hdr_srs_verdict_name(enum srs_verdict v)
{
	switch (v) {
	case SRS_OK: return "ok";
	case SRS_BAD: return "bad";
	case SRS_UNVERIFIABLE: return "unverifiable";
	case SRS_MALFORMED: return "malformed";
	default: return "not-checked";
	}
}

/* next_part - copy up to the next '=' in [*p, end) into a new string, advance past it;
 * the last part (stop == false) takes everything. NULL when empty. */
static char *next_part(const char **p, const char *end, bool stop)
{
	const char *s = *p, *e = end;

	if (stop) {
		const char *eq = memchr(s, '=', (size_t)(end - s));
		if (!eq)
			return NULL;
		e = eq;
	}
	*p = e < end ? e + 1 : end;
	if (e == s || (size_t)(e - s) > SRS_PART_MAX)
		return NULL;
	return xstrndup(s, (size_t)(e - s));
}

/* parse_srs0_body - "HHH=TT=domain=local" in [p, end) */
static int parse_srs0_body(struct srs_addr *s, const char *p, const char *end, bool outer_hash)
{
	char *h = next_part(&p, end, true);

	if (outer_hash)
		s->hash = h;
	else
		s->inner_hash = h;
	s->timestamp = next_part(&p, end, true);
	s->orig_domain = next_part(&p, end, true);
	s->orig_local = next_part(&p, end, false);
	return h && s->timestamp && s->orig_domain && s->orig_local ? 1 : -1;
}

/* hdr_srs_parse - recognise and split the three forms */
int hdr_srs_parse(const char *addr, struct srs_addr *s)
{
	const char *at = strrchr(addr, '@');
	const char *end, *p;
	const char *plus;

	if (!at || at == addr || !at[1])
		return 0;
	end = at;
	if ((size_t)(end - addr) > 4 * SRS_PART_MAX)
		return 0;
	if (!strncasecmp(addr, "SRS0", 4) && end - addr > 4 && strchr("=-+", addr[4])) {
		s->kind = SRS_KIND0;
		s->forwarder_domain = xstrdup(at + 1);
		return parse_srs0_body(s, addr + 5, end, true);
	}
	if (!strncasecmp(addr, "SRS1", 4) && end - addr > 4 && strchr("=-+", addr[4])) {
		s->kind = SRS_KIND1;
		s->forwarder_domain = xstrdup(at + 1);
		p = addr + 5;
		s->hash = next_part(&p, end, true);
		s->first_forwarder = next_part(&p, end, true);
		if (!s->hash || !s->first_forwarder || p >= end || !strchr("=-+", *p))
			return -1;
		s->rest = xstrndup(p, (size_t)(end - p));
		return parse_srs0_body(s, p + 1, end, false);
	}
	plus = NULL;
	for (p = addr; p + 5 <= end; p++) {
		if (!strncasecmp(p, "+SRS=", 5)) {
			plus = p;
			break;
		}
	}
	if (plus) {
		int nparts = 1;
		p = plus + 5;
		for (const char *q = p; q < end; q++)
			nparts += *q == '=';
		s->forwarder_domain = xstrdup(at + 1);
		s->forwarder_local = xstrndup(addr, (size_t)(plus - addr));
		if (nparts == 2) {
			s->kind = SRS_EXCHANGE_SHORT;
			s->hash = next_part(&p, end, true);
			s->timestamp = next_part(&p, end, false);
			return s->hash && s->timestamp ? 1 : -1;
		}
		s->kind = SRS_EXCHANGE;
		return parse_srs0_body(s, p, end, true);
	}
	return 0;
}

/* hdr_srs_hash - base64(HMAC-SHA1(secret, lc(parts...))) via OpenSSL */
int hdr_srs_hash(const char *secret, const char *const *parts, int nparts, char out[29])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[2];
	char digest[] = "SHA1";
	int ret = -1;

	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params))
		goto out;
	for (int i = 0; i < nparts; i++) {
		char *lc = lowercase_ascii(xstrdup(parts[i]));
		int ok = EVP_MAC_update(ctx, (const unsigned char *)lc, strlen(lc));
		free(lc);
		if (!ok)
			goto out;
	}
	if (!EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) || maclen != 20)
		goto out;
	if (EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen) != 28)
		goto out;
	ret = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return ret;
}

/* hdr_srs_timestamp_age - libsrs2's timestamp arithmetic */
int hdr_srs_timestamp_age(const char *ts, time_t now)
{
	long then = 0, today;

	if (!ts || strlen(ts) != 2)
		return -1;
	for (int i = 0; i < 2; i++) {
		const char *c = strchr(SRS_TIME_CHARS, toupper((unsigned char)ts[i]));
		if (!c || !ts[i])
			return -1;
		then = then * 32 + (c - SRS_TIME_CHARS);
	}
	today = (long)((now / 86400) % SRS_TIME_SLOTS);
	while (today < then)
		today += SRS_TIME_SLOTS;
	return (int)(today - then);
}

/* hash_matches - compare a hash from an address with the computed one */
static enum srs_verdict hash_matches(const char *secret, const char *hash,
				     const char *const *parts, int nparts)
{
	char full[29];
	size_t n = hash ? strlen(hash) : 0;

	if (n < SRS_MIN_HASH || n > 27)
		return SRS_MALFORMED;
	if (hdr_srs_hash(secret, parts, nparts, full) < 0)
		return SRS_UNVERIFIABLE;
	return strncasecmp(hash, full, n) == 0 ? SRS_OK : SRS_BAD;
}

/* hdr_srs_verify - hash (with a secret) and age checks */
void hdr_srs_verify(const struct srs_addr *s, const char *secret, time_t now, int max_age,
		    struct srs_check *out)
{
	memset(out, 0, sizeof(*out));
	out->age_days = -1;
	if (s->kind == SRS_EXCHANGE || s->kind == SRS_EXCHANGE_SHORT) {
		/* Microsoft's secret and timestamp encoding are not published */
		out->hash = SRS_UNVERIFIABLE;
		out->age = SRS_UNVERIFIABLE;
		return;
	}
	if (s->kind != SRS_KIND0 && s->kind != SRS_KIND1)
		return;
	out->age_days = hdr_srs_timestamp_age(s->timestamp, now);
	out->age = out->age_days < 0 ? SRS_MALFORMED : out->age_days <= max_age ? SRS_OK : SRS_BAD;
	if (!secret)
		return;
	if (s->kind == SRS_KIND0) {
		const char *parts[] = { s->timestamp, s->orig_domain, s->orig_local };
		if (s->timestamp && s->orig_domain && s->orig_local)
			out->hash = hash_matches(secret, s->hash, parts, 3);
		else
			out->hash = SRS_MALFORMED;
	} else {
		const char *outer[] = { s->first_forwarder, s->rest };
		const char *inner[] = { s->timestamp, s->orig_domain, s->orig_local };
		out->hash = s->first_forwarder && s->rest ? hash_matches(secret, s->hash, outer, 2)
							  : SRS_MALFORMED;
		if (s->timestamp && s->orig_domain && s->orig_local) {
			out->inner_hash = hash_matches(secret, s->inner_hash, inner, 3);
			/* the inner hash is the first forwarder's: another secret is normal */
			if (out->inner_hash == SRS_BAD)
				out->inner_hash = SRS_UNVERIFIABLE;
		}
	}
}
