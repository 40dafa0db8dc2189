#!/usr/bin/python3
"""smtp_server.py - a loopback SMTP server for the mail tests (aiosmtpd).

usage: smtp_server.py CERT KEY SPOOL_DIR PORT_FILE USER PASSWORD

Listens on 127.0.0.1 (a free port, written to PORT_FILE once ready), offers
STARTTLS with CERT/KEY and requires it, requires AUTH (PLAIN/LOGIN, only
after STARTTLS) with USER/PASSWORD, and stores each message as
SPOOL_DIR/msg-N.eml plus SPOOL_DIR/msg-N.env (MAIL FROM and RCPT TO lines).
Failed logins are appended to SPOOL_DIR/auth-failures. Runs until killed.
"""
import os
import signal
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def main():
    cert, key, spool, port_file, user, password = sys.argv[1:7]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    count = [0]

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            count[0] += 1
            base = os.path.join(spool, "msg-%d" % count[0])
            with open(base + ".env", "w") as f:
                f.write("MAIL FROM %s\n" % envelope.mail_from)
                for r in envelope.rcpt_tos:
                    f.write("RCPT TO %s\n" % r)
                f.write("TLS %s\n" % ("yes" if session.ssl else "no"))
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            return "250 OK stored"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
        if not ok:
            with open(os.path.join(spool, "auth-failures"), "a") as f:
                f.write("%s\n" % mechanism)
        return AuthResult(success=ok, handled=False)

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx,
                     require_starttls=True, authenticator=authenticator,
                     auth_required=True, auth_require_tls=True)
    ctl.start()
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(port_file + ".tmp", port_file)
    signal.signal(signal.SIGTERM, lambda *a: (ctl.stop(), sys.exit(0)))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
