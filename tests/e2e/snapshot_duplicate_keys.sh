# snapshot_duplicate_keys.sh - a member named twice in one object, at any
# depth, is refused with its JSON path (issue 15, defect 12): a snapshot is
# evidence, and "the first one wins" would silently drop the other.
. "$ROOT/tests/e2e/lib/lib.sh"

dup() { # name sed-expression expected-path
	jq -c . "$ROOT/examples/contoso-m365.json" | sed "$2" >"$T/$1.json"
	grep -q "$4" "$T/$1.json" || fail "$1: the fixture edit did not apply"
	run "$AA" audit --snapshot "$T/$1.json"
	expect_rc 2
	err_lines 1
	err_has "$T/$1.json: $3: appears twice in one object"
}
dup recipient 's/{"address":"bob@contoso.com",/{"address":"bob@contoso.com","address":"evil@contoso.com",/' \
	'recipients\[[0-9]*\]\.address' 'evil@contoso.com'
dup policy 's/"send_from_alias":false/"send_from_alias":false,"send_from_alias":true/' \
	'policy\.send_from_alias' '"send_from_alias":true'
dup nested 's/"remote_domains":\[{"domain":"\*",/"remote_domains":[{"domain":"*","domain":"partner.example",/' \
	'policy\.remote_domains\[0\]\.domain' 'partner.example'
dup unknown 's/{"address":"bob@contoso.com",/{"address":"bob@contoso.com","x-note":1,"x-note":2,/' \
	'recipients\[[0-9]*\]\.x-note' 'x-note'
dup policy-array 's/"catch_all":\[/"catch_all":[],"catch_all":[/' 'policy\.catch_all' '"catch_all":\[\],"catch_all"'
# the same key in two different objects is fine
run "$AA" audit --snapshot "$ROOT/examples/contoso-m365.json"
expect_rc 1
pass
