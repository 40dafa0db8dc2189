# postfix_mixed.sh - one routing graph over a Postfix server and a Microsoft
# 365 tenant (the HTTPS mock): the Postfix alias bob@fabrikam.com points at
# bob@contoso.com, whose mailbox forwarding (ForwardingSmtpAddress in the
# mock's fixture) sends mail back to bob@fabrikam.com. Neither system shows a
# loop alone; the mixed audit finds it, across both tenants, and does not give
# it Postfix's alias-expansion reply (the cycle leaves the server).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/postfix_lib.sh"
mock_start
pf_setup
printf 'bob@fabrikam.com    bob@contoso.com\nsales@fabrikam.com  bob@fabrikam.com\n' >"$PF_CONF/virtual"
pf_postmap hash "$PF_CONF/virtual"
pf_conf "virtual_alias_domains = fabrikam.com" "virtual_alias_maps = hash:$PF_CONF/virtual"
jq -e 'any(.. | objects; .PrimarySmtpAddress? == "bob@contoso.com" and .ForwardingSmtpAddress? == "smtp:bob@fabrikam.com")' \
	"$FIXTURE" >/dev/null || fail "the fixture no longer forwards bob@contoso.com to bob@fabrikam.com"
{ cat "$CFG"; printf '\n[tenant mx]\nprovider = postfix\nconfig_directory = %s\n' "$PF_CONF"; } >"$T/mixed.ini"

# each system alone: no loop through bob@fabrikam.com
run "$AA" audit -c "$T/mixed.ini" -t mx -f json
jq_eq '[.findings[] | select(.check == "route.loop")] | length' '0'

run "$AA" audit -c "$T/mixed.ini" -f json
jq_eq '[.tenants[] | "\(.name):\(.provider):\(.complete)"] | sort | join(",")' 'contoso:m365:true,mx:postfix:true'
jq -c '[.findings[] | select(.check == "route.loop" and ([.path[].address] | index("bob@fabrikam.com")))]' "$T/out" >"$T/loops"
[ "$(jq length "$T/loops")" -eq 1 ] || { jq -c '.findings[] | [.check, .summary]' "$T/out"; fail "want one loop through bob@fabrikam.com"; }
jq -e '.[0] | ([.path[].address] | index("bob@contoso.com")) != null' "$T/loops" >/dev/null || fail "loop path lacks bob@contoso.com"
jq -e '.[0].evidence.tenants | sort == ["contoso", "mx"]' "$T/loops" >/dev/null || fail "loop not across both tenants: $(cat "$T/loops")"
jq -e '.[0].symptom.code != "451 4.6.0"' "$T/loops" >/dev/null || fail "a cross-system loop got Postfix's alias-expansion reply"
# sales@fabrikam.com feeds the loop: a chain into it is not reported as a clean chain
jq_eq '[.findings[] | select(.check == "route.chain" and .subject == "sales@fabrikam.com")] | length' '0'
pass
