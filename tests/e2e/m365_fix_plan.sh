# m365_fix_plan.sh - `fix` prints a stable, proven plan (tenant, object,
# setting old → new, findings resolved, why, reversible; the changes left
# out with what they introduce; manual steps for the rest) and writes nothing;
# blocking remote domain '*' is left out because it would block bob's forward
# that a scoped policy explicitly allows, and --include chooses it;
# --apply without --yes on a non-terminal is refused (exit 2) before any
# write; the read-only audit app cannot write (403, exit 4, nothing changed).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config

run "$AA" fix -c "$CFG"
expect_rc 0
cp "$T/out" "$T/plan1"
run "$AA" fix -c "$CFG"
expect_rc 0
diff -u "$T/plan1" "$T/out" || fail "two plans differ"
# (the seed article's admin@ <-> info@ inbox-rule cycle is no route.loop in
# Exchange Online, docs/snapshot.md, routing: nothing to fix there)
out_has 'Plan: 3 changes (nothing has been changed)'
out_has 'Proven on a copy of the audited snapshot (.* audits): the plan resolves 3 findings and introduces 0'
out_has "1. \[c-[0-9a-f]*\] contoso (m365): inbox rule 'Copy to personal' of alice@contoso.com"
out_has 'isEnabled: true → false'
out_has 'why: least egress: the blocked forward is stopped, not allowed'
out_has 'contoso (m365): organization config'
out_has 'SendFromAliasEnabled: false → true'
out_has 'contoso (m365): remote domain partner.example'
out_has 'AutoForwardEnabled: true → false'
out_has 'resolves: f-d8bcc2018c3c4069'
out_has 'fix: m365.inbox-rule.disable, reversible (aliasaudit undo)'
out_lacks 'Allow forwarding - alice'
out_has 'Not in the plan (1 change; choose one with --include KEY):'
out_has '  - \[c-[0-9a-f]*\] contoso (m365): remote domain \*'
out_has 'introduces: f-[0-9a-f]* \[forward.blocked\] bob@contoso.com forwards to bob@fabrikam.com'
out_has 'not applied: introduces 1 finding'
star=$(sed -n 's/^  - \[\(c-[0-9a-f]*\)\] contoso (m365): remote domain \*$/\1/p' "$T/out")
[ -n "$star" ] || fail "no key for the remote domain '*' change"
out_has 'No automated fix (11 findings): do these by hand'
out_has 'Remove-DistributionGroupMember -Identity <group>'
[ "$(nr_writes)" -eq 0 ] || fail "a plan wrote to the tenant: $(grep m365_write "$MOCKLOG")"
grep -q '"method":"PATCH"' "$MOCKLOG" && fail "a plan sent a PATCH"

# --include chooses the left-out change; an unknown key is a usage error
run "$AA" fix -c "$CFG" --include "$star"
expect_rc 0
out_has 'Plan: 4 changes'
out_has 'chosen explicitly although it introduces 1 finding'
out_has 'the plan resolves .* findings and introduces 1'
run "$AA" fix -c "$CFG" --include c-00000000
expect_rc 2
err_has "no change 'c-00000000' in this plan"

# one finding alone (alice's blocked forward)
run "$AA" fix -c "$CFG" --finding f-d8bcc2018c3c4069
expect_rc 0
out_has 'Plan: 1 change '
out_has "inbox rule 'Copy to personal'"

# --apply without --yes, stdin not a terminal: refused before anything is written
run "$AA" fix -c "$CFG" --apply --journal "$T/j0" </dev/null
expect_rc 2
err_has 'refusing to change anything without --yes'
[ "$(nr_writes)" -eq 0 ] || fail "a refused apply wrote"
[ ! -e "$T/j0" ] || [ -z "$(ls "$T/j0")" ] || fail "a refused apply left a journal"

# the read-only audit app (no write app configured): every write is refused
write_config "$CFG" "client_secret_env = CONTOSO_SECRET"
audit_ids "$T/before"
run "$AA" fix -c "$CFG" --apply --yes --journal "$T/j1"
expect_rc 4
err_has 'MailboxSettings.ReadWrite'
err_has "Exchange role does not allow"
j=$(the_journal "$T/j1")
[ "$(jq -r 'select(.type=="result") | .status' "$j" | sort -u)" = failed ] || fail "not every change failed"
grep -q '"m365_write":"PATCH messageRule","identity":"u-alice rule-alice-1","status":403' "$MOCKLOG" ||
	fail "the PATCH was not refused with 403"
audit_ids "$T/after"
diff -u "$T/before" "$T/after" || fail "a refused apply changed the tenant"
pass
