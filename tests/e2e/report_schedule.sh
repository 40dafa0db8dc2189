# report_schedule.sh - the scheduling files in contrib/: the systemd service
# and timer pass 'systemd-analyze verify' (with ExecStart pointed at the
# built binary, as the installed path may not exist here) when
# systemd-analyze is present; the cron line has the cron.d shape, valid shell
# and only options the audit command knows.
. "$ROOT/tests/e2e/lib/lib.sh"
C="$ROOT/contrib"
for f in aliasaudit.service aliasaudit.timer aliasaudit.cron; do
	[ -f "$C/$f" ] || fail "contrib/$f missing"
done
grep -q '^ProtectSystem=strict$' "$C/aliasaudit.service" || fail "ProtectSystem=strict"
grep -q '^StateDirectory=aliasaudit$' "$C/aliasaudit.service" || fail "StateDirectory"
grep -q '^NoNewPrivileges=yes$' "$C/aliasaudit.service" || fail "NoNewPrivileges"
grep -q -- '--history /var/lib/aliasaudit/history.db -f html -o /var/lib/aliasaudit/report.html' \
	"$C/aliasaudit.service" || fail "service does not record history and write the html report"

if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$T/units"
	sed "s|/usr/local/bin/aliasaudit|$AA|" "$C/aliasaudit.service" >"$T/units/aliasaudit.service"
	cp "$C/aliasaudit.timer" "$T/units/"
	(cd "$T/units" && systemd-analyze verify --man=no ./aliasaudit.service ./aliasaudit.timer) >"$T/verify.log" 2>&1 ||
		{ cat "$T/verify.log"; fail "systemd-analyze verify"; }
	! grep -q . "$T/verify.log" || { cat "$T/verify.log"; fail "systemd-analyze verify warned"; }
else
	echo "systemd-analyze missing: unit verification skipped"
fi

# cron: one job line in /etc/cron.d format (5 time fields, a user, a command)
job=$(grep -v '^#' "$C/aliasaudit.cron" | grep -v '^[A-Z_]*=' | grep .)
[ "$(echo "$job" | wc -l)" -eq 1 ] || fail "cron: want exactly one job line"
set -f; set -- $job; set +f
[ $# -gt 7 ] && [ "$6" = aliasaudit ] || fail "cron: not 'MIN HOUR DOM MON DOW USER COMMAND'"
cmd=$(echo "$job" | cut -d' ' -f7-)
sh -n -c "$cmd" || fail "cron: the command is not valid sh"
case "$job" in *%*) fail "cron: an unescaped % ends the command in cron";; esac
# the options used exist in 'audit --help'
run "$AA" audit --help
expect_rc 0
for opt in --history -f -o --fail-on -c; do
	grep -q -- "$opt" "$T/out" || fail "audit --help lacks $opt used by the schedule"
done
pass
