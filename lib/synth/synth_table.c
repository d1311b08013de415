/*
 * synth_table.c
 *	  Random numbers and weighted reference tables for the synthetic city.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "synth_int.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void
synth_rng_seed(struct synth_rng *rng, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
synth_rng_next(struct synth_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
synth_rng_below(struct synth_rng *rng, uint64_t n)
{
	/* Lemire's nearly divisionless bounded draw, without its rejection step:
	 * the bias is below 2^-32 for the table sizes used here. */
	return (uint64_t)(((unsigned __int128)synth_rng_next(rng) * n) >> 64);
}

double
synth_rng_unit(struct synth_rng *rng)
{
	return (double)(synth_rng_next(rng) >> 11) * 0x1.0p-53;
}

const char *
synth_cell(const struct synth_table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

double *
synth_weights(const struct synth_table *t, size_t col, struct fg_arena *arena)
{
	double *cum = fg_arena_alloc(arena, t->nrows * sizeof(*cum));
	double total = 0;

	if (cum == NULL)
		return NULL;
	for (size_t i = 0; i < t->nrows; i++) {
		char *end;
		double w = strtod(synth_cell(t, i, col), &end);

		if (*end != '\0' || end == synth_cell(t, i, col) || w < 0)
			return NULL;
		total += w;
		cum[i] = total;
	}
	return total > 0 ? cum : NULL;
}

size_t
synth_pick_cumulative(const double *cumulative, size_t n, struct synth_rng *rng)
{
	double x = synth_rng_unit(rng) * cumulative[n - 1];
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cumulative[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

size_t
synth_pick(const struct synth_table *t, struct synth_rng *rng)
{
	return synth_pick_cumulative(t->cumulative, t->nrows, rng);
}

/* Append one row's cells to a growing array. */
static fg_rc
add_row(struct synth_table *t, size_t *cap, const int *index, fg_csv *csv,
	struct fg_arena *arena)
{
	if ((t->nrows + 1) * t->ncols > *cap) {
		size_t ncap = *cap ? *cap * 2 : 64 * t->ncols;
		const char **cells = fg_arena_alloc(arena, ncap * sizeof(*cells));

		if (cells == NULL)
			return FG_NOMEM;
		if (t->nrows)
			memcpy(cells, t->cells, t->nrows * t->ncols * sizeof(*cells));
		t->cells = cells;
		*cap = ncap;
	}
	for (size_t j = 0; j < t->ncols; j++) {
		const char *v = fg_arena_strdup(arena, fg_csv_field(csv, (size_t)index[j]));

		if (v == NULL)
			return FG_NOMEM;
		t->cells[t->nrows * t->ncols + j] = v;
	}
	t->nrows++;
	return FG_OK;
}

fg_rc
synth_table_load(const char *datadir, const char *name,
		 const char *const *columns, size_t ncols, const char *weight_col,
		 struct fg_arena *arena, struct synth_table *t, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	int index[16];
	char path[PATH_MAX];
	size_t cap = 0, wcol = 0;
	fg_csv *csv = NULL;
	bool row;
	fg_rc rc;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	snprintf(path, sizeof(path), "%s/synth/%s", datadir, name);
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		return rc;
	for (size_t j = 0; j < ncols && j < 16; j++) {
		index[j] = fg_csv_column(csv, columns[j]);
		if (index[j] < 0) {
			rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" has no column \"%s\"",
					  path, columns[j]);
			goto out;
		}
		if (weight_col != NULL && strcmp(columns[j], weight_col) == 0)
			wcol = j;
	}
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		rc = add_row(t, &cap, index, csv, arena);
		if (rc != FG_OK) {
			fg_error_set(err, rc, NULL, "out of memory loading \"%s\"", path);
			goto out;
		}
	}
	if (rc != FG_OK)
		goto out;
	if (t->nrows == 0) {
		rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" has no rows", path);
		goto out;
	}
	if (weight_col != NULL) {
		t->cumulative = synth_weights(t, wcol, arena);
		if (t->cumulative == NULL)
			rc = fg_error_set(err, FG_INVALID, "file",
					  "file \"%s\" has a weight that is not a non-negative number", path);
	}
out:
	fg_csv_close(csv);
	return rc;
}
