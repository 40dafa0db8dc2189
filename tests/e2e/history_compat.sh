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

# same_reports DB: every history format of DB equals the old binary's
same_reports() {
	for f in text json html md csv; do
		ALIASAUDIT_NOW=2026-11-22T00:00:00Z run "$AA" report --history "$1" -f $f
		expect_rc 0
		cmp -s "$T/out" "$FX/runs-v1.report.$f" ||
			{ diff "$T/out" "$FX/runs-v1.report.$f" | head -20; fail "$1: report -f $f differs from the old binary's"; }
	done
}
same_reports h.db
[ "$(sqlite3 h.db 'PRAGMA user_version')" = 1 ] || fail "reading changed the schema version"

# recorded anew: the stored blobs changed shape, the reports did not
mkdir new && cd new || fail "mkdir"
ALIASAUDIT_NOW=2026-11-20T06:00:00Z run "$AA" audit --snapshot "$EX/contoso-m365.json" \
	--snapshot "$EX/fabrikam-gws.json" --history h.db -f json
expect_rc 1
ALIASAUDIT_NOW=2026-11-21T06:00:00Z run "$AA" audit --snapshot "$EX/contoso-m365.json" --history h.db -f json
expect_rc 1
same_reports h.db
pass
