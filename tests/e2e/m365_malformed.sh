# m365_malformed.sh - truncated or garbage bodies from each endpoint: a clear
# one-line error naming what could not be read, exit 3 (or 2 for the token
# endpoint), never a crash.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start
for spec in "/v1.0/users?:truncate:recipients" "/v1.0/domains:garbage:-" "Get-Mailbox:garbage:recipients" \
	"Get-AcceptedDomain:truncate:-" "Get-HostedOutboundSpamFilterPolicy:truncate:policy.outbound_forwarding" \
	"Get-RemoteDomain:garbage:policy.remote_domains" "Get-TransportRule:truncate:policy.catch_all" \
	"Get-OrganizationConfig:garbage:policy.send_from_alias" "Get-DistributionGroupMember:truncate:recipients" \
	"/v1.0/\$batch:garbage:auto_replies"; do
	match=${spec%%:*}; rest=${spec#*:}; how=${rest%%:*}; area=${rest#*:}
	mock_knobs "{\"rules\": [{\"match\": \"$match\", \"malformed\": \"$how\", \"times\": -1}]}"
	run "$AA" collect -c "$CFG" -o "$T/snap.json"
	if [ "$area" = "-" ]; then
		# one source of domains failing is covered by the other
		[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "$match/$how: exit $rc"
	else
		[ "$rc" -eq 3 ] || { cat "$T/err"; fail "$match/$how: exit $rc, want 3"; }
		grep -q "malformed JSON" "$T/err" || { cat "$T/err"; fail "$match/$how: no clear message"; }
		jq -e --arg a "$area" '[.errors[] | select(.area == $a)] | length >= 1' "$T/snap.json" >/dev/null ||
			fail "$match/$how: no error for area $area: $(jq -c .errors "$T/snap.json")"
	fi
done
# the token endpoint: a credential step that cannot complete (exit 2)
mock_knobs '{"rules": [{"match": "/oauth2/v2.0/token", "malformed": "truncate", "times": -1}]}'
run "$AA" collect -c "$CFG" -o "$T/snap.json"
expect_rc 2
err_has "malformed JSON"
! grep -q "$CONTOSO_SECRET" "$T/err" || fail "secret in the message"
pass
