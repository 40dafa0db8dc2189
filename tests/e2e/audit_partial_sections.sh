# audit_partial_sections.sh - an incomplete snapshot may leave out recipients
# (and domains): the audit runs with what is there, concludes nothing from the
# missing section (no ghost) and exits 3; a complete one without recipients
# is refused with one line naming the field (exit 2). Issue 12 regression.
. "$ROOT/tests/e2e/lib/lib.sh"
C="$ROOT/examples/contoso-m365.json"

jq 'del(.recipients) | .complete = false |
    .errors = [{"object":"users","message":"HTTP 503 after 5 tries","area":"recipients"}]' \
	"$C" >"$T/norcp.json"
run "$AA" audit --snapshot "$T/norcp.json" -f json
expect_rc 3
jq_eq '.summary.complete' 'false'
jq_eq '[.findings[] | select(.check == "route.ghost")] | length' '0'
jq_eq '[.findings[] | select(.check == "forward.policy-open")] | length > 0' 'true'
# the text report says it is incomplete
run "$AA" audit --snapshot "$T/norcp.json"
expect_rc 3
out_has 'INCOMPLETE AUDIT'

jq 'del(.recipients) | del(.domains) | .complete = false | .errors = []' "$C" >"$T/bare.json"
run "$AA" audit --snapshot "$T/bare.json" -f json
expect_rc 3

jq 'del(.recipients)' "$C" >"$T/complete.json"
run "$AA" audit --snapshot "$T/complete.json"
expect_rc 2; err_lines 1; err_has 'complete.json: recipients: missing'
pass
