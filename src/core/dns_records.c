/*
 * dns_records.c - SPF (RFC 7208 section 4-6), DMARC (RFC 7489 section 6.3-6.4)
 * and DKIM key record (RFC 6376 section 3.6.1, RFC 8463) parsers. Key sizes
 * come from OpenSSL decoding the published key, never from its length.
 */
#include "core/dns_records.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const spf_names[] = {
	[SPF_ALL] = "all", [SPF_INCLUDE] = "include", [SPF_A] = "a", [SPF_MX] = "mx",
	[SPF_PTR] = "ptr", [SPF_IP4] = "ip4", [SPF_IP6] = "ip6", [SPF_EXISTS] = "exists",
	[SPF_REDIRECT] = "redirect", [SPF_EXP] = "exp", [SPF_UNKNOWN_MODIFIER] = "modifier",
};

const char *spf_kind_name(enum spf_kind k)
{
	return spf_names[k];
}

bool spf_term_queries_dns(enum spf_kind k)
{
	return k == SPF_INCLUDE || k == SPF_A || k == SPF_MX || k == SPF_PTR ||
	       k == SPF_EXISTS || k == SPF_REDIRECT;
}

bool spf_is_spf(const char *txt)
{
	return !strncasecmp(txt, "v=spf1", 6) && (txt[6] == ' ' || txt[6] == '\0');
}

/* domain_spec_ok - RFC 7208 section 7.1: printable, macros well formed */
static bool domain_spec_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < 0x21 || *s > 0x7e)
			return false;
		if (*s != '%')
			continue;
		s++;
		if (*s == '%' || *s == '_' || *s == '-')
			continue;
		if (*s != '{' || !s[1] || !strchr("slodiphcrtvSLODIPHCRTV", s[1]) || !strchr(s, '}'))
			return false;
		s = strchr(s, '}');
	}
	return true;
}

/* cidr_ok - "/N" with 0 <= N <= max */
static bool cidr_ok(const char *s, int max)
{
	char *end;
	if (*s != '/' || !isdigit((unsigned char)s[1]))
		return false;
	long n = strtol(s + 1, &end, 10);
	return n >= 0 && n <= max && (*end == '\0' || *end == '/');
}

/* ip_ok - "addr[/cidr]" of the family */
static bool ip_ok(const char *s, int af)
{
	char buf[64];
	unsigned char bin[16];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(af, buf, bin) == 1 && (!slash || cidr_ok(slash, af == AF_INET ? 32 : 128));
}

/* a_mx_arg_ok - a / mx: [":" domain-spec] [ "/" ip4-cidr ] [ "//" ip6-cidr ] */
static bool a_mx_arg_ok(const char *rest)
{
	if (*rest == ':') {
		char *dom = xstrdup(rest + 1), *slash = strchr(dom, '/');
		if (slash)
			*slash = '\0';
		bool ok = domain_spec_ok(dom);
		free(dom);
		if (!ok)
			return false;
		rest = strchr(rest, '/');
		if (!rest)
			return true;
	}
	if (!*rest)
		return true;
	if (rest[0] == '/' && rest[1] == '/')
		return cidr_ok(rest + 1, 128);
	if (!cidr_ok(rest, 32))
		return false;
	rest = strchr(rest + 1, '/');
	return !rest || (rest[0] == '/' && rest[1] == '/' && cidr_ok(rest + 1, 128));
}

/* parse_mechanism - one mechanism term (without its qualifier) into t */
static int parse_mechanism(const char *term, struct spf_term *t, char **err)
{
	static const enum spf_kind kinds[] = { SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR,
					       SPF_IP4, SPF_IP6, SPF_EXISTS };
	size_t n = strcspn(term, ":/");
	const char *rest = term + n;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *name = spf_names[kinds[i]];
		if (strlen(name) != n || strncasecmp(term, name, n))
			continue;
		t->kind = kinds[i];
		bool ok;
		switch (t->kind) {
		case SPF_ALL: ok = !*rest; break;
		case SPF_INCLUDE: case SPF_EXISTS: ok = *rest == ':' && domain_spec_ok(rest + 1); break;
		case SPF_PTR: ok = !*rest || (*rest == ':' && domain_spec_ok(rest + 1)); break;
		case SPF_IP4: ok = *rest == ':' && ip_ok(rest + 1, AF_INET); break;
		case SPF_IP6: ok = *rest == ':' && ip_ok(rest + 1, AF_INET6); break;
		default: ok = a_mx_arg_ok(rest); break;
		}
		if (!ok) {
			*err = xstrfmt("'%s': bad argument to %s", term, name);
			return -1;
		}
		if (*rest == ':')
			t->arg = xstrdup(rest + 1);
		if (t->arg && (t->kind == SPF_A || t->kind == SPF_MX))
			t->arg[strcspn(t->arg, "/")] = '\0';
		return 0;
	}
	*err = xstrfmt("'%s': unknown mechanism", term);
	return -1;
}

/* parse_term - one term (mechanism or modifier) into t; r is checked for
 * repeated modifiers */
static int parse_term(const char *term, struct spf_record *r, struct spf_term *t, char **err)
{
	size_t n = 0;
	if (isalpha((unsigned char)term[0]))
		while (isalnum((unsigned char)term[n]) || (term[n] && strchr("-_.", term[n])))
			n++;
	t->qualifier = '+';
	if (n && term[n] == '=') { /* a modifier */
		t->kind = !strncasecmp(term, "redirect=", 9) ? SPF_REDIRECT
			: !strncasecmp(term, "exp=", 4) ? SPF_EXP : SPF_UNKNOWN_MODIFIER;
		t->arg = xstrdup(term + n + 1);
		if (t->kind != SPF_UNKNOWN_MODIFIER) {
			for (size_t i = 0; i < r->nr; i++)
				if (r->terms[i].kind == t->kind) {
					*err = xstrfmt("'%s': %s= given twice", term, spf_names[t->kind]);
					return -1;
				}
			if (!domain_spec_ok(t->arg)) {
				*err = xstrfmt("'%s': bad domain", term);
				return -1;
			}
		}
		return 0;
	}
	if (term[0] && strchr("+-~?", term[0]))
		t->qualifier = *term++;
	return parse_mechanism(term, t, err);
}

/* spf_parse - see dns_records.h */
int spf_parse(const char *txt, struct spf_record *out, char **err)
{
	size_t alloc = 0;
	memset(out, 0, sizeof(*out));
	out->all_index = out->redirect_index = -1;
	if (!spf_is_spf(txt)) {
		*err = xstrdup("not an SPF record (no \"v=spf1\")");
		return -1;
	}
	for (const char *p = txt + 6; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		char *term = xstrndup(p, n);
		p += n;
		struct spf_term t = { 0 };
		int rc = parse_term(term, out, &t, err);
		if (rc) {
			free(t.arg);
			free(term);
			spf_record_release(out);
			return -1;
		}
		free(term);
		ALLOC_GROW(out->terms, out->nr + 1, alloc);
		if (t.kind == SPF_ALL && out->all_index < 0)
			out->all_index = (int)out->nr;
		if (t.kind == SPF_REDIRECT)
			out->redirect_index = (int)out->nr;
		out->terms[out->nr++] = t;
	}
	return 0;
}

void spf_record_release(struct spf_record *r)
{
	for (size_t i = 0; i < r->nr; i++)
		free(r->terms[i].arg);
	free(r->terms);
	memset(r, 0, sizeof(*r));
	r->all_index = r->redirect_index = -1;
}

/* tag_list_next - see dns_records.h (RFC 6376 section 3.2; RFC 7489 6.4) */
int tag_list_next(const char **pp, char *tag, size_t tag_len, char *val, size_t val_len)
{
	const char *p = *pp;
	while (*p == ';' || isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	size_t n = 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	const char *eq = p + n;
	while (isspace((unsigned char)*eq))
		eq++;
	if (!n || n >= tag_len || *eq != '=')
		return -1;
	memcpy(tag, p, n);
	tag[n] = '\0';
	const char *v = eq + 1, *end = strchr(v, ';');
	if (!end)
		end = v + strlen(v);
	while (v < end && isspace((unsigned char)*v))
		v++;
	const char *e = end;
	while (e > v && isspace((unsigned char)e[-1]))
		e--;
	if ((size_t)(e - v) >= val_len)
		return -1;
	memcpy(val, v, (size_t)(e - v));
	val[e - v] = '\0';
	*pp = end;
	return 1;
}

bool dmarc_is_dmarc(const char *txt)
{
	const char *p = txt;
	char tag[16], val[16];
	return tag_list_next(&p, tag, sizeof(tag), val, sizeof(val)) == 1 && !strcmp(tag, "v") &&
	       !strcmp(val, "DMARC1");
}

const char *dmarc_policy_name(enum dmarc_policy p)
{
	return p == DMARC_REJECT ? "reject" : p == DMARC_QUARANTINE ? "quarantine" : "none";
}

static int policy_parse(const char *v, enum dmarc_policy *out)
{
	if (!strcasecmp(v, "none"))
		*out = DMARC_NONE;
	else if (!strcasecmp(v, "quarantine"))
		*out = DMARC_QUARANTINE;
	else if (!strcasecmp(v, "reject"))
		*out = DMARC_REJECT;
	else
		return -1;
	return 0;
}

/* uri_list_ok - RFC 7489 6.4: comma-separated URIs; mailto: needs an address */
static bool uri_list_ok(const char *v)
{
	char *copy = xstrdup(v), *save = NULL;
	bool ok = *v != '\0';
	for (char *u = strtok_r(copy, ",", &save); ok && u; u = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*u))
			u++;
		if (!strncasecmp(u, "mailto:", 7))
			ok = strchr(u + 7, '@') && u[7] != '@';
		else
			ok = strchr(u, ':') && isalpha((unsigned char)*u);
	}
	free(copy);
	return ok;
}

/* dmarc_tag - apply one tag to r; -1 with *err when its value is invalid */
static int dmarc_tag(struct dmarc_record *r, const char *tag, const char *val, bool *have_p,
		     char **err)
{
	char *end;
	if (!strcmp(tag, "p")) {
		if (policy_parse(val, &r->p))
			goto bad;
		*have_p = true;
	} else if (!strcmp(tag, "sp")) {
		if (policy_parse(val, &r->sp))
			goto bad;
		r->has_sp = true;
	} else if (!strcmp(tag, "pct")) {
		long n = strtol(val, &end, 10);
		if (!*val || *end || n < 0 || n > 100)
			goto bad;
		r->pct = (int)n;
	} else if (!strcmp(tag, "rua") || !strcmp(tag, "ruf")) {
		if (!uri_list_ok(val))
			goto bad;
		char **dst = tag[2] == 'a' ? &r->rua : &r->ruf;
		free(*dst);
		*dst = xstrdup(val);
	} else if (!strcmp(tag, "adkim") || !strcmp(tag, "aspf")) {
		if (strcasecmp(val, "r") && strcasecmp(val, "s"))
			goto bad;
		*(tag[1] == 'd' ? &r->adkim : &r->aspf) = (char)tolower((unsigned char)val[0]);
	}
	return 0; /* unknown tags are ignored (RFC 7489 6.3) */
bad:
	*err = xstrfmt("%s=%s: invalid value", tag, val);
	return -1;
}

/* dmarc_parse - see dns_records.h */
int dmarc_parse(const char *txt, struct dmarc_record *out, char **err)
{
	char tag[32], val[2048];
	const char *p = txt;
	bool have_p = false;
	int rc;
	memset(out, 0, sizeof(*out));
	out->pct = 100;
	out->adkim = out->aspf = 'r';
	if (!dmarc_is_dmarc(txt)) {
		*err = xstrdup("not a DMARC record (must begin with \"v=DMARC1\")");
		return -1;
	}
	tag_list_next(&p, tag, sizeof(tag), val, sizeof(val));
	while ((rc = tag_list_next(&p, tag, sizeof(tag), val, sizeof(val))) == 1)
		if (dmarc_tag(out, tag, val, &have_p, err))
			goto fail;
	if (rc < 0) {
		*err = xstrfmt("malformed tag list near '%.40s'", p);
		goto fail;
	}
	/* RFC 7489 6.6.3: no valid p= but a valid rua= is read as p=none */
	if (!have_p && !out->rua) {
		*err = xstrdup("p= (the policy) is missing");
		goto fail;
	}
	return 0;
fail:
	dmarc_record_release(out);
	return -1;
}

void dmarc_record_release(struct dmarc_record *r)
{
	free(r->rua);
	free(r->ruf);
	r->rua = r->ruf = NULL;
}

/* key_bits - decode the base64 key (whitespace removed) and measure it */
static int key_bits(const char *b64, const char *type, int *bits, char **err)
{
	size_t n = strlen(b64);
	unsigned char *der = xmalloc(n / 4 * 3 + 3);
	int len = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)n);
	if (len < 0 || n % 4) {
		free(der);
		*err = xstrdup("p=: not valid base64");
		return -1;
	}
	while (n && b64[n - 1] == '=') { /* EVP_DecodeBlock counts padding as zero bytes */
		n--;
		len--;
	}
	if (!strcmp(type, "ed25519")) {
		free(der);
		if (len != 32) {
			*err = xstrfmt("p=: an ed25519 key is 32 bytes, this one %d", len);
			return -1;
		}
		*bits = 256;
		return 0;
	}
	const unsigned char *q = der;
	EVP_PKEY *k = d2i_PUBKEY(NULL, &q, len);
	if (!k) { /* some publish the bare RSAPublicKey (PKCS#1) */
		q = der;
		k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, len);
	}
	free(der);
	if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
		EVP_PKEY_free(k);
		*err = xstrdup("p=: not an RSA public key");
		return -1;
	}
	*bits = EVP_PKEY_get_bits(k);
	EVP_PKEY_free(k);
	return 0;
}

/* dkim_parse - see dns_records.h */
int dkim_parse(const char *txt, struct dkim_key *out, char **err)
{
	char tag[32], *val = xmalloc(16384), *key = NULL;
	const char *p = txt;
	int rc, first = 1, ret = -1;
	memset(out, 0, sizeof(*out));
	strcpy(out->key_type, "rsa");
	while ((rc = tag_list_next(&p, tag, sizeof(tag), val, 16384)) == 1) {
		if (!strcmp(tag, "v") && (!first || strcmp(val, "DKIM1"))) {
			*err = xstrdup("v= must come first and be DKIM1");
			goto out;
		}
		if (!strcmp(tag, "k")) {
			if (strcasecmp(val, "rsa") && strcasecmp(val, "ed25519")) {
				*err = xstrfmt("k=%.20s: unknown key type", val);
				goto out;
			}
			snprintf(out->key_type, sizeof(out->key_type), "%s", val);
			for (char *c = out->key_type; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		} else if (!strcmp(tag, "t")) {
			out->testing = strchr(val, 'y') != NULL;
		} else if (!strcmp(tag, "p")) {
			free(key);
			key = xstrdup(val);
		}
		first = 0;
	}
	if (rc < 0) {
		*err = xstrdup("malformed tag list");
		goto out;
	}
	if (!key) {
		*err = xstrdup("no p= (public key) tag");
		goto out;
	}
	size_t k = 0;
	for (char *c = key; *c; c++) /* the value may be folded with whitespace */
		if (!isspace((unsigned char)*c))
			key[k++] = *c;
	key[k] = '\0';
	if (!k) {
		out->revoked = true;
		ret = 0;
		goto out;
	}
	ret = key_bits(key, out->key_type, &out->bits, err);
out:
	free(key);
	free(val);
	return ret;
}
