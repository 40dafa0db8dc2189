# m365_fix_variants.sh - the documented alternatives for a forward the
# outbound policy blocks: --fix-variant org-wide (the Default policy On) and
# stop-forwarding (disable the inbox rule); and, where a remote domain blocks,
# the default is to stop forwarding: mailbox forwarding cleared with all three
# fields kept in the journal, so undo restores them exactly.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config
audit_ids "$T/first"
blocked=f-d8bcc2018c3c4069   # alice's rule "Copy to personal" to gmail, blocked by Default

run "$AA" fix -c "$CFG" --check forward.blocked --fix-variant org-wide --apply --yes --journal "$T/j1"
expect_rc 0
out_has 'Plan: 1 change '
out_has "contoso (m365): outbound spam policy 'Default'"
out_has 'AutoForwardingMode: "Automatic" → "On"'
grep -q '"m365_write":"Set-HostedOutboundSpamFilterPolicy","identity":"Default","status":200' "$MOCKLOG" ||
	fail "no Set-HostedOutboundSpamFilterPolicy -Identity Default"
audit_ids "$T/second"
grep -q "$blocked" "$T/second" && fail "org-wide did not unblock the forward"
jq -e '.findings[] | select(.check == "forward.policy-open" and .subject == "Default")' "$T/audit.json" >/dev/null ||
	fail "the Default policy On is not reported as open"
run "$AA" undo "$(the_journal "$T/j1")" --yes
expect_rc 0
audit_ids "$T/third"
diff -u "$T/first" "$T/third" || fail "undo of org-wide"

run "$AA" fix -c "$CFG" --check forward.blocked --fix-variant stop-forwarding --apply --yes --journal "$T/j2"
expect_rc 0
out_has "inbox rule 'Copy to personal' of alice@contoso.com"
out_has 'isEnabled: true → false'
out_has 'fix: m365.inbox-rule.disable'
audit_ids "$T/second"
grep -q "$blocked" "$T/second" && fail "stop-forwarding left the forward"
run "$AA" undo "$(the_journal "$T/j2")" --yes
expect_rc 0
audit_ids "$T/third"
diff -u "$T/first" "$T/third" || fail "undo of stop-forwarding"

# a tenant where the remote domain '*' blocks (Default policy On, no scoped
# policy for bob): the plan stops forwarding, with no variant given
mock_stop
jq '.exchange["Get-HostedOutboundSpamFilterRule"] = [] |
    .exchange["Get-HostedOutboundSpamFilterPolicy"][0].AutoForwardingMode = "On" |
    .exchange["Get-RemoteDomain"][0].AutoForwardEnabled = false' "$FIXTURE" >"$T/fixture.json"
FIXTURE="$T/fixture.json"
mock_start
fix_config
"$AA" collect -c "$CFG" -o "$T/snap1.json" 2>/dev/null
run "$AA" fix -c "$CFG" --check forward.blocked
expect_rc 0
out_has 'Plan: 2 changes'
out_has 'contoso (m365): mailbox bob@contoso.com'
out_has 'ForwardingSmtpAddress, ForwardingAddress, DeliverToMailboxAndForward: {"ForwardingSmtpAddress":"smtp:bob@fabrikam.com","ForwardingAddress":null,"DeliverToMailboxAndForward":true} → {"ForwardingSmtpAddress":null,"ForwardingAddress":null,"DeliverToMailboxAndForward":false}'
out_has 'fix: m365.mailbox-forwarding.clear'
out_has "inbox rule 'Copy to personal' of alice@contoso.com"
[ "$(nr_writes)" -eq 0 ] || fail "the plan wrote"
run "$AA" fix -c "$CFG" --check forward.blocked --apply --yes --journal "$T/j3"
expect_rc 0
"$AA" collect -c "$CFG" -o "$T/snap2.json" 2>/dev/null
jq -e '[.forwards[] | select(.from == "bob@contoso.com")] | length == 0' "$T/snap2.json" >/dev/null ||
	fail "bob still forwards"
run "$AA" undo "$(the_journal "$T/j3")" --yes
expect_rc 0
"$AA" collect -c "$CFG" -o "$T/snap3.json" 2>/dev/null
jq -S '[.forwards, .recipients, .policy]' "$T/snap1.json" >"$T/a"
jq -S '[.forwards, .recipients, .policy]' "$T/snap3.json" >"$T/b"
diff -u "$T/a" "$T/b" || fail "undo did not restore the mailbox forwarding exactly"
grep -q '"m365_write":"Set-Mailbox","identity":"bob@contoso.com","status":200' "$MOCKLOG" || fail "no Set-Mailbox"
pass
