# fix_journal.sh - undo refuses journals that do not read back completely
# (a header cut short, corrupt, not a journal, version 1 which is bound to no
# tenant id) with one line naming the file and line, and changes nothing (it
# never gets as far as opening a tenant).
. "$ROOT/tests/e2e/lib/lib.sh"
printf '{"type":"journal","vers' >"$T/trunc.jsonl"
run "$AA" undo "$T/trunc.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'trunc.jsonl: truncated: not even the header'
printf '{"type":"journal","version":1}\n' >"$T/v1.jsonl"
run "$AA" undo "$T/v1.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'v1.jsonl: line 1: version 1: this journal is not bound to a tenant id'
printf '{"type":"journal","version":2,"tenants":{}}\n{garbage}\n' >"$T/bad.jsonl"
run "$AA" undo "$T/bad.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'bad.jsonl: line 2: not a JSON object'
printf '\000\001\002\n' >"$T/bin.jsonl"
run "$AA" undo "$T/bin.jsonl" --yes
expect_rc 2; err_lines 1; err_has 'bin.jsonl'
run "$AA" undo "$ROOT/examples/contoso-m365.json" --yes
expect_rc 2; err_lines 1
run "$AA" undo
expect_rc 2; err_has 'exactly one JOURNAL'
run "$AA" fix --fix-variant sideways
expect_rc 2; err_has 'unknown'
pass
