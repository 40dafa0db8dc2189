# headers_diagnoses.sh - 'aliasaudit headers' on the hand-written fixtures:
# the diagnosis codes in text and in -f json (jq), hops oldest first.
. "$ROOT/tests/e2e/lib/lib.sh"
F="$ROOT/tests/fixtures/headers"

codes() { # FILE: the diagnosis codes of -f json, space-separated
	run "$AA" headers -f json "$F/$1"
	expect_rc 0
	jq_eq '.schema' 'aliasaudit.headers/1'
	jq -r '[.diagnoses[].code] | join(" ")' "$T/out"
}
want_codes() { # FILE EXPECTED
	got=$(codes "$1") || exit 1
	[ "$got" = "$2" ] || fail "$1: codes '$got', want '$2'"
	run "$AA" headers "$F/$1"
	expect_rc 0
	for c in $2; do out_has "] $c"; done
	out_has "aliasaudit explain CODE"
}

want_codes forward_nosrs.eml "headers.srs-missing headers.dmarc-fail-quarantine"
want_codes forward_srs.eml "headers.srs-applied headers.from-returnpath-misaligned"
want_codes dmarc_reject.eml "headers.dmarc-fail-reject headers.from-returnpath-misaligned"
want_codes misaligned.eml "headers.from-returnpath-misaligned"
want_codes gmail_pass.eml "headers.arc-valid headers.auth-pass"
want_codes exchange_compauth.eml "headers.auth-pass"
want_codes arc_chain.eml "headers.srs-missing headers.dmarc-fail-reject headers.arc-valid"
want_codes arc_broken.eml "headers.srs-missing headers.dmarc-fail-reject headers.arc-invalid"
want_codes exchange_srs.eml "headers.srs-applied headers.arc-valid headers.from-returnpath-misaligned"
want_codes srs1.eml "headers.srs-applied headers.from-returnpath-misaligned"
want_codes srs_expired.eml "headers.srs-applied headers.srs-expired headers.from-returnpath-misaligned"

# the forwarding hop: hop 2 of 3, oldest first; the IP is the forwarder's
run "$AA" headers -f json "$F/forward_nosrs.eml"
jq_eq '.order' 'oldest-first'
jq_eq '.hops | length' '3'
jq_eq '.hops[0].by' 'mx.yourdomain.example'
jq_eq '.hops[1].from_ip' '192.0.2.1'
jq_eq '.hops[1].verifiers.spf' 'softfail'
jq_eq '.hops[1].verifiers.dmarc' 'fail'
jq_eq '.hops[0].verifiers.spf' 'pass'
jq_eq '.diagnoses[0].hop' '2'
jq_eq '.diagnoses[0].severity' 'bad'
run "$AA" headers "$F/forward_nosrs.eml"
out_has "Hops (oldest first"
out_has "the connecting IP 192.0.2.1 is the forwarder's"

# Exchange: no authserv-id is read (and noted), compauth and AuthAs shown
run "$AA" headers -f json "$F/exchange_compauth.eml"
jq_eq '.hops[0].verifiers.compauth' 'pass'
jq_eq '.hops[0].auth_results[0].authserv_id' 'null'
jq_eq '.hops[0].auth_results[0].results[3].reason' '100'
jq_eq '.exchange_authas' 'Anonymous'
jq_eq '[.notes[] | select(test("no authserv-id"))] | length' '1'

# ARC sets by instance
run "$AA" headers -f json "$F/arc_broken.eml"
jq_eq '[.arc.sets[] | "\(.instance):\(.cv)"] | join(",")' '1:none,2:fail'
pass
