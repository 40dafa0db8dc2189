/*
 * smtp_probe.h - ask an SMTP server whether it accepts recipients, without
 * ever sending a message (aliasaudit probe; the article's swaks proof step).
 *
 * One connection per call: greeting, EHLO, STARTTLS when the server offers
 * it (the certificate is verified with OpenSSL like every TLS connection of
 * the tool: CA bundle from ca_file, else CURL_CA_BUNDLE, else SSL_CERT_FILE,
 * else the system's; a failed STARTTLS ends the probe, it never goes on in
 * clear), EHLO again, MAIL FROM, one RCPT TO per address, QUIT. Never DATA.
 * Every read and write has a timeout; replies are bounded in size.
 */
#ifndef ALIASAUDIT_SMTP_PROBE_H
#define ALIASAUDIT_SMTP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_PROBE_MAX_REPLY 4096        /* bytes of one (multi-line) reply kept */
#define SMTP_PROBE_MAX_LINES 64          /* lines of one reply */

struct smtp_probe_opts {
	const char *host;      /* name or address */
	const char *port;      /* "25" when NULL */
	const char *from;      /* MAIL FROM address; NULL or "": the null sender <> */
	const char *helo;      /* EHLO name; NULL: "aliasaudit.invalid" */
	const char *ca_file;   /* NULL: CURL_CA_BUNDLE, SSL_CERT_FILE, system */
	long timeout_ms;       /* per read/write/connect; 0: 30 s */
	bool require_tls;      /* refuse when the server offers no STARTTLS */
};

/* smtp_reply - one server reply */
struct smtp_reply {
	int code;              /* 250, 550, ...; 0 when none came */
	char *enhanced;        /* "5.1.1" (RFC 3463) or NULL */
	char *text;            /* the text, lines joined by spaces, controls neutralised */
};

struct smtp_probe_session {
	bool tls;              /* STARTTLS succeeded */
	char *tls_version;     /* "TLSv1.3" */
	struct smtp_reply mail; /* the answer to MAIL FROM */
};

/* smtp_probe - RCPT TO each of addrs[0..n) in one session; out[i] gets the
 * answer (out has n elements; zeroed on entry). Returns the number of
 * addresses answered (n when all were), or -1 with a one-line *err when the
 * session failed before any RCPT (connect, greeting, EHLO, TLS, MAIL FROM).
 * A session that breaks after some RCPTs returns how many were answered and
 * sets *err. Release with smtp_reply_release / smtp_probe_session_release. */
int smtp_probe(const struct smtp_probe_opts *o, const char *const *addrs, size_t n,
	       struct smtp_reply *out, struct smtp_probe_session *sess, char **err);
void smtp_reply_release(struct smtp_reply *r);
void smtp_probe_session_release(struct smtp_probe_session *s);

/* smtp_mx_lookup - the preferred mail exchanger of domain (smtp_mx.c;
 * the domain itself when it has no MX), asking resolver ("HOST[:PORT]";
 * NULL: resolv.conf); 0, or -1 with a one-line *err */
int smtp_mx_lookup(const char *domain, const char *resolver, char **host, char **err);

/* smtp_clean_text - copy of s with control characters as '?' (caller frees) */
char *smtp_clean_text(const char *s);

#endif
