# gws_quota.sh - the Policy API's per-minute read quota (issue 13 item 10):
# a 429 "Quota exceeded ... read requests per minute" needs a long wait
# (ScubaGoggles waits 30 s, then 45 s, ...), not the few seconds of generic
# backoff. The mock's quota window is shortened to 6 s and the tool's first
# wait (policy_quota_wait_ms) to 2.5 s: the generic retries alone would end
# inside the window; the quota waits (2.5 s, 3.75 s) outlast it. Past the bound
# (policy_quota_max_wait_ms) the policy area fails naming the quota: exit 3.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
command -v jq >/dev/null || skip "no jq"
gws_start --knobs '{"max_page": 1}' --gws-policy-quota '{"reads": 1, "window_ms": 6000}'
gws_config "$GCFG" "policy_quota_wait_ms = 2500" "policy_quota_max_wait_ms = 20000"

run "$AA" collect -c "$GCFG" -o "$T/snap.json"
expect_rc 0
jq -e '.policy.auto_forwarding_ou | length == 2' "$T/snap.json" >/dev/null || { jq .policy "$T/snap.json"; fail "policies lost"; }
n=$(jq -s '[.[] | select(.path == "/v1/policies" and .status == 429)] | length' "$MOCKLOG")
[ "$n" -ge 1 ] || fail "the read quota was never hit (test does not test anything)"
# waited out (2.5 s, then 3.75 s), not retried within seconds: the generic
# backoff would have sent 5 requests into the spent window
[ "$n" -le 2 ] || fail "$n requests ran into the spent quota"
jq -s -e '[.[] | select(.path == "/v1/policies" and .status == 200)] | length == 2' "$MOCKLOG" >/dev/null ||
	fail "the second policy page was not read after the quota wait"

# a quota that stays spent: the bound ends the wait, the area names the quota
mock_stop
gws_start --knobs '{"max_page": 1}' --gws-policy-quota '{"reads": 1, "window_ms": 600000}'
gws_config "$GCFG" "policy_quota_wait_ms = 2000" "policy_quota_max_wait_ms = 1000"
run "$AA" collect -c "$GCFG" -o "$T/spent.json"
expect_rc 3
jq -e '[.errors[] | select(.area == "policy.auto_forwarding_ou" and (.message | test("read quota.*policy_quota_max_wait_ms")))] | length == 1' \
	"$T/spent.json" >/dev/null || { jq .errors "$T/spent.json"; fail "the quota is not named"; }
jq -e '[.errors[] | select(.area != "policy.auto_forwarding_ou")] | length == 0' "$T/spent.json" >/dev/null ||
	{ jq .errors "$T/spent.json"; fail "other areas failed"; }
pass
