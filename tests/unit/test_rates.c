/*
 * test_rates.c
 *	  Rates, Fay-Feuer intervals, cumulative and truncated rates and EAPC
 *	  against the values R computes (tests/data/rates/, written by
 *	  tests/r/rates-expected.R); no R is needed to run them.
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
#include "fangai/rates.h"

#define DATA "tests/data/rates/"
#define TOLERANCE 1e-9	/* relative */
#define MAX_ROWS 512

struct table {
	fg_csv *csv;
	struct fg_error err;
};

static fg_csv *
open_data(const char *name)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	char path[256];
	struct fg_error err;
	fg_csv *csv = NULL;

	snprintf(path, sizeof(path), DATA "%s", name);
	if (fg_csv_open(path, &opts, &csv, &err) != FG_OK)
		fail_msg("%s", err.message);
	return csv;
}

static const char *
field(fg_csv *csv, const char *name)
{
	int i = fg_csv_column(csv, name);

	if (i < 0)
		fail_msg("no column %s", name);
	return fg_csv_field(csv, (size_t)i);
}

static double
number(fg_csv *csv, const char *name)
{
	return strtod(field(csv, name), NULL);
}

static bool
next_row(fg_csv *csv)
{
	struct fg_error err;
	bool row = false;

	if (fg_csv_read(csv, &row, &err) != FG_OK)
		fail_msg("%s", err.message);
	return row;
}

static void
assert_close(const char *what, const char *stratum, double want, double got)
{
	double diff = fabs(want - got), scale = fabs(want) > 0 ? fabs(want) : 1;

	if (!(diff <= TOLERANCE * scale))
		fail_msg("%s of %s: expected %.17g, got %.17g (relative error %.3g)", what, stratum,
			 want, got, diff / scale);
}

/* Fay and Feuer (1997) Table 1, as epitools' example of ageadjust.direct reproduces it. */
static void
test_fay_feuer_table1(void **state)
{
	double count[5][6], pop[5][6], standard[6];
	char orders[5][8];
	fg_csv *in = open_data("fay-feuer-input.csv"), *ex;
	int n = 0;

	(void)state;
	while (next_row(in)) {
		int j = n / 6, i = n % 6;

		snprintf(orders[j], sizeof(orders[j]), "%s", field(in, "birth_order"));
		count[j][i] = number(in, "count");
		pop[j][i] = number(in, "population");
		standard[i] = number(in, "standard");
		n++;
	}
	fg_csv_close(in);
	assert_int_equal(n, 30);
	ex = open_data("fay-feuer-expected.csv");
	for (int j = 0; next_row(ex); j++) {
		struct fg_dsr dsr;
		struct fg_error err;
		double cases = 0, persons = 0;

		assert_string_equal(field(ex, "birth_order"), orders[j]);
		assert_int_equal(fg_rate_direct(6, count[j], pop[j], standard, 0.95, &dsr, &err), FG_OK);
		for (int i = 0; i < 6; i++) {
			cases += count[j][i];
			persons += pop[j][i];
		}
		assert_close("crude", orders[j], number(ex, "crude"), cases / persons);
		assert_close("asr", orders[j], number(ex, "asr"), dsr.rate);
		assert_close("lci", orders[j], number(ex, "lci"), dsr.lci);
		assert_close("uci", orders[j], number(ex, "uci"), dsr.uci);
	}
	fg_csv_close(ex);
}

struct stratum {
	char name[32];
	double count[FG_AGE_GROUPS], pop[FG_AGE_GROUPS];
	struct fg_rate_row row;
};

static double
measure(const struct fg_rate_row *r, const char *name)
{
	static const char *const stds[] = {"china2000", "segi", "who2000"};
	char key[48];

	if (strcmp(name, "crude") == 0)
		return r->crude;
	if (strcmp(name, "trunc_segi") == 0)
		return r->truncated.rate;
	if (strcmp(name, "trunc_lci") == 0)
		return r->truncated.lci;
	if (strcmp(name, "trunc_uci") == 0)
		return r->truncated.uci;
	if (strcmp(name, "cum_0_74") == 0)
		return r->cumulative;
	if (strcmp(name, "cumrisk_0_74") == 0)
		return r->cumulative_risk;
	for (int s = 0; s < 3; s++) {
		snprintf(key, sizeof(key), "asr_%s", stds[s]);
		if (strcmp(name, key) == 0)
			return r->asr[s].rate;
		snprintf(key, sizeof(key), "lci_%s", stds[s]);
		if (strcmp(name, key) == 0)
			return r->asr[s].lci;
		snprintf(key, sizeof(key), "uci_%s", stds[s]);
		if (strcmp(name, key) == 0)
			return r->asr[s].uci;
	}
	fail_msg("unknown measure %s", name);
	return NAN;
}

/* Five registry strata over 19 age groups, three standards, truncated and cumulative rates. */
static void
test_registry_strata(void **state)
{
	static struct stratum strata[8];
	struct fg_stdpop std[3];
	struct fg_rate_options opts = {.standards = std, .nstandards = 3, .truncation = &std[1],
				       .conf = 0.95};
	struct fg_error err;
	int nstrata = 0, checked = 0;
	fg_csv *in, *ex;

	(void)state;
	assert_int_equal(fg_stdpop_load("china2000", &std[0], &err), FG_OK);
	assert_int_equal(fg_stdpop_load("segi", &std[1], &err), FG_OK);
	assert_int_equal(fg_stdpop_load("who2000", &std[2], &err), FG_OK);
	in = open_data("registry-input.csv");
	while (next_row(in)) {
		int g = fg_age_group_parse(field(in, "age_group"));

		assert_true(g >= 0);
		if (g == 0) {
			assert_true(nstrata < 8);
			snprintf(strata[nstrata++].name, sizeof(strata[0].name), "%s", field(in, "stratum"));
		}
		strata[nstrata - 1].count[g] = number(in, "count");
		strata[nstrata - 1].pop[g] = number(in, "population");
	}
	fg_csv_close(in);
	for (int i = 0; i < nstrata; i++)
		assert_int_equal(fg_rates_compute(strata[i].count, strata[i].pop, &opts, &strata[i].row,
						  &err), FG_OK);
	ex = open_data("registry-expected.csv");
	while (next_row(ex)) {
		const char *name = field(ex, "stratum");
		int i = 0;

		while (i < nstrata && strcmp(strata[i].name, name) != 0)
			i++;
		assert_true(i < nstrata);
		assert_close(field(ex, "measure"), name, number(ex, "value"),
			     measure(&strata[i].row, field(ex, "measure")));
		checked++;
	}
	fg_csv_close(ex);
	assert_int_equal(checked, nstrata * 15);
}

static void
test_eapc(void **state)
{
	double year[64], rate[64];
	char series[64][16];
	int n = 0, checked = 0;
	fg_csv *in = open_data("eapc-input.csv"), *ex;

	(void)state;
	while (next_row(in)) {
		assert_true(n < 64);
		snprintf(series[n], sizeof(series[n]), "%s", field(in, "series"));
		year[n] = number(in, "year");
		rate[n] = number(in, "rate");
		n++;
	}
	fg_csv_close(in);
	ex = open_data("eapc-expected.csv");
	while (next_row(ex)) {
		const char *name = field(ex, "series");
		struct fg_eapc fit;
		struct fg_error err;
		int first = -1, len = 0;

		for (int i = 0; i < n; i++)
			if (strcmp(series[i], name) == 0) {
				if (first < 0)
					first = i;
				len++;
			}
		assert_int_equal(fg_eapc_fit((size_t)len, year + first, rate + first, 0.95, &fit, &err),
				 FG_OK);
		assert_close("eapc", name, number(ex, "eapc"), fit.eapc);
		assert_close("lci", name, number(ex, "lci"), fit.lci);
		assert_close("uci", name, number(ex, "uci"), fit.uci);
		checked++;
	}
	fg_csv_close(ex);
	assert_int_equal(checked, 3);
}

static void
test_refusals(void **state)
{
	double count[3] = {1, 2, 3}, pop[3] = {100, 0, 300}, w[3] = {1, 1, 1};
	double year[3] = {2020, 2021, 2021}, rate[3] = {1e-4, 2e-4, 3e-4};
	struct fg_dsr dsr;
	struct fg_eapc fit;
	struct fg_error err;
	struct fg_stdpop std;

	(void)state;
	assert_int_equal(fg_rate_direct(3, count, pop, w, 0.95, &dsr, &err), FG_INVALID);
	assert_string_equal(err.field, "population");
	assert_string_equal(err.message, "2 cases in age group #2 have no population");
	pop[1] = 200;
	count[2] = -1;
	assert_int_equal(fg_rate_direct(3, count, pop, w, 0.95, &dsr, &err), FG_INVALID);
	assert_string_equal(err.field, "count");
	assert_int_equal(fg_eapc_fit(3, year, rate, 0.95, &fit, &err), FG_INVALID);
	assert_string_equal(err.message, "year 2021 is repeated");
	year[2] = 2022;
	rate[1] = 0;
	assert_int_equal(fg_eapc_fit(3, year, rate, 0.95, &fit, &err), FG_INVALID);
	assert_string_equal(err.field, "rate");
	assert_int_equal(fg_eapc_fit(2, year, rate, 0.95, &fit, &err), FG_INVALID);
	assert_int_equal(fg_stdpop_load("segi2", &std, &err), FG_IO);
	assert_string_equal(err.hint, "The built-in standards are china2000, segi and who2000.");
}

static void
test_age_groups(void **state)
{
	(void)state;
	assert_int_equal(fg_age_group_parse("0"), 0);
	assert_int_equal(fg_age_group_parse("1-4"), 1);
	assert_int_equal(fg_age_group_parse("35-39"), 8);
	assert_int_equal(fg_age_group_parse("85+"), 18);
	assert_int_equal(fg_age_group_parse("85-99"), 18);
	assert_int_equal(fg_age_group_parse("0-4"), -1);
	assert_int_equal(fg_age_group_parse(""), -1);
	assert_true(fg_age_group_width(0) == 1 && fg_age_group_width(1) == 4 &&
		    fg_age_group_width(15) == 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fay_feuer_table1),
		cmocka_unit_test(test_registry_strata),
		cmocka_unit_test(test_eapc),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_age_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
