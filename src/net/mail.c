/*
 * mail.c - mail_send_report: a report as a MIME message over SMTP with
 * libcurl (curl_mime builds the multipart message and its base64 encoding;
 * libcurl speaks SMTP, STARTTLS and AUTH). Header values are checked for
 * CR/LF (header injection) and addresses for a plain local@domain form.
 */
#include "net/mail.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "net/tls_ca.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* one_line - replace control characters in a message by '?' (one line, inert) */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

/* valid_address - a bare addr-spec: no spaces, brackets, quotes or controls, one @ */
static bool valid_address(const char *a, size_t len)
{
	const char *at = memchr(a, '@', len);
	if (!len || len > 254 || !at || at == a || at == a + len - 1 || memchr(at + 1, '@', len - (size_t)(at - a) - 1))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)a[i] <= ' ' || (unsigned char)a[i] >= 0x7f || strchr("<>()[]\\,;:\"", a[i]))
			return false;
	return true;
}

/* safe_header - no CR, LF or other control characters (header injection) */
static bool safe_header(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return false;
	return true;
}

/* url_host - "scheme://host[:port]" of url for messages (no userinfo, path) */
static char *url_host(const char *url)
{
	const char *p = strstr(url, "://"), *end;
	if (!p)
		return xstrdup("the SMTP server");
	p += 3;
	end = p + strcspn(p, "/?#");
	return xstrndup(url, (size_t)(end - url));
}

/* check_url - smtp:// or smtps://, with no credentials in it */
static int check_url(const char *url, char **err)
{
	const char *p = strstr(url, "://"), *auth_end;
	if (!p || (!starts_with(url, "smtp://") && !starts_with(url, "smtps://"))) {
		*err = xstrdup("mail: the SMTP URL must start with smtp:// (STARTTLS) or smtps://");
		return -1;
	}
	p += 3;
	auth_end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(auth_end - p))) {
		*err = xstrdup("mail: the SMTP URL must not hold credentials; set ALIASAUDIT_SMTP_USER "
			       "and ALIASAUDIT_SMTP_PASSWORD instead");
		return -1;
	}
	return 0;
}

/* add_recipients - split to at commas into a curl_slist; -1 on a bad address */
static int add_recipients(const char *to, struct curl_slist **rcpt, struct strbuf *hdr, char **err)
{
	const char *p = to;
	while (*p) {
		size_t len;
		char *addr;
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		len = strcspn(p, ", ");
		if (!valid_address(p, len)) {
			*err = xstrfmt("mail: recipient '%.*s' is not a plain e-mail address", (int)(len > 80 ? 80 : len), p);
			one_line(*err);
			return -1;
		}
		addr = xstrfmt("<%.*s>", (int)len, p);
		*rcpt = curl_slist_append(*rcpt, addr);
		free(addr);
		strbuf_putf(hdr, "%s%.*s", hdr->len ? ", " : "", (int)len, p);
		p += len;
	}
	if (!*rcpt) {
		*err = xstrdup("mail: no recipient");
		return -1;
	}
	return 0;
}

/* attachment_name - a file name for the report by its content type */
static const char *attachment_name(const char *content_type)
{
	static const struct { const char *type, *name; } names[] = {
		{ "text/html", "aliasaudit-report.html" }, { "text/csv", "aliasaudit-report.csv" },
		{ "application/json", "aliasaudit-report.json" }, { "text/markdown", "aliasaudit-report.md" },
		{ "application/sarif+json", "aliasaudit-report.sarif" }, { "application/xml", "aliasaudit-report.xml" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (starts_with(content_type, names[i].type))
			return names[i].name;
	return "aliasaudit-report.txt";
}

/* check_message - the sender, subject, content type, size and SMTP credentials
 * are usable; 0 or -1 with *err */
static int check_message(const char *from, const char *subject, const char *body,
			 const char *content_type, const char *user, const char *pass, char **err)
{
	if (!from || !valid_address(from, strlen(from))) {
		*err = xstrfmt("mail: sender '%s' is not a plain e-mail address", from ? from : "");
		one_line(*err);
		return -1;
	}
	if (!subject || !safe_header(subject) || !safe_header(content_type)) {
		*err = xstrdup("mail: the subject and content type must be one line without control characters");
		return -1;
	}
	if (strlen(body) > MAIL_MAX_BODY) {
		*err = xstrfmt("mail: the report is larger than the limit of %zu bytes", MAIL_MAX_BODY);
		return -1;
	}
	if ((user && *user) != (pass && *pass)) {
		*err = xstrdup("mail: set both ALIASAUDIT_SMTP_USER and ALIASAUDIT_SMTP_PASSWORD, or neither");
		return -1;
	}
	return 0;
}

/* message_headers - the message's own header fields (curl adds MIME-Version
 * and Content-Type): Date, From, To, an ASCII Subject, a random Message-ID,
 * Auto-Submitted (caller frees the list) */
static struct curl_slist *message_headers(const char *from, const char *to_hdr, const char *subject)
{
	struct curl_slist *headers = NULL;
	struct strbuf line = STRBUF_INIT;
	unsigned char rnd[12];
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		BUG("RAND_bytes failed");
	strbuf_putf(&line, "Date: %s", date);
	headers = curl_slist_append(headers, line.buf);
	strbuf_reset(&line);
	strbuf_putf(&line, "From: %s", from);
	headers = curl_slist_append(headers, line.buf);
	strbuf_reset(&line);
	strbuf_putf(&line, "To: %s", to_hdr);
	headers = curl_slist_append(headers, line.buf);
	strbuf_reset(&line);
	/* a UTF-8 subject would need RFC 2047 encoding: keep it ASCII */
	strbuf_puts(&line, "Subject: ");
	for (const char *p = subject; *p; p++)
		strbuf_putf(&line, "%c", (unsigned char)*p < 0x80 ? *p : '?');
	headers = curl_slist_append(headers, line.buf);
	strbuf_reset(&line);
	strbuf_puts(&line, "Message-ID: <aliasaudit.");
	for (size_t i = 0; i < sizeof(rnd); i++)
		strbuf_putf(&line, "%02x", rnd[i]);
	strbuf_putf(&line, "@%s>", strchr(from, '@') + 1);
	headers = curl_slist_append(headers, line.buf);
	headers = curl_slist_append(headers, "Auto-Submitted: auto-generated");
	strbuf_release(&line);
	return headers;
}

/* report_mime - the body: the report inline when it is plain text, else a
 * short note and the report attached under attachment_name (caller frees) */
static curl_mime *report_mime(CURL *c, const char *body, const char *content_type)
{
	bool plain = starts_with(content_type, "text/plain");
	curl_mime *mime = curl_mime_init(c);
	curl_mimepart *part;

	if (!plain) {
		part = curl_mime_addpart(mime);
		curl_mime_data(part, "The aliasaudit report is attached.\r\n", CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/plain; charset=utf-8");
		curl_mime_encoder(part, "quoted-printable");
	}
	part = curl_mime_addpart(mime);
	curl_mime_data(part, body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, content_type);
	curl_mime_encoder(part, "base64");
	if (!plain)
		curl_mime_filename(part, attachment_name(content_type));
	return mime;
}

/* set_transfer - the SMTP transfer: TLS required and verified (ca may be
 * NULL: the system bundle), optional login, envelope, headers, body, limits */
static void set_transfer(CURL *c, const char *smtp_url, const char *ca, const char *user,
			 const char *pass)
{
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca && *ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (user && *user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pass);
	}
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
}

int mail_send_report(const char *smtp_url, const char *to, const char *from,
		     const char *subject, const char *body, const char *content_type,
		     const char *ca_file, char **err)
{
	CURL *c = NULL;
	curl_mime *mime = NULL;
	struct curl_slist *rcpt = NULL, *headers = NULL;
	struct strbuf to_hdr = STRBUF_INIT;
	const char *user = getenv("ALIASAUDIT_SMTP_USER"), *pass = getenv("ALIASAUDIT_SMTP_PASSWORD");
	char errbuf[CURL_ERROR_SIZE] = "", *mail_from = NULL, *where = NULL;
	CURLcode cc;
	int ret = -1;

	*err = NULL;
	if (!content_type || !*content_type)
		content_type = "text/plain; charset=utf-8";
	if (check_url(smtp_url, err) ||
	    check_message(from, subject, body, content_type, user, pass, err))
		return -1;
	if (add_recipients(to ? to : "", &rcpt, &to_hdr, err))
		goto out;

	where = url_host(smtp_url);
	if (!(c = curl_easy_init()))
		BUG("curl_easy_init failed");
	mail_from = xstrfmt("<%s>", from);
	headers = message_headers(from, to_hdr.buf, subject);
	mime = report_mime(c, body, content_type);
	set_transfer(c, smtp_url, tls_ca_bundle(ca_file), user, pass);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		/* errbuf is curl's own text: it never holds the password */
		*err = xstrfmt("mail: %s: %s%s", where, *errbuf ? errbuf : curl_easy_strerror(cc),
			       cc == CURLE_LOGIN_DENIED ? " (check ALIASAUDIT_SMTP_USER/ALIASAUDIT_SMTP_PASSWORD)" : "");
		one_line(*err);
		goto out;
	}
	ret = 0;
out:
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(headers);
	if (c)
		curl_easy_cleanup(c);
	strbuf_release(&to_hdr);
	free(mail_from);
	free(where);
	return ret;
}
