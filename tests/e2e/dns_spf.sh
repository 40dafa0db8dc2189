# dns_spf.sh - dns.spf against the loopback DNS server: one valid record,
# authorising the platform, at most 10 lookups with includes followed,
# ending in -all or ~all.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start

run "$AA" audit --snapshot "$ROOT/tests/dns/breakit.json" --dns --resolver "$RESOLVER" --check dns.spf -f json
expect_rc 1
jq_eq '.summary.complete' 'true'
for ok in good spf-ten spf-nested spf-redirect mx-none dkim-missing dmarc-missing; do
	expect_dns "$ok.breakit.test" dns.spf ''
done
expect_dns spf-none.breakit.test dns.spf 'high'
expect_dns spf-two.breakit.test dns.spf 'high'
expect_dns spf-syntax.breakit.test dns.spf 'high'
expect_dns spf-lookups.breakit.test dns.spf 'high'
expect_dns spf-noplatform.breakit.test dns.spf 'high'
expect_dns spf-include-void.breakit.test dns.spf 'high'
expect_dns spf-neutral.breakit.test dns.spf 'medium'
expect_dns spf-noall.breakit.test dns.spf 'medium'
expect_dns spf-plusall.breakit.test dns.spf 'critical'
jq_eq '[.findings[] | select(.subject == "spf-lookups.breakit.test")][0].summary | test("11 DNS lookups")' 'true'
jq_eq '[.findings[] | select(.subject == "spf-two.breakit.test")][0].summary | test("permerror")' 'true'
jq_eq '[.findings[] | select(.subject == "spf-include-void.breakit.test")][0].summary | test("nothing.spf-include-void.breakit.test")' 'true'
jq_eq '[.findings[] | select(.subject == "spf-noplatform.breakit.test")][0].summary | test("include:spf.protection.outlook.com")' 'true'
jq_eq '[.findings[] | select(.check == "dns.spf")][0].refs | index("CISA ScubaGear MS.EXO.2.2v3") != null' 'true'

# Google: _spf.google.com's own tree (3 includes) is followed and counted
run "$AA" audit --snapshot "$ROOT/tests/dns/gws.json" --dns --resolver "$RESOLVER" --check dns.spf -f json
expect_rc 1
expect_dns gws-good.mixed.test dns.spf ''
expect_dns gws-on-m365.mixed.test dns.spf 'high'
jq_eq '.findings[0].summary | test("include:_spf.google.com")' 'true'
jq_eq '.findings[0].refs | index("CISA ScubaGoggles GWS.GMAIL.3.1v0.6") != null' 'true'
pass
