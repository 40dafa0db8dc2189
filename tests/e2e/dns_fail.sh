# dns_fail.sh - a DNS failure is "not evaluated" (exit 3), never "record
# missing": a domain the server refuses (REFUSED), a server that is not
# there (connection refused), and one that never answers (timeout).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/dns_lib.sh"
dns_start
jq '.domains = [{"name":"good.breakit.test","type":"authoritative","primary":true},
	{"name":"refused.example","type":"authoritative","primary":false}]' \
	"$ROOT/tests/dns/breakit.json" >"$T/s.json"

run "$AA" audit --snapshot "$T/s.json" --dns --resolver "$RESOLVER" $DNS_CHECKS -f json
expect_rc 3
jq_eq '.summary.complete' 'false'
jq_eq '[.findings[] | select(.subject == "refused.example")] | length' '0'
jq_eq '[.not_evaluated[] | select(.reason | test("refused.example: .*REFUSED"))] | map(.check) | unique | join(",")' \
	'dns.dkim,dns.dmarc,dns.mx,dns.spf'
jq_eq '[.findings[] | select(.subject == "good.breakit.test")] | length' '0'
run "$AA" audit --snapshot "$T/s.json" --dns --resolver "$RESOLVER" $DNS_CHECKS
expect_rc 3
out_has 'INCOMPLETE'

# SPF: a failed lookup deep in the include tree is not a permerror
jq '.domains = [{"name":"good.breakit.test","type":"authoritative","primary":true}]' "$T/s.json" >"$T/one.json"
# no server at all on this port (UDP: ICMP port unreachable)
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run "$AA" audit --snapshot "$T/one.json" --dns --resolver "127.0.0.1:$port" $DNS_CHECKS -f json
expect_rc 3
jq_eq '.findings | length' '0'
jq_eq '[.not_evaluated[].check] | unique | join(",")' 'dns.dkim,dns.dmarc,dns.mx,dns.spf'

# a server that reads queries and never answers: timeout
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1]); sys.stdout.flush()
t = socket.socket(); t.bind(("127.0.0.1", s.getsockname()[1])); t.listen(8)
end = time.time() + 60
while time.time() < end:
    s.settimeout(1)
    try: s.recvfrom(4096)
    except OSError: pass' >"$T/silent.port" &
silent=$!
stop_silent() { kill "$silent" 2>/dev/null; wait "$silent" 2>/dev/null; }
add_cleanup stop_silent
i=0; while [ ! -s "$T/silent.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
run "$AA" audit --snapshot "$T/one.json" --dns --resolver "127.0.0.1:$(cat "$T/silent.port")" --check dns.mx -f json
expect_rc 3
jq_eq '.findings | length' '0'
jq_eq '.not_evaluated[0].reason | test("timeout")' 'true'
pass
