/*
 * date.c
 *	  Civil-calendar arithmetic on day numbers (days since 1970-01-01).
 *
 * The conversions use the era-based algorithm described by Howard Hinnant
 * in "chrono-Compatible Low-Level Date Algorithms".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fangai/date.h"
#include "fangai/util.h"

bool
fg_date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && fg_date_is_leap(y) ? 29 : days[m - 1];
}

bool
fg_date_valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

fg_date
fg_date_from_ymd(int y, int m, int d)
{
	int yy = m <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (fg_date)(era * 146097 + doe - 719468);
}

void
fg_date_to_ymd(fg_date date, int *y, int *m, int *d)
{
	int z = date + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

fg_rc
fg_date_parse(const char *text, const char *field, fg_date *out,
	      struct fg_error *err)
{
	size_t len = text ? strlen(text) : 0;
	int y, m, d;

	if (len == 10 && fg_digits_at(text, 4) && text[4] == '-' &&
	    fg_digits_at(text + 5, 2) && text[7] == '-' && fg_digits_at(text + 8, 2)) {
		y = fg_digits_value(text, 4);
		m = fg_digits_value(text + 5, 2);
		d = fg_digits_value(text + 8, 2);
	} else if (len == 8 && fg_digits_at(text, 8)) {
		y = fg_digits_value(text, 4);
		m = fg_digits_value(text + 4, 2);
		d = fg_digits_value(text + 6, 2);
	} else {
		fg_error_set(err, FG_INVALID, field,
			     "invalid date for %s: \"%s\"", field, text ? text : "");
		fg_error_hint(err, "Write dates as YYYY-MM-DD.");
		return FG_INVALID;
	}
	if (!fg_date_valid_ymd(y, m, d)) {
		fg_error_set(err, FG_INVALID, field,
			     "invalid date for %s: \"%s\"", field, text);
		fg_error_detail(err, "%04d-%02d has no day %d.", y, m, d);
		return FG_INVALID;
	}
	*out = fg_date_from_ymd(y, m, d);
	return FG_OK;
}

char *
fg_date_format(fg_date date, char *buf)
{
	int y, m, d;

	fg_date_to_ymd(date, &y, &m, &d);
	snprintf(buf, FG_DATE_TEXT_MAX, "%04d-%02d-%02d", y, m, d);
	return buf;
}

fg_date
fg_date_today(void)
{
	const char *fixed = getenv("FANGAI_TODAY");
	fg_date date;
	struct tm tm;
	time_t now;

	if (fixed != NULL && fg_date_parse(fixed, "FANGAI_TODAY", &date, NULL) == FG_OK)
		return date;
	now = time(NULL);
	localtime_r(&now, &tm);
	return fg_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int
fg_date_age(fg_date birth, fg_date on)
{
	int by, bm, bd, oy, om, od, age;

	fg_date_to_ymd(birth, &by, &bm, &bd);
	fg_date_to_ymd(on, &oy, &om, &od);
	age = oy - by;
	if (om < bm || (om == bm && od < bd))
		age--;
	return age;
}

fg_date
fg_date_add_months(fg_date date, int n)
{
	int y, m, d, months;

	fg_date_to_ymd(date, &y, &m, &d);
	months = y * 12 + (m - 1) + n;
	y = months / 12;
	m = months % 12 + 1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	return fg_date_from_ymd(y, m, d);
}
