# audit_mail.sh - `audit --mail-to` sends the rendered report through the
# config's smtp_url (STARTTLS, AUTH from the environment) to a real SMTP
# server on loopback; the message that arrives carries the HTML report.
. "$ROOT/tests/e2e/lib/lib.sh"
. "$ROOT/tests/e2e/lib/smtp_lib.sh"
start_smtpd
cat >"$T/config.ini" <<INI
[defaults]
smtp_url = $SMTP_URL
mail_from = aliasaudit@contoso.com
ca_file = $SMTP_CA
INI
export ALIASAUDIT_SMTP_USER=reports ALIASAUDIT_SMTP_PASSWORD="$SMTP_PASSWORD"
run "$AA" audit -c "$T/config.ini" --snapshot "$ROOT/examples/contoso-m365.json" \
	--snapshot "$ROOT/examples/fabrikam-gws.json" -f html -o "$T/report.html" --mail-to ops@contoso.com
expect_rc 1
[ -f "$SMTP_SPOOL/msg-1.eml" ] || { cat "$T/err"; fail "no message arrived"; }
grep -qx 'RCPT TO ops@contoso.com' "$SMTP_SPOOL/msg-1.env" || fail "envelope recipient"
grep -qx 'TLS yes' "$SMTP_SPOOL/msg-1.env" || fail "not sent over TLS"
$PY - "$SMTP_SPOOL/msg-1.eml" "$T/report.html" <<'PYEOF' || fail "message content"
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert msg["Subject"] == "aliasaudit: 25 findings (8 high or critical)", msg["Subject"]
assert msg["From"] == "aliasaudit@contoso.com", msg["From"]
att = [p for p in msg.iter_attachments() if p.get_content_type() == "text/html"]
assert att, "no HTML attachment"
assert att[0].get_content().encode() == open(sys.argv[2], "rb").read(), "attachment differs from -o file"
PYEOF
if grep -rq "$SMTP_PASSWORD" "$T/out" "$T/err" "$T/report.html"; then fail "password in output"; fi

# a wrong password: one line, exit 2, no password shown
ALIASAUDIT_SMTP_PASSWORD=wrong-password run "$AA" audit -c "$T/config.ini" \
	--snapshot "$ROOT/examples/contoso-m365.json" -o "$T/r2.txt" --mail-to ops@contoso.com
expect_rc 2; err_lines 1
if grep -q wrong-password "$T/err"; then fail "password in the error"; fi
# --mail-to without smtp_url in the config
printf '[defaults]\n' >"$T/empty.ini"
run "$AA" audit -c "$T/empty.ini" --snapshot "$ROOT/examples/contoso-m365.json" -o "$T/r3.txt" --mail-to x@y.example
expect_rc 2; err_has 'smtp_url'
pass
