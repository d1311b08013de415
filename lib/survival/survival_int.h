/*
 * survival_int.h
 *	  Helpers shared by the files of lib/survival.
 */
#ifndef FANGAI_SURVIVAL_INT_H
#define FANGAI_SURVIVAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/survival.h"

/* The normal quantile for a two-sided confidence level (0 means 0.95). */
double surv_zvalue(const struct fg_km_options *opts);

/*
 * Confidence bounds of survival p whose log has standard error se, as
 * survival's survfit_confint (capped: upper bounds at most 1 and plain
 * lower bounds at least 0) or relsurv's rs.surv (not capped).
 */
void surv_conf_bounds(double p, double se, enum fg_conf_type type, double z,
		      bool capped, double *lower, double *upper);

/*
 * Sort n keys ascending (LSD radix sort); false when out of memory.  The
 * bits of non-negative doubles (+0.0, not -0.0) sort as the numbers do.
 */
bool surv_sort_keys(uint64_t *keys, size_t n);

/* The key of a non-negative double, and back. */
uint64_t surv_time_key(double t);
double surv_key_time(uint64_t key);

#endif
