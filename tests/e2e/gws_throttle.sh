# gws_throttle.sh - Google Workspace throttling and failures: 429 with
# Retry-After (Directory), 403 userRateLimitExceeded with only "Retry after
# <RFC 3339>" in the message (Gmail, inside the batch), and the Policy API's
# 429 RESOURCE_EXHAUSTED when pages come faster than its pace give the same
# findings as an unthrottled run; a 5xx storm on one user's settings gives
# exit 3 naming that user with the others audited; a truncated multipart
# answer and malformed JSON give clear errors, never a crash.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
# a wide pace window (1 s): the fast run must exceed it even on a loaded machine
gws_start --gws-policy-interval-ms 1000 --knobs '{"max_page": 1}'

# unthrottled reference (pages paced as the Policy API wants)
gws_config "$T/paced.ini"
sed -i "s/^policy_page_delay_ms = .*/policy_page_delay_ms = 1050/" "$T/paced.ini"
run "$AA" audit -c "$T/paced.ini" -f json
[ "$rc" -eq 1 ] || { cat "$T/err"; fail "reference audit exit $rc"; }
jq -r '.findings[].id' "$T/out" | sort >"$T/ref.ids"
[ -s "$T/ref.ids" ] || fail "no findings"
grep -q '"status":429' "$MOCKLOG" && fail "the paced run was throttled"

# throttled: every injected form at once (Policy pages still paced, so that
# the client's adaptive window, cut by these 429s, cannot hide the next part)
: >"$MOCKLOG"
mock_knobs '{"max_page": 1, "rules": [
 {"match": "/admin/directory/v1/users", "status": 429, "retry_after": 1, "times": 2},
 {"match": "gmail:bob@fabrikam.com:/gmail/v1/users/me/settings/autoForwarding", "status": 403, "retry_after": 1, "times": 2},
 {"match": "gmail:carol@fabrikam.com:/gmail/v1/users/me/settings/sendAs", "status": 429, "retry_after": 0.2, "times": 1}]}'
run "$AA" audit -c "$T/paced.ini" -f json
[ "$rc" -eq 1 ] || { jq -c ".tenants[0].errors" "$T/out"; cat "$T/err"; fail "throttled audit exit $rc, want 1"; }
jq -e '.tenants[0].complete == true' "$T/out" >/dev/null || fail "throttled audit incomplete"
jq -r '.findings[].id' "$T/out" | sort >"$T/thr.ids"
diff -u "$T/ref.ids" "$T/thr.ids" || fail "throttling changed the findings"
jq -s -e '[.[] | select(.path == "/admin/directory/v1/users" and .status == 429)] | length == 2' "$MOCKLOG" >/dev/null ||
	fail "users.list was not throttled twice"
jq -s -e '[.[] | select(.batch_part and .sub == "bob@fabrikam.com" and .status == 403)] | length == 2' "$MOCKLOG" >/dev/null ||
	fail "bob's autoForwarding was not answered 403 twice"
jq -s -e '[.[] | select(.batch_part == "/gmail/v1/users/me/settings/autoForwarding" and .sub == "bob@fabrikam.com" and .status == 200)] | length == 1' "$MOCKLOG" >/dev/null ||
	fail "bob's autoForwarding was not retried to success"

# the Policy API's own pace: unpaced pages (nothing else throttled, so the
# second page follows the first at once) get 429 RESOURCE_EXHAUSTED, retried
: >"$MOCKLOG"
mock_knobs '{"max_page": 1, "rules": []}'
gws_config "$T/fast.ini"
sed -i 's/^policy_page_delay_ms = .*/policy_page_delay_ms = 0/' "$T/fast.ini"
run "$AA" audit -c "$T/fast.ini" -f json
[ "$rc" -eq 1 ] || { cat "$T/err"; fail "unpaced audit exit $rc, want 1"; }
jq -r '.findings[].id' "$T/out" | sort >"$T/fast.ids"
diff -u "$T/ref.ids" "$T/fast.ids" || fail "the Policy API's 429s changed the findings"
jq -s -e '[.[] | select(.path == "/v1/policies" and .status == 429)] | length >= 1' "$MOCKLOG" >/dev/null ||
	fail "the Policy API pace was never exceeded (test does not test anything)"

# a 5xx storm on frank's settings: exit 3, frank named, the others audited
mock_knobs '{"max_page": 0, "rules": [{"match": "gmail:frank@fabrikam.com:", "status": 503, "times": -1}]}'
run "$AA" audit -c "$T/paced.ini" -f json
expect_rc 3
jq -e '.tenants[0].complete == false' "$T/out" >/dev/null || fail "not marked incomplete"
jq -e '[.tenants[0].errors[] | tostring | select(test("frank@fabrikam.com"))] | length >= 1' "$T/out" >/dev/null ||
	fail "frank is not named in the errors"
jq -e '[.tenants[0].errors[] | tostring | select(test("bob@|carol@|support@|eve@"))] | length == 0' "$T/out" >/dev/null ||
	fail "other users are named in the errors"
jq -e '[.findings[] | select(.check == "sendas.treat-as-alias")] | length >= 1' "$T/out" >/dev/null ||
	fail "carol's send-as was not audited"
run "$AA" audit -c "$T/paced.ini"
expect_rc 3
out_has "frank@fabrikam.com"

# a truncated multipart answer: a clear error per area, exit 3, no crash
mock_knobs '{"rules": [{"match": "batch", "malformed": "truncate", "times": -1}]}'
run "$AA" collect -c "$T/paced.ini" -o "$T/trunc.json"
expect_rc 3
jq -e '[.errors[] | select(.message | test("truncated multipart"))] | length >= 1' "$T/trunc.json" >/dev/null ||
	{ jq .errors "$T/trunc.json"; fail "no 'truncated multipart' error"; }
jq -e '.recipients | length == 6' "$T/trunc.json" >/dev/null || fail "the Directory part was lost"

# malformed JSON from the Directory: named, exit 3
mock_knobs '{"rules": [{"match": "/admin/directory/v1/groups?", "malformed": "garbage", "times": -1}]}'
run "$AA" collect -c "$T/paced.ini" -o "$T/bad.json"
expect_rc 3
jq -e '[.errors[] | select(.message | test("malformed JSON"))] | length >= 1' "$T/bad.json" >/dev/null ||
	{ jq .errors "$T/bad.json"; fail "no 'malformed JSON' error"; }
grep -q 'ya29\.\|PRIVATE KEY' "$T/out" "$T/err" "$T/bad.json" "$T/trunc.json" && fail "secret material in an output"
pass
