/*
 * stats_int.h
 *	  Helpers shared by the files of lib/stats: the gamma and Student t
 *	  distributions behind the confidence intervals of rates and trends.
 */
#ifndef FANGAI_STATS_INT_H
#define FANGAI_STATS_INT_H

/*
 * Quantile of the gamma distribution with shape a > 0 and scale 1: the x
 * with P(X <= x) = p when upper is false, or P(X > x) = p when it is true
 * (so that a tail probability near 0 keeps its precision).  0 < p < 1.
 * Returns NaN for arguments outside those ranges.
 */
double stats_gamma_quantile(double a, double p, int upper);

/* Regularised lower incomplete gamma P(a, x), for a > 0, x >= 0. */
double stats_gamma_p(double a, double x);

/*
 * Quantile of Student's t distribution with df > 0 degrees of freedom:
 * the t with P(T <= t) = p, 0 < p < 1.  NaN outside those ranges.
 */
double stats_t_quantile(double df, double p);

#endif
