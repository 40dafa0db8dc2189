# dns_cli.sh - how DNS checks are switched on and pointed: --dns for offline
# audits, --resolver and the config's resolver, their validation, the
# catalog and explain entries, and every report format carrying them.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start
B="$ROOT/tests/dns/breakit.json"

# offline without --dns: the DNS is not consulted, nothing dns.* is reported
run "$AA" audit --snapshot "$B" $DNS_CHECKS -f json
expect_rc 0
jq_eq '.findings | length' '0'
run "$AA" audit --snapshot "$B" --resolver "$RESOLVER"
expect_rc 2; err_has "without --dns"
for bad in dns.example.com 127.0.0.1:0 127.0.0.1:99999 '[::1' ''; do
	run "$AA" audit --snapshot "$B" --dns --resolver "$bad"
	expect_rc 2; err_has "resolver"
done
printf '[defaults]\nresolver = ns1.example.com\n' >"$T/bad.ini"
run "$AA" audit -c "$T/bad.ini" --snapshot "$B" --dns
expect_rc 2; err_has "bad.ini:2"
# the config's resolver, and --resolver over it
printf '[defaults]\nresolver = %s\n' "$RESOLVER" >"$T/good.ini"
run "$AA" audit -c "$T/good.ini" --snapshot "$B" --dns --check dns.mx -f json
expect_rc 1
expect_dns mx-null.breakit.test dns.mx 'critical'
printf '[defaults]\nresolver = 127.0.0.1:9\n' >"$T/dead.ini"
run "$AA" audit -c "$T/dead.ini" --snapshot "$B" --dns --resolver "$RESOLVER" --check dns.mx -f json
expect_rc 1
jq_eq '.summary.complete' 'true'

# catalog and explain
run "$AA" checks -f json
expect_rc 0
for c in dns.mx dns.spf dns.dkim dns.dmarc; do
	jq -e --arg c "$c" '[.. | objects | select(.id? == $c)] | length >= 1' "$T/out" >/dev/null || fail "catalog lacks $c"
done
run "$AA" explain "550 5.7.509"
expect_rc 0; out_has "DMARC"
run "$AA" explain "5.7.23"
expect_rc 0; out_has "SPF"

# every report format carries the DNS findings
for fmt in text json csv html md sarif junit; do
	run "$AA" audit --snapshot "$B" --dns --resolver "$RESOLVER" $DNS_CHECKS -f "$fmt"
	expect_rc 1
	out_has "mx-null.breakit.test"
	out_has "dns.dmarc"
done
pass
