# gws_user_token.sh - one user's refused token (issue 13 item 9): Google
# refuses tokens for a restricted or suspended account ("access_denied:
# Account restricted", "invalid_grant: Bad Request"; GAM treats these per
# user). The tenant is still audited, the report names those users, exit 3;
# the same refusal for the admin subject is a credential error (exit 2).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
command -v jq >/dev/null || skip "no jq"
GWS_FIXTURE="$T/refusals.json"
jq '.token_refusals = {"frank@fabrikam.com": {"error": "access_denied", "error_description": "Account restricted"},
  "eve@fabrikam.com": {"error": "invalid_grant", "error_description": "Bad Request"}}' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$GWS_FIXTURE" || fail "cannot derive the fixture"
gws_start

run "$AA" audit -c "$GCFG" -f json
expect_rc 3
jq -e '.tenants[0].complete == false' "$T/out" >/dev/null || fail "not marked incomplete"
for u in frank eve; do
	jq -e --arg u "$u@fabrikam.com" '[.tenants[0].errors[] | tostring | select(contains($u))] | length >= 1' "$T/out" >/dev/null ||
		{ jq -c .tenants[0].errors "$T/out"; fail "$u is not named in the errors"; }
done
jq -e '[.tenants[0].errors[] | tostring | select(test("bob@|carol@|support@"))] | length == 0' "$T/out" >/dev/null ||
	{ jq -c .tenants[0].errors "$T/out"; fail "other users are named in the errors"; }
jq -e '[.tenants[0].errors[] | tostring | select(test("restricted or suspended"))] | length >= 1' "$T/out" >/dev/null ||
	fail "the errors do not say why"
# the others were audited: bob's forward to contoso and carol's send-as
jq -e '[.findings[] | select(.check == "sendas.treat-as-alias")] | length >= 1' "$T/out" >/dev/null ||
	fail "carol's send-as was not audited"
jq -e '[.findings[] | select([.path[]?.address] | index("bob@fabrikam.com"))] | length >= 1' "$T/out" >/dev/null ||
	fail "bob's forwarding was not audited"
run "$AA" audit -c "$GCFG"
expect_rc 3
out_has "frank@fabrikam.com"

# the admin subject refused: nothing can be read, a credential error
mock_stop
jq '.token_refusals = {"carol@fabrikam.com": {"error": "access_denied", "error_description": "Account restricted"}}' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$GWS_FIXTURE" || fail "cannot derive the fixture"
gws_start
run "$AA" audit -c "$GCFG" -f json
expect_rc 2
err_has "carol@fabrikam.com"
pass
