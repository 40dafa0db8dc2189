# snapshot_malformed.sh - a malformed snapshot is a usage error: exit 2 and exactly
# one printable line on stderr naming the file and the JSON path (or line/column).
# Big inputs (10 MB string, 100,000-deep nesting) are made here, in $T.
. "$ROOT/tests/e2e/lib/lib.sh"
C="$ROOT/examples/contoso-m365.json"
[ -f "$C" ] || skip "examples/contoso-m365.json is not there yet"
HEAD='{"schema":"aliasaudit.snapshot/1","tenant":"t","provider":"m365","domains":[],'

# bad NAME WANT: audit $T/NAME; want exit 2, one clean line containing "aliasaudit: error: $T/NAME: WANT"
bad() {
	run "$AA" audit --snapshot "$T/$1"
	expect_rc 2
	err_lines 1
	err_has "aliasaudit: error: $T/$1: $2"
	if tr -d '\n' <"$T/err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		od -c "$T/err" | head; fail "$1: control characters on stderr"
	fi
	[ "$(wc -c <"$T/err")" -lt 600 ] || fail "$1: message longer than 600 bytes"
	[ ! -s "$T/out" ] || fail "$1: something on stdout"
}

# the good example works (the reader is wired into audit)
run "$AA" audit --snapshot "$C" -f json
[ "$rc" -le 3 ] && [ "$rc" -ne 2 ] || { cat "$T/err"; fail "the example snapshot does not audit (exit $rc)"; }

printf '%s"recipients":[{"address":"a@b","kind":"user"},{"address":"b@b","kind":"user"},{"address":"c@b","kind":"user"},{"kind":"user"}]}' "$HEAD" >"$T/noaddr.json"
bad noaddr.json 'recipients\[3\].address: missing$'

printf '%s"recipients":[{"address":"a@b","kind":"mailbox"}]}' "$HEAD" >"$T/kind.json"
bad kind.json 'recipients\[0\].kind: unknown value "mailbox" (want user, shared, group, contact, resource, mail-user)'

printf '%s"recipients":[{"address":"a@b","kind":"user","enabled":"yes"}]}' "$HEAD" >"$T/type.json"
bad type.json 'recipients\[0\].enabled: want true or false, got string'

printf '%s"recipients":[],"forwards":[{"from":"a@b","to":["x@y"],"via":"mailbox","keep_copy":1}]}' "$HEAD" >"$T/fwd.json"
bad fwd.json 'forwards\[0\].keep_copy: want true or false, got number'

printf '%s"recipients":[],"policy":{"outbound_forwarding":[{"name":"Default"}]}}' "$HEAD" >"$T/pol.json"
bad pol.json 'policy.outbound_forwarding\[0\].mode: missing'

printf '{"schema":"aliasaudit.snapshot/2","tenant":"t"}' >"$T/v2.json"
bad v2.json 'schema: unsupported version "aliasaudit.snapshot/2"'

printf '{"tenant":"t","provider":"p","domains":[],"recipients":[]}' >"$T/noschema.json"
bad noschema.json 'schema: missing'

printf '{"schema":"aliasaudit.snapshot/1",\n  "tenant" "t"}\n' >"$T/syntax.json"
bad syntax.json "line 2, column 12: invalid JSON near '\"t\"}"

head -c 700 "$C" >"$T/truncated.json"
bad truncated.json 'line [0-9]*, column [0-9]*: unexpected end of input'

: >"$T/empty.json"
bad empty.json 'empty file'

printf '[1,2]' >"$T/array.json"
bad array.json 'want a JSON object at the top level, got array'

printf '{"schema":"aliasaudit.snapshot/1",\n"tenant":"t\000x"}' >"$T/nul.json"
bad nul.json 'line 2, column 12: NUL byte in the input'

printf '{"schema":"aliasaudit.snapshot/1","tenant":"t\377"}' >"$T/utf8.json"
bad utf8.json 'line 1, column 46: invalid UTF-8 (byte 0xff)'

printf '%s"recipients":[{"address":"a@b","kind":"\\u001b]0;pwned\\u0007"}]}' "$HEAD" >"$T/esc.json"
bad esc.json 'recipients\[0\].kind: unknown value "\\x1b\]0;pwned\\x07"'

printf '{"schema":"aliasaudit.snapshot/1","tenant":"t",\n\033[31m}' >"$T/ctl.json"
bad ctl.json "line 2, column 1: invalid JSON near '\\\\x1b\[31m}'"

# 100,000 nested arrays: a clean line, no crash, no stack overflow
{ printf '{"schema":"aliasaudit.snapshot/1","x":'; head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'; printf '}'; } >"$T/deep.json"
bad deep.json 'line 1, column [0-9]*: nested deeper than 1000 levels'

# a 10 MB address is over the 320-byte cap; a 10 MB unknown field is read fine
{ printf '%s"recipients":[{"kind":"user","address":"' "$HEAD"; head -c 10485760 /dev/zero | tr '\0' 'a'
  printf '@b"}]}'; } >"$T/bigaddr.json"
bad bigaddr.json 'recipients\[0\].address: longer than 320 bytes'
{ printf '%s"recipients":[{"kind":"user","address":"a@b","note":"' "$HEAD"; head -c 10485760 /dev/zero | tr '\0' 'a'
  printf '"}]}'; } >"$T/bignote.json"
run "$AA" audit --snapshot "$T/bignote.json"
[ "$rc" -ne 2 ] || { cat "$T/err"; fail "a 10 MB unknown field was rejected"; }

# truncated inside the 10 MB string
head -c 5000000 "$T/bignote.json" >"$T/bigcut.json"
bad bigcut.json 'line 1, column 5000001: unexpected end of input'

pass
