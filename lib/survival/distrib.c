/*
 * distrib.c
 *	  The confidence bounds of survival curves and a radix sort for
 *	  follow-up times (the distributions are in fangai/distrib.h).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survival_int.h"

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
