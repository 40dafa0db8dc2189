# postfix_lib.sh - a real Postfix (Debian package) on loopback for one test.
#
# Sourced after lib.sh. pf_setup makes an instance under $T/pf: its own
# config_directory ($PF_CONF), queue_directory, data_directory, virtual
# mailboxes under $PF_MAIL, a log file ($PF_LOG, Postfix 3.4+ maillog_file),
# and smtpd on 127.0.0.1:$PF_PORT (a free unprivileged port) with STARTTLS
# offered under a test CA ($PF_CA). The test writes its maps and extra
# main.cf lines, then calls pf_start; the instance is stopped when the test
# exits (postfix stop, then the master's pid if it lingers).
#
# Postfix needs root to start (it drops to mail_owner=postfix; setgid_group
# postdrop): both are created by the Debian package. Without them, or
# without root, the test is skipped, never faked.
. "$ROOT/tests/e2e/lib/dns_lib.sh"
command -v postconf >/dev/null 2>&1 || skip "Postfix (Debian package postfix) not installed"
[ "$(id -u)" -eq 0 ] || skip "starting Postfix needs root"
getent passwd postfix >/dev/null && getent group postdrop >/dev/null ||
	skip "the postfix user or postdrop group is missing (install the Debian package)"
command -v openssl >/dev/null || skip "openssl CLI missing"

# pf_free_port - an unused TCP port on 127.0.0.1 (the kernel picks it)
pf_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# pf_make_ca DIR - a test CA and a server certificate for 127.0.0.1/localhost
pf_make_ca() {
	d=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.pem" -days 2 -subj "/CN=aliasaudit postfix test CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		2>/dev/null || fail "openssl: CA"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/srv.key" \
		-out "$d/srv.csr" -subj "/CN=localhost" 2>/dev/null || fail "openssl: csr"
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/srv.ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/srv.pem" -days 2 -extfile "$d/srv.ext" 2>/dev/null || fail "openssl: sign"
}

# pf_setup - the instance's directories, main.cf and master.cf (not started)
pf_setup() {
	PF="$T/pf"
	PF_CONF="$PF/etc" PF_MAIL="$PF/mail" PF_LOG="$PF/maillog"
	mkdir -p "$PF_CONF" "$PF/queue" "$PF/data" "$PF_MAIL" "$PF/tls"
	chmod 755 "$T" "$PF"
	chown postfix "$PF/data"
	chown nobody:nogroup "$PF_MAIL"
	pf_make_ca "$PF/tls"
	chmod 644 "$PF/tls/srv.key"
	PF_CA="$PF/tls/ca.pem"
	PF_PORT=$(pf_free_port)
	# master.cf: Debian's, with smtpd moved to the loopback port and no chroot
	# (the chroot would need copies of /etc files under the queue directory)
	sed -e 's/^smtp\( *\)inet\(.*\)$/127.0.0.1:'"$PF_PORT"' inet\2/' \
	    -e '/^[a-z]/s/^\([^ ]* *[^ ]* *[^ ]* *[^ ]* *\)y /\1n /' \
		/etc/postfix/master.cf >"$PF_CONF/master.cf"
	cat >"$PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $PF
maillog_file = $PF_LOG
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.test
mydomain = example.test
myorigin = example.test
mynetworks = 127.0.0.0/8
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
relayhost =
smtputf8_enable = no
biff = no
smtpd_tls_cert_file = $PF/tls/srv.pem
smtpd_tls_key_file = $PF/tls/srv.key
smtpd_tls_security_level = may
virtual_mailbox_base = $PF_MAIL
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
# no mail leaves the test instance: what would go out is kept in the queue
default_transport = retry:test instance, nothing leaves loopback
delay_warning_time = 0
bounce_queue_lifetime = 0
EOF
}

# pf_conf "NAME = VALUE"... - set main.cf parameters (postconf -e edits in place)
pf_conf() { postconf -c "$PF_CONF" -e "$@" || fail "postconf -e $*"; }

# pf_postmap TYPE FILE - build an indexed map (hash, lmdb, cdb) from FILE
pf_postmap() { postmap -c "$PF_CONF" "$1:$2" || fail "postmap $1:$2"; }

# pf_start - check and start the instance; wait until smtpd answers
pf_start() {
	postfix -c "$PF_CONF" check >"$PF/check.log" 2>&1 || { cat "$PF/check.log"; fail "postfix check"; }
	postfix -c "$PF_CONF" start >"$PF/start.log" 2>&1 || { cat "$PF/start.log" "$PF_LOG" 2>/dev/null; fail "postfix start"; }
	add_cleanup pf_stop
	PF_MASTER_PID=$(head -n 1 "$PF/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	i=0
	while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $PF_PORT), 1).close()" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$PF_LOG"; fail "Postfix did not listen on $PF_PORT"; }
		sleep 0.1
	done
}

# pf_stop - stop the instance (registered by pf_start)
pf_stop() {
	postfix -c "$PF_CONF" stop >/dev/null 2>&1
	pid=$(head -n 1 "$PF/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	[ -n "$pid" ] || pid=${PF_MASTER_PID:-}
	# the master postfix stop did not reach (its directory is gone): SIGTERM
	# ends it and its children (master(8))
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
	i=0
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	return 0
}

# pf_flush_wait - wait until the queue is empty of active mail (deliveries and bounces done)
pf_flush_wait() {
	i=0
	while [ $i -lt 100 ]; do
		n=$(find "$PF/queue/incoming" "$PF/queue/active" "$PF/queue/maildrop" -type f 2>/dev/null | wc -l)
		[ "$n" -eq 0 ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	cat "$PF_LOG"; fail "Postfix queue did not drain"
}

# pf_planted - the configuration with planted problems that the Postfix tests
# audit and then check against the running server (docs/postfix.md):
#   - catch-all collision: "@shadow.test" in the first virtual_alias_maps
#     table takes the mailbox ann@shadow.test (virtual_mailbox_maps);
#   - an "@alias.test" catch-all that explicit aliases still win over;
#   - a ghost: sales@ -> nobody@ (no mailbox);
#   - a chain: contact@ -> info@ -> bob@;
#   - a loop: loopa@ <-> loopb@;
#   - self-reference: keep@ -> keep@, carol@ (delivery plus a copy);
#   - plus addressing off: recipient_delimiter is empty;
#   - a local domain (local.test): info: ghostuser (no such user), and the
#     passwd users of this host as local recipients.
# Writes $PF_INI (provider = postfix) for aliasaudit.
pf_planted() {
	cat >"$PF_CONF/vmailbox" <<E
bob@example.test      example.test/bob/
carol@example.test    example.test/carol/
keep@example.test     example.test/keep/
postmaster@example.test example.test/postmaster/
ann@shadow.test       shadow.test/ann/
E
	cat >"$PF_CONF/catchall" <<E
@shadow.test   carol@example.test
@alias.test    carol@example.test
E
	cat >"$PF_CONF/virtual" <<E
billing@alias.test   bob@example.test
sales@example.test   nobody@example.test
contact@example.test info@example.test
info@example.test    bob@example.test
loopa@example.test   loopb@example.test
loopb@example.test   loopa@example.test
keep@example.test    keep@example.test, carol@example.test
E
	# a local domain: aliases(5), the passwd users (local_recipient_maps' default)
	printf 'info: ghostuser\nadmin: root\n' >"$PF_CONF/aliases"
	postalias -c "$PF_CONF" "hash:$PF_CONF/aliases" || fail "postalias"
	pf_postmap hash "$PF_CONF/vmailbox"
	pf_postmap hash "$PF_CONF/catchall"
	pf_postmap lmdb "$PF_CONF/virtual"
	pf_conf "virtual_mailbox_domains = example.test shadow.test" \
		"virtual_mailbox_maps = hash:$PF_CONF/vmailbox" \
		"virtual_alias_domains = alias.test" \
		"virtual_alias_maps = hash:$PF_CONF/catchall, lmdb:$PF_CONF/virtual" \
		"recipient_delimiter =" \
		"mydestination = local.test" "alias_maps = hash:$PF_CONF/aliases" \
		"alias_database = hash:$PF_CONF/aliases" \
		"local_recipient_maps = proxy:unix:passwd.byname \$alias_maps"
	PF_INI="$T/postfix.ini"
	# live audits run the dns.* checks: the loopback DNS server answers for
	# example.test, shadow.test and alias.test (tests/dns/zones: MX mx.example.test)
	dns_start
	printf '[defaults]\nresolver = %s\n\n[tenant mx]\nprovider = postfix\nconfig_directory = %s\nmx_hosts = mx.example.test\n' \
		"$RESOLVER" "$PF_CONF" >"$PF_INI"
}

# pf_try TO MARKER - send one message from postmaster@example.test; the
# server's answer ("rcpt|data|accepted CODE TEXT") is in $PF_REPLY
pf_try() {
	PF_REPLY=$(python3 "$ROOT/tests/tools/smtp_try.py" 127.0.0.1 "$PF_PORT" \
		postmaster@example.test "$1" "$2") || fail "smtp_try $1"
}

# pf_delivered MAILBOX MARKER - true when MAILBOX (example.test/bob) holds the message
pf_delivered() {
	grep -rqs "^Subject: $2\$" "$PF_MAIL/$1/new" 2>/dev/null
}

# pf_dsn_status MARKER - the Status: of the DSN that bounced MARKER to postmaster@
pf_dsn_status() {
	f=$(grep -rls "$1" "$PF_MAIL/example.test/postmaster/new" 2>/dev/null | xargs -r grep -l '^Status: ' | head -n 1)
	[ -n "$f" ] && sed -n 's/^Status: *\([0-9.]*\).*/\1/p' "$f" | head -n 1
}
