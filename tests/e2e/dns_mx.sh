# dns_mx.sh - dns.mx against the loopback DNS server: the MX must be the
# platform that hosts the domain (from the provider's data, or the tenant's
# mx_hosts for a Postfix host); null MX, no MX and no address, NXDOMAIN.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start
B="$ROOT/tests/dns/breakit.json"

run "$AA" audit --snapshot "$B" --dns --resolver "$RESOLVER" --check dns.mx -f json
expect_rc 1
jq_eq '.summary.complete' 'true'
expect_dns good.breakit.test dns.mx ''
expect_dns mx-dane.breakit.test dns.mx ''            # <key>.<x>.mx.microsoft is Exchange Online
expect_dns mx-elsewhere.breakit.test dns.mx 'high'
expect_dns mx-mixed.breakit.test dns.mx 'medium'
expect_dns mx-implicit.breakit.test dns.mx 'high'
expect_dns mx-none.breakit.test dns.mx 'critical'
expect_dns mx-null.breakit.test dns.mx 'critical'
jq_eq '[.findings[] | select(.subject == "mx-elsewhere.breakit.test")][0].summary | test("mail.elsewhere.example")' 'true'
jq_eq '[.findings[] | select(.subject == "mx-none.breakit.test")][0].symptom.code' '5.4.4'
jq_eq '[.findings[] | select(.subject == "mx-null.breakit.test")][0].symptom.code' '556 5.1.10'
jq_eq '[.findings[] | select(.subject == "mx-mixed.breakit.test")][0].evidence.mx | map(.platform) | join(",")' 'true,false'
jq_eq '[.findings[] | select(.check == "dns.mx") | .tenant] | unique | join(",")' 'breakit'

# Google: the platform comes from the provider's data, not from the domain
run "$AA" audit --snapshot "$ROOT/tests/dns/gws.json" --dns --resolver "$RESOLVER" --check dns.mx -f json
expect_rc 1
expect_dns gws-good.mixed.test dns.mx ''
expect_dns gws-on-m365.mixed.test dns.mx 'high'
jq_eq '.findings[0].summary | test("not to Gmail")' 'true'

# Postfix: the expected host is the tenant's mx_hosts
printf '[defaults]\nresolver = %s\n\n[tenant pf]\nprovider = postfix\nmx_hosts = mail.mixed.test\n' \
	"$RESOLVER" >"$T/pf.ini"
run "$AA" audit -c "$T/pf.ini" --snapshot "$ROOT/tests/dns/postfix.json" --dns --check dns.mx -f json
expect_rc 1
expect_dns pf-good.mixed.test dns.mx ''
expect_dns pf-wrong.mixed.test dns.mx 'high'
# without mx_hosts nothing says what is right: only deliverability is checked
printf '[defaults]\nresolver = %s\n' "$RESOLVER" >"$T/plain.ini"
run "$AA" audit -c "$T/plain.ini" --snapshot "$ROOT/tests/dns/postfix.json" --dns --check dns.mx -f json
expect_rc 0
jq_eq '.findings | length' '0'

# a domain that does not exist at all
jq '.domains += [{"name":"gone.breakit.test","type":"alias","primary":false}]' "$B" >"$T/gone.json"
run "$AA" audit --snapshot "$T/gone.json" --dns --resolver "$RESOLVER" --check dns.mx -f json
expect_rc 1
expect_dns gone.breakit.test dns.mx 'critical'
jq_eq '[.findings[] | select(.subject == "gone.breakit.test")][0].summary | test("NXDOMAIN")' 'true'
pass
