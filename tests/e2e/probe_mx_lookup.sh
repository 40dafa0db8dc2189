# probe_mx_lookup.sh - `probe --mx` asks the project's resolver (net/dns.c)
# and never turns a failed lookup into "no MX": against NSD on loopback, a
# null MX (RFC 7505) takes no mail, an unknown domain is named, and a
# resolver that does not answer is a lookup failure. No address here makes
# the probe connect anywhere (each ends at the MX lookup).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start

run "$AA" probe --mx --resolver "$RESOLVER" -f json a@mx-null.breakit.test b@nosuch.breakit.test
[ "$rc" -ne 0 ] || fail "probe succeeded with no address probed"
jq_eq '.results[0].error' '--mx: mx-null.breakit.test publishes a null MX (RFC 7505): it takes no mail'
jq_eq '.results[1].error' '--mx: MX lookup of nosuch.breakit.test failed: no such domain'

# a resolver on a closed port: the lookup fails, never "implicit MX"
run "$AA" probe --mx --resolver 127.0.0.1:1 -f json c@mx-null.breakit.test
[ "$rc" -ne 0 ] || fail "probe succeeded with a dead resolver"
jq_eq '.results[0].error | startswith("--mx: MX lookup of mx-null.breakit.test failed: ")' true
pass
