/*
 * fhir_date.c
 *	  The FHIR date search parameter over a day, one parser for every such
 *	  search (Observation and EpisodeOfCare date, Schedule date).  Each
 *	  value is a day, month or year (YYYY-MM-DD, YYYY-MM, YYYY), the range
 *	  of days it covers, with an optional prefix; repeated parameters
 *	  (date=ge2024-01-01&date=lt2025-01-01) must all hold.
 *
 * The resource's date is one day t and the value covers [lo, hi]; the
 * prefixes of FHIR R4 (search, "prefix") then read: eq lo <= t <= hi; ne
 * not that; lt and eb t < lo; gt and sa t > hi; le t <= hi; ge t >= lo;
 * ap within a tenth of the distance from today to the value, at least a
 * day, on either side.
 */
#include <stdlib.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

#define MAX_VALUES 8

/* The bounds a prefix gives. */
enum bound { OPEN, LO, HI, BEFORE_LO, AFTER_HI, LO_APPROX, HI_APPROX };

static const struct {
	const char *prefix;
	enum bound from, to;
} prefixes[] = {
	{"eq", LO, HI},
	{"ne", LO, HI},			/* the range left out */
	{"lt", OPEN, BEFORE_LO},
	{"eb", OPEN, BEFORE_LO},
	{"le", OPEN, HI},
	{"gt", AFTER_HI, OPEN},
	{"sa", AFTER_HI, OPEN},
	{"ge", LO, OPEN},
	{"ap", LO_APPROX, HI_APPROX},
};

#define NPREFIXES (sizeof(prefixes) / sizeof(prefixes[0]))
#define PREFIX_LIST "eq, ne, lt, gt, le, ge, sa, eb or ap"

struct values {
	const char *name;
	const char *v[MAX_VALUES];
	size_t n, seen;
};

static void
collect(void *ctx, const char *name, const char *value)
{
	struct values *vs = ctx;

	if (strcmp(name, vs->name) != 0)
		return;
	if (vs->n < MAX_VALUES)
		vs->v[vs->n++] = value ? value : "";
	vs->seen++;
}

/* The n decimal digits at s into *out; false if one is not a digit. */
static bool
digits(const char *s, size_t n, int *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* The days [lo, hi] a day, month or year covers; false if text is none of them. */
static bool
day_range(const char *text, fg_date *lo, fg_date *hi)
{
	size_t n = strlen(text);
	int y, m = 1, d = 1;

	if ((n != 4 && n != 7 && n != 10) || !digits(text, 4, &y))
		return false;
	if (n >= 7 && (text[4] != '-' || !digits(text + 5, 2, &m)))
		return false;
	if (n == 10 && (text[7] != '-' || !digits(text + 8, 2, &d)))
		return false;
	if (y < 1 || !fg_date_valid_ymd(y, m, d))
		return false;
	*lo = fg_date_from_ymd(y, m, d);
	*hi = n == 10 ? *lo : n == 7 ? fg_date_add_months(*lo, 1) - 1 : fg_date_from_ymd(y, 12, 31);
	return true;
}

static fg_date
bound_day(enum bound b, fg_date lo, fg_date hi)
{
	fg_date today = fg_date_today();
	fg_date width = abs(today - lo) / 10 > 1 ? abs(today - lo) / 10 : 1;

	switch (b) {
	case LO:
		return lo;
	case HI:
		return hi;
	case BEFORE_LO:
		return lo - 1;
	case AFTER_HI:
		return hi + 1;
	case LO_APPROX:
		return lo - width;
	case HI_APPROX:
		return hi + width;
	case OPEN:
		break;
	}
	return FG_DATE_NONE;
}

static bool
refuse(struct request *req, const char *name, const char *value, const char *detail, const char *hint)
{
	reply_error(req, 400, name, fg_arena_printf(req->arena, "invalid %s \"%.40s\"", name, value), detail, hint);
	return false;
}

/* Narrow out by one value; replies 400 and returns false on a bad one. */
static bool
apply_value(struct request *req, const char *name, const char *value, bool allow_ne, struct fhir_dates *out)
{
	const char *day = value;
	fg_date lo, hi, from, to;
	size_t k = 0;

	if (value[0] >= 'a' && value[0] <= 'z') {
		while (k < NPREFIXES && strncmp(value, prefixes[k].prefix, 2) != 0)
			k++;
		if (k == NPREFIXES)
			return refuse(req, name, value, "Its prefix is not a FHIR date search prefix.",
				      "Use a prefix " PREFIX_LIST ", or none for eq.");
		day += 2;
	}
	if (!day_range(day, &lo, &hi))
		return refuse(req, name, value, "A date search value is a day, a month or a year.",
			      "Use YYYY-MM-DD, YYYY-MM or YYYY with an optional prefix " PREFIX_LIST ".");
	if (strcmp(prefixes[k].prefix, "ne") == 0) {
		if (!allow_ne || out->exclude)
			return refuse(req, name, value, allow_ne ? "Only one ne value can be given."
				      : "This search does not take the prefix ne.", NULL);
		out->exclude = true;
		out->exclude_from = lo;
		out->exclude_to = hi;
		return true;
	}
	from = bound_day(prefixes[k].from, lo, hi);
	to = bound_day(prefixes[k].to, lo, hi);
	if (from != FG_DATE_NONE && (out->from == FG_DATE_NONE || from > out->from))
		out->from = from;
	if (to != FG_DATE_NONE && (out->to == FG_DATE_NONE || to < out->to))
		out->to = to;
	return true;
}

bool
fhir_date_param(struct request *req, const char *name, bool allow_ne, struct fhir_dates *out)
{
	struct values vs = {.name = name};

	memset(out, 0, sizeof(*out));
	out->from = out->to = FG_DATE_NONE;
	req_query_each(req, collect, &vs);
	if (vs.seen > MAX_VALUES)
		return refuse(req, name, vs.v[0], "The search gives more than 8 values of the parameter.", NULL);
	for (size_t i = 0; i < vs.n; i++)
		if (!apply_value(req, name, vs.v[i], allow_ne, out))
			return false;
	return true;
}
