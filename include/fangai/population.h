/*
 * fangai/population.h
 *	  Population denominators in the database: the population table
 *	  (district x year x sex x 19 age groups), imported from CSV, and the
 *	  incidence table filled from the database's tumours and populations.
 */
#ifndef FANGAI_POPULATION_H
#define FANGAI_POPULATION_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/error.h"
#include "fangai/finding.h"
#include "fangai/incidence.h"
#include "fangai/sitegroup.h"
#include "fangai/store.h"

struct fg_population_import {
	int64_t institution_id;		/* owner of the rows; 0: the first cancer centre */
	bool replace;			/* replace cells already stored instead of refusing */
};

struct fg_population_report {
	int64_t cells;			/* sex x district x year cells */
	int64_t rows;			/* rows written (19 per cell) */
	int64_t persons;		/* their total population */
};

/*
 * Import a population CSV (columns district, year, sex, age_group and
 * population, each sex, district and year with all 19 age groups) into
 * the population table, all or nothing: every row is checked first, and
 * the rows are written in one transaction.  Errors name the file, line,
 * field and value (FG_INVALID), or the cell stored already (FG_CONFLICT,
 * unless opts->replace).  FG_NOTFOUND if the institution does not exist.
 * When problems is not NULL, every bad row (up to FG_MAX_PROBLEMS) is
 * listed there as an error, and err says how many there were.
 */
fg_rc fg_population_import(fg_store *store, const char *path,
			   const struct fg_population_import *opts,
			   struct fg_findings *problems,
			   struct fg_population_report *report, struct fg_error *err);

/*
 * Fill an empty incidence table from the database: the population table,
 * then every tumour whose ICD-10 code is in the registry's scope (others,
 * such as in situ and benign tumours, are left out), with the sex and age
 * at incidence of its person, the district and the year of incidence.
 * With by_site each tumour counts in its site group and in the totals.
 * FG_INVALID naming the tumour for one without an ICD-10 code or without a
 * population for its sex, district and year.
 */
fg_rc fg_incidence_read_store(fg_incidence *inc, fg_store *store,
			      const struct fg_site_groups *sites, bool by_site,
			      struct fg_error *err);

/* The records counted as cases by fg_incidence_read_store_cases(). */
enum fg_case_source {
	FG_CASES_TUMOURS,	/* tumours, at their incidence date (incidence) */
	FG_CASES_DEATHS,	/* death records, at the date of death, by underlying cause (mortality) */
};

/*
 * As fg_incidence_read_store, of one year (0: every year) and of the
 * districts whose code starts with district (NULL or "": all), counting
 * the records of source: tumours, or death records by their underlying
 * cause (those outside the registry's scope left out; the age from the
 * record's birth date, else its person's).  FG_NOTFOUND when the database
 * holds no population of the year and districts; FG_INVALID naming the
 * record for one without a sex, birth date or population.
 */
fg_rc fg_incidence_read_store_cases(fg_incidence *inc, fg_store *store,
				    const struct fg_site_groups *sites, bool by_site,
				    enum fg_case_source source, int year, const char *district,
				    struct fg_error *err);

#endif
