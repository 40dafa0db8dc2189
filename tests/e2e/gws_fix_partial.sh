# gws_fix_partial.sh - changes that do not go as planned, against the Google
# Workspace mock:
#  - compare-and-swap: carol's send-as support@ is changed behind the tool's
#    back after the audit read it (within one `fix --apply` run): that change
#    is skipped and journaled as such, no PATCH is sent, the others apply;
#  - partial failure: the PATCH answers 500 every time: exit 4, the journal
#    and stderr name the failed change, the rest is applied, and undo reverts
#    exactly the rest (the audit is then the original one again);
#  - the write scope not authorised for domain-wide delegation: every change
#    fails with the Admin-console hint (exit 4), nothing is written.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_fix_mock.sh"
gws_start

audit_ids "$GCFG" "$T/before"
# after the audit's one read of carol's send-as list, treatAsAlias goes off
sendas=$(jq -c '.gmail."carol@fabrikam.com".sendAs | map(if .sendAsEmail == "support@fabrikam.com"
	then .treatAsAlias = false else . end)' "$GWS_FIXTURE")
gws_knobs "{\"tamper\": [{\"match\": \"gmail:carol@fabrikam.com:/gmail/v1/users/me/settings/sendAs\",
	\"after_reads\": 1, \"user\": \"carol@fabrikam.com\", \"key\": \"sendAs\", \"value\": $sendas}]}"
run "$AA" fix -c "$GCFG" --apply --yes --journal "$T/j1"
expect_rc 0
err_has 'treatAsAlias ... skipped: the live value false differs from the planned true'
grep -q '"tamper":"carol@fabrikam.com"' "$MOCKLOG" || fail "the value was not changed behind the tool's back"
journal_in "$T/j1"
jq -s -e '[.[] | select(.type == "result")] | map(.status) == ["applied", "applied", "skipped"]' "$J" >/dev/null ||
	fail "the journal does not record applied, applied, skipped"
[ "$(gws_writes)" -eq 2 ] || fail "want 2 writes, got $(gws_writes)"
grep '"gmail_write":"PATCH"' "$MOCKLOG" && fail "the skipped change was written"
run "$AA" undo "$J" --yes
expect_rc 0
[ "$(gws_writes)" -eq 4 ] || fail "undo: want 2 more writes, got $(gws_writes)"
no_secrets "$J"

# partial failure: a fresh tenant whose one PATCH always fails
mock_stop
gws_start --knobs '{"rules": [{"match": "PATCH gmail:carol@fabrikam.com", "status": 500, "retry_after": "0"}]}'
run "$AA" fix -c "$GCFG" --apply --yes --journal "$T/j2"
expect_rc 4
err_has 'treatAsAlias ... failed: PATCH sendAs/support@fabrikam.com of carol@fabrikam.com: HTTP 500 backendError'
err_has 'some changes FAILED'
journal_in "$T/j2"
jq -s -e '[.[] | select(.type == "result")] | map(.status) == ["applied", "applied", "failed"]' "$J" >/dev/null ||
	fail "the journal does not record applied, applied, failed"
jq -s -e '[.[] | select(.type == "result" and .status == "failed")][0].message | test("HTTP 500")' "$J" >/dev/null ||
	fail "the journal does not say why the change failed"
audit_ids "$GCFG" "$T/partial"
grep -qx f-ed7f824546aa025a "$T/partial" || fail "the failed change's finding is gone"
grep -qx f-e533f3ba8c5c4421 "$T/partial" && fail "an applied change's finding is still there"
run "$AA" undo "$J" --yes
expect_rc 0
err_has 'undo 2: fabrikam: send-as bob@fabrikam-alias.com of bob@fabrikam.com sendAs ... reverted'
err_has 'undo 1: .* reverted'
grep -q '^undo 3' "$T/err" && fail "undo touched the failed change"
audit_ids "$GCFG" "$T/undone"
diff -u "$T/before" "$T/undone" || fail "undo did not restore the audit"
no_secrets "$J"

# the write scope is not authorised: nothing can change
mock_stop
jq '.service_account.scopes -= ["https://www.googleapis.com/auth/gmail.settings.sharing"]' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$T/noshare.json"
GWS_FIXTURE="$T/noshare.json"
gws_start
run "$AA" fix -c "$GCFG" --apply --yes --journal "$T/j3"
expect_rc 4
err_has 'unauthorized_client'
err_has 'gmail.settings.sharing'
[ "$(gws_attempts)" -eq 0 ] || fail "a write reached the mock without the write scope"
journal_in "$T/j3"
no_secrets "$J" "$T/err" "$T/out"
pass
