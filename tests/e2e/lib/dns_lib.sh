# dns_lib.sh - the loopback DNS server for end-to-end tests; sourced after lib.sh.
#
#   dns_start     start NSD (tests/dns/dns-server) with tests/dns/zones on
#                 127.0.0.1 and a free port, once per test; sets $DNSPORT and
#                 $RESOLVER (127.0.0.1:PORT). Skips the test when nsd is missing.
#   dns_stop      stop it (also run at exit)
#   DNS_CHECKS    the --check options that run only the dns.* checks
#   dns_finding SUBJECT CHECK  print "severity key" of SUBJECT's CHECK findings
#                 in the JSON report in $T/out (one line each, sorted)
DNSPID=""
DNS_CHECKS="--check dns.mx --check dns.spf --check dns.dkim --check dns.dmarc"

dns_start() {
	[ -n "$DNSPID" ] && return 0
	[ -x /usr/sbin/nsd ] || skip "no nsd (scripts/install-deps installs it)"
	"$ROOT/tests/dns/dns-server" start "$T/dns" || fail "the DNS server did not start"
	DNSPID=$(cat "$T/dns/pid")
	DNSPORT=$(cat "$T/dns/port")
	RESOLVER="127.0.0.1:$DNSPORT"
	add_cleanup dns_stop
}

dns_stop() {
	if [ -n "$DNSPID" ]; then
		kill -TERM "$DNSPID" 2>/dev/null
		i=0
		while kill -0 "$DNSPID" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
		DNSPID=""
	fi
}

dns_finding() { # SUBJECT CHECK
	jq -r --arg s "$1" --arg c "$2" \
		'[.findings[] | select(.subject == $s and .check == $c) | .severity] | sort | join(",")' "$T/out"
}

# expect_dns SUBJECT CHECK SEVERITIES: SUBJECT's CHECK findings have exactly
# these severities (comma-separated, sorted; "" for none)
expect_dns() {
	got=$(dns_finding "$1" "$2")
	[ "$got" = "$3" ] || fail "$2 for $1: got '$got', want '$3'"
}
