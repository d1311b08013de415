/*
 * chart_svg.c
 *	  A small SVG line-chart writer: axes with round ticks (linear or
 *	  log10), one coloured polyline per series, a legend, text escaped.
 */
#include <math.h>
#include <string.h>

#include "chart_svg.h"

#define WIDTH 880
#define HEIGHT 520
#define LEFT 80
#define RIGHT 220
#define TOP 50
#define BOTTOM 70

/* Colour-blind-safe palette (Okabe and Ito, 2008), then greys. */
static const char *const colours[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
	"#7F7F7F", "#999999", "#4D4D4D", "#B3B3B3", "#0072B2", "#D55E00", "#009E73", "#CC79A7",
};

static void
put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static bool
usable(const struct chart *c, double v)
{
	return isfinite(v) && (!c->log_scale || v > 0);
}

/* The range of the values drawn, widened to round numbers. */
static void
y_range(const struct chart *c, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->nx; i++) {
			const double v[2] = {c->series[s].y[i], c->series[s].fit ? c->series[s].fit[i] : NAN};

			for (int k = 0; k < 2; k++)
				if (usable(c, v[k])) {
					*lo = fmin(*lo, v[k]);
					*hi = fmax(*hi, v[k]);
				}
		}
	if (!isfinite(*lo)) {
		*lo = c->log_scale ? 1 : 0;
		*hi = c->log_scale ? 10 : 1;
	}
	if (c->log_scale) {
		*lo = pow(10, floor(log10(*lo)));
		*hi = pow(10, ceil(log10(*hi)));
		if (*hi <= *lo)
			*hi = *lo * 10;
	} else {
		double step = pow(10, floor(log10(*hi > 0 ? *hi : 1)));

		*lo = 0;
		*hi = ceil(*hi / step) * step;
		if (*hi <= 0)
			*hi = 1;
	}
}

static double
y_pos(const struct chart *c, double v, double lo, double hi)
{
	double t = c->log_scale ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : (v - lo) / (hi - lo);

	return TOP + (1 - t) * (HEIGHT - TOP - BOTTOM);
}

static double
x_pos(const struct chart *c, size_t i)
{
	double span = WIDTH - LEFT - RIGHT;

	return LEFT + (c->nx > 1 ? span * (double)i / (double)(c->nx - 1) : span / 2);
}

static void
y_tick(FILE *f, const struct chart *c, double v, double lo, double hi)
{
	double y = y_pos(c, v, lo, hi);

	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n", LEFT, y,
		WIDTH - RIGHT, y);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\">%g</text>\n",
		LEFT - 6, y + 4, v);
}

static void
axes(FILE *f, const struct chart *c, double lo, double hi)
{
	if (c->log_scale)
		for (double v = lo; v <= hi * 1.0001; v *= 10)
			y_tick(f, c, v, lo, hi);
	else
		for (int k = 0; k <= 5; k++)
			y_tick(f, c, lo + (hi - lo) * k / 5, lo, hi);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n", LEFT,
		HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n", LEFT, TOP,
		LEFT, HEIGHT - BOTTOM);
	for (size_t i = 0; i < c->nx; i++) {
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
			   "transform=\"rotate(-45 %.1f %d)\">", x_pos(c, i), HEIGHT - BOTTOM + 16,
			x_pos(c, i), HEIGHT - BOTTOM + 16);
		put_text(f, c->x_labels[i]);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">",
		(LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12);
	put_text(f, c->x_title);
	fprintf(f, "</text>\n<text x=\"18\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" "
		   "transform=\"rotate(-90 18 %d)\">", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2);
	put_text(f, c->y_title);
	fputs("</text>\n", f);
}

/* A polyline through the usable values of v, broken at gaps. */
static void
line(FILE *f, const struct chart *c, const double *v, const char *colour, bool dashed,
     double lo, double hi)
{
	bool open = false;

	for (size_t i = 0; i <= c->nx; i++) {
		if (i < c->nx && usable(c, v[i])) {
			if (!open)
				fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
					colour, dashed ? " stroke-dasharray=\"6 4\"" : "");
			fprintf(f, "%s%.1f,%.1f", open ? " " : "", x_pos(c, i), y_pos(c, v[i], lo, hi));
			open = true;
		} else if (open) {
			fputs("\"/>\n", f);
			open = false;
		}
	}
}

static void
legend(FILE *f, const struct chart *c)
{
	for (size_t s = 0; s < c->nseries; s++) {
		int y = TOP + 10 + 20 * (int)s;

		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n",
			WIDTH - RIGHT + 16, y, WIDTH - RIGHT + 40, y, colours[s % 16]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", WIDTH - RIGHT + 46, y + 4);
		put_text(f, c->series[s].name);
		fputs("</text>\n", f);
	}
}

void
chart_write_svg(const struct chart *c, FILE *f)
{
	double lo, hi;

	y_range(c, &lo, &hi);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, HEIGHT);
	fprintf(f, "<text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\">", LEFT);
	put_text(f, c->title);
	fputs("</text>\n", f);
	axes(f, c, lo, hi);
	for (size_t s = 0; s < c->nseries; s++) {
		line(f, c, c->series[s].y, colours[s % 16], false, lo, hi);
		if (c->series[s].fit)
			line(f, c, c->series[s].fit, colours[s % 16], true, lo, hi);
	}
	legend(f, c);
	fputs("</svg>\n", f);
}
