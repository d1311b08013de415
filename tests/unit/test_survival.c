/*
 * test_survival.c
 *	  The survival estimators against R on R's own data: survfit and
 *	  survdiff on survival::lung, KMsurv::lifetab, relsurv::rs.surv on
 *	  rdata and colrec with slopop.  The expected values are the CSV files
 *	  that tests/r/survival-expected.R writes under tests/r/data/.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/csv.h"
#include "fangai/survival.h"

#define DATA "tests/r/data/"
#ifndef TOLERANCE
#define TOLERANCE 1e-6
#endif
#define MAX_ROWS 8000
#define MAX_COLS 16

/* A CSV file read whole: texts of each cell, by row and column. */
struct sheet {
	char names[MAX_COLS][32];
	int ncols;
	char *(*cells)[MAX_COLS];
	size_t nrows;
};

static void
sheet_read(const char *path, struct sheet *s)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	struct fg_error err;
	fg_csv *csv;
	bool row;

	memset(s, 0, sizeof(*s));
	if (fg_csv_open(path, &opts, &csv, &err) != FG_OK)
		fail_msg("%s: %s", path, err.message);
	s->ncols = (int)fg_csv_header_count(csv);
	assert_true(s->ncols <= MAX_COLS);
	for (int j = 0; j < s->ncols; j++)
		snprintf(s->names[j], sizeof(s->names[j]), "%s", fg_csv_header_name(csv, (size_t)j));
	s->cells = calloc(MAX_ROWS, sizeof(*s->cells));
	assert_non_null(s->cells);
	while (fg_csv_read(csv, &row, &err) == FG_OK && row) {
		assert_true(s->nrows < MAX_ROWS);
		for (int j = 0; j < s->ncols; j++)
			s->cells[s->nrows][j] = strdup(fg_csv_field(csv, (size_t)j));
		s->nrows++;
	}
	fg_csv_close(csv);
}

static void
sheet_free(struct sheet *s)
{
	for (size_t i = 0; i < s->nrows; i++)
		for (int j = 0; j < s->ncols; j++)
			free(s->cells[i][j]);
	free(s->cells);
}

static int
col(const struct sheet *s, const char *name)
{
	for (int j = 0; j < s->ncols; j++)
		if (strcmp(s->names[j], name) == 0)
			return j;
	fail_msg("no column %s", name);
	return -1;
}

static double
num(const struct sheet *s, size_t i, const char *name)
{
	const char *t = s->cells[i][col(s, name)];

	return strcmp(t, "NA") == 0 || *t == '\0' ? NAN : strtod(t, NULL);
}

/* Equal to R within TOLERANCE (relative above 1); NA matches NAN. */
static void
expect_close(double got, double want, const char *what, size_t row)
{
	if (isnan(want) && isnan(got))
		return;
	if (isnan(want) || isnan(got) || fabs(got - want) > TOLERANCE * fmax(1.0, fabs(want)))
		fail_msg("%s, row %zu: got %.12g, R gives %.12g", what, row + 1, got, want);
}

/* Compare curve points with the expected sheet rows [from, from + n). */
static void
expect_curve(const struct fg_surv_point *p, size_t np, const struct sheet *s, size_t from, size_t n)
{
	assert_int_equal(np, n);
	for (size_t k = 0; k < n; k++) {
		size_t i = from + k;

		expect_close(p[k].time, num(s, i, "time"), "time", i);
		expect_close(p[k].n_risk, num(s, i, "n_risk"), "n_risk", i);
		expect_close(p[k].n_event, num(s, i, "n_event"), "n_event", i);
		expect_close(p[k].surv, num(s, i, "surv"), "surv", i);
		expect_close(p[k].std_err, num(s, i, "std_err"), "std_err", i);
		expect_close(p[k].lower, num(s, i, "lower"), "lower", i);
		expect_close(p[k].upper, num(s, i, "upper"), "upper", i);
	}
}

/* survival::lung as times, events (status 2) and sex. */
struct lung {
	double time[300], entry[300];
	unsigned char event[300];
	int sex[300], ecog[300];
	size_t n;
};

static void
lung_read(struct lung *l)
{
	struct sheet s;

	sheet_read(DATA "lung.csv", &s);
	l->n = s.nrows;
	for (size_t i = 0; i < s.nrows; i++) {
		l->time[i] = num(&s, i, "time");
		l->entry[i] = num(&s, i, "entry");
		l->event[i] = num(&s, i, "status") == 2.0;
		l->sex[i] = (int)num(&s, i, "sex");
		l->ecog[i] = isnan(num(&s, i, "ph_ecog")) ? -1 : (int)num(&s, i, "ph_ecog");
	}
	sheet_free(&s);
}

static void
expect_quantiles(const struct fg_km *km, const struct sheet *q, size_t from)
{
	for (int k = 0; k < FG_SURV_NQUANTILES; k++) {
		expect_close(km->quantiles[k].p, num(q, from + k, "p"), "p", from + k);
		expect_close(km->quantiles[k].time, num(q, from + k, "time"), "quantile", from + k);
		expect_close(km->quantiles[k].lower, num(q, from + k, "lower"), "quantile lower", from + k);
		expect_close(km->quantiles[k].upper, num(q, from + k, "upper"), "quantile upper", from + k);
	}
}

/* Kaplan-Meier on lung (with its delayed entries or without) against R's curve and quantiles. */
static void
km_lung(enum fg_conf_type type, bool entry, const char *curve, const char *quantiles)
{
	struct fg_km_options opts = {.conf_type = type};
	struct fg_arena arena;
	struct sheet s, q;
	struct fg_error err;
	struct lung l;
	struct fg_km km;

	lung_read(&l);
	opts.entry = entry ? l.entry : NULL;
	sheet_read(curve, &s);
	sheet_read(quantiles, &q);
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_km_fit(l.time, l.event, l.n, &opts, &arena, &km, &err), FG_OK);
	expect_curve(km.points, km.npoints, &s, 0, s.nrows);
	expect_quantiles(&km, &q, 0);
	fg_arena_free(&arena);
	sheet_free(&s);
	sheet_free(&q);
}

static void
test_km_lung_log(void **state)
{
	km_lung(FG_CONF_LOG, false, DATA "km-lung-log.csv", DATA "km-lung-quantiles-log.csv");
}

static void
test_km_lung_loglog(void **state)
{
	km_lung(FG_CONF_LOGLOG, false, DATA "km-lung-loglog.csv", DATA "km-lung-quantiles-loglog.csv");
}

static void
test_km_lung_plain(void **state)
{
	km_lung(FG_CONF_PLAIN, false, DATA "km-lung-plain.csv", DATA "km-lung-quantiles-plain.csv");
}

/* Delayed entry (left truncation), as survfit(Surv(entry, time, status)); an entry at the time is refused. */
static void
test_km_lung_delayed_entry(void **state)
{
	struct fg_km_options opts = {0};
	struct fg_arena arena;
	struct fg_error err;
	struct lung l;
	struct fg_km km;

	km_lung(FG_CONF_LOG, true, DATA "km-lung-entry.csv", DATA "km-lung-entry-quantiles.csv");
	lung_read(&l);
	l.entry[3] = l.time[3];
	opts.entry = l.entry;
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_km_fit(l.time, l.event, l.n, &opts, &arena, &km, &err), FG_INVALID);
	assert_string_equal(err.field, "entry");
	fg_arena_free(&arena);
}

static void
test_km_lung_by_sex(void **state)
{
	struct fg_km_options opts = {.conf_type = FG_CONF_LOG};
	struct fg_arena arena;
	struct sheet s, q;
	struct fg_error err;
	struct lung l;
	size_t from = 0;

	lung_read(&l);
	sheet_read(DATA "km-lung-sex.csv", &s);
	sheet_read(DATA "km-lung-sex-quantiles.csv", &q);
	fg_arena_init(&arena, 0);
	for (int g = 1; g <= 2; g++) {
		double t[300];
		unsigned char e[300];
		size_t n = 0, rows = 0;
		struct fg_km km;

		for (size_t i = 0; i < l.n; i++)
			if (l.sex[i] == g) {
				t[n] = l.time[i];
				e[n++] = l.event[i];
			}
		for (size_t i = from; i < s.nrows && (int)num(&s, i, "group") == g; i++)
			rows++;
		assert_int_equal(fg_km_fit(t, e, n, &opts, &arena, &km, &err), FG_OK);
		expect_curve(km.points, km.npoints, &s, from, rows);
		expect_quantiles(&km, &q, (size_t)(g - 1) * FG_SURV_NQUANTILES);
		from += rows;
	}
	assert_int_equal(from, s.nrows);
	fg_arena_free(&arena);
	sheet_free(&s);
	sheet_free(&q);
}

static void
test_km_lung_at_times(void **state)
{
	struct fg_arena arena;
	struct fg_error err;
	struct sheet s;
	struct lung l;
	struct fg_km km;
	double after = -1.0;

	lung_read(&l);
	sheet_read(DATA "km-lung-at.csv", &s);
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_km_fit(l.time, l.event, l.n, NULL, &arena, &km, &err), FG_OK);
	for (size_t i = 0; i < s.nrows; i++) {
		struct fg_surv_point p;

		assert_true(fg_surv_at(km.points, km.npoints, after, num(&s, i, "time"), &p));
		expect_close(p.n_risk, num(&s, i, "n_risk"), "n_risk", i);
		expect_close(p.n_event, num(&s, i, "n_event"), "n_event", i);
		expect_close(p.surv, num(&s, i, "surv"), "surv", i);
		expect_close(p.std_err, num(&s, i, "std_err"), "std_err", i);
		expect_close(p.lower, num(&s, i, "lower"), "lower", i);
		expect_close(p.upper, num(&s, i, "upper"), "upper", i);
		after = p.time;
	}
	fg_arena_free(&arena);
	sheet_free(&s);
}

static void
logrank_lung(const char *file, bool ecog)
{
	struct fg_logrank lr;
	struct fg_arena arena;
	struct fg_error err;
	struct sheet s;
	struct lung l;
	double t[300];
	unsigned char e[300];
	int g[300];
	size_t n = 0;

	lung_read(&l);
	sheet_read(file, &s);
	for (size_t i = 0; i < l.n; i++) {
		int grp = ecog ? l.ecog[i] : l.sex[i] - 1;

		if (grp < 0)
			continue;
		t[n] = l.time[i];
		e[n] = l.event[i];
		g[n++] = grp;
	}
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_logrank_test(t, e, g, n, (int)s.nrows, &arena, &lr, &err), FG_OK);
	for (size_t i = 0; i < s.nrows; i++) {
		expect_close(lr.n[i], num(&s, i, "n"), "n", i);
		expect_close(lr.observed[i], num(&s, i, "observed"), "observed", i);
		expect_close(lr.expected[i], num(&s, i, "expected"), "expected", i);
		expect_close(lr.variance[i], num(&s, i, "variance"), "variance", i);
	}
	expect_close(lr.chisq, num(&s, 0, "chisq"), "chisq", 0);
	expect_close(lr.df, num(&s, 0, "df"), "df", 0);
	expect_close(lr.p_value, num(&s, 0, "p"), "p", 0);
	fg_arena_free(&arena);
	sheet_free(&s);
}

static void
test_logrank_lung_sex(void **state)
{
	logrank_lung(DATA "logrank-lung-sex.csv", false);
}

static void
test_logrank_lung_ecog(void **state)
{
	logrank_lung(DATA "logrank-lung-ecog.csv", true);
}

static void
expect_lifetab(const struct fg_lifetab *lt, const struct sheet *s)
{
	static const char *const names[] = {"entered", "lost", "at_risk", "events", "surv", "pdf",
					    "hazard", "se_surv", "se_pdf", "se_hazard"};

	assert_int_equal(lt->nrows, s->nrows);
	for (size_t i = 0; i < s->nrows; i++) {
		const struct fg_lifetab_row *r = &lt->rows[i];
		double got[] = {r->entered, r->lost, r->at_risk, r->events, r->surv, r->pdf,
				r->hazard, r->se_surv, r->se_pdf, r->se_hazard};

		for (size_t k = 0; k < sizeof(got) / sizeof(got[0]); k++)
			expect_close(got[k], num(s, i, names[k]), names[k], i);
	}
}

static void
test_lifetab_counts(void **state)
{
	double breaks[16], lost[16], events[16];
	struct fg_lifetab lt;
	struct fg_arena arena;
	struct fg_error err;
	struct sheet c, s;

	sheet_read(DATA "lifetab-counts.csv", &c);
	sheet_read(DATA "lifetab-expected.csv", &s);
	for (size_t i = 0; i < c.nrows; i++) {
		breaks[i] = num(&c, i, "start");
		lost[i] = num(&c, i, "lost");
		events[i] = num(&c, i, "events");
	}
	breaks[c.nrows] = INFINITY;
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_lifetab_counts(breaks, c.nrows + 1, 927, lost, events, NULL, &arena, &lt, &err),
			 FG_OK);
	expect_lifetab(&lt, &s);
	fg_arena_free(&arena);
	sheet_free(&c);
	sheet_free(&s);
}

static void
test_lifetab_lung(void **state)
{
	double breaks[12];
	struct fg_lifetab lt;
	struct fg_arena arena;
	struct fg_error err;
	struct sheet s;
	struct lung l;

	lung_read(&l);
	sheet_read(DATA "lifetab-lung.csv", &s);
	for (int k = 0; k <= 10; k++)
		breaks[k] = 100.0 * k;
	breaks[11] = INFINITY;
	fg_arena_init(&arena, 0);
	assert_int_equal(fg_lifetab_fit(l.time, l.event, l.n, breaks, 12, NULL, &arena, &lt, &err), FG_OK);
	expect_lifetab(&lt, &s);
	fg_arena_free(&arena);
	sheet_free(&s);
}

/* Net survival of a relsurv data set: file, time and status columns, age in years or days. */
static void
net_case(const char *data, const char *tcol, const char *scol, const char *dcol, bool age_years,
	 enum fg_net_method method, enum fg_conf_type type, const char *expected)
{
	struct fg_km_options opts = {.conf_type = type};
	struct fg_net_subject *subj;
	struct fg_ratetable rt;
	struct fg_arena arena;
	struct fg_error err;
	struct sheet d, s;
	struct fg_net net;

	fg_arena_init(&arena, 0);
	if (fg_ratetable_load(DATA "slopop.csv", &arena, &rt, &err) != FG_OK)
		fail_msg("slopop: %s", err.message);
	sheet_read(data, &d);
	sheet_read(expected, &s);
	subj = calloc(d.nrows, sizeof(*subj));
	assert_non_null(subj);
	for (size_t i = 0; i < d.nrows; i++) {
		subj[i].time = num(&d, i, tcol);
		subj[i].event = num(&d, i, scol) == 1.0;
		subj[i].sex = num(&d, i, "sex") == 2.0;
		subj[i].age = num(&d, i, "age") * (age_years ? FG_DAYS_PER_YEAR : 1.0);
		assert_int_equal(fg_date_parse(d.cells[i][col(&d, dcol)], dcol, &subj[i].diagnosed, &err), FG_OK);
	}
	assert_int_equal(fg_net_fit(subj, d.nrows, &rt, method, &opts, &arena, &net, &err), FG_OK);
	expect_curve(net.points, net.npoints, &s, 0, s.nrows);
	free(subj);
	fg_arena_free(&arena);
	sheet_free(&d);
	sheet_free(&s);
}

/* relsurv's data sets and the rs.surv calls of tests/r/survival-expected.R. */
static void
test_net_survival(void **state)
{
	static const struct {
		const char *data, *tcol, *scol, *dcol;
		bool age_years;
		enum fg_net_method method;
		enum fg_conf_type type;
		const char *expected;
	} cases[] = {
		{DATA "rdata.csv", "time", "cens", "year", true, FG_NET_EDERER2, FG_CONF_LOG,
		 DATA "net-rdata-ederer2.csv"},
		{DATA "rdata.csv", "time", "cens", "year", true, FG_NET_POHAR_PERME, FG_CONF_LOG,
		 DATA "net-rdata-pohar-perme.csv"},
		{DATA "colrec.csv", "time", "stat", "diag", false, FG_NET_EDERER2, FG_CONF_LOGLOG,
		 DATA "net-colrec-ederer2.csv"},
		{DATA "colrec.csv", "time", "stat", "diag", false, FG_NET_POHAR_PERME, FG_CONF_LOGLOG,
		 DATA "net-colrec-pohar-perme.csv"},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		net_case(cases[k].data, cases[k].tcol, cases[k].scol, cases[k].dcol, cases[k].age_years,
			 cases[k].method, cases[k].type, cases[k].expected);
}

static void
test_distributions(void **state)
{
	/* qnorm(0.975), qnorm(0.995), qnorm(1e-10) and pchisq(3.84, 1, lower = FALSE) from R */
	expect_close(fg_qnorm(0.975), 1.959963984540054, "qnorm", 0);
	expect_close(fg_qnorm(0.995), 2.5758293035489004, "qnorm", 1);
	expect_close(fg_qnorm(1e-10), -6.3613409024040557, "qnorm", 2);
	expect_close(fg_pchisq_upper(3.84, 1), 0.050043521248705224, "pchisq", 0);
	expect_close(fg_pchisq_upper(30.0, 10) * 1e3, 0.85664121077530053, "pchisq", 1);
}

static void
test_km_refuses_bad_times(void **state)
{
	double t[] = {1.0, -2.0};
	unsigned char e[] = {1, 0};
	struct fg_arena arena;
	struct fg_error err;
	struct fg_km km;

	fg_arena_init(&arena, 0);
	assert_int_equal(fg_km_fit(t, e, 2, NULL, &arena, &km, &err), FG_INVALID);
	assert_non_null(strstr(err.message, "-2"));
	assert_int_equal(fg_km_fit(t, e, 0, NULL, &arena, &km, &err), FG_INVALID);
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_km_lung_log),
		cmocka_unit_test(test_km_lung_loglog),
		cmocka_unit_test(test_km_lung_plain),
		cmocka_unit_test(test_km_lung_by_sex),
		cmocka_unit_test(test_km_lung_delayed_entry),
		cmocka_unit_test(test_km_lung_at_times),
		cmocka_unit_test(test_km_refuses_bad_times),
		cmocka_unit_test(test_logrank_lung_sex),
		cmocka_unit_test(test_logrank_lung_ecog),
		cmocka_unit_test(test_lifetab_counts),
		cmocka_unit_test(test_lifetab_lung),
		cmocka_unit_test(test_net_survival),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
