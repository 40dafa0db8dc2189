# cli_options.sh - the option handling every command shares (src/cli/cmd_opt.c):
# -j takes 1..256 in every command that has it, with one message, before any
# tenant is read; other whole-number options use the same check.
. "$ROOT/tests/e2e/lib/lib.sh"
for cmd in audit collect fix; do
	for bad in 0 257 -3 x 4x ""; do
		run "$AA" "$cmd" -j "$bad" --snapshot /nonexistent
		expect_rc 2
		err_has "aliasaudit $cmd: --jobs: want a number from 1 to 256, got '$bad'"
	done
done
# 256 is accepted: the failure is then about the input, not -j
run "$AA" audit -j 256 --snapshot "$T/missing.json"
expect_rc 2
err_has "missing.json"
run "$AA" headers --srs-max-age 1024 /dev/null
expect_rc 2; err_has "srs-max-age: want a number from 0 to 1023, got '1024'"
run "$AA" audit --max-depth 0 --snapshot "$T/missing.json"
expect_rc 2; err_has "max-depth: want a number from 1 to"
pass
