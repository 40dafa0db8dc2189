# m365_collect_multi.sh - several tenants: -o names a directory with one
# NAME.json each; a tenant whose credential fails becomes an incomplete
# snapshot naming it while the others are collected (exit 3); --help.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start
run "$AA" collect --help
expect_rc 0
out_has "several tenants: a directory"
{
	cat "$CFG"
	echo
	tenant_section contoso-bad
	echo "client_secret_env = BAD_SECRET"
} >"$T/two.ini"
BAD_SECRET=nope run "$AA" collect -c "$T/two.ini" -o "$T/snaps" -j 3
expect_rc 3
[ -f "$T/snaps/contoso.json" ] && [ -f "$T/snaps/contoso-bad.json" ] || fail "missing snapshot files: $(ls "$T/snaps")"
jq -e '.complete == true' "$T/snaps/contoso.json" >/dev/null || fail "contoso incomplete"
jq -e '.complete == false and (.errors[0].message | test("AADSTS7000215"))' "$T/snaps/contoso-bad.json" >/dev/null ||
	fail "contoso-bad: $(jq -c .errors "$T/snaps/contoso-bad.json")"
! grep -q nope "$T/snaps/contoso-bad.json" "$T/err" || fail "secret written"
# one tenant selected with -t: a file
run "$AA" collect -c "$T/two.ini" -t contoso -o "$T/one.json"
expect_rc 0
jq -e '.tenant == "contoso"' "$T/one.json" >/dev/null || fail "-t contoso"
run "$AA" collect -c "$T/two.ini" -t nosuch -o "$T/x.json"
expect_rc 2
err_has "nosuch"
run "$AA" collect -c "$T/two.ini"
expect_rc 2
pass
