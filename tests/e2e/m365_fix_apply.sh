# m365_fix_apply.sh - the whole transaction against the stateful mock:
# audit → fix --apply --yes → audit (the fixed findings are gone) → undo →
# audit identical to the first; the journal is 0600 and holds no secret or
# token; a corrupted journal is refused in one line and writes nothing.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
audit_ids "$T/first"
cp "$T/audit.json" "$T/first.json"

run "$AA" fix -c "$CFG" --apply --yes --journal "$T/j"
expect_rc 0
for n in 1 2 3 4 5; do err_has "\[$n/5\] .* applied"; done
err_has 'done; undo with: aliasaudit undo'
j=$(the_journal "$T/j")
[ "$(stat -c %a "$j")" = 600 ] || fail "journal mode $(stat -c %a "$j")"
[ "$(jq -r 'select(.type=="result") | .status' "$j" | sort -u)" = applied ] || fail "not all applied"
[ "$(nr_writes)" -eq 6 ] || fail "want 6 writes (5 changes, the scoped policy is 2), got $(nr_writes)"

# no secret or token in the journal
grep -q "$CONTOSO_SECRET" "$j" && fail "the client secret is in the journal"
grep -q "$CONTOSO_WRITE_SECRET" "$j" && fail "the write secret is in the journal"
grep -Eqi 'bearer|eyJ[A-Za-z0-9_-]{8,}\.|access_token|client_secret"' "$j" && fail "a token is in the journal"

# the findings the changes resolve are gone (the forward.blocked one stays only
# because the newly blocked remote domain '*' now blocks that forward instead)
audit_ids "$T/second"
jq -r 'select(.type=="intent") | .change.finding_ids[]' "$j" | sort -u >"$T/fixed"
[ "$(wc -l <"$T/fixed")" -eq 5 ] || fail "want 5 resolved findings"
for id in $(cat "$T/fixed"); do
	s=$(jq -r --arg id "$id" '.findings[] | select(.id == $id) | .summary' "$T/audit.json")
	[ -z "$s" ] && continue
	case "$s" in *"remote domain '*'"*) ;; *) fail "finding $id is still there: $s";; esac
done
grep -q "f-70b1b7beff36f365" "$T/second" && fail "the loop is still there"
jq -e '.findings[] | select(.check == "sendas.alias-disabled")' "$T/audit.json" >/dev/null &&
	fail "sendas.alias-disabled is still there"

# a corrupted journal changes nothing
w=$(nr_writes)
head -c 200 "$j" >"$T/trunc.jsonl"
run "$AA" undo "$T/trunc.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'trunc.jsonl: truncated'
sed '3s/.*/{"type":"result","seq":1,"status":"exploded"}/' "$j" >"$T/bad.jsonl"
run "$AA" undo "$T/bad.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'bad.jsonl: line 3'
jq -c 'if .type=="intent" then del(.change.params) else . end' "$j" >"$T/noparams.jsonl"
run "$AA" undo "$T/noparams.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'noparams.jsonl: line 2: change.params'
[ "$(nr_writes)" -eq "$w" ] || fail "a corrupted journal wrote"

# undo restores the first state exactly
run "$AA" undo "$j" --yes
expect_rc 0
for n in 1 2 3 4 5; do err_has "undo $n: .* reverted"; done
audit_ids "$T/third"
diff -u "$T/first" "$T/third" || fail "after undo the findings differ from the first audit"
jq -S '.findings' "$T/first.json" >"$T/f1"
jq -S '.findings' "$T/audit.json" >"$T/f3"
diff -u "$T/f1" "$T/f3" || fail "after undo the findings' details differ"
# a second undo has nothing left to do
run "$AA" undo "$j" --yes
expect_rc 0
pass
