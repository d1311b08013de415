/*
 * stats_int.h
 *	  Helpers shared by the files of lib/stats: the reading of registry
 *	  CSV files (the distributions are public, in fangai/distrib.h).
 */
#ifndef FANGAI_STATS_INT_H
#define FANGAI_STATS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/csv.h"
#include "fangai/distrib.h"
#include "fangai/error.h"
#include "fangai/incidence.h"

/* Reading registry CSV files, with errors that name file, line, field and value. */

struct stats_file {
	fg_csv *csv;
	const char *path;
};

/* Open path as a CSV with a header ('#' comment lines allowed). */
fg_rc stats_file_open(struct stats_file *f, const char *path, struct fg_error *err);

/* Index of the first of the columns names (NULL-terminated) present, or -1. */
int stats_column(const struct stats_file *f, const char *const *names);

/* As stats_column, but FG_INVALID naming the file and the first name when none is present. */
fg_rc stats_column_required(const struct stats_file *f, const char *const *names, int *col,
			    struct fg_error *err);

/* Set err to FG_INVALID: invalid FIELD "VALUE" at line N of "PATH". */
fg_rc stats_field_error(const struct stats_file *f, const char *field, const char *value,
			struct fg_error *err);

/* Append " at line N of "PATH"" to the message of an error about the current row. */
fg_rc stats_locate(const struct stats_file *f, fg_rc rc, struct fg_error *err);

/* Field col of the current row ("" for col < 0). */
const char *stats_text(const struct stats_file *f, int col);

/* Columns giving a stratum's sex, district and year (-1 when absent). */
struct stats_key_columns {
	int sex, district, year, date;
	bool any_sex;		/* accept 0 (unknown) and 9 (unspecified) too */
};

/* Find the key columns; sex is required. */
fg_rc stats_key_columns(const struct stats_file *f, struct stats_key_columns *c,
			struct fg_error *err);

/*
 * Read the sex ('1' or '2' only, since rates need a population of that
 * sex, unless c->any_sex), district and year (or the year of a date) of the current row into key,
 * interning the values in inc.  Absent columns give -1.
 */
fg_rc stats_read_key(const struct stats_file *f, const struct stats_key_columns *c,
		     fg_incidence *inc, int key[FG_NDIMS], struct fg_error *err);

/* A number zero or greater from column col, named field in errors. */
fg_rc stats_read_count(const struct stats_file *f, int col, const char *field, double *out,
		       struct fg_error *err);

/*
 * Intern the codes of the site groups into an empty site dimension, so that
 * a site's id is its index in the table.  FG_MISUSE if sites were interned.
 */
fg_rc stats_intern_sites(fg_incidence *inc, const struct fg_site_groups *sites,
			 struct fg_error *err);

/* Cells of counts by age group, keyed by packed dimension ids. */

struct stats_cell {
	uint64_t key;
	double v[FG_AGE_GROUPS];
	uint32_t given;		/* age groups set, for population cells */
};

/* Open-addressing map from packed keys to cells; slots hold cell index + 1. */
struct stats_cellmap {
	struct stats_cell *cells;
	size_t n, cap;
	uint32_t *slots;
	size_t nslots;
};

/* Mix the bits of x (a finaliser of MurmurHash3). */
uint64_t stats_hash64(uint64_t x);

/* FNV-1a of a string, mixed. */
uint64_t stats_hash_text(const char *s);

/*
 * Grow a slot array to twice its size and re-insert entries 0..n-1 with
 * hash(ctx, i).  False when out of memory (the old array is kept).
 */
bool stats_rehash(uint32_t **slots, size_t *nslots, size_t n,
		  uint64_t (*hash)(const void *, size_t), const void *ctx);

/* The cell of key, created (zeroed) if create and absent; NULL if absent or out of memory. */
struct stats_cell *stats_cellmap_get(struct stats_cellmap *m, uint64_t key, bool create);

/* Free the map's arrays and empty it. */
void stats_cellmap_free(struct stats_cellmap *m);

/* Pack a key of dimension ids (-1..65534 each) into 64 bits, and back. */
uint64_t stats_key_pack(const int key[FG_NDIMS]);
void stats_key_unpack(uint64_t k, int key[FG_NDIMS]);

#endif
