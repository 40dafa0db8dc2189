/*
 * finding.c - findings, their stable ids, and the per-audit finding list.
 *
 * The id is "f-" + the first 16 hex digits of SHA-256 over the check id,
 * tenant, subject and a canonical key (by default the path's addresses,
 * case-folded). Ordinal position, time and wording never enter it, so the
 * same problem keeps its id across runs.
 */
#include "core/finding.h"
#include "checks/check.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const severity_names[SEV_COUNT] = {
	"info", "low", "medium", "high", "critical",
};

const char *severity_name(enum severity s)
{
	return (unsigned)s < SEV_COUNT ? severity_names[s] : "?";
}

int severity_parse(const char *s)
{
	for (int i = 0; i < SEV_COUNT; i++)
		if (str_eq_nocase(s, severity_names[i]))
			return i;
	return -1;
}

struct finding *finding_new(struct finding_list *l, const struct check_def *check,
			    const char *tenant, const char *provider,
			    const char *subject, const char *summary_fmt, ...)
{
	struct finding *f;
	va_list ap;
	char *summary = NULL;

	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	f = &l->items[l->nr++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->severity = check->severity;
	f->tenant = xstrdup(tenant);
	f->provider = xstrdup(provider);
	f->subject = xstrdup(subject);
	va_start(ap, summary_fmt);
	if (vasprintf(&summary, summary_fmt, ap) < 0)
		BUG("vasprintf failed");
	va_end(ap);
	f->summary = summary;
	f->symptom_code = check->symptom_code;
	f->symptom_text = check->symptom_text;
	f->fix = check->fix;
	f->refs = check->refs;
	f->evidence = cJSON_CreateObject();
	if (!f->evidence)
		oom();
	return f;
}

void finding_add_hop(struct finding *f, const char *address, const char *via,
		     const char *object)
{
	ALLOC_GROW(f->path, f->nr_path + 1, f->alloc_path);
	struct hop *h = &f->path[f->nr_path++];
	h->address = xstrdup(address);
	h->via = xstrdup(via);
	h->object = object && *object ? xstrdup(object) : NULL;
}

void finding_set_id(struct finding *f, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	strbuf_putf(&sb, "%s\n%s\n", f->check->id, f->tenant);
	strbuf_puts(&sb, f->subject);
	strbuf_puts(&sb, "\n");
	if (key)
		strbuf_puts(&sb, key);
	else
		for (size_t i = 0; i < f->nr_path; i++) {
			strbuf_puts(&sb, f->path[i].address);
			strbuf_puts(&sb, "\n");
		}
	lowercase_ascii(sb.buf);
	if (!EVP_Digest(sb.buf, sb.len, md, &mdlen, EVP_sha256(), NULL))
		BUG("SHA-256 failed");
	snprintf(f->id, sizeof(f->id), "f-");
	for (int i = 0; i < 8; i++)
		snprintf(f->id + 2 + i * 2, 3, "%02x", md[i]);
	strbuf_release(&sb);
}

void finding_list_gap(struct finding_list *l, const char *check, const char *tenant,
		      const char *reason_fmt, ...)
{
	va_list ap;
	char *reason = NULL;
	va_start(ap, reason_fmt);
	if (vasprintf(&reason, reason_fmt, ap) < 0)
		BUG("vasprintf failed");
	va_end(ap);
	/* duplicates are dropped once, by finding_list_sort: a scan here per gap
	 * would be quadratic when a large tenant is incomplete */
	ALLOC_GROW(l->gaps, l->nr_gaps + 1, l->alloc_gaps);
	l->gaps[l->nr_gaps].check = check;
	l->gaps[l->nr_gaps].tenant = xstrdup(tenant);
	l->gaps[l->nr_gaps].reason = reason;
	l->nr_gaps++;
}

static int cmp_finding(const void *va, const void *vb)
{
	const struct finding *a = va, *b = vb;
	int r;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((r = strcmp(a->check->id, b->check->id)))
		return r;
	if ((r = strcmp(a->tenant, b->tenant)))
		return r;
	if ((r = strcasecmp(a->subject, b->subject)))
		return r;
	return strcmp(a->id, b->id);
}

static int cmp_gap(const void *va, const void *vb)
{
	const struct not_evaluated *a = va, *b = vb;
	int r;
	if ((r = strcmp(a->check, b->check)) || (r = strcmp(a->tenant, b->tenant)))
		return r;
	return strcmp(a->reason, b->reason);
}

void finding_list_sort(struct finding_list *l)
{
	size_t out = 0;
	if (l->nr > 1)
		qsort(l->items, l->nr, sizeof(*l->items), cmp_finding);
	if (l->nr_gaps > 1)
		qsort(l->gaps, l->nr_gaps, sizeof(*l->gaps), cmp_gap);
	for (size_t i = 0; i < l->nr_gaps; i++) {
		if (out && !cmp_gap(&l->gaps[out - 1], &l->gaps[i])) {
			free(l->gaps[i].tenant);
			free(l->gaps[i].reason);
			continue;
		}
		l->gaps[out++] = l->gaps[i];
	}
	l->nr_gaps = out;
}

void finding_release(struct finding *f)
{
	free(f->tenant);
	free(f->provider);
	free(f->subject);
	free(f->summary);
	free(f->fix_note);
	for (size_t j = 0; j < f->nr_path; j++) {
		free(f->path[j].address);
		free(f->path[j].via);
		free(f->path[j].object);
	}
	free(f->path);
	cJSON_Delete(f->evidence);
	memset(f, 0, sizeof(*f));
}

void finding_list_release(struct finding_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		finding_release(&l->items[i]);
	for (size_t i = 0; i < l->nr_gaps; i++) {
		free(l->gaps[i].tenant);
		free(l->gaps[i].reason);
	}
	free(l->items);
	free(l->gaps);
	memset(l, 0, sizeof(*l));
}
