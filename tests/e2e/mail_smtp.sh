# mail_smtp.sh - mail_send_report against a real SMTP server on loopback
# (Debian's python3-aiosmtpd) that requires STARTTLS and AUTH, with a test CA
# and server certificate made here with the openssl CLI. Checks the message
# that arrives (envelope, headers, text part, the HTML report attached), that
# the server certificate is verified (unknown CA fails), that a wrong
# password fails with one line and never shows the password, and that a
# server without STARTTLS is refused.
. "$ROOT/tests/e2e/lib/lib.sh"
PY=/usr/bin/python3
DRIVER="$ROOT/$BUILD/tests/unit/test_mail"
$PY -c 'import aiosmtpd' 2>/dev/null || skip "Debian python3-aiosmtpd missing"
command -v openssl >/dev/null || skip "openssl CLI missing"
[ -x "$DRIVER" ] || fail "$DRIVER not built"

# a test CA and a server certificate for 127.0.0.1 / localhost
cd "$T" || fail cd
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=aliasaudit test CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
	fail "openssl: CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key -out srv.csr -subj "/CN=localhost" 2>/dev/null || fail "openssl: csr"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >srv.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext 2>/dev/null ||
	fail "openssl: sign"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other.key -out other.pem -days 2 -subj "/CN=other CA" 2>/dev/null

mkdir spool
PASSWORD='s3cret-Pa55-word'
$PY "$ROOT/tests/tools/smtp_server.py" srv.pem srv.key spool port reports "$PASSWORD" 2>smtpd.log &
SMTPD=$!
stop_smtpd() { kill "$SMTPD" 2>/dev/null; wait "$SMTPD" 2>/dev/null; }
add_cleanup stop_smtpd
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s port ] || { cat smtpd.log; fail "SMTP server did not start"; }
URL="smtp://127.0.0.1:$(cat port)"

# a small HTML report with a hostile name, as html
cat >report.html <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>r</title></head>
<body><h1>Mail alias routing audit</h1><p>tenant &lt;script&gt; caf&eacute; — ü</p></body></html>
HTML

export ALIASAUDIT_SMTP_USER=reports ALIASAUDIT_SMTP_PASSWORD="$PASSWORD"
run "$DRIVER" --send "$URL" "ops@example.com, audit@example.org" aliasaudit@example.com \
	"aliasaudit report: 3 findings" report.html "text/html; charset=utf-8" ca.pem
expect_rc 0
[ -f spool/msg-1.eml ] || fail "no message arrived"
grep -qx 'MAIL FROM aliasaudit@example.com' spool/msg-1.env || fail "envelope sender"
grep -qx 'RCPT TO ops@example.com' spool/msg-1.env || fail "envelope recipient 1"
grep -qx 'RCPT TO audit@example.org' spool/msg-1.env || fail "envelope recipient 2"
grep -qx 'TLS yes' spool/msg-1.env || fail "message not sent over TLS"
# parse the message with python's email package and check it
$PY - spool/msg-1.eml report.html <<'PYEOF' || fail "message content"
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
want = open(sys.argv[2], "rb").read()
assert msg["Subject"] == "aliasaudit report: 3 findings", msg["Subject"]
assert msg["From"] == "aliasaudit@example.com", msg["From"]
assert "ops@example.com" in msg["To"] and "audit@example.org" in msg["To"], msg["To"]
assert msg["Date"] and msg["Message-ID"], "Date/Message-ID"
assert msg.get_content_type() == "multipart/mixed", msg.get_content_type()
parts = list(msg.iter_parts())
assert parts[0].get_content_type() == "text/plain" and "attached" in parts[0].get_content()
att = parts[1]
assert att.get_content_type() == "text/html", att.get_content_type()
assert att.get_filename() == "aliasaudit-report.html", att.get_filename()
assert att.get_payload(decode=True) == want, "attachment differs"
print("message ok")
PYEOF

# text/plain: the report is the body itself
printf 'aliasaudit: 2 findings\nHIGH (1)\n' >report.txt
run "$DRIVER" --send "$URL" ops@example.com aliasaudit@example.com "plain" report.txt "text/plain; charset=utf-8" ca.pem
expect_rc 0
$PY - spool/msg-2.eml <<'PYEOF' || fail "plain message content"
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
body = msg.get_body(preferencelist=("plain",))
assert body is not None and "HIGH (1)" in body.get_content(), msg
PYEOF

# a wrong password: one line, exit 1, no password anywhere in the output
ALIASAUDIT_SMTP_PASSWORD='wrong-Pa55' run "$DRIVER" --send "$URL" ops@example.com aliasaudit@example.com \
	"x" report.txt text/plain ca.pem
expect_rc 1
err_lines 1
err_has "127.0.0.1"
! grep -q "wrong-Pa55\|$PASSWORD" "$T/out" "$T/err" || fail "the password leaked into the output"
[ -s spool/auth-failures ] || fail "the server saw no failed login"
[ ! -f spool/msg-3.eml ] || fail "a message was accepted with a wrong password"

# an unknown CA: the certificate is verified, so the send fails
run "$DRIVER" --send "$URL" ops@example.com aliasaudit@example.com "x" report.txt text/plain other.pem
expect_rc 1
err_lines 1
[ ! -f spool/msg-3.eml ] || fail "sent despite an untrusted certificate"
# CURL_CA_BUNDLE is honoured when no CA file is given
CURL_CA_BUNDLE="$T/ca.pem" run "$DRIVER" --send "$URL" ops@example.com aliasaudit@example.com "env ca" report.txt text/plain
expect_rc 0
[ -f spool/msg-3.eml ] || fail "CURL_CA_BUNDLE not used"

# a server without STARTTLS: refused before any credential or data is sent
$PY - >plain.port <<'PYEOF' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1]); sys.stdout.flush()
c, _ = s.accept()
c.sendall(b"220 plain ESMTP\r\n")
data = b""
while b"\r\n" not in data:
    d = c.recv(1024)
    if not d: break
    data += d
c.sendall(b"250-plain\r\n250 AUTH PLAIN LOGIN\r\n")
rest = c.recv(1024)
open(sys.argv[0] if False else "plain.got", "wb").write(data + rest)
c.close()
PYEOF
PLAIN=$!
i=0
while [ ! -s plain.port ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run "$DRIVER" --send "smtp://127.0.0.1:$(cat plain.port)" ops@example.com aliasaudit@example.com "x" report.txt text/plain ca.pem
wait "$PLAIN" 2>/dev/null
expect_rc 1
err_lines 1
! grep -qi "AUTH\|$PASSWORD" plain.got 2>/dev/null || fail "credentials offered without TLS"
pass
