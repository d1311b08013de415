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
	enum fg_rate_kind kind;
	double value;		/* qx or mx as given */
};

struct cells {
	struct cell *items;
	size_t count, cap;
};

/* Up to 15 plain digits, read exactly without strtod (the common case of day counts). */
static bool
parse_whole(const char *text, double *out)
{
	int64_t v = 0;
	size_t n = 0;

	for (; text[n] >= '0' && text[n] <= '9'; n++) {
		if (n == 15)
			return false;
		v = v * 10 + (text[n] - '0');
	}
	if (n == 0 || text[n] != '\0')
		return false;
	*out = (double)v;
	return true;
}

fg_rc
fg_surv_parse_number(const char *text, const char *field, double min, double max,
		     double *out, struct fg_error *err)
{
	bool ok;
	char *end;
	double v;

	ok = parse_whole(text, &v);
	if (!ok) {
		errno = 0;
		v = strtod(text, &end);
		ok = end != text && *end == '\0' && errno == 0;
	}
	if (!ok || !isfinite(v) || v < min || v > max) {
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
	if (kind == FG_RATE_QX && value >= 1.0)
		value = 1.0 - 1e-12;	/* the last, open age: death within the year is certain */
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
	*c = (struct cell){(int)year, sex - '1', (int)age, kind, value};
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
		*h = daily_hazard(c->kind, c->value);
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

/* Read the cells of a life table CSV file into cs (which the caller frees). */
static fg_rc
read_cells(const char *path, struct cells *cs, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	enum fg_rate_kind kind = FG_RATE_QX;
	fg_csv *csv = NULL;
	int col[4];
	bool row;
	fg_rc rc;

	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		return rc;
	rc = find_columns(csv, path, col, &kind, err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		struct cell c;

		rc = parse_cell(csv, col, kind, &c, err);
		if (rc != FG_OK)
			rc = fg_error_at_line(err, path, fg_csv_line(csv));
		else
			rc = push_cell(cs, &c, err);
	}
	if (rc == FG_OK && cs->count == 0)
		rc = fg_error_set(err, FG_INVALID, "file", "life table \"%s\" is empty", path);
	fg_csv_close(csv);
	return rc;
}

fg_rc
fg_ratetable_load(const char *path, struct fg_arena *arena,
		  struct fg_ratetable *out, struct fg_error *err)
{
	struct cells cs = {0};
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = read_cells(path, &cs, err);
	if (rc == FG_OK)
		rc = fill_table(&cs, path, arena, out, err);
	free(cs.items);
	return rc;
}

static fg_rc
insert_cells(fg_store *store, const char *name, const struct cells *cs, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(store, "DELETE FROM life_table WHERE name = ?", &st, err);

	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, name);
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "INSERT INTO life_table (name, year, sex, age, qx, mx)"
				      " VALUES (?, ?, ?, ?, ?, ?)", &st, err);
	for (size_t i = 0; rc == FG_OK && i < cs->count; i++) {
		const struct cell *c = &cs->items[i];

		fg_stmt_bind_text(st, 1, name);
		fg_stmt_bind_int64(st, 2, c->year);
		fg_stmt_bind_text(st, 3, c->sex ? "2" : "1");
		fg_stmt_bind_int64(st, 4, c->age);
		if (c->kind == FG_RATE_QX) {
			fg_stmt_bind_double(st, 5, c->value);
			fg_stmt_bind_null(st, 6);
		} else {
			fg_stmt_bind_null(st, 5);
			fg_stmt_bind_double(st, 6, c->value);
		}
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	return rc;
}

fg_rc
fg_ratetable_save(fg_store *store, const char *name, const char *path, size_t *rows,
		  struct fg_error *err)
{
	struct fg_ratetable check;
	struct fg_arena scratch;
	struct cells cs = {0};
	fg_rc rc;

	*rows = 0;
	fg_arena_init(&scratch, 0);
	if (name == NULL || *name == '\0' || strlen(name) > 64)
		rc = fg_error_set(err, FG_INVALID, "name", "invalid life table name \"%s\"", name ? name : "");
	else
		rc = read_cells(path, &cs, err);
	if (rc == FG_OK)
		rc = fill_table(&cs, path, &scratch, &check, err);	/* complete and without repeats */
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc == FG_OK) {
		rc = insert_cells(store, name, &cs, err);
		if (rc == FG_OK)
			rc = fg_store_commit(store, err);
		else
			fg_store_rollback(store);
	}
	if (rc == FG_OK)
		*rows = cs.count;
	free(cs.items);
	fg_arena_free(&scratch);
	return rc;
}

fg_rc
fg_ratetable_fetch(fg_store *store, const char *name, struct fg_arena *arena,
		   struct fg_ratetable *out, struct fg_error *err)
{
	struct cells cs = {0};
	fg_stmt *st;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(store, "SELECT year, sex, age, qx, mx FROM life_table WHERE name = ?"
			      " ORDER BY year, sex, age", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, name);
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		bool qx = !fg_stmt_is_null(st, 3);
		struct cell c = {
			(int)fg_stmt_int64(st, 0), fg_stmt_text(st, 1)[0] == '2', (int)fg_stmt_int64(st, 2),
			qx ? FG_RATE_QX : FG_RATE_MX, fg_stmt_double(st, qx ? 3 : 4),
		};

		rc = push_cell(&cs, &c, err);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && cs.count == 0)
		rc = fg_error_set(err, FG_NOTFOUND, "ratetable", "life table \"%s\" does not exist", name);
	if (rc == FG_OK)
		rc = fill_table(&cs, name, arena, out, err);
	free(cs.items);
	return rc;
}
