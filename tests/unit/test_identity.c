/*
 * test_identity.c
 *	  Unit tests of resident ID numbers (GB 11643-1999) and unified social
 *	  credit codes (GB 32100-2015).  The readable edge cases of ID numbers
 *	  run through the CLI in tests/cases/resident-id.test; these check the
 *	  library contract and the check-character arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/identity.h"

static fg_date
today(void)
{
	return fg_date_from_ymd(2026, 6, 30);
}

static void
test_published_vectors(void **state)
{
	struct fg_resident_id rid;

	assert_int_equal(fg_resident_id_check_char("11010519491231002"), 'X');
	assert_int_equal(fg_resident_id_check_char("44052418800101001"), '4');
	assert_int_equal(fg_resident_id_check_char("53010219200508011"), 'X');
	assert_int_equal(fg_resident_id_parse("11010519491231002X", today(), &rid, NULL), FG_OK);
	assert_string_equal(rid.number, "11010519491231002X");
	assert_string_equal(rid.district, "110105");
	assert_int_equal(rid.birth_date, fg_date_from_ymd(1949, 12, 31));
	assert_int_equal(rid.sex, '2');
	assert_false(rid.upgraded);
}

static void
test_every_check_character(void **state)
{
	/* Vary the sequence digits until every one of the 11 check characters has appeared. */
	char base[19] = "11010519800101000";
	int seen[128] = {0}, kinds = 0;

	for (int seq = 0; seq < 1000 && kinds < 11; seq++) {
		struct fg_resident_id rid;
		char c;

		base[14] = (char)('0' + seq / 100);
		base[15] = (char)('0' + seq / 10 % 10);
		base[16] = (char)('0' + seq % 10);
		c = fg_resident_id_check_char(base);
		base[17] = c;
		base[18] = '\0';
		assert_int_equal(fg_resident_id_parse(base, today(), &rid, NULL), FG_OK);
		if (!seen[(int)c]++)
			kinds++;
		base[17] = '\0';
	}
	assert_int_equal(kinds, 11);
}

static void
test_upgrade_legacy(void **state)
{
	struct fg_resident_id rid;

	assert_int_equal(fg_resident_id_parse("110105491231002", today(), &rid, NULL), FG_OK);
	assert_string_equal(rid.number, "11010519491231002X");
	assert_true(rid.upgraded);
}

static void
test_error_names_field_and_value(void **state)
{
	struct fg_resident_id rid;
	struct fg_error err;

	assert_int_equal(fg_resident_id_parse("110105194912310021", today(), &rid, &err), FG_INVALID);
	assert_int_equal(err.code, FG_INVALID);
	assert_string_equal(err.field, "id_number");
	assert_string_equal(err.message, "invalid resident ID number \"110105194912310021\"");
	assert_string_equal(err.detail, "Its check character is 1 but the first 17 digits give X.");
	/* A NULL error pointer is allowed. */
	assert_int_equal(fg_resident_id_parse("", today(), &rid, NULL), FG_INVALID);
}

static void
test_overlong_input_is_bounded(void **state)
{
	char huge[4096];
	struct fg_resident_id rid;
	struct fg_error err;

	memset(huge, '1', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(fg_resident_id_parse(huge, today(), &rid, &err), FG_INVALID);
	assert_true(strlen(err.message) < sizeof(err.message));
}

static void
test_uscc(void **state)
{
	char out[FG_USCC_LEN + 1];
	struct fg_error err;

	/* Example code from GB 32100-2015 material: check character 3. */
	assert_int_equal(fg_uscc_parse("91350100M000100Y43", "uscc", out, &err), FG_OK);
	assert_string_equal(out, "91350100M000100Y43");
	assert_int_equal(fg_uscc_parse("91350100m000100y43", "uscc", out, &err), FG_OK);
	assert_string_equal(out, "91350100M000100Y43");
	assert_int_equal(fg_uscc_parse("91350100M000100Y44", "uscc", out, &err), FG_INVALID);
	assert_string_equal(err.field, "uscc");
	assert_string_equal(err.detail, "Its check character is 4 but the first 17 characters give 3.");
	/* I, O, S, V and Z are outside the alphabet. */
	assert_int_equal(fg_uscc_parse("91350100M000100I43", "uscc", out, &err), FG_INVALID);
	assert_int_equal(fg_uscc_parse("9135", "uscc", out, &err), FG_INVALID);
	assert_int_equal(fg_uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(fg_uscc_check_char("91350100M000100O4"), '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_vectors),
		cmocka_unit_test(test_every_check_character),
		cmocka_unit_test(test_upgrade_legacy),
		cmocka_unit_test(test_error_names_field_and_value),
		cmocka_unit_test(test_overlong_input_is_bounded),
		cmocka_unit_test(test_uscc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
