# m365_sovereign.sh - national clouds (issue 13 item 4): token scopes are the
# configured cloud's resources, not the global service's. The mock tenant is
# a GCC High tenant here: its token endpoint issues tokens only for
# https://graph.microsoft.us and https://outlook.office365.us. Through a
# loopback CONNECT proxy (tests/tools/connect_proxy.py; the test certificate
# names the clouds' hosts) aliasaudit is given GCC High's real service roots
# and must derive the scopes from them; then, on the mock's own loopback
# roots, the global service's scopes are refused and graph_resource /
# exchange_resource name the resources. The other clouds' roots are
# unit-tested (test_m365_parse test_scope).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
jq '. + {graph_resource: "https://graph.microsoft.us", exchange_resource: "https://outlook.office365.us"}' \
	"$FIXTURE" >"$T/fixture.json" || fail "cannot build the fixture"
FIXTURE="$T/fixture.json"
mock_start
# 1. GCC High's service roots, reached through the proxy: scopes derived from them
command -v python3 >/dev/null || skip "no python3"
python3 "$ROOT/tests/tools/connect_proxy.py" "$T/pport" "$T/tunnels" "$PORT" &
PROXYPID=$!
stop_proxy() { kill "$PROXYPID" 2>/dev/null; wait "$PROXYPID" 2>/dev/null; }
add_cleanup stop_proxy
i=0
while [ ! -s "$T/pport" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the proxy did not start"; sleep 0.05
done
{
	echo "[tenant gcchigh]"
	echo "provider = m365"
	echo "tenant_id = $TENANT_ID"
	echo "client_id = $CLIENT_ID"
	echo "client_secret_env = CONTOSO_SECRET"
	echo "login_url = https://login.microsoftonline.us"
	echo "graph_url = https://graph.microsoft.us"
	echo "exchange_url = https://outlook.office365.us"
	echo "ca_file = $T/pki/ca.pem"
} >"$T/gcchigh.ini"
unset no_proxy NO_PROXY HTTP_PROXY ALL_PROXY all_proxy
https_proxy="http://127.0.0.1:$(cat "$T/pport")"
HTTPS_PROXY=$https_proxy
export https_proxy HTTPS_PROXY
run "$AA" collect -c "$T/gcchigh.ini" -o "$T/snap.json"
unset https_proxy HTTPS_PROXY
expect_rc 0
for h in login.microsoftonline.us:443 graph.microsoft.us:443 outlook.office365.us:443; do
	grep -qx "$h" "$T/tunnels" || fail "no tunnel to $h: $(sort -u "$T/tunnels" | tr '\n' ' ')"
done
jq -r 'select(.path != null) | select(.path | endswith("/oauth2/v2.0/token")) | .body' "$MOCKLOG" |
	grep -o 'scope=[^&]*' | sort -u >"$T/scopes"
grep -q 'graph.microsoft.us' "$T/scopes" && grep -q 'outlook.office365.us' "$T/scopes" &&
	! grep -q 'microsoft.com\|office365.com' "$T/scopes" || fail "GCC High scopes: $(cat "$T/scopes")"
: >"$MOCKLOG"
# 2. the mock's loopback roots stand for the global service: refused by this cloud
# the global service's scopes are refused by this cloud: a credential failure, exit 2
run "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 2
err_has "invalid_scope"
err_has "graph.microsoft.com\|outlook.office365.com"
# 3. with the tenant's resources named, everything is read
write_config "$CFG" "client_secret_env = CONTOSO_SECRET" "graph_resource = https://graph.microsoft.us" \
	"exchange_resource = https://outlook.office365.us/"
: >"$MOCKLOG"
run "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 0
scopes=$(jq -r 'select(.path != null) | select(.path | endswith("/oauth2/v2.0/token")) | .body' "$MOCKLOG" |
	grep -o 'scope=[^&]*' | sort -u | tr '\n' ' ')
[ "$scopes" = "scope=https://graph.microsoft.us/.default scope=https://outlook.office365.us/.default " ] ||
	[ "$scopes" = "scope=https%3A%2F%2Fgraph.microsoft.us%2F.default scope=https%3A%2F%2Foutlook.office365.us%2F.default " ] ||
	fail "token scopes: $scopes"
jq -S -f "$ROOT/tests/e2e/lib/m365_norm.jq" "$ROOT/examples/contoso-m365.json" >"$T/a"
jq -S -f "$ROOT/tests/e2e/lib/m365_norm.jq" "$T/snap.json" >"$T/b"
diff -u "$T/a" "$T/b" >/dev/null || fail "the GCC High tenant reads differently"
pass
