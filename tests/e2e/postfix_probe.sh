# postfix_probe.sh - `aliasaudit probe` and `audit --probe` against a real
# Postfix on loopback (the planted configuration of postfix_lib.sh): answers
# per address, STARTTLS verified (an unknown CA stops the probe, never a
# clear-text RCPT), no DATA ever, a bounded number of RCPTs per connection,
# and the comparison with the audit's predictions.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/postfix_lib.sh"
pf_setup
pf_planted
pf_start
S="127.0.0.1:$PF_PORT"

# no server named: refused (never a default server)
run "$AA" probe bob@example.test
expect_rc 2
err_has 'name the server to ask'
run "$AA" probe --server 'host:99999' bob@example.test
expect_rc 2

cleanups_before=$(grep -c 'postfix/cleanup' "$PF_LOG")
# answers per address, compared with the live audit of the same configuration
run "$AA" probe --server "$S" --ca-file "$PF_CA" --pause 0 -c "$PF_INI" -f json \
	nobody@example.test bob@example.test sales@example.test bob+tag@example.test typo@alias.test
expect_rc 0
jq_eq '.schema' 'aliasaudit.probe/1'
jq_eq '[.results[] | "\(.address) \(.code) \(.enhanced) \(.prediction) \(.verdict)"] | join(",")' \
	'nobody@example.test 550 5.1.1 refused matches,bob@example.test 250 2.1.5 accepted matches,sales@example.test 250 2.1.5 accepted matches,bob+tag@example.test 550 5.1.1 refused matches,typo@alias.test 250 2.1.5 accepted matches'
jq_eq '[.results[].tls] | all' 'true'
jq_eq '.results[0].text | test("User unknown in virtual mailbox table")' 'true'
# probing never sends a message: cleanup(8) saw nothing
[ "$(grep -c 'postfix/cleanup' "$PF_LOG")" -eq "$cleanups_before" ] || fail "the probe created a message"

# text output: the reply and the comparison
run "$AA" probe --server "$S" --ca-file "$PF_CA" --pause 0 -c "$PF_INI" nobody@example.test
expect_rc 0
out_has 'nobody@example.test *550 5.1.1 <nobody@example.test>: Recipient address rejected'
out_has 'predicted refused (no recipient has this address: route.ghost, 550 5.1.1): matches'
out_has 'STARTTLS'

# a server certificate from an unknown CA: no RCPT in clear, exit 3
rcpts_before=$(grep -c 'RCPT from' "$PF_LOG")
CURL_CA_BUNDLE= SSL_CERT_FILE= run "$AA" probe --server "$S" nobody@example.test
expect_rc 3
out_has 'not probed: STARTTLS with 127.0.0.1 failed (certificate verification failed'
out_has 'not going on in clear'
[ "$(grep -c 'RCPT from' "$PF_LOG")" -eq "$rcpts_before" ] || fail "an RCPT went out after the failed STARTTLS"

# politeness: 5 addresses, at most 2 RCPTs per connection: 3 connections
conns_before=$(grep -c 'postfix/smtpd.*: connect from' "$PF_LOG")
run "$AA" probe --server "$S" --ca-file "$PF_CA" --max-rcpt 2 --pause 0 -f json \
	bob@example.test carol@example.test keep@example.test nobody@example.test info@example.test
expect_rc 0
jq_eq '[.results[] | select(.answered)] | length' '5'
sleep 0.5
conns=$(( $(grep -c 'postfix/smtpd.*: connect from' "$PF_LOG") - conns_before ))
[ "$conns" -eq 3 ] || fail "$conns connections for 5 addresses at 2 per connection, want 3"

# --mx: the domain's MX (a DNS server on loopback says: example.test MX 10
# localhost), on the test port; a domain without an MX record set fails cleanly
python3 "$ROOT/tests/tools/dns_mx.py" "$T/dnsport" example.test=localhost,10 example.test=mx-backup.invalid,20 &
DNSPID=$!
stop_dns() { kill "$DNSPID" 2>/dev/null; wait "$DNSPID" 2>/dev/null; }
add_cleanup stop_dns
i=0; while [ ! -s "$T/dnsport" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
DNS="127.0.0.1:$(cat "$T/dnsport")"
run "$AA" probe --mx --resolver "$DNS" --port "$PF_PORT" --ca-file "$PF_CA" -f json nobody@example.test nobody@nowhere.test
expect_rc 3
jq_eq '.results[0] | "\(.server) \(.code) \(.enhanced) \(.tls)"' "localhost:$PF_PORT 550 5.1.1 true"
jq_eq '.results[1].error' '--mx: MX lookup of nowhere.test failed: no such domain'
run "$AA" probe --resolver "$DNS" --server "$S" bob@example.test
expect_rc 2

# a prediction the server contradicts: a hand-written snapshot that does not
# know bob@ predicts a ghost; Postfix accepts bob@: differs (exit 1)
cat >"$T/stale.json" <<'EOF'
{"schema":"aliasaudit.snapshot/1","tenant":"stale","provider":"hand",
 "domains":[{"name":"example.test"}],
 "recipients":[{"address":"carol@example.test","kind":"user"}],
 "forwards":[{"from":"carol@example.test","to":["bob@example.test"],"via":"routing","keep_copy":true}]}
EOF
run "$AA" probe --server "$S" --ca-file "$PF_CA" --snapshot "$T/stale.json" -f json bob@example.test
expect_rc 1
jq_eq '.results[0] | "\(.prediction) \(.verdict)"' 'refused differs'

# audit --probe: the ghost of the planted configuration is confirmed by the server
run "$AA" collect -c "$PF_INI" -o "$T/mx.json"
CURL_CA_BUNDLE="$PF_CA" run "$AA" audit --snapshot "$T/mx.json" --probe "$S" -f json
expect_rc 1
jq_eq '.findings[] | select(.check == "route.ghost" and .subject == "sales@example.test") | .evidence.probe | "\(.result) \(.confirmed) \(.reply | test("^550 5.1.1 "))"' \
	'confirmed by the server true true'
CURL_CA_BUNDLE="$PF_CA" run "$AA" audit --snapshot "$T/mx.json" --probe "$S" --check route.ghost
expect_rc 1
out_has 'probe: confirmed by the server: 550 5.1.1'
# and the stale snapshot's "ghost" is not confirmed: Postfix accepts bob@
CURL_CA_BUNDLE="$PF_CA" run "$AA" audit --snapshot "$T/stale.json" --probe "$S" -f json
jq_eq '.findings[] | select(.check == "route.ghost") | .evidence.probe.result' 'not confirmed'
pass
