# audit_errors.sh - usage errors, bad snapshots and incomplete audits: one-line
# errors naming the file or option, exit 2; incomplete is exit 3, never clean.
. "$ROOT/tests/e2e/lib/lib.sh"
C="$ROOT/examples/contoso-m365.json"

run "$AA" audit --snapshot "$T/nope.json"
expect_rc 2; err_lines 1; err_has "nope.json"
run "$AA" audit --snapshot "$C" -f yaml
expect_rc 2; err_has "unknown format 'yaml'"
run "$AA" audit --snapshot "$C" --fail-on severe
expect_rc 2; err_has "unknown severity"
run "$AA" audit --snapshot "$C" --check route.nope
expect_rc 2; err_lines 1; err_has "unknown check 'route.nope'"
run "$AA" audit --snapshot "$C" --max-depth 0
expect_rc 2
run "$AA" audit --bogus
expect_rc 2; err_has "unknown option"
run "$AA" audit --snapshot "$C" --save-snapshot "$T/x.json"
expect_rc 2
# no config, no snapshot, no environment: nothing to audit
HOME="$T" XDG_CONFIG_HOME="$T/cfg" run env -u AZURE_TENANT_ID -u AZURE_CLIENT_ID \
	-u GOOGLE_APPLICATION_CREDENTIALS "$AA" audit
expect_rc 2; err_has "nothing to audit"

# a tenant that cannot be opened is a config error (exit 2), never a clean run
printf '[tenant x]\nprovider = nope\n' >"$T/badprov.ini"
run "$AA" audit -c "$T/badprov.ini"
expect_rc 2; err_lines 1; err_has "unknown provider 'nope'"
printf '[defaults]\nconcurrency = 0\n' >"$T/badconc.ini"
run "$AA" audit -c "$T/badconc.ini" --snapshot "$C"
expect_rc 2; err_lines 1; err_has 'badconc.ini:2: concurrency'

# an incomplete snapshot: exit 3 even with --fail-on critical, and the report says so
jq '.complete = false | .errors = [{"object":"inbox rules of bob@contoso.com","message":"HTTP 503 after 5 tries","area":"forwards","address":"bob@contoso.com"}]' \
	"$C" >"$T/incomplete.json"
run "$AA" audit --snapshot "$T/incomplete.json" --fail-on critical
expect_rc 3
out_has 'INCOMPLETE AUDIT'
out_has 'inbox rules of bob@contoso.com: HTTP 503 after 5 tries'
out_has 'The audit is INCOMPLETE'
run "$AA" audit --snapshot "$T/incomplete.json" -f json
expect_rc 3
jq_eq '.summary.complete' 'false'
jq_eq '.tenants[0].complete' 'false'
jq_eq '[.not_evaluated[].check] | index("route.loop") != null' 'true'

# a provider snapshot lacking a section it always has: not evaluated, exit 3
jq 'del(.policy.remote_domains)' "$C" >"$T/noremote.json"
run "$AA" audit --snapshot "$T/noremote.json" -f json --check forward.policy-open
expect_rc 3
jq_eq '.not_evaluated[0].reason' 'the snapshot has no policy.remote_domains'

# a routing limit hit is reported as not evaluated, never clean
run "$AA" audit --snapshot "$C" --max-fanout 2 -f json --check route.loop
expect_rc 3
jq_eq '[.not_evaluated[].reason | test("more than 2 members")] | any' 'true'
pass
