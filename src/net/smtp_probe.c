/*
 * smtp_probe.c - the SMTP client of `aliasaudit probe` (smtp_probe.h):
 * RFC 5321 command/reply exchange over a TCP socket, upgraded with
 * STARTTLS (RFC 3207) through OpenSSL with certificate and host name
 * verification. It stops after RCPT TO: no DATA, no message.
 */
#include "net/smtp_probe.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "net/tls_ca.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <unistd.h>

struct conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	long timeout_ms;
	char buf[4096];
	size_t len;               /* bytes buffered in buf */
};

/* smtp_clean_text - see smtp_probe.h */
char *smtp_clean_text(const char *s)
{
	char *c = xstrdup(s ? s : "");
	for (char *p = c; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return c;
}

/* wait_fd - poll fd for events within the timeout; 0, or -1 on timeout/error */
static int wait_fd(int fd, short events, long timeout_ms)
{
	struct pollfd p = { fd, events, 0 };
	int rc;
	do
		rc = poll(&p, 1, (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

/* dial - a connected non-blocking TCP socket to host:port, or -1 with *err */
static int dial(const char *host, const char *port, long timeout_ms, char **err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int rc = getaddrinfo(host, port, &hints, &res), fd = -1, soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (rc) {
		*err = xstrfmt("%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen) ||
		    (errno == EINPROGRESS && !wait_fd(fd, POLLOUT, timeout_ms) &&
		     !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) && !soerr))
			break;
		if (!soerr)
			soerr = errno == EINPROGRESS ? ETIMEDOUT : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		*err = xstrfmt("cannot connect to %s port %s: %s", host, port,
			       strerror(soerr ? soerr : ECONNREFUSED));
	return fd;
}

/* conn_read - up to n bytes (TLS or clear) within the timeout; >0, 0 at EOF, -1 */
static ssize_t conn_read(struct conn *c, char *b, size_t n)
{
	for (;;) {
		if (c->ssl) {
			int r = SSL_read(c->ssl, b, (int)n);
			if (r > 0)
				return r;
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_ZERO_RETURN)
				return 0;
			if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
			    wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, c->timeout_ms))
				return -1;
		} else {
			ssize_t r = read(c->fd, b, n);
			if (r >= 0)
				return r;
			if ((errno != EAGAIN && errno != EINTR) || wait_fd(c->fd, POLLIN, c->timeout_ms))
				return -1;
		}
	}
}

/* conn_write - all of s; 0 or -1 */
static int conn_write(struct conn *c, const char *s)
{
	size_t off = 0, n = strlen(s);
	while (off < n) {
		if (c->ssl) {
			int r = SSL_write(c->ssl, s + off, (int)(n - off));
			if (r > 0) {
				off += (size_t)r;
				continue;
			}
			int e = SSL_get_error(c->ssl, r);
			if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
			    wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, c->timeout_ms))
				return -1;
		} else {
			ssize_t r = write(c->fd, s + off, n - off);
			if (r > 0) {
				off += (size_t)r;
				continue;
			}
			if ((r < 0 && errno != EAGAIN && errno != EINTR) || wait_fd(c->fd, POLLOUT, c->timeout_ms))
				return -1;
		}
	}
	return 0;
}

/* read_line - one CRLF-terminated line (without it) into line; 0 or -1 */
static int read_line(struct conn *c, struct strbuf *line)
{
	strbuf_reset(line);
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			size_t n = (size_t)(nl - c->buf) + 1, keep = n - 1;
			if (keep && c->buf[keep - 1] == '\r')
				keep--;
			if (line->len + keep < SMTP_PROBE_MAX_REPLY && strbuf_add(line, c->buf, keep))
				return -1;
			memmove(c->buf, c->buf + n, c->len - n);
			c->len -= n;
			return 0;
		}
		if (c->len == sizeof(c->buf)) { /* an overlong line: keep its start */
			if (line->len + c->len < SMTP_PROBE_MAX_REPLY && strbuf_add(line, c->buf, c->len))
				return -1;
			c->len = 0;
		}
		ssize_t r = conn_read(c, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r <= 0)
			return -1;
		c->len += (size_t)r;
	}
}

/* read_reply - one (multi-line) reply; 0, or -1 when the server went away
 * or did not answer in time */
static int read_reply(struct conn *c, struct smtp_reply *r)
{
	struct strbuf line = STRBUF_INIT, text = STRBUF_INIT;
	int rc = -1;
	memset(r, 0, sizeof(*r));
	for (int n = 0; n < SMTP_PROBE_MAX_LINES; n++) {
		if (read_line(c, &line) || line.len < 3 || !isdigit((unsigned char)line.buf[0]))
			break;
		r->code = atoi(line.buf) % 1000;
		const char *t = line.len > 4 ? line.buf + 4 : "";
		if (text.len < SMTP_PROBE_MAX_REPLY)
			strbuf_putf(&text, "%s%s", text.len ? " " : "", t);
		if (line.len == 3 || line.buf[3] == ' ') {
			rc = 0;
			break;
		}
	}
	/* RFC 3463 enhanced status at the start of the text: "5.1.1 ..." */
	char cls = text.buf[0];
	size_t elen = strspn(text.buf, "0123456789.");
	if (!rc && (cls == '2' || cls == '4' || cls == '5') && elen >= 5 && text.buf[1] == '.') {
		r->enhanced = xstrndup(text.buf, elen);
		r->text = smtp_clean_text(text.buf + elen + (text.buf[elen] == ' '));
	} else {
		r->text = smtp_clean_text(text.buf);
	}
	strbuf_release(&line);
	strbuf_release(&text);
	return rc;
}

/* command - send cmd (with CRLF) and read the reply into r; 0 or -1 */
static int command(struct conn *c, const char *cmd, struct smtp_reply *r)
{
	char *l = xstrfmt("%s\r\n", cmd);
	int rc = conn_write(c, l) || read_reply(c, r) ? -1 : 0;
	free(l);
	return rc;
}

/* tls_error - the first OpenSSL error (or the verification result) as text (caller frees) */
static char *tls_error(SSL *ssl)
{
	long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
	unsigned long e = ERR_get_error();
	char buf[256];
	if (v != X509_V_OK)
		return xstrfmt("certificate verification failed: %s", X509_verify_cert_error_string(v));
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return xstrdup(e ? buf : "handshake failed");
}

/* start_tls - STARTTLS has been accepted: TLS handshake with the server's
 * certificate verified for host; 0, or -1 with *err */
static int start_tls(struct conn *c, const char *host, const char *ca_file, char **err)
{
	const char *ca = tls_ca_bundle(ca_file);
	unsigned char ip[16];
	bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (ca ? SSL_CTX_load_verify_locations(c->ctx, ca, NULL) != 1
	       : SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
		*err = xstrfmt("STARTTLS: cannot load the CA bundle %s", ca ? ca : "(system)");
		return -1;
	}
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd))
		goto fail;
	if (is_ip) {
		if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host))
			goto fail;
	} else if (!SSL_set_tlsext_host_name(c->ssl, host) || !SSL_set1_host(c->ssl, host)) {
		goto fail;
	}
	for (;;) {
		int r = SSL_connect(c->ssl), e;
		if (r == 1)
			return 0;
		e = SSL_get_error(c->ssl, r);
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
		    wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, c->timeout_ms))
			break;
	}
fail:
	{
		char *why = tls_error(c->ssl);
		*err = xstrfmt("STARTTLS with %s failed (%s): not going on in clear", host, why);
		free(why);
	}
	return -1;
}

/* offers_starttls - the EHLO reply lists STARTTLS (its lines are joined by spaces) */
static bool offers_starttls(const struct smtp_reply *r)
{
	for (const char *p = r->text; (p = strcasestr(p, "STARTTLS")); p += 8)
		if ((p == r->text || p[-1] == ' ') && (!p[8] || p[8] == ' '))
			return true;
	return false;
}

/* reply_err - "WHAT: 554 5.7.1 text" as a one-line message */
static char *reply_err(const char *what, const struct smtp_reply *r)
{
	return r->code ? xstrfmt("%s: %d %s%s%s", what, r->code, r->enhanced ? r->enhanced : "",
				 r->enhanced ? " " : "", r->text ? r->text : "")
		       : xstrfmt("%s: the server closed the connection or did not answer in time", what);
}

/* hello - greeting, EHLO, STARTTLS (when offered), EHLO again; 0 or -1 with *err */
static int hello(struct conn *c, const struct smtp_probe_opts *o, struct smtp_probe_session *sess,
		 char **err)
{
	struct smtp_reply r = { 0 };
	char *ehlo = xstrfmt("EHLO %s", o->helo && *o->helo ? o->helo : "aliasaudit.invalid");
	int rc = -1;
	if (read_reply(c, &r) || r.code != 220) {
		*err = reply_err("greeting", &r);
		goto out;
	}
	smtp_reply_release(&r);
	if (command(c, ehlo, &r) || r.code != 250) {
		*err = reply_err("EHLO", &r);
		goto out;
	}
	if (!offers_starttls(&r)) {
		if (o->require_tls) {
			*err = xstrfmt("%s does not offer STARTTLS", o->host);
			goto out;
		}
		rc = 0;
		goto out;
	}
	smtp_reply_release(&r);
	if (command(c, "STARTTLS", &r) || r.code != 220) {
		*err = reply_err("STARTTLS (refusing to go on in clear)", &r);
		goto out;
	}
	if (start_tls(c, o->host, o->ca_file, err))
		goto out;
	sess->tls = true;
	sess->tls_version = xstrdup(SSL_get_version(c->ssl));
	c->len = 0; /* nothing read in clear survives the upgrade (RFC 3207 section 4.2) */
	smtp_reply_release(&r);
	if (command(c, ehlo, &r) || r.code != 250) {
		*err = reply_err("EHLO after STARTTLS", &r);
		goto out;
	}
	rc = 0;
out:
	smtp_reply_release(&r);
	free(ehlo);
	return rc;
}

/* safe_address - an address we can put in a command: no controls, spaces or brackets */
static bool safe_address(const char *a)
{
	if (strlen(a) > 320)
		return false;
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || *a == 0x7f || *a == '<' || *a == '>')
			return false;
	return true;
}

/* smtp_probe - see smtp_probe.h */
int smtp_probe(const struct smtp_probe_opts *o, const char *const *addrs, size_t n,
	       struct smtp_reply *out, struct smtp_probe_session *sess, char **err)
{
	struct conn c = { .fd = -1, .timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000 };
	const char *from = o->from ? o->from : "";
	struct smtp_reply r = { 0 };
	size_t done = 0;
	int rc = -1;
	char *cmd;

	memset(sess, 0, sizeof(*sess));
	memset(out, 0, n * sizeof(*out));
	if (!safe_address(from)) {
		*err = xstrdup("--from: not a plain address");
		return -1;
	}
	c.fd = dial(o->host, o->port ? o->port : "25", c.timeout_ms, err);
	if (c.fd < 0)
		return -1;
	if (hello(&c, o, sess, err))
		goto out;
	cmd = xstrfmt("MAIL FROM:<%s>", from);
	if (command(&c, cmd, &sess->mail) || sess->mail.code != 250) {
		free(cmd);
		*err = reply_err("MAIL FROM", &sess->mail);
		goto out;
	}
	free(cmd);
	for (; done < n; done++) {
		if (!safe_address(addrs[done])) {
			out[done].text = xstrdup("not sent: not a plain address");
			continue;
		}
		cmd = xstrfmt("RCPT TO:<%s>", addrs[done]);
		int crc = command(&c, cmd, &out[done]);
		free(cmd);
		if (crc) {
			*err = reply_err("RCPT TO", &out[done]);
			break;
		}
	}
	rc = (int)done;
	/* RFC 5321 4.1.1.10: QUIT ends the session; its reply does not matter */
	if (done == n)
		command(&c, "QUIT", &r);
out:
	smtp_reply_release(&r);
	if (c.ssl) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	SSL_CTX_free(c.ctx);
	close(c.fd);
	return rc;
}

/* smtp_reply_release - see smtp_probe.h */
void smtp_reply_release(struct smtp_reply *r)
{
	free(r->enhanced);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/* smtp_probe_session_release - see smtp_probe.h */
void smtp_probe_session_release(struct smtp_probe_session *s)
{
	free(s->tls_version);
	smtp_reply_release(&s->mail);
	memset(s, 0, sizeof(*s));
}
