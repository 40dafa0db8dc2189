# scale_small.sh - the mock tenant generator (bench/gen-tenant) and a live
# audit of what it generates: 1,000 mailboxes per provider (M365 and Google
# Workspace) are served by mockd in the mocks' own fixture formats, audited
# over HTTPS, and the findings per check must equal the planted counts in
# FILE.expected.json exactly (findings_ok), with both tenants complete.
# A correctness test only: no timing (performance is bench/scale's job).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "Debian python3 missing"
command -v jq >/dev/null || skip "jq missing"

for p in m365 gworkspace; do
	$PY "$ROOT/bench/gen-tenant" --provider $p --size 1000 --seed 3 -o "$T/$p.json" 2>"$T/gen.err" ||
		{ cat "$T/gen.err"; fail "gen-tenant $p failed"; }
	[ "$(jq .mailboxes "$T/$p.json.expected.json")" -eq 1000 ] || fail "$p: not 1000 mailboxes"
done
# deterministic for a seed
$PY "$ROOT/bench/gen-tenant" --provider m365 --size 1000 --seed 3 -o "$T/again.json" 2>/dev/null ||
	fail "second gen-tenant failed"
cmp -s "$T/m365.json" "$T/again.json" || fail "gen-tenant is not deterministic for a seed"
# the fixtures are in the mocks' formats: 1000 Graph users / Directory users
[ "$(jq '.graph.users | length' "$T/m365.json")" -eq 1000 ] || fail "m365 fixture: user count"
[ "$(jq '.users | length' "$T/gworkspace.json")" -eq 1000 ] || fail "gws fixture: user count"

FIXTURE="$T/m365.json"
GWS_FIXTURE="$T/gworkspace.json"
gws_start
{
	echo "[defaults]"
	echo "concurrency = 32"
	echo "resolver = $RESOLVER"
	echo
	echo "[tenant contoso]"
	echo "provider = m365"
	echo "tenant_id = $TENANT_ID"
	echo "client_id = $CLIENT_ID"
	echo "client_secret_env = CONTOSO_SECRET"
	echo "login_url = $BASE"
	echo "graph_url = $BASE"
	echo "exchange_url = $BASE"
	echo "ca_file = $T/pki/ca.pem"
	echo
	echo "[tenant fabrikam]"
	echo "provider = gworkspace"
	echo "credentials = $T/sa.json"
	echo "admin_subject = carol@fabrikam.com"
	echo "customer = my_customer"
	echo "admin_url = $BASE"
	echo "gmail_url = $BASE"
	echo "cloudidentity_url = $BASE"
	echo "ca_file = $T/pki/ca.pem"
	echo "policy_page_delay_ms = 0"
} >"$T/scale.ini"

run "$AA" audit -c "$T/scale.ini" -f json
expect_rc 1   # the planted loops and ghosts are high
jq_eq '[.tenants[] | .complete] | all' true
jq_eq '[.tenants[] | .errors | length] | add' 0
for pair in contoso:m365 fabrikam:gworkspace; do
	tenant=${pair%%:*} p=${pair#*:}
	want=$(jq -cS '.findings' "$T/$p.json.expected.json")
	got=$(jq -cS --arg t "$tenant" '[.findings[] | select(.tenant == $t) | .check]
		| group_by(.) | map({key: .[0], value: length}) | from_entries' "$T/out")
	[ "$got" = "$want" ] || fail "$tenant ($p): findings $got, planted $want"
done
# the planted problems are reported where they were planted
jq_eq '[.findings[] | select(.check == "route.loop") | .subject | test("^loop-0-[ab]@")] | all' true
jq_eq '[.findings[] | select(.check == "route.chain") | .subject | test("^chain-0-a@")] | all' true
jq_eq '[.findings[] | select(.check == "forward.blocked") | .subject | test("^blk-0@")] | all' true
# the collection was batched: Graph $batch and the Gmail batch endpoint
n=$(jq -r 'select(.path == "/v1.0/$batch") | .path' "$MOCKLOG" | wc -l)
[ "$n" -ge 100 ] && [ "$n" -le 110 ] || fail "$n Graph \$batch requests for 2000 mailbox calls, want about 100"
n=$(jq -r 'select(.path == "/batch/gmail/v1") | .path' "$MOCKLOG" | wc -l)
[ "$n" -ge 50 ] && [ "$n" -le 110 ] || fail "$n Gmail batch requests for 5000 calls, want 50-100"
pass
