/*
 * util.c
 *	  String, number and code helpers shared across libfangai.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fangai/util.h"

#ifndef FANGAI_DATADIR
#define FANGAI_DATADIR "data"
#endif

bool
fg_strlcpy(char *dst, const char *src, size_t dstsz)
{
	size_t n = src ? strlen(src) : 0;

	if (dstsz == 0)
		return n == 0;
	if (n >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return false;
	}
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

bool
fg_digits_at(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int
fg_digits_value(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool
fg_is_digits(const char *s, size_t n)
{
	return s != NULL && strlen(s) == n && fg_digits_at(s, n);
}

fg_rc
fg_parse_int64(const char *text, const char *field, int64_t min, int64_t max,
	       int64_t *out, struct fg_error *err)
{
	char *end = NULL;
	long long v;

	if (text == NULL || *text == '\0' || isspace((unsigned char)*text))
		goto invalid;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0')
		goto invalid;
	if (v < min || v > max) {
		fg_error_set(err, FG_INVALID, field, "%s out of range: %s", field, text);
		fg_error_detail(err, "The value must lie between %lld and %lld.",
				(long long)min, (long long)max);
		return FG_INVALID;
	}
	*out = v;
	return FG_OK;
invalid:
	fg_error_set(err, FG_INVALID, field, "invalid %s: \"%s\"", field, text ? text : "");
	fg_error_detail(err, "A whole number is expected.");
	return FG_INVALID;
}

fg_rc
fg_district_check(const char *code, const char *field, struct fg_error *err)
{
	static const char provinces[] =
		" 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46"
		" 50 51 52 53 54 61 62 63 64 65 71 81 82 ";
	char key[5];

	if (!fg_is_digits(code, 6)) {
		fg_error_set(err, FG_INVALID, field, "invalid district code \"%s\"",
			     code ? code : "");
		fg_error_detail(err, "A GB/T 2260 district code has six digits.");
		return FG_INVALID;
	}
	snprintf(key, sizeof(key), " %.2s ", code);
	if (strstr(provinces, key) == NULL) {
		fg_error_set(err, FG_INVALID, field, "invalid district code \"%s\"", code);
		fg_error_detail(err, "No province has the code %.2s.", code);
		return FG_INVALID;
	}
	return FG_OK;
}

char *
fg_utc_now(char *buf)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

const char *
fg_datadir(void)
{
	const char *env = getenv("FANGAI_DATA");

	return env != NULL && *env != '\0' ? env : FANGAI_DATADIR;
}
