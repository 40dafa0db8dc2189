/*
 * mail.h - send a report by e-mail (audit --mail-to) over SMTP with libcurl.
 *
 * TLS is mandatory: smtp:// URLs must upgrade with STARTTLS (the send fails
 * if the server does not offer it), smtps:// is TLS from the start. The
 * server certificate is always verified (CA bundle from ca_file, else
 * CURL_CA_BUNDLE, else the system's). Credentials come only from the
 * environment (ALIASAUDIT_SMTP_USER, ALIASAUDIT_SMTP_PASSWORD), never from
 * the URL or the command line, and never appear in messages.
 */
#ifndef ALIASAUDIT_MAIL_H
#define ALIASAUDIT_MAIL_H

/* the largest report we mail (bytes) */
#define MAIL_MAX_BODY ((size_t)25 << 20)

/* mail_send_report - send body (of MIME type content_type, e.g.
 * "text/html; charset=utf-8") from `from` to `to` (one address, or several
 * separated by commas) with subject. A text/plain body is the message
 * itself; any other type is attached (aliasaudit-report.<ext>) below a
 * short text part. ca_file may be NULL. Returns 0, or -1 with a one-line *err. */
int mail_send_report(const char *smtp_url, const char *to, const char *from,
		     const char *subject, const char *body, const char *content_type,
		     const char *ca_file, char **err);

#endif
