/*
 * fangai/incidence.h
 *	  The incidence table: cases and population denominators by site, sex,
 *	  district and year, each by the 19 registry age groups, collapsed to
 *	  any breakdown for the rates of fangai/rates.h.
 *
 * Values of each dimension are interned texts with small ids; a key holds
 * one id per dimension, -1 where the data are not broken down by it.  The
 * population is loaded first: a case whose sex, district and year have no
 * population is refused, so that no rate silently lacks its denominator.
 *
 * The table owns its memory: free it with fg_incidence_free().
 */
#ifndef FANGAI_INCIDENCE_H
#define FANGAI_INCIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/finding.h"
#include "fangai/sitegroup.h"
#include "fangai/summary.h"

#define FG_MAX_PROBLEMS 100	/* bad rows reported from one file */

enum fg_dim { FG_DIM_SITE, FG_DIM_SEX, FG_DIM_DISTRICT, FG_DIM_YEAR, FG_NDIMS };

typedef struct fg_incidence fg_incidence;

/* Name of a dimension: "site", "sex", "district", "year".  Static string. */
const char *fg_dim_name(enum fg_dim dim);

/* Parse a comma-separated list of dimension names into by[]; FG_INVALID naming the word. */
fg_rc fg_dims_parse(const char *list, bool by[FG_NDIMS], struct fg_error *err);

/* A new empty table in *out; FG_NOMEM on failure. */
fg_rc fg_incidence_new(fg_incidence **out, struct fg_error *err);

/* Free the table and everything in it.  Accepts NULL. */
void fg_incidence_free(fg_incidence *inc);

/*
 * The id of a value of dimension dim, interning text if it is new.  Ids
 * count from 0 in the order values are first seen.  FG_NOMEM; FG_INVALID
 * when text is empty or longer than 63 bytes.
 */
fg_rc fg_incidence_value(fg_incidence *inc, enum fg_dim dim, const char *text,
			 int *id, struct fg_error *err);

/* Text of value id of dimension dim, or "" for -1.  Owned by the table. */
const char *fg_incidence_value_text(const fg_incidence *inc, enum fg_dim dim, int id);

/* Number of values of dimension dim interned so far. */
size_t fg_incidence_nvalues(const fg_incidence *inc, enum fg_dim dim);

/*
 * Describe a key in buf ("sex \"1\", district \"110105\", year \"2019\""): the
 * dimensions it is broken down by, or "the whole population".  Returns buf.
 */
const char *fg_incidence_describe(const fg_incidence *inc, const int key[FG_NDIMS], char *buf,
				  size_t bufsz);

/*
 * Order of two keys: by site id (the order sites were interned), then by
 * the texts of sex, district and year; -1 (not broken down) first.
 */
int fg_incidence_key_compare(const fg_incidence *inc, const int a[FG_NDIMS],
			     const int b[FG_NDIMS]);

/*
 * Add n persons (person-years) to the population of key (its site is
 * ignored) in age group g.  Every population cell must be broken down by
 * the same dimensions, and be given once: FG_CONFLICT for a cell given
 * twice, FG_INVALID for a key broken down differently from the first.
 */
fg_rc fg_incidence_add_population(fg_incidence *inc, const int key[FG_NDIMS], int g,
				  double n, struct fg_error *err);

/*
 * Add n cases of key in age group g.  FG_NOTFOUND (field: the first
 * dimension of the key that has no population) when no population was
 * given for the key's sex, district and year; the message names the value.
 * A case counted under several sites (a group and the totals) is added
 * once per site: collapse over sites only tables whose cases were each
 * added once.
 */
fg_rc fg_incidence_add_cases(fg_incidence *inc, const int key[FG_NDIMS], int g, double n,
			     struct fg_error *err);

/*
 * Add n cases of key (its site ignored) in age group g under each site id
 * whose bit is set in sites -- the mask fg_site_group_classify gives, when
 * the site groups were interned first, in their order -- or as
 * fg_incidence_add_cases when sites is 0.  Fails as fg_incidence_add_cases.
 */
fg_rc fg_incidence_add_case_sites(fg_incidence *inc, const int key[FG_NDIMS], uint64_t sites,
				  int g, double n, struct fg_error *err);

/* One stratum of a collapsed table. */
struct fg_incidence_row {
	int key[FG_NDIMS];			/* -1 in the dimensions not broken down */
	double count[FG_AGE_GROUPS];
	double pop[FG_AGE_GROUPS];
};

/*
 * Collapse the table to the breakdown by[] (site, sex, district, year):
 * every stratum with cases, with its cases summed over the other
 * dimensions and the population of its sex, district and year.  Rows are
 * allocated in arena, ordered by site id, sex, district and year.
 * FG_INVALID when the cases or the population are not broken down by a
 * dimension of by[], or when a stratum has cases and no population.
 */
fg_rc fg_incidence_collapse(const fg_incidence *inc, const bool by[FG_NDIMS],
			    struct fg_arena *arena, struct fg_incidence_row **rows,
			    size_t *nrows, struct fg_error *err);

/*
 * Read a population CSV into the table: columns sex, age_group and
 * population (or count), and optionally district and year, one row per
 * cell.  Errors name the file, line, field and value.  When problems is
 * not NULL, each bad row is added to it as an error (at most
 * FG_MAX_PROBLEMS of them) and reading goes on; the call then fails with
 * FG_INVALID saying how many rows were bad.
 */
fg_rc fg_incidence_read_population(fg_incidence *inc, const char *path,
				   struct fg_findings *problems, struct fg_error *err);

/*
 * Read a cases CSV into the table: individual records (one case per row)
 * or aggregated counts (a column count).  Columns: sex; age (completed
 * years) or age_group; optionally year or incidence_date, district, and
 * icd10 or site.  An icd10 code is classified into the site groups of
 * sites (when not NULL), and codes outside the registry's scope are
 * refused; a site is a label taken as it is.  With by_site each case is
 * recorded under its group and under the totals (or under its label);
 * without, no site is recorded.  Errors name the file, line, field and
 * value; a case without population is refused.
 */
fg_rc fg_incidence_read_cases(fg_incidence *inc, const char *path,
			      const struct fg_site_groups *sites, bool by_site,
			      struct fg_error *err);

/*
 * The population cells of the table, one row per sex, district and year
 * (count all 0), allocated in arena and ordered as fg_incidence_collapse
 * orders them.  FG_INVALID naming the cell when complete is set and a
 * cell lacks one of the 19 age groups.
 */
fg_rc fg_incidence_population(const fg_incidence *inc, bool complete,
			      struct fg_arena *arena, struct fg_incidence_row **rows,
			      size_t *nrows, struct fg_error *err);

/* True if the population is broken down by dimension dim. */
bool fg_incidence_population_by(const fg_incidence *inc, enum fg_dim dim);

#endif
