/*
 * report_util.c - escaping, path rendering, counting and the completeness
 * verdict shared by the html, csv, md, sarif and junit writers.
 *
 * All escapers go through one UTF-8 decoder (base/display.c) that turns
 * invalid sequences, overlongs and surrogates into U+FFFD, so output is
 * always valid UTF-8 whatever a tenant's names contain, and show characters
 * unsafe to display (controls, C1, bidirectional overrides) as visible
 * escapes such as \x1b or \u202e.
 */
#include "report/report_util.h"
#include "base/display.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *utf8_clean(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p)
		utf8_put(&sb, utf8_next(&p));
	return strbuf_detach(&sb, NULL);
}

void html_escape(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = utf8_next(&p);
		switch (cp) {
		case '&': strbuf_puts(sb, "&amp;"); break;
		case '<': strbuf_puts(sb, "&lt;"); break;
		case '>': strbuf_puts(sb, "&gt;"); break;
		case '"': strbuf_puts(sb, "&quot;"); break;
		case '\'': strbuf_puts(sb, "&#39;"); break;
		default:
			/* controls (CR/LF too: fields are one line), C1 and
			 * bidi overrides are shown, never obeyed */
			if (display_unsafe_cp(cp))
				display_escape_cp(sb, cp);
			else
				utf8_put(sb, cp);
		}
	}
}

void xml_escape(struct strbuf *sb, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = utf8_next(&p);
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
				utf8_put(sb, cp);
			break;
		default:
			if (cp == 0xFFFE || cp == 0xFFFF)
				utf8_put(sb, UTF8_REPLACEMENT);
			else if (display_unsafe_cp(cp))
				display_escape_cp(sb, cp);
			else
				utf8_put(sb, cp);
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
	for (const unsigned char *p = (const unsigned char *)clean; *p;) {
		unsigned cp = utf8_next(&p);
		if (cp == '"')
			strbuf_puts(sb, "\"\"");
		else if (display_unsafe_cp(cp)) /* CR/LF too: a field never spans lines */
			display_escape_cp(sb, cp);
		else
			utf8_put(sb, cp);
	}
	if (quote)
		strbuf_puts(sb, "\"");
	free(clean);
}

void md_escape(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp = utf8_next(&p);
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
			if (display_unsafe_cp(cp))
				display_escape_cp(sb, cp);
			else
				utf8_put(sb, cp);
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

/* report_safe ring - see report_util.h */
#define SAFE_RING 16
static char *safe_ring[SAFE_RING];
static unsigned safe_next;

const char *report_safe(const char *s)
{
	if (!s || display_is_safe(s))
		return s ? s : "";
	free(safe_ring[safe_next % SAFE_RING]);
	safe_ring[safe_next % SAFE_RING] = display_safe(s);
	return safe_ring[safe_next++ % SAFE_RING];
}

void report_safe_release(void)
{
	for (unsigned i = 0; i < SAFE_RING; i++)
		FREE_AND_NULL(safe_ring[i]);
	safe_next = 0;
}
