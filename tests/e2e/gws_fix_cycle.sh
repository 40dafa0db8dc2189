# gws_fix_cycle.sh - the whole fix cycle against the Google Workspace mock:
# audit → fix --apply --yes → audit (the three fixed findings are gone, the
# rest stay) → undo → audit identical to the first (same finding ids), with
# the removed forwarding filter recreated (same criteria and action, a new
# id). The same for the cross-tenant loop, broken at bob's Gmail
# auto-forwarding: undo restores enabled, emailAddress and disposition (and
# an undo to an address that is no accepted forwarding address fails). The
# journal is 0600, holds the whole filter and no secret, and is bound to the
# customer id (read from a Directory user of my_customer): undo with another
# customer configured under the same name is refused; a second undo changes
# nothing.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_fix_mock.sh"
gws_start

audit_ids "$GCFG" "$T/before"
gws_state "$T/state0"
run "$AA" fix -c "$GCFG" --apply --yes --journal "$T/j"
expect_rc 0
err_has '\[1/3\] fabrikam: filter .from:boss@fabrikam.com. of frank@fabrikam.com filter ... applied'
err_has '\[3/3\] fabrikam: send-as support@fabrikam.com of carol@fabrikam.com treatAsAlias ... applied'
journal_in "$T/j"
[ "$(stat -c %a "$J")" = 600 ] || fail "journal mode $(stat -c %a "$J")"
[ "$(jq -s '[.[] | select(.type == "result" and .status == "applied")] | length' "$J")" -eq 3 ] ||
	fail "the journal does not record three applied changes"
jq -s -e '[.[] | select(.type == "intent" and .change.setting == "filter")][0].change |
	(.old_value | fromjson) == {"criteria":{"from":"boss@fabrikam.com"},"action":{"forward":"frank.home@gmail.com"}}
	and .params == {"user":"frank@fabrikam.com","filterId":"ANe1Bmj-frank"}' "$J" >/dev/null ||
	fail "the journal does not keep the whole filter"
no_secrets "$J" "$T/out" "$T/err"
[ "$(head -n 1 "$J" | jq -r .tenants.fabrikam)" = C03fabr1k ] || fail "the journal is not bound to the customer id"
# the writes: one per change, each with the owner's own token
[ "$(gws_writes)" -eq 3 ] || fail "want 3 writes, got $(gws_writes)"
jq -r 'select(.gmail_write) | .gmail_write + " " + .sub + " " + .path' "$MOCKLOG" >"$T/writes"
grep -qx 'DELETE frank@fabrikam.com /gmail/v1/users/me/settings/filters/ANe1Bmj-frank' "$T/writes" || fail "no filter DELETE"
grep -qx 'POST bob@fabrikam.com /gmail/v1/users/me/settings/sendAs' "$T/writes" || fail "no sendAs POST"
grep -qx 'PATCH carol@fabrikam.com /gmail/v1/users/me/settings/sendAs/support@fabrikam.com' "$T/writes" || fail "no sendAs PATCH"
jq -r 'select(.token_issued_sub) | .scope' "$MOCKLOG" | grep -q 'gmail.settings.sharing' ||
	fail "no token with the write scope was asked for"

audit_ids "$GCFG" "$T/after"
comm -23 "$T/before" "$T/after" >"$T/gone"
printf '%s\n' f-4f526de2cc03ca11 f-e533f3ba8c5c4421 f-ed7f824546aa025a | sort >"$T/want_gone"
diff -u "$T/want_gone" "$T/gone" || fail "not exactly the three fixed findings are gone"
[ -z "$(comm -13 "$T/before" "$T/after")" ] || fail "the apply made new findings"
# the new send-as is accepted at once (the user's own alias)
gws_state "$T/state1"
jq -e '."bob@fabrikam.com".sendAs[] | select(.sendAsEmail == "bob@fabrikam-alias.com") |
	.verificationStatus == "accepted" and .treatAsAlias == true' "$T/state1" >/dev/null || fail "send-as not created"

# another customer under the same tenant name: refused before any request
sed 's/^customer = .*/customer = C99other/' "$GCFG" >"$T/other.ini"
nw=$(gws_writes)
run "$AA" undo "$J" --yes -c "$T/other.ini"
expect_rc 2; err_lines 1
err_has "changed tenant 'fabrikam' with id C03fabr1k, but the configured tenant 'fabrikam' has id C99other: refusing to undo another tenant"
[ "$(gws_writes)" -eq "$nw" ] || fail "undo of another customer wrote"
run "$AA" undo "$J" --yes
expect_rc 0
err_has 'undo 1: fabrikam: filter .from:boss@fabrikam.com. of frank@fabrikam.com filter ... reverted'
audit_ids "$GCFG" "$T/undone"
diff -u "$T/before" "$T/undone" || fail "undo did not restore the audit"
gws_state "$T/state2"
jq -e '."frank@fabrikam.com".filter | length == 1 and (.[0].id != "ANe1Bmj-frank") and
	.[0].criteria == {"from":"boss@fabrikam.com"} and .[0].action == {"forward":"frank.home@gmail.com"}' \
	"$T/state2" >/dev/null || fail "undo did not recreate the filter"
jq -S 'del(."frank@fabrikam.com".filter[].id)' "$T/state0" >"$T/s0"
jq -S 'del(."frank@fabrikam.com".filter[].id)' "$T/state2" >"$T/s2"
diff -u "$T/s0" "$T/s2" || fail "the Gmail state after undo differs from the start"
no_secrets "$J"
# a second undo has nothing left to do
nw=$(gws_writes)
run "$AA" undo "$J" --yes
expect_rc 0
[ "$(gws_writes)" -eq "$nw" ] || fail "a second undo wrote"

# the cross-tenant loop: bob's auto-forwarding off, then back as it was
audit_ids "$BOTH" "$T/both0"
loop=$(jq -r '.findings[] | select(.check == "route.loop" and .tenant == "fabrikam") | .id' "$T/audit.json")
[ -n "$loop" ] || fail "no cross-tenant loop"
run "$AA" fix -c "$BOTH" --finding "$loop" --apply --yes --journal "$T/j2"
expect_rc 0
journal_in "$T/j2"
jq -s -e '[.[] | select(.type == "intent")] | length == 1 and (.[0].change.old_value | fromjson) ==
	{"enabled":true,"emailAddress":"bob@contoso.com","disposition":"leaveInInbox"}' "$J" >/dev/null ||
	fail "the journal does not keep the whole autoForwarding object"
gws_state "$T/state3"
jq -e '."bob@fabrikam.com".autoForwarding.enabled == false' "$T/state3" >/dev/null || fail "auto-forwarding still on"
audit_ids "$BOTH" "$T/both1"
grep -qx "$loop" "$T/both1" && fail "the loop is still found"
# Gmail's rule: auto-forwarding can only be turned on to an accepted forwarding address
jq -c 'if .type == "intent" then .change.old_value = "{\"enabled\":true,\"emailAddress\":\"bob@elsewhere.example\"}" else . end' \
	"$J" >"$T/badaddr.jsonl"
run "$AA" undo "$T/badaddr.jsonl" --yes
expect_rc 4
err_has 'failed: PUT autoForwarding of bob@fabrikam.com: HTTP 400 failedPrecondition: A verified forwarding address'
run "$AA" undo "$J" --yes
expect_rc 0
gws_state "$T/state4"
jq -e '."bob@fabrikam.com".autoForwarding == {"enabled":true,"emailAddress":"bob@contoso.com","disposition":"leaveInInbox"}' \
	"$T/state4" >/dev/null || fail "undo did not restore the auto-forwarding"
audit_ids "$BOTH" "$T/both2"
diff -u "$T/both0" "$T/both2" || fail "undo did not restore the loop audit"
no_secrets "$J"
pass
