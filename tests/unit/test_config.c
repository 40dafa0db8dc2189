/*
 * test_config.c - the INI configuration: a good file, and each error class
 * giving one line that names file:line and the key; the environment config.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/aa-config.XXXXXX";

/* load - write text to the temp file and load it; returns rc, *err set on failure */
static int load(const char *text, struct config *cfg, char **err)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	*err = NULL;
	return config_load(path, cfg, err);
}

/* setup - a temp file name */
static int setup(void **state)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* teardown - remove it */
static int teardown(void **state)
{
	unlink(path);
	return 0;
}

/* test_good - README "Configuration"'s example parses; lookups fall back to [defaults] */
static void test_good(void **state)
{
	struct config cfg;
	char *err;
	struct tenant_config *t;
	assert_int_equal(load("[defaults]\nhistory = /var/lib/aliasaudit/history.db\nconcurrency = 16\n\n"
			      "[tenant contoso]\nprovider = m365\ntenant_id = 72f988bf-86f1-41af-91ab-2d7cd011db47\n"
			      "client_id = 00000000-0000-0000-0000-000000000000\n"
			      "client_secret_env = CONTOSO_SECRET          ; the secret itself never sits in the file\n"
			      "; certificate = /etc/aliasaudit/contoso.pem\n\n"
			      "[tenant fabrikam]\nprovider = gworkspace\ncredentials = /etc/aliasaudit/fabrikam-sa.json\n"
			      "admin_subject = admin@fabrikam.com\ncustomer = my_customer\n", &cfg, &err), 0);
	assert_int_equal(cfg.nr_tenants, 2);
	t = config_tenant(&cfg, "contoso");
	assert_non_null(t);
	assert_string_equal(t->provider, "m365");
	assert_int_equal(t->line, 5);
	assert_string_equal(tenant_get(&cfg, t, "client_secret_env"), "CONTOSO_SECRET");
	assert_string_equal(tenant_get(&cfg, t, "concurrency"), "16");
	assert_null(tenant_get(&cfg, t, "certificate"));
	assert_string_equal(config_default(&cfg, "history"), "/var/lib/aliasaudit/history.db");
	assert_string_equal(config_tenant(&cfg, "fabrikam")->provider, "gworkspace");
	assert_null(config_tenant(&cfg, "nope"));
	config_release(&cfg);
}

struct bad_case {
	const char *text, *want;
};

/* test_errors - one-line messages with file:line and the key */
static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "[tenant a]\nprovider = m365\nconcurrency = lots\n", ":3: concurrency: 'lots' is not a number" },
		{ "[defaults]\nconcurrency = 0\n[tenant a]\nprovider = m365\n", ":2: concurrency:" },
		{ "[tenant a]\nprovider = m365\nclient_secret = hunter2\n", ":3: client_secret: secrets never sit in the file" },
		{ "[tenant a]\nprovider = m365\ngraph_url = http://graph.example\n", ":3: graph_url: 'http://graph.example' is not an https:// URL" },
		{ "[tenant a]\nprovider = m365\ncertificate_alg = ES256\n", ":3: certificate_alg:" },
		{ "[tenants a]\nprovider = m365\n", ":1: unknown section [tenants a]" },
		{ "[tenant a]\ntenant_id = x\n", ":1: tenant 'a': missing key 'provider'" },
		{ "[tenant a]\nprovider = m365\nprovider = m365\n", ":3: provider: duplicate key" },
		{ "[tenant a]\nprovider = m365\n[tenant a]\nprovider = m365\n", ":3: tenant 'a' is already defined at line 1" },
		{ "[tenant a]\nprovider = m365\nthis line has no equals sign\n", ":3: syntax error" },
		{ "[tenant ]\nprovider = m365\n", "[tenant] needs a name" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config cfg;
		char *err;
		if (load(cases[i].text, &cfg, &err) != -1)
			fail_msg("case %zu: loaded, want an error with '%s'", i, cases[i].want);
		if (!strstr(err, cases[i].want) || strncmp(err, path, strlen(path)) || strchr(err, '\n'))
			fail_msg("case %zu: got '%s', want '%s: ...%s...' on one line", i, err, path, cases[i].want);
		free(err);
		config_release(&cfg);
	}
}

/* test_missing_file - the file name and the reason */
static void test_missing_file(void **state)
{
	struct config cfg;
	char *err = NULL;
	assert_int_equal(config_load("/nonexistent/aliasaudit.ini", &cfg, &err), -1);
	assert_non_null(strstr(err, "/nonexistent/aliasaudit.ini: "));
	free(err);
	config_release(&cfg);
}

/* test_env - AZURE_* variables make one m365 tenant; the secret stays in the environment */
static void test_env(void **state)
{
	struct config cfg;
	char *err = NULL;
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_CLIENT_SECRET");
	unsetenv("AZURE_CLIENT_CERTIFICATE_PATH");
	unsetenv("AZURE_AUTHORITY_HOST");
	assert_int_equal(config_from_env(&cfg, &err), 1);
	config_release(&cfg);

	setenv("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47", 1);
	assert_int_equal(config_from_env(&cfg, &err), -1);
	assert_non_null(strstr(err, "AZURE_CLIENT_ID"));
	free(err);
	err = NULL;
	config_release(&cfg);

	setenv("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555", 1);
	setenv("AZURE_CLIENT_SECRET", "s3cret-value", 1);
	setenv("AZURE_AUTHORITY_HOST", "login.microsoftonline.us", 1);
	assert_int_equal(config_from_env(&cfg, &err), 0);
	assert_int_equal(cfg.nr_tenants, 1);
	assert_string_equal(cfg.tenants[0].provider, "m365");
	assert_string_equal(tenant_get(&cfg, &cfg.tenants[0], "client_secret_env"), "AZURE_CLIENT_SECRET");
	assert_string_equal(tenant_get(&cfg, &cfg.tenants[0], "login_url"), "https://login.microsoftonline.us");
	for (size_t i = 0; i < cfg.tenants[0].nr_kv; i++)
		assert_null(strstr(cfg.tenants[0].kv[i].value, "s3cret-value"));
	config_release(&cfg);

	unsetenv("AZURE_CLIENT_SECRET");
	setenv("AZURE_CLIENT_CERTIFICATE_PATH", "/etc/app.pem", 1);
	assert_int_equal(config_from_env(&cfg, &err), 0);
	assert_string_equal(tenant_get(&cfg, &cfg.tenants[0], "certificate"), "/etc/app.pem");
	config_release(&cfg);
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_CLIENT_CERTIFICATE_PATH");
	unsetenv("AZURE_AUTHORITY_HOST");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
