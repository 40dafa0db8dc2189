# m365_fix_mock.sh - helpers for the Microsoft 365 fix tests (m365_fix_*.sh);
# sourced after lib.sh and mock.sh.
#
#   fix_config            $CFG with the read-only audit app and the write app
#                         (write_client_id) that fix --apply and undo use
#   m365_knobs JSON       POST /_m365/knobs (write_latency_ms, mutations)
#   audit_ids FILE        the sorted finding ids of a live audit into FILE
#   nr_writes             how many writes reached the mock (its log)
#   the_journal DIR       the one journal file in DIR
#   m365_state FILE       the mock's whole live tenant (GET /_m365/state), sorted
# Per-tenant locks live under $XDG_STATE_HOME: each test has its own.
export CONTOSO_WRITE_SECRET=demo-write-secret-not-real
export XDG_STATE_HOME="$T/state"
WRITE_CLIENT_ID=66666666-7777-8888-9999-000000000000

fix_config() {
	write_config "$CFG" "client_secret_env = CONTOSO_SECRET" \
		"write_client_id = $WRITE_CLIENT_ID" "write_client_secret_env = CONTOSO_WRITE_SECRET"
}

m365_knobs() {
	curl -sf --cacert "$T/pki/ca.pem" -X POST --data "$1" "$BASE/_m365/knobs" >/dev/null ||
		fail "cannot set m365 knobs $1"
}

audit_ids() { # FILE
	"$AA" audit -c "$CFG" -f json >"$T/audit.json" 2>"$T/audit.err"
	[ $? -le 1 ] || { cat "$T/audit.err"; fail "audit failed"; }
	jq -r '.findings[].id' "$T/audit.json" | sort >"$1"
}

nr_writes() { grep -c '"m365_write"' "$MOCKLOG"; }

the_journal() { # DIR
	set -- "$1"/*.jsonl
	[ $# -eq 1 ] && [ -f "$1" ] || fail "want exactly one journal, got: $*"
	echo "$1"
}

m365_state() { # FILE
	curl -sf --cacert "$T/pki/ca.pem" "$BASE/_m365/state" | jq -S . >"$1" ||
		fail "cannot read the mock's state"
}
