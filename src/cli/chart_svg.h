/*
 * chart_svg.h
 *	  Line charts as SVG files: age-specific rate curves and trends over
 *	  years, one line per stratum, for registry reports.
 */
#ifndef FANGAI_CHART_SVG_H
#define FANGAI_CHART_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CHART_MAX_SERIES 16

struct chart_series {
	const char *name;
	const double *y;	/* one value per x label; NaN or (log scale) <= 0 leaves a gap */
	const double *fit;	/* NULL, or a fitted line drawn dashed */
};

struct chart {
	const char *title;
	const char *x_title, *y_title;
	const char *const *x_labels;
	size_t nx;
	bool log_scale;		/* y on a log10 scale */
	struct chart_series series[CHART_MAX_SERIES];
	size_t nseries;
};

/* Write the chart to f as a standalone SVG document. */
void chart_write_svg(const struct chart *c, FILE *f);

#endif
