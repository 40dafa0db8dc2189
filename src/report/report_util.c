/*
 * report_util.c - escaping, path rendering, counting and the completeness
 * verdict shared by the html, csv, md, sarif and junit writers.
 *
 * All escapers go through one UTF-8 decoder (next_cp) that turns invalid
 * sequences, overlongs and surrogates into U+FFFD, so output is always valid
 * UTF-8 whatever a tenant's names contain.
 */
#include "report/report_util.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

/* next_cp - decode one code point at *p (advancing it); invalid -> U+FFFD */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0], cp, min;
	int n;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
	else { *p = s + 1; return REPLACEMENT; }
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + i;
			return REPLACEMENT;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return REPLACEMENT;
	return cp;
}

/* put_cp - append code point cp as UTF-8 */
static void put_cp(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) { b[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
	else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	if (strbuf_add(sb, b, n))
		BUG("report buffer is capped");
}

char *utf8_clean(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p)
		put_cp(&sb, next_cp(&p));
	return strbuf_detach(&sb, NULL);
}

void html_escape(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = next_cp(&p);
		switch (cp) {
		case '&': strbuf_puts(sb, "&amp;"); break;
		case '<': strbuf_puts(sb, "&lt;"); break;
		case '>': strbuf_puts(sb, "&gt;"); break;
		case '"': strbuf_puts(sb, "&quot;"); break;
		case '\'': strbuf_puts(sb, "&#39;"); break;
		default:
			/* C0 controls (but TAB/LF/CR) and DEL are not allowed in HTML text */
			if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F)
				put_cp(sb, REPLACEMENT);
			else
				put_cp(sb, cp);
		}
	}
}

void xml_escape(struct strbuf *sb, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = next_cp(&p);
		switch (cp) {
		case '&': strbuf_puts(sb, "&amp;"); break;
		case '<': strbuf_puts(sb, "&lt;"); break;
		case '>': strbuf_puts(sb, "&gt;"); break;
		case '"': strbuf_puts(sb, "&quot;"); break;
		case '\'': strbuf_puts(sb, "&apos;"); break;
		case '\t': case '\n': case '\r':
			if (attr)
				strbuf_putf(sb, "&#%u;", cp);
			else
				put_cp(sb, cp);
			break;
		default:
			if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
				put_cp(sb, REPLACEMENT);
			else
				put_cp(sb, cp);
		}
	}
}

void csv_field(struct strbuf *sb, const char *s)
{
	char *clean = utf8_clean(s);
	bool formula = strchr("=+-@\t\r", clean[0]) && clean[0];
	size_t len = strlen(clean);
	bool quote = formula || strpbrk(clean, ",\"\r\n") ||
		     (len && (clean[0] == ' ' || clean[len - 1] == ' '));

	if (quote)
		strbuf_puts(sb, "\"");
	if (formula)
		strbuf_puts(sb, "'");
	for (const char *p = clean; *p; p++) {
		if (*p == '"')
			strbuf_puts(sb, "\"\"");
		else if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n')
			strbuf_puts(sb, "\xef\xbf\xbd");
		else if (strbuf_addch(sb, *p))
			BUG("report buffer is capped");
	}
	if (quote)
		strbuf_puts(sb, "\"");
	free(clean);
}

void md_escape(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = next_cp(&p);
		switch (cp) {
		case '|': case '\\': case '`': case '*': case '_': case '[': case ']':
		case '#': case '~':
			strbuf_putf(sb, "\\%c", (char)cp);
			break;
		case '<': strbuf_puts(sb, "&lt;"); break;
		case '>': strbuf_puts(sb, "&gt;"); break;
		case '&': strbuf_puts(sb, "&amp;"); break;
		case '\r': case '\n': case '\t':
			strbuf_puts(sb, " ");
			break;
		default:
			put_cp(sb, cp < 0x20 || cp == 0x7F ? REPLACEMENT : cp);
		}
	}
}

const char *report_via_label(const char *via)
{
	static const struct { const char *via, *text; } t[] = {
		{ "inbox-rule", "inbox rule" }, { "mailbox", "mailbox forwarding" },
		{ "transport-rule", "transport rule" }, { "gmail-autoforward", "Gmail auto-forwarding" },
		{ "gmail-filter", "Gmail filter" }, { "group", "group member" },
		{ "routing", "routing" }, { "alias", "alias" }, { "send-as", "send-as" },
		{ "catch-all", "catch-all" },
	};
	if (!via)
		return "";
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].via, via))
			return t[i].text;
	return via;
}

void report_path(struct strbuf *sb, const struct finding *f)
{
	for (size_t i = 0; i < f->nr_path; i++) {
		const struct hop *h = &f->path[i];
		if (i)
			strbuf_puts(sb, " \xe2\x86\x92 ");
		strbuf_puts(sb, h->address ? h->address : "?");
		if (!h->via || !strcmp(h->via, "start"))
			continue;
		const char *label = report_via_label(h->via);
		/* the object only when it adds something: a group member's object is the
		 * group (the previous hop), mailbox forwarding names itself */
		if (h->object && strcmp(h->object, label) && strcmp(h->via, "group"))
			strbuf_putf(sb, " (%s \"%s\")", label, h->object);
		else
			strbuf_putf(sb, " (%s)", label);
	}
}

void report_refs(struct strbuf *sb, const struct finding *f, const char *sep)
{
	const char *const *r = finding_refs(f);
	for (size_t i = 0; r && r[i]; i++) {
		if (i)
			strbuf_puts(sb, sep);
		strbuf_puts(sb, r[i]);
	}
}

void report_count(const struct audit_result *res, const char *tenant, struct report_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		if (tenant && strcmp(f->tenant, tenant))
			continue;
		if ((unsigned)f->severity < SEV_COUNT)
			c->sev[f->severity]++;
		c->total++;
	}
}

bool report_tenant_complete(const struct audit_result *res, const char *tenant)
{
	for (size_t i = 0; i < res->nr_snapshots; i++)
		if (!strcmp(res->snapshots[i]->tenant, tenant) && !res->snapshots[i]->complete)
			return false;
	for (size_t i = 0; i < res->findings.nr_gaps; i++)
		if (!strcmp(res->findings.gaps[i].tenant, tenant))
			return false;
	return true;
}

/* add_name - append name to the set (names, *nr) unless present */
static void add_name(const char ***names, size_t *nr, size_t *alloc, const char *name)
{
	if (!name)
		return;
	for (size_t i = 0; i < *nr; i++)
		if (!strcmp((*names)[i], name))
			return;
	ALLOC_GROW(*names, *nr + 1, *alloc);
	(*names)[(*nr)++] = name;
}

const char **report_tenants(const struct audit_result *res, size_t *nr)
{
	const char **names = NULL;
	size_t alloc = 0;
	*nr = 0;
	for (size_t i = 0; i < res->nr_snapshots; i++)
		add_name(&names, nr, &alloc, res->snapshots[i]->tenant);
	for (size_t i = 0; i < res->findings.nr; i++)
		add_name(&names, nr, &alloc, res->findings.items[i].tenant);
	for (size_t i = 0; i < res->findings.nr_gaps; i++)
		add_name(&names, nr, &alloc, res->findings.gaps[i].tenant);
	return names;
}

const char *report_tenant_provider(const struct audit_result *res, const char *tenant)
{
	for (size_t i = 0; i < res->nr_snapshots; i++)
		if (!strcmp(res->snapshots[i]->tenant, tenant) && res->snapshots[i]->provider)
			return res->snapshots[i]->provider;
	for (size_t i = 0; i < res->findings.nr; i++)
		if (!strcmp(res->findings.items[i].tenant, tenant))
			return res->findings.items[i].provider;
	return "";
}

long report_rule_index(const struct check_def *const *rules, size_t nr, const char *id)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(rules[i]->id, id))
			return (long)i;
	return -1;
}

const struct check_def **report_rules(const struct audit_result *res, size_t *nr)
{
	const struct check_def **rules = NULL;
	size_t alloc = 0;
	*nr = 0;
	for (size_t i = 0; check_catalog[i]; i++) {
		ALLOC_GROW(rules, *nr + 1, alloc);
		rules[(*nr)++] = check_catalog[i];
	}
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct check_def *c = res->findings.items[i].check;
		if (!c || report_rule_index(rules, *nr, c->id) >= 0)
			continue;
		ALLOC_GROW(rules, *nr + 1, alloc);
		rules[(*nr)++] = c;
	}
	return rules;
}

int report_flush(FILE *out, const struct strbuf *sb, char **err)
{
	if ((sb->len && fwrite(sb->buf, 1, sb->len, out) != sb->len) || fflush(out) || ferror(out)) {
		*err = xstrfmt("cannot write the report: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
