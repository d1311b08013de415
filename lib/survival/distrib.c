/*
 * distrib.c
 *	  The normal quantile and chi-squared tail used by the survival
 *	  estimators, the confidence bounds of survival curves, and a radix
 *	  sort for follow-up times.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survival_int.h"

#define GAMMA_ITERATIONS 1000

/* Abramowitz and Stegun 26.2.23: the upper quantile for 0 < q <= 0.5, error < 4.5e-4. */
static double
qnorm_rough(double q)
{
	double t = sqrt(-2.0 * log(q));

	return t - (2.515517 + t * (0.802853 + t * 0.010328)) /
		   (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
}

double
fg_qnorm(double p)
{
	double x;

	if (!(p > 0.0 && p < 1.0))
		return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
	if (p > 0.5)
		return -fg_qnorm(1.0 - p);
	x = -qnorm_rough(p);
	/* Halley steps on Phi(x) - p; Phi from erfc is accurate in the lower tail. */
	for (int i = 0; i < 4; i++) {
		double e = 0.5 * erfc(-x / M_SQRT2) - p;
		double u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);

		x -= u / (1.0 + x * u / 2.0);
	}
	return x;
}

/* Regularised lower incomplete gamma P(a, x) by its series, for x < a + 1. */
static double
gamma_p_series(double a, double x)
{
	double sum = 1.0 / a, term = sum;

	for (int n = 1; n < GAMMA_ITERATIONS; n++) {
		term *= x / (a + n);
		sum += term;
		if (fabs(term) < fabs(sum) * DBL_EPSILON)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Regularised upper incomplete gamma Q(a, x) by its continued fraction (Lentz), x >= a + 1. */
static double
gamma_q_fraction(double a, double x)
{
	double b = x + 1.0 - a, c = 1.0 / DBL_MIN, d = 1.0 / b, h = d;

	for (int i = 1; i < GAMMA_ITERATIONS; i++) {
		double an = -i * (i - a), delta;

		b += 2.0;
		d = an * d + b;
		if (fabs(d) < DBL_MIN)
			d = DBL_MIN;
		c = b + an / c;
		if (fabs(c) < DBL_MIN)
			c = DBL_MIN;
		d = 1.0 / d;
		delta = d * c;
		h *= delta;
		if (fabs(delta - 1.0) < DBL_EPSILON)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double
fg_pchisq_upper(double x, int df)
{
	double a = df / 2.0, hx = x / 2.0;

	if (df <= 0 || isnan(x))
		return NAN;
	if (x <= 0.0)
		return 1.0;
	if (hx < a + 1.0)
		return 1.0 - gamma_p_series(a, hx);
	return gamma_q_fraction(a, hx);
}

fg_rc
fg_conf_type_parse(const char *text, const char *field, enum fg_conf_type *out,
		   struct fg_error *err)
{
	static const struct {
		const char *name;
		enum fg_conf_type type;
	} types[] = {{"log", FG_CONF_LOG}, {"log-log", FG_CONF_LOGLOG}, {"plain", FG_CONF_PLAIN}};

	for (size_t i = 0; text && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(text, types[i].name) == 0) {
			*out = types[i].type;
			return FG_OK;
		}
	fg_error_set(err, FG_INVALID, field, "invalid confidence interval type \"%s\"",
		     text ? text : "");
	fg_error_hint(err, "Use log, log-log or plain.");
	return FG_INVALID;
}

double
surv_zvalue(const struct fg_km_options *opts)
{
	double level = opts && opts->conf_level > 0.0 ? opts->conf_level : 0.95;

	return fg_qnorm(1.0 - (1.0 - level) / 2.0);
}

void
surv_conf_bounds(double p, double se, enum fg_conf_type type, double z,
		 bool capped, double *lower, double *upper)
{
	double lo = NAN, hi = NAN;

	switch (type) {
	case FG_CONF_PLAIN:
		lo = p - z * se * p;
		hi = p + z * se * p;
		if (capped) {
			lo = fmax(lo, 0.0);
			hi = fmin(hi, 1.0);
		}
		break;
	case FG_CONF_LOG:
		if (p > 0.0) {
			lo = exp(log(p) - z * se);
			hi = exp(log(p) + z * se);
			if (capped)
				hi = fmin(hi, 1.0);
		}
		break;
	case FG_CONF_LOGLOG:
		if (p > 0.0 && p != 1.0) {
			double s = z * se / log(p);

			lo = exp(-exp(log(-log(p)) - s));
			hi = exp(-exp(log(-log(p)) + s));
		}
		break;
	}
	*lower = isfinite(lo) ? lo : NAN;
	*upper = isfinite(hi) ? hi : NAN;
}

#define RADIX_BITS 11
#define RADIX_BUCKETS (1u << RADIX_BITS)
#define RADIX_DIGITS 6		/* 6 x 11 bits cover 64 */

/*
 * LSD radix sort of the bit patterns, 11 bits a pass (2048 buckets stay
 * in cache); the histograms of all digits are counted in one read, and a
 * pass whose digit is the same for every key is skipped, so integral day
 * counts take two passes.
 */
bool
surv_sort_keys(uint64_t *a, size_t n)
{
	uint64_t *b, *src, *dst;
	size_t *count;

	if (n < 2)
		return true;
	b = malloc(n * sizeof(*b));
	count = calloc((size_t)RADIX_DIGITS * RADIX_BUCKETS, sizeof(*count));
	if (b == NULL || count == NULL) {
		free(b);
		free(count);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < RADIX_DIGITS; d++)
			count[(size_t)d * RADIX_BUCKETS + ((a[i] >> (d * RADIX_BITS)) & (RADIX_BUCKETS - 1))]++;
	src = a;
	dst = b;
	for (int d = 0; d < RADIX_DIGITS; d++) {
		size_t *c = count + (size_t)d * RADIX_BUCKETS, sum = 0;
		int shift = d * RADIX_BITS;

		if (c[(src[0] >> shift) & (RADIX_BUCKETS - 1)] == n)
			continue;
		for (size_t k = 0; k < RADIX_BUCKETS; k++) {
			size_t v = c[k];

			c[k] = sum;
			sum += v;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i] >> shift) & (RADIX_BUCKETS - 1)]++] = src[i];
		src = dst;
		dst = (src == a) ? b : a;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	free(b);
	free(count);
	return true;
}

uint64_t
surv_time_key(double t)
{
	uint64_t k;

	t += 0.0;	/* -0.0 becomes +0.0 */
	memcpy(&k, &t, sizeof(k));
	return k;
}

double
surv_key_time(uint64_t key)
{
	double t;

	memcpy(&t, &key, sizeof(t));
	return t;
}
