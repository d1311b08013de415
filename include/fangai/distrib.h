/*
 * fangai/distrib.h
 *	  Probability distributions behind the confidence intervals of rates,
 *	  trends and survival: normal, chi-squared, gamma and Student t.
 *
 * Pure functions of doubles: they return NaN for arguments outside their
 * domain and never fail otherwise.
 */
#ifndef FANGAI_DISTRIB_H
#define FANGAI_DISTRIB_H

/* The standard normal quantile of p in (0, 1), to double precision; -inf/inf at 0/1. */
double fg_qnorm(double p);

/* The upper tail probability P(X > x) of a chi-squared value with df > 0 degrees of freedom. */
double fg_pchisq_upper(double x, int df);

/* Regularised lower incomplete gamma P(a, x), for a > 0, x >= 0. */
double fg_gamma_p(double a, double x);

/*
 * Quantile of the gamma distribution with shape a > 0 and scale 1: the x
 * with P(X <= x) = p when upper is false, or P(X > x) = p when it is true
 * (so that a tail probability near 0 keeps its precision).  0 < p < 1.
 */
double fg_gamma_quantile(double a, double p, int upper);

/*
 * Quantile of Student's t distribution with df > 0 degrees of freedom:
 * the t with P(T <= t) = p, 0 < p < 1.
 */
double fg_t_quantile(double df, double p);

#endif
