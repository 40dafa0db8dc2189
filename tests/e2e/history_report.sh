# history_report.sh - audit --history records runs; report renders the latest
# with new / resolved / persisting ids since the previous run or --since, the
# trend, each format, -t, exit 3 for an incomplete latest run, and one-line
# errors (exit 2) for a missing, corrupt or bad-argument history.
. "$ROOT/tests/e2e/lib/lib.sh"
EX="$ROOT/examples"
[ -f "$EX/contoso-m365.json" ] || skip "examples/ not present"
DB="$T/history.db"

# run 1: contoso as shipped
ALIASAUDIT_NOW=2026-11-20T06:00:00Z run "$AA" audit --snapshot "$EX/contoso-m365.json" --history "$DB" -f json
expect_rc 1
jq -r '.findings[].id' "$T/out" | sort >"$T/run1"
# (the seed article's inbox-rule cycle is no loop in Exchange Online, §5a: the
# finding that run 2 resolves is alice's blocked forward)
loop_id=$(jq -r '.findings[] | select(.check == "forward.blocked" and .subject == "alice@contoso.com") | .id' "$T/out")
[ -n "$loop_id" ] || fail "the demo has no forward.blocked finding for alice"
[ "$(stat -c %a "$DB")" = 600 ] || fail "history DB mode $(stat -c %a "$DB"), want 600"
[ "$(sqlite3 "$DB" 'PRAGMA journal_mode')" = wal ] || fail "history DB not in WAL mode"
[ "$(sqlite3 "$DB" 'PRAGMA user_version')" = 1 ] || fail "schema version"

# run 2: alice's forwards removed, fabrikam added
jq 'del(.forwards[] | select(.from == "alice@contoso.com"))' "$EX/contoso-m365.json" >"$T/contoso2.json"
ALIASAUDIT_NOW=2026-11-21T06:00:00Z run "$AA" audit --snapshot "$T/contoso2.json" --snapshot "$EX/fabrikam-gws.json" \
	--history "$DB" -f json
expect_rc 1
jq -r '.findings[].id' "$T/out" | sort >"$T/run2"
comm -13 "$T/run1" "$T/run2" >"$T/want_new"
comm -23 "$T/run1" "$T/run2" >"$T/want_resolved"
comm -12 "$T/run1" "$T/run2" >"$T/want_persisting"
grep -qx "$loop_id" "$T/want_resolved" || fail "the blocked forward should be resolved"
[ -s "$T/want_new" ] || fail "fabrikam should bring new findings"

run "$AA" report --history "$DB" -f json
expect_rc 0
jq -r '.history.new[]' "$T/out" | sort | diff - "$T/want_new" || fail "new ids differ"
jq -r '.history.resolved[].id' "$T/out" | sort | diff - "$T/want_resolved" || fail "resolved ids differ"
jq -r '.history.persisting[]' "$T/out" | sort | diff - "$T/want_persisting" || fail "persisting ids differ"
jq_eq '.history.baseline.at' 2026-11-20T06:00:00Z
jq_eq '.history.latest.at' 2026-11-21T06:00:00Z
jq_eq '[.history.trend[] | select(.tenant == "contoso") | .runs | length] | .[0]' 2
jq_eq '.schema' aliasaudit.findings/1
jq_eq "[.findings[] | select(.status == \"new\")] | length" "$(wc -l <"$T/want_new" | tr -d ' ')"

# text (default)
run "$AA" report --history "$DB"
expect_rc 0
out_has "^NEW ($(wc -l <"$T/want_new" | tr -d ' '))"
out_has "^RESOLVED (1)"
out_has "$loop_id"
out_has "^TREND"

# html, md, csv carry the same changes
run "$AA" report --history "$DB" -f html -o "$T/r.html"
expect_rc 0
grep -q 'id="trend-chart"' "$T/r.html" || fail "html: no trend chart"
grep -q "id=\"count-resolved\">1<" "$T/r.html" || fail "html: resolved count"
grep -q "$loop_id" "$T/r.html" || fail "html: resolved finding missing"
/usr/bin/python3 "$ROOT/tests/tools/check_reports.py" html "$T/r.html" >/dev/null || fail "html not inert"
run "$AA" report --history "$DB" -f csv
expect_rc 0
out_has "^$loop_id,.*,resolved"
run "$AA" report --history "$DB" -f md
expect_rc 0
out_has "1 resolved"

# one tenant only; --since before both runs: no baseline
run "$AA" report --history "$DB" -t fabrikam -f json
expect_rc 0
jq_eq '[.findings[].tenant] | unique | join(",")' fabrikam
jq_eq '.history.resolved | length' 0
run "$AA" report --history "$DB" --since 2026-11-01 -f json
expect_rc 0
jq_eq '.history.baseline' null

# run 3: incomplete -> report exits 3
jq '.complete = false | .errors = [{"object": "inbox rules of bob@contoso.com", "message": "HTTP 503 after 5 tries"}]' \
	"$T/contoso2.json" >"$T/contoso3.json"
ALIASAUDIT_NOW=2026-11-22T06:00:00Z run "$AA" audit --snapshot "$T/contoso3.json" --history "$DB" -o /dev/null
expect_rc 3
run "$AA" report --history "$DB"
expect_rc 3
out_has "INCOMPLETE"
# --since the 21st compares with run 1
run "$AA" report --history "$DB" --since 2026-11-21 -f json
expect_rc 3
jq_eq '.history.baseline.at' 2026-11-20T06:00:00Z

# errors: one line, exit 2
run "$AA" report --history "$T/missing.db"
expect_rc 2
err_lines 1
err_has "missing.db"
printf 'not a database at all, really not one, just some bytes to fill a header\n' >"$T/corrupt.db"
run "$AA" report --history "$T/corrupt.db"
expect_rc 2
err_lines 1
err_has "corrupt.db"
run "$AA" audit --snapshot "$EX/contoso-m365.json" --history "$T/corrupt.db" -o /dev/null
expect_rc 2
err_has "corrupt.db"
run "$AA" report --history "$DB" --since yesterday
expect_rc 2
err_lines 1
run "$AA" report
expect_rc 2
run "$AA" report --history "$DB" -f nope
expect_rc 2
run "$AA" report --history "$DB" -t nobody
expect_rc 2
err_has "no audit run"
run "$AA" report --help
expect_rc 0
out_has "--since WHEN"
pass
