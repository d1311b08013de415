/*
 * ratetable.c
 *	  Population life tables (probabilities of death or death rates by
 *	  sex, single year of age and calendar year) read from CSV and turned
 *	  into daily hazards for relative and net survival.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "survival_int.h"

#define MAX_AGE 120
#define MIN_YEAR 1800
#define MAX_YEAR 2200

struct cell {
	int year, sex, age;
	double hazard;
};

struct cells {
	struct cell *items;
	size_t count, cap;
};

fg_rc
fg_surv_parse_number(const char *text, const char *field, double min, double max,
		     double *out, struct fg_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < min || v > max) {
		fg_error_set(err, FG_INVALID, field, "invalid %s \"%s\"", field, text);
		fg_error_detail(err, "A number from %g to %g is expected.", min, max);
		return FG_INVALID;
	}
	*out = v;
	return FG_OK;
}

/* The daily hazard of a qx (probability of dying within the year of age) or an annual mx. */
static double
daily_hazard(enum fg_rate_kind kind, double value)
{
	if (kind == FG_RATE_QX)
		return -log1p(-value) / FG_DAYS_PER_YEAR;
	return value / FG_DAYS_PER_YEAR;
}

/* Parse one record of the table into *c. */
static fg_rc
parse_cell(const fg_csv *csv, const int col[4], enum fg_rate_kind kind,
	   struct cell *c, struct fg_error *err)
{
	int64_t year, age;
	double value;
	char sex;

	if (fg_parse_int64(fg_csv_field(csv, (size_t)col[0]), "year", MIN_YEAR, MAX_YEAR, &year, err) != FG_OK ||
	    fg_sex_parse(fg_csv_field(csv, (size_t)col[1]), &sex, err) != FG_OK ||
	    fg_parse_int64(fg_csv_field(csv, (size_t)col[2]), "age", 0, MAX_AGE, &age, err) != FG_OK ||
	    fg_surv_parse_number(fg_csv_field(csv, (size_t)col[3]), kind == FG_RATE_QX ? "qx" : "mx",
				 0.0, kind == FG_RATE_QX ? 1.0 : 1e3, &value, err) != FG_OK)
		return FG_INVALID;
	if (sex != '1' && sex != '2')
		return fg_error_set(err, FG_INVALID, "sex", "life tables hold males and females, not sex \"%s\"",
				    fg_csv_field(csv, (size_t)col[1]));
	if (kind == FG_RATE_QX && value >= 1.0)
		value = 1.0 - 1e-12;	/* the last, open age: death within the year is certain */
	*c = (struct cell){(int)year, sex - '1', (int)age, daily_hazard(kind, value)};
	return FG_OK;
}

static fg_rc
push_cell(struct cells *cs, const struct cell *c, struct fg_error *err)
{
	if (cs->count == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 1024;
		struct cell *items = realloc(cs->items, cap * sizeof(*items));

		if (items == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading a life table");
		cs->items = items;
		cs->cap = cap;
	}
	cs->items[cs->count++] = *c;
	return FG_OK;
}

/* Find the columns year, sex, age and qx or mx. */
static fg_rc
find_columns(const fg_csv *csv, const char *path, int col[4], enum fg_rate_kind *kind,
	     struct fg_error *err)
{
	static const char *const names[3] = {"year", "sex", "age"};

	for (int k = 0; k < 3; k++) {
		col[k] = fg_csv_column(csv, names[k]);
		if (col[k] < 0)
			return fg_error_set(err, FG_INVALID, names[k], "life table \"%s\" has no column \"%s\"",
					    path, names[k]);
	}
	col[3] = fg_csv_column(csv, "qx");
	*kind = FG_RATE_QX;
	if (col[3] < 0) {
		col[3] = fg_csv_column(csv, "mx");
		*kind = FG_RATE_MX;
	}
	if (col[3] < 0) {
		fg_error_set(err, FG_INVALID, "qx", "life table \"%s\" has neither a qx nor an mx column", path);
		fg_error_hint(err, "Give probabilities of death in a column qx or annual death rates in a column mx.");
		return FG_INVALID;
	}
	return FG_OK;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Lay the cells out as [sex][year][age], checking that each is given once. */
static fg_rc
fill_table(const struct cells *cs, const char *path, struct fg_arena *arena,
	   struct fg_ratetable *out, struct fg_error *err)
{
	int *years = malloc(cs->count * sizeof(int)), ny = 0, nages = 0;
	size_t ncells;
	fg_rc rc = FG_OK;

	if (years == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading a life table");
	for (size_t i = 0; i < cs->count; i++) {
		years[i] = cs->items[i].year;
		if (cs->items[i].age + 1 > nages)
			nages = cs->items[i].age + 1;
	}
	qsort(years, cs->count, sizeof(int), cmp_int);
	for (size_t i = 0; i < cs->count; i++)
		if (ny == 0 || years[i] != years[ny - 1])
			years[ny++] = years[i];
	ncells = 2 * (size_t)ny * (size_t)nages;
	out->nages = nages;
	out->nyears = ny;
	out->years = fg_arena_alloc(arena, (size_t)ny * sizeof(int));
	out->year_start = fg_arena_alloc(arena, (size_t)ny * sizeof(fg_date));
	out->hazard = fg_arena_alloc(arena, ncells * sizeof(double));
	if (out->years == NULL || out->year_start == NULL || out->hazard == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for a life table of %zu cells", ncells);
		goto out;
	}
	for (int y = 0; y < ny; y++) {
		out->years[y] = years[y];
		out->year_start[y] = fg_date_from_ymd(years[y], 1, 1);
	}
	for (size_t i = 0; i < ncells; i++)
		out->hazard[i] = NAN;
	for (size_t i = 0; i < cs->count; i++) {
		const struct cell *c = &cs->items[i];
		int y = (int)((int *)bsearch(&c->year, years, (size_t)ny, sizeof(int), cmp_int) - years);
		double *h = &out->hazard[((size_t)c->sex * (size_t)ny + (size_t)y) * (size_t)nages + (size_t)c->age];

		if (!isnan(*h)) {
			rc = fg_error_set(err, FG_INVALID, "age", "life table \"%s\" gives year %d, sex %d, age %d twice",
					  path, c->year, c->sex + 1, c->age);
			goto out;
		}
		*h = c->hazard;
	}
	for (size_t i = 0; i < ncells; i++)
		if (isnan(out->hazard[i])) {
			size_t age = i % (size_t)nages, y = i / (size_t)nages % (size_t)ny, sex = i / (size_t)nages / (size_t)ny;

			rc = fg_error_set(err, FG_INVALID, "age", "life table \"%s\" lacks year %d, sex %zu, age %zu",
					  path, years[y], sex + 1, age);
			fg_error_detail(err, "Every sex, year and single year of age from 0 to %d must be given.", nages - 1);
			goto out;
		}
out:
	free(years);
	return rc;
}

fg_rc
fg_ratetable_load(const char *path, struct fg_arena *arena,
		  struct fg_ratetable *out, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	struct cells cs = {0};
	enum fg_rate_kind kind = FG_RATE_QX;
	fg_csv *csv = NULL;
	int col[4];
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		goto out;
	rc = find_columns(csv, path, col, &kind, err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		struct cell c;

		rc = parse_cell(csv, col, kind, &c, err);
		if (rc != FG_OK)
			rc = fg_error_at_line(err, path, fg_csv_line(csv));
		else
			rc = push_cell(&cs, &c, err);
	}
	if (rc != FG_OK)
		goto out;
	if (cs.count == 0) {
		rc = fg_error_set(err, FG_INVALID, "file", "life table \"%s\" is empty", path);
		goto out;
	}
	rc = fill_table(&cs, path, arena, out, err);
out:
	free(cs.items);
	fg_csv_close(csv);
	return rc;
}
