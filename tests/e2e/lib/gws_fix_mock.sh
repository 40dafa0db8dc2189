# gws_fix_mock.sh - helpers for the Google Workspace fix tests; sourced after
# lib.sh (it sources gws_mock.sh).
#
#   gws_knobs JSON        POST /_gws/knobs (write_delay_ms, tamper rules)
#   gws_state FILE        the mock's current Gmail state (GET /_gws/gmail)
#   audit_ids CFG FILE    audit live, the sorted finding ids into FILE
#   gws_writes            how many Gmail writes changed the mock's state
#   gws_attempts          how many Gmail write requests reached the mock at
#                         all (also refused ones, and inside batches)
#   journal_in DIR        the one journal file in DIR (fails otherwise)
#   no_secrets FILE...    no private key, key material, access token, Bearer
#                         value or JWT in the files
. "$ROOT/tests/e2e/lib/gws_mock.sh"
# per-tenant locks live under $XDG_STATE_HOME: each test has its own
export XDG_STATE_HOME="$T/state"

gws_knobs() {
	curl -sf --cacert "$T/pki/ca.pem" -X POST --data "$1" "$BASE/_gws/knobs" >/dev/null ||
		fail "cannot set Google knobs $1"
}

gws_state() {
	curl -sf --cacert "$T/pki/ca.pem" "$BASE/_gws/gmail" >"$1" || fail "cannot read the Gmail state"
}

audit_ids() { # CFG FILE
	"$AA" audit -c "$1" -f json >"$T/audit.json" 2>"$T/audit.err"
	arc=$?
	[ "$arc" -le 1 ] || { cat "$T/audit.err"; fail "audit exit $arc"; }
	jq -e '[.tenants[].complete] | all' "$T/audit.json" >/dev/null || fail "audit incomplete"
	jq -r '.findings[].id' "$T/audit.json" | sort >"$2"
}

gws_writes() {
	jq -s '[.[] | select(.gmail_write)] | length' "$MOCKLOG"
}

gws_attempts() {
	jq -s '[.[] | select(.gmail_write or (.batch_part and .method != "GET")
		or ((.path // "" | startswith("/gmail/")) and .method != null and .method != "GET"))] | length' "$MOCKLOG"
}

journal_in() { # DIR
	set -- "$1"/*.jsonl
	[ $# -eq 1 ] && [ -f "$1" ] || fail "want exactly one journal, got: $*"
	J=$1
}

no_secrets() { # FILE...
	key_line=$(sed -n 5p "$T/sa.key")
	for f in "$@"; do
		grep -q 'PRIVATE KEY' "$f" && fail "$f: private key text"
		grep -qF "$key_line" "$f" && fail "$f: private key material"
		grep -q 'ya29\.' "$f" && fail "$f: an access token"
		grep -qi 'bearer' "$f" && fail "$f: a Bearer value"
		grep -Eq 'eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+' "$f" && fail "$f: a JWT"
		grep -q '"private_key' "$f" && fail "$f: a key field"
	done
	true
}
