# smtp_lib.sh - start a loopback SMTP server (Debian's python3-aiosmtpd, via
# tests/tools/smtp_server.py) that requires STARTTLS and AUTH, with a test CA
# made here. Sourced after lib.sh; sets SMTP_URL, SMTP_CA, SMTP_SPOOL and
# SMTP_PASSWORD, and stops the server when the test exits.
PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || skip "Debian python3-aiosmtpd missing"
command -v openssl >/dev/null || skip "openssl CLI missing"

start_smtpd() {
	d="$T/smtp"
	mkdir -p "$d/spool"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.pem" -days 2 -subj "/CN=aliasaudit test CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		2>/dev/null || fail "openssl: CA"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/srv.key" \
		-out "$d/srv.csr" -subj "/CN=localhost" 2>/dev/null || fail "openssl: csr"
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/srv.ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/srv.pem" -days 2 -extfile "$d/srv.ext" 2>/dev/null || fail "openssl: sign"
	SMTP_PASSWORD='s3cret-Pa55-word'
	$PY "$ROOT/tests/tools/smtp_server.py" "$d/srv.pem" "$d/srv.key" "$d/spool" "$d/port" reports \
		"$SMTP_PASSWORD" 2>"$d/smtpd.log" &
	SMTPD_PID=$!
	add_cleanup stop_smtpd
	i=0
	while [ ! -s "$d/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$d/port" ] || { cat "$d/smtpd.log"; fail "SMTP server did not start"; }
	SMTP_URL="smtp://127.0.0.1:$(cat "$d/port")"
	SMTP_CA="$d/ca.pem"
	SMTP_SPOOL="$d/spool"
}
stop_smtpd() { kill "$SMTPD_PID" 2>/dev/null; wait "$SMTPD_PID" 2>/dev/null; }
