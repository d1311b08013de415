/*
 * nettime.c
 *	  The clock of the referral network: local wall-clock minutes, parsed
 *	  from and written as "YYYY-MM-DDTHH:MM".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fangai/nettime.h"
#include "fangai/util.h"

#define DAY_START_MINUTES (9 * 60)	/* the clock of a run "as of" a day */

static bool
two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

static fg_rc
refuse(const char *text, const char *field, struct fg_error *err)
{
	fg_error_set(err, FG_INVALID, field, "invalid time for %s: \"%s\"", field, text);
	fg_error_hint(err, "Write a time as YYYY-MM-DDTHH:MM, e.g. 2026-07-01T08:30.");
	return FG_INVALID;
}

fg_rc
fg_net_time_parse(const char *text, const char *field, int64_t *out,
		  struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	size_t len = text ? strlen(text) : 0;
	int h = 0, m = 0, s = 0;
	fg_date date;
	fg_rc rc;

	if (len < 10)
		return refuse(text ? text : "", field, err);
	memcpy(day, text, 10);
	day[10] = '\0';
	rc = fg_date_parse(day, field, &date, err);
	if (rc != FG_OK)
		return rc;
	if (len > 10) {
		if ((text[10] != 'T' && text[10] != ' ') || (len != 16 && len != 19) ||
		    !two_digits(text + 11, &h) || text[13] != ':' || !two_digits(text + 14, &m) ||
		    (len == 19 && (text[16] != ':' || !two_digits(text + 17, &s))))
			return refuse(text, field, err);
		if (h > 23 || m > 59 || s > 59) {
			refuse(text, field, err);
			fg_error_detail(err, "%02d:%02d is not a time of day.", h, m);
			return FG_INVALID;
		}
	}
	*out = (int64_t)date * FG_MINUTES_PER_DAY + h * 60 + m;
	return FG_OK;
}

fg_date
fg_net_time_date(int64_t minutes)
{
	int64_t d = minutes / FG_MINUTES_PER_DAY;

	if (minutes < 0 && minutes % FG_MINUTES_PER_DAY != 0)
		d--;
	return (fg_date)d;
}

char *
fg_net_time_format(int64_t minutes, char *buf)
{
	fg_date d = fg_net_time_date(minutes);
	int64_t rest = minutes - (int64_t)d * FG_MINUTES_PER_DAY;
	char day[FG_DATE_TEXT_MAX];

	snprintf(buf, FG_NET_TIME_MAX, "%sT%02d:%02d", fg_date_format(d, day),
		 (int)(rest / 60), (int)(rest % 60));
	return buf;
}

int64_t
fg_net_now(void)
{
	const char *fixed = getenv("FANGAI_NOW");
	struct tm tm;
	time_t now;
	int64_t t;

	if (fixed != NULL && fg_net_time_parse(fixed, "FANGAI_NOW", &t, NULL) == FG_OK)
		return t;
	if (getenv("FANGAI_TODAY") != NULL)
		return (int64_t)fg_date_today() * FG_MINUTES_PER_DAY + DAY_START_MINUTES;
	now = time(NULL);
	localtime_r(&now, &tm);
	return (int64_t)fg_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
		       FG_MINUTES_PER_DAY + tm.tm_hour * 60 + tm.tm_min;
}
