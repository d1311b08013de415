/*
 * lifetab.c
 *	  The actuarial (cohort) life table, as KMsurv::lifetab: the effective
 *	  number at risk is those entering less half of those lost; survival
 *	  at the start of each interval, density and hazard at its midpoint,
 *	  and their standard errors.
 */
#include <math.h>
#include <string.h>

#include "survival_int.h"

/* Standard errors of the density and hazard of row j (not the last). */
static void
density_errors(struct fg_lifetab_row *r, double width, double cum_qyp)
{
	double q = r->events / r->at_risk, p = 1.0 - q;

	r->se_pdf = r->surv * q / width * sqrt(cum_qyp + p / r->at_risk / q);
	r->se_hazard = sqrt(1.0 - pow(r->hazard * width / 2.0, 2.0)) *
		       sqrt(r->hazard * r->hazard / r->at_risk / q);
}

fg_rc
fg_lifetab_counts(const double *breaks, size_t nbreaks, double entered,
		  const double *lost, const double *events,
		  const struct fg_km_options *opts, struct fg_arena *arena,
		  struct fg_lifetab *out, struct fg_error *err)
{
	enum fg_conf_type type = opts ? opts->conf_type : FG_CONF_LOG;
	double z = surv_zvalue(opts), alive = entered, surv = 1.0, green = 0.0, cum_qyp = 0.0;
	size_t n = nbreaks - 1;

	memset(out, 0, sizeof(*out));
	if (nbreaks < 2)
		return fg_error_set(err, FG_INVALID, "breaks", "a life table needs at least two interval boundaries");
	for (size_t j = 0; j + 1 < nbreaks; j++)
		if (!(breaks[j + 1] > breaks[j]))
			return fg_error_set(err, FG_INVALID, "breaks",
					    "interval boundaries are not increasing at %g", breaks[j + 1]);
	out->rows = fg_arena_alloc(arena, n * sizeof(*out->rows));
	if (out->rows == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu intervals", n);
	out->nrows = n;
	for (size_t j = 0; j < n; j++) {
		struct fg_lifetab_row *r = &out->rows[j];
		double width = breaks[j + 1] - breaks[j];

		r->start = breaks[j];
		r->end = breaks[j + 1];
		r->entered = alive;
		r->lost = lost[j];
		r->events = events[j];
		r->at_risk = alive - lost[j] / 2.0;
		r->surv = surv;
		r->se_surv = j == 0 ? 0.0 : surv * sqrt(green);
		surv_conf_bounds(surv, sqrt(green), type, z, true, &r->lower, &r->upper);
		r->pdf = r->hazard = r->se_pdf = r->se_hazard = NAN;
		if (j + 1 < n) {
			double q = r->events / r->at_risk;

			r->pdf = surv * q / width;
			r->hazard = r->events / width / (r->at_risk - r->events / 2.0);
			density_errors(r, width, cum_qyp);
			cum_qyp += q / r->at_risk / (1.0 - q);
		}
		surv *= 1.0 - r->events / r->at_risk;
		green += r->events / r->at_risk / (r->at_risk - r->events);
		alive -= lost[j] + events[j];
	}
	return FG_OK;
}

fg_rc
fg_lifetab_fit(const double *time, const unsigned char *event, size_t n,
	       const double *breaks, size_t nbreaks,
	       const struct fg_km_options *opts, struct fg_arena *arena,
	       struct fg_lifetab *out, struct fg_error *err)
{
	double *lost, *events;

	memset(out, 0, sizeof(*out));
	if (nbreaks < 2)
		return fg_error_set(err, FG_INVALID, "breaks", "a life table needs at least two interval boundaries");
	lost = fg_arena_alloc(arena, 2 * nbreaks * sizeof(double));
	if (lost == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu intervals", nbreaks);
	events = lost + nbreaks;
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = nbreaks - 1;

		if (!(time[i] >= breaks[0]) || !(time[i] < breaks[nbreaks - 1]))
			return fg_error_set(err, FG_INVALID, "time",
					    "time %g of subject %zu lies outside the intervals [%g, %g)",
					    time[i], i + 1, breaks[0], breaks[nbreaks - 1]);
		while (hi - lo > 1) {	/* breaks[lo] <= t < breaks[hi] */
			size_t mid = lo + (hi - lo) / 2;

			if (breaks[mid] <= time[i])
				lo = mid;
			else
				hi = mid;
		}
		if (event[i])
			events[lo] += 1.0;
		else
			lost[lo] += 1.0;
	}
	return fg_lifetab_counts(breaks, nbreaks, (double)n, lost, events, opts, arena, out, err);
}
