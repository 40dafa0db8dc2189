# m365_fix_safety.sh - the safety defects of issue 14, each against the mock:
#  - fix --apply on an incomplete audit (carol's inbox rules answer 503)
#    applies only the changes whose evidence was read, withholds the others
#    (tenant-wide policies reach carol's forwards too) and exits 3 naming
#    what could not be read;
#  - two concurrent fix --apply on one tenant: the second cannot take the
#    tenant's lock, exits 2 and writes nothing;
#  - undo with another tenant configured under the same name (another tenant
#    GUID) is refused before anything is read or written;
#  - an edited journal that points a revert at another inbox rule of the same
#    mailbox: the re-read compares the rule's identity, refuses, exit 4.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
. "$ROOT/tests/e2e/lib/m365_fix_mock.sh"
mock_start
fix_config

# --- incomplete audit (org config, remote domains partner.example and '*' withheld)
mock_knobs '{"rules": [{"match": "/users/u-carol/mailFolders/inbox/messageRules", "status": 503, "times": -1, "retry_after": "0"}]}'
run "$AA" fix -c "$CFG" --apply --yes --journal "$T/j0"
expect_rc 3
err_has "incomplete audit: tenant 'contoso': .*carol@contoso.com.*503"
err_has '3 changes withheld: their evidence was not read'
# (1, not 2: the seed article's inbox-rule cycle is no route.loop, §5a)
out_has 'Plan: 1 change'
out_has 'not applied: withheld: its evidence was not read (forwards'
j=$(the_journal "$T/j0")
[ "$(jq -r 'select(.type=="result") | .status' "$j" | sort | uniq -c | tr -s ' ')" = " 1 applied" ] ||
	fail "want exactly the 1 proven change applied"
grep -q '"m365_write":"Set-OrganizationConfig"' "$MOCKLOG" && fail "a withheld change was written"
grep -q '"m365_write":"Set-RemoteDomain"' "$MOCKLOG" && fail "a withheld change was written"
mock_knobs '{"rules": []}'
run "$AA" undo "$j" --yes
expect_rc 0
m365_state "$T/state0"

# --- two concurrent applies on one tenant
m365_knobs '{"write_latency_ms": 1500}'
"$AA" fix -c "$CFG" --apply --yes --journal "$T/j1" >"$T/out1" 2>"$T/err1" &
pid=$!
i=0
until grep -qs '"type":"intent"' "$T"/j1/*.jsonl; do
	i=$((i + 1))
	[ $i -lt 300 ] || { kill $pid; fail "the first apply never started"; }
	sleep 0.05
done
w=$(nr_writes)
run "$AA" fix -c "$CFG" --apply --yes --journal "$T/j2"
expect_rc 2
err_has "tenant 'contoso' is being changed by another 'aliasaudit fix --apply' or 'undo'"
[ ! -d "$T/j2" ] || [ -z "$(ls "$T/j2")" ] || fail "the refused apply left a journal"
wait $pid || fail "the first apply failed: $(cat "$T/err1")"
m365_knobs '{"write_latency_ms": 0}'
[ "$(nr_writes)" -eq $((w + 3)) ] || [ "$(nr_writes)" -eq $((w + 4)) ] || fail "unexpected writes"
j=$(the_journal "$T/j1")
[ "$(grep -c '"type":"result"' "$j")" -eq 3 ] || fail "the first apply did not finish its 3 changes"

# --- undo with another tenant under the same name
sed "s/^tenant_id = .*/tenant_id = 00000000-1111-2222-3333-444444444444/" "$CFG" >"$T/other.ini"
w=$(nr_writes)
run "$AA" undo "$j" --yes -c "$T/other.ini"
expect_rc 2
err_lines 1
err_has "changed tenant 'contoso' with id $TENANT_ID, but the configured tenant 'contoso' has id 00000000-1111-2222-3333-444444444444: refusing to undo another tenant"
[ "$(nr_writes)" -eq "$w" ] || fail "undo of another tenant wrote"

# --- an edited journal points the revert of alice's rule at her other rule
jq -c 'if .type == "intent" and .change.params.rule_id == "rule-alice-1"
	then .change.params.rule_id = "rule-alice-2" else . end' "$j" >"$T/edited.jsonl"
grep -q 'rule-alice-2' "$T/edited.jsonl" || fail "the journal has no change of alice's rule"
run "$AA" undo "$T/edited.jsonl" --yes
expect_rc 4
err_has "'rule-alice-2' is not the object this change was made on: its rule_name is Project X (disabled), the change recorded Copy to personal"
grep -q '"m365_write":"PATCH messageRule","identity":"u-alice rule-alice-2"' "$MOCKLOG" &&
	fail "the edited journal re-enabled another rule"
# the real journal still undoes everything that is left
run "$AA" undo "$j" --yes
expect_rc 0
m365_state "$T/state1"
diff -u "$T/state0" "$T/state1" || fail "the tenant is not back to its state"
pass
