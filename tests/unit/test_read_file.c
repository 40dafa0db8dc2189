/*
 * test_read_file.c - read_file (base/util.c), the one way files are read:
 * regular files up to the limit, refusal by size before reading, refusal of
 * what is not a regular file, and standard input capped while it is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

static char *tmpfile_with(const char *text)
{
	char *path = xstrdup("/tmp/aa-read-file.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_regular(void **state)
{
	(void)state;
	char *path = tmpfile_with("{\"a\":1}"), *buf = NULL, *err = NULL;
	size_t len = 0;
	assert_int_equal(read_file(path, 7, &buf, &len, &err), 0);
	assert_int_equal(len, 7);
	assert_string_equal(buf, "{\"a\":1}");
	free(buf);
	/* one byte over: refused by size, before reading */
	assert_int_equal(read_file(path, 6, &buf, &len, &err), -1);
	assert_non_null(strstr(err, "larger than the limit of 6 bytes"));
	assert_null(buf);
	free(err);
	unlink(path);
	free(path);
}

static void test_not_regular(void **state)
{
	(void)state;
	char *buf = NULL, *err = NULL;
	assert_int_equal(read_file("/dev/zero", 100, &buf, NULL, &err), -1);
	assert_string_equal(err, "/dev/zero: not a regular file");
	free(err);
	assert_int_equal(read_file("/tmp", 100, &buf, NULL, &err), -1);
	assert_string_equal(err, "/tmp: not a regular file");
	free(err);
	assert_int_equal(read_file("/nonexistent/x", 100, &buf, NULL, &err), -1);
	assert_string_equal(err, "/nonexistent/x: No such file or directory");
	free(err);
}

/* stdin_from - make fd 0 a pipe holding n bytes of text */
static void stdin_from(size_t n)
{
	int p[2];
	char chunk[64];
	memset(chunk, ' ', sizeof(chunk));
	assert_int_equal(pipe(p), 0);
	for (size_t done = 0; done < n; done += sizeof(chunk))
		assert_true(write(p[1], chunk, n - done < sizeof(chunk) ? n - done : sizeof(chunk)) > 0);
	close(p[1]);
	assert_int_equal(dup2(p[0], 0), 0);
	close(p[0]);
}

static void test_stdin_capped(void **state)
{
	(void)state;
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	stdin_from(1000);
	assert_int_equal(read_file("-", 999, &buf, &len, &err), -1);
	assert_string_equal(err, "-: larger than the limit of 999 bytes");
	free(err);
	stdin_from(1000);
	assert_int_equal(read_file("-", 1000, &buf, &len, &err), 0);
	assert_int_equal(len, 1000);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_stdin_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
