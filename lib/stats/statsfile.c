/*
 * statsfile.c
 *	  Reading the CSV files of registry statistics (cases, populations,
 *	  tumours, deaths): columns by name, fields checked, and errors that
 *	  name the file, line, field and value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/date.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "stats_int.h"

fg_rc
stats_file_open(struct stats_file *f, const char *path, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};

	f->path = path;
	f->csv = NULL;
	return fg_csv_open(path, &opts, &f->csv, err);
}

int
stats_column(const struct stats_file *f, const char *const *names)
{
	for (; *names; names++) {
		int i = fg_csv_column(f->csv, *names);

		if (i >= 0)
			return i;
	}
	return -1;
}

fg_rc
stats_column_required(const struct stats_file *f, const char *const *names, int *col,
		      struct fg_error *err)
{
	*col = stats_column(f, names);
	if (*col >= 0)
		return FG_OK;
	fg_error_set(err, FG_INVALID, names[0], "file \"%s\" has no column \"%s\"", f->path, names[0]);
	if (names[1] != NULL)
		fg_error_hint(err, "The column may also be called \"%s\".", names[1]);
	return FG_INVALID;
}

const char *
stats_text(const struct stats_file *f, int col)
{
	return col < 0 ? "" : fg_csv_field(f->csv, (size_t)col);
}

fg_rc
stats_field_error(const struct stats_file *f, const char *field, const char *value,
		  struct fg_error *err)
{
	return fg_error_set(err, FG_INVALID, field, "invalid %s \"%s\" at line %ld of \"%s\"", field,
			    value, fg_csv_line(f->csv), f->path);
}

fg_rc
stats_locate(const struct stats_file *f, fg_rc rc, struct fg_error *err)
{
	char msg[FG_ERROR_MESSAGE_MAX + 320];

	if (err == NULL || rc == FG_OK)
		return rc;
	snprintf(msg, sizeof(msg), "%s at line %ld of \"%s\"", err->message, fg_csv_line(f->csv),
		 f->path);
	fg_strlcpy(err->message, msg, sizeof(err->message));
	return rc;
}

fg_rc
stats_key_columns(const struct stats_file *f, struct stats_key_columns *c, struct fg_error *err)
{
	static const char *const sex[] = {"sex", NULL}, *const district[] = {"district", NULL},
			  *const year[] = {"year", NULL},
			  *const date[] = {"incidence_date", "date", NULL};

	c->any_sex = false;
	c->district = stats_column(f, district);
	c->year = stats_column(f, year);
	c->date = stats_column(f, date);
	return stats_column_required(f, sex, &c->sex, err);
}

static fg_rc
read_year(const struct stats_file *f, const struct stats_key_columns *c, char *out,
	  size_t outsz, struct fg_error *err)
{
	int64_t year;

	if (c->year >= 0) {
		if (fg_parse_int64(stats_text(f, c->year), "year", 1900, 2200, &year, NULL) != FG_OK)
			return stats_field_error(f, "year", stats_text(f, c->year), err);
	} else {
		fg_date day;
		int m, d, y;

		if (fg_date_parse(stats_text(f, c->date), "incidence_date", &day, NULL) != FG_OK)
			return stats_field_error(f, "incidence_date", stats_text(f, c->date), err);
		fg_date_to_ymd(day, &y, &m, &d);
		year = y;
	}
	snprintf(out, outsz, "%lld", (long long)year);
	return FG_OK;
}

fg_rc
stats_read_key(const struct stats_file *f, const struct stats_key_columns *c, fg_incidence *inc,
	       int key[FG_NDIMS], struct fg_error *err)
{
	const char *sex_text = stats_text(f, c->sex);
	char sex[2] = "", year[16];
	fg_rc rc;

	key[FG_DIM_SITE] = key[FG_DIM_DISTRICT] = key[FG_DIM_YEAR] = -1;
	if (fg_sex_parse(sex_text, &sex[0], NULL) != FG_OK ||
	    (!c->any_sex && sex[0] != '1' && sex[0] != '2')) {
		stats_field_error(f, "sex", sex_text, err);
		fg_error_hint(err, "Use 1 or M for male, 2 or F for female; rates need one of the two.");
		return FG_INVALID;
	}
	rc = fg_incidence_value(inc, FG_DIM_SEX, sex, &key[FG_DIM_SEX], err);
	if (rc == FG_OK && c->district >= 0) {
		if (fg_district_check(stats_text(f, c->district), "district", NULL) != FG_OK)
			return stats_field_error(f, "district", stats_text(f, c->district), err);
		rc = fg_incidence_value(inc, FG_DIM_DISTRICT, stats_text(f, c->district),
					&key[FG_DIM_DISTRICT], err);
	}
	if (rc == FG_OK && (c->year >= 0 || c->date >= 0)) {
		rc = read_year(f, c, year, sizeof(year), err);
		if (rc == FG_OK)
			rc = fg_incidence_value(inc, FG_DIM_YEAR, year, &key[FG_DIM_YEAR], err);
	}
	return rc;
}

fg_rc
stats_read_count(const struct stats_file *f, int col, const char *field, double *out,
		 struct fg_error *err)
{
	const char *text = stats_text(f, col);
	char *end = NULL;

	*out = strtod(text, &end);
	if (*text == '\0' || *end != '\0' || !isfinite(*out) || *out < 0 || *out > 1e15) {
		stats_field_error(f, field, text, err);
		fg_error_detail(err, "A %s is a number zero or greater.", field);
		return FG_INVALID;
	}
	return FG_OK;
}
