# cli_help.sh - --help for every command (exit 0, usage on stdout), --version,
# unknown commands, and the check catalog.
. "$ROOT/tests/e2e/lib/lib.sh"
for cmd in audit collect fix undo report checks explain headers probe; do
	run "$AA" "$cmd" --help
	expect_rc 0
	out_has "usage: aliasaudit $cmd"
done
run "$AA" --help
expect_rc 0; out_has 'explain'; out_has 'headers'; out_has 'probe'
run "$AA" help audit
expect_rc 0; out_has 'usage: aliasaudit audit'
run "$AA" --version
expect_rc 0; out_has '^aliasaudit [0-9]'
run "$AA" frobnicate
expect_rc 2; err_has "'frobnicate' is not a command"
run "$AA"
expect_rc 2
run "$AA" checks -f json
expect_rc 0
jq_eq 'length' '19'
jq_eq '[.[].id] | join(" ")' 'route.loop route.ghost route.chain route.disabled-target route.catchall-shadow route.catchall route.platform-limit forward.blocked forward.external-auth forward.policy-open sendas.alias-disabled sendas.treat-as-alias sendas.missing sendas.unverified addr.plus-disabled dns.mx dns.spf dns.dkim dns.dmarc'
jq_eq '[.[] | select(.fix.id and .severity and .finds)] | length' '19'
run "$AA" checks
expect_rc 0; out_has '^route.loop'
run "$AA" checks -f xml
expect_rc 2
pass
