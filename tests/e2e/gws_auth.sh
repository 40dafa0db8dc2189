# gws_auth.sh - Google Workspace credential failures end the run with exit 2
# and one clear line: scopes not authorised for domain-wide delegation
# (unauthorized_client, with the Admin-console hint, client ID and scope
# list), an unknown subject (invalid_grant), a key the mock does not know
# (bad signature), a subject that is no admin, a missing or broken key file.
# No private key text and no token ever reaches an output.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
gws_keys
# the client is authorised for everything but gmail.settings.basic
jq '.service_account.scopes -= ["https://www.googleapis.com/auth/gmail.settings.basic"]' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$T/noscope.json"
GWS_FIXTURE="$T/noscope.json"
gws_start

nokey() { # no private key or token in any output
	grep -q 'PRIVATE KEY\|ya29\.\|MII' "$T/out" "$T/err" && fail "secret material in an output"
	grep -q 'PRIVATE KEY\|ya29\.' "$MOCKLOG" && fail "secret material in the mock log"
	true
}

run "$AA" audit -c "$GCFG"
expect_rc 2
err_has "unauthorized_client"
err_has "Security > API controls > Domain-wide delegation"
err_has "client ID 113344556677889900112"
err_has "https://www.googleapis.com/auth/gmail.settings.basic"
err_lines 1
nokey

mock_stop
GWS_FIXTURE="$ROOT/tests/mocks/fixtures/gws/fabrikam.json"
gws_start

gws_config "$T/badsub.ini"
sed -i 's/^admin_subject = .*/admin_subject = nobody@fabrikam.com/' "$T/badsub.ini"
run "$AA" audit -c "$T/badsub.ini"
expect_rc 2
err_has "invalid_grant"
err_has "Invalid email or User ID"
err_has "nobody@fabrikam.com"
err_lines 1
nokey

gws_config "$T/wrongkey.ini"
sed -i "s|^credentials = .*|credentials = $T/wrong.json|" "$T/wrongkey.ini"
run "$AA" collect -c "$T/wrongkey.ini" -o "$T/s.json"
expect_rc 2
err_has "invalid_grant"
err_has "Invalid JWT Signature"
err_has "create a new key"
[ -e "$T/s.json" ] && fail "a snapshot was written after a credential failure"
nokey

gws_config "$T/notadmin.ini"
sed -i 's/^admin_subject = .*/admin_subject = bob@fabrikam.com/' "$T/notadmin.ini"
run "$AA" audit -c "$T/notadmin.ini"
expect_rc 2
err_has "bob@fabrikam.com"
err_has "Not Authorized to access this resource/api"
nokey

# the super admin is separate: a Policy API refusal leaves the rest readable (exit 3)
gws_config "$T/nosuper.ini" "super_admin_subject = bob@fabrikam.com"
run "$AA" audit -c "$T/nosuper.ini" -f json
expect_rc 3
jq -e '.tenants[0].complete == false' "$T/out" >/dev/null || fail "not marked incomplete"
jq -e '[.tenants[0].errors[] | tostring | select(test("PERMISSION_DENIED"))] | length >= 1' "$T/out" >/dev/null ||
	fail "the Policy API refusal is not named"
nokey

# key file problems are config errors before any request
gws_config "$T/nofile.ini"
sed -i "s|^credentials = .*|credentials = $T/missing.json|" "$T/nofile.ini"
run "$AA" audit -c "$T/nofile.ini"
expect_rc 2
err_has "missing.json"
echo '{"type":"service_account","client_email":"x@y","token_uri":"https://127.0.0.1/token","private_key":"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"}' >"$T/garbage.json"
sed -i "s|^credentials = .*|credentials = $T/garbage.json|" "$T/nofile.ini"
run "$AA" audit -c "$T/nofile.ini"
expect_rc 2
err_has "private_key is not a PEM private key"
nokey
gws_config "$T/badca.ini" "catch_all = fabrikam.com:nobody"
run "$AA" audit -c "$T/badca.ini"
expect_rc 2
err_has "catch_all"
pass
