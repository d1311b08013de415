/*
 * logrank.c
 *	  The log-rank test across groups, as survival::survdiff (rho = 0):
 *	  observed and expected events per group, their variance matrix, and
 *	  the chi-squared statistic on the groups with expected events.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival_int.h"

#define MAX_GROUPS 64

struct subject {
	double time;
	unsigned char event;
	int group;
};

static int
by_time(const void *a, const void *b)
{
	double x = ((const struct subject *)a)->time, y = ((const struct subject *)b)->time;

	return (x > y) - (x < y);
}

/* Add the events at one distinct time to the expected counts and the variance matrix. */
static void
add_time(int k, const double *risk, const double *dead, double total, double d,
	 double *expected, double *var)
{
	double f = total > 1.0 ? d * (total - d) / (total - 1.0) : 0.0;

	for (int g = 0; g < k; g++) {
		expected[g] += risk[g] * d / total;
		for (int h = 0; h < k; h++)
			var[g * k + h] += f * (risk[g] / total) * ((g == h) - risk[h] / total);
	}
}

/* Walk the subjects sorted by time, counting per group. */
static void
accumulate(const struct subject *s, size_t n, int k, double *risk,
	   double *observed, double *expected, double *var)
{
	double dead[MAX_GROUPS], total = (double)n;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		double d = 0.0;

		memset(dead, 0, sizeof(dead));
		for (; j < n && s[j].time == s[i].time; j++)
			if (s[j].event) {
				dead[s[j].group] += 1.0;
				d += 1.0;
			}
		for (int g = 0; g < k; g++)
			observed[g] += dead[g];
		if (d > 0.0)
			add_time(k, risk, dead, total, d, expected, var);
		for (; i < j; i++) {
			risk[s[i].group] -= 1.0;
			total -= 1.0;
		}
	}
}

/*
 * Solve the m x m system a x = b in place by Gaussian elimination with
 * partial pivoting; false if a is singular.
 */
static bool
solve(double *a, double *b, int m)
{
	for (int c = 0; c < m; c++) {
		int piv = c;

		for (int r = c + 1; r < m; r++)
			if (fabs(a[r * m + c]) > fabs(a[piv * m + c]))
				piv = r;
		if (fabs(a[piv * m + c]) < 1e-12)
			return false;
		for (int j = 0; j < m; j++) {
			double t = a[c * m + j];

			a[c * m + j] = a[piv * m + j];
			a[piv * m + j] = t;
		}
		double tb = b[c];
		b[c] = b[piv];
		b[piv] = tb;
		for (int r = c + 1; r < m; r++) {
			double f = a[r * m + c] / a[c * m + c];

			for (int j = c; j < m; j++)
				a[r * m + j] -= f * a[c * m + j];
			b[r] -= f * b[c];
		}
	}
	for (int r = m - 1; r >= 0; r--) {
		for (int j = r + 1; j < m; j++)
			b[r] -= a[r * m + j] * b[j];
		b[r] /= a[r * m + r];
	}
	return true;
}

/* The statistic on the groups with expected events, leaving out the first of them. */
static void
chi_square(struct fg_logrank *out, const double *var)
{
	int keep[MAX_GROUPS], m = 0, k = out->ngroups;
	double a[MAX_GROUPS * MAX_GROUPS], b[MAX_GROUPS], diff[MAX_GROUPS];

	for (int g = 0; g < k; g++)
		if (out->expected[g] > 0.0)
			keep[m++] = g;
	out->df = m - 1;
	out->chisq = 0.0;
	out->p_value = NAN;
	if (m < 2)
		return;
	for (int r = 1; r < m; r++) {
		diff[r - 1] = b[r - 1] = out->observed[keep[r]] - out->expected[keep[r]];
		for (int c = 1; c < m; c++)
			a[(r - 1) * (m - 1) + (c - 1)] = var[keep[r] * k + keep[c]];
	}
	if (!solve(a, b, m - 1))
		return;
	for (int r = 0; r < m - 1; r++)
		out->chisq += b[r] * diff[r];
	out->p_value = fg_pchisq_upper(out->chisq, out->df);
}

fg_rc
fg_logrank_test(const double *time, const unsigned char *event,
		const int *group, size_t n, int ngroups, struct fg_arena *arena,
		struct fg_logrank *out, struct fg_error *err)
{
	struct subject *s = NULL;
	double *var = NULL;
	fg_rc rc = FG_OK;

	memset(out, 0, sizeof(*out));
	if (ngroups < 2 || ngroups > MAX_GROUPS)
		return fg_error_set(err, FG_INVALID, "group",
				    "cannot compare %d groups", ngroups);
	s = malloc((n ? n : 1) * sizeof(*s));
	var = calloc((size_t)ngroups * (size_t)ngroups, sizeof(*var));
	out->ngroups = ngroups;
	out->n = fg_arena_alloc(arena, 4 * (size_t)ngroups * sizeof(double));
	if (s == NULL || var == NULL || out->n == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu subjects", n);
		goto out;
	}
	out->observed = out->n + ngroups;
	out->expected = out->observed + ngroups;
	out->variance = out->expected + ngroups;
	for (size_t i = 0; i < n; i++) {
		if (group[i] < 0 || group[i] >= ngroups || !(time[i] >= 0.0) || !isfinite(time[i])) {
			rc = fg_error_set(err, FG_INVALID, "time",
					  "invalid time %g or group %d of subject %zu", time[i], group[i], i + 1);
			goto out;
		}
		s[i] = (struct subject){time[i], event[i] != 0, group[i]};
		out->n[group[i]] += 1.0;
	}
	qsort(s, n, sizeof(*s), by_time);
	{
		double risk[MAX_GROUPS];

		memcpy(risk, out->n, (size_t)ngroups * sizeof(double));
		accumulate(s, n, ngroups, risk, out->observed, out->expected, var);
	}
	for (int g = 0; g < ngroups; g++)
		out->variance[g] = var[g * ngroups + g];
	chi_square(out, var);
out:
	free(s);
	free(var);
	return rc;
}
