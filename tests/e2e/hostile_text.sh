# hostile_text.sh - text from a snapshot or a server is shown, never obeyed:
# terminal escapes (ESC[2J, OSC titles, BEL), CR/LF that would forge a line
# such as "FAKE: 0 findings", C1 controls and bidirectional overrides reach
# no output format raw, nor stderr (issue 15, defect 1).
. "$ROOT/tests/e2e/lib/lib.sh"

# every inbox rule's name carries the attack; a recipient name carries RLO
jq '(.forwards[] | select(.via == "inbox-rule") | .name) |=
	"Archive\u001b[2J\u001b]0;pwned\u0007\r\nFAKE: 0 findings, audit complete\u0085\u202e"
    | .recipients[0].name = "evil\u202egpj.exe"' \
	"$ROOT/examples/contoso-m365.json" >"$T/hostile.json" || fail "jq"

raw_controls() { # file: true when it holds ESC, BEL, CR, a C1 NEL/CSI or RLO/LRI bytes
	LC_ALL=C grep -q "$(printf '\033')\|$(printf '\007')\|$(printf '\r')" "$1" && return 0
	LC_ALL=C grep -q "$(printf '\302\205')\|$(printf '\342\200\256')" "$1"
}

for fmt in text json csv html md sarif junit; do
	run "$AA" audit --snapshot "$T/hostile.json" -f $fmt
	expect_rc 1
	# CSV rows end in CRLF (RFC 4180): only a CR inside a row is an attack
	[ $fmt = csv ] && { sed 's/\r$//' "$T/out" >"$T/out.csv"; mv "$T/out.csv" "$T/out"; }
	raw_controls "$T/out" && fail "format $fmt carries a raw control character"
	grep -q '^FAKE' "$T/out" && fail "format $fmt: a forged line starts with FAKE"
done
# the text report shows the attack as visible escapes
run "$AA" audit --snapshot "$T/hostile.json" -f text
out_has 'Archive\\x1b\[2J\\x1b\]0;pwned\\x07\\r\\nFAKE: 0 findings, audit complete\\u0085\\u202e'
# JSON keeps the meaning: the name decodes back to the original string
run "$AA" audit --snapshot "$T/hostile.json" -f json
jq_eq '[.findings[].path[]?.object // empty | select(startswith("Archive"))][0] | test("\u202e$")' true

# stderr: an error message quoting a hostile value is one escaped line
jq '.recipients[0].kind = "\u001b[2J\r\nFAKE: ok"' "$ROOT/examples/contoso-m365.json" >"$T/badkind.json"
run "$AA" audit --snapshot "$T/badkind.json"
expect_rc 2
raw_controls "$T/err" && fail "stderr carries a raw control character"
err_lines 1
err_has 'unknown value "\\x1b\[2J'
# a hostile command-line argument in a usage error
run "$AA" audit --format "$(printf 'x\033[2Jy')"
expect_rc 2
raw_controls "$T/err" && fail "usage error carries a raw control character"
pass
