/*
 * svg_curve.c
 *	  Survival curves as SVG: step curves, confidence bands, axes and the
 *	  numbers at risk.
 */
#include <math.h>
#include <stdio.h>

#include "svg_curve.h"

#define WIDTH 760
#define LEFT 90
#define TOP 40
#define PLOT_W 620
#define PLOT_H 320
#define RISK_ROW 18
#define MAX_TICKS 12

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
				      "#e377c2", "#17becf"};
#define NCOLOURS (sizeof(palette) / sizeof(palette[0]))

struct frame {
	double xmax;
	double step;		/* between ticks of the time axis */
};

static double
px(const struct frame *f, double t)
{
	return LEFT + PLOT_W * t / f->xmax;
}

static double
py(double s)
{
	return TOP + PLOT_H * (1.0 - s);
}

/* A step of 1, 2 or 5 times a power of ten giving about six ticks up to xmax. */
static double
nice_step(double xmax)
{
	double raw = xmax / 6.0, mag = pow(10.0, floor(log10(raw))), r = raw / mag;

	return mag * (r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 5.0 ? 5.0 : 10.0);
}

/* Escape text for SVG. */
static void
put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

static void
axes(FILE *f, const struct frame *fr, const char *time_label)
{
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
		LEFT, TOP, PLOT_W, PLOT_H);
	for (int k = 0; k <= 5; k++) {
		double s = k / 5.0;

		fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
			LEFT, LEFT + PLOT_W, py(s), py(s), LEFT - 6, py(s) + 4, s);
	}
	for (int k = 0; k <= MAX_TICKS && k * fr->step <= fr->xmax * (1 + 1e-9); k++)
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
			px(fr, k * fr->step), px(fr, k * fr->step), TOP + PLOT_H, TOP + PLOT_H + 5,
			px(fr, k * fr->step), TOP + PLOT_H + 18, k * fr->step);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", LEFT + PLOT_W / 2, TOP + PLOT_H + 36);
	put_text(f, time_label);
	fprintf(f, "</text>\n<text x=\"20\" y=\"%d\" transform=\"rotate(-90 20 %d)\" text-anchor=\"middle\">"
		"survival</text>\n", TOP + PLOT_H / 2, TOP + PLOT_H / 2);
}

/* The band between the bounds, drawn as steps: upper bounds forward, lower bounds back. */
static void
band(FILE *f, const struct frame *fr, const struct svg_curve *c, const char *colour)
{
	fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" d=\"M%.1f %.1f", colour, px(fr, 0), py(1));
	for (size_t k = 0; k < c->npoints; k++)
		if (!isnan(c->points[k].upper))
			fprintf(f, " H%.1f V%.1f", px(fr, c->points[k].time), py(c->points[k].upper));
	fprintf(f, " H%.1f", px(fr, c->points[c->npoints - 1].time));
	for (size_t k = c->npoints; k-- > 0;) {
		double lo = isnan(c->points[k].lower) ? c->points[k].surv : c->points[k].lower;

		fprintf(f, " V%.1f H%.1f", py(lo), px(fr, c->points[k].time));
	}
	fprintf(f, " V%.1f H%.1f Z\"/>\n", py(1), px(fr, 0));
}

static void
curve(FILE *f, const struct frame *fr, const struct svg_curve *c, const char *colour)
{
	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" d=\"M%.1f %.1f", colour, px(fr, 0), py(1));
	for (size_t k = 0; k < c->npoints; k++)
		fprintf(f, " H%.1f V%.1f", px(fr, c->points[k].time), py(c->points[k].surv));
	fputs("\"/>\n", f);
}

/* The numbers at risk under the axis, one row per curve. */
static void
at_risk(FILE *f, const struct frame *fr, const struct svg_curve *c, int row, const char *colour)
{
	int y = TOP + PLOT_H + 70 + row * RISK_ROW;

	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"%s\">", LEFT - 6, y, colour);
	put_text(f, c->label[0] ? c->label : "all");
	fputs("</text>\n", f);
	for (int k = 0; k <= MAX_TICKS && k * fr->step <= fr->xmax * (1 + 1e-9); k++) {
		struct fg_surv_point p;

		if (fg_surv_at(c->points, c->npoints, -1.0, k * fr->step, &p))
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>\n",
				px(fr, k * fr->step), y, p.n_risk);
	}
}

bool
svg_write_curves(const char *path, const char *title, const char *time_label,
		 const struct svg_curve *curves, int ncurves)
{
	struct frame fr = {.xmax = 0.0};
	int height = TOP + PLOT_H + 80 + ncurves * RISK_ROW;
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return false;
	for (int i = 0; i < ncurves; i++)
		if (curves[i].npoints > 0)
			fr.xmax = fmax(fr.xmax, curves[i].points[curves[i].npoints - 1].time);
	if (!(fr.xmax > 0.0))
		fr.xmax = 1.0;
	fr.step = nice_step(fr.xmax);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
		" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"%d\" y=\"24\" font-size=\"15\">", WIDTH, height, LEFT);
	put_text(f, title);
	fputs("</text>\n", f);
	axes(f, &fr, time_label);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">number at risk</text>\n", 10, TOP + PLOT_H + 52);
	for (int i = 0; i < ncurves; i++) {
		const char *colour = palette[(size_t)i % NCOLOURS];

		if (curves[i].npoints == 0)
			continue;
		band(f, &fr, &curves[i], colour);
		curve(f, &fr, &curves[i], colour);
		at_risk(f, &fr, &curves[i], i, colour);
	}
	fputs("</svg>\n", f);
	return fclose(f) == 0;
}
