# trace_demo.sh - 'aliasaudit trace' on the demo tenants: the tree of every
# address a route.* finding of the demo names (text and JSON), the policy of
# external hops, --from, exit codes, usage errors, and `dot -Tsvg` accepting
# every dot output.
. "$ROOT/tests/e2e/lib/lib.sh"
S="--snapshot $ROOT/examples/contoso-m365.json --snapshot $ROOT/examples/fabrikam-gws.json"

# every route.* finding's subject address gets a tree, and the trace names
# that finding among the findings on its path
run "$AA" audit $S -f json
cp "$T/out" "$T/audit.json"
jq -r '.findings[] | select(.check|startswith("route.")) | select(.path[0].address|test("@")) |
	select(.path[0].address|startswith("*")|not) | "\(.id) \(.path[0].address)"' "$T/audit.json" >"$T/probs"
[ "$(wc -l <"$T/probs")" -ge 8 ] || fail "the demo has fewer route findings than expected"
while read -r id addr; do
	run "$AA" trace $S -f json "$addr"
	jq_eq '.schema' 'aliasaudit.trace/1'
	jq_eq ".traces[0].tree.address" "$addr"
	jq -e --arg id "$id" '.traces[0].findings | index($id)' "$T/out" >/dev/null ||
		fail "trace of $addr does not name finding $id"
done <"$T/probs"

# a loop: bob@fabrikam -> bob@contoso -> back; stopped with the loop bounce
run "$AA" trace $S -f json bob@fabrikam.com
expect_rc 1
jq_eq '.traces[0].tree.children[0].via' 'gmail-autoforward'
jq_eq '.traces[0].tree.children[0].address' 'bob@contoso.com'
jq_eq '.traces[0].tree.children[0].children[0].via' 'mailbox'
jq_eq '.traces[0].tree.children[0].children[0].stop' 'loop'
jq_eq '.traces[0].tree.children[0].children[0].bounce.code | test("^554 5\\.4\\.")' 'true'
jq_eq '.traces[0].delivered_to | sort | join(",")' 'bob@contoso.com,bob@fabrikam.com'

# admin@ <-> info@ by inbox rules: where the platform has an inbox-rule loop
# limit (Exchange Online, §5a) the second rule does not fire (silent, no NDR);
# under standard MTA rules it loops
run "$AA" trace $S -f json admin@contoso.com
hop='.traces[0].tree.children[0].children[0]'
if [ "$(jq -r '.traces[0].tree.platform' "$T/out")" = "Exchange Online" ]; then
	expect_rc 0
	jq_eq "$hop.stop" 'silent'
	jq_eq "$hop.failing" 'false'
	jq_eq "$hop.message_trace | test(\"1/1\")" 'true'
	loop_stop=''
else
	jq_eq "$hop.stop" 'loop'
	loop_stop='loop,'
fi
jq_eq '.traces[0].tree.children[0].address' 'info@contoso.com'
jq_eq '.traces[0].tree.children[0].object' 'Archive to info'

# a group with a ghost member and a member without mailbox
run "$AA" trace $S billing@contoso.com
expect_rc 1
out_has 'x group "billing@contoso.com" -> alice+invoices@contoso.com \[missing, contoso\]  BOUNCES'
out_has 'bounce: 550 5.1.1'
run "$AA" trace $S -f json billing@contoso.com
jq_eq '[.traces[0].failures[] | .stop] | sort | join(",")' "bounce,${loop_stop}nothing"

# an external forward blocked by policy: 550 5.7.520, target not reached
run "$AA" trace $S -f json alice@contoso.com
jq_eq '.traces[0].tree.children[0].stop' 'blocked'
jq_eq '.traces[0].tree.children[0].bounce.code' '550 5.7.520'
jq_eq '.traces[0].tree.children[0].kind' 'not-reached'
# a Google OU policy block is silent (no code)
run "$AA" trace $S -f json frank@fabrikam.com
jq_eq '.traces[0].tree.children[0].stop' 'blocked'
jq_eq '.traces[0].tree.children[0].silent' 'true'

# an allowed external redirect: outside, the receiver's SPF/DMARC fate, --from
run "$AA" trace $S --from ceo@bank.example legal@contoso.com
expect_rc 0
out_has 'transport-rule "Redirect legal to counsel" -> counsel@lawfirm.example \[external\]  OUTSIDE'
out_has 'DMARC policy of bank.example unknown'
run "$AA" trace $S legal@contoso.com
out_lacks 'DMARC policy'

# a scope-all catch-all takes mail for an existing address; an unknown-only
# catch-all takes typos
run "$AA" trace $S -f json bob@contoso.onmicrosoft.com
jq_eq '.traces[0].tree.resolved' 'it@contoso.com'
jq_eq '.traces[0].tree.catch_all' 'Catch all to IT'
run "$AA" trace $S -f json nosuchuser@fabrikam.com
jq_eq '.traces[0].tree.resolved' 'support@fabrikam.com'
# a chain: contact@ -> helpdesk@ -> alice@
run "$AA" trace $S -f json contact@contoso.com
jq_eq '[.. | objects | select(.delivered==true) | .resolved] | join(",")' 'alice@contoso.com'
# a ghost as the address itself
run "$AA" trace $S -f json former.intern@contoso.com
expect_rc 1
jq_eq '.traces[0].tree.stop' 'bounce'
# an outside address is just outside
run "$AA" trace $S someone@example.org
expect_rc 0
out_has 'OUTSIDE'

# usage errors: exit 2, one line
run "$AA" trace $S
expect_rc 2
run "$AA" trace $S -f pdf bob@fabrikam.com
expect_rc 2
err_has "unknown format 'pdf'"
run "$AA" trace $S notanaddress
expect_rc 2
run "$AA" trace --help
expect_rc 0
out_has 'usage: aliasaudit trace'

# Graphviz accepts every dot output
if command -v dot >/dev/null 2>&1; then
	cut -d' ' -f2 "$T/probs" | sort -u >"$T/addrs"
	for a in $(cat "$T/addrs") alice@contoso.com legal@contoso.com; do
		run "$AA" trace $S -f dot "$a"
		dot -Tsvg "$T/out" >"$T/g.svg" 2>"$T/dot.err" || { cat "$T/dot.err"; fail "dot rejects the trace of $a"; }
		grep -q '<svg' "$T/g.svg" || fail "no svg for $a"
	done
	run "$AA" trace $S -f dot bob@fabrikam.com
	out_has 'color=red, fontcolor=red, style=dashed'
else
	echo "graphviz not installed: dot outputs not checked (scripts/install-deps installs it)"
fi
pass
