# m365_fix_cas.sh - compare-and-swap inside one fix --apply: the mock changes
# SendFromAliasEnabled right after the audit has read it, so the engine's
# re-read differs from the planned old value: that change is skipped with a
# clear message, the others are applied, exit 0.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
m365_knobs '{"mutations": [{"match": "Get-OrganizationConfig", "after": 1,
  "cmdlet": "Set-OrganizationConfig", "params": {"SendFromAliasEnabled": true}}]}'
run "$AA" fix -c "$CFG" --apply --yes --journal "$T/j"
expect_rc 0
out_has 'SendFromAliasEnabled: false → true'
err_has 'organization config SendFromAliasEnabled ... skipped: the live value true differs from the planned false (changed since the audit)'
[ "$(grep -c '\.\.\. applied' "$T/err")" -eq 2 ] || fail "want the 2 other changes applied"
grep -q '"m365_mutation"' "$MOCKLOG" || fail "the mutation did not run"
grep -q '"m365_write":"Set-OrganizationConfig"' "$MOCKLOG" && fail "the skipped change was written"
j=$(the_journal "$T/j")
[ "$(jq -r 'select(.type=="result" and .status=="skipped") | .seq' "$j")" = 2 ] || fail "seq 2 not skipped"
# undo leaves the skipped change alone and reverts the rest
run "$AA" undo "$j" --yes
expect_rc 0
[ "$(grep -c 'reverted' "$T/err")" -eq 2 ] || fail "want 2 reverted"
pass
