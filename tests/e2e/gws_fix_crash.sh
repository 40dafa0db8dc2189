# gws_fix_crash.sh - an apply killed with SIGKILL between a Gmail write and
# its answer (the mock holds each write's answer) leaves a journal whose last
# change has an intent and no result; undo reverts it and the completed one,
# and the audit and the Gmail state are the original ones again. Journals
# that do not read back (garbage, a change without its user) change nothing;
# one cut short in its last record is undone without that record. The
# journal holds no secret.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_fix_mock.sh"
gws_start --gws-knobs '{"write_delay_ms": 1500}'

audit_ids "$GCFG" "$T/before"
gws_state "$T/state0"
"$AA" fix -c "$GCFG" --apply --yes --journal "$T/j" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ "$(gws_writes)" -lt 2 ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || { kill -9 $pid; cat "$T/err"; fail "the second write never came"; }
	kill -0 $pid 2>/dev/null || { cat "$T/err"; fail "fix ended before the second write"; }
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
gws_knobs '{"write_delay_ms": 0}'
journal_in "$T/j"
jq -s -e '[.[] | select(.type == "intent")] | length == 2' "$J" >/dev/null || fail "want two intents"
jq -s -e '[.[] | select(.type == "result")] | length == 1' "$J" >/dev/null || fail "want one result"
no_secrets "$J"
gws_state "$T/state1"
cmp -s "$T/state0" "$T/state1" && fail "the killed apply changed nothing"

run "$AA" undo "$J" --yes
expect_rc 0
err_has 'undo 2: .* reverted'
err_has 'undo 1: .* reverted'
audit_ids "$GCFG" "$T/after"
diff -u "$T/before" "$T/after" || fail "undo after kill -9 did not restore the audit"
gws_state "$T/state2"
jq -S 'del(."frank@fabrikam.com".filter[].id)' "$T/state0" >"$T/s0"
jq -S 'del(."frank@fabrikam.com".filter[].id)' "$T/state2" >"$T/s2"
diff -u "$T/s0" "$T/s2" || fail "the Gmail state after undo differs from the start"
no_secrets "$J"

# a journal cut short in its first intent: that intent is ignored (its change
# never started), nothing is left to undo and nothing is written
nw=$(gws_writes)
head -n 1 "$J" >"$T/trunc.jsonl"
sed -n 2p "$J" | head -c 40 >>"$T/trunc.jsonl"
run "$AA" undo "$T/trunc.jsonl" --yes
expect_rc 0; err_has 'trunc.jsonl: ignoring the incomplete last record'
[ "$(gws_writes)" -eq "$nw" ] || fail "undo of a cut-short journal wrote"
# corrupted journals are refused whole, with one line, before any request
{ head -n 2 "$J"; echo '{"type":"result","seq":1,'; } >"$T/broken.jsonl"
run "$AA" undo "$T/broken.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'broken.jsonl: line 3'
# a change that names no user cannot be reverted: it fails, nothing is written
grep -v '"undo-' "$J" | jq -c 'if .type == "intent" then .change.params = {} else . end' >"$T/nouser.jsonl"
run "$AA" undo "$T/nouser.jsonl" --yes
expect_rc 4
err_has 'the change.s params name no user'
[ "$(gws_writes)" -eq "$nw" ] || fail "a bad journal made a write"
pass
