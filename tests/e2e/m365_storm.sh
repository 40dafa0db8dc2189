# m365_storm.sh - a 5xx storm on one mailbox: the audit exits 3, names that
# mailbox, and audits everything else; a failed lookup is not "missing".
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start --knobs '{"rules": [{"match": "/users/u-admin/", "status": 503, "times": -1}]}'
run "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 3
err_has "admin@contoso.com"
jq -e '.complete == false' "$T/snap.json" >/dev/null || fail "snapshot marked complete"
jq -e '[.errors[] | select(.address == "admin@contoso.com")] | length == 2' "$T/snap.json" >/dev/null ||
	fail "errors do not name admin@contoso.com: $(jq -c .errors "$T/snap.json")"
jq -e '[.errors[] | .area] | sort == ["auto_replies", "forwards"]' "$T/snap.json" >/dev/null || fail "wrong error areas"
jq -e '.errors[0].message | test("503")' "$T/snap.json" >/dev/null || fail "error message lacks the status"
# the other mailboxes were read
jq -e '[.forwards[] | select(.from == "alice@contoso.com")] | length == 2' "$T/snap.json" >/dev/null || fail "alice's rules missing"
jq -e '[.forwards[] | select(.from == "info@contoso.com")] | length == 1' "$T/snap.json" >/dev/null || fail "info's rule missing"

run "$AA" audit -c "$CFG" -f json
expect_rc 3
jq -e '.tenants[0].complete == false' "$T/out" >/dev/null || fail "report says complete"
jq -e '[.tenants[0].errors[] | tostring | test("admin@contoso.com")] | any' "$T/out" >/dev/null || fail "report does not name the mailbox"
jq -e '[.findings[] | select(.check == "forward.blocked")] | length >= 1' "$T/out" >/dev/null || fail "other mailboxes not audited"
pass
