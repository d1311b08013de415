/*
 * distrib.c
 *	  The distributions of fangai/distrib.h: the normal quantile (survival
 *	  curves), the chi-squared tail (log-rank), and the gamma and Student t
 *	  quantiles (Fay-Feuer intervals of standardised rates, the interval of
 *	  a trend, EAPC).
 *
 * The gamma density and tail probabilities are computed through Loader's
 * saddle-point form of the Poisson probability (C. Loader, Fast and
 * accurate computation of binomial probabilities, 2000): the Stirling
 * error term and the deviance term bd0 keep full relative precision even
 * for shapes of many millions, where x^a e^-x / Gamma(a) over- and
 * underflows.  Tail probabilities come from the power series (x < a + 1)
 * or the continued fraction of the incomplete gamma function (Abramowitz
 * and Stegun 6.5.29 and 6.5.31); quantiles from a bracketed Newton
 * iteration started at the Wilson-Hilferty approximation.
 */
#include <float.h>
#include <math.h>

#include "stats_int.h"

#define LN_SQRT_2PI 0.918938533204672741780329736406
#define MAX_TERMS 4000000	/* enough for shapes up to about 1e11 */
#define MAX_NEWTON 300

/* log(Gamma(n + 1)) - log(sqrt(2 pi n) (n/e)^n): the error of Stirling's formula. */
static double
stirling_error(double n)
{
	const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680,
		     s4 = 1.0 / 1188;
	double nn;

	if (n <= 15.0)
		return lgamma(n + 1.0) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	nn = n * n;
	if (n > 500)
		return (s0 - s1 / nn) / n;
	if (n > 80)
		return (s0 - (s1 - s2 / nn) / nn) / n;
	if (n > 35)
		return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
	return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* x log(x/m) + m - x, without cancellation when x is close to m. */
static double
deviance(double x, double m)
{
	if (fabs(x - m) < 0.1 * (x + m)) {
		double v = (x - m) / (x + m), s = (x - m) * v, ej = 2 * x * v;

		v *= v;
		for (int j = 1; j < 1000; j++) {
			double s1;

			ej *= v;
			s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
	}
	return x * log(x / m) + m - x;
}

/* m^a e^-m / Gamma(a + 1) for a > 0, m > 0. */
static double
poisson_term(double a, double m)
{
	return exp(-stirling_error(a) - deviance(a, m)) / sqrt(2 * M_PI * a);
}

/* Lower and upper regularised incomplete gamma functions, each to full precision. */
static void
gamma_tails(double a, double x, double *lower, double *upper)
{
	if (x <= 0) {
		*lower = 0;
		*upper = 1;
	} else if (x < a + 1) {
		double term = 1, sum = 1;

		for (int n = 1; n < MAX_TERMS; n++) {
			term *= x / (a + n);
			sum += term;
			if (term < sum * DBL_EPSILON)
				break;
		}
		*lower = poisson_term(a, x) * sum;
		*upper = 1 - *lower;
	} else {
		double b = x + 1 - a, c = 1 / DBL_MIN, d = 1 / b, h = d;

		for (int i = 1; i < MAX_TERMS; i++) {
			double an = -i * (i - a), del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < DBL_MIN)
				d = DBL_MIN;
			c = b + an / c;
			if (fabs(c) < DBL_MIN)
				c = DBL_MIN;
			d = 1 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < DBL_EPSILON)
				break;
		}
		*upper = a * poisson_term(a, x) * h;
		*lower = 1 - *upper;
	}
}

double
fg_gamma_p(double a, double x)
{
	double lower, upper;

	gamma_tails(a, x, &lower, &upper);
	return lower;
}

double
fg_pchisq_upper(double x, int df)
{
	double lower, upper;

	if (df <= 0 || isnan(x))
		return NAN;
	if (x <= 0)
		return 1;
	gamma_tails(df / 2.0, x / 2.0, &lower, &upper);
	return upper;
}

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

/*
 * Solve f(x) = 0 for an increasing f on (lo, infinity) by Newton steps kept
 * inside the bracket found so far (bisection, or doubling while no upper
 * bound is known, when a step leaves it).
 */
struct root_fn {
	void (*eval)(const struct root_fn *fn, double x, double *f, double *df);
	double a, target;
	int upper;
};

static double
solve_increasing(const struct root_fn *fn, double x, double lo)
{
	double hi = INFINITY;

	for (int it = 0; it < MAX_NEWTON; it++) {
		double f, df, next;

		fn->eval(fn, x, &f, &df);
		if (f == 0)
			return x;
		if (f < 0)
			lo = x;
		else
			hi = x;
		next = df > 0 ? x - f / df : NAN;
		if (!(next > lo && next < hi))
			next = isinf(hi) ? (x > 0 ? 2 * x : 1) : 0.5 * (lo + hi);
		if (fabs(next - x) <= 2 * DBL_EPSILON * fabs(x))
			return next;
		x = next;
	}
	return x;
}

static void
gamma_eval(const struct root_fn *fn, double x, double *f, double *df)
{
	double lower, upper;

	gamma_tails(fn->a, x, &lower, &upper);
	*f = fn->upper ? fn->target - upper : lower - fn->target;
	*df = x > 0 ? fn->a * poisson_term(fn->a, x) / x : INFINITY;
}

double
fg_gamma_quantile(double a, double p, int upper)
{
	struct root_fn fn = {.eval = gamma_eval, .a = a, .target = p, .upper = upper};
	double z, c, x;

	if (!(a > 0) || !(p > 0 && p < 1) || isinf(a))
		return NAN;
	z = fg_qnorm(upper ? 1 - p : p);
	c = 1 / (9 * a);
	x = a * pow(1 - c + z * sqrt(c), 3);
	if (!(x > 0)) {
		/* small shapes: P(a, x) ~ x^a / Gamma(a + 1) near 0 */
		double lp = upper ? log1p(-p) : log(p);

		x = exp((lp + lgamma(a + 1)) / a);
	}
	return solve_increasing(&fn, x, 0);
}

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double
beta_fraction(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < DBL_MIN)
		d = DBL_MIN;
	d = 1 / d;
	h = d;
	for (int m = 1; m < MAX_NEWTON * 100; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < DBL_MIN ? 1 / DBL_MIN : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < DBL_MIN)
			c = DBL_MIN;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < DBL_MIN ? 1 / DBL_MIN : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < DBL_MIN)
			c = DBL_MIN;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < DBL_EPSILON)
			break;
	}
	return h;
}

/* Regularised incomplete beta function I_x(a, b). */
static double
beta_regularised(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_fraction(a, b, x) / a;
	return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

/* f(t) = P(T > t) - target, negated so that it increases with t (t >= 0). */
static void
t_eval(const struct root_fn *fn, double t, double *f, double *df)
{
	double nu = fn->a, tail = 0.5 * beta_regularised(nu / 2, 0.5, nu / (nu + t * t));
	double logdens = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * M_PI) -
			 (nu + 1) / 2 * log1p(t * t / nu);

	*f = fn->target - tail;
	*df = exp(logdens);
}

double
fg_t_quantile(double df, double p)
{
	struct root_fn fn = {.eval = t_eval, .a = df};

	if (!(df > 0) || !(p > 0 && p < 1))
		return NAN;
	if (p == 0.5)
		return 0;
	if (p < 0.5)
		return -fg_t_quantile(df, 1 - p);
	fn.target = 1 - p;
	return solve_increasing(&fn, fg_qnorm(p), 0);
}
