/*
 * test_nettime.c
 *	  Unit tests of the network's clock: parsing and writing local times,
 *	  days of times before 1970, and the clock fixed by FANGAI_NOW or
 *	  FANGAI_TODAY.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fangai/nettime.h"

static void
round_trip(const char *text, const char *want)
{
	char buf[FG_NET_TIME_MAX];
	int64_t t = 0;

	assert_int_equal(fg_net_time_parse(text, "at", &t, NULL), FG_OK);
	assert_string_equal(fg_net_time_format(t, buf), want);
}

static void
test_parse_forms(void **state)
{
	round_trip("2026-07-01T08:30", "2026-07-01T08:30");
	round_trip("2026-07-01 08:30", "2026-07-01T08:30");
	round_trip("2026-07-01T08:30:59", "2026-07-01T08:30");
	round_trip("2026-07-01", "2026-07-01T00:00");
	round_trip("1969-12-31T23:59", "1969-12-31T23:59");
	round_trip("2024-02-29T12:00", "2024-02-29T12:00");
}

static void
test_refusals(void **state)
{
	static const char *const bad[] = {
		"", "2026-07-01T", "2026-07-01T8:30", "2026-07-01T24:00", "2026-07-01T12:60",
		"2026-02-30T08:00", "2026-07-01X08:30", "2026-07-01T08:30Z", "tomorrow",
	};
	struct fg_error err;
	int64_t t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fg_net_time_parse(bad[i], "at", &t, &err), FG_INVALID);
		assert_string_equal(err.field, "at");
	}
}

static void
test_arithmetic(void **state)
{
	int64_t a, b;

	assert_int_equal(fg_net_time_parse("2026-02-28T23:30", "at", &a, NULL), FG_OK);
	assert_int_equal(fg_net_time_parse("2026-03-01T00:30", "at", &b, NULL), FG_OK);
	assert_int_equal(b - a, 60);
	assert_int_equal(fg_net_time_date(b), fg_date_from_ymd(2026, 3, 1));
	assert_int_equal(fg_net_time_date(-1), fg_date_from_ymd(1969, 12, 31));
}

static void
test_clock(void **state)
{
	char buf[FG_NET_TIME_MAX];

	setenv("FANGAI_NOW", "2026-07-01T08:30", 1);
	assert_string_equal(fg_net_time_format(fg_net_now(), buf), "2026-07-01T08:30");
	unsetenv("FANGAI_NOW");
	setenv("FANGAI_TODAY", "2026-06-30", 1);
	assert_string_equal(fg_net_time_format(fg_net_now(), buf), "2026-06-30T09:00");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
