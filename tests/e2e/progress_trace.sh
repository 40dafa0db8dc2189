# progress_trace.sh - the collection's progress display and --trace, against
# the mock with latency (a 1,000-mailbox M365 tenant and a 200-user Google
# tenant from bench/gen-tenant): on a terminal (ALIASAUDIT_ASSUME_TTY=1) stderr
# carries in-place frames with objects read / expected, requests and an ETA,
# and a final line per tenant, while stdout (-f json) stays clean JSON; on a
# dumb terminal plain lines; not on a terminal nothing. --trace writes valid
# Chrome trace-event JSON with one event per request the mock logged. No timing.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "Debian python3 missing"
command -v jq >/dev/null || skip "jq missing"

$PY "$ROOT/bench/gen-tenant" --provider m365 --size 1000 --seed 5 -o "$T/m365.json" 2>/dev/null ||
	fail "gen-tenant m365 failed"
$PY "$ROOT/bench/gen-tenant" --provider gworkspace --size 200 --seed 5 -o "$T/gws.json" 2>/dev/null ||
	fail "gen-tenant gworkspace failed"
FIXTURE="$T/m365.json"
GWS_FIXTURE="$T/gws.json"
# 50 ms per request (mock_throttle.c) so that the collection lasts a few frames
gws_start --throttle on --latency-ms 50
sed 's/^policy_page_delay_ms = .*/policy_page_delay_ms = 0/' "$BOTH" >"$T/both2.ini"

# a terminal: live frames on stderr, JSON on stdout
ALIASAUDIT_ASSUME_TTY=1 TERM=xterm COLUMNS=200 "$AA" audit -c "$T/both2.ini" -f json \
	--trace "$T/trace.json" >"$T/out.json" 2>"$T/err.txt"
rc=$?
[ $rc -eq 1 ] || { cat "$T/err.txt"; fail "live audit: exit $rc, want 1 (planted loops)"; }
jq -e '.summary and (.tenants | length == 2)' "$T/out.json" >/dev/null || fail "stdout is not the JSON report"
! grep -q "$(printf '\r')" "$T/out.json" || fail "a carriage return in the JSON report"
! grep -q "$(printf '\033')" "$T/out.json" || fail "an escape in the JSON report"
tr '\r' '\n' <"$T/err.txt" | sed "s/$(printf '\033')\[K//g" >"$T/frames"
grep -Eq '^contoso: [0-9]+/1000 mailboxes, [0-9]+ requests, [0-9]+ s, ETA [0-9]+ s' "$T/frames" ||
	{ cat "$T/frames"; fail "no frame with contoso's mailboxes read / expected and an ETA"; }
grep -Eq 'fabrikam: [0-9]+(/200 mailboxes| objects), [0-9]+ requests' "$T/frames" ||
	{ cat "$T/frames"; fail "no frame for fabrikam"; }
grep -Eq '^collected contoso: 1000 mailboxes, [0-9]+ requests, 0 throttled, [0-9.]+ s$' "$T/frames" ||
	{ cat "$T/frames"; fail "no final line for contoso"; }
grep -Eq '^collected fabrikam: 200 mailboxes, [0-9]+ requests' "$T/frames" ||
	{ cat "$T/frames"; fail "no final line for fabrikam"; }
# the requests counted are the requests the mock served
n=$(sed -n 's/^collected contoso: 1000 mailboxes, \([0-9]*\) requests.*/\1/p' "$T/frames")
m=$(jq -r 'select(.path != null and (.path | test("^/(72f988bf|v1.0|adminapi)")))' "$MOCKLOG" | jq -s length)
[ "$n" = "$m" ] || fail "contoso: $n requests shown, the mock served $m"

# the trace: valid JSON, one complete event per request the mock logged
jq -e '.traceEvents | type == "array"' "$T/trace.json" >/dev/null || fail "trace is not trace-event JSON"
want=$(jq -r 'select(.path != null) | .method + " " + .path' "$MOCKLOG" | sort | uniq -c)
got=$(jq -r '.traceEvents[] | select(.cat == "http") | .name' "$T/trace.json" | sort | uniq -c)
[ "$want" = "$got" ] || fail "trace requests differ from the mock's log: want
$want
got
$got"
jq_file() { jq -e "$1" "$T/trace.json" >/dev/null || fail "trace: $1"; }
jq_file '[.traceEvents[] | select(.cat == "http") | .ph == "X" and .ts >= 0 and .dur >= 0
	and (.tid | type == "number") and (.args.status | type == "number")] | all'
jq_file '[.traceEvents[] | select(.cat == "http") | .name | test("\\?")] | any | not'
jq_file '[.traceEvents[] | select(.cat == "round")] | length > 5'
jq_file '[.traceEvents[] | select(.cat == "tenant" and .name == "collect")] | length == 2'
jq_file '[.traceEvents[] | select(.ph == "M") | .args.name] | sort == ["contoso", "fabrikam"]'
[ "$(stat -c %a "$T/trace.json")" = 600 ] || fail "trace file mode is not 0600"

# a dumb terminal: a plain line per tenant, nothing redrawn
ALIASAUDIT_ASSUME_TTY=1 TERM=dumb "$AA" audit -c "$T/both2.ini" -t contoso -f json >/dev/null 2>"$T/err2.txt"
grep -qx 'collecting contoso \.\.\.' "$T/err2.txt" || { cat "$T/err2.txt"; fail "no plain start line"; }
grep -Eq '^collected contoso: 1000 mailboxes, [0-9]+ requests' "$T/err2.txt" || fail "no plain end line"
! grep -q "$(printf '\r')" "$T/err2.txt" || fail "a dumb terminal got carriage returns"

# not a terminal: no progress at all
ALIASAUDIT_ASSUME_TTY=0 "$AA" audit -c "$T/both2.ini" -t contoso -f json >/dev/null 2>"$T/err3.txt"
! grep -q 'collect' "$T/err3.txt" || fail "progress printed without a terminal"

# collect --trace too; a trace that cannot be written fails before any request
: >"$MOCKLOG"
run "$AA" collect -c "$T/both2.ini" -t contoso -o "$T/snap.json" --trace "$T/nodir/t.json"
expect_rc 2
err_has "nodir/t.json: cannot write the trace"
[ ! -s "$MOCKLOG" ] || fail "requests were sent although the trace cannot be written"
run "$AA" collect -c "$T/both2.ini" -t contoso -o "$T/snap.json" --trace "$T/t2.json"
expect_rc 0
jq -e '[.traceEvents[] | select(.cat == "http")] | length > 50' "$T/t2.json" >/dev/null ||
	fail "collect --trace wrote no request events"
pass
