/*
 * synth_int.h
 *	  Shared machinery of the synthetic-city generators: a seeded random
 *	  generator and weighted tables loaded from data/synth/ files.
 */
#ifndef FANGAI_SYNTH_INT_H
#define FANGAI_SYNTH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
struct synth_rng {
	uint64_t s[4];
};

void synth_rng_seed(struct synth_rng *rng, uint64_t seed);
uint64_t synth_rng_next(struct synth_rng *rng);
/* Uniform integer in [0, n), n > 0. */
uint64_t synth_rng_below(struct synth_rng *rng, uint64_t n);
/* Uniform double in [0, 1). */
double synth_rng_unit(struct synth_rng *rng);

/*
 * A table read from a CSV file under data/synth/: its rows as text, and
 * optionally a cumulative weight per row for sampling.
 */
struct synth_table {
	size_t nrows, ncols;
	const char **cells;		/* nrows * ncols, row-major, in the arena */
	double *cumulative;		/* NULL unless weighted */
};

/*
 * Load datadir/synth/NAME into t, requiring the listed columns (in that
 * order in t; other columns are ignored).  weight_col, if not NULL, names
 * the column of sampling weights.  FG_IO or FG_INVALID naming the file.
 */
fg_rc synth_table_load(const char *datadir, const char *name,
		       const char *const *columns, size_t ncols,
		       const char *weight_col, struct fg_arena *arena,
		       struct synth_table *t, struct fg_error *err);

/* Cell (row, col) of a table. */
const char *synth_cell(const struct synth_table *t, size_t row, size_t col);

/* Draw a row index with probability proportional to its weight. */
size_t synth_pick(const struct synth_table *t, struct synth_rng *rng);

/*
 * Cumulative sampling weights from column col of t (a table may carry
 * several weightings, such as one for men and one for women), in the
 * arena.  NULL when out of memory or a cell is not a non-negative number.
 */
double *synth_weights(const struct synth_table *t, size_t col,
		      struct fg_arena *arena);

/* Draw a row from explicit cumulative weights of n rows. */
size_t synth_pick_cumulative(const double *cumulative, size_t n,
			     struct synth_rng *rng);

#endif
