# m365_fix_plan.sh - `fix` prints a stable plan (tenant, object, setting old →
# new, findings, reversible; manual steps for the rest) and writes nothing;
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
out_has 'Plan: 5 changes (nothing has been changed)'
out_has "contoso (m365): inbox rule 'Archive to info' of admin@contoso.com"
out_has 'isEnabled: true → false'
out_has 'contoso (m365): organization config'
out_has 'SendFromAliasEnabled: false → true'
out_has "outbound spam policy and rule 'Allow forwarding - alice@contoso.com'"
out_has 'null → {"AutoForwardingMode":"On","From":\["alice@contoso.com"\]}'
out_has 'contoso (m365): remote domain \*'
out_has 'contoso (m365): remote domain partner.example'
out_has 'AutoForwardEnabled: true → false'
out_has 'resolves: f-70b1b7beff36f365'
out_has 'fix: m365.inbox-rule.disable, reversible (aliasaudit undo)'
out_has 'No automated fix (12 findings): do these by hand'
out_has 'Remove-DistributionGroupMember -Identity <group>'
[ "$(nr_writes)" -eq 0 ] || fail "a plan wrote to the tenant: $(grep m365_write "$MOCKLOG")"
grep -q '"method":"PATCH"' "$MOCKLOG" && fail "a plan sent a PATCH"

# only some checks, and the loop finding alone
run "$AA" fix -c "$CFG" --finding f-70b1b7beff36f365
expect_rc 0
out_has 'Plan: 1 change '
out_has "inbox rule 'Archive to info'"

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
grep -q '"m365_write":"PATCH messageRule","identity":"u-admin rule-admin-1","status":403' "$MOCKLOG" ||
	fail "the PATCH was not refused with 403"
audit_ids "$T/after"
diff -u "$T/before" "$T/after" || fail "a refused apply changed the tenant"
pass
