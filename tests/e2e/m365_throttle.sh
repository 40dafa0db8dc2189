# m365_throttle.sh - 429s with Retry-After (integer, fractional, HTTP-date; on
# Graph pages, Exchange cmdlets and $batch items) and one 503 are retried: the
# snapshot and the findings equal an unthrottled run's.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start
norm="$ROOT/tests/e2e/lib/m365_norm.jq"
run "$AA" audit -c "$CFG" -f json --save-snapshot "$T/calm.json"
[ "$rc" -le 1 ] || { cat "$T/err"; fail "unthrottled audit exit $rc"; }
jq -S '.findings | sort_by(.id)' "$T/out" >"$T/calm-findings"

mock_knobs '{"rules": [
 {"match": "/v1.0/users?", "status": 429, "retry_after": "1", "times": 1},
 {"match": "Get-Mailbox", "status": 429, "retry_after": "0.3", "times": 2},
 {"match": "Get-TransportRule", "status": 503, "times": 1},
 {"match": "/messageRules", "status": 429, "retry_after": "0.2", "times": 3},
 {"match": "/mailboxSettings", "status": 429, "retry_after": "Thu, 01 Jan 1970 00:00:00 GMT", "times": 2},
 {"match": "/v1.0/domains", "status": 429, "times": 1}
]}'
: >"$MOCKLOG"
run "$AA" audit -c "$CFG" -f json --save-snapshot "$T/throttled.json"
[ "$rc" -le 1 ] || { cat "$T/err"; fail "throttled audit exit $rc"; }
jq -S '.findings | sort_by(.id)' "$T/out" >"$T/throttled-findings"
diff -u "$T/calm-findings" "$T/throttled-findings" || fail "findings differ under throttling"
jq -S -f "$norm" "$T/calm.json" >"$T/a"
jq -S -f "$norm" "$T/throttled.json" >"$T/b"
diff -u "$T/a" "$T/b" || fail "snapshot differs under throttling"
jq -e '.complete == true' "$T/throttled.json" >/dev/null || fail "throttled snapshot incomplete"
n=$(grep -c '"status":429' "$MOCKLOG")
[ "$n" -ge 8 ] || fail "only $n throttled answers were seen"
pass
