# gws_fix_retry.sh - a Gmail create that took effect and still answered 503
# (the mock's fail_after_write knob): the client's retry meets 409
# "duplicate", reads the send-as back and, since it is the one asked for,
# records the change applied (exit 0, one send-as); a journal edited to
# point the revert at another mailbox is refused before any write; undo
# deletes the send-as and the Gmail state is the one before the apply.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_fix_mock.sh"
gws_start
gws_state "$T/state0"
gws_knobs '{"fail_after_write": [{"method": "POST", "match": "sendAs", "status": 503, "times": 1}]}'
run "$AA" fix -c "$GCFG" --check sendas.missing --apply --yes --journal "$T/j"
expect_rc 0
err_has '\[1/1\] fabrikam: send-as bob@fabrikam-alias.com of bob@fabrikam.com sendAs ... applied'
jq -s -e '[.[] | select(.gmail_write == "POST" and (.path | endswith("/sendAs")))] | map(.status) == [503, 409]' \
	"$MOCKLOG" >/dev/null || fail "want a 503 after the create, then 409 on the retry"
gws_state "$T/state1"
jq -e '[."bob@fabrikam.com".sendAs[] | select(.sendAsEmail == "bob@fabrikam-alias.com")] | length == 1' \
	"$T/state1" >/dev/null || fail "want exactly one new send-as"
journal_in "$T/j"
jq -c 'if .type == "intent" then .change.params.user = "carol@fabrikam.com" else . end' "$J" >"$T/edited.jsonl"
nw=$(gws_writes)
run "$AA" undo "$T/edited.jsonl" --yes
expect_rc 4
err_has "'send-as bob@fabrikam-alias.com of bob@fabrikam.com' is not the object the change's params point at (user carol@fabrikam.com"
[ "$(gws_writes)" -eq "$nw" ] || fail "the edited journal wrote"
run "$AA" undo "$J" --yes
expect_rc 0
err_has 'undo 1: .* reverted'
gws_state "$T/state2"
diff -u "$T/state0" "$T/state2" || fail "the Gmail state after undo differs from the start"
pass
