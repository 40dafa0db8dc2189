/*
 * test_mail.c - mail_send_report's argument checks (no network): only
 * smtp:// and smtps://, no credentials in the URL, no header injection,
 * plain addresses, both or neither credential variable. With
 * "--send URL TO FROM SUBJECT FILE CONTENT_TYPE [CA_FILE]" it sends FILE for
 * tests/e2e/mail_smtp.sh (a loopback STARTTLS+AUTH server) and prints the
 * error line, if any, on stderr.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/mail.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bad_case {
	const char *url, *to, *from, *subject, *want;
};

static void test_rejects(void **state)
{
	static const struct bad_case cases[] = {
		{ "http://127.0.0.1:1", "a@b.example", "c@d.example", "s", "smtp://" },
		{ "127.0.0.1:25", "a@b.example", "c@d.example", "s", "smtp://" },
		{ "smtp://user:secret@127.0.0.1:1", "a@b.example", "c@d.example", "s", "credentials" },
		{ "smtp://127.0.0.1:1", "a@b.example", "c@d.example", "hi\r\nBcc: x@evil.example", "subject" },
		{ "smtp://127.0.0.1:1", "a@b.example\r\nBcc: x@evil.example", "c@d.example", "s", "not a plain" },
		{ "smtp://127.0.0.1:1", "Name <a@b.example>", "c@d.example", "s", "not a plain" },
		{ "smtp://127.0.0.1:1", "a@b.example", "c@d.example>\r\nX: y", "s", "sender" },
		{ "smtp://127.0.0.1:1", "", "c@d.example", "s", "no recipient" },
	};
	unsetenv("ALIASAUDIT_SMTP_USER");
	unsetenv("ALIASAUDIT_SMTP_PASSWORD");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *err = NULL;
		int r = mail_send_report(cases[i].url, cases[i].to, cases[i].from, cases[i].subject,
					 "body", "text/plain", NULL, &err);
		if (r != -1 || !err || !strstr(err, cases[i].want))
			fail_msg("case %zu: got %d '%s', want -1 with '%s'", i, r, err ? err : "", cases[i].want);
		assert_null(strchr(err, '\n'));
		assert_null(strstr(err, "secret"));
		free(err);
	}
}

static void test_half_credentials(void **state)
{
	char *err = NULL;
	setenv("ALIASAUDIT_SMTP_USER", "reports", 1);
	unsetenv("ALIASAUDIT_SMTP_PASSWORD");
	assert_int_equal(mail_send_report("smtp://127.0.0.1:1", "a@b.example", "c@d.example", "s", "b",
					  "text/plain", NULL, &err), -1);
	assert_non_null(strstr(err, "both"));
	free(err);
	unsetenv("ALIASAUDIT_SMTP_USER");
}

static void test_refused(void **state)
{
	char *err = NULL;
	/* nothing listens on port 1: a clean one-line failure naming the server */
	assert_int_equal(mail_send_report("smtp://127.0.0.1:1", "a@b.example", "c@d.example", "s", "b",
					  "text/plain", NULL, &err), -1);
	assert_non_null(strstr(err, "smtp://127.0.0.1:1"));
	assert_null(strchr(err, '\n'));
	free(err);
}

/* send_file - the driver mode */
static int send_file(char **argv, int argc)
{
	char *body = NULL, *err = NULL;
	if (read_file(argv[6], MAIL_MAX_BODY, &body, NULL, &err))
		return error("%s", err);
	if (mail_send_report(argv[2], argv[3], argv[4], argv[5], body, argv[7], argc > 8 ? argv[8] : NULL, &err)) {
		error("%s", err);
		free(err);
		free(body);
		return 1;
	}
	free(body);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_half_credentials),
		cmocka_unit_test(test_refused),
	};
	if (argc >= 8 && !strcmp(argv[1], "--send"))
		return send_file(argv, argc) ? 1 : 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
