/*
 * report_csv.c - the csv format: RFC 4180 (CRLF line ends, a header row,
 * fields quoted when they hold a comma, quote, CR or LF), one row per
 * finding. Fields that a spreadsheet would run as a formula (a leading = + -
 * @ TAB or CR) get a leading apostrophe (csv_field); docs/reports.md says so.
 *
 * The last column, status, keeps an incomplete audit from looking clean: a
 * finding is "open" (or "new"/"persisting" when a history view is given);
 * extra rows with status "resolved" list what the baseline had, and rows
 * "not-evaluated" / "tenant-incomplete" / "graph-truncated" name what was
 * not audited.
 */
#include "store/history.h"
#include "report/report.h"
#include "report/report_util.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const header[] = {
	"id", "severity", "check", "tenant", "provider", "subject", "summary",
	"symptom_code", "path", "fix_id", "automated", "refs", "status",
};

/* row - write fields[ARRAY_SIZE(header)] as one CRLF-terminated record */
static void row(struct strbuf *sb, const char *const *fields)
{
	for (size_t i = 0; i < ARRAY_SIZE(header); i++) {
		if (i)
			strbuf_puts(sb, ",");
		csv_field(sb, fields[i] ? fields[i] : "");
	}
	strbuf_puts(sb, "\r\n");
}

/* finding_row - one finding */
static void finding_row(struct strbuf *sb, const struct finding *f, const char *status)
{
	struct strbuf path = STRBUF_INIT, refs = STRBUF_INIT;
	report_path(&path, f);
	report_refs(&refs, f, "; ");
	const char *fields[] = {
		f->id, severity_name(f->severity), f->check ? f->check->id : "",
		f->tenant, f->provider, f->subject, f->summary, f->symptom_code,
		path.buf, f->fix ? f->fix->id : "", f->fix ? (f->fix->automated ? "yes" : "no") : "",
		refs.buf, status,
	};
	row(sb, fields);
	strbuf_release(&path);
	strbuf_release(&refs);
}

int report_write_csv(FILE *out, const struct audit_result *res,
		     const struct report_options *opt, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct history_view *h = opt ? opt->history : NULL;
	int ret;

	row(&sb, header);
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		finding_row(&sb, f, h ? history_status(h, f->id) : "open");
	}
	for (size_t i = 0; h && i < h->resolved.nr; i++)
		finding_row(&sb, &h->resolved.items[i], "resolved");
	for (size_t i = 0; i < res->findings.nr_gaps; i++) {
		const struct not_evaluated *g = &res->findings.gaps[i];
		const char *fields[] = {
			"", "", g->check, g->tenant, report_tenant_provider(res, g->tenant), "",
			g->reason, "", "", "", "", "", "not-evaluated",
		};
		row(&sb, fields);
	}
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		for (size_t j = 0; j < s->nr_errors || (!s->complete && j == 0); j++) {
			char *summary = j < s->nr_errors ?
				xstrfmt("%s: %s", s->errors[j].object ? s->errors[j].object : "",
					s->errors[j].message ? s->errors[j].message : "") :
				xstrdup("collection incomplete");
			const char *fields[] = {
				"", "", "", s->tenant, s->provider, "", summary,
				"", "", "", "", "", "tenant-incomplete",
			};
			row(&sb, fields);
			free(summary);
		}
	}
	if (res->graph_truncated) {
		const char *fields[] = {
			"", "", "", "", "", "", "a routing walk hit a named limit and was truncated",
			"", "", "", "", "", "graph-truncated",
		};
		row(&sb, fields);
	}
	ret = report_flush(out, &sb, err);
	strbuf_release(&sb);
	return ret;
}
