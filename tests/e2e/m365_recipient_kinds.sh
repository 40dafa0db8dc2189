# m365_recipient_kinds.sh - every kind of recipient a real tenant has (issue
# 13 items 1, 2, 3, 11): Microsoft 365 and dynamic groups, mail users, guests and
# hybrid remote mailboxes are read (one Get-Recipient by RecipientTypeDetails),
# a ForwardingAddress naming any of them resolves, a forward to them is no
# ghost and no disabled target; relay accepted domains keep their type; a
# scheduled automatic reply counts only inside its window.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
# the demo tenant plus the kinds (arrays appended, objects merged)
jq -s 'def m($a; $b): if ($a|type) == "object" and ($b|type) == "object"
	then reduce ($b|keys[]) as $k ($a; .[$k] = m($a[$k]; $b[$k]))
	elif ($a|type) == "array" and ($b|type) == "array" then $a + $b
	elif $b == null then $a else $b end;
	m(.[0]; .[1] | del(._comment))' "$FIXTURE" "$ROOT/tests/mocks/fixtures/m365/kinds-overlay.json" >"$T/fixture.json" ||
	fail "cannot build the fixture"
FIXTURE="$T/fixture.json"
mock_start
run "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 0
S="$T/snap.json"
q() { jq -r "$1" "$S"; }
# recipients of every kind, each once
[ "$(q '[.recipients[] | select(.address == "projectx@contoso.com")] | length')" = 1 ] || fail "no Microsoft 365 group"
[ "$(q '.recipients[] | select(.address == "projectx@contoso.com") | .kind')" = group ] || fail "M365 group kind"
[ "$(q '.recipients[] | select(.address == "projectx@contoso.com") | .members | sort | join(",")')" = \
	"bob@contoso.com,pat@fabrikam.com" ] || fail "M365 group members: $(q '.recipients[] | select(.address == "projectx@contoso.com")')"
[ "$(q '.recipients[] | select(.address == "allstaff@contoso.com") | .members | sort | join(",")')" = \
	"bob@contoso.com,dan@contoso.com" ] || fail "dynamic group members"
for a in jane@contoso.com pat@fabrikam.com printvendor@contoso.com; do
	[ "$(q "[.recipients[] | select(.address == \"$a\")] | length")" = 1 ] || fail "$a: not one recipient"
	[ "$(q ".recipients[] | select(.address == \"$a\") | .kind")" = mail-user ] || fail "$a: not a mail user"
done
[ "$(q '.recipients[] | select(.address == "projectx@contoso.com") | .group_kind')" = microsoft365 ] || fail "group_kind microsoft365"
[ "$(q '.recipients[] | select(.address == "allstaff@contoso.com") | .group_kind')" = dynamic ] || fail "group_kind dynamic"
[ "$(q '.recipients[] | select(.address == "jane@contoso.com") | .external_address')" = jane.doe@gmail.com ] || fail "jane's external address"
[ "$(q '.recipients[] | select(.address == "pat@fabrikam.com") | .guest')" = true ] || fail "pat is a guest"
[ "$(q '.recipients[] | select(.address == "olga@contoso.com") | .remote_mailbox')" = true ] || fail "olga's mailbox is remote"
[ "$(q '.recipients[] | select(.address == "olga@contoso.com") | .has_mailbox // "unset"')" != false ] ||
	fail "the remote mailbox reads as a user without a mailbox"
# the groups and contacts of the demo tenant are still there
[ "$(q '[.recipients[] | select(.kind == "group")] | length')" = 5 ] || fail "groups: $(q '[.recipients[] | select(.kind == "group") | .address]')"
[ "$(q '[.recipients[] | select(.kind == "contact")] | length')" = 1 ] || fail "contacts"
# ForwardingAddress naming a mail user, a Microsoft 365 group, a dynamic group (by alias)
[ "$(q '.forwards[] | select(.from == "dan@contoso.com" and .via == "mailbox") | .to[0]')" = jane@contoso.com ] ||
	fail "dan's forward: $(q '.errors')"
[ "$(q '.forwards[] | select(.from == "erin@contoso.com" and .via == "mailbox") | .to[0]')" = projectx@contoso.com ] ||
	fail "erin's forward"
[ "$(q '.forwards[] | select(.from == "frank@contoso.com" and .via == "mailbox") | .to[0]')" = allstaff@contoso.com ] ||
	fail "frank's forward"
[ "$(q '.errors | length')" = 0 ] || fail "errors: $(q '.errors')"
# accepted-domain types
[ "$(q '.domains[] | select(.name == "relay.contoso.com") | .type')" = internal-relay ] || fail "InternalRelay"
[ "$(q '.domains[] | select(.name == "partners.contoso.com") | .type')" = external-relay ] || fail "ExternalRelay"
# outbound spam rule exceptions (item 3)
[ "$(q '.policy.outbound_forwarding[] | select(.name == "Finance forwarding") | [.except_users[0], .except_groups[0], .except_domains[0]] | join(",")')" = \
	"admin@contoso.com,team@contoso.com,relay.contoso.com" ] || fail "rule exceptions: $(q '.policy.outbound_forwarding')"
# scheduled automatic replies at ALIASAUDIT_NOW (2026-11-26): dan inside, erin over, frank not yet
[ "$(q '.auto_replies[] | select(.address == "dan@contoso.com") | .enabled')" = true ] || fail "dan's reply"
[ "$(q '.auto_replies[] | select(.address == "erin@contoso.com") | .enabled')" = false ] || fail "erin's reply is over"
[ "$(q '.auto_replies[] | select(.address == "frank@contoso.com") | .enabled')" = false ] || fail "frank's reply has not begun"
# one Get-Recipient read (one page) names the kinds, GroupMailbox among them
n=$(jq -r 'select(.path != null) | select(.path | startswith("/adminapi/")) | .body' "$MOCKLOG" | grep -c '"Get-Recipient"')
[ "$n" = 1 ] || fail "Get-Recipient read $n times"
jq -r 'select(.path != null) | select(.path | startswith("/adminapi/")) | .body' "$MOCKLOG" | grep '"Get-Recipient"' |
	grep -q GroupMailbox || fail "Get-Recipient without GroupMailbox"
! grep -q '"Get-DistributionGroup"\|"Get-MailContact"' "$MOCKLOG" || fail "separate group/contact reads"
# the audit: no false ghost or disabled target for any of them
run "$AA" audit --snapshot "$S" -f json
jq -e '[.findings[] | select(.check == "route.ghost" or .check == "route.disabled-target")
	| select(tostring | test("jane@|pat@|olga@|projectx@|allstaff@|printvendor@"))] | length == 0' "$T/out" >/dev/null ||
	fail "false findings: $(jq -c '[.findings[] | select(.check == "route.ghost" or .check == "route.disabled-target")]' "$T/out")"
pass
