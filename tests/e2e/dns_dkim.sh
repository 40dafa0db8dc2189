# dns_dkim.sh - dns.dkim against the loopback DNS server: the platform's
# selectors (Exchange Online selector1+selector2 CNAMEs, Google "google", or
# the tenant's dkim_selectors) hold a usable key of at least 1024 bits.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start

run "$AA" audit --snapshot "$ROOT/tests/dns/breakit.json" --dns --resolver "$RESOLVER" --check dns.dkim -f json
expect_rc 1
jq_eq '.summary.complete' 'true'
for ok in good dkim-1024 spf-none dmarc-missing; do
	expect_dns "$ok.breakit.test" dns.dkim ''
done
for bad in dkim-missing dkim-dangling dkim-weak dkim-revoked dkim-garbage dkim-one dmarc-nodkim; do
	expect_dns "$bad.breakit.test" dns.dkim 'high'
done
jq_eq '[.findings[] | select(.subject == "dkim-weak.breakit.test")][0].summary | test("512 bits")' 'true'
jq_eq '[.findings[] | select(.subject == "dkim-weak.breakit.test")][0].evidence.selectors | map(.bits) | join(",")' '512,512'
jq_eq '[.findings[] | select(.subject == "dkim-dangling.breakit.test")][0].summary | test("points at selector1-dkim-dangling-breakit-test._domainkey.keys.breakit.test")' 'true'
jq_eq '[.findings[] | select(.subject == "dkim-one.breakit.test")][0].summary | test("selector2")' 'true'
jq_eq '[.findings[] | select(.subject == "dkim-revoked.breakit.test")][0].summary | test("revoked")' 'true'
# the CNAME target's key was found through the CNAME
run "$AA" audit --snapshot "$ROOT/tests/dns/breakit.json" --dns --resolver "$RESOLVER" --check dns.dkim -f json
jq_eq '[.findings[] | select(.subject == "good.breakit.test")] | length' '0'

# Google's selector, and a Postfix host's own selector from the config
run "$AA" audit --snapshot "$ROOT/tests/dns/gws.json" --dns --resolver "$RESOLVER" --check dns.dkim -f json
expect_rc 0
jq_eq '.findings | length' '0'
printf '[defaults]\nresolver = %s\n\n[tenant pf]\nprovider = postfix\ndkim_selectors = mail2026\n' \
	"$RESOLVER" >"$T/pf.ini"
run "$AA" audit -c "$T/pf.ini" --snapshot "$ROOT/tests/dns/postfix.json" --dns --check dns.dkim -f json
expect_rc 0
jq_eq '.findings | length' '0'
printf '[defaults]\nresolver = %s\n\n[tenant pf]\nprovider = postfix\ndkim_selectors = s1\n' \
	"$RESOLVER" >"$T/pf2.ini"
run "$AA" audit -c "$T/pf2.ini" --snapshot "$ROOT/tests/dns/postfix.json" --dns --check dns.dkim -f json
expect_rc 1
expect_dns pf-good.mixed.test dns.dkim 'high'
pass
