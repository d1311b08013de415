/*
 * fangai/survival.h
 *	  Survival analysis: Kaplan-Meier with Greenwood standard errors and
 *	  confidence intervals, quantiles (median) with confidence intervals,
 *	  the log-rank test, the actuarial life table, and relative (Ederer II)
 *	  and net (Pohar Perme) survival against population life tables.
 *
 * The estimators follow the definitions of R's survival::survfit and
 * survdiff, KMsurv::lifetab and relsurv::rs.surv, and are checked against
 * them to 1e-6 (tests/r/).  Results are allocated in the caller's arena.
 * A value that R reports as NA is NAN here.
 */
#ifndef FANGAI_SURVIVAL_H
#define FANGAI_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/distrib.h"
#include "fangai/error.h"
#include "fangai/store.h"

/* Days per year of the rate tables' age and calendar scale (as relsurv). */
#define FG_DAYS_PER_YEAR 365.241

enum fg_conf_type { FG_CONF_LOG, FG_CONF_LOGLOG, FG_CONF_PLAIN };

/* Parse "log", "log-log" or "plain"; FG_INVALID naming field otherwise. */
fg_rc fg_conf_type_parse(const char *text, const char *field,
			 enum fg_conf_type *out, struct fg_error *err);

/*
 * Parse a whole decimal number in [min, max] (a time, a rate).  FG_INVALID
 * naming field and text otherwise.
 */
fg_rc fg_surv_parse_number(const char *text, const char *field, double min,
			   double max, double *out, struct fg_error *err);

/* One step of a survival curve. */
struct fg_surv_point {
	double time;
	double n_risk;		/* counts; double so that weights could enter later */
	double n_event;
	double n_censor;
	double surv;
	double std_err;		/* standard error of surv */
	double lower, upper;	/* confidence bounds; NAN where undefined */
};

struct fg_surv_quantile {
	double p;		/* 0.25, 0.5, 0.75 of the distribution */
	double time;		/* NAN when not reached */
	double lower, upper;
};

#define FG_SURV_NQUANTILES 3

struct fg_km {
	struct fg_surv_point *points;	/* one per distinct time, in the arena */
	size_t npoints;
	double n;			/* subjects */
	double events;
	/* quartiles of survival time: 0.25, 0.5 (median), 0.75 */
	struct fg_surv_quantile quantiles[FG_SURV_NQUANTILES];
};

struct fg_km_options {
	enum fg_conf_type conf_type;
	double conf_level;		/* 0 means 0.95 */
	/*
	 * Delayed entry (left truncation, e.g. period analysis): subject i is
	 * at risk over (entry[i], time[i]], as survfit(Surv(entry, time,
	 * status)).  NULL: everyone enters at 0.  Used by fg_km_fit only.
	 */
	const double *entry;
};

/*
 * Kaplan-Meier estimate from n times and event indicators (1 event, 0
 * censored), as survival::survfit: a point per distinct time, Greenwood
 * variance, confidence bounds of conf_type (upper bounds capped at 1 for
 * log and plain), and the quartiles with their confidence intervals as
 * survfit's quantile method computes them.  With opts->entry the number at
 * risk at t counts the subjects with entry < t <= time.  The arrays are not
 * modified.  FG_INVALID for a negative or non-finite time, an entry not
 * before its time, or n == 0; FG_NOMEM.
 */
fg_rc fg_km_fit(const double *time, const unsigned char *event, size_t n,
		const struct fg_km_options *opts, struct fg_arena *arena,
		struct fg_km *out, struct fg_error *err);

struct fg_logrank {
	int ngroups;
	double *n, *observed, *expected;	/* per group, in the arena */
	double *variance;			/* diagonal of the variance matrix */
	double chisq;
	int df;
	double p_value;
};

/*
 * The log-rank test of equal survival across groups 0..ngroups-1 (group[i]
 * for each subject), as survival::survdiff with rho = 0.  FG_INVALID if a
 * group index is out of range or fewer than two groups are given.
 */
fg_rc fg_logrank_test(const double *time, const unsigned char *event,
		      const int *group, size_t n, int ngroups,
		      struct fg_arena *arena, struct fg_logrank *out,
		      struct fg_error *err);

/* One interval [start, end) of an actuarial life table (KMsurv::lifetab). */
struct fg_lifetab_row {
	double start, end;	/* end is INFINITY for the open last interval */
	double entered;		/* alive at the start */
	double lost;		/* censored within the interval */
	double at_risk;		/* entered - lost / 2 */
	double events;
	double surv;		/* at the start of the interval */
	double pdf, hazard;	/* NAN in the last interval */
	double se_surv, se_pdf, se_hazard;
	double lower, upper;	/* confidence bounds of surv */
};

struct fg_lifetab {
	struct fg_lifetab_row *rows;
	size_t nrows;
};

/*
 * The actuarial life table from counts: nbreaks interval boundaries (the
 * last may be INFINITY), and per interval the number lost and the number of
 * events, starting from `entered` subjects.  Confidence bounds use the
 * options' type on the standard error of surv.
 */
fg_rc fg_lifetab_counts(const double *breaks, size_t nbreaks, double entered,
			const double *lost, const double *events,
			const struct fg_km_options *opts, struct fg_arena *arena,
			struct fg_lifetab *out, struct fg_error *err);

/*
 * The actuarial life table from individual times and event indicators:
 * counts each subject in the interval [breaks[k], breaks[k+1]) holding its
 * time, then as fg_lifetab_counts.  Times beyond the last break are
 * FG_INVALID unless that break is INFINITY.
 */
fg_rc fg_lifetab_fit(const double *time, const unsigned char *event, size_t n,
		     const double *breaks, size_t nbreaks,
		     const struct fg_km_options *opts, struct fg_arena *arena,
		     struct fg_lifetab *out, struct fg_error *err);

/*
 * A population life table: daily hazards by sex, single year of age and
 * calendar year.  Ages run from 0 to nages-1 (the last one open-ended);
 * years are sorted, and year k applies from 1 January of years[k] until the
 * next table year (the first and last extend without limit).
 */
struct fg_ratetable {
	int nages, nyears;
	int *years;			/* in the arena */
	fg_date *year_start;		/* 1 January of each table year */
	double *hazard;			/* [sex 0 male, 1 female][year][age], per day */
};

enum fg_rate_kind { FG_RATE_QX, FG_RATE_MX };

/*
 * Read a life table CSV with columns year, sex (1/2, M/F, male/female), age
 * (completed years) and either qx (probability of dying before the next
 * birthday) or mx (annual death rate); `#` lines are comments.  Every
 * sex x year x age cell must be present exactly once.  Errors name the
 * file, line, field and value (FG_INVALID), or FG_IO.
 */
fg_rc fg_ratetable_load(const char *path, struct fg_arena *arena,
			struct fg_ratetable *out, struct fg_error *err);

/*
 * Import a life table CSV file (as fg_ratetable_load reads it) into the
 * store's life_table under `name`, replacing a table of that name, in one
 * transaction after the whole file has been checked.  *rows receives the
 * cells stored.
 */
fg_rc fg_ratetable_save(fg_store *store, const char *name, const char *path,
			size_t *rows, struct fg_error *err);

/* Read the life table `name` from the store; FG_NOTFOUND if there is none. */
fg_rc fg_ratetable_fetch(fg_store *store, const char *name, struct fg_arena *arena,
			 struct fg_ratetable *out, struct fg_error *err);

enum fg_net_method { FG_NET_EDERER2, FG_NET_POHAR_PERME };

/* Parse "ederer2" or "pohar-perme"; FG_INVALID naming field otherwise. */
fg_rc fg_net_method_parse(const char *text, const char *field,
			  enum fg_net_method *out, struct fg_error *err);

struct fg_net_subject {
	double time;		/* days of follow-up */
	unsigned char event;	/* 1 died, 0 censored */
	unsigned char sex;	/* 0 male, 1 female */
	double age;		/* age at diagnosis, days */
	fg_date diagnosed;
};

struct fg_net {
	struct fg_surv_point *points;	/* one per distinct time, in the arena */
	size_t npoints;
	double n;
};

/*
 * Relative survival by Ederer II or net survival by Pohar Perme, as
 * relsurv::rs.surv with precision 1: the population hazard of each subject
 * is integrated in steps of one day between the distinct follow-up times,
 * taken from the cell of its age and calendar date at the start of each
 * step.  Standard errors and bounds as rs.surv (not capped at 1).
 */
fg_rc fg_net_fit(const struct fg_net_subject *subjects, size_t n,
		 const struct fg_ratetable *table, enum fg_net_method method,
		 const struct fg_km_options *opts, struct fg_arena *arena,
		 struct fg_net *out, struct fg_error *err);

/*
 * A curve (KM or net) at time t, as summary.survfit(times = ...): survival,
 * standard error and bounds from the last point at or before t (survival 1
 * before the first point), n_risk the number at risk at t, n_event and
 * n_censor counted over (after, t].  Returns false if t lies after the
 * last point, leaving *out unset.
 */
bool fg_surv_at(const struct fg_surv_point *points, size_t npoints,
		double after, double t, struct fg_surv_point *out);

/* The five ICSS age groups at diagnosis: 15-44, 45-54, 55-64, 65-74, 75+. */
#define FG_ICSS_GROUPS 5

/* ICSS group of an age at diagnosis in completed years, or -1 under 15. */
int fg_icss_group(double age_years);

/* Label of ICSS group g, e.g. "45-54".  Static string. */
const char *fg_icss_label(int g);

/*
 * Read the weights of ICSS standard 1, 2 or 3 from the file of weights per
 * 5-year age group (data/survival/icss-weights.csv) and sum them into the
 * five ICSS groups, as fractions that add to 1.  FG_IO or FG_INVALID
 * naming the file and line.
 */
fg_rc fg_icss_weights_load(const char *path, int standard,
			   double weights[FG_ICSS_GROUPS], struct fg_error *err);

/*
 * Age-standardise survival at time t: the weighted sum of the curves of the
 * ngroups age groups (survival and standard error from fg_surv_at), the
 * standard error sqrt(sum w^2 se^2), and bounds of the options' type on
 * it.  n_risk and n_event are the totals over the groups.  Returns false
 * if any curve with a positive weight ends before t.
 */
bool fg_surv_standardise(const struct fg_surv_point *const *curves,
			 const size_t *npoints, const double *weights,
			 int ngroups, double t, const struct fg_km_options *opts,
			 struct fg_surv_point *out);

/* One tumour of the registry as a survival subject (fg_survival_cohort). */
struct fg_cohort_row {
	int64_t tumour_id, person_id, institution_id;
	char sex;			/* '1' male, '2' female */
	int age;			/* completed years at diagnosis */
	fg_date diagnosed;		/* incidence date */
	fg_date end;			/* death, last known alive, or the closing date */
	int event;			/* 1 died, 0 censored */
	char site[4];			/* ICD-O-3 topography category, e.g. C34 */
	char stage[16];
	char detection[24];		/* screen, interval, non_participant, unknown */
	char district[7];
	char end_reason[16];		/* dead, closing, last_contact */
};

typedef fg_rc (*fg_cohort_fn)(const struct fg_cohort_row *row, void *userdata,
			      struct fg_error *err);

/*
 * Walk the registry's malignant primary tumours (behaviour 3) diagnosed up
 * to `closing`, optionally of one site (e.g. "C34"; NULL: all), as survival
 * subjects: dead persons end at their date of death (an event; a death
 * after the closing date counts as alive at it); persons lost to follow-up
 * (vital status unknown) end at their last contact with an alive outcome,
 * or at diagnosis; the others are censored at the closing date.  Calls fn
 * for each row in order of tumour id; stops at the first error fn returns.
 */
fg_rc fg_survival_cohort(fg_store *store, fg_date closing, const char *site,
			 fg_cohort_fn fn, void *userdata, struct fg_error *err);

#endif
