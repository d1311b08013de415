/*
 * svg_curve.h
 *	  Survival curves as an SVG figure: step curves with their confidence
 *	  bands and a table of the numbers at risk under the time axis.
 */
#ifndef FANGAI_SVG_CURVE_H
#define FANGAI_SVG_CURVE_H

#include <stdbool.h>
#include <stddef.h>

#include "fangai/survival.h"

struct svg_curve {
	const char *label;
	const struct fg_surv_point *points;
	size_t npoints;
};

/*
 * Write the curves to path (one colour each, the bands translucent) with
 * the numbers at risk at each tick of the time axis.  Returns false if the
 * file could not be written.
 */
bool svg_write_curves(const char *path, const char *title, const char *time_label,
		      const struct svg_curve *curves, int ncurves);

#endif
