# gws_root_ou.sh - organisational units as the Directory API lists them
# (issue 13 items 6 and 7): a customer with only the root OU (orgunits
# type=all lists sub-OUs only, so the root must be read with
# allIncludingParent) gets its root policy placed on "/", and a policy left
# over for an OU that no longer exists is ignored, not an error (as
# ScubaGoggles does): the policy area is complete, the audit too. The mock
# serves orgunits.list as documented: "all" leaves the root out.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
command -v jq >/dev/null || skip "no jq"
# the demo customer with its sub-OUs deleted: everyone in the root, the
# /Interns policy left behind
GWS_FIXTURE="$T/rootonly.json"
jq '.orgunits |= map(select(.orgUnitPath == "/"))
  | .users |= map(.orgUnitPath = "/")' "$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$GWS_FIXTURE" ||
	fail "cannot derive the fixture"
jq -e '[.policies[] | select(.policyQuery.orgUnit == "orgUnits/03ph8a2z2intern")] | length == 1' "$GWS_FIXTURE" >/dev/null ||
	fail "the fixture lost its stale /Interns policy"
gws_start

run "$AA" collect -c "$GCFG" -o "$T/snap.json"
expect_rc 0
jq -e '.errors // [] | length == 0' "$T/snap.json" >/dev/null || { jq .errors "$T/snap.json"; fail "collection errors"; }
jq -e '.policy.auto_forwarding_ou == [{"org_unit": "/", "enabled": true}]' "$T/snap.json" >/dev/null ||
	{ jq .policy "$T/snap.json"; fail "root policy not placed on / (or the stale OU's policy kept)"; }
# the root was asked for as documented
jq -s -e '[.[] | select(.path == "/admin/directory/v1/customer/my_customer/orgunits") | .query.type]
	| length >= 1 and all(. == "allIncludingParent")' "$MOCKLOG" >/dev/null ||
	fail "orgunits not listed with type=allIncludingParent"

# the audit is complete and judges forwarding by the root policy
run "$AA" audit -c "$GCFG" -f json
[ "$rc" -eq 1 ] || { cat "$T/err"; fail "audit exit $rc, want 1 (findings, complete)"; }
jq -e '.tenants[0].complete == true' "$T/out" >/dev/null || fail "audit incomplete"
jq -e '[.findings[] | select(.check == "forward.policy-open" and (.summary | test("organizational unit .?/.? allows")))] | length == 1' \
	"$T/out" >/dev/null || { jq -c '[.findings[] | {check, summary}]' "$T/out"; fail "the root OU's open policy is not reported"; }

# the demo customer (root and sub-OUs) with a policy left over for an OU
# deleted since: ignored, the other policies placed, the audit complete
mock_stop
jq '.policies += [{"name": "policies/akajj264gone", "customer": "customers/C03fabr1k",
	"policyQuery": {"orgUnit": "orgUnits/03ph8a2z9gone", "sortOrder": 3},
	"setting": {"type": "settings/gmail.auto_forwarding", "value": {"enableAutoForwarding": true}}, "type": "ADMIN"}]' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$GWS_FIXTURE" || fail "cannot derive the fixture"
gws_start
run "$AA" collect -c "$GCFG" -o "$T/full.json"
expect_rc 0
jq -e '.policy.auto_forwarding_ou | map(.org_unit) | sort == ["/", "/Interns"]' "$T/full.json" >/dev/null ||
	{ jq .policy "$T/full.json"; fail "the demo customer's OU policies are not on / and /Interns"; }
pass
