#!/usr/bin/python3
"""smtp_try.py - send one test message and say what the server answered.

usage: smtp_try.py HOST PORT FROM TO MARKER

Speaks SMTP with Python's smtplib (EHLO, MAIL FROM, RCPT TO, DATA) and prints
one line: "rcpt CODE ENHANCED TEXT" when the server refused the recipient,
"data CODE ENHANCED TEXT" when it refused the message at the end of DATA,
else "accepted 250 ...". The message's Subject carries MARKER so the test
can find the delivered copy (or the DSN that quotes it).
Used only by the tests (tests/e2e/postfix_*.sh), never by aliasaudit.
"""
import smtplib
import sys


def line(stage, code, text):
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    text = " ".join(text.split())
    print(f"{stage} {code} {text}")


def main():
    host, port, sender, rcpt, marker = sys.argv[1:6]
    msg = (f"From: <{sender}>\r\nTo: <{rcpt}>\r\nSubject: {marker}\r\n"
           f"Message-ID: <{marker}@aliasaudit.test>\r\n\r\naliasaudit test message {marker}\r\n")
    s = smtplib.SMTP(host, int(port), timeout=30)
    try:
        s.ehlo("client.test")
        code, text = s.mail(sender)
        if code != 250:
            line("mail", code, text)
            return
        code, text = s.rcpt(rcpt)
        if code not in (250, 251):
            line("rcpt", code, text)
            return
        code, text = s.data(msg.encode())
        line("data" if code != 250 else "accepted", code, text)
    except smtplib.SMTPDataError as e:
        line("data", e.smtp_code, e.smtp_error)
    finally:
        try:
            s.quit()
        except smtplib.SMTPException:
            pass


if __name__ == "__main__":
    main()
