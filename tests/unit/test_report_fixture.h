/*
 * test_report_fixture.h - a small audit_result for the report and history
 * tests: two tenants (one incomplete, with a hostile name), findings with
 * paths, hostile strings (<script>, quotes, commas, CR/LF, formula prefixes,
 * control characters, invalid UTF-8) and a check not evaluated.
 * Header-only so each test program stays one file.
 */
#ifndef TEST_REPORT_FIXTURE_H
#define TEST_REPORT_FIXTURE_H

#include "core/audit.h"
#include "checks/check.h"
#include "core/finding.h"
#include "core/snapshot.h"

#include <stdlib.h>
#include <string.h>

static const char *const fx_loop_refs[] = { "CIS M365 v4.0.0 6.2.1", "MS.EXO.1.1v2", NULL };
static const char *const fx_open_refs[] = { "GWS.GMAIL.11.1v1", NULL };

static const struct fix_def fx_fix_rule = {
	"m365.inbox-rule.disable", true, "Disable the forwarding inbox rule",
	"Set-InboxRule -Identity 'Archive' -Enabled $false\nthen re-run the audit",
};
static const struct fix_def fx_fix_ou = {
	"gws.ou.autoforward.off", false, "Turn off automatic forwarding for the OU",
	"Admin console > Apps > Google Workspace > Gmail > End user access > Automatic forwarding: off",
};

static const struct check_def fx_check_loop = {
	.id = "route.loop", .title = "Routing loop", .finds = "a cycle of aliases/forwards",
	.severity = SEV_HIGH, .symptom_code = "554 5.4.14", .symptom_text = "Hop count exceeded - possible mail loop",
	.fix = &fx_fix_rule, .refs = fx_loop_refs,
};
static const struct check_def fx_check_open = {
	.id = "forward.policy-open", .title = "External auto-forwarding allowed broadly",
	.finds = "auto-forwarding on for an OU", .severity = SEV_MEDIUM,
	.symptom_code = NULL, .symptom_text = "data exfiltration risk",
	.fix = &fx_fix_ou, .refs = fx_open_refs,
};

#define FX_HOSTILE_TENANT "evil\"><img src=x onerror=alert(1)>"
#define FX_SCRIPT "<script>alert(1)</script>"

/* fx_build - fill res (and its snapshots, which the caller frees with fx_free) */
static inline void fx_build(struct audit_result *res, const char *generated_at, bool with_second)
{
	struct snapshot *a = snapshot_new("contoso", "m365");
	struct snapshot *b = snapshot_new(FX_HOSTILE_TENANT, "gworkspace");
	struct finding *f;

	memset(res, 0, sizeof(*res));
	snapshot_add_error(b, "inbox rules of bob@fabrikam.com", "HTTP 503 after 5 tries", "forwards",
			   "bob@fabrikam.com");
	res->snapshots = calloc(2, sizeof(*res->snapshots));
	res->snapshots[0] = a;
	res->snapshots[1] = b;
	res->nr_snapshots = 2;
	snprintf(res->generated_at, sizeof(res->generated_at), "%s", generated_at);

	f = finding_new(&res->findings, &fx_check_loop, "contoso", "m365", "info@contoso.com",
			"info@contoso.com and %s forward to each other", "admin@contoso.com");
	finding_add_hop(f, "info@contoso.com", "start", NULL);
	finding_add_hop(f, "admin@contoso.com", "alias", NULL);
	finding_add_hop(f, "info@contoso.com", "inbox-rule", "Archive");
	finding_set_id(f, NULL);

	f = finding_new(&res->findings, &fx_check_loop, "contoso", "m365", "=HYPERLINK(\"http://x\")@contoso.com",
			"hostile %s, \"quoted\", comma\r\nnew line | pipe \x01 ctl \xff bad", FX_SCRIPT);
	finding_add_hop(f, "=HYPERLINK(\"http://x\")@contoso.com", "start", NULL);
	finding_add_hop(f, "x@contoso.com", "inbox-rule", "\"><img src=x onerror=alert(2)>");
	finding_set_id(f, NULL);

	if (with_second) {
		f = finding_new(&res->findings, &fx_check_open, FX_HOSTILE_TENANT, "gworkspace", "/",
				"auto-forwarding is on for OU %s", "/");
		finding_set_id(f, NULL);
	}
	finding_list_gap(&res->findings, "forward.external-auth", FX_HOSTILE_TENANT,
			 "forwards of bob@fabrikam.com could not be read");
	finding_list_sort(&res->findings);
}

/* fx_free - release what fx_build made */
static inline void fx_free(struct audit_result *res)
{
	finding_list_release(&res->findings);
	for (size_t i = 0; i < res->nr_snapshots; i++)
		snapshot_free(res->snapshots[i]);
	free(res->snapshots);
	memset(res, 0, sizeof(*res));
}

#endif
