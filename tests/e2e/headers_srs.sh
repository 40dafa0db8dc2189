# headers_srs.sh - SRS splitting and --srs-secret verification end to end;
# the secret never appears in the output. Hashes: see tests/fixtures/headers/README.
. "$ROOT/tests/e2e/lib/lib.sh"
F="$ROOT/tests/fixtures/headers"

run "$AA" headers -f json "$F/forward_srs.eml"
expect_rc 0
jq_eq '.srs[0].kind' 'SRS0'
jq_eq '.srs[0].hash' '6gPD'
jq_eq '.srs[0].timestamp' 'JP'
jq_eq '.srs[0].original_domain' 'bank.example'
jq_eq '.srs[0].original_local' 'alice'
jq_eq '.srs[0].forwarder_domain' 'forwarder.example'
jq_eq '.srs[0].check.hash' 'not-checked'
jq_eq '.srs[0].check.age_days' '0'

run "$AA" headers -f json --srs-secret s3cret "$F/forward_srs.eml"
expect_rc 0
jq_eq '.srs[0].check.hash' 'ok'
grep -q s3cret "$T/out" && fail "the secret is in the output"
run "$AA" headers --srs-secret s3cret "$F/forward_srs.eml"
out_has "hash: ok"
grep -q s3cret "$T/out" "$T/err" && fail "the secret is in the text output"

run "$AA" headers -f json --srs-secret wrong "$F/forward_srs.eml"
jq_eq '.srs[0].check.hash' 'bad'
jq_eq '[.diagnoses[].code] | index("headers.srs-hash-bad") != null' 'true'

# also from the environment
ALIASAUDIT_SRS_SECRET=s3cret run "$AA" headers -f json "$F/srs1.eml"
jq_eq '.srs[0].kind' 'SRS1'
jq_eq '.srs[0].first_forwarder' 'firstfwd.example'
jq_eq '.srs[0].check.hash' 'ok'

run "$AA" headers -f json --srs-secret s3cret "$F/srs_expired.eml"
jq_eq '.srs[0].check.age' 'bad'
jq_eq '.srs[0].check.age_days' '30'
run "$AA" headers -f json --srs-secret s3cret --srs-max-age 40 "$F/srs_expired.eml"
jq_eq '.srs[0].check.age' 'ok'

run "$AA" headers -f json --srs-secret s3cret "$F/exchange_srs.eml"
jq_eq '.srs[0].kind' 'exchange'
jq_eq '.srs[0].forwarder_local' 'bob'
jq_eq '.srs[0].original_local' 'User'
jq_eq '.srs[0].check.hash' 'unverifiable'
run "$AA" headers "$F/exchange_srs.eml"
out_has "Microsoft's secret"

run "$AA" headers --srs-max-age nope "$F/forward_srs.eml"
expect_rc 2
pass
