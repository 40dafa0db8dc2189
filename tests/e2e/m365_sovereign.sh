# m365_sovereign.sh - national clouds (issue 13 item 4): token scopes are the
# configured cloud's resources, not the global service's. The mock tenant is
# a GCC High tenant here: its token endpoint issues tokens only for
# https://graph.microsoft.us and https://outlook.office365.us. Scopes derived
# from graph_url/exchange_url (graph.microsoft.us, dod-graph.microsoft.us,
# microsoftgraph.chinacloudapi.cn, outlook.office365.us, webmail.apps.mil,
# partner.outlook.cn) are unit-tested (test_m365_parse test_scope); the mock
# answers on loopback, so here the resources are named with graph_resource
# and exchange_resource.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
jq '. + {graph_resource: "https://graph.microsoft.us", exchange_resource: "https://outlook.office365.us"}' \
	"$FIXTURE" >"$T/fixture.json" || fail "cannot build the fixture"
FIXTURE="$T/fixture.json"
mock_start
# the global service's scopes are refused by this cloud: a credential failure, exit 2
run "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 2
err_has "invalid_scope"
err_has "graph.microsoft.com\|outlook.office365.com"
# with the tenant's resources named, everything is read
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
