/*
 * test_date.c
 *	  Unit tests of calendar arithmetic: day numbers, parsing, ages and
 *	  month addition across month ends and leap years.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fangai/date.h"

static void
test_epoch_and_round_trip(void **state)
{
	assert_int_equal(fg_date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(fg_date_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(fg_date_from_ymd(1900, 1, 1), -25567);
	for (fg_date d = -80000; d < 80000; d += 37) {
		int y, m, dd;

		fg_date_to_ymd(d, &y, &m, &dd);
		assert_true(fg_date_valid_ymd(y, m, dd));
		assert_int_equal(fg_date_from_ymd(y, m, dd), d);
	}
}

static void
test_leap_years(void **state)
{
	assert_true(fg_date_is_leap(2000));
	assert_false(fg_date_is_leap(1900));
	assert_true(fg_date_is_leap(2024));
	assert_false(fg_date_is_leap(2023));
	assert_true(fg_date_valid_ymd(2024, 2, 29));
	assert_false(fg_date_valid_ymd(2023, 2, 29));
	assert_false(fg_date_valid_ymd(2023, 4, 31));
	assert_false(fg_date_valid_ymd(0, 1, 1));
}

static void
test_parse(void **state)
{
	struct fg_error err;
	char buf[FG_DATE_TEXT_MAX];
	fg_date d;

	assert_int_equal(fg_date_parse("2024-02-29", "birth_date", &d, &err), FG_OK);
	assert_string_equal(fg_date_format(d, buf), "2024-02-29");
	assert_int_equal(fg_date_parse("20240229", "birth_date", &d, &err), FG_OK);
	assert_int_equal(fg_date_parse("2023-02-29", "birth_date", &d, &err), FG_INVALID);
	assert_string_equal(err.field, "birth_date");
	assert_string_equal(err.message, "invalid date for birth_date: \"2023-02-29\"");
	assert_string_equal(err.detail, "2023-02 has no day 29.");
	assert_int_equal(fg_date_parse("2023-2-9", "d", &d, &err), FG_INVALID);
	assert_int_equal(fg_date_parse("", "d", &d, &err), FG_INVALID);
	assert_int_equal(fg_date_parse(NULL, "d", &d, &err), FG_INVALID);
}

static void
test_age(void **state)
{
	fg_date birth = fg_date_from_ymd(2000, 2, 29);

	assert_int_equal(fg_date_age(birth, fg_date_from_ymd(2001, 2, 28)), 0);
	assert_int_equal(fg_date_age(birth, fg_date_from_ymd(2001, 3, 1)), 1);
	assert_int_equal(fg_date_age(birth, fg_date_from_ymd(2004, 2, 29)), 4);
	assert_int_equal(fg_date_age(fg_date_from_ymd(1950, 6, 30), fg_date_from_ymd(2026, 6, 29)), 75);
	assert_int_equal(fg_date_age(fg_date_from_ymd(1950, 6, 30), fg_date_from_ymd(2026, 6, 30)), 76);
}

static void
test_add_months(void **state)
{
	char buf[FG_DATE_TEXT_MAX];

	assert_string_equal(fg_date_format(fg_date_add_months(fg_date_from_ymd(2024, 1, 31), 1), buf),
			    "2024-02-29");
	assert_string_equal(fg_date_format(fg_date_add_months(fg_date_from_ymd(2023, 1, 31), 1), buf),
			    "2023-02-28");
	assert_string_equal(fg_date_format(fg_date_add_months(fg_date_from_ymd(2023, 11, 30), 3), buf),
			    "2024-02-29");
	assert_string_equal(fg_date_format(fg_date_add_months(fg_date_from_ymd(2024, 2, 29), 12), buf),
			    "2025-02-28");
	assert_string_equal(fg_date_format(fg_date_add_months(fg_date_from_ymd(2024, 3, 31), -1), buf),
			    "2024-02-29");
	assert_string_equal(fg_date_format(fg_date_add_months(fg_date_from_ymd(2024, 1, 15), -13), buf),
			    "2022-12-15");
}

static void
test_today_override(void **state)
{
	setenv("FANGAI_TODAY", "2026-06-30", 1);
	assert_int_equal(fg_date_today(), fg_date_from_ymd(2026, 6, 30));
	unsetenv("FANGAI_TODAY");
	assert_true(fg_date_today() > fg_date_from_ymd(2026, 1, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_round_trip),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_today_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
