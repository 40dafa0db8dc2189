/*
 * report_html.c - the html format: one self-contained HTML5 file (inline
 * CSS, inline SVG chart, no script, no external asset) with a summary by
 * severity and by tenant, an unmissable banner when the audit is incomplete,
 * the checks not evaluated, the trend over past runs and what changed since
 * the baseline (when a history view is given), and every finding with its
 * path, symptom, fix and control references. A Content-Security-Policy
 * forbids any fetch or script, and every string goes through html_escape.
 */
#include "store/history.h"
#include "report/report.h"
#include "report/report_util.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const sev_colour[SEV_COUNT] = {
	"#5f6368", "#1a73e8", "#e37400", "#d93025", "#7b1113",
};

static const char css[] =
	":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff}"
	"*{box-sizing:border-box}"
	"body{font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;"
	"color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}"
	"h3{font-size:16px;margin:0}"
	".meta{color:var(--muted);margin:0 0 16px}"
	"table{border-collapse:collapse;margin:8px 0 12px;width:100%}"
	"th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}"
	"th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".badge{display:inline-block;border-radius:4px;padding:0 7px;font-size:12px;font-weight:700;"
	"text-transform:uppercase;color:#fff;letter-spacing:.03em;white-space:nowrap}"
	".sev-critical{background:#7b1113}.sev-high{background:#d93025}.sev-medium{background:#e37400}"
	".sev-low{background:#1a73e8}.sev-info{background:#5f6368}"
	".st-new{background:#8250df}.st-persisting{background:#59636e}.st-resolved{background:#1a7f37}"
	".ok{color:#1a7f37;font-weight:700}.bad{color:#b3261e;font-weight:700}"
	".banner{border:3px solid #b3261e;background:#fdecea;color:#5c0f0a;padding:12px 16px;margin:16px 0;border-radius:6px}"
	".banner h2{border:0;margin:0 0 6px;color:#b3261e}"
	".banner.clean{border-color:#1a7f37;background:#e6f4ea;color:#0d3d1c}"
	".finding{border:1px solid var(--line);border-left:6px solid #5f6368;border-radius:6px;padding:10px 14px;margin:12px 0}"
	".finding.sev-critical-b{border-left-color:#7b1113}.finding.sev-high-b{border-left-color:#d93025}"
	".finding.sev-medium-b{border-left-color:#e37400}.finding.sev-low-b{border-left-color:#1a73e8}"
	".finding header{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}"
	".fid{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:13px;color:var(--muted)}"
	"dl{display:grid;grid-template-columns:130px 1fr;gap:3px 12px;margin:8px 0 0}"
	"dt{color:var(--muted);font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
	"pre{white-space:pre-wrap;background:#f6f8fa;border-radius:4px;padding:6px 8px;margin:4px 0;font-size:13px}"
	"code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:13px}"
	"ul.refs{margin:0;padding-left:18px}"
	".chart{max-width:100%;height:auto}"
	"footer{margin-top:32px;color:var(--muted);font-size:13px}"
	"@media print{body{max-width:none;padding:0;font-size:11pt}"
	".finding,.banner,table,figure{break-inside:avoid}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"h2{break-after:avoid}a{color:inherit;text-decoration:none}}";

/* esc - shorthand for html_escape */
static void esc(struct strbuf *sb, const char *s)
{
	html_escape(sb, s);
}

/* badge - a severity badge */
static void badge(struct strbuf *sb, enum severity s)
{
	strbuf_putf(sb, "<span class=\"badge sev-%s\">%s</span>", severity_name(s), severity_name(s));
}

/* write_head - doctype, CSP, title and styles */
static void write_head(struct strbuf *sb, const struct audit_result *res)
{
	strbuf_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"aliasaudit " ALIASAUDIT_VERSION "\">\n"
		    "<title>aliasaudit report ");
	esc(sb, res->generated_at);
	strbuf_putf(sb, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

/* write_banner - the completeness verdict: incomplete tenants, gaps, truncation */
static void write_banner(struct strbuf *sb, const struct audit_result *res)
{
	if (audit_complete(res)) {
		strbuf_puts(sb, "<div class=\"banner clean\" id=\"complete-banner\"><strong>Complete audit.</strong> "
			    "Every tenant was read in full and every check was evaluated.</div>\n");
		return;
	}
	strbuf_puts(sb, "<section class=\"banner\" id=\"incomplete-banner\" role=\"alert\">\n"
		    "<h2>INCOMPLETE AUDIT &mdash; this is not a clean bill of health</h2>\n"
		    "<p>Some data could not be read or some checks could not run. Findings below are "
		    "what was found so far; problems may exist in what was not read.</p>\n<ul>\n");
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		if (s->complete)
			continue;
		strbuf_puts(sb, "<li>Tenant <strong>");
		esc(sb, s->tenant);
		strbuf_puts(sb, "</strong> (");
		esc(sb, s->provider);
		strbuf_putf(sb, ") was read incompletely: %zu error%s", s->nr_errors, s->nr_errors == 1 ? "" : "s");
		if (s->nr_errors) {
			strbuf_puts(sb, "<ul>");
			for (size_t j = 0; j < s->nr_errors; j++) {
				strbuf_puts(sb, "<li>");
				esc(sb, s->errors[j].object);
				strbuf_puts(sb, ": ");
				esc(sb, s->errors[j].message);
				strbuf_puts(sb, "</li>");
			}
			strbuf_puts(sb, "</ul>");
		}
		strbuf_puts(sb, "</li>\n");
	}
	if (res->findings.nr_gaps)
		strbuf_putf(sb, "<li>%zu check%s could not be evaluated (see <a href=\"#not-evaluated\">Not evaluated</a>)</li>\n",
			    res->findings.nr_gaps, res->findings.nr_gaps == 1 ? "" : "s");
	if (res->graph_truncated)
		strbuf_puts(sb, "<li>A routing walk hit a named limit and was truncated; paths beyond it were not followed</li>\n");
	strbuf_puts(sb, "</ul>\n</section>\n");
}

/* count_row - the severity cells of a counts row */
static void count_cells(struct strbuf *sb, const struct report_counts *c)
{
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		strbuf_putf(sb, "<td class=\"n\">%u</td>", c->sev[s]);
	strbuf_putf(sb, "<td class=\"n\"><strong>%u</strong></td>", c->total);
}

/* sev_header - the severity header cells */
static void sev_header(struct strbuf *sb)
{
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		strbuf_puts(sb, "<th>");
		badge(sb, (enum severity)s);
		strbuf_puts(sb, "</th>");
	}
	strbuf_puts(sb, "<th>Total</th>");
}

/* write_summary - counts by severity and by tenant */
static void write_summary(struct strbuf *sb, const struct audit_result *res)
{
	struct report_counts all;
	size_t nr_tenants;
	const char **tenants = report_tenants(res, &nr_tenants);

	report_count(res, NULL, &all);
	strbuf_puts(sb, "<h2 id=\"summary\">Summary</h2>\n<table id=\"summary-severity\" class=\"summary\">\n<thead><tr>");
	sev_header(sb);
	strbuf_puts(sb, "</tr></thead>\n<tbody><tr>");
	count_cells(sb, &all);
	strbuf_puts(sb, "</tr></tbody>\n</table>\n");

	strbuf_puts(sb, "<table id=\"summary-tenants\" class=\"summary\">\n<thead><tr><th>Tenant</th><th>Provider</th><th>Status</th>");
	sev_header(sb);
	strbuf_puts(sb, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < nr_tenants; i++) {
		struct report_counts c;
		report_count(res, tenants[i], &c);
		strbuf_puts(sb, "<tr><td>");
		esc(sb, tenants[i]);
		strbuf_puts(sb, "</td><td>");
		esc(sb, report_tenant_provider(res, tenants[i]));
		strbuf_puts(sb, report_tenant_complete(res, tenants[i]) ?
			    "</td><td class=\"ok\">complete</td>" : "</td><td class=\"bad tenant-incomplete\">INCOMPLETE</td>");
		count_cells(sb, &c);
		strbuf_puts(sb, "</tr>\n");
	}
	strbuf_puts(sb, "</tbody>\n</table>\n");
	free(tenants);
}

/* write_gaps - the checks that could not be evaluated */
static void write_gaps(struct strbuf *sb, const struct audit_result *res)
{
	const struct finding_list *l = &res->findings;
	if (!l->nr_gaps)
		return;
	strbuf_puts(sb, "<h2 id=\"not-evaluated\">Not evaluated</h2>\n<p class=\"bad\">These checks did not run; "
		    "their absence of findings means nothing.</p>\n<table id=\"gaps\">\n"
		    "<thead><tr><th>Check</th><th>Tenant</th><th>Reason</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < l->nr_gaps; i++) {
		strbuf_puts(sb, "<tr><td><code>");
		esc(sb, l->gaps[i].check);
		strbuf_puts(sb, "</code></td><td>");
		esc(sb, l->gaps[i].tenant);
		strbuf_puts(sb, "</td><td>");
		esc(sb, l->gaps[i].reason);
		strbuf_puts(sb, "</td></tr>\n");
	}
	strbuf_puts(sb, "</tbody>\n</table>\n");
}

/* write_chart - an inline SVG stacked bar chart of findings per run */
static void write_chart(struct strbuf *sb, const struct history_view *h)
{
	/* sum the tenants' points per run (points share run ids) */
	struct { long long run; const char *at; unsigned sev[SEV_COUNT]; unsigned total; bool complete; } *runs = NULL;
	size_t nr = 0, alloc = 0;
	unsigned max = 1;
	const int W = 1000, H = 260, left = 44, bottom = 48, top = 16;

	for (size_t t = 0; t < h->nr_trends; t++)
		for (size_t p = 0; p < h->trends[t].nr_points; p++) {
			const struct history_point *pt = &h->trends[t].points[p];
			size_t k;
			for (k = 0; k < nr && runs[k].run != pt->run_id; k++)
				;
			if (k == nr) {
				ALLOC_GROW(runs, nr + 1, alloc);
				memset(&runs[nr], 0, sizeof(runs[nr]));
				runs[nr].run = pt->run_id;
				runs[nr].at = pt->at;
				runs[nr].complete = true;
				nr++;
			}
			for (int s = 0; s < SEV_COUNT; s++)
				runs[k].sev[s] += pt->sev[s];
			runs[k].total += pt->total;
			runs[k].complete &= pt->complete;
		}
	if (!nr)
		return;
	/* oldest first by run id */
	for (size_t i = 1; i < nr; i++)
		for (size_t j = i; j > 0 && runs[j - 1].run > runs[j].run; j--) {
			__typeof__(*runs) tmp = runs[j];
			runs[j] = runs[j - 1];
			runs[j - 1] = tmp;
		}
	for (size_t i = 0; i < nr; i++)
		if (runs[i].total > max)
			max = runs[i].total;

	double slot = (double)(W - left - 10) / (double)nr;
	double bw = slot * 0.6 > 60 ? 60 : slot * 0.6;
	double ph = H - top - bottom;

	strbuf_puts(sb, "<figure id=\"trend-chart\">\n");
	strbuf_putf(sb, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		    "role=\"img\" aria-label=\"Findings per run by severity\">\n", W, H, W, H);
	strbuf_putf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#59636e\"/>\n", left, top, left, H - bottom);
	strbuf_putf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#59636e\"/>\n", left, H - bottom, W - 5, H - bottom);
	for (int g = 0; g <= 4; g++) {
		unsigned v = (unsigned)((max * g + 2) / 4);
		double y = H - bottom - ph * v / max;
		strbuf_putf(sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d1d9e0\" stroke-dasharray=\"3 3\"/>"
			    "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" fill=\"#59636e\">%u</text>\n",
			    left, y, W - 5, y, left - 6, y + 4, v);
	}
	for (size_t i = 0; i < nr; i++) {
		double x = left + slot * i + (slot - bw) / 2, y = H - bottom;
		for (int s = SEV_INFO; s <= SEV_CRITICAL; s++) {
			double hh = ph * runs[i].sev[s] / max;
			if (!runs[i].sev[s])
				continue;
			y -= hh;
			strbuf_putf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				    "<title>%s: %u</title></rect>\n", x, y, bw, hh, sev_colour[s], severity_name(s), runs[i].sev[s]);
		}
		strbuf_putf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2328\">%u%s</text>\n",
			    x + bw / 2, y - 4, runs[i].total, runs[i].complete ? "" : " (incomplete)");
		strbuf_putf(sb, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\">",
			    x + bw / 2, H - bottom + 16);
		html_escape(sb, runs[i].at);
		strbuf_puts(sb, "</text>\n");
	}
	/* legend */
	for (int s = SEV_CRITICAL, k = 0; s >= SEV_INFO; s--, k++)
		strbuf_putf(sb, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			    "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1f2328\">%s</text>\n",
			    left + k * 110, H - 18, sev_colour[s], left + k * 110 + 16, H - 8, severity_name(s));
	strbuf_puts(sb, "</svg>\n<figcaption>Findings per run, stacked by severity (all tenants in this report).</figcaption>\n</figure>\n");
	free(runs);
}

/* write_history - changes since the baseline, the chart and per-tenant trend */
static void write_history(struct strbuf *sb, const struct history_view *h)
{
	strbuf_puts(sb, "<h2 id=\"history\">Changes and trend</h2>\n<p>");
	if (h->has_baseline) {
		strbuf_puts(sb, "Since the run of ");
		esc(sb, h->baseline.at);
		strbuf_putf(sb, ": <span class=\"badge st-new\">new</span> <strong id=\"count-new\">%u</strong> &nbsp; "
			    "<span class=\"badge st-resolved\">resolved</span> <strong id=\"count-resolved\">%zu</strong> &nbsp; "
			    "<span class=\"badge st-persisting\">persisting</span> <strong id=\"count-persisting\">%u</strong>",
			    h->nr_new, h->resolved.nr, h->nr_persisting);
		if (!h->baseline.complete)
			strbuf_puts(sb, " <span class=\"bad\">(the baseline run was incomplete: \"resolved\" may mean \"not read\")</span>");
	} else {
		strbuf_puts(sb, "No earlier run to compare with: every finding is new.");
	}
	strbuf_puts(sb, "</p>\n");
	write_chart(sb, h);
	strbuf_puts(sb, "<table id=\"trend\">\n<thead><tr><th>Tenant</th><th>Run</th><th>Status</th>");
	sev_header(sb);
	strbuf_puts(sb, "</tr></thead>\n<tbody>\n");
	for (size_t t = 0; t < h->nr_trends; t++)
		for (size_t p = 0; p < h->trends[t].nr_points; p++) {
			const struct history_point *pt = &h->trends[t].points[p];
			struct report_counts c;
			memcpy(c.sev, pt->sev, sizeof(c.sev));
			c.total = pt->total;
			strbuf_puts(sb, "<tr><td>");
			esc(sb, h->trends[t].tenant);
			strbuf_puts(sb, "</td><td>");
			esc(sb, pt->at);
			strbuf_puts(sb, pt->complete ? "</td><td class=\"ok\">complete</td>" : "</td><td class=\"bad\">INCOMPLETE</td>");
			count_cells(sb, &c);
			strbuf_puts(sb, "</tr>\n");
		}
	strbuf_puts(sb, "</tbody>\n</table>\n");
}

/* write_finding - one finding as an article */
static void write_finding(struct strbuf *sb, const struct finding *f, const char *status)
{
	const char *sev = severity_name(f->severity);
	strbuf_puts(sb, "<article class=\"finding sev-");
	strbuf_puts(sb, sev);
	strbuf_puts(sb, "-b\" id=\"");
	esc(sb, f->id);
	strbuf_puts(sb, "\">\n<header>");
	badge(sb, f->severity);
	if (status)
		strbuf_putf(sb, "<span class=\"badge st-%s\">%s</span>", status, status);
	strbuf_puts(sb, "<h3><code>");
	esc(sb, f->check ? f->check->id : "?");
	strbuf_puts(sb, "</code> ");
	esc(sb, f->summary);
	strbuf_puts(sb, "</h3><span class=\"fid\">");
	esc(sb, f->id);
	strbuf_puts(sb, "</span></header>\n<dl>\n<dt>Tenant</dt><dd>");
	esc(sb, f->tenant);
	strbuf_puts(sb, " (");
	esc(sb, f->provider);
	strbuf_puts(sb, ")</dd>\n<dt>Subject</dt><dd><code>");
	esc(sb, f->subject);
	strbuf_puts(sb, "</code></dd>\n");
	if (f->check && f->check->title) {
		strbuf_puts(sb, "<dt>Check</dt><dd>");
		esc(sb, f->check->title);
		strbuf_puts(sb, "</dd>\n");
	}
	if (f->nr_path) {
		struct strbuf p = STRBUF_INIT;
		report_path(&p, f);
		strbuf_puts(sb, "<dt>Path</dt><dd class=\"path\">");
		esc(sb, p.buf);
		strbuf_puts(sb, "</dd>\n");
		strbuf_release(&p);
	}
	if (f->symptom_code || f->symptom_text) {
		strbuf_puts(sb, "<dt>Symptom</dt><dd>");
		if (f->symptom_code) {
			strbuf_puts(sb, "<code>");
			esc(sb, f->symptom_code);
			strbuf_puts(sb, "</code> ");
		}
		esc(sb, f->symptom_text);
		strbuf_puts(sb, "</dd>\n");
	}
	if (f->fix) {
		strbuf_puts(sb, "<dt>Fix</dt><dd><strong>");
		esc(sb, f->fix->title);
		strbuf_puts(sb, "</strong> <code>");
		esc(sb, f->fix->id);
		strbuf_puts(sb, "</code>");
		if (f->fix->automated) {
			strbuf_puts(sb, "<br>Automated: <code>aliasaudit fix --finding ");
			esc(sb, f->id);
			strbuf_puts(sb, " --apply</code>");
		} else {
			strbuf_puts(sb, "<br>Manual");
		}
		if (f->fix->steps && *f->fix->steps) {
			strbuf_puts(sb, "<pre>");
			esc(sb, f->fix->steps);
			strbuf_puts(sb, "</pre>");
		}
		if (f->fix_note) {
			strbuf_puts(sb, "<p>");
			esc(sb, f->fix_note);
			strbuf_puts(sb, "</p>");
		}
		strbuf_puts(sb, "</dd>\n");
	}
	const char *const *refs = finding_refs(f);
	if (refs && refs[0]) {
		strbuf_puts(sb, "<dt>Controls</dt><dd><ul class=\"refs\">");
		for (size_t i = 0; refs[i]; i++) {
			strbuf_puts(sb, "<li>");
			esc(sb, refs[i]);
			strbuf_puts(sb, "</li>");
		}
		strbuf_puts(sb, "</ul></dd>\n");
	}
	strbuf_puts(sb, "</dl>\n</article>\n");
}

int report_write_html(FILE *out, const struct audit_result *res,
		      const struct report_options *opt, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct history_view *h = opt ? opt->history : NULL;
	size_t nr_tenants;
	const char **tenants = report_tenants(res, &nr_tenants);
	int ret;

	write_head(&sb, res);
	strbuf_puts(&sb, "<header>\n<h1>Mail alias routing audit</h1>\n<p class=\"meta\">Generated ");
	esc(&sb, res->generated_at);
	strbuf_putf(&sb, " by aliasaudit %s &middot; %zu tenant%s: ", ALIASAUDIT_VERSION,
		    nr_tenants, nr_tenants == 1 ? "" : "s");
	for (size_t i = 0; i < nr_tenants; i++) {
		if (i)
			strbuf_puts(&sb, ", ");
		esc(&sb, tenants[i]);
	}
	strbuf_puts(&sb, "</p>\n</header>\n<main>\n");
	free(tenants);

	write_banner(&sb, res);
	write_summary(&sb, res);
	write_gaps(&sb, res);
	if (h)
		write_history(&sb, h);

	strbuf_putf(&sb, "<h2 id=\"findings\">Findings (%zu)</h2>\n", res->findings.nr);
	if (!res->findings.nr)
		strbuf_puts(&sb, audit_complete(res) ? "<p class=\"ok\">No findings.</p>\n" :
			    "<p class=\"bad\">No findings in what could be read &mdash; the audit is incomplete.</p>\n");
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		write_finding(&sb, f, h ? history_status(h, f->id) : NULL);
	}
	if (h && h->resolved.nr) {
		strbuf_putf(&sb, "<h2 id=\"resolved\">Resolved since the baseline (%zu)</h2>\n", h->resolved.nr);
		for (size_t i = 0; i < h->resolved.nr; i++)
			write_finding(&sb, &h->resolved.items[i], "resolved");
	}
	strbuf_puts(&sb, "</main>\n<footer>aliasaudit " ALIASAUDIT_VERSION
		    " &middot; severities: critical, high, medium, low, info &middot; finding ids are stable across runs</footer>\n"
		    "</body>\n</html>\n");
	ret = report_flush(out, &sb, err);
	strbuf_release(&sb);
	return ret;
}
