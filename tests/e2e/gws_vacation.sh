# gws_vacation.sh - vacation responder windows (issue 13 item 11): Gmail
# replies only to mail received after startTime and before endTime (epoch
# ms, sent as strings). At collection time (ALIASAUDIT_NOW 2026-11-26) a
# responder whose end has passed, or whose start is still ahead, is listed
# but not enabled; one inside its window, or without times, is enabled; a
# time that is not epoch milliseconds is that user's auto_replies error.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/gws_mock.sh"
command -v jq >/dev/null || skip "no jq"
GWS_FIXTURE="$T/vacation.json"
# 1767225600000 = 2026-01-01, 1780272000000 = 2026-06-01, 1798761600000 = 2027-01-01
jq '.gmail["support@fabrikam.com"].vacation += {"startTime": "1767225600000", "endTime": "1780272000000"}
  | .gmail["bob@fabrikam.com"].vacation = {"enableAutoReply": true, "responseSubject": "Away",
      "restrictToDomain": true, "startTime": "1798761600000"}
  | .gmail["carol@fabrikam.com"].vacation = {"enableAutoReply": true, "responseSubject": "Away",
      "startTime": "1767225600000", "endTime": "1798761600000"}
  | .gmail["frank@fabrikam.com"].vacation = {"enableAutoReply": true, "responseSubject": "Away"}
  | .gmail["eve@fabrikam.com"].vacation = {"enableAutoReply": true, "endTime": "next week"}' \
	"$ROOT/tests/mocks/fixtures/gws/fabrikam.json" >"$GWS_FIXTURE" || fail "cannot derive the fixture"
gws_start

run "$AA" collect -c "$GCFG" -o "$T/snap.json"
expect_rc 3
got=$(jq -c '[.auto_replies[] | {address, enabled}] | sort_by(.address)' "$T/snap.json")
want='[{"address":"bob@fabrikam.com","enabled":false},{"address":"carol@fabrikam.com","enabled":true},{"address":"frank@fabrikam.com","enabled":true},{"address":"support@fabrikam.com","enabled":false}]'
[ "$got" = "$want" ] || fail "auto_replies $got, want $want"
jq -e '[.errors[] | select(.area == "auto_replies")] | length == 1' "$T/snap.json" >/dev/null ||
	{ jq .errors "$T/snap.json"; fail "not one auto_replies error"; }
jq -e '.errors[] | select(.area == "auto_replies") | (.address == "eve@fabrikam.com") and (.message | test("endTime"))' \
	"$T/snap.json" >/dev/null || { jq .errors "$T/snap.json"; fail "eve's bad endTime is not named"; }
pass
