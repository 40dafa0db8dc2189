# gws_fix_plan.sh - `fix` against the Google Workspace mock plans without
# writing: the plan for the demo tenant (fabrikam) is stable (two runs give
# the same bytes), names each change (object, setting old → new, finding,
# reversible), lists the exact Admin-console steps for the OU auto-forwarding
# policy and the catch-all, and not one write reaches the mock. The loop
# across tenants is broken at bob's Gmail auto-forwarding, whose whole object
# is the old value. --apply without a terminal and without --yes is refused
# (exit 2), with nothing written and no journal.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_fix_mock.sh"
gws_start

run "$AA" fix -c "$GCFG"
expect_rc 0
cp "$T/out" "$T/plan1"
run "$AA" fix -c "$GCFG"
expect_rc 0
cmp -s "$T/plan1" "$T/out" || { diff -u "$T/plan1" "$T/out"; fail "two plans differ"; }
out_has '^Plan: 3 changes (nothing has been changed)'
out_has "filter 'from:boss@fabrikam.com' of frank@fabrikam.com"
out_has 'filter: {"criteria":{"from":"boss@fabrikam.com"},"action":{"forward":"frank.home@gmail.com"}} → null'
out_has 'send-as bob@fabrikam-alias.com of bob@fabrikam.com'
out_has 'sendAs: null → {"sendAsEmail":"bob@fabrikam-alias.com","treatAsAlias":true}'
out_has 'send-as support@fabrikam.com of carol@fabrikam.com'
out_has 'treatAsAlias: true → false'
out_has 'resolves: f-4f526de2cc03ca11'
out_has 'fix: gws.filter.remove, reversible (aliasaudit undo)'
out_lacks 'NOT reversible'
# no write API: the OU policy and the catch-all get their Admin-console steps
out_has "f-58f6802f8cb5bdfe \[forward.policy-open\]"
out_has "Admin console > Apps > Google Workspace > Gmail > End User Access > Automatic forwarding: select the OU"
out_has "f-1187772eedb1a69a \[route.catchall\]"
out_has "Gmail > Default routing: apply to unrecognized addresses only"
# --check narrows the plan
run "$AA" fix -c "$GCFG" --check sendas.missing
expect_rc 0
out_has '^Plan: 1 change '
out_has 'gws.sendas.create'
[ "$(gws_attempts)" -eq 0 ] || fail "a plan wrote to the mock"
# a plan reads with the read-only scope only
jq -r 'select(.token_issued_sub) | .scope' "$MOCKLOG" | grep -q 'gmail.settings.sharing' &&
	fail "a plan asked for the write scope"

# the cross-tenant loop: broken at bob's auto-forwarding (the user-made edge)
run "$AA" audit -c "$BOTH" -f json
loop=$(jq -r '.findings[] | select(.check == "route.loop" and .tenant == "fabrikam") | .id' "$T/out")
[ -n "$loop" ] || fail "no cross-tenant loop"
run "$AA" fix -c "$BOTH" --finding "$loop"
expect_rc 0
out_has '^Plan: 1 change '
out_has 'fabrikam (gworkspace): auto-forwarding of bob@fabrikam.com'
out_has 'autoForwarding: {"enabled":true,"emailAddress":"bob@contoso.com","disposition":"leaveInInbox"} → {"enabled":false}'
out_has "fix: gws.autoforward.disable"
[ "$(gws_attempts)" -eq 0 ] || fail "a plan wrote to the mock"

# --apply needs a terminal or --yes
run "$AA" fix -c "$GCFG" --apply --journal "$T/j" </dev/null
expect_rc 2
err_has 'refusing to change anything without --yes'
[ "$(gws_attempts)" -eq 0 ] || fail "a refused apply wrote to the mock"
[ ! -e "$T/j" ] || [ -z "$(ls -A "$T/j")" ] || fail "a refused apply wrote a journal"
pass
