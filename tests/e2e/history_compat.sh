# history_compat.sh - a history database written before the shared findings
# serialiser (tests/fixtures/history/runs-v1.db: two runs recorded by the
# binary of commit 1d92b0c from examples/, contoso+fabrikam then contoso) is
# read by this binary and renders byte for byte what that binary rendered
# (runs-v1.report.*, made by it with 'report --history h.db -f FORMAT'); and
# the same two runs recorded by this binary render the same reports.
. "$ROOT/tests/e2e/lib/lib.sh"
FX="$ROOT/tests/fixtures/history"
EX="$ROOT/examples"
[ -f "$EX/contoso-m365.json" ] || skip "examples/ not present"
cd "$T" || fail "no scratch directory"
cp "$FX/runs-v1.db" h.db && chmod 600 h.db

# same_reports DB PREFIX: every history format of DB equals PREFIX.FORMAT. The
# JSON summary counts every check of today's catalog: a check added since
# (by_check key absent from the expected file) is dropped before comparing.
same_reports() {
	for f in text json html md csv; do
		ALIASAUDIT_NOW=2026-11-22T00:00:00Z run "$AA" report --history "$1" -f $f
		expect_rc 0
		if [ $f = json ]; then
			jq --slurpfile want "$2.json" '.summary.by_check |= with_entries(select(.key as $k |
				$want[0].summary.by_check | has($k)))' "$T/out" >"$T/out.norm" &&
				jq . "$2.json" >"$T/want.norm" && jq . "$T/out.norm" >"$T/out" ||
				fail "jq"
			cmp -s "$T/out" "$T/want.norm" ||
				{ diff "$T/out" "$T/want.norm" | head -20; fail "$1: report -f $f differs from $2.$f"; }
			continue
		fi
		cmp -s "$T/out" "$2.$f" ||
			{ diff "$T/out" "$2.$f" | head -20; fail "$1: report -f $f differs from $2.$f"; }
	done
}
same_reports h.db "$FX/runs-v1.report"
[ "$(sqlite3 h.db 'PRAGMA user_version')" = 1 ] || fail "reading changed the schema version"

# recorded anew by this binary from today's examples/: the reports match
# runs-now.report.* (the old binary's output changed only where the checks'
# findings for examples/ changed on purpose: issue 12 moved the unknown-only
# catch-all to route.catchall and the demo's scope-all catch-all to
# contoso.onmicrosoft.com). Regenerate them when findings for examples/ change
# deliberately: run the two audits below into a new DB, then
# 'ALIASAUDIT_NOW=2026-11-22T00:00:00Z aliasaudit report --history DB -f FORMAT'.
mkdir new && cd new || fail "mkdir"
ALIASAUDIT_NOW=2026-11-20T06:00:00Z run "$AA" audit --snapshot "$EX/contoso-m365.json" \
	--snapshot "$EX/fabrikam-gws.json" --history h.db -f json
expect_rc 1
ALIASAUDIT_NOW=2026-11-21T06:00:00Z run "$AA" audit --snapshot "$EX/contoso-m365.json" --history h.db -f json
expect_rc 1
same_reports h.db "$FX/runs-now.report"
pass
