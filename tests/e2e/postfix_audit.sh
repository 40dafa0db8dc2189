# postfix_audit.sh - provider = postfix against a real Postfix: a
# configuration with planted problems (postfix_lib.sh pf_planted) is audited,
# then every prediction is checked against what the running Postfix does with
# real SMTP transactions: refused at RCPT, refused at the end of DATA, bounced
# with a DSN, or delivered to the predicted mailbox. The codes compared are
# the ones the audit printed, never copies of them.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/postfix_lib.sh"
pf_setup
pf_planted
pf_start

# collected live, audited offline (a live audit would also resolve the test
# domains in DNS: the dns.* checks are not this test's subject)
run "$AA" collect -c "$PF_INI" -o "$T/mx.json"
expect_rc 0
run "$AA" audit --snapshot "$T/mx.json" -f json
expect_rc 1
cp "$T/out" "$T/audit.json"
jq_eq '.tenants[0].provider + " " + (.tenants[0].complete | tostring)' 'postfix true'
# finding VAR FILTER - set VAR to the JSON of the one finding matching FILTER
finding() {
	jq -c "[.findings[] | select($2)]" "$T/audit.json" >"$T/match" || fail "jq: $2"
	[ "$(jq length "$T/match")" -eq 1 ] || { jq -c '.findings[] | [.check, .subject]' "$T/audit.json"; fail "want one finding for $2"; }
	eval "$1=\$(jq -c '.[0]' \"\$T/match\")"
}
code_of() { echo "$1" | jq -r '.symptom.code'; }

# --- the ghost: refused at RCPT when addressed directly; a DSN when reached through the alias
finding ghost '.check == "route.ghost" and .subject == "sales@example.test"'
predicted=$(code_of "$ghost")            # "550 5.1.1"
[ "$(echo "$ghost" | jq -r '.path[-1].address')" = nobody@example.test ] || fail "ghost path: $ghost"
pf_try nobody@example.test m-ghost-direct
case "$PF_REPLY" in "rcpt $predicted "*) ;; *) fail "nobody@: Postfix said '$PF_REPLY', audit predicted '$predicted'";; esac
pf_try sales@example.test m-ghost-alias
case "$PF_REPLY" in accepted*) ;; *) fail "sales@ should be accepted at RCPT, got '$PF_REPLY'";; esac

# --- a local alias to a user that does not exist (bare names get @$myorigin):
# accepted at RCPT, bounced by the delivery agent with the predicted status;
# an unknown local address is refused at RCPT; a passwd user is accepted
finding lghost '.check == "route.ghost" and .subject == "info@local.test"'
[ "$(echo "$lghost" | jq -r '.path[-1].address')" = ghostuser@example.test ] || fail "local ghost path: $lghost"
pf_try info@local.test m-local-ghost
case "$PF_REPLY" in accepted*) ;; *) fail "info@local.test should be accepted at RCPT, got '$PF_REPLY'";; esac
pf_try unknown@local.test m-local-unknown
case "$PF_REPLY" in "rcpt $(code_of "$lghost") "*) ;; *) fail "unknown@local.test: '$PF_REPLY'";; esac
# admin: root is root@$myorigin (example.test, where root has no mailbox), not
# the local user root: a ghost too, bounced like the other
finding aghost '.check == "route.ghost" and .subject == "admin@local.test"'
[ "$(echo "$aghost" | jq -r '.path[-1].address')" = root@example.test ] || fail "admin@ path: $aghost"
pf_try admin@local.test m-admin
# a passwd user of this host is a local recipient: accepted, never a ghost
run "$AA" probe --server "127.0.0.1:$PF_PORT" --ca-file "$PF_CA" -c "$PF_INI" -f json root@local.test
expect_rc 0
jq_eq '.results[0] | "\(.code) \(.prediction) \(.verdict)"' '250 accepted matches'

# --- the loop: Postfix refuses it at the end of DATA with the predicted reply
finding loop '.check == "route.loop"'
predicted=$(code_of "$loop")
[ "$predicted" = "451 4.6.0" ] || fail "loop predicted '$predicted'"
echo "$loop" | jq -e '[.path[].address] | index("loopb@example.test") != null' >/dev/null || fail "loop path"
pf_try loopa@example.test m-loop
case "$PF_REPLY" in "data $predicted "*) ;; *) fail "loopa@: Postfix said '$PF_REPLY', audit predicted '$predicted'";; esac

# --- plus addressing off: user+tag@ refused at RCPT with the predicted code
finding plus '.check == "addr.plus-disabled"'
predicted=$(code_of "$plus")
pf_try bob+news@example.test m-plus
case "$PF_REPLY" in "rcpt $predicted "*) ;; *) fail "bob+news@: Postfix said '$PF_REPLY', audit predicted '$predicted'";; esac

# --- the chain: mail to its head lands in the mailbox at the end of its path
finding chain '.check == "route.chain" and .subject == "contact@example.test"'
final=$(echo "$chain" | jq -r '.path[-1].address')
pf_try contact@example.test m-chain
case "$PF_REPLY" in accepted*) ;; *) fail "contact@: '$PF_REPLY'";; esac

# --- the catch-all collision: ann@shadow.test's mail goes to the catch-all's target
finding shadow '.check == "route.catchall-shadow" and .severity == "high"'
echo "$shadow" | jq -e '.evidence.shadowed_sample == ["ann@shadow.test"] and .evidence.scope == "all"' >/dev/null ||
	fail "shadow evidence: $shadow"
target=$(echo "$shadow" | jq -r '.path[-1].address')
pf_try ann@shadow.test m-shadow
# --- an explicit alias wins over the @alias.test catch-all in an earlier table (virtual(5) order)
finding info '.check == "route.catchall" and .severity == "info"'
echo "$info" | jq -e '.evidence.scope == "unknown-only"' >/dev/null || fail "alias.test catch-all: $info"
pf_try billing@alias.test m-explicit
pf_try typo@alias.test m-typo
# --- self-reference: keep@ -> keep@, carol@ is delivery plus a copy, not a loop
jq -e '[.findings[] | select(.check == "route.loop" and (.summary | test("keep@")))] | length == 0' "$T/audit.json" >/dev/null ||
	fail "keep@ reported as a loop"
pf_try keep@example.test m-keep

pf_flush_wait
sleep 1
mailbox() { echo "$(echo "$1" | cut -d@ -f2)/$(echo "$1" | cut -d@ -f1)"; }
pf_delivered "$(mailbox "$final")" m-chain || fail "chain: not delivered to $final"
pf_delivered "$(mailbox "$target")" m-shadow || fail "catch-all collision: ann@'s mail not in $target"
pf_delivered shadow.test/ann m-shadow && fail "catch-all collision: ann@ got its mail after all"
pf_delivered example.test/bob m-explicit || fail "billing@alias.test: not delivered to bob"
pf_delivered example.test/carol m-typo || fail "typo@alias.test: not caught by the catch-all"
pf_delivered example.test/keep m-keep || fail "keep@: not delivered to itself"
pf_delivered example.test/carol m-keep || fail "keep@: no copy to carol"
# the ghost reached through an alias bounces with the predicted status in a DSN
status=$(pf_dsn_status m-ghost-alias)
[ "$status" = "$(code_of "$ghost" | cut -d' ' -f2)" ] || fail "DSN for sales@: status '$status', predicted $(code_of "$ghost")"
status=$(pf_dsn_status m-admin)
[ "$status" = "$(code_of "$aghost" | cut -d' ' -f2)" ] || fail "DSN for admin@local.test: status '$status'"
status=$(pf_dsn_status m-local-ghost)
[ "$status" = "$(code_of "$lghost" | cut -d' ' -f2)" ] || fail "DSN for info@local.test: status '$status', predicted $(code_of "$lghost")"
pass
