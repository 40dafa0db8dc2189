# gws_group_policy.sh - group-scoped auto-forwarding policies (issue 13 item
# 8): a Cloud Identity policy with policyQuery.group applies to the group's
# members (nested groups included) above their OU's policy (Google Workspace
# Admin Help "Customize service settings using configuration groups"). The
# snapshot carries them as auto_forwarding_ou entries with "group", highest
# priority first; a policy for a deleted group is ignored. Here the root OU
# allows forwarding but sales-team (bob) is off, and remote-staff, which
# holds interns-fwd, which holds frank, is on although /Interns is off.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
command -v jq >/dev/null || skip "no jq"
GWS_FIXTURE="$T/groups.json"
jq '.groups += [{"kind": "admin#directory#group", "id": "g-remote", "email": "remote-staff@fabrikam.com", "name": "Remote staff"},
                {"kind": "admin#directory#group", "id": "g-interns-fwd", "email": "interns-fwd@fabrikam.com", "name": "Interns who forward"}]
  | .members["remote-staff@fabrikam.com"] = [{"kind": "admin#directory#member", "id": "g-interns-fwd",
      "email": "interns-fwd@fabrikam.com", "role": "MEMBER", "type": "GROUP", "status": "ACTIVE"}]
  | .members["interns-fwd@fabrikam.com"] = [{"kind": "admin#directory#member", "id": "100000000000000000005",
      "email": "frank@fabrikam.com", "role": "MEMBER", "type": "USER", "status": "ACTIVE"}]
  | .policies += [
     {"name": "policies/grp-sales", "customer": "customers/C03fabr1k",
      "policyQuery": {"orgUnit": "orgUnits/03ph8a2z0root", "group": "groups/g-sales", "sortOrder": 5},
      "setting": {"type": "settings/gmail.auto_forwarding", "value": {"enableAutoForwarding": false}}, "type": "ADMIN"},
     {"name": "policies/grp-remote", "customer": "customers/C03fabr1k",
      "policyQuery": {"orgUnit": "orgUnits/03ph8a2z0root", "group": "groups/g-remote", "sortOrder": 7},
      "setting": {"type": "settings/gmail.auto_forwarding", "value": {"enableAutoForwarding": true}}, "type": "ADMIN"},
     {"name": "policies/grp-deleted", "customer": "customers/C03fabr1k",
      "policyQuery": {"orgUnit": "orgUnits/03ph8a2z0root", "group": "groups/g-gone", "sortOrder": 9},
      "setting": {"type": "settings/gmail.auto_forwarding", "value": {"enableAutoForwarding": true}}, "type": "ADMIN"}]' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$GWS_FIXTURE" || fail "cannot derive the fixture"
gws_start

run "$AA" collect -c "$GCFG" -o "$T/snap.json"
expect_rc 0
got=$(jq -c '.policy.auto_forwarding_ou' "$T/snap.json")
want='[{"org_unit":"/","enabled":true},{"org_unit":"/Interns","enabled":false},{"group":"remote-staff@fabrikam.com","enabled":true},{"group":"sales-team@fabrikam.com","enabled":false}]'
[ "$got" = "$want" ] || fail "auto_forwarding_ou $got, want $want"

# verdicts: live, and from the written snapshot (the extension round-trips)
for how in live snapshot; do
	if [ $how = live ]; then run "$AA" audit -c "$GCFG" -f json; else run "$AA" audit --snapshot "$T/snap.json" -f json; fi
	[ "$rc" -eq 1 ] || { cat "$T/err"; fail "$how audit exit $rc, want 1"; }
	# bob (sales-team) is blocked by his group although the root OU allows forwarding
	jq -e '[.findings[] | select(.check == "forward.blocked" and (.summary | test("^bob@fabrikam.com"))
		and .evidence.control_kind == "group-policy")] | length == 1' "$T/out" >/dev/null ||
		{ jq -c '[.findings[] | {check, summary}]' "$T/out"; fail "$how: bob's forward is not blocked by sales-team's policy"; }
	# frank (/Interns off) forwards: remote-staff holds him through interns-fwd
	jq -e '[.findings[] | select(.check == "forward.blocked" and (.summary | test("^frank@")))] | length == 0' "$T/out" >/dev/null ||
		fail "$how: frank's forward is still blocked by his OU"
	jq -e '[.findings[] | select(.check == "forward.external-auth" and (.summary | test("^frank@fabrikam.com forwards")))] | length == 1' \
		"$T/out" >/dev/null || fail "$how: frank's forward is not reported as going out"
	jq -e '[.findings[] | select(.check == "forward.policy-open" and (.summary | test("remote-staff@fabrikam.com")))] | length == 1' \
		"$T/out" >/dev/null || fail "$how: remote-staff's open policy is not reported"
done
pass
