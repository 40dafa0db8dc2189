# mock.sh - start and stop build/mockd for an end-to-end test; sourced after lib.sh.
#
#   mock_start [--knobs JSON] [other mockd options]
#       makes a fresh PKI in $T/pki (tests/mocks/gen-pki), starts $MOCKD with the
#       demo tenant fixture, waits for its port file and sets $PORT, $BASE
#       (https://127.0.0.1:PORT), $MOCKLOG (JSON lines, one per request) and
#       $CFG (a config for tenant "contoso" using the client secret in
#       $CONTOSO_SECRET, with ca_file = the test CA)
#   mock_knobs JSON     POST /_mock/knobs
#   mock_stop           SIGTERM and wait (also run at exit)
#   write_config FILE [KEY = VALUE lines...]   a config for tenant contoso; extra lines are appended
#   tenant_section NAME  print a [tenant NAME] section for the mock tenant (add the credential line)
# Live audits run the dns.* checks: mock_start also starts the loopback DNS
# server (dns_lib.sh; the fixture domains' zones all pass) and the configs
# name it as [defaults] resolver.
. "$ROOT/tests/e2e/lib/dns_lib.sh"
FIXTURE="$ROOT/tests/mocks/fixtures/m365/contoso.json"
TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47
CLIENT_ID=11111111-2222-3333-4444-555555555555
export CONTOSO_SECRET=demo-secret-value-not-real
MOCKPID=""

mock_start() {
	[ -x "$MOCKD" ] || skip "no mockd built"
	command -v openssl >/dev/null || skip "no openssl CLI"
	[ -d "$T/pki" ] || "$ROOT/tests/mocks/gen-pki" "$T/pki" || fail "gen-pki failed"
	dns_start
	rm -f "$T/port"
	MOCKLOG="$T/mock.log"
	: >"$MOCKLOG"
	"$MOCKD" --cert "$T/pki/server.pem" --key "$T/pki/server.key" --port-file "$T/port" \
		--log "$MOCKLOG" --m365-fixture "$FIXTURE" --m365-client-cert "$T/pki/app-cert.pem" \
		"$@" 2>"$T/mockd.err" &
	MOCKPID=$!
	add_cleanup mock_stop
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$T/mockd.err"; fail "mockd did not start"; }
		kill -0 "$MOCKPID" 2>/dev/null || { cat "$T/mockd.err"; fail "mockd exited"; }
		sleep 0.05
	done
	PORT=$(cat "$T/port")
	BASE="https://127.0.0.1:$PORT"
	CFG="$T/config.ini"
	write_config "$CFG" "client_secret_env = CONTOSO_SECRET"
}

# tenant_section NAME: a [tenant NAME] section for the mock's M365 tenant (no credential line)
tenant_section() {
	echo "[tenant $1]"
	echo "provider = m365"
	echo "tenant_id = $TENANT_ID"
	echo "client_id = $CLIENT_ID"
	echo "login_url = $BASE"
	echo "graph_url = $BASE"
	echo "exchange_url = $BASE"
	echo "ca_file = $T/pki/ca.pem"
}

write_config() { # FILE [extra lines...]
	f=$1; shift
	{
		echo "[defaults]"
		echo "concurrency = 4"
		echo "resolver = $RESOLVER"
		echo
		tenant_section contoso
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

mock_knobs() {
	curl -sf --cacert "$T/pki/ca.pem" -X POST --data "$1" "$BASE/_mock/knobs" >/dev/null ||
		fail "cannot set knobs $1"
}

mock_stop() {
	if [ -n "$MOCKPID" ]; then
		kill -TERM "$MOCKPID" 2>/dev/null
		wait "$MOCKPID" 2>/dev/null
		MOCKPID=""
	fi
}
