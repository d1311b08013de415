/*
 * fangai/rates.h
 *	  Incidence statistics of a population cancer registry: crude and
 *	  age-specific rates, age-standardised rates (ASR) with Fay-Feuer gamma
 *	  confidence intervals, the cumulative rate and risk 0-74, the truncated
 *	  rate 35-64, and the estimated annual percentage change (EAPC).
 *
 * Rates are per person-year here; callers scale them (per 100,000, or %)
 * for display.  Age groups are the 19 registry groups of fangai/summary.h:
 * 0, 1-4, 5-9 ... 80-84, 85+.
 *
 * Everything here is pure arithmetic over arrays: no allocation, no files,
 * except fg_stdpop_load, which reads a standard population file.
 */
#ifndef FANGAI_RATES_H
#define FANGAI_RATES_H

#include <stddef.h>

#include "fangai/error.h"
#include "fangai/summary.h"

#define FG_RATES_MAX_STD 4		/* standards per table */
#define FG_TRUNC_FIRST 8		/* 35-39 */
#define FG_TRUNC_LAST 13		/* 60-64 */
#define FG_CUM_LAST 15			/* 70-74 */

/* A standard population: a weight per age group, on any scale. */
struct fg_stdpop {
	char name[64];			/* "china2000", "segi", "who2000", or the file's name without ".csv" */
	double weight[FG_AGE_GROUPS];
};

/*
 * Load a standard population: one of the built-in names china2000, segi
 * and who2000 (read from data/stdpop/NAME.csv under fg_datadir()), or the
 * path of a CSV file with the columns age_group and weight and one row for
 * each of the 19 age groups ('#' lines are comments).  FG_IO if the file
 * cannot be read; FG_INVALID naming the file, line, field and value for a
 * malformed row, a missing or repeated age group or a negative weight.
 */
fg_rc fg_stdpop_load(const char *name, struct fg_stdpop *out, struct fg_error *err);

/*
 * Index of the age group labelled text ("0", "1-4", ... "85+", also
 * "0-0", "85-" and "85-99"), or -1 if text names none.
 */
int fg_age_group_parse(const char *text);

/* Width in years of age group g for cumulative rates: 1, 4, then 5. */
double fg_age_group_width(int g);

/* A directly standardised rate and its confidence interval. */
struct fg_dsr {
	double rate;			/* sum of w_i count_i / pop_i, weights summing to 1 */
	double var;			/* sum of w_i^2 count_i / pop_i^2 */
	double lci, uci;
};

/*
 * Directly standardise n age-specific counts over populations with the
 * standard weights stdpop (any scale), and give the Fay-Feuer (1997) gamma
 * interval at level conf, exactly as R's epitools::ageadjust.direct: the
 * lower limit is the conf/2 gamma quantile with mean rate and variance
 * var; the upper one adds wm = max(w_i / pop_i) to the mean and wm^2 to
 * the variance.  Groups whose population is 0 contribute nothing (they
 * must have no cases) and are left out of wm.  Without any case the lower
 * limit is 0 (R gives NaN there).
 *
 * FG_INVALID (field "count" or "population") when a count or population
 * is negative or not finite, when cases have no population, or when the
 * standard's weights sum to 0; FG_MISUSE for conf outside (0, 1).
 */
fg_rc fg_rate_direct(size_t n, const double *count, const double *pop,
		     const double *stdpop, double conf, struct fg_dsr *out,
		     struct fg_error *err);

/* The statistics of one stratum (a site, sex, district, year...). */
struct fg_rate_row {
	double cases, population;
	double crude;
	double age_specific[FG_AGE_GROUPS];	/* 0 where the population is 0 */
	struct fg_dsr asr[FG_RATES_MAX_STD];	/* one per standard asked for */
	struct fg_dsr truncated;		/* 35-64, with the truncation standard */
	double cumulative;			/* 0-74: sum of rate_i x width_i */
	double cumulative_risk;			/* 1 - exp(-cumulative) */
};

struct fg_rate_options {
	const struct fg_stdpop *standards;	/* nstandards of them */
	size_t nstandards;			/* 1..FG_RATES_MAX_STD */
	const struct fg_stdpop *truncation;	/* weights of the 35-64 rate (Segi in Chinese reports) */
	double conf;				/* e.g. 0.95 */
};

/*
 * Compute every statistic of a stratum from its counts and population by
 * age group.  Fails as fg_rate_direct does; *out is then unspecified.
 */
fg_rc fg_rates_compute(const double count[FG_AGE_GROUPS],
		       const double pop[FG_AGE_GROUPS],
		       const struct fg_rate_options *opts, struct fg_rate_row *out,
		       struct fg_error *err);

/* An estimated annual percentage change and its interval. */
struct fg_eapc {
	size_t years;
	double intercept;		/* fitted log(rate) = intercept + slope x year */
	double slope, slope_se;		/* of log(rate) on year */
	double eapc, lci, uci;		/* percent per year */
};

/*
 * Fit log(rate) = a + b year by least squares over n years and give
 * EAPC = 100 (e^b - 1) with the interval 100 (e^(b -+ t se(b)) - 1), t the
 * (1 + conf)/2 quantile of Student's t with n - 2 degrees of freedom, as
 * R's lm() and qt() give them.  FG_INVALID (field "year") for fewer than
 * three distinct years or a repeated year, (field "rate") for a rate that
 * is not positive: log-linear trends need positive rates.
 */
fg_rc fg_eapc_fit(size_t n, const double *year, const double *rate, double conf,
		  struct fg_eapc *out, struct fg_error *err);

#endif
