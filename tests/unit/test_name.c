/*
 * test_name.c
 *	  Unit tests of name normalisation (NFC, white space) and matching keys
 *	  (traditional and simplified characters give one key).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fangai/name.h"

static void
assert_key(const char *name, const char *key)
{
	char norm[FG_NAME_MAX], out[FG_NAME_MAX];

	assert_int_equal(fg_name_normalise(name, "name", norm, sizeof(norm), NULL), FG_OK);
	assert_int_equal(fg_name_key(norm, out, sizeof(out), NULL), FG_OK);
	assert_string_equal(out, key);
}

static void
test_traditional_and_simplified_match(void **state)
{
	assert_key("陳美玲", "陈美玲");
	assert_key("陈美玲", "陈美玲");
	assert_key("劉德華", "刘德华");
	assert_key("張國榮", "张国荣");
	assert_key("歐陽鋒", "欧阳锋");
	assert_key("黃麗華", "黄丽华");
}

static void
test_spaces_dots_and_case(void **state)
{
	assert_key("  陈  美玲 ", "陈美玲");
	assert_key("陈\u3000美玲", "陈美玲");
	assert_key("买买提·艾力", "买买提艾力");
	assert_key("Zhang San", "zhangsan");
}

static void
test_normalise(void **state)
{
	char out[FG_NAME_MAX];
	struct fg_error err;

	assert_int_equal(fg_name_normalise("  王  小明  ", "name", out, sizeof(out), &err), FG_OK);
	assert_string_equal(out, "王 小明");
	/* e + combining acute (U+0301) composes to U+00E9 under NFC. */
	assert_int_equal(fg_name_normalise("Ren\xC3\xA9", "name", out, sizeof(out), &err), FG_OK);
	char composed[FG_NAME_MAX];
	assert_int_equal(fg_name_normalise("Rene\xCC\x81", "name", composed, sizeof(composed), &err), FG_OK);
	assert_string_equal(out, composed);
}

static void
test_refusals(void **state)
{
	char out[8];
	struct fg_error err;

	assert_int_equal(fg_name_normalise("", "name", out, sizeof(out), &err), FG_INVALID);
	assert_string_equal(err.message, "name is empty");
	assert_string_equal(err.field, "name");
	assert_int_equal(fg_name_normalise("   ", "name", out, sizeof(out), &err), FG_INVALID);
	assert_int_equal(fg_name_normalise("\xff\xfe", "name", out, sizeof(out), &err), FG_INVALID);
	assert_string_equal(err.detail, "The text is not valid UTF-8.");
	assert_int_equal(fg_name_normalise("a\tb\x01", "name", out, sizeof(out), &err), FG_INVALID);
	assert_int_equal(fg_name_normalise("陈美玲陈美玲", "name", out, sizeof(out), &err), FG_INVALID);
	assert_string_equal(err.detail, "The limit is 7 bytes of UTF-8.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traditional_and_simplified_match),
		cmocka_unit_test(test_spaces_dots_and_case),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
