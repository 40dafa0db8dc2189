# m365_fix_partial.sh - a write that keeps failing (503 on every try) fails
# its change only: exit 4, the journal names it failed, the other changes are
# applied, and undo reverts them back to the first audit.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
audit_ids "$T/first"
mock_knobs '{"rules": [{"match": "Set-RemoteDomain Partner", "status": 503, "times": -1, "retry_after": "0"}]}'
run "$AA" fix -c "$CFG" --apply --yes --journal "$T/j"
expect_rc 4
err_has 'remote domain partner.example AutoForwardEnabled ... failed: Set-RemoteDomain: HTTP 503'
err_has 'some changes FAILED'
j=$(the_journal "$T/j")
[ "$(jq -r 'select(.type=="result" and .status=="failed") | .seq' "$j")" = 3 ] || fail "seq 3 not failed"
jq -r 'select(.type=="result" and .status=="failed") | .message' "$j" | grep -q 'HTTP 503' ||
	fail "the journal does not say why"
[ "$(jq -r 'select(.type=="result" and .status=="applied") | .seq' "$j" | wc -l)" -eq 2 ] ||
	fail "want 2 applied"
mock_knobs '{"rules": []}'
run "$AA" undo "$j" --yes
expect_rc 0
[ "$(grep -c 'reverted' "$T/err")" -eq 2 ] || fail "want 2 reverted"
audit_ids "$T/after"
diff -u "$T/first" "$T/after" || fail "undo did not restore the first state"
pass
