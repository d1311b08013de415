/*
 * net.c
 *	  Relative survival by Ederer II and net survival by Pohar Perme, as
 *	  relsurv::rs.surv (precision 1 day).
 *
 * Between consecutive distinct follow-up times t[j-1] and t[j], each
 * subject still at risk at t[j] has its population hazard integrated in
 * steps of at most one day, the hazard of each step taken from the cell of
 * the life table holding its age and calendar date at the step's start.
 * Ederer II subtracts the mean expected hazard of those at risk; Pohar
 * Perme weights each subject by the inverse of its expected survival and
 * integrates the weighted expected hazard by the trapezoidal rule that
 * rs.surv uses (averages accumulated from the start of the interval).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival_int.h"

#define STEP_DAYS 1.0

/* Per-subject state, one array each (they are walked once per day). */
struct cohort {
	size_t n;
	double *time, *age, *date;	/* follow-up, age and date at diagnosis, days */
	unsigned char *event;
	int *sex, *age_cell, *year_cell;
	double *inv_surv;		/* 1 / expected survival so far */
	double *lambda;			/* daily hazard of the current cell */
	double *growth;			/* exp(lambda): 1/S over a whole day */
	double *next;			/* elapsed time from which the cell may change */
};

/* Sums over the subjects at risk in one interval between distinct times. */
struct interval {
	double at_risk, deaths;
	double hazard;		/* sum of integrated expected hazards (Ederer II) */
	double weighted;	/* integrated weighted expected hazard (Pohar Perme) */
	double inv_sum;		/* sum of 1 / expected survival at the end */
	double deaths_w, deaths_w2;	/* deaths weighted by 1/S and 1/S^2 */
};

static int
by_time(const void *a, const void *b)
{
	const struct fg_net_subject *x = *(const struct fg_net_subject *const *)a;
	const struct fg_net_subject *y = *(const struct fg_net_subject *const *)b;

	return (x->time > y->time) - (x->time < y->time);
}

/* Slack below a cell boundary from which the cell is looked up again exactly. */
#define BOUNDARY_SLACK 1e-6

/*
 * Move subject i's cells forward to elapsed time t, comparing its age and
 * date with the life table's cuts exactly as rs.surv does (a cut belongs
 * to the cell it opens), and cache the cell's hazard and the next cut.
 */
static void
refresh_cell(struct cohort *c, const struct fg_ratetable *rt, size_t i, double t)
{
	double age = c->age[i] + t, date = c->date[i] + t, next = INFINITY;
	int a = c->age_cell[i], y = c->year_cell[i];

	while (a + 1 < rt->nages && (a + 1) * FG_DAYS_PER_YEAR <= age)
		a++;
	while (y + 1 < rt->nyears && rt->year_start[y + 1] <= date)
		y++;
	if (a + 1 < rt->nages)
		next = (a + 1) * FG_DAYS_PER_YEAR - c->age[i];
	if (y + 1 < rt->nyears)
		next = fmin(next, (double)rt->year_start[y + 1] - c->date[i]);
	c->age_cell[i] = a;
	c->year_cell[i] = y;
	c->lambda[i] = rt->hazard[((size_t)c->sex[i] * (size_t)rt->nyears + (size_t)y) * (size_t)rt->nages + (size_t)a];
	c->growth[i] = exp(c->lambda[i]);
	c->next[i] = next - BOUNDARY_SLACK;
}

/* Starting cells of a subject. */
static void
first_cells(struct cohort *c, const struct fg_ratetable *rt, size_t i)
{
	c->age_cell[i] = 0;
	c->year_cell[i] = 0;
	refresh_cell(c, rt, i, 0.0);
}

/*
 * Walk the interval (from, to] over subjects [first, n), who are at risk
 * at `to`, in steps of at most a day.
 */
static void
walk_interval(struct cohort *c, const struct fg_ratetable *rt, size_t first,
	      double from, double to, struct interval *iv)
{
	double ftime = 0.0, width = to - from, s1 = 0.0, s1w = 0.0, s2 = 0.0, s2w = 0.0;

	memset(iv, 0, sizeof(*iv));
	while (ftime < width) {
		double f = fmin(STEP_DAYS, width - ftime), t = from + ftime;

		double lsum = 0.0;

		for (size_t i = first; i < c->n; i++) {
			double lambda, inv = c->inv_surv[i], inv_end;

			if (t >= c->next[i])
				refresh_cell(c, rt, i, t);
			lambda = c->lambda[i];
			inv_end = f == 1.0 ? inv * c->growth[i] : inv * exp(f * lambda);
			s1 += inv;
			s1w += lambda * inv;
			s2 += inv_end;
			s2w += lambda * inv_end;
			lsum += lambda;
			c->inv_surv[i] = inv_end;
		}
		iv->hazard += f * lsum;
		iv->weighted += (s1w / s1 / 2.0 + s2w / s2 / 2.0) * f;
		ftime += f;
	}
	for (size_t i = first; i < c->n; i++) {
		iv->at_risk += 1.0;
		iv->inv_sum += c->inv_surv[i];
		if (c->time[i] == to && c->event[i]) {
			iv->deaths += 1.0;
			iv->deaths_w += c->inv_surv[i];
			iv->deaths_w2 += c->inv_surv[i] * c->inv_surv[i];
		}
	}
}

/* Copy the subjects, sorted by time, into the cohort arrays. */
static fg_rc
build_cohort(const struct fg_net_subject *subjects, size_t n, const struct fg_ratetable *rt,
	     struct cohort *c, struct fg_error *err)
{
	const struct fg_net_subject **order = malloc((n ? n : 1) * sizeof(*order));
	size_t k = 0;

	memset(c, 0, sizeof(*c));
	c->time = malloc((n ? n : 1) * 7 * sizeof(double));
	c->event = malloc(n ? n : 1);
	c->sex = malloc((n ? n : 1) * 3 * sizeof(int));
	if (order == NULL || c->time == NULL || c->event == NULL || c->sex == NULL) {
		free(order);
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu subjects", n);
	}
	c->age = c->time + n;
	c->date = c->age + n;
	c->inv_surv = c->date + n;
	c->lambda = c->inv_surv + n;
	c->growth = c->lambda + n;
	c->next = c->growth + n;
	c->age_cell = c->sex + n;
	c->year_cell = c->age_cell + n;
	for (size_t i = 0; i < n; i++)
		if (subjects[i].time > 0.0)	/* rs.surv keeps follow-up times > 0 only */
			order[k++] = &subjects[i];
	qsort(order, k, sizeof(*order), by_time);
	for (size_t i = 0; i < k; i++) {
		c->time[i] = order[i]->time;
		c->event[i] = order[i]->event != 0;
		c->sex[i] = order[i]->sex ? 1 : 0;
		c->age[i] = order[i]->age;
		c->date[i] = (double)order[i]->diagnosed;
		c->inv_surv[i] = 1.0;
		first_cells(c, rt, i);
	}
	c->n = k;
	free(order);
	return FG_OK;
}

static void
free_cohort(struct cohort *c)
{
	free(c->time);
	free(c->event);
	free(c->sex);
}

static fg_rc
check_subjects(const struct fg_net_subject *s, size_t n, struct fg_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i].time >= 0.0) || !isfinite(s[i].time) || !(s[i].age >= 0.0) || !isfinite(s[i].age) ||
		    s[i].diagnosed == FG_DATE_NONE)
			return fg_error_set(err, FG_INVALID, "time",
					    "invalid follow-up time %g or age %g of subject %zu",
					    s[i].time, s[i].age, i + 1);
	return FG_OK;
}

fg_rc
fg_net_fit(const struct fg_net_subject *subjects, size_t n,
	   const struct fg_ratetable *table, enum fg_net_method method,
	   const struct fg_km_options *opts, struct fg_arena *arena,
	   struct fg_net *out, struct fg_error *err)
{
	enum fg_conf_type type = opts ? opts->conf_type : FG_CONF_LOG;
	double z = surv_zvalue(opts), prev = 0.0, surv = 1.0, var = 0.0;
	size_t first = 0, k = 0;
	struct cohort c;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = check_subjects(subjects, n, err);
	if (rc == FG_OK)
		rc = build_cohort(subjects, n, table, &c, err);
	if (rc != FG_OK)
		return rc;
	if (c.n == 0) {
		rc = fg_error_set(err, FG_INVALID, "time", "no subjects with follow-up time above 0");
		goto out;
	}
	out->n = (double)c.n;
	out->points = fg_arena_alloc(arena, c.n * sizeof(*out->points));
	if (out->points == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu survival times", c.n);
		goto out;
	}
	while (first < c.n) {
		struct fg_surv_point *p = &out->points[k++];
		double t = c.time[first], haz;
		struct interval iv;

		walk_interval(&c, table, first, prev, t, &iv);
		if (method == FG_NET_EDERER2) {
			haz = (iv.deaths - iv.hazard) / iv.at_risk;
			var += iv.deaths / (iv.at_risk * iv.at_risk);
		} else {
			haz = iv.deaths_w / iv.inv_sum - iv.weighted;
			var += iv.deaths_w2 / (iv.inv_sum * iv.inv_sum);
		}
		surv *= 1.0 - haz;
		p->time = t;
		p->n_risk = iv.at_risk;
		p->n_event = iv.deaths;
		while (first < c.n && c.time[first] == t)
			first++;
		p->n_censor = iv.at_risk - (double)(c.n - first) - iv.deaths;
		p->surv = surv;
		surv_conf_bounds(surv, sqrt(var), type, z, false, &p->lower, &p->upper);
		p->std_err = surv * sqrt(var);
		prev = t;
	}
	out->npoints = k;
out:
	free_cohort(&c);
	return rc;
}

fg_rc
fg_net_method_parse(const char *text, const char *field, enum fg_net_method *out,
		    struct fg_error *err)
{
	if (text != NULL && strcmp(text, "ederer2") == 0)
		*out = FG_NET_EDERER2;
	else if (text != NULL && strcmp(text, "pohar-perme") == 0)
		*out = FG_NET_POHAR_PERME;
	else {
		fg_error_set(err, FG_INVALID, field, "invalid net survival method \"%s\"", text ? text : "");
		fg_error_hint(err, "Use ederer2 or pohar-perme.");
		return FG_INVALID;
	}
	return FG_OK;
}
