# dns_dmarc.sh - dns.dmarc against the loopback DNS server: one valid
# record at _dmarc.<domain> or inherited from the organizational domain,
# enforcing, with rua, and passable by the platform's DKIM signature.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start

run "$AA" audit --snapshot "$ROOT/tests/dns/breakit.json" --dns --resolver "$RESOLVER" --check dns.dmarc -f json
expect_rc 1
jq_eq '.summary.complete' 'true'
for ok in good spf-none mx-elsewhere dkim-1024; do
	expect_dns "$ok.breakit.test" dns.dmarc ''
done
expect_dns dmarc-missing.breakit.test dns.dmarc 'high'
expect_dns dmarc-two.breakit.test dns.dmarc 'high'
expect_dns dmarc-invalid.breakit.test dns.dmarc 'high'
expect_dns dmarc-none.breakit.test dns.dmarc 'medium'
expect_dns dmarc-norua.breakit.test dns.dmarc 'low'
expect_dns dmarc-pct.breakit.test dns.dmarc 'low'
# enforcing without a DKIM key of its own: forwarded mail fails DMARC
expect_dns dmarc-nodkim.breakit.test dns.dmarc 'high'
jq_eq '[.findings[] | select(.subject == "dmarc-nodkim.breakit.test")][0].symptom.code' '550 5.7.509'
jq_eq '[.findings[] | select(.subject == "dmarc-missing.breakit.test")][0].summary | test("_dmarc.breakit.test")' 'true'
# inherited from orgdmarc.test, whose sp=none applies to subdomains (an alias domain too)
expect_dns sub.orgdmarc.test dns.dmarc 'medium'
expect_dns strict.orgdmarc.test dns.dmarc 'medium'
jq_eq '[.findings[] | select(.subject == "sub.orgdmarc.test")][0].evidence.inherited_from' 'orgdmarc.test'
jq_eq '[.findings[] | select(.check == "dns.dmarc")][0].refs | index("CISA ScubaGear MS.EXO.4.1v1") != null' 'true'
pass
