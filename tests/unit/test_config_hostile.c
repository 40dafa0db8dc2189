/*
 * test_config_hostile.c - the config reader against hostile and broken
 * files (issue 15, defects 4, 5, 6, 9): the first error is reported, not
 * the last; nothing leaks (run under ASan/LSan by make SAN=1 test); lines of
 * any sane length work and a long comment never turns into a live section;
 * tenant names cannot climb out of a directory; URLs are checked by
 * libcurl's parser and never carry credentials.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "base/util.h"

/* load - write text (len bytes) to a file and config_load it; 0 or -1, *err set */
static int load(const char *text, size_t len, struct config *cfg, char **err)
{
	char path[] = "/tmp/aa-cfg.XXXXXX";
	int fd = mkstemp(path), rc;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	*err = NULL;
	rc = config_load(path, cfg, err);
	unlink(path);
	if (*err) { /* messages name the file: drop it so tables can compare */
		char *colon = strchr(*err, ':');
		char *rest = xstrdup(colon ? colon + 1 : *err);
		free(*err);
		*err = rest;
	}
	return rc;
}

static const struct {
	const char *name, *text, *want; /* want: error text after "FILE:", NULL = loads */
} cases[] = {
	{ "first of two errors", "[defaults]\nconcurrency = 0\nnot a key value line\n",
	  "2: concurrency: '0' is not a number from 1 to 256" },
	{ "syntax error before a value error", "what is this\n[defaults]\nconcurrency = 0\n",
	  "1: syntax error (want key = value or [section])" },
	{ "duplicate tenant", "[tenant a]\nprovider = m365\n[tenant a]\nprovider = m365\n",
	  "3: tenant 'a' is already defined at line 1" },
	{ "duplicate tenant then junk", "[tenant a]\nprovider = m365\n[tenant a]\nprovider = m365\n[x\n",
	  "3: tenant 'a' is already defined at line 1" },
	{ "unterminated section", "[tenant a\nprovider = m365\n", "1: syntax error (want key = value or [section])" },
	{ "path climbs out", "[tenant ../../pwned]\nprovider = m365\n",
	  "1: [tenant ../../pwned]: a tenant name may hold only letters, digits, '.', '_' and '-', and not start with '.' (it names files)" },
	{ "hidden name", "[tenant .x]\nprovider = m365\n",
	  "1: [tenant .x]: a tenant name may hold only letters, digits, '.', '_' and '-', and not start with '.' (it names files)" },
	{ "slash in name", "[tenant a/b]\nprovider = m365\n",
	  "1: [tenant a/b]: a tenant name may hold only letters, digits, '.', '_' and '-', and not start with '.' (it names files)" },
	{ "good name", "[tenant Contoso-EU_1.prod]\nprovider = m365\n", NULL },
	{ "scheme only", "[tenant a]\nprovider = m365\ngraph_url = https://\n", "3: graph_url: 'https://' is not a URL" },
	{ "not https", "[tenant a]\nprovider = m365\ngraph_url = http://graph.example\n",
	  "3: graph_url: 'http://graph.example' is not an https:// URL" },
	{ "credentials in URL", "[tenant a]\nprovider = m365\ngraph_url = https://user:s3cret@graph.example\n",
	  "3: graph_url: credentials never sit in a URL: remove the user name and password" },
	{ "user only in URL", "[tenant a]\nprovider = m365\nexchange_url = https://user@outlook.example\n",
	  "3: exchange_url: credentials never sit in a URL: remove the user name and password" },
	{ "good URL", "[tenant a]\nprovider = m365\ngraph_url = https://graph.microsoft.us\n", NULL },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config cfg;
		char *err;
		int rc = load(cases[i].text, strlen(cases[i].text), &cfg, &err);
		bool ok = cases[i].want ? rc == -1 && err && !strcmp(err, cases[i].want) : rc == 0 && !err;
		if (!ok)
			fail_msg("%s: got rc %d '%s', want '%s'", cases[i].name, rc, err ? err : "(none)",
				 cases[i].want ? cases[i].want : "(loads)");
		if (!rc)
			config_release(&cfg);
		free(err);
	}
}

/* a 300-byte comment whose tail looks like a section stays a comment */
static void test_long_comment(void **state)
{
	(void)state;
	struct config cfg;
	char *err, text[1024];
	snprintf(text, sizeof(text), "; %0250d[tenant evil]\n[tenant ok]\nprovider = m365\n", 0);
	assert_int_equal(load(text, strlen(text), &cfg, &err), 0);
	assert_int_equal(cfg.nr_tenants, 1);
	assert_string_equal(cfg.tenants[0].name, "ok");
	assert_null(config_tenant(&cfg, "evil"));
	config_release(&cfg);
}

/* a 1,000-byte value reads whole, with inih's inline-comment rule */
static void test_long_value(void **state)
{
	(void)state;
	struct config cfg;
	char *err, path[1100], text[1300];
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[1000] = '\0';
	snprintf(text, sizeof(text), "[tenant t]\nprovider = m365\ncertificate =  %s  ; the key\nclient_id = c\n",
		 path);
	assert_int_equal(load(text, strlen(text), &cfg, &err), 0);
	assert_string_equal(tenant_get(&cfg, &cfg.tenants[0], "certificate"), path);
	assert_string_equal(tenant_get(&cfg, &cfg.tenants[0], "client_id"), "c");
	config_release(&cfg);
}

static void test_too_long_and_binary(void **state)
{
	(void)state;
	struct config cfg;
	char *err, *text = xmalloc(5000);
	memset(text, 'x', 5000);
	memcpy(text, "[defaults]\nhistory = ", 21);
	text[4999] = '\n';
	assert_int_equal(load(text, 5000, &cfg, &err), -1);
	assert_string_equal(err, "2: line longer than 4096 bytes");
	free(err);
	free(text);
	/* a long line that is no key/value (a section header) is one clear error */
	text = xmalloc(400);
	memset(text, 'x', 400);
	text[0] = '[';
	text[399] = '\n';
	assert_int_equal(load(text, 400, &cfg, &err), -1);
	assert_string_equal(err, "1: syntax error in a line of 400 bytes (want key = value)");
	free(err);
	free(text);
	assert_int_equal(load("[defaults]\nhis\0tory = x\n", 24, &cfg, &err), -1);
	assert_string_equal(err, "2: a NUL byte: this is not a text file");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_comment),
		cmocka_unit_test(test_long_value),
		cmocka_unit_test(test_too_long_and_binary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
