# lib.sh - helpers for end-to-end tests; sourced by tests/e2e/*.sh.
#
# Helpers sourced by tests live in tests/e2e/lib/; every tests/e2e/*.sh is a test.
# Each test runs the real binary ($AA) and checks exit codes and output.
# A test gets its own scratch directory $T (removed on success), and fails
# on the first broken expectation with a message saying what and where.
set -u
: "${ROOT:?run through tests/run-tests}"
T=$(mktemp -d "${TMPDIR:-/tmp}/aa-e2e.XXXXXX")
export NO_COLOR=1 ALIASAUDIT_NOW=2026-11-26T06:00:00Z
cleanup_hooks=""
# on_exit - run the cleanup hooks once (servers a test started are stopped
# before its scratch directory, which may hold their configuration, goes)
on_exit() { hooks=$cleanup_hooks; cleanup_hooks=""; for h in $hooks; do $h; done; }
trap on_exit EXIT
add_cleanup() { cleanup_hooks="$cleanup_hooks $1"; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# run CMD...: run a command, keep stdout in $T/out, stderr in $T/err, exit in $rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}
expect_rc() { # expected
	[ "$rc" -eq "$1" ] || { echo "--- stdout"; head -c 3000 "$T/out"; echo "--- stderr"; head -c 3000 "$T/err"; fail "exit $rc, want $1"; }
}
out_has() { grep -q -- "$1" "$T/out" || { head -c 3000 "$T/out"; fail "stdout lacks: $1"; }; }
out_lacks() { ! grep -q -- "$1" "$T/out" || fail "stdout has: $1"; }
err_has() { grep -q -- "$1" "$T/err" || { cat "$T/err"; fail "stderr lacks: $1"; }; }
err_lines() { # expected number of lines on stderr
	n=$(wc -l <"$T/err"); [ "$n" -eq "$1" ] || { cat "$T/err"; fail "stderr has $n lines, want $1"; }
}
# jq_eq FILTER EXPECTED: jq on stdout must print EXPECTED
jq_eq() {
	got=$(jq -r "$1" "$T/out") || fail "stdout is not JSON for jq '$1'"
	[ "$got" = "$2" ] || fail "jq '$1': got '$got', want '$2'"
}
pass() { on_exit; rm -rf "$T"; exit 0; }
skip() { echo "skipped: $*"; on_exit; rm -rf "$T"; exit 77; }
