# m365_fix_kill.sh - kill -9 in the middle of fix --apply (writes slowed down
# by the mock): the journal already holds the first result and the intent of
# the change in flight; undo reverts whatever took effect and the tenant is
# back to the first audit.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
audit_ids "$T/first"
m365_knobs '{"write_latency_ms": 700}'
mkdir -p "$T/j"
"$AA" fix -c "$CFG" --apply --yes --journal "$T/j" >"$T/out" 2>"$T/err" &
pid=$!
i=0
until grep -qs '"type":"result"' "$T"/j/*.jsonl; do
	i=$((i + 1))
	[ $i -lt 200 ] || { kill -9 $pid; fail "no result record appeared"; }
	kill -0 $pid 2>/dev/null || fail "fix ended before it could be killed: $(cat "$T/err")"
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
j=$(the_journal "$T/j")
intents=$(grep -c '"type":"intent"' "$j")
results=$(grep -c '"type":"result"' "$j")
[ "$results" -lt 4 ] || fail "the apply finished before the kill"
# let the write that was in flight land in the mock before undoing it
m365_knobs '{"write_latency_ms": 0}'
i=0
while [ "$(nr_writes)" -lt "$intents" ] && [ $i -lt 40 ]; do i=$((i + 1)); sleep 0.05; done
run "$AA" undo "$j" --yes
expect_rc 0
audit_ids "$T/after"
diff -u "$T/first" "$T/after" || fail "undo after kill -9 did not restore the first state"
pass
