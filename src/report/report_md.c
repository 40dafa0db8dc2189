/*
 * report_md.c - the md format: a Markdown report (GitHub-flavoured tables)
 * with the completeness verdict first, a summary by severity and tenant, the
 * checks not evaluated, the changes and trend when a history view is given,
 * a findings table and one section per finding. Every value goes through
 * md_escape (| and Markdown/HTML metacharacters), fix steps are indented
 * code blocks, which Markdown never interprets.
 */
#include "store/history.h"
#include "report/report.h"
#include "report/report_util.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* md - shorthand for md_escape */
static void md(struct strbuf *sb, const char *s)
{
	md_escape(sb, s);
}

/* sev_cols - header and rule for the severity columns */
static void sev_cols(struct strbuf *sb, const char *first, size_t nr_first)
{
	strbuf_puts(sb, first);
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		strbuf_putf(sb, " %s |", severity_name(s));
	strbuf_puts(sb, " total |\n|");
	for (size_t i = 0; i < nr_first; i++)
		strbuf_puts(sb, "---|");
	for (int s = 0; s <= SEV_COUNT; s++)
		strbuf_puts(sb, "--:|");
	strbuf_puts(sb, "\n");
}

/* counts - the severity cells */
static void counts(struct strbuf *sb, const unsigned *sev, unsigned total)
{
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		strbuf_putf(sb, " %u |", sev[s]);
	strbuf_putf(sb, " **%u** |\n", total);
}

/* code_block - text as an indented code block */
static void code_block(struct strbuf *sb, const char *text)
{
	char *clean = utf8_clean(text);
	strbuf_puts(sb, "\n    ");
	for (const char *p = clean; *p; p++) {
		if (*p == '\n')
			strbuf_puts(sb, "\n    ");
		else if (*p != '\r' && strbuf_addch(sb, *p))
			BUG("report buffer is capped");
	}
	strbuf_puts(sb, "\n\n");
	free(clean);
}

/* finding_section - one finding's details */
static void finding_section(struct strbuf *sb, const struct finding *f, const char *status)
{
	struct strbuf tmp = STRBUF_INIT;
	strbuf_putf(sb, "### %s `%s` ", severity_name(f->severity), f->id);
	md(sb, f->check ? f->check->id : "?");
	if (status)
		strbuf_putf(sb, " (%s)", status);
	strbuf_puts(sb, "\n\n");
	md(sb, f->summary);
	strbuf_puts(sb, "\n\n- **Tenant:** ");
	md(sb, f->tenant);
	strbuf_puts(sb, " (");
	md(sb, f->provider);
	strbuf_puts(sb, ")\n- **Subject:** ");
	md(sb, f->subject);
	strbuf_puts(sb, "\n");
	if (f->nr_path) {
		report_path(&tmp, f);
		strbuf_puts(sb, "- **Path:** ");
		md(sb, tmp.buf);
		strbuf_puts(sb, "\n");
		strbuf_reset(&tmp);
	}
	if (f->symptom_code || f->symptom_text) {
		strbuf_puts(sb, "- **Symptom:** ");
		if (f->symptom_code) {
			md(sb, f->symptom_code);
			strbuf_puts(sb, " ");
		}
		md(sb, f->symptom_text);
		strbuf_puts(sb, "\n");
	}
	if (f->fix) {
		strbuf_puts(sb, "- **Fix:** ");
		md(sb, f->fix->title);
		strbuf_puts(sb, " (");
		md(sb, f->fix->id);
		strbuf_puts(sb, f->fix->automated ? "; automated: aliasaudit fix \\-\\-finding " : "; manual");
		if (f->fix->automated)
			md(sb, f->id);
		strbuf_puts(sb, ")\n");
		if (f->fix_note) {
			strbuf_puts(sb, "- **Why this fix:** ");
			md(sb, f->fix_note);
			strbuf_puts(sb, "\n");
		}
	}
	report_refs(&tmp, f, "; ");
	if (tmp.len) {
		strbuf_puts(sb, "- **Controls:** ");
		md(sb, tmp.buf);
		strbuf_puts(sb, "\n");
	}
	if (f->fix && f->fix->steps && *f->fix->steps) {
		strbuf_puts(sb, "\nSteps:\n");
		code_block(sb, f->fix->steps);
	} else {
		strbuf_puts(sb, "\n");
	}
	strbuf_release(&tmp);
}

/* write_history - changes since the baseline and the per-tenant trend */
static void write_history(struct strbuf *sb, const struct history_view *h)
{
	strbuf_puts(sb, "## Changes and trend\n\n");
	if (h->has_baseline)
		strbuf_putf(sb, "Since the run of %s: **%u new**, **%zu resolved**, **%u persisting**.%s\n\n",
			    h->baseline.at, h->nr_new, h->resolved.nr, h->nr_persisting,
			    h->baseline.complete ? "" : " (The baseline run was incomplete: \"resolved\" may mean \"not read\".)");
	else
		strbuf_puts(sb, "No earlier run to compare with: every finding is new.\n\n");
	sev_cols(sb, "| tenant | run | status |", 3);
	for (size_t t = 0; t < h->nr_trends; t++)
		for (size_t p = 0; p < h->trends[t].nr_points; p++) {
			const struct history_point *pt = &h->trends[t].points[p];
			strbuf_puts(sb, "| ");
			md(sb, h->trends[t].tenant);
			strbuf_puts(sb, " | ");
			md(sb, pt->at);
			strbuf_puts(sb, pt->complete ? " | complete |" : " | **INCOMPLETE** |");
			counts(sb, pt->sev, pt->total);
		}
	strbuf_puts(sb, "\n");
}

int report_write_md(FILE *out, const struct audit_result *res,
		    const struct report_options *opt, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct history_view *h = opt ? opt->history : NULL;
	struct report_counts all;
	size_t nr_tenants;
	const char **tenants = report_tenants(res, &nr_tenants);
	int ret;

	strbuf_puts(&sb, "# Mail alias routing audit\n\nGenerated ");
	md(&sb, res->generated_at);
	strbuf_puts(&sb, " by aliasaudit " ALIASAUDIT_VERSION ".\n\n");
	if (audit_complete(res)) {
		strbuf_puts(&sb, "**Complete audit:** every tenant was read in full and every check was evaluated.\n\n");
	} else {
		strbuf_puts(&sb, "> **INCOMPLETE AUDIT - this is not a clean bill of health.** Some data could not be read "
			    "or some checks could not run; findings below are what was found so far.\n");
		for (size_t i = 0; i < res->nr_snapshots; i++) {
			const struct snapshot *s = res->snapshots[i];
			for (size_t j = 0; j < s->nr_errors; j++) {
				strbuf_puts(&sb, ">\n> - tenant ");
				md(&sb, s->tenant);
				strbuf_puts(&sb, ": ");
				md(&sb, s->errors[j].object);
				strbuf_puts(&sb, ": ");
				md(&sb, s->errors[j].message);
				strbuf_puts(&sb, "\n");
			}
			if (!s->complete && !s->nr_errors) {
				strbuf_puts(&sb, ">\n> - tenant ");
				md(&sb, s->tenant);
				strbuf_puts(&sb, ": collection incomplete\n");
			}
		}
		if (res->graph_truncated)
			strbuf_puts(&sb, ">\n> - a routing walk hit a named limit and was truncated\n");
		if (res->findings.nr_gaps)
			strbuf_putf(&sb, ">\n> - %zu check(s) not evaluated (see below)\n", res->findings.nr_gaps);
		strbuf_puts(&sb, "\n");
	}

	strbuf_puts(&sb, "## Summary\n\n");
	report_count(res, NULL, &all);
	sev_cols(&sb, "| tenant | provider | status |", 3);
	for (size_t i = 0; i < nr_tenants; i++) {
		struct report_counts c;
		report_count(res, tenants[i], &c);
		strbuf_puts(&sb, "| ");
		md(&sb, tenants[i]);
		strbuf_puts(&sb, " | ");
		md(&sb, report_tenant_provider(res, tenants[i]));
		strbuf_puts(&sb, report_tenant_complete(res, tenants[i]) ? " | complete |" : " | **INCOMPLETE** |");
		counts(&sb, c.sev, c.total);
	}
	strbuf_puts(&sb, "| **all** | | |");
	counts(&sb, all.sev, all.total);
	strbuf_puts(&sb, "\n");
	free(tenants);

	if (res->findings.nr_gaps) {
		strbuf_puts(&sb, "## Not evaluated\n\nThese checks did not run; their absence of findings means nothing.\n\n"
			    "| check | tenant | reason |\n|---|---|---|\n");
		for (size_t i = 0; i < res->findings.nr_gaps; i++) {
			const struct not_evaluated *g = &res->findings.gaps[i];
			strbuf_puts(&sb, "| ");
			md(&sb, g->check);
			strbuf_puts(&sb, " | ");
			md(&sb, g->tenant);
			strbuf_puts(&sb, " | ");
			md(&sb, g->reason);
			strbuf_puts(&sb, " |\n");
		}
		strbuf_puts(&sb, "\n");
	}
	if (h)
		write_history(&sb, h);

	strbuf_putf(&sb, "## Findings (%zu)\n\n", res->findings.nr);
	if (res->findings.nr) {
		strbuf_puts(&sb, h ? "| severity | id | check | tenant | subject | summary | status |\n|---|---|---|---|---|---|---|\n" :
			    "| severity | id | check | tenant | subject | summary |\n|---|---|---|---|---|---|\n");
		for (size_t i = 0; i < res->findings.nr; i++) {
			const struct finding *f = &res->findings.items[i];
			strbuf_putf(&sb, "| %s | `%s` | ", severity_name(f->severity), f->id);
			md(&sb, f->check ? f->check->id : "?");
			strbuf_puts(&sb, " | ");
			md(&sb, f->tenant);
			strbuf_puts(&sb, " | ");
			md(&sb, f->subject);
			strbuf_puts(&sb, " | ");
			md(&sb, f->summary);
			strbuf_puts(&sb, " |");
			if (h)
				strbuf_putf(&sb, " %s |", history_status(h, f->id));
			strbuf_puts(&sb, "\n");
		}
		strbuf_puts(&sb, "\n");
		for (size_t i = 0; i < res->findings.nr; i++) {
			const struct finding *f = &res->findings.items[i];
			finding_section(&sb, f, h ? history_status(h, f->id) : NULL);
		}
	} else {
		strbuf_puts(&sb, audit_complete(res) ? "No findings.\n\n" :
			    "No findings in what could be read - the audit is incomplete.\n\n");
	}
	if (h && h->resolved.nr) {
		strbuf_putf(&sb, "## Resolved since the baseline (%zu)\n\n", h->resolved.nr);
		for (size_t i = 0; i < h->resolved.nr; i++)
			finding_section(&sb, &h->resolved.items[i], "resolved");
	}
	ret = report_flush(out, &sb, err);
	strbuf_release(&sb);
	return ret;
}
