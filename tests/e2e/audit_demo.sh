# audit_demo.sh - the offline demo pair: every check fires (but route.chain:
# the example's contact@ group -> helpdesk@ -> alice@ is one relay hop, group
# expansion is not a hop, docs/snapshot.md, routing), the cross-tenant loop is
# found, the seed article's inbox-rule cycle is not a loop, exit codes follow
# --fail-on, ids are stable across runs.
. "$ROOT/tests/e2e/lib/lib.sh"
C="$ROOT/examples/contoso-m365.json" F="$ROOT/examples/fabrikam-gws.json"

run "$AA" audit --snapshot "$C" --snapshot "$F" -f json
expect_rc 1
for check in route.loop route.ghost route.disabled-target route.catchall-shadow route.catchall \
	forward.blocked forward.external-auth forward.policy-open sendas.alias-disabled \
	sendas.treat-as-alias sendas.missing sendas.unverified addr.plus-disabled; do
	n=$(jq --arg c "$check" '[.findings[] | select(.check == $c)] | length' "$T/out")
	[ "$n" -ge 1 ] || fail "no finding for $check"
done
jq_eq '.schema' 'aliasaudit.findings/1'
jq_eq '.summary.complete' 'true'
jq_eq '[.tenants[].name] | join(",")' 'contoso,fabrikam'
# the cross-tenant loop: both tenants' bob forward to each other
jq_eq '[.findings[] | select(.check == "route.loop") | .evidence.tenants | length] | max' '2'
jq_eq '[.findings[] | select(.check == "route.loop" and .subject == "bob@fabrikam.com") | .path[].address] | join(" ")' \
	'bob@fabrikam.com bob@contoso.com bob@fabrikam.com'
# Exchange Online stops it (its hop limit is reached before Gmail's 50 hops)
jq_eq '[.findings[] | select(.check == "route.loop" and .subject == "bob@fabrikam.com") | .symptom.code] | join(",")' '554 5.4.14'
jq_eq '[.findings[] | select(.check == "route.loop" and .subject == "bob@fabrikam.com") | .evidence.stopped_by.platform] | join(",")' 'Exchange Online'
# the seed article's admin@ -rule-> info@ -rule-> admin@ stops silently at the
# second inbox rule (Exchange Online inbox-rule loop limit 1): not a loop
jq_eq '[.findings[] | select(.check == "route.loop" and .tenant == "contoso")] | length' '0'
jq_eq '[.findings[] | select(.check == "route.chain")] | length' '0'
# every finding carries the §6 fields
jq_eq '(.findings|length) as $n | [.findings[] | select((.id|test("^f-[0-9a-f]{16}$")) and .summary and .symptom and .fix.id and (.refs|type=="array"))] | length == $n' 'true'
# refs with the benchmark version where they apply
jq_eq '[.findings[] | select(.check == "forward.blocked" and .provider == "m365") | .refs[]] | index("CIS M365 v4.0.0 6.2.1") != null' 'true'
jq_eq '[.findings[] | select(.check == "forward.policy-open" and .provider == "gworkspace") | .refs[]] | join(";")' \
	'GWS.GMAIL.11.1v1;CIS Google Workspace v1.2.0 3.1.3.5.2'
ids1=$(jq -r '[.findings[].id] | sort | join(" ")' "$T/out")

# same input in the other order: same ids
run "$AA" audit --snapshot "$F" --snapshot "$C" -f json
expect_rc 1
ids2=$(jq -r '[.findings[].id] | sort | join(" ")' "$T/out")
[ "$ids1" = "$ids2" ] || fail "finding ids changed between runs"

# --fail-on: nothing critical in the demo
run "$AA" audit "$C" "$F" --fail-on critical -f json
expect_rc 0
# --check limits the run
run "$AA" audit --snapshot "$C" --snapshot "$F" --check route.loop -f json
expect_rc 1
jq_eq '[.findings[].check] | unique | join(",")' 'route.loop'

# text: grouped by severity, paths with arrows and rule names, no colour without a TTY
run "$AA" audit --snapshot "$C" --snapshot "$F"
expect_rc 1
out_has '^HIGH ('
out_has '^MEDIUM ('
out_has "  contoso                  m365        complete"
out_has 'bob@fabrikam.com → bob@contoso.com (Gmail auto-forwarding) → bob@fabrikam.com (mailbox forwarding)'
if grep -q "$(printf '\033')" "$T/out"; then fail "colour codes without a TTY"; fi
# colour on a (pretended) TTY, but never with NO_COLOR
ALIASAUDIT_ASSUME_TTY=1 run env -u NO_COLOR "$AA" audit --snapshot "$C"
grep -q "$(printf '\033')\[" "$T/out" || fail "no colour on a TTY"
ALIASAUDIT_ASSUME_TTY=1 NO_COLOR=1 run "$AA" audit --snapshot "$C"
if grep -q "$(printf '\033')" "$T/out"; then fail "colour despite NO_COLOR"; fi

# -o writes the report to a file, stdout stays empty
run "$AA" audit --snapshot "$C" -f json -o "$T/report.json"
expect_rc 1
[ ! -s "$T/out" ] || fail "stdout not empty with -o"
jq -e '.findings | length > 0' "$T/report.json" >/dev/null || fail "-o file lacks findings"
# --history: the run is recorded first, so the HTML report shows the trend
run "$AA" audit --snapshot "$C" --history "$T/h.db" -f html -o "$T/r1.html"
expect_rc 1
run "$AA" audit --snapshot "$C" --snapshot "$F" --history "$T/h.db" -f html -o "$T/r2.html"
expect_rc 1
[ "$(stat -c %a "$T/h.db")" = 600 ] || fail "history DB is not 0600"
grep -q '<svg' "$T/r2.html" || fail "no trend chart in the HTML report with --history"
run "$AA" report --history "$T/h.db" -f json
expect_rc 0
pass
