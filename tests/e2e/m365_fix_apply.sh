# m365_fix_apply.sh - the whole transaction against the stateful mock:
# audit → fix --apply --yes (the proven plan, printed once) → audit: the
# findings the plan resolves are gone and nothing is new → undo → audit
# identical to the first and the mock's whole state (GET /_m365/state)
# identical field by field. The journal is 0600, bound to the tenant GUID,
# names the config absolutely and holds no secret or token; a corrupted
# journal is refused in one line and writes nothing.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
audit_ids "$T/first"
cp "$T/audit.json" "$T/first.json"
m365_state "$T/state0"

# run from the config's directory with a relative path: the journal keeps it absolute
(cd "$T" && "$AA" fix -c config.ini --apply --yes --journal "$T/j" >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0
[ "$(grep -c '^Plan: ' "$T/out")" -eq 1 ] || fail "the plan was not printed exactly once"
# (no change for the seed article's inbox-rule cycle: no route.loop in Exchange
# Online, docs/snapshot.md, routing)
out_has 'Plan: 3 changes'
out_has 'the plan resolves 3 findings and introduces 0'
for n in 1 2 3; do err_has "\[$n/3\] .* applied"; done
err_has 'done; undo with: aliasaudit undo'
j=$(the_journal "$T/j")
[ "$(stat -c %a "$j")" = 600 ] || fail "journal mode $(stat -c %a "$j")"
[ "$(jq -r 'select(.type=="result") | .status' "$j" | sort -u)" = applied ] || fail "not all applied"
[ "$(nr_writes)" -eq 3 ] || fail "want 3 writes, got $(nr_writes)"
[ "$(head -n 1 "$j" | jq -r .config)" = "$T/config.ini" ] || fail "the journal's config is not absolute"
[ "$(head -n 1 "$j" | jq -r .tenants.contoso)" = "$TENANT_ID" ] || fail "the journal is not bound to the tenant GUID"

# no secret or token in the journal
grep -q "$CONTOSO_SECRET" "$j" && fail "the client secret is in the journal"
grep -q "$CONTOSO_WRITE_SECRET" "$j" && fail "the write secret is in the journal"
grep -Eqi 'bearer|eyJ[A-Za-z0-9_-]{8,}\.|access_token|client_secret"' "$j" && fail "a token is in the journal"

# the findings the changes resolve are gone, and nothing new appeared
audit_ids "$T/second"
jq -r 'select(.type=="intent") | .change.finding_ids[]' "$j" | sort -u >"$T/fixed"
[ "$(wc -l <"$T/fixed")" -eq 3 ] || fail "want 3 resolved findings"
for id in $(cat "$T/fixed"); do
	grep -q "$id" "$T/second" && fail "finding $id is still there"
done
new=$(comm -13 "$T/first" "$T/second")
[ -z "$new" ] || fail "the apply introduced findings: $new"
# least egress: the blocked forward was stopped, not allowed; no policy was created
grep -q '"m365_write":"New-' "$MOCKLOG" && fail "the default plan created an object"
grep -q '"m365_write":"Set-RemoteDomain","identity":"Default"' "$MOCKLOG" &&
	fail "the default plan blocked '*', which blocks bob's explicitly allowed forward"

# a corrupted journal changes nothing
w=$(nr_writes)
sed '3s/.*/{"type":"result","seq":1,"status":"exploded"}/' "$j" >"$T/bad.jsonl"
run "$AA" undo "$T/bad.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'bad.jsonl: line 3'
jq -c 'if .type=="intent" then del(.change.params) else . end' "$j" >"$T/noparams.jsonl"
run "$AA" undo "$T/noparams.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'noparams.jsonl: line 2: change.params'
[ "$(nr_writes)" -eq "$w" ] || fail "a corrupted journal wrote"

# undo (from another directory: the config is found by its absolute path)
(cd / && "$AA" undo "$j" --yes >"$T/out" 2>"$T/err")
rc=$?
expect_rc 0
for n in 1 2 3; do err_has "undo $n: .* reverted"; done
audit_ids "$T/third"
diff -u "$T/first" "$T/third" || fail "after undo the findings differ from the first audit"
jq -S '.findings' "$T/first.json" >"$T/f1"
jq -S '.findings' "$T/audit.json" >"$T/f3"
diff -u "$T/f1" "$T/f3" || fail "after undo the findings' details differ"
m365_state "$T/state1"
diff -u "$T/state0" "$T/state1" || fail "after undo the mock's state differs from before the apply"
# a second undo has nothing left to do
run "$AA" undo "$j" --yes
expect_rc 0
pass
