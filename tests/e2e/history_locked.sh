# history_locked.sh - a history database someone else holds locked does not
# cost a finished audit its report (issue 15, defect 8): the report is
# written, stderr says the history was not recorded, and the exit is 3.
. "$ROOT/tests/e2e/lib/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"

db="$T/history.db"
run "$AA" audit --snapshot "$ROOT/examples/contoso-m365.json" --history "$db" -f json -o "$T/first.json"
expect_rc 1
# hold an exclusive lock for longer than the tool waits
python3 - "$db" "$T/locked" <<'PY' &
import sqlite3, sys, time, pathlib
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
pathlib.Path(sys.argv[2]).touch()
time.sleep(20)
PY
locker=$!
stop_locker() { kill "$locker" 2>/dev/null; }
add_cleanup stop_locker
i=0; while [ ! -f "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run "$AA" audit --snapshot "$ROOT/examples/contoso-m365.json" --history "$db" -f json
expect_rc 3
err_has 'warning: history not recorded: '
err_lines 1
jq_eq '.findings | length > 0' true
jq_eq '.schema' 'aliasaudit.findings/1'
stop_locker
pass
