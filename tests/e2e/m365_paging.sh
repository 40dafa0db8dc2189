# m365_paging.sh - small pages everywhere (Graph nextLink with $skiptoken, the
# Exchange API's nextLink re-POSTed with the same body) give the same snapshot.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start --knobs '{"max_page": 2}'
norm="$ROOT/tests/e2e/lib/m365_norm.jq"
run "$AA" collect -c "$CFG" -o "$T/snap.json" -j 2
expect_rc 0
jq -S -f "$norm" "$ROOT/examples/contoso-m365.json" >"$T/a"
jq -S -f "$norm" "$T/snap.json" >"$T/b"
diff -u "$T/a" "$T/b" || fail "paged snapshot differs from examples/contoso-m365.json"
n=$(jq -r 'select(.path != null) | select(.path == "/v1.0/users") | .query."$skiptoken" // empty' "$MOCKLOG" | wc -l)
[ "$n" -ge 3 ] || fail "only $n follow-up /users pages"
# every Exchange follow-up page re-POSTs the body of the first page
jq -r 'select(.path != null) | select(.path | startswith("/adminapi/")) | select(.query."$skiptoken") | .body' "$MOCKLOG" >"$T/followups"
[ -s "$T/followups" ] || fail "no Exchange follow-up pages"
jq -r 'select(.path != null) | select(.path | startswith("/adminapi/")) | select(.query."$skiptoken" == null) | .body' "$MOCKLOG" >"$T/firsts"
while read -r b; do
	grep -qxF "$b" "$T/firsts" || fail "follow-up body not a first-page body: $b"
done <"$T/followups"
jq -s -e '[.[] | select(.path != null) | select(.path | startswith("/adminapi/")) | .headers.Prefer == "odata.maxpagesize=1000"] | length > 0 and all' "$MOCKLOG" >/dev/null || fail "no Prefer header"
pass
