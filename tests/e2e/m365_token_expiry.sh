# m365_token_expiry.sh - tokens that live one second, on a slow server: the
# client renews them before expiry or after a 401, and the run completes.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start --knobs '{"token_lifetime": 1, "latency_ms": 250}'
norm="$ROOT/tests/e2e/lib/m365_norm.jq"
run "$AA" collect -c "$CFG" -o "$T/snap.json" -j 2
expect_rc 0
jq -S -f "$norm" "$ROOT/examples/contoso-m365.json" >"$T/a"
jq -S -f "$norm" "$T/snap.json" >"$T/b"
diff -u "$T/a" "$T/b" || fail "snapshot differs with short-lived tokens"
n=$(jq -r 'select(.path != null) | .path' "$MOCKLOG" | grep -c '/oauth2/v2.0/token$')
[ "$n" -ge 4 ] || fail "only $n token requests: tokens were not renewed"

# a token the server refuses (401) is renewed once and the request retried
mock_knobs '{"token_lifetime": 3599, "latency_ms": 0, "rules": [{"match": "/v1.0/domains", "status": 401, "times": 1}]}'
: >"$MOCKLOG"
run "$AA" collect -c "$CFG" -o "$T/snap2.json"
expect_rc 0
n=$(jq -r 'select(.path != null) | .path' "$MOCKLOG" | grep -c '/oauth2/v2.0/token$')
[ "$n" -eq 3 ] || fail "$n token requests after one 401 (want 3: graph, exchange, graph again)"
pass
