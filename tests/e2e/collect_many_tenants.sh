# collect_many_tenants.sh - a config with many tenants runs a bounded pool
# of threads, not one per tenant (issue 15, defect 10): 40 tenants against
# the mock with 150 ms latency use at most max(4, -j) collector threads, and
# every tenant is still collected (here: each fails sign-in, named, exit 3).
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/mock.sh"
mock_start
mock_knobs '{"latency_ms": 150}'
{
	echo "[defaults]"
	for i in $(seq 1 40); do
		tenant_section "t$i"
		echo "client_secret_env = BAD_SECRET"
	done
} >"$T/many.ini"

peak_threads() { # pid: highest thread count seen while it runs
	peak=0
	# until it exits (a zombie still answers kill -0: read its state)
	while st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ]; do
		n=$(awk '/^Threads:/ {print $2}' "/proc/$1/status" 2>/dev/null)
		[ -n "$n" ] && [ "$n" -gt "$peak" ] && peak=$n
		sleep 0.02
	done
	echo "$peak"
}

BAD_SECRET=nope "$AA" collect -c "$T/many.ini" -o "$T/snaps" >"$T/out" 2>"$T/err" &
pid=$!
peak=$(peak_threads $pid)
wait $pid; rc=$?
expect_rc 3
[ "$(ls "$T/snaps" | wc -l)" -eq 40 ] || fail "want 40 snapshots, got $(ls "$T/snaps" | wc -l)"
# main thread + 4 collectors (+ at most a helper thread of the HTTP library each)
[ "$peak" -le 9 ] || fail "default: $peak threads for 40 tenants"
[ "$peak" -ge 3 ] || fail "default: $peak threads: tenants were not read concurrently"

# -j raises the bound
BAD_SECRET=nope "$AA" collect -c "$T/many.ini" -o "$T/snaps2" -j 10 >"$T/out" 2>"$T/err" &
pid=$!
peak=$(peak_threads $pid)
wait $pid; rc=$?
expect_rc 3
[ "$peak" -le 21 ] || fail "-j 10: $peak threads for 40 tenants"
[ "$peak" -gt 5 ] || fail "-j 10: only $peak threads"
pass
