# gws_paging.sh - endless paging (issue 13 item 12): a nextPageToken the
# server repeats, or a page chain that never ends, stops with an error naming
# the list (exit 3), for Directory users, groups and members and for the
# Policy API; the other lists are still read. The limit is max_pages
# (default GWS_MAX_PAGES; lowered here so the test is quick).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
command -v jq >/dev/null || skip "no jq"

# check_stop SNAPSHOT AREA WHAT PATTERN: the area failed naming what and why
check_stop() {
	jq -e --arg a "$2" --arg w "$3" --arg p "$4" \
		'[.errors[] | select(.area == $a and (.object | contains($w)) and (.message | test($p)))] | length >= 1' \
		"$1" >/dev/null || { jq .errors "$1"; fail "no $2 error for $3 matching '$4'"; }
}

# a repeated token on users.list and on the Policy API; every page a page of one
gws_start --knobs '{"max_page": 1}' --gws-paging '{"repeat": "/users"}'
run timeout 60 "$AA" collect -c "$GCFG" -o "$T/repeat.json"
expect_rc 3
check_stop "$T/repeat.json" recipients "users.list" "nextPageToken it had sent before"
# the groups and the policies were read all the same
jq -e '[.recipients[] | select(.kind == "group")] | length == 1' "$T/repeat.json" >/dev/null || fail "groups lost"
jq -e '.policy.auto_forwarding_ou | length == 2' "$T/repeat.json" >/dev/null || fail "policies lost"
n=$(jq -s '[.[] | select(.path == "/admin/directory/v1/users")] | length' "$MOCKLOG")
[ "$n" -le 3 ] || fail "users.list asked $n times for a repeated token"
mock_stop

gws_start --gws-paging '{"repeat": "/v1/policies"}'
run timeout 60 "$AA" collect -c "$GCFG" -o "$T/prepeat.json"
expect_rc 3
check_stop "$T/prepeat.json" policy.auto_forwarding_ou "Policy API" "nextPageToken it had sent before"
mock_stop

# chains that never end: group members and groups, stopped at max_pages
gws_start --gws-paging '{"endless": "/members"}'
gws_config "$GCFG" "max_pages = 25"
run timeout 60 "$AA" collect -c "$GCFG" -o "$T/endless.json"
expect_rc 3
check_stop "$T/endless.json" recipients "members of group sales-team@fabrikam.com" "did not end after 25 pages"
n=$(jq -s '[.[] | select((.path // "") | endswith("/members"))] | length' "$MOCKLOG")
[ "$n" -eq 25 ] || fail "members asked $n times, want 25 (max_pages)"
run "$AA" audit -c "$GCFG"
expect_rc 3
out_has "sales-team@fabrikam.com"
pass
