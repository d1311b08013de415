/*
 * test_followup.c
 *	  Follow-up plans: loading data/followup/plans.csv, due dates across
 *	  month ends and leap years, malformed plan files, ICD-10 codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/followup.h"

#define PLANS "data/followup/plans.csv"

static fg_date
day(const char *text)
{
	fg_date d;

	assert_int_equal(fg_date_parse(text, "date", &d, NULL), FG_OK);
	return d;
}

/* The first n due dates of plan code from start, compared with the texts. */
static void
expect_schedule(const char *code, const char *start, int months, const char *const *want, size_t n)
{
	struct fg_plans plans;
	struct fg_arena arena;
	struct fg_error err;
	fg_date due[64];
	char buf[FG_DATE_TEXT_MAX];
	size_t got;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_plans_load(PLANS, &arena, &plans, &err), FG_OK);
	got = fg_plan_schedule(fg_plans_find(&plans, code), day(start), months, due, 64);
	assert_int_equal(got, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fg_date_format(due[i], buf), want[i]);
	fg_arena_free(&arena);
}

/* Every 3 months in years 1-2, every 6 in years 3-5, yearly after: 8 + 6 + 5 visits in 10 years. */
static void
test_cancer_plan_from_month_end(void **state)
{
	static const char *const want[] = {
		"2024-04-30", "2024-07-31", "2024-10-31", "2025-01-31", "2025-04-30", "2025-07-31",
		"2025-10-31", "2026-01-31", "2026-07-31", "2027-01-31", "2027-07-31", "2028-01-31",
		"2028-07-31", "2029-01-31", "2030-01-31", "2031-01-31", "2032-01-31", "2033-01-31",
		"2034-01-31",
	};

	expect_schedule("cancer-standard", "2024-01-31", 120, want, sizeof(want) / sizeof(want[0]));
}

/* 30 November + 3 months is 29 February in a leap year and 28 February otherwise. */
static void
test_diabetes_plan_across_february(void **state)
{
	static const char *const leap[] = {"2024-02-29", "2024-05-30", "2024-08-30", "2024-11-30"};
	static const char *const plain[] = {"2025-02-28", "2025-05-30", "2025-08-30", "2025-11-30"};

	expect_schedule("diabetes-t2", "2023-11-30", 12, leap, 4);
	expect_schedule("diabetes-t2", "2024-11-30", 12, plain, 4);
}

/* A plan started on 29 February keeps the 29th in later leap years. */
static void
test_leap_day_start(void **state)
{
	static const char *const want[] = {"2024-05-29", "2024-08-29", "2024-11-29", "2025-02-28",
					   "2025-05-29", "2025-08-29", "2025-11-29", "2026-02-28",
					   "2026-05-29", "2026-08-29", "2026-11-29", "2027-02-28",
					   "2027-05-29", "2027-08-29", "2027-11-29", "2028-02-29"};

	expect_schedule("diabetes-t2", "2024-02-29", 48, want, 16);
}

static void
test_unknown_plan(void **state)
{
	struct fg_plans plans;
	struct fg_arena arena;
	struct fg_error err;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_plans_load(PLANS, &arena, &plans, &err), FG_OK);
	assert_null(fg_plans_find(&plans, "cancer-weekly"));
	assert_non_null(fg_plans_find(&plans, "diabetes-t2"));
	fg_arena_free(&arena);
}

/* A stretch that does not continue the previous one is refused, naming the line. */
static void
test_broken_plan_file(void **state)
{
	const char *path = "build/test_followup_plans.csv";
	struct fg_plans plans;
	struct fg_arena arena;
	struct fg_error err;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("plan,name,from_month,to_month,every_months\nx,x,0,24,3\nx,,36,60,6\n", f);
	fclose(f);
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_plans_load(path, &arena, &plans, &err), FG_INVALID);
	assert_non_null(strstr(err.message, "line 3"));
	assert_string_equal(err.field, "from_month");
	fg_arena_free(&arena);
	remove(path);
}

static void
test_icd10(void **state)
{
	static const char *const good[] = {"C34", "C34.9", "I21.0", "C18.72"};
	static const char *const bad[] = {"", "c34", "C3", "C34.", "C34-9", "lung", "C34.123"};
	struct fg_error err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(fg_icd10_check(good[i], "cause", &err), FG_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fg_icd10_check(bad[i], "cause", &err), FG_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancer_plan_from_month_end),
		cmocka_unit_test(test_diabetes_plan_across_february),
		cmocka_unit_test(test_leap_day_start),
		cmocka_unit_test(test_unknown_plan),
		cmocka_unit_test(test_broken_plan_file),
		cmocka_unit_test(test_icd10),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
