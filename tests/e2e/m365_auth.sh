# m365_auth.sh - every sign-in path against the mock token endpoint: client
# secret, certificate PS256/x5t#S256, certificate RS256/x5t; a wrong secret and
# a wrong certificate exit 2 with a clear message and no secret in the output;
# the live snapshot matches examples/contoso-m365.json; what was sent is sane.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start
norm="$ROOT/tests/e2e/lib/m365_norm.jq"
jq -S -f "$norm" "$ROOT/examples/contoso-m365.json" >"$T/want.json"

same_as_example() { # FILE
	jq -S -f "$norm" "$1" >"$T/got.json" || fail "$1 is not JSON"
	diff -u "$T/want.json" "$T/got.json" || fail "$1 differs from examples/contoso-m365.json"
}

# client secret
run "$AA" collect -c "$CFG" -o "$T/secret.json"
expect_rc 0
same_as_example "$T/secret.json"
! grep -q "$CONTOSO_SECRET" "$T/out" "$T/err" "$T/secret.json" || fail "secret in output"
# what the client sent
grep -q '"path":"/v1.0/users"' "$MOCKLOG" || fail "no /users request"
jq -s -e '[.[] | select(.path != null) | select(.path == "/v1.0/users") | .query."$select" | test("proxyAddresses") and test("accountEnabled")] | length > 0 and all' "$MOCKLOG" >/dev/null || fail "\$select not used"
! jq -r 'select(.path != null) | .path, (.query | tostring)' "$MOCKLOG" | grep -q "$CONTOSO_SECRET" || fail "secret in a URL"
jq -s -e '[.[] | select(.path != null) | select(.path | endswith("/oauth2/v2.0/token")) | .body | test("client_secret=<redacted")] | length > 0 and all' "$MOCKLOG" >/dev/null || fail "secret not sent in the form body"
[ "$(jq -r 'select(.path != null) | select(.path | endswith("/token")) | .body' "$MOCKLOG" | grep -c 'scope=https%3A%2F%2Fgraph.microsoft.com%2F.default')" -ge 1 ] || fail "no Graph token request"
[ "$(jq -r 'select(.path != null) | select(.path | endswith("/token")) | .body' "$MOCKLOG" | grep -c 'scope=https%3A%2F%2Foutlook.office365.com%2F.default')" -ge 1 ] || fail "no Exchange token request"
jq -s -e '[.[] | select(.path != null) | select(.path | startswith("/adminapi/")) | .path == "/adminapi/beta/'"$TENANT_ID"'/InvokeCommand"] | length > 0 and all' "$MOCKLOG" >/dev/null || fail "Exchange URL lacks the tenant GUID"
jq -s -e '[.[] | select(.path != null) | select(.headers.Authorization != null) | .headers.Authorization | startswith("Bearer <redacted")] | length > 0 and all' "$MOCKLOG" >/dev/null || fail "no bearer token sent"

# certificate, PS256 + x5t#S256 (the default) and RS256 + x5t
for alg in PS256 RS256; do
	: >"$MOCKLOG"
	write_config "$T/cert.ini" "certificate = $T/pki/app.pem" "certificate_alg = $alg"
	run "$AA" collect -c "$T/cert.ini" -o "$T/cert-$alg.json"
	expect_rc 0
	same_as_example "$T/cert-$alg.json"
	a=$(jq -r 'select(.path != null) | select(.path | endswith("/token")) | .body' "$MOCKLOG" | head -n 1 |
		sed 's/.*client_assertion=\([^&]*\).*/\1/' | cut -d. -f1 | tr '_-' '/+')
	while [ $(( ${#a} % 4 )) -ne 0 ]; do a="$a="; done
	hdr=$(printf '%s' "$a" | base64 -d 2>/dev/null) || fail "bad assertion header: $a"
	echo "$hdr" | jq -e --arg alg "$alg" '.alg == $alg and .typ == "JWT"' >/dev/null || fail "assertion header $hdr"
	if [ $alg = PS256 ]; then echo "$hdr" | jq -e '."x5t#S256" | length > 20' >/dev/null || fail "no x5t#S256"
	else echo "$hdr" | jq -e '.x5t | length > 20' >/dev/null || fail "no x5t"; fi
done

# a wrong secret: exit 2, the AADSTS reason, never the secret
CONTOSO_SECRET=wrong-secret-0123456789 run "$AA" collect -c "$CFG" -o "$T/bad.json"
expect_rc 2
err_has "invalid_client"
err_has "AADSTS7000215"
! grep -q "wrong-secret-0123456789" "$T/out" "$T/err" || fail "wrong secret printed"
[ ! -e "$T/bad.json" ] || fail "snapshot written after a credential error"
CONTOSO_SECRET=wrong-secret-0123456789 run "$AA" audit -c "$CFG"
expect_rc 2   # README "Exit codes": a credential error is exit 2, never a clean audit
err_has "AADSTS7000215"
if grep -q wrong-secret-0123456789 "$T/out" "$T/err"; then fail "secret in output"; fi

# a wrong certificate (not registered with the app): exit 2
write_config "$T/other.ini" "certificate = $T/pki/other.pem"
run "$AA" collect -c "$T/other.ini" -o "$T/other.json"
expect_rc 2
err_has "invalid_client"

# the secret's variable not set: exit 2 before any request
: >"$MOCKLOG"
write_config "$T/noenv.ini" "client_secret_env = NO_SUCH_VARIABLE_SET"
run "$AA" collect -c "$T/noenv.ini" -o "$T/x.json"
expect_rc 2
err_has "NO_SUCH_VARIABLE_SET"
[ ! -s "$MOCKLOG" ] || fail "requests sent without a credential"

# TLS verification stays on: without the test CA the collection fails (exit 2)
grep -v '^ca_file' "$CFG" >"$T/noca.ini"
CURL_CA_BUNDLE= SSL_CERT_FILE= run "$AA" collect -c "$T/noca.ini" -o "$T/noca.json"
expect_rc 2
pass
