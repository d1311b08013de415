/*
 * fangai/nettime.h
 *	  The clock of the referral network: local wall-clock times of the
 *	  region in minutes since 1970-01-01T00:00, written "YYYY-MM-DDTHH:MM".
 *
 * Pure arithmetic over fangai/date.h, apart from fg_net_now().
 */
#ifndef FANGAI_NETTIME_H
#define FANGAI_NETTIME_H

#include <stdint.h>

#include "fangai/date.h"
#include "fangai/error.h"

#define FG_NET_TIME_MAX 17	/* "YYYY-MM-DDTHH:MM" and its NUL */
#define FG_MINUTES_PER_DAY 1440

/*
 * Parse "YYYY-MM-DDTHH:MM" (a space may stand for the T; ":SS" is
 * accepted and dropped) or a bare "YYYY-MM-DD" (its 00:00) into minutes.
 * FG_INVALID naming field and the text otherwise.
 */
fg_rc fg_net_time_parse(const char *text, const char *field, int64_t *out,
			struct fg_error *err);

/* Write "YYYY-MM-DDTHH:MM" into buf (FG_NET_TIME_MAX bytes); returns buf. */
char *fg_net_time_format(int64_t minutes, char *buf);

/* The day of a time. */
fg_date fg_net_time_date(int64_t minutes);

/*
 * The current local time in minutes.  FANGAI_NOW ("YYYY-MM-DDTHH:MM")
 * overrides it; otherwise, when FANGAI_TODAY is set, it is 09:00 of that
 * day, so that a run "as of" a day sees one consistent clock.
 */
int64_t fg_net_now(void);

#endif
