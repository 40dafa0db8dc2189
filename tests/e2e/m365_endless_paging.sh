# m365_endless_paging.sh - a server paging loop (issue 13 item 12): an
# @odata.nextLink that repeats one already followed, or a chain longer than
# ODATA_MAX_PAGES, stops that collection with an error naming its area and
# exit 3 - it never loops (the run is bounded by timeout: looping fails).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
command -v timeout >/dev/null || skip "no timeout(1)"
mock_start --knobs '{"max_page": 2}'
# Exchange: Get-Mailbox's second page links to itself, forever
mock_knobs '{"rules": [{"match": "Get-Mailbox", "next": "repeat", "times": -1}]}'
run timeout 60 "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 3
grep -q "endless paging" "$T/err" || { cat "$T/err"; fail "Get-Mailbox loop: no clear message"; }
grep -q "Get-Mailbox" "$T/err" || { cat "$T/err"; fail "Get-Mailbox loop: cmdlet not named"; }
jq -e '[.errors[] | select(.area == "recipients" and (.message | test("endless paging")))] | length >= 1' \
	"$T/snap.json" >/dev/null || fail "no recipients error: $(jq -c .errors "$T/snap.json")"
n=$(jq -r 'select(.path != null) | select(.path | startswith("/adminapi/")) | .body' "$MOCKLOG" |
	grep -c '"Get-Mailbox"')
[ "$n" -le 4 ] || fail "Get-Mailbox read $n times: the repeat was not noticed at once"
# everything else was still read
jq -e '.domains | length == 2' "$T/snap.json" >/dev/null || fail "domains not read"
# Graph: /users serves new links without end; the page limit stops it
: >"$MOCKLOG"
mock_knobs '{"rules": [{"match": "/v1.0/users", "next": "endless", "times": -1}]}'
ALIASAUDIT_ODATA_MAX_PAGES=40 run timeout 60 "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 3
grep -q "endless paging: more than 40 pages" "$T/err" || { cat "$T/err"; fail "/users chain: no clear message"; }
grep -q "Graph /users" "$T/err" || { cat "$T/err"; fail "/users chain: area not named"; }
n=$(jq -r 'select(.path == "/v1.0/users") | .path' "$MOCKLOG" | wc -l)
[ "$n" -le 41 ] || fail "/users read $n times past the limit of 40 pages"
# the audit says incomplete too
ALIASAUDIT_ODATA_MAX_PAGES=40 run timeout 60 "$AA" audit -c "$CFG" -f json
expect_rc 3
pass
