# history_concurrent.sh - several audits recording into one history DB at
# the same time (as overlapping scheduled runs would): every run is recorded,
# the database stays intact and 0600.
. "$ROOT/tests/e2e/lib/lib.sh"
EX="$ROOT/examples"
[ -f "$EX/contoso-m365.json" ] || skip "examples/ not present"
DB="$T/history.db"
pids=""
for i in 1 2 3 4; do
	( for j in 1 2 3; do
		"$AA" audit --snapshot "$EX/contoso-m365.json" --snapshot "$EX/fabrikam-gws.json" \
			--history "$DB" -o /dev/null 2>>"$T/err.$i"
		[ $? -eq 1 ] || exit 1
	done ) &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || { cat "$T"/err.*; fail "a concurrent audit failed"; }
done
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM runs')" = 12 ] || fail "runs: $(sqlite3 "$DB" 'SELECT count(*) FROM runs'), want 12"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed"
[ "$(sqlite3 "$DB" 'SELECT count(DISTINCT n) FROM (SELECT count(*) n FROM run_findings GROUP BY run_id)')" = 1 ] ||
	fail "runs recorded different numbers of findings"
[ "$(stat -c %a "$DB")" = 600 ] || fail "mode $(stat -c %a "$DB")"
run "$AA" report --history "$DB" -f json
expect_rc 0
jq_eq '.history.new | length' 0
jq_eq '.history.resolved | length' 0
pass
