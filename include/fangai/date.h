/*
 * fangai/date.h
 *	  Calendar dates as day numbers, for birth dates, exams and follow-up.
 *
 * An fg_date counts days from 1970-01-01 (negative before), in the
 * proleptic Gregorian calendar.  Everything here is pure arithmetic: no
 * allocation, no time zones.
 */
#ifndef FANGAI_DATE_H
#define FANGAI_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/error.h"

typedef int32_t fg_date;

#define FG_DATE_NONE INT32_MIN	/* "no date" in structs */
#define FG_DATE_TEXT_MAX 11	/* "YYYY-MM-DD" and its NUL */

/* True if y-m-d is a real calendar day in years 1..9999. */
bool fg_date_valid_ymd(int y, int m, int d);

/* Day number of a valid y-m-d (the caller checks validity first). */
fg_date fg_date_from_ymd(int y, int m, int d);

/* Split a day number into year, month and day. */
void fg_date_to_ymd(fg_date date, int *y, int *m, int *d);

/*
 * Parse "YYYY-MM-DD" (or "YYYYMMDD") into *out.  On failure returns
 * FG_INVALID with a message naming field and the text.
 */
fg_rc fg_date_parse(const char *text, const char *field, fg_date *out,
		    struct fg_error *err);

/* Write "YYYY-MM-DD" into buf (at least FG_DATE_TEXT_MAX bytes); returns buf. */
char *fg_date_format(fg_date date, char *buf);

/*
 * Today's date in local time, or the date in the environment variable
 * FANGAI_TODAY (YYYY-MM-DD) when set, so that tests and reports can be run
 * "as of" a fixed day.
 */
fg_date fg_date_today(void);

/* Completed years of age on day `on` for someone born on `birth`. */
int fg_date_age(fg_date birth, fg_date on);

/*
 * Add n calendar months (n may be negative); a day past the end of the
 * target month is clamped to its last day (31 Jan + 1 month = 28/29 Feb).
 */
fg_date fg_date_add_months(fg_date date, int n);

/* True for leap years of the Gregorian calendar. */
bool fg_date_is_leap(int y);

#endif
