# report_formats.sh - every issue-5 report format checked by its real consumer:
# SARIF against the official 2.1.0 schema (python3-jsonschema), JUnit with
# xmllint and xml.etree (counts), CSV parsed back with python's csv module
# (quoting of commas, quotes, CR/LF; formula neutralisation), HTML scanned for
# active or external content. Reports come from the unit-test driver (a
# fixture with hostile names and an incomplete tenant) and, when the audit
# command and examples exist, from auditing the demo snapshots.
. "$ROOT/tests/e2e/lib/lib.sh"
PY=/usr/bin/python3
CHK="$ROOT/tests/tools/check_reports.py"
SCHEMA="$ROOT/tests/fixtures/reports/sarif-schema-2.1.0.json"
DRIVER="$ROOT/$BUILD/tests/unit/test_report_formats"
[ -x "$PY" ] && $PY -c 'import jsonschema' 2>/dev/null || skip "Debian python3-jsonschema missing"
command -v xmllint >/dev/null || skip "xmllint missing"
[ -x "$DRIVER" ] || fail "$DRIVER not built"

mkdir -p "$T/fx"
"$DRIVER" --write "$T/fx" || fail "driver could not write the reports"
cd "$T/fx" || fail "cd"

$PY "$CHK" sarif report.sarif "$SCHEMA" --incomplete || fail "incomplete SARIF invalid"
$PY "$CHK" sarif complete.sarif "$SCHEMA" --complete || fail "complete SARIF invalid"
xmllint --noout report.xml complete.xml || fail "JUnit XML not well-formed"
$PY "$CHK" junit report.xml --incomplete || fail "incomplete JUnit wrong"
$PY "$CHK" junit complete.xml --complete || fail "complete JUnit wrong"
grep -q '<error message="not evaluated' report.xml || fail "not-evaluated check is not an <error>"
$PY "$CHK" html report.html || fail "hostile HTML not inert"
$PY "$CHK" html complete.html || fail "complete HTML"
grep -q 'id="incomplete-banner"' report.html || fail "incomplete banner missing"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' report.html || fail "script name not escaped"

# CSV: parse back and compare fields
$PY "$CHK" csv report.csv >"$T/out" || fail "CSV invalid"
jq_eq 'length' 6
jq_eq '.[1][5]' "'=HYPERLINK(\"http://x\")@contoso.com"
jq_eq '.[1][6] | test("comma\\\\r\\\\nnew line")' true # CR/LF shown as \r\n: one line per row
jq_eq '.[1][6] | test("\"quoted\", comma")' true
jq_eq '.[2][8]' 'info@contoso.com → admin@contoso.com (alias) → info@contoso.com (inbox rule "Archive")'
jq_eq '.[2][11]' 'CIS M365 v4.0.0 6.2.1; MS.EXO.1.1v2'
jq_eq '[.[] | .[12]] | join(",")' 'status,open,open,open,not-evaluated,tenant-incomplete'

# Markdown: table cells escaped
grep -q '\\| pipe' report.md || fail "md: | not escaped"
! grep -q '<script' report.md || fail "md: raw <script>"

# The real command on the demo snapshots, once audit and examples exist
EX="$ROOT/examples"
if [ -f "$EX/contoso-m365.json" ] && [ -f "$EX/fabrikam-gws.json" ] && "$AA" audit --help >/dev/null 2>&1; then
	for fmt in sarif junit csv html md; do
		run "$AA" audit --snapshot "$EX/contoso-m365.json" --snapshot "$EX/fabrikam-gws.json" -f $fmt -o "$T/demo.$fmt"
		[ "$rc" -le 3 ] && [ "$rc" -ne 2 ] || { cat "$T/err"; fail "audit -f $fmt exit $rc"; }
		[ -s "$T/demo.$fmt" ] || fail "audit -f $fmt wrote nothing"
	done
	$PY "$CHK" sarif "$T/demo.sarif" "$SCHEMA" || fail "demo SARIF invalid"
	xmllint --noout "$T/demo.junit" || fail "demo JUnit not well-formed"
	$PY "$CHK" junit "$T/demo.junit" || fail "demo JUnit wrong"
	$PY "$CHK" csv "$T/demo.csv" >/dev/null || fail "demo CSV invalid"
	$PY "$CHK" html "$T/demo.html" || fail "demo HTML"
fi
pass
