/*
 * test_display.c - the one rule for text unsafe to show (base/display.c):
 * terminal escapes, line-forging CR/LF, C1 controls and bidirectional
 * overrides come out as visible escapes; clean text passes unchanged; JSON
 * keeps its meaning with C1/bidi written as \u escapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/display.h"
#include "base/util.h"

static const struct {
	const char *in, *want;
	bool safe;
} cases[] = {
	{ "bob@contoso.com", "bob@contoso.com", true },
	{ "Zo\xc3\xab \xe2\x86\x92 \xe6\x97\xa5\xe6\x9c\xac", "Zo\xc3\xab \xe2\x86\x92 \xe6\x97\xa5\xe6\x9c\xac", true },
	{ "x\033[2Jy", "x\\x1b[2Jy", false },                      /* clear screen */
	{ "\033]0;pwned\007", "\\x1b]0;pwned\\x07", false },        /* OSC title + BEL */
	{ "a\r\nFAKE: 0 findings", "a\\r\\nFAKE: 0 findings", false }, /* forged line */
	{ "tab\there", "tab\\there", false },
	{ "del\x7f", "del\\x7f", false },
	{ "c1\xc2\x85next\xc2\x9b", "c1\\u0085next\\u009b", false }, /* NEL, CSI */
	{ "evil\xe2\x80\xaegpj.exe", "evil\\u202egpj.exe", false },  /* RLO */
	{ "\xe2\x81\xa6iso\xe2\x81\xa9", "\\u2066iso\\u2069", false }, /* LRI..PDI */
	{ "\xe2\x80\x8f" "rlm", "\\u200frlm", false },
	{ "bad\xff" "byte", "bad\xef\xbf\xbd" "byte", false },      /* invalid UTF-8 */
	{ "", "", true },
};

static void test_display_safe(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = display_safe(cases[i].in);
		if (strcmp(got, cases[i].want) || display_is_safe(cases[i].in) != cases[i].safe) {
			print_error("case %zu: got '%s' safe=%d, want '%s' safe=%d\n", i, got,
				    display_is_safe(cases[i].in), cases[i].want, cases[i].safe);
			fail();
		}
		free(got);
	}
}

static void test_json_neutralise(void **state)
{
	(void)state;
	char *j = json_neutralise(xstrdup("{\"a\": \"x\xe2\x80\xaey\xc2\x85\", \"b\": \"\xc3\xab\"}"));
	assert_string_equal(j, "{\"a\": \"x\\u202ey\\u0085\", \"b\": \"\xc3\xab\"}");
	free(j);
	j = json_neutralise(xstrdup("{\n\t\"clean\": 1\n}"));
	assert_string_equal(j, "{\n\t\"clean\": 1\n}");
	free(j);
	assert_null(json_neutralise(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display_safe),
		cmocka_unit_test(test_json_neutralise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
