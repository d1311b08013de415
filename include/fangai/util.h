/*
 * fangai/util.h
 *	  Small helpers shared by the library and the programs built on it.
 */
#ifndef FANGAI_UTIL_H
#define FANGAI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/error.h"

/*
 * Copy src into dst of size dstsz, always terminating; returns false if
 * src was truncated.  NULL src copies "".
 */
bool fg_strlcpy(char *dst, const char *src, size_t dstsz);

/* True if s is exactly n ASCII digits. */
bool fg_is_digits(const char *s, size_t n);

/* True if the first n bytes of s are ASCII digits (s holds at least n bytes). */
bool fg_digits_at(const char *s, size_t n);

/* Value of the n ASCII digits at s (checked by the caller), e.g. a year. */
int fg_digits_value(const char *s, size_t n);

/*
 * Parse a whole decimal integer in [min, max] from text.  FG_INVALID,
 * naming field and text, for anything else.
 */
fg_rc fg_parse_int64(const char *text, const char *field, int64_t min,
		     int64_t max, int64_t *out, struct fg_error *err);

/*
 * Check a GB/T 2260 district code: six digits with a known province
 * prefix (11-82).  FG_INVALID naming field otherwise.
 */
fg_rc fg_district_check(const char *code, const char *field,
			struct fg_error *err);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
char *fg_utc_now(char *buf);

/*
 * The directory of reference data files: $FANGAI_DATA if set, otherwise
 * the data/ directory the library was built with.  Static string.
 */
const char *fg_datadir(void);

#endif
