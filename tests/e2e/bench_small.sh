# bench_small.sh - the benchmark generator's planted problems are found exactly:
# bench/gen-snapshot writes a 10,000-address snapshot with 7 loops, 5 chains
# and 11 ghosts (and a background that must produce nothing); the audit must
# report exactly those counts per check, be complete and have no "not
# evaluated" gap. A correctness test only: no timing assertions (performance
# is measured by bench/core-audit).
. "$ROOT/tests/e2e/lib/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "Debian python3 missing"
command -v jq >/dev/null || skip "jq missing"

$PY "$ROOT/bench/gen-snapshot" --addresses 10000 --seed 7 --loops 7 --chains 5 --ghosts 11 \
	-o "$T/snap.json" 2>"$T/gen.err" || { cat "$T/gen.err"; fail "gen-snapshot failed"; }
[ -s "$T/snap.json.expected.json" ] || fail "no expected counts written"
exp=$(jq -c . "$T/snap.json.expected.json")
[ "$(jq -r '.["route.loop"], .["route.chain"], .["route.ghost"], .addresses' "$T/snap.json.expected.json" | tr '\n' ' ')" = "7 5 11 10000 " ] \
	|| fail "expected counts: $exp"

# deterministic for a seed
$PY "$ROOT/bench/gen-snapshot" --addresses 10000 --seed 7 --loops 7 --chains 5 --ghosts 11 \
	-o "$T/again.json" 2>/dev/null || fail "second gen-snapshot failed"
cmp -s "$T/snap.json" "$T/again.json" || fail "gen-snapshot is not deterministic for a seed"

# the address count is what it claims: primaries + aliases + routing-alias sources
n=$(jq '([.recipients[] | 1 + ((.aliases // []) | length)] | add)
	+ ([.forwards[].from | select(test("^chain-"))] | unique | length)' "$T/snap.json")
[ "$n" -eq 10000 ] || fail "snapshot has $n addresses, want 10000"
e=$(jq '([.recipients[] | (.members // []) | length] | add) + ([.forwards[].to | length] | add)' "$T/snap.json")
[ "$e" -eq "$(jq .edges "$T/snap.json.expected.json")" ] || fail "snapshot has $e edges, expected file says otherwise"

run "$AA" audit --snapshot "$T/snap.json" -f json
expect_rc 1   # loops and ghosts are high
jq_eq '[.findings[] | select(.check == "route.loop")] | length' 7
jq_eq '[.findings[] | select(.check == "route.chain")] | length' 5
jq_eq '[.findings[] | select(.check == "route.ghost")] | length' 11
jq_eq '[.findings[] | select(.check | IN("route.loop", "route.chain", "route.ghost") | not)] | length' 0
jq_eq '.findings | length' 23
jq_eq '.summary.complete' true
jq_eq '.not_evaluated | length' 0
# each planted problem is reported where it was planted
jq_eq '[.findings[] | select(.check == "route.loop") | .subject | test("^loop-[0-9]+-[ab]@bench.example$")] | all' true
jq_eq '[.findings[] | select(.check == "route.chain") | .subject | test("^chain-[0-9]+-a@bench.example$")] | all' true
jq_eq '[.findings[] | select(.check == "route.ghost") | .path[-1].address | test("^ghost-[0-9]+-missing@bench.example$")] | all' true
pass
