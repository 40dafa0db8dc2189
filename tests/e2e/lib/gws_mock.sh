# gws_mock.sh - the Google Workspace side of the mock for end-to-end tests;
# sourced after lib.sh (it sources mock.sh, whose mock_start it reuses).
#
#   gws_keys                  a service-account key pair made with the openssl
#                             CLI: $T/sa.json (the key file, token_uri = the
#                             mock), $T/sa.pub (what the mock knows), and
#                             $T/wrong.json (the same account, another key)
#   gws_start [mockd options] mock_start with the Google fixture, the public
#                             key and a fast Policy API pace (--gws-* options);
#                             sets $GCFG (tenant fabrikam only) and $BOTH
#                             (contoso + fabrikam)
#   gws_config FILE [KEY = VALUE lines...]  a config with tenant fabrikam
. "$ROOT/tests/e2e/lib/mock.sh"
GWS_FIXTURE="$ROOT/tests/mocks/fixtures/gws/fabrikam.json"
GWS_EMAIL=aliasaudit@fabrikam-audit.iam.gserviceaccount.com

# gws_keyfile PRIVATE-PEM OUT TOKEN-URI: write a service-account JSON key file
gws_keyfile() {
	jq -n --rawfile pk "$1" --arg uri "$3" --arg email "$GWS_EMAIL" '{
		type: "service_account", project_id: "fabrikam-audit",
		private_key_id: "0123456789abcdef0123456789abcdef01234567", private_key: $pk,
		client_email: $email, client_id: "113344556677889900112",
		auth_uri: "https://accounts.google.com/o/oauth2/auth", token_uri: $uri,
		auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
		universe_domain: "googleapis.com"}' >"$2" || fail "cannot write $2"
	chmod 600 "$2"
}

gws_keys() {
	command -v openssl >/dev/null || skip "no openssl CLI"
	command -v jq >/dev/null || skip "no jq"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/sa.key" 2>/dev/null || fail "openssl genpkey"
	openssl pkey -in "$T/sa.key" -pubout -out "$T/sa.pub" 2>/dev/null || fail "openssl pkey"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/wrong.key" 2>/dev/null || fail "openssl genpkey"
}

gws_start() {
	[ -f "$T/sa.key" ] || gws_keys
	mock_start --gws-fixture "$GWS_FIXTURE" --gws-public-key "$T/sa.pub" --gws-policy-interval-ms 50 "$@"
	gws_keyfile "$T/sa.key" "$T/sa.json" "$BASE/token"
	gws_keyfile "$T/wrong.key" "$T/wrong.json" "$BASE/token"
	GCFG="$T/gws.ini"
	gws_config "$GCFG"
	BOTH="$T/both.ini"
	write_config "$BOTH" "client_secret_env = CONTOSO_SECRET"
	gws_section >>"$BOTH"
}

gws_section() { # [extra lines...]
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
	echo "policy_page_delay_ms = 60"
	echo "catch_all = fabrikam.com:support@fabrikam.com:unknown-only:Default routing: unknown recipients to support"
	for l in "$@"; do echo "$l"; done
}

gws_config() { # FILE [extra lines...]
	f=$1; shift
	{ echo "[defaults]"; echo "concurrency = 4"; echo "resolver = $RESOLVER"; gws_section "$@"; } >"$f"
}
