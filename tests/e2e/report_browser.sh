# report_browser.sh - the html report in a real browser (headless Chromium):
# audits the demo snapshots (one made incomplete) into one HTML file, loads it
# with --dump-dom and checks the DOM the browser built: the summary tables,
# every finding's id, severity badges, the incomplete banner and the
# not-evaluated list; that nothing was fetched or refused (no Failed to load,
# net::ERR, CSP refusals) and that no src/href leaves the page; then takes a
# screenshot to check it renders. Skips (77) only when chromium is missing.
. "$ROOT/tests/e2e/lib/lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "chromium missing (scripts/install-deps installs it)"
EX="$ROOT/examples"
[ -f "$EX/contoso-m365.json" ] || skip "examples/ not present"

# contoso incomplete; fabrikam renamed to a hostile name, a rule name hostile too
jq '.complete = false | .errors = [{"object": "inbox rules of bob@contoso.com",
	"message": "HTTP 503 after 5 tries", "area": "forwards", "address": "bob@contoso.com"}]
	| (.forwards[] | select(.from == "alice@contoso.com") | .name) |= "\"><img src=x onerror=alert(1)>"' \
	"$EX/contoso-m365.json" >"$T/contoso.json" || fail "jq"
jq '.tenant = "fabrikam<script>alert(1)</script>"' "$EX/fabrikam-gws.json" >"$T/fabrikam.json" || fail "jq"
run "$AA" audit --snapshot "$T/contoso.json" --snapshot "$T/fabrikam.json" -f html -o "$T/r.html"
expect_rc 3
run "$AA" audit --snapshot "$T/contoso.json" --snapshot "$T/fabrikam.json" -f json
jq -r '.findings[].id' "$T/out" >"$T/ids"
[ -s "$T/ids" ] || fail "no findings in the demo"

# nothing in the file may point outside it
! grep -Eio '(src|href|action)="[^"#][^"]*"' "$T/r.html" | grep -v '^href="#' | grep -q . ||
	fail "the HTML references something outside itself"

chrome() { # extra args...
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chrome" --enable-logging=stderr --v=0 "$@"
}
chrome --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/chrome.log" || { tail -20 "$T/chrome.log"; fail "chromium failed"; }
[ -s "$T/dom.html" ] || { tail -20 "$T/chrome.log"; fail "empty DOM"; }
! grep -E 'Failed to load|net::ERR|Refused to|Content Security Policy|Uncaught' "$T/chrome.log" ||
	fail "the browser reports a load failure or a refusal"

dom_has() { grep -q -- "$1" "$T/dom.html" || fail "DOM lacks: $1"; }
dom_has 'id="summary-severity"'
dom_has 'id="summary-tenants"'
dom_has 'id="incomplete-banner"'
dom_has 'INCOMPLETE AUDIT'
dom_has 'class="bad tenant-incomplete"'
dom_has 'class="badge sev-high"'
dom_has 'class="badge sev-medium"'
dom_has 'HTTP 503 after 5 tries'
while read -r id; do
	grep -q "<article class=\"finding [^\"]*\" id=\"$id\">" "$T/dom.html" || fail "DOM lacks finding $id"
done <"$T/ids"
# the hostile names are text in the DOM, not elements
! grep -qi '<script\|<img' "$T/dom.html" || fail "a hostile name became an element in the DOM"
dom_has 'fabrikam&lt;script&gt;alert(1)&lt;/script&gt;'
dom_has '&lt;img src=x onerror=alert(1)&gt;'

# Chromium runs once per test; ALIASAUDIT_SCREENSHOT=FILE also saves a screenshot
# (docs/report-demo.png is made this way from a 'report --history' page)
if [ -n "${ALIASAUDIT_SCREENSHOT:-}" ]; then
	chrome --hide-scrollbars --screenshot="$ALIASAUDIT_SCREENSHOT" --window-size=1280,2000 \
		"file://${ALIASAUDIT_SCREENSHOT_PAGE:-$T/r.html}" >/dev/null 2>&1 || fail "screenshot failed"
fi
pass
