/*
 * fangai/quality.h
 *	  Data-quality indicators of a population cancer registry by site,
 *	  sex, district and year: MV% (microscopically verified), DCO% (death
 *	  certificate only), the mortality to incidence ratio M:I, the share
 *	  of unknown basis of diagnosis, of unknown primary site, and of
 *	  microscopically verified cases without a specific morphology.
 *
 * The codes of each indicator are data (data/registry/quality-codes.csv).
 * An fg_quality accumulator owns its memory: free it with fg_quality_free().
 */
#ifndef FANGAI_QUALITY_H
#define FANGAI_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/incidence.h"
#include "fangai/sitegroup.h"
#include "fangai/store.h"

#define FG_QUALITY_RANGES 32

/* A set of codes as inclusive ranges of numbers (ICD-10 codes as their slots). */
struct fg_code_set {
	int lo[FG_QUALITY_RANGES], hi[FG_QUALITY_RANGES];
	size_t count;
};

struct fg_quality_codes {
	struct fg_code_set mv, dco, unknown_basis;	/* basis of diagnosis codes */
	struct fg_code_set unknown_site;		/* ICD-10 slots (fg_icd10_slot) */
	struct fg_code_set morph_nos;			/* 4-digit morphology codes */
};

/*
 * Load the indicator codes (path NULL: data/registry/quality-codes.csv).
 * FG_INVALID naming the line for a malformed code or an indicator missing.
 */
fg_rc fg_quality_codes_load(const char *path, struct fg_quality_codes *out,
			    struct fg_error *err);

/* True if value is in the set. */
bool fg_code_set_has(const struct fg_code_set *set, int value);

/* One stratum's counts. */
struct fg_quality_row {
	int key[FG_NDIMS];		/* -1 in the dimensions not broken down */
	double cases, mv, dco, unknown_basis, unknown_site, morph_nos, deaths;
};

typedef struct fg_quality fg_quality;

/*
 * A new accumulator breaking down by by[]; sites classifies ICD-10 codes
 * into site groups (each case counts in its group and the totals when by
 * site).  The tables must outlive the accumulator.  FG_NOMEM on failure.
 */
fg_rc fg_quality_new(const bool by[FG_NDIMS], const struct fg_site_groups *sites,
		     const struct fg_quality_codes *codes, fg_quality **out,
		     struct fg_error *err);

/* Free the accumulator.  Accepts NULL. */
void fg_quality_free(fg_quality *q);

/*
 * Read a tumour CSV: columns icd10, sex, basis and morphology (4 digits;
 * "8140/3" and "81403" are read as 8140), and optionally year (or
 * incidence_date) and district.  Errors name the file, line, field and
 * value; ICD-10 codes outside the registry's scope are refused.
 */
fg_rc fg_quality_read_tumours(fg_quality *q, const char *path, struct fg_error *err);

/*
 * Read a deaths CSV for M:I: columns icd10 (underlying cause), sex, and
 * optionally year (or death_date), district and count (default 1).
 * Deaths from causes outside the registry's scope are not counted.
 */
fg_rc fg_quality_read_deaths(fg_quality *q, const char *path, struct fg_error *err);

/*
 * Count the database's tumours (those whose ICD-10 code is in the
 * registry's scope; in situ and benign ones are left out), by the sex of
 * their person, their district and year of incidence, and its death
 * records whose underlying cause is a registered cancer, for M:I.
 * FG_INVALID naming the tumour or death record for a missing ICD-10 code
 * or an invalid basis, morphology or date.
 */
fg_rc fg_quality_read_store(fg_quality *q, fg_store *store, struct fg_error *err);

/*
 * The strata, ordered by site, sex, district and year, allocated in arena.
 * FG_INVALID if a file lacked a column the breakdown needs.
 */
fg_rc fg_quality_rows(const fg_quality *q, struct fg_arena *arena,
		      struct fg_quality_row **rows, size_t *nrows, struct fg_error *err);

/* Text of value id of dimension dim ("" for -1); owned by the accumulator. */
const char *fg_quality_value_text(const fg_quality *q, enum fg_dim dim, int id);

#endif
