/*
 * km.c
 *	  The Kaplan-Meier estimator with Greenwood standard errors, its
 *	  confidence bounds and quantiles, as survival::survfit computes them.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival_int.h"

#define QUANTILE_TOLERANCE 1.4901161193847656e-08	/* sqrt(DBL_EPSILON), as survfit */

static const double quantile_probs[FG_SURV_NQUANTILES] = {0.25, 0.5, 0.75};

/* Split the times into sorted keys of events and of censorings. */
static fg_rc
sorted_keys(const double *time, const unsigned char *event, size_t n,
	    uint64_t *ev, size_t *nev, uint64_t *cen, size_t *ncen,
	    struct fg_error *err)
{
	size_t ne = 0, nc = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(time[i] >= 0.0) || !isfinite(time[i]))
			return fg_error_set(err, FG_INVALID, "time",
					    "invalid survival time %g of subject %zu", time[i], i + 1);
		if (event[i])
			ev[ne++] = surv_time_key(time[i]);
		else
			cen[nc++] = surv_time_key(time[i]);
	}
	if (!surv_sort_keys(ev, ne) || !surv_sort_keys(cen, nc))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory sorting %zu times", n);
	*nev = ne;
	*ncen = nc;
	return FG_OK;
}

/* Count the distinct times of two sorted key arrays. */
static size_t
count_distinct(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, k = 0;

	while (i < na || j < nb) {
		uint64_t t = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];

		while (i < na && a[i] == t)
			i++;
		while (j < nb && b[j] == t)
			j++;
		k++;
	}
	return k;
}

/* Sorted keys of the entry times; each must lie before its subject's time. */
static fg_rc
entry_keys(const double *entry, const double *time, size_t n, uint64_t *en, struct fg_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!(entry[i] >= 0.0) || !(entry[i] < time[i]))
			return fg_error_set(err, FG_INVALID, "entry",
					    "entry time %g of subject %zu is not before its time %g",
					    entry[i], i + 1, time[i]);
		en[i] = surv_time_key(entry[i]);
	}
	if (!surv_sort_keys(en, n))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory sorting %zu entry times", n);
	return FG_OK;
}

/*
 * Walk the distinct times, filling the points with counts, survival and
 * log-scale SE.  With entry keys en (NULL: all at risk from 0), those
 * entering before a time join the risk set first.
 */
static void
km_walk(const uint64_t *ev, size_t nev, const uint64_t *cen, size_t ncen,
	const uint64_t *en, double n, struct fg_surv_point *pts)
{
	double risk = en ? 0.0 : n, surv = 1.0, green = 0.0;
	size_t i = 0, j = 0, k = 0, e = 0;

	while (i < nev || j < ncen) {
		uint64_t t = (j >= ncen || (i < nev && ev[i] <= cen[j])) ? ev[i] : cen[j];
		size_t d = 0, c = 0;

		for (; en && e < (size_t)n && en[e] < t; e++)
			risk += 1.0;

		while (i < nev && ev[i] == t)
			i++, d++;
		while (j < ncen && cen[j] == t)
			j++, c++;
		if (d > 0) {
			surv *= 1.0 - d / risk;
			green += d / (risk * (risk - d));
		}
		pts[k].time = surv_key_time(t);
		pts[k].n_risk = risk;
		pts[k].n_event = (double)d;
		pts[k].n_censor = (double)c;
		pts[k].surv = surv;
		pts[k].std_err = sqrt(green);	/* of log survival until km_finish */
		risk -= (double)(d + c);
		k++;
	}
}

/*
 * survfit's findq: the time at which the distribution function y (1 minus
 * a survival curve, starting at time 0) first reaches p; the midpoint up
 * to the next step when it stays at p over an interval.  x and y hold
 * npts points after the leading (0, 0); NAN entries are skipped.
 */
static double
find_quantile(const double *x, const double *y, size_t npts, double p, double *scratch)
{
	const double tol = QUANTILE_TOLERANCE;
	double *ux = scratch, *uy = scratch + npts, ymax = -INFINITY, last = y[npts - 1];
	size_t m = 0, i1 = SIZE_MAX, i2 = SIZE_MAX;

	for (size_t i = 0; i < npts; i++) {
		if (isnan(y[i]))
			continue;
		ymax = fmax(ymax, y[i]);
		if (m > 0 && y[i] == uy[m - 1])
			continue;
		ux[m] = x[i];
		uy[m++] = y[i];
	}
	if (m == 0 || ymax < p)
		return NAN;
	for (size_t i = 0; i < m; i++) {
		if (i1 == SIZE_MAX && uy[i] + tol >= p)
			i1 = i;
		if (i2 == SIZE_MAX && uy[i] - tol >= p)
			i2 = i;
	}
	if (!isnan(last) && fabs(p - last) < tol && i1 != SIZE_MAX)
		return (ux[i1] + x[npts - 1]) / 2.0;
	if (i1 == SIZE_MAX || i2 == SIZE_MAX)
		return NAN;
	return (ux[i1] + ux[i2]) / 2.0;
}

/* Quartiles of the curve and of its bounds. */
static fg_rc
km_quantiles(struct fg_km *km, struct fg_arena *arena, struct fg_error *err)
{
	size_t np = km->npoints + 1;
	double *x = fg_arena_alloc(arena, 6 * np * sizeof(double));
	double *ys, *ylo, *yhi, *scratch;

	if (x == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for the quantiles of %zu points", np);
	ys = x + np;
	ylo = ys + np;
	yhi = ylo + np;
	scratch = yhi + np;
	x[0] = ys[0] = ylo[0] = yhi[0] = 0.0;
	for (size_t i = 0; i < km->npoints; i++) {
		x[i + 1] = km->points[i].time;
		ys[i + 1] = 1.0 - km->points[i].surv;
		ylo[i + 1] = 1.0 - km->points[i].lower;
		yhi[i + 1] = 1.0 - km->points[i].upper;
	}
	for (int q = 0; q < FG_SURV_NQUANTILES; q++) {
		double p = quantile_probs[q];

		km->quantiles[q].p = p;
		km->quantiles[q].time = find_quantile(x, ys, np, p, scratch);
		km->quantiles[q].lower = find_quantile(x, ylo, np, p, scratch);
		km->quantiles[q].upper = find_quantile(x, yhi, np, p, scratch);
	}
	return FG_OK;
}

fg_rc
fg_km_fit(const double *time, const unsigned char *event, size_t n,
	  const struct fg_km_options *opts, struct fg_arena *arena,
	  struct fg_km *out, struct fg_error *err)
{
	enum fg_conf_type type = opts ? opts->conf_type : FG_CONF_LOG;
	double z = surv_zvalue(opts);
	uint64_t *ev = NULL, *cen = NULL, *en = NULL;
	size_t nev = 0, ncen = 0;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (n == 0) {
		rc = fg_error_set(err, FG_INVALID, "time", "no subjects to estimate survival from");
		goto out;
	}
	ev = malloc(n * sizeof(*ev));
	cen = malloc(n * sizeof(*cen));
	if (ev == NULL || cen == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu subjects", n);
		goto out;
	}
	rc = sorted_keys(time, event, n, ev, &nev, cen, &ncen, err);
	if (rc == FG_OK && opts && opts->entry) {
		en = malloc(n * sizeof(*en));
		rc = en ? entry_keys(opts->entry, time, n, en, err)
			: fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu subjects", n);
	}
	if (rc != FG_OK)
		goto out;
	out->n = (double)n;
	out->events = (double)nev;
	out->npoints = count_distinct(ev, nev, cen, ncen);
	out->points = fg_arena_alloc(arena, out->npoints * sizeof(*out->points));
	if (out->points == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu survival times", out->npoints);
		goto out;
	}
	km_walk(ev, nev, cen, ncen, en, (double)n, out->points);
	for (size_t k = 0; k < out->npoints; k++) {
		struct fg_surv_point *p = &out->points[k];

		surv_conf_bounds(p->surv, p->std_err, type, z, true, &p->lower, &p->upper);
		p->std_err *= p->surv;
	}
	rc = km_quantiles(out, arena, err);
out:
	free(ev);
	free(cen);
	free(en);
	return rc;
}

bool
fg_surv_at(const struct fg_surv_point *points, size_t npoints, double after,
	   double t, struct fg_surv_point *out)
{
	struct fg_surv_point r = {.time = t, .surv = 1.0, .std_err = 0.0, .lower = 1.0, .upper = 1.0};
	size_t lo = 0, hi = npoints;

	if (npoints == 0 || t > points[npoints - 1].time)
		return false;
	while (lo < hi) {	/* first point with time >= t */
		size_t mid = lo + (hi - lo) / 2;

		if (points[mid].time < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	r.n_risk = points[lo].n_risk;
	for (size_t k = 0; k < npoints && points[k].time <= t; k++) {
		if (points[k].time > after) {
			r.n_event += points[k].n_event;
			r.n_censor += points[k].n_censor;
		}
		r.surv = points[k].surv;
		r.std_err = points[k].std_err;
		r.lower = points[k].lower;
		r.upper = points[k].upper;
	}
	*out = r;
	return true;
}
