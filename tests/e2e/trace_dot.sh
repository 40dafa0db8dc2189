# trace_dot.sh - 'audit -f dot': the routing graph of the demo tenants as
# Graphviz source that dot accepts, finding edges red and dashed, and
# --focus ADDRESS drawing only its neighbourhood.
. "$ROOT/tests/e2e/lib/lib.sh"
S="--snapshot $ROOT/examples/contoso-m365.json --snapshot $ROOT/examples/fabrikam-gws.json"
command -v dot >/dev/null 2>&1 || skip "graphviz not installed (scripts/install-deps installs it)"

run "$AA" audit $S -f dot
expect_rc 1
out_has '^digraph "routing" {'
out_has '"mailbox: mailbox forwarding\\nroute.loop", color=red, fontcolor=red, style=dashed'
out_has 'label="bob@fabrikam.com"'
dot -Tsvg "$T/out" >"$T/all.svg" 2>"$T/dot.err" || { cat "$T/dot.err"; fail "dot rejects audit -f dot"; }
all=$(grep -c -- ' -> ' "$T/out")

run "$AA" audit $S -f dot --focus frank@fabrikam.com
out_has 'label="frank.home@gmail.com"'
out_lacks 'label="counsel@lawfirm.example"'
dot -Tsvg "$T/out" >"$T/focus.svg" 2>"$T/dot.err" || { cat "$T/dot.err"; fail "dot rejects --focus"; }
[ "$(grep -c -- ' -> ' "$T/out")" -lt "$all" ] || fail "--focus drew the whole graph"

run "$AA" audit $S -f json --focus frank@fabrikam.com
expect_rc 2
err_has 'needs -f dot'
pass
