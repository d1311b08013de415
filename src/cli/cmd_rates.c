/*
 * cmd_rates.c
 *	  fangai stats rates: incidence rates from a cases CSV and a population
 *	  CSV without a database, or from the database's tumours and
 *	  population: crude, age-specific and age-standardised
 *	  rates with 95% intervals, cumulative rate and risk 0-74, truncated
 *	  rate 35-64, or the EAPC over years.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_registry_stats.h"
#include "fangai/incidence.h"
#include "fangai/population.h"
#include "fangai/rates.h"
#include "fangai/sitegroup.h"
#include "output.h"
#include "output_xlsx.h"
#include "chart_svg.h"

#define PER 1e5		/* rates per 100,000 person-years */
#define CONF 0.95

struct rates_job {
	enum out_format fmt;
	enum out_extra extra;
	struct chart chart;		/* with OUT_EXTRA_SVG */
	bool by[FG_NDIMS];
	struct fg_stdpop standards[FG_RATES_MAX_STD];
	struct fg_stdpop truncation;
	struct fg_rate_options opts;
	struct fg_site_groups sites;
	fg_incidence *inc;
	fg_store *store;		/* NULL when reading CSV files */
	struct fg_arena arena;
	struct out_table table;
	struct out_column *cols;
	int ncols;
};

static void
add_column(struct rates_job *job, const char *name, bool numeric)
{
	job->cols[job->ncols].name = name;
	job->cols[job->ncols].numeric = numeric;
	job->ncols++;
}

static const char *
number(struct rates_job *job, double v, int decimals)
{
	if (job->fmt == OUT_TABLE)
		return fg_arena_printf(&job->arena, "%.*f", decimals, v);
	return fg_arena_printf(&job->arena, "%.15g", v);
}

/* The columns naming a stratum, for the dimensions broken down. */
static void
add_key_columns(struct rates_job *job)
{
	for (int d = 0; d < FG_NDIMS; d++) {
		if (!job->by[d])
			continue;
		add_column(job, fg_dim_name(d), d == FG_DIM_YEAR);
		if (d == FG_DIM_SITE)
			add_column(job, "site_name", false);
	}
}

static int
key_cells(struct rates_job *job, const int key[FG_NDIMS], const char **cells)
{
	int n = 0;

	for (int d = 0; d < FG_NDIMS; d++) {
		const char *text;

		if (!job->by[d])
			continue;
		text = fg_incidence_value_text(job->inc, d, key[d]);
		if (d == FG_DIM_SEX)
			text = strcmp(text, "1") == 0 ? "male" : "female";
		cells[n++] = text;
		if (d == FG_DIM_SITE)
			cells[n++] = fg_site_group_label(&job->sites, text);
	}
	return n;
}

/* Add a line to the chart, named for the stratum of key; y and fit (may be NULL) per 100,000. */
static fg_rc
add_series(struct rates_job *job, const int key[FG_NDIMS], const double *y, const double *fit,
	   struct fg_error *err)
{
	struct chart_series *series = &job->chart.series[job->chart.nseries];
	const char *cells[16];
	char name[256] = "";
	int n = key_cells(job, key, cells);

	if (job->chart.nseries == CHART_MAX_SERIES) {
		fg_error_set(err, FG_INVALID, "by", "more than %d strata for one chart", CHART_MAX_SERIES);
		fg_error_hint(err, "Break the chart down by fewer dimensions.");
		return FG_INVALID;
	}
	for (int i = 0; i < n; i++)
		if (*cells[i])
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s",
				 *name ? " " : "", cells[i]);
	series->name = fg_arena_strdup(&job->arena, *name ? name : "all");
	series->y = y;
	series->fit = fit;
	job->chart.nseries++;
	return series->name ? FG_OK : fg_error_set(err, FG_NOMEM, NULL, "out of memory");
}

static bool
init_columns(struct rates_job *job, int max)
{
	job->cols = fg_arena_alloc(&job->arena, (size_t)max * sizeof(*job->cols));
	job->ncols = 0;
	if (job->cols == NULL)
		return false;
	add_key_columns(job);
	return true;
}

static bool
summary_columns(struct rates_job *job)
{
	if (!init_columns(job, 32))
		return false;
	add_column(job, "cases", true);
	add_column(job, "population", true);
	add_column(job, "crude", true);
	for (size_t s = 0; s < job->opts.nstandards; s++) {
		const char *n = job->standards[s].name;

		add_column(job, fg_arena_printf(&job->arena, "asr_%s", n), true);
		add_column(job, fg_arena_printf(&job->arena, "lci_%s", n), true);
		add_column(job, fg_arena_printf(&job->arena, "uci_%s", n), true);
	}
	add_column(job, "cum_0_74", true);
	add_column(job, "cumrisk_0_74", true);
	add_column(job, "trunc_35_64", true);
	add_column(job, "trunc_lci", true);
	add_column(job, "trunc_uci", true);
	return true;
}

static void
summary_row(struct rates_job *job, const struct fg_incidence_row *in, const struct fg_rate_row *r)
{
	const char *cells[48];
	int n = key_cells(job, in->key, cells);

	cells[n++] = number(job, r->cases, 0);
	cells[n++] = number(job, r->population, 0);
	cells[n++] = number(job, r->crude * PER, 2);
	for (size_t s = 0; s < job->opts.nstandards; s++) {
		cells[n++] = number(job, r->asr[s].rate * PER, 2);
		cells[n++] = number(job, r->asr[s].lci * PER, 2);
		cells[n++] = number(job, r->asr[s].uci * PER, 2);
	}
	cells[n++] = number(job, r->cumulative * 100, 2);
	cells[n++] = number(job, r->cumulative_risk * 100, 2);
	cells[n++] = number(job, r->truncated.rate * PER, 2);
	cells[n++] = number(job, r->truncated.lci * PER, 2);
	cells[n++] = number(job, r->truncated.uci * PER, 2);
	out_table_add(&job->table, cells);
}

static fg_rc
age_rows(struct rates_job *job, const struct fg_incidence_row *in, const struct fg_rate_row *r,
	 struct fg_error *err)
{
	if (job->extra == OUT_EXTRA_SVG) {
		double *y = fg_arena_alloc(&job->arena, FG_AGE_GROUPS * sizeof(double));

		if (y == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		for (int g = 0; g < FG_AGE_GROUPS; g++)
			y[g] = r->age_specific[g] * PER;
		return add_series(job, in->key, y, NULL, err);
	}
	for (int g = 0; g < FG_AGE_GROUPS; g++) {
		const char *cells[16];
		int n = key_cells(job, in->key, cells);

		cells[n++] = fg_age_group_label(g);
		cells[n++] = number(job, in->count[g], 0);
		cells[n++] = number(job, in->pop[g], 0);
		cells[n++] = number(job, r->age_specific[g] * PER, 2);
		out_table_add(&job->table, cells);
	}
	return FG_OK;
}

static fg_rc
rates_table(struct rates_job *job, bool by_age, struct fg_error *err)
{
	struct fg_incidence_row *rows;
	size_t nrows;
	fg_rc rc = fg_incidence_collapse(job->inc, job->by, &job->arena, &rows, &nrows, err);

	if (rc != FG_OK)
		return rc;
	if (by_age ? !init_columns(job, 16) : !summary_columns(job))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (by_age) {
		const char **labels = fg_arena_alloc(&job->arena, FG_AGE_GROUPS * sizeof(*labels));

		if (labels == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		for (int g = 0; g < FG_AGE_GROUPS; g++)
			labels[g] = fg_age_group_label(g);
		job->chart = (struct chart){.title = "Age-specific incidence rates",
					    .x_title = "age group (years)", .y_title = "rate per 100,000",
					    .x_labels = labels, .nx = FG_AGE_GROUPS, .log_scale = true};
		add_column(job, "age_group", false);
		add_column(job, "cases", true);
		add_column(job, "population", true);
		add_column(job, "rate", true);
	}
	out_table_init(&job->table, &job->arena, job->cols, job->ncols);
	for (size_t i = 0; rc == FG_OK && i < nrows; i++) {
		struct fg_rate_row r;

		rc = fg_rates_compute(rows[i].count, rows[i].pop, &job->opts, &r, err);
		if (rc == FG_OK && by_age)
			rc = age_rows(job, &rows[i], &r, err);
		else if (rc == FG_OK)
			summary_row(job, &rows[i], &r);
	}
	return rc;
}

static bool
same_but_year(const struct fg_incidence_row *a, const struct fg_incidence_row *b)
{
	for (int d = 0; d < FG_NDIMS; d++)
		if (d != FG_DIM_YEAR && a->key[d] != b->key[d])
			return false;
	return true;
}

/* The error of a stratum without cases in one of the years of the data. */
static fg_rc
missing_year(struct rates_job *job, const struct fg_incidence_row *rows, size_t n,
	     struct fg_error *err)
{
	int key[FG_NDIMS];
	char what[256];
	size_t i = 0;

	memcpy(key, rows[0].key, sizeof(key));
	key[FG_DIM_YEAR] = -1;
	for (int y = 0; (size_t)y < fg_incidence_nvalues(job->inc, FG_DIM_YEAR); y++) {
		for (i = 0; i < n && rows[i].key[FG_DIM_YEAR] != y; i++)
			;
		if (i == n) {
			fg_error_set(err, FG_INVALID, "year", "no cases of %s in year %s",
				     fg_incidence_describe(job->inc, key, what, sizeof(what)),
				     fg_incidence_value_text(job->inc, FG_DIM_YEAR, y));
			fg_error_detail(err, "The EAPC fits log(rate) on year, so every year needs cases.");
			return FG_INVALID;
		}
	}
	return FG_OK;
}

/* A stratum's ASR by year and its fitted trend, as a line of the chart. */
static fg_rc
chart_trend(struct rates_job *job, const struct fg_incidence_row *rows, size_t n,
	    const double *year, const double *rate, const struct fg_eapc *fit, struct fg_error *err)
{
	double *y = fg_arena_alloc(&job->arena, n * sizeof(double));
	double *line = fg_arena_alloc(&job->arena, n * sizeof(double));
	const char **labels = fg_arena_alloc(&job->arena, n * sizeof(*labels));

	if (y == NULL || line == NULL || labels == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		y[i] = rate[i] * PER;
		line[i] = exp(fit->intercept + fit->slope * year[i]) * PER;
		labels[i] = fg_incidence_value_text(job->inc, FG_DIM_YEAR, rows[i].key[FG_DIM_YEAR]);
	}
	if (job->chart.nseries == 0)
		job->chart = (struct chart){
			.title = fg_arena_printf(&job->arena, "Age-standardised incidence (%s); dashed: "
							      "log-linear trend", job->standards[0].name),
			.x_title = "year", .y_title = "ASR per 100,000", .x_labels = labels, .nx = n};
	return add_series(job, rows[0].key, y, line, err);
}

/* One EAPC row over rows[0..n), the years of one stratum. */
static fg_rc
eapc_row(struct rates_job *job, const struct fg_incidence_row *rows, size_t n, struct fg_error *err)
{
	double *year = fg_arena_alloc(&job->arena, n * sizeof(double));
	double *rate = fg_arena_alloc(&job->arena, n * sizeof(double));
	const char *cells[16];
	struct fg_eapc fit;
	int k;
	fg_rc rc = FG_OK;

	if (year == NULL || rate == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (n < fg_incidence_nvalues(job->inc, FG_DIM_YEAR))
		return missing_year(job, rows, n, err);
	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		struct fg_rate_row r;

		rc = fg_rates_compute(rows[i].count, rows[i].pop, &job->opts, &r, err);
		year[i] = strtod(fg_incidence_value_text(job->inc, FG_DIM_YEAR, rows[i].key[FG_DIM_YEAR]), NULL);
		rate[i] = r.asr[0].rate;
	}
	if (rc == FG_OK)
		rc = fg_eapc_fit(n, year, rate, CONF, &fit, err);
	if (rc != FG_OK)
		return rc;
	if (job->extra == OUT_EXTRA_SVG)
		return chart_trend(job, rows, n, year, rate, &fit, err);
	k = key_cells(job, rows[0].key, cells);
	cells[k++] = job->standards[0].name;
	cells[k++] = number(job, (double)n, 0);
	cells[k++] = number(job, year[0], 0);
	cells[k++] = number(job, year[n - 1], 0);
	cells[k++] = number(job, fit.eapc, 2);
	cells[k++] = number(job, fit.lci, 2);
	cells[k++] = number(job, fit.uci, 2);
	out_table_add(&job->table, cells);
	return FG_OK;
}

static fg_rc
eapc_table(struct rates_job *job, struct fg_error *err)
{
	static const char *const names[] = {"standard", "years", "first_year", "last_year",
					    "eapc", "eapc_lci", "eapc_uci"};
	struct fg_incidence_row *rows;
	size_t nrows, start = 0;
	fg_rc rc;

	if (job->by[FG_DIM_YEAR])
		return fg_error_set(err, FG_INVALID, "by", "an EAPC is over years: leave year out of --by");
	job->by[FG_DIM_YEAR] = true;
	rc = fg_incidence_collapse(job->inc, job->by, &job->arena, &rows, &nrows, err);
	job->by[FG_DIM_YEAR] = false;
	if (rc != FG_OK)
		return rc;
	if (!init_columns(job, 16))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		add_column(job, names[i], i > 0);
	out_table_init(&job->table, &job->arena, job->cols, job->ncols);
	for (size_t i = 1; rc == FG_OK && i <= nrows; i++)
		if (i == nrows || !same_but_year(&rows[i], &rows[start])) {
			rc = eapc_row(job, rows + start, i - start, err);
			start = i;
		}
	return rc;
}

static fg_rc
load_standards(struct rates_job *job, const char *list, const char *trunc, struct fg_error *err)
{
	char buf[1024], *save = NULL;
	fg_rc rc = FG_OK;

	snprintf(buf, sizeof(buf), "%s", list);
	job->opts.nstandards = 0;
	for (char *w = strtok_r(buf, ",", &save); rc == FG_OK && w; w = strtok_r(NULL, ",", &save)) {
		if (job->opts.nstandards == FG_RATES_MAX_STD)
			return fg_error_set(err, FG_INVALID, "standard", "more than %d standards",
					    FG_RATES_MAX_STD);
		rc = fg_stdpop_load(w, &job->standards[job->opts.nstandards++], err);
	}
	if (rc == FG_OK && job->opts.nstandards == 0)
		return fg_error_set(err, FG_INVALID, "standard", "no standard population given");
	if (rc == FG_OK)
		rc = fg_stdpop_load(trunc, &job->truncation, err);
	job->opts.standards = job->standards;
	job->opts.truncation = &job->truncation;
	job->opts.conf = CONF;
	return rc;
}

static fg_rc
run_job(struct rates_job *job, const struct cli_args *args, struct fg_error *err)
{
	const char *std = cli_get(args, "standard"), *trunc = cli_get(args, "truncation");
	fg_rc rc;

	rc = fg_dims_parse(cli_get(args, "by"), job->by, err);
	if (rc == FG_OK)
		rc = load_standards(job, std ? std : "china2000,segi", trunc ? trunc : "segi", err);
	if (rc == FG_OK)
		rc = fg_site_groups_load(cli_get(args, "sites"), &job->sites, err);
	if (rc == FG_OK)
		rc = fg_incidence_new(&job->inc, err);
	if (rc == FG_OK && job->store != NULL)
		rc = fg_incidence_read_store(job->inc, job->store, &job->sites, job->by[FG_DIM_SITE], err);
	else if (rc == FG_OK)
		rc = fg_incidence_read_population(job->inc, cli_get(args, "population"), NULL, err);
	if (rc == FG_OK && job->store == NULL)
		rc = fg_incidence_read_cases(job->inc, cli_get(args, "cases"), &job->sites,
					     job->by[FG_DIM_SITE], err);
	if (rc == FG_OK && cli_has(args, "eapc"))
		rc = eapc_table(job, err);
	else if (rc == FG_OK)
		rc = rates_table(job, cli_has(args, "age-specific"), err);
	return rc;
}

/* Print or write the result: the table in its format, or the chart. */
static int
emit(struct rates_job *job, const char *path)
{
	FILE *f;

	if (job->extra != OUT_EXTRA_SVG)
		return out_table_emit(&job->table, job->fmt, job->extra, path, "rates");
	if (job->chart.nseries == 0)
		return cli_usage_error("stats rates", "svg charts are drawn of --age-specific or --eapc");
	f = path ? fopen(path, "w") : stdout;
	if (f == NULL) {
		fprintf(stderr, "fangai: error: could not create file \"%s\"\n", path);
		return EXIT_USAGE;
	}
	chart_write_svg(&job->chart, f);
	if (f != stdout && fclose(f) != 0) {
		fprintf(stderr, "fangai: error: could not write file \"%s\"\n", path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
stats_run_rates(struct cli_args *args)
{
	struct rates_job *job;
	struct fg_error err;
	int status = EXIT_OK;
	enum out_format fmt;
	enum out_extra extra;

	if (cli_has(args, "cases") != cli_has(args, "population"))
		return cli_usage_error(args->path, "stats rates needs both --cases and --population, or neither");
	if (!out_format_parse_extra(cli_get(args, "format"), &fmt, &extra))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	job = calloc(1, sizeof(*job));
	if (job == NULL)
		return EXIT_USAGE;
	job->fmt = fmt;
	job->extra = extra;
	fg_arena_init(&job->arena, 0);
	if (!cli_has(args, "cases"))
		job->store = cli_open_store(args, false, &status);
	if (status == EXIT_OK && run_job(job, args, &err) != FG_OK)
		status = cli_report(&err);
	else if (status == EXIT_OK)
		status = emit(job, cli_get(args, "output"));
	fg_store_close(job->store);
	fg_incidence_free(job->inc);
	fg_arena_free(&job->arena);
	free(job);
	return status;
}

const struct cli_option stats_rates_options[] = {
	{"cases", "FILE", "cases: individual records or counts (columns below)"},
	{"population", "FILE", "population: sex, age_group, population [, district, year]"},
	{"standard", "STD", "china2000, segi, who2000 or a CSV file; a comma list (default china2000,segi)"},
	{"truncation", "STD", "standard of the truncated rate 35-64 (default segi)"},
	{"by", "DIMS", "break down by site, sex, district, year (comma-separated)"},
	{"age-specific", NULL, "print the age-specific rates, one row per age group"},
	{"eapc", NULL, "print the EAPC of the first standard's ASR over the years"},
	{"sites", "FILE", "site-group table (default data/registry/site-groups.csv)"},
	CLI_OPT_DB,
	{"format", "FMT", "table (default), csv, json, xlsx, or svg (a chart of --age-specific or --eapc)"},
	{"output", "FILE", "the file to write with --format xlsx (needed) or svg (default stdout)"},
	CLI_OPT_END,
};

const char stats_rates_description[] =
	"Computes incidence from CSV files, without a database.  Rates are per 100,000\n"
	"person-years with 95% intervals by the Fay-Feuer gamma method (as R's\n"
	"epitools::ageadjust.direct); cum_0_74 and cumrisk_0_74 are percentages.\n"
	"\n"
	"Cases CSV, one row per case, or per count with a column count:\n"
	"  sex             1/M/male or 2/F/female (required)\n"
	"  age             completed years at diagnosis, or\n"
	"  age_group       0, 1-4, 5-9, ... 80-84, 85+\n"
	"  icd10           ICD-10 code (C16.2, C162), classified into the registry's site\n"
	"                  groups plus the totals ALL and ALLbC44; codes outside the\n"
	"                  registry's scope are refused.  Or site: a label used as it is\n"
	"  year            year of incidence, or incidence_date YYYY-MM-DD\n"
	"  district        GB/T 2260 code of residence\n"
	"  count           number of cases in the row (default 1)\n"
	"Population CSV, one row per sex, age group [, district, year]:\n"
	"  sex, age_group, population (or count), and optionally district and year.\n"
	"Every case needs the population of its sex [, district and year].\n"
	"\n"
	"Without --cases and --population, the rates come from the database (--db): its\n"
	"population table (see \"fangai registry population import\") and its tumours whose\n"
	"ICD-10 code is in the registry's scope, by the person's sex and age at incidence.\n"
	"\n"
	"--eapc fits log(ASR) on year (least squares, Student t interval) for each\n"
	"stratum of --by, which must then leave year out.\n"
	"\n"
	"--format svg draws the age-specific rates (log scale) or the ASR by year with its\n"
	"fitted trend, one line per stratum (at most 16).";
