# gws_collect.sh - live collection of the Google Workspace demo tenant
# (fabrikam) from the HTTPS mock: the snapshot equals examples/fabrikam-gws.json,
# the live audit finds the same findings (ids) as the offline one, Gmail
# settings went through the batch endpoint (<= 50 parts, one token per user),
# Directory used maxResults and pageToken, and the cross-tenant loop with the
# contoso (M365) mock tenant is found.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
gws_start --knobs '{"max_page": 1}'

run "$AA" collect -c "$GCFG" -o "$T/live.json"
expect_rc 0
[ -s "$T/live.json" ] || fail "no snapshot written"

# the same tenant as the example snapshot (the live one also lists every
# mailbox's primary send-as, which Gmail always returns)
norm='{domains: (.domains|sort_by(.name)),
  recipients: ([.recipients[] | {address, kind, enabled: (.enabled // null), has_mailbox: (.has_mailbox // null),
     aliases: ((.aliases // [])|sort), members: ((.members // [])|sort), org_unit: (.org_unit // null), id}] | sort_by(.address)),
  forwards: (.forwards|sort_by(.from, .via)), auto_replies: (.auto_replies|sort_by(.address)),
  send_as: ([.send_as[] | select((.primary // false) | not)] | sort_by(.owner, .address)),
  policy: .policy}'
jq -S "$norm" "$T/live.json" >"$T/live.norm" || fail "live snapshot is not JSON"
jq -S "$norm" "$ROOT/examples/fabrikam-gws.json" >"$T/example.norm"
diff -u "$T/example.norm" "$T/live.norm" || fail "live snapshot differs from examples/fabrikam-gws.json"
for u in bob carol support eve frank; do
	jq -e --arg a "$u@fabrikam.com" '[.send_as[] | select(.owner == $a and .address == $a and .primary)] | length == 1' \
		"$T/live.json" >/dev/null || fail "no primary send-as for $u"
done

# Gmail settings through the batch endpoint only, <= 50 parts, per-part tokens of each user
grep -q '"path":"/gmail/v1/users/' "$MOCKLOG" && fail "a Gmail call went outside the batch endpoint"
jq -s -e '[.[] | select(.batch)] | length >= 1 and all(.[]; .parts <= 50 and .parts >= 1)' "$MOCKLOG" >/dev/null ||
	fail "no batch, or a batch with more than 50 parts"
jq -s -e '[.[] | select(.batch_part)] | all(.[]; .part_auth == true)' "$MOCKLOG" >/dev/null || fail "a part without its own Authorization"
subs=$(jq -r 'select(.batch_part) | .sub' "$MOCKLOG" | sort -u | tr '\n' ' ')
[ "$subs" = "bob@fabrikam.com carol@fabrikam.com eve@fabrikam.com frank@fabrikam.com support@fabrikam.com " ] ||
	fail "batch parts were not sent with each user's own token: $subs"
jq -s -e '[.[] | select(.batch_part and .status != 200)] | length == 0' "$MOCKLOG" >/dev/null || fail "a batch part failed"
# one token per user (sub) and per admin scope set, each fetched once
n=$(jq -r 'select(.token_issued_sub) | .token_issued_sub + " " + .scope' "$MOCKLOG" | sort | uniq -d | wc -l)
[ "$n" -eq 0 ] || fail "a token was fetched twice for the same (sub, scopes)"

# Directory paging: maxResults on the first page, pageToken on the next ones
jq -s -e '[.[] | select(.path == "/admin/directory/v1/users")] | length == 5' "$MOCKLOG" >/dev/null ||
	fail "users were not read in 5 pages of 1"
jq -s -e '[.[] | select(.path == "/admin/directory/v1/users") | .query.maxResults] | all(. == "500")' "$MOCKLOG" >/dev/null ||
	fail "users.list without maxResults=500"
jq -s -e '[.[] | select(.path == "/admin/directory/v1/users" and .query.pageToken)] | length == 4' "$MOCKLOG" >/dev/null ||
	fail "users.list pages without pageToken"
jq -s -e '[.[] | select(.path == "/admin/directory/v1/groups") | .query.maxResults] | all(. == "200")' "$MOCKLOG" >/dev/null ||
	fail "groups.list without maxResults=200"
jq -s -e '[.[] | select(.path == "/v1/policies") | .query.pageSize] | all(. == "100")' "$MOCKLOG" >/dev/null ||
	fail "policies.list without pageSize=100"
jq -s -e '[.[] | select(.path == "/v1/policies")] | length == 2' "$MOCKLOG" >/dev/null || fail "policies were not paged"
grep -q 'PRIVATE KEY' "$T/out" "$T/err" "$MOCKLOG" "$T/live.json" && fail "private key text in an output"
grep -q 'ya29\.' "$T/out" "$T/err" "$T/live.json" && fail "an access token in an output"

# the live audit finds what the offline audit of the example finds
run "$AA" audit -c "$GCFG" -f json
[ "$rc" -le 1 ] || { cat "$T/err"; fail "live audit exit $rc"; }
jq -r '.findings[].id' "$T/out" | sort >"$T/live.ids"
jq -e '.tenants[0].complete == true' "$T/out" >/dev/null || fail "live audit incomplete"
run "$AA" audit --snapshot "$ROOT/examples/fabrikam-gws.json" -f json
jq -r '.findings[].id' "$T/out" | sort >"$T/example.ids"
[ -s "$T/example.ids" ] || fail "the example audit found nothing"
diff -u "$T/example.ids" "$T/live.ids" || fail "live findings differ from the example's"

# both tenants live: the cross-tenant loop bob@contoso.com <-> bob@fabrikam.com
run "$AA" audit -c "$BOTH" -f json
[ "$rc" -eq 1 ] || { cat "$T/err"; fail "audit of both tenants: exit $rc, want 1"; }
jq -e '[.findings[] | select(.check == "route.loop") | [.path[].address] | map(ascii_downcase)
	| select(index("bob@contoso.com") and index("bob@fabrikam.com"))] | length >= 1' "$T/out" >/dev/null ||
	fail "the cross-tenant loop was not found"
pass
