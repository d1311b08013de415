/*
 * registry_int.h
 *	  Internals shared by the files of lib/registry: the loaded tables and
 *	  the reader of data files.
 */
#ifndef FANGAI_REGISTRY_INT_H
#define FANGAI_REGISTRY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/registry.h"
#include "fangai/store.h"

#define REG_MORPH_FIRST 8000
#define REG_MORPH_COUNT 2000		/* 8000..9999 */
#define REG_FAMILIES 72			/* morphology families 1..70, 0 unused */

enum reg_family_kind { REG_FAMILY_ANY = 0, REG_FAMILY_MUST, REG_FAMILY_MUSTNOT };

/* One permitted morphology/behaviour combination and how it converts to ICD-10. */
struct reg_morph {
	uint8_t valid;
	uint8_t rare;			/* unlikely combination */
	char rule;			/* '1'..'5' by topography, 'M' morphology, 'S' site list */
	char sex;			/* 'F', 'M' or 0 */
	char icd10[FG_ICD10_MAX];	/* rule M */
	int16_t list;			/* rule S: first row in reg->sites */
};

struct reg_site_row {
	int16_t topo_from, topo_to;	/* inclusive; all sites for the closing row */
	uint8_t last;			/* the "all other sites" row ending a list */
	char male[FG_ICD10_MAX], female[FG_ICD10_MAX];	/* "=Tn": column n */
	char sex;
};

/* A row of a range table: [lo, hi] of a morphology (or topography) and a payload. */
struct reg_range {
	int age_from, age_to;
	int topo_from, topo_to;		/* -1: any */
	int morph_from, morph_to;
	int value;			/* sex, behaviour, allowed-grade bit set... */
	char icd10[FG_ICD10_MAX];
	const char *what;		/* in the arena */
};

struct reg_ranges {
	struct reg_range *rows;
	size_t count;
};

struct reg_stage_table;

struct fg_registry {
	struct fg_arena arena;
	const char *topo_label[FG_TOPO_MAX];
	const char *site_label[81];
	struct reg_morph morph[REG_MORPH_COUNT][10];
	const char *morph_label[REG_MORPH_COUNT][10];
	uint8_t family_kind[REG_MORPH_COUNT];
	uint8_t family[REG_MORPH_COUNT];
	uint8_t family_site[REG_FAMILIES][FG_TOPO_MAX];
	const char *family_label[REG_FAMILIES];
	char icd10_topo[FG_TOPO_MAX][5][FG_ICD10_MAX];
	struct reg_site_row *sites;
	size_t nsites;
	int16_t site_list_a[1024], site_list_b[64];	/* list number -> row */
	struct reg_ranges sex_site, age, behaviour_site, grade, basis, override;
	struct reg_stage_table *stages;
	size_t nstages;
	struct reg_ranges stage_sites;	/* what: site; icd10: default edition */
	char datadir[512];
};

/*
 * Call fn on every record of the data file datadir/name, with the cells of
 * the listed columns in that order (a missing column is an error, unless
 * its name is written with a leading '?': then its cells read as "").  fn
 * returns FG_OK to go on; its error stops the read.  Errors name the file
 * and line.
 */
typedef fg_rc (*reg_row_fn)(void *ud, const char *const *cells, long line,
			    struct fg_error *err);
fg_rc reg_read(const char *datadir, const char *name, const char *const *columns,
	       int ncols, reg_row_fn fn, void *ud, struct fg_error *err);

/* Parse a whole integer cell in [min, max] into *out; FG_INVALID otherwise. */
fg_rc reg_int(const char *text, const char *file, long line, int min, int max,
	      int *out, struct fg_error *err);

/* The first row of table r that matches (age, topography, morphology), or NULL. */
const struct reg_range *reg_range_find(const struct reg_ranges *r, int age,
				       int topo, int morph);

/* True if morphology (8000..9999) has any permitted behaviour in ICD-O-3. */
bool reg_morphology_known(const struct fg_registry *reg, int morphology);

/*
 * Room for one more item in an arena array of count items of size bytes:
 * returns items (or a larger copy, *cap updated), NULL when out of memory.
 */
void *reg_grow(struct fg_arena *arena, void *items, size_t count, size_t *cap, size_t size);

/* Read one result row into item (a struct of the caller's type). */
typedef void (*reg_row_reader)(fg_stmt *st, void *item);

/*
 * Run sql with the int64 parameters params[0..nparams) and read every row
 * with read into a new arena array of items of size bytes: *items and
 * *count.  FG_NOMEM or the store's error on failure.
 */
fg_rc reg_select(fg_store *store, const char *sql, const int64_t *params, int nparams,
		 struct fg_arena *arena, size_t size, reg_row_reader read, void **items,
		 size_t *count, struct fg_error *err);

/* Load the stage tables listed in data/tnm/tables.csv. */
fg_rc reg_stage_load(struct fg_registry *reg, struct fg_error *err);

/* Bind text at idx, or NULL when text is NULL or "". */
void reg_bind_text_or_null(fg_stmt *st, int idx, const char *text);

#endif
