/*
 * report_junit.c - the junit format: JUnit XML for CI dashboards. One
 * <testsuite> per tenant, one <testcase> per check in it (classname = tenant,
 * name = check id). Findings are a <failure> (message: the count; body: one
 * block per finding). A check that could not be evaluated is an <error>, not
 * <skipped>: CI shows skipped tests green, and an incomplete audit must never
 * look green. A synthetic "collection" testcase per tenant errors when the
 * tenant was read incompletely or a routing walk was truncated.
 * Everything goes through xml_escape (XML 1.0: forbidden controls replaced).
 */
#include "report/report.h"
#include "report/report_util.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

struct suite_counts {
	unsigned tests, failures, errors;
};

/* x - escape text; xa - escape an attribute value */
static void x(struct strbuf *sb, const char *s)
{
	xml_escape(sb, s, false);
}

static void xa(struct strbuf *sb, const char *s)
{
	xml_escape(sb, s, true);
}

/* finding_body - a finding as plain text for the failure body */
static void finding_body(struct strbuf *body, const struct finding *f)
{
	struct strbuf tmp = STRBUF_INIT;
	strbuf_putf(body, "[%s] %s %s: %s\n", severity_name(f->severity), f->id, report_safe(f->subject),
		    report_safe(f->summary));
	if (f->nr_path) {
		report_path(&tmp, f);
		strbuf_putf(body, "  path: %s\n", report_safe(tmp.buf));
		strbuf_reset(&tmp);
	}
	if (f->symptom_code || f->symptom_text)
		strbuf_putf(body, "  symptom: %s%s%s\n", f->symptom_code ? f->symptom_code : "",
			    f->symptom_code && f->symptom_text ? " " : "", report_safe(f->symptom_text));
	if (f->fix)
		strbuf_putf(body, "  fix: %s (%s, %s)\n", f->fix->title ? f->fix->title : "",
			    f->fix->id ? f->fix->id : "", f->fix->automated ? "automated" : "manual");
	report_refs(&tmp, f, "; ");
	if (tmp.len)
		strbuf_putf(body, "  refs: %s\n", tmp.buf);
	strbuf_release(&tmp);
}

/* write_case - one check for one tenant */
static void write_case(struct strbuf *sb, const struct audit_result *res, const char *tenant,
		       const struct check_def *c, struct suite_counts *n)
{
	struct strbuf body = STRBUF_INIT;
	unsigned count = 0;
	enum severity worst = SEV_INFO;
	const struct not_evaluated *gap = NULL;

	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		if (strcmp(f->tenant, tenant) || !f->check || strcmp(f->check->id, c->id))
			continue;
		if (!count || f->severity > worst)
			worst = f->severity;
		count++;
		finding_body(&body, f);
	}
	for (size_t i = 0; i < res->findings.nr_gaps && !gap; i++)
		if (!strcmp(res->findings.gaps[i].tenant, tenant) && !strcmp(res->findings.gaps[i].check, c->id))
			gap = &res->findings.gaps[i];

	n->tests++;
	strbuf_puts(sb, "    <testcase classname=\"");
	xa(sb, tenant);
	strbuf_puts(sb, "\" name=\"");
	xa(sb, c->id);
	strbuf_puts(sb, "\" time=\"0\"");
	if (!count && !gap) {
		strbuf_puts(sb, "/>\n");
		strbuf_release(&body);
		return;
	}
	strbuf_puts(sb, ">\n");
	if (count) {
		n->failures++;
		strbuf_putf(sb, "      <failure message=\"%u finding%s\" type=\"%s\">", count,
			    count == 1 ? "" : "s", severity_name(worst));
		x(sb, body.buf);
		if (gap) {
			strbuf_puts(sb, "also not fully evaluated: ");
			x(sb, gap->reason);
			strbuf_puts(sb, "\n");
		}
		strbuf_puts(sb, "</failure>\n");
	} else {
		n->errors++;
		strbuf_puts(sb, "      <error message=\"not evaluated: ");
		xa(sb, gap->reason);
		strbuf_puts(sb, "\" type=\"not-evaluated\">");
		x(sb, gap->reason);
		strbuf_puts(sb, "</error>\n");
	}
	strbuf_puts(sb, "    </testcase>\n");
	strbuf_release(&body);
}

/* write_unknown_gaps - error testcases for gaps of checks no rule describes */
static void write_unknown_gaps(struct strbuf *sb, const struct audit_result *res, const char *tenant,
			       const struct check_def *const *rules, size_t nr_rules, struct suite_counts *n)
{
	const struct finding_list *l = &res->findings;
	for (size_t i = 0; i < l->nr_gaps; i++) {
		const struct not_evaluated *g = &l->gaps[i];
		bool seen = false;
		if (strcmp(g->tenant, tenant) || report_rule_index(rules, nr_rules, g->check) >= 0)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(l->gaps[j].tenant, tenant) && !strcmp(l->gaps[j].check, g->check);
		if (seen)
			continue;
		n->tests++;
		n->errors++;
		strbuf_puts(sb, "    <testcase classname=\"");
		xa(sb, tenant);
		strbuf_puts(sb, "\" name=\"");
		xa(sb, g->check);
		strbuf_puts(sb, "\" time=\"0\">\n      <error message=\"not evaluated: ");
		xa(sb, g->reason);
		strbuf_puts(sb, "\" type=\"not-evaluated\">");
		x(sb, g->reason);
		strbuf_puts(sb, "</error>\n    </testcase>\n");
	}
}

/* write_collection - the synthetic testcase for how completely tenant was read */
static void write_collection(struct strbuf *sb, const struct audit_result *res, const char *tenant,
			     struct suite_counts *n)
{
	struct strbuf body = STRBUF_INIT;
	bool complete = true;
	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		if (strcmp(s->tenant, tenant))
			continue;
		complete &= s->complete;
		for (size_t j = 0; j < s->nr_errors; j++)
			strbuf_putf(&body, "%s: %s\n", s->errors[j].object ? report_safe(s->errors[j].object) : "?",
				    s->errors[j].message ? report_safe(s->errors[j].message) : "?");
	}
	if (res->graph_truncated) {
		complete = false;
		strbuf_puts(&body, "a routing walk hit a named limit and was truncated\n");
	}
	n->tests++;
	strbuf_puts(sb, "    <testcase classname=\"");
	xa(sb, tenant);
	strbuf_puts(sb, "\" name=\"collection\" time=\"0\"");
	if (complete) {
		strbuf_puts(sb, "/>\n");
	} else {
		n->errors++;
		strbuf_puts(sb, ">\n      <error message=\"tenant read incompletely\" type=\"incomplete\">");
		x(sb, body.buf);
		strbuf_puts(sb, "</error>\n    </testcase>\n");
	}
	strbuf_release(&body);
}

int report_write_junit(FILE *out, const struct audit_result *res,
		       const struct report_options *opt, char **err)
{
	struct strbuf sb = STRBUF_INIT, suites = STRBUF_INIT;
	struct suite_counts total = { 0, 0, 0 };
	size_t nr_rules, nr_tenants;
	const struct check_def **rules = report_rules(res, &nr_rules);
	const char **tenants = report_tenants(res, &nr_tenants);
	int ret;

	for (size_t t = 0; t < nr_tenants; t++) {
		struct strbuf cases = STRBUF_INIT;
		struct suite_counts n = { 0, 0, 0 };
		write_collection(&cases, res, tenants[t], &n);
		for (size_t i = 0; i < nr_rules; i++)
			write_case(&cases, res, tenants[t], rules[i], &n);
		write_unknown_gaps(&cases, res, tenants[t], rules, nr_rules, &n);
		strbuf_puts(&suites, "  <testsuite name=\"");
		xa(&suites, tenants[t]);
		strbuf_putf(&suites, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" time=\"0\" timestamp=\"",
			    n.tests, n.failures, n.errors);
		xa(&suites, res->generated_at);
		strbuf_puts(&suites, "\">\n    <properties>\n      <property name=\"provider\" value=\"");
		xa(&suites, report_tenant_provider(res, tenants[t]));
		strbuf_putf(&suites, "\"/>\n      <property name=\"complete\" value=\"%s\"/>\n    </properties>\n",
			    report_tenant_complete(res, tenants[t]) ? "true" : "false");
		strbuf_puts(&suites, cases.buf);
		strbuf_puts(&suites, "  </testsuite>\n");
		strbuf_release(&cases);
		total.tests += n.tests;
		total.failures += n.failures;
		total.errors += n.errors;
	}
	strbuf_putf(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<testsuites name=\"aliasaudit\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" time=\"0\">\n",
		    total.tests, total.failures, total.errors);
	strbuf_puts(&sb, suites.buf);
	strbuf_puts(&sb, "</testsuites>\n");
	report_safe_release();
	ret = report_flush(out, &sb, err);
	strbuf_release(&sb);
	strbuf_release(&suites);
	free(rules);
	free(tenants);
	return ret;
}
