# audit_multi.sh - the agency view: `audit` over every tenant of the config,
# concurrently, into one report. A tenant whose sign-in fails does not stop
# the others: exit 3, the report names that tenant, the rest is audited.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start
{
	cat "$CFG"
	echo
	tenant_section contoso-bad
	echo "client_secret_env = BAD_SECRET"
} >"$T/two.ini"

BAD_SECRET=wrong-one run "$AA" audit -c "$T/two.ini" -f json
expect_rc 3
jq_eq '[.tenants[] | "\(.name):\(.complete)"] | sort | join(",")' 'contoso-bad:false,contoso:true'
jq_eq '.tenants[] | select(.name == "contoso-bad") | .errors[0].message | test("AADSTS7000215")' 'true'
jq_eq '[.findings[] | select(.tenant == "contoso" and .check == "route.ghost")] | length >= 1' 'true'
jq_eq '.summary.complete' 'false'
if grep -q wrong-one "$T/out" "$T/err"; then fail "secret in output"; fi

# the text report: per-tenant table, the failed tenant flagged, never "no problems"
BAD_SECRET=wrong-one run "$AA" audit -c "$T/two.ini"
expect_rc 3
out_has '  contoso-bad              m365        INCOMPLETE'
out_has '  contoso                  m365        complete'
out_has 'tenant contoso-bad: tenant contoso-bad:'
out_lacks 'No problems found'

# -t selects one tenant: complete, findings at or above high: exit 1
run "$AA" audit -c "$T/two.ini" -t contoso -f json
expect_rc 1
jq_eq '[.tenants[].name] | join(",")' 'contoso'
pass
