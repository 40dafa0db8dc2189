# m365_fix_scoped.sh - the explicit variant that allows a blocked forward
# (--fix-variant scoped: a new outbound policy and rule for exactly alice):
#  - the plan says it widens egress and what it introduces, and applies it
#    because the variant was chosen;
#  - both New-* cmdlets succeed server-side and answer 503 (the mock's
#    fail_after_write knob): the retry meets "already exists", the object is
#    read back and, being the one asked for, counts as applied;
#  - undo with Exchange answering one row per page (the created policy and
#    rule sit on a later page: the re-read follows @odata.nextLink) removes
#    both and gives bob's rule its priority back: the mock's whole state is
#    the one before the apply;
#  - the same when Exchange does not close the gap a removed rule leaves:
#    undo sets bob's rule back to the priority the plan recorded.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
audit_ids "$T/first"
m365_state "$T/state0"
name='Allow forwarding - alice@contoso.com'

m365_knobs '{"fail_after_write": [{"cmdlet": "New-HostedOutboundSpamFilterPolicy", "status": 503, "times": 1},
  {"cmdlet": "New-HostedOutboundSpamFilterRule", "status": 503, "times": 1}]}'
run "$AA" fix -c "$CFG" --check forward.blocked --fix-variant scoped --apply --yes --journal "$T/j"
expect_rc 0
out_has 'Plan: 1 change '
out_has "outbound spam policy and rule '$name'"
out_has 'why: explicit variant: widens external forwarding for exactly alice@contoso.com'
out_has 'introduces: f-[0-9a-f]* \[forward.external-auth\] alice@contoso.com'
err_has '\[1/1\] .* applied'
grep -q '"m365_write":"New-HostedOutboundSpamFilterPolicy","identity":"'"$name"'","status":503' "$MOCKLOG" ||
	fail "the policy's first answer was not a 503"
grep -q '"m365_write":"New-HostedOutboundSpamFilterPolicy","identity":"'"$name"'","status":400' "$MOCKLOG" ||
	fail "the retry did not meet 'already exists'"
grep -q '"m365_write":"New-HostedOutboundSpamFilterRule","identity":"'"$name"'","status":400' "$MOCKLOG" ||
	fail "the rule's retry did not meet 'already exists'"
grep -q '"m365_write":"Remove-HostedOutboundSpamFilterPolicy"' "$MOCKLOG" && fail "the policy was removed again"
m365_state "$T/state1"
[ "$(jq --arg n "$name" '[.exchange["Get-HostedOutboundSpamFilterPolicy"][] | select(.Name == $n)] | length' "$T/state1")" -eq 1 ] ||
	fail "want exactly one new policy"
jq -e --arg n "$name" '.exchange["Get-HostedOutboundSpamFilterRule"] | (map(select(.Name == $n))[0].Priority == 0)
	and (map(select(.Name == "Allow forwarding - bob"))[0].Priority == 1)' "$T/state1" >/dev/null ||
	fail "the new rule is not first, or bob's rule was not shifted"
audit_ids "$T/second"
grep -q f-d8bcc2018c3c4069 "$T/second" && fail "alice's forward is still blocked"

# undo, with one row per page: the policy and the rule are on later pages
mock_knobs '{"max_page": 1}'
run "$AA" undo "$(the_journal "$T/j")" --yes
expect_rc 0
err_has 'undo 1: .* reverted'
grep -q '"m365_write":"Remove-HostedOutboundSpamFilterRule","identity":"'"$name"'","status":200' "$MOCKLOG" ||
	fail "the rule was not removed"
grep -q '"m365_write":"Remove-HostedOutboundSpamFilterPolicy","identity":"'"$name"'","status":200' "$MOCKLOG" ||
	fail "the policy was not removed"
mock_knobs '{"max_page": 0}'
m365_state "$T/state2"
diff -u "$T/state0" "$T/state2" || fail "after undo the mock's state differs from before the apply"
audit_ids "$T/third"
diff -u "$T/first" "$T/third" || fail "after undo the audit differs"

# again, with a removal that leaves bob's rule at priority 1
m365_knobs '{"keep_priority_gaps": true, "fail_after_write": []}'
run "$AA" fix -c "$CFG" --check forward.blocked --fix-variant scoped --apply --yes --journal "$T/j2"
expect_rc 0
run "$AA" undo "$(the_journal "$T/j2")" --yes
expect_rc 0
grep -q '"m365_write":"Set-HostedOutboundSpamFilterRule","identity":"Allow forwarding - bob","status":200' "$MOCKLOG" ||
	fail "bob's rule priority was not restored"
m365_state "$T/state3"
diff -u "$T/state0" "$T/state3" || fail "after undo (gaps kept) the mock's state differs"
pass
