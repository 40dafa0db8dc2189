# audit_self_overwrite.sh - a report, a saved snapshot or a history database
# is never written over the audit's own input (issue 15, defect 7): exit 2,
# one line naming both, and the input unchanged (through a symlink too).
. "$ROOT/tests/e2e/lib/lib.sh"

cp "$ROOT/examples/contoso-m365.json" "$T/in.json"
sum=$(sha256sum <"$T/in.json")
ln -s in.json "$T/link.json"
for opt in -o --save-snapshot --history; do
	run "$AA" audit --snapshot "$T/in.json" $opt "$T/in.json"
	expect_rc 2
	err_has "is the input snapshot '$T/in.json': refusing to overwrite it"
	run "$AA" audit --snapshot "$T/link.json" $opt "$T/in.json"
	expect_rc 2
	[ "$(sha256sum <"$T/in.json")" = "$sum" ] || fail "$opt changed the input"
done
# writing elsewhere still works
run "$AA" audit --snapshot "$T/in.json" -o "$T/report.txt"
expect_rc 1
grep -q 'route.ghost' "$T/report.txt" || fail "no report written"
pass
