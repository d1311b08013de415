/*
 * fangai/summary.h
 *	  A summary of what a database holds: institutions, the population by
 *	  sex, age and district, and the size of every clinical register.
 */
#ifndef FANGAI_SUMMARY_H
#define FANGAI_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/store.h"

#define FG_AGE_GROUPS 19	/* 0, 1-4, 5-9, ... 80-84, 85+ (registry standard) */

/* Index of the registry age group of someone aged `age` completed years. */
int fg_age_group(int age);

/* Label of age group g: "0", "1-4", ... "85+".  Static string. */
const char *fg_age_group_label(int g);

struct fg_summary_district {
	char code[7];
	int64_t persons;
	int64_t male;
	int64_t female;
};

struct fg_summary_count {
	const char *name;	/* register, e.g. "tumours"; static */
	int64_t rows;
};

struct fg_summary {
	fg_date as_of;
	int schema_version;
	int64_t cancer_centres, hospitals, community_centres;
	int64_t persons, male, female, dead;
	int64_t by_age[2][FG_AGE_GROUPS];	/* [0] male, [1] female, at as_of */
	struct fg_summary_district *districts;	/* in the arena */
	size_t ndistricts;
	struct fg_summary_count registers[16];
	size_t nregisters;
};

/*
 * Summarise the database as of a day (ages are completed years then).
 * Lists are allocated in arena.
 */
fg_rc fg_summary_build(fg_store *store, fg_date as_of, struct fg_arena *arena,
		       struct fg_summary *out, struct fg_error *err);

#endif
