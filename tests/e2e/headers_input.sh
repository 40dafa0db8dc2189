# headers_input.sh - how 'aliasaudit headers' reads: CRLF, stdin, missing
# files, garbage (exit 0 with notes when some header field was readable, exit 2
# when none was), --help, usage errors, the real bounce corpus.
. "$ROOT/tests/e2e/lib/lib.sh"
F="$ROOT/tests/fixtures/headers"

# CRLF gives the same report as LF
run "$AA" headers -f json "$F/forward_nosrs.eml"
expect_rc 0
cp "$T/out" "$T/lf.json"
sed 's/$/\r/' "$F/forward_nosrs.eml" >"$T/crlf.eml"
run "$AA" headers -f json "$T/crlf.eml"
expect_rc 0
jq 'del(.source)' "$T/lf.json" >"$T/a"
jq 'del(.source)' "$T/out" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "CRLF input gives a different report"

# stdin
run sh -c "\"$AA\" headers -f json - <\"$F/forward_nosrs.eml\""
expect_rc 0
jq_eq '.source' '-'
jq_eq '.diagnoses[0].code' 'headers.srs-missing'

# a missing file: exit 2, one line naming it
run "$AA" headers "$T/does-not-exist.eml"
expect_rc 2
err_lines 1
err_has "does-not-exist.eml"
# a directory
run "$AA" headers "$T"
expect_rc 2
err_lines 1

# partly garbage: exit 0, the garbage in notes
run "$AA" headers -f json "$F/garbage_mixed.eml"
expect_rc 0
jq_eq '[.notes[] | select(test("not a header field"))] | length' '2'
jq_eq '.return_path.address' 'alice@bank.example'
run "$AA" headers "$F/garbage_mixed.eml"
expect_rc 0
out_has "Notes:"

# nothing readable: exit 2, one line
head -c 3000 /dev/urandom | tr -d ':' >"$T/random.bin"
printf '\001\002 no header here\n' >>"$T/random.bin"
run "$AA" headers "$T/random.bin"
[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "random bytes: exit $rc"
printf 'no header here\njust text\n' >"$T/text.txt"
run "$AA" headers "$T/text.txt"
expect_rc 2
err_lines 1
err_has "no RFC 5322 header fields"
: >"$T/empty"
run "$AA" headers "$T/empty"
expect_rc 2

# a header block over 1 MiB is capped with a note, not refused
{ echo "From: a@b.example"; i=0; while [ $i -lt 40000 ]; do echo "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; i=$((i+1)); done; } >"$T/big.eml"
run "$AA" headers -f json "$T/big.eml"
expect_rc 0
jq_eq '[.notes[] | select(test("larger than|header fields"))] | length > 0' 'true'

# usage
run "$AA" headers --help
expect_rc 0
out_has "aliasaudit explain CODE"
out_has "usage: aliasaudit headers"
run "$AA" headers
expect_rc 2
run "$AA" headers -f xml "$F/gmail_pass.eml"
expect_rc 2
run "$AA" headers --bogus "$F/gmail_pass.eml"
expect_rc 2

# the real bounces of the corpus: read, no results recorded, exit 0
for b in sisimai_lhost-exchange2007-01_550_5.1.1.eml sisimai_lhost-office365-02_550_5.1.1.eml \
	 sisimai_lhost-x2-07_554_5.4.14.eml; do
	run "$AA" headers -f json "$F/$b"
	expect_rc 0
	jq_eq '.diagnoses[0].code' 'headers.no-auth-results'
done
run "$AA" headers -f json "$F/sisimai_lhost-x2-07_554_5.4.14.eml"
jq_eq '.hops | length' '2'
jq_eq '.hops[0].from_ip' '192.0.2.55'
jq_eq '.hops[1].by' 'emb1.esmtp.example.org'
jq_eq '.from.org_domain' 'example.co.jp'
run "$AA" headers -f json "$F/sisimai_lhost-exchange2007-01_550_5.1.1.eml"
jq_eq '.return_path.address' ''
run "$AA" headers -f json "$F/sisimai_lhost-office365-02_550_5.1.1.eml"
jq_eq '[.notes[] | select(test("mbox"))] | length' '1'
pass
