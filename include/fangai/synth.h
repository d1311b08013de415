/*
 * fangai/synth.h
 *	  The synthetic city: a deterministic generator of a realistic region
 *	  (institutions and residents) for the demo, the tests and benchmarks.
 *
 * The same seed, size and as-of date always give the same city.  The
 * reference tables it samples from are the files under data/synth/.
 */
#ifndef FANGAI_SYNTH_H
#define FANGAI_SYNTH_H

#include <stdint.h>

#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/identity.h"
#include "fangai/name.h"
#include "fangai/store.h"

struct fg_synth_options {
	uint64_t seed;
	int64_t persons;		/* residents to generate */
	fg_date as_of;			/* the day the city is generated for */
	const char *datadir;		/* NULL: fg_datadir() */
	int64_t batch;			/* persons per transaction; 0: 20000 */
	/* Called every few thousand persons; may be NULL. */
	void (*progress)(int64_t done, int64_t total, void *userdata);
	void *userdata;
};

struct fg_synth_report {
	int64_t institutions;
	int64_t persons;
	int64_t id_collisions;		/* drawn ID numbers that were taken, drawn again */
};

/*
 * Generate the city into an empty database: the institutions of
 * data/synth/institutions.csv, then `persons` residents following the
 * census age/sex pyramid, with valid ID numbers, names drawn from surname
 * and given-name frequencies, phones and addresses.  Persons are written
 * through the person registry, in transactions of a few thousand.
 *
 * FG_CONFLICT if the database already holds institutions; FG_IO or
 * FG_INVALID if a data file is missing or malformed.  On failure the
 * batch in progress is rolled back; earlier batches stay.
 */
fg_rc fg_synth_city(fg_store *store, const struct fg_synth_options *opts,
		    struct fg_synth_report *report, struct fg_error *err);

struct fg_synth_screening_options {
	uint64_t seed;
	fg_date as_of;			/* histories end on this day */
	const char *datadir;		/* NULL: fg_datadir() */
};

struct fg_synth_screening_report {
	int64_t episodes, questionnaires, exams, outcomes;
};

/*
 * Give the residents of a generated city screening histories: every
 * district enrolled in each programme of data/synth/screening.csv 18
 * months before as_of, questionnaires answered from item frequencies,
 * first exams with findings drawn by weight (classified by the programme's
 * scheme), and diagnoses for part of the referred.  Everything goes through
 * the screening library.  One transaction per programme.
 */
fg_rc fg_synth_screening(fg_store *store, const struct fg_synth_screening_options *opts,
			 struct fg_synth_screening_report *report, struct fg_error *err);

/* One resident drawn by fg_synth_residents(); texts as a person would be entered. */
struct fg_synth_resident {
	char id_number[FG_RESIDENT_ID_LEN + 1];
	char name[FG_NAME_MAX];
	char sex[2];			/* "1" or "2" */
	char birth_date[FG_DATE_TEXT_MAX];
	char phone[16];			/* "" for none */
	char address[192];
	char district[7];
};

typedef fg_rc (*fg_synth_resident_fn)(const struct fg_synth_resident *r,
				      void *userdata, struct fg_error *err);

/*
 * Draw opts->persons residents of the synthetic city as fg_synth_city()
 * would, without a database, passing each to fn (the resident is valid
 * during the call only).  Resident ID numbers are unique within a run.
 * Stops at the first failure of fn and returns it; FG_IO or FG_INVALID if
 * a data file is missing or malformed.  opts->progress is not called.
 */
fg_rc fg_synth_residents(const struct fg_synth_options *opts,
			 fg_synth_resident_fn fn, void *userdata,
			 struct fg_error *err);

struct fg_synth_network_report {
	int64_t schedules, slots, appointments, referrals, consultations;
};

/*
 * Add the referral network to a generated city (fg_synth_city first):
 * schedules and slots of the hospitals and the cancer centre over the 90
 * days before opts->as_of and 14 days after, screening bookings by the
 * community centres, two-way referrals taken through their states as far
 * as the as-of day allows (some overdue, as in life), and consultations
 * with expert opinions.  Deterministic for the seed; opts->persons is not
 * used (the residents present are).  One transaction: all or nothing.
 */
fg_rc fg_synth_network(fg_store *store, const struct fg_synth_options *opts,
		       struct fg_synth_network_report *report, struct fg_error *err);

struct fg_synth_registry_options {
	uint64_t seed;
	fg_date as_of;			/* the last day of the registry's years */
	int years;			/* incidence years ending with as_of's; 0: 10 */
	const char *datadir;		/* NULL: fg_datadir() */
};

struct fg_synth_registry_report {
	int64_t tumours;		/* registered through the tumour library */
	int64_t refused;		/* drawn tumours the checks refused */
	int64_t treatments;		/* first-course treatments */
	int64_t contacts;		/* follow-up contacts recorded */
	int64_t deaths;			/* death records */
	int64_t dco;			/* DCO tumours made from them */
	int64_t population_rows;	/* district x year x sex x age group */
	size_t life_table_cells;	/* year x sex x age of the life table */
};

/* The life table the registry of a synthetic city stores, and its file under data/survival/. */
#define FG_SYNTH_LIFE_TABLE "china"
#define FG_SYNTH_LIFE_TABLE_FILE "lifetable-china-wpp2024.csv"

/*
 * Give a generated city (fg_synth_city first) its cancer registry over the
 * `years` calendar years ending with as_of's: each resident may get one new
 * cancer, drawn year by year at the age- and sex-specific incidence of
 * data/synth/cancer-age.csv, its site from cancer-sites.csv (Chinese site
 * mix, with typical codes, stage categories and microscopic verification),
 * stored with fg_tumour_add(), with first-course treatments; a follow-up plan with contacts up to as_of
 * (a few patients lost); deaths drawn from the site's five-year survival,
 * reported as death records (a few cancers only there) and processed by
 * fg_death_process() (linkage, vital status, DCO tumours); then the
 * population table from the residents alive on 1 July of each year, and the
 * Chinese life table (FG_SYNTH_LIFE_TABLE_FILE) as life table
 * FG_SYNTH_LIFE_TABLE for relative and net survival.
 * Deterministic for the seed.  Tumours commit in batches; on failure the
 * batch in progress is rolled back.
 */
fg_rc fg_synth_registry(fg_store *store, const struct fg_synth_registry_options *opts,
			struct fg_synth_registry_report *report, struct fg_error *err);

#endif
