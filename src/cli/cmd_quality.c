/*
 * cmd_quality.c
 *	  fangai stats quality: the data-quality indicators of the registry
 *	  (MV%, DCO%, M:I, unknown basis, unknown site, unspecified morphology)
 *	  by site, sex, district and year, from tumour and death CSV files or
 *	  from the database.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_registry_stats.h"
#include "fangai/quality.h"
#include "fangai/sitegroup.h"
#include "output.h"
#include "output_xlsx.h"

struct quality_job {
	enum out_format fmt;
	bool by[FG_NDIMS];
	struct fg_site_groups sites;
	struct fg_quality_codes codes;
	fg_quality *q;
	fg_store *store;		/* NULL when reading CSV files */
	struct fg_arena arena;
	struct out_table table;
	struct out_column cols[16];
	int ncols;
};

/* A percentage, or "" when the denominator is 0. */
static const char *
percent(struct quality_job *job, double num, double den)
{
	if (den <= 0)
		return "";
	if (job->fmt == OUT_TABLE)
		return fg_arena_printf(&job->arena, "%.1f", 100 * num / den);
	return fg_arena_printf(&job->arena, "%.15g", 100 * num / den);
}

static void
build_columns(struct quality_job *job)
{
	static const struct out_column values[] = {
		{"cases", true}, {"mv_pct", true}, {"dco_pct", true}, {"deaths", true},
		{"mi", true}, {"unknown_basis_pct", true}, {"unknown_site_pct", true},
		{"morph_nos_pct", true},
	};

	job->ncols = 0;
	for (int d = 0; d < FG_NDIMS; d++) {
		if (!job->by[d])
			continue;
		job->cols[job->ncols++] = (struct out_column){fg_dim_name(d), d == FG_DIM_YEAR};
		if (d == FG_DIM_SITE)
			job->cols[job->ncols++] = (struct out_column){"site_name", false};
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		job->cols[job->ncols++] = values[i];
	out_table_init(&job->table, &job->arena, job->cols, job->ncols);
}

static void
add_row(struct quality_job *job, const struct fg_quality_row *r)
{
	const char *cells[16];
	int n = 0;

	for (int d = 0; d < FG_NDIMS; d++) {
		const char *text;

		if (!job->by[d])
			continue;
		text = fg_quality_value_text(job->q, d, r->key[d]);
		if (d == FG_DIM_SEX)
			text = strcmp(text, "1") == 0 ? "male" : strcmp(text, "2") == 0 ? "female" : "unknown";
		cells[n++] = text;
		if (d == FG_DIM_SITE)
			cells[n++] = fg_site_group_label(&job->sites, text);
	}
	cells[n++] = fg_arena_printf(&job->arena, "%.0f", r->cases);
	cells[n++] = percent(job, r->mv, r->cases);
	cells[n++] = percent(job, r->dco, r->cases);
	cells[n++] = fg_arena_printf(&job->arena, "%.0f", r->deaths);
	cells[n++] = r->cases > 0 ? fg_arena_printf(&job->arena, job->fmt == OUT_TABLE ? "%.2f" : "%.15g",
						     r->deaths / r->cases) : "";
	cells[n++] = percent(job, r->unknown_basis, r->cases);
	cells[n++] = percent(job, r->unknown_site, r->cases);
	cells[n++] = percent(job, r->morph_nos, r->mv);
	out_table_add(&job->table, cells);
}

static fg_rc
run_job(struct quality_job *job, const struct cli_args *args, struct fg_error *err)
{
	struct fg_quality_row *rows;
	size_t nrows;
	fg_rc rc = fg_dims_parse(cli_get(args, "by"), job->by, err);

	if (rc == FG_OK)
		rc = fg_site_groups_load(cli_get(args, "sites"), &job->sites, err);
	if (rc == FG_OK)
		rc = fg_quality_codes_load(cli_get(args, "codes"), &job->codes, err);
	if (rc == FG_OK)
		rc = fg_quality_new(job->by, &job->sites, &job->codes, &job->q, err);
	if (rc == FG_OK && job->store != NULL)
		rc = fg_quality_read_store(job->q, job->store, err);
	else if (rc == FG_OK)
		rc = fg_quality_read_tumours(job->q, cli_get(args, "tumours"), err);
	if (rc == FG_OK && cli_has(args, "deaths"))
		rc = fg_quality_read_deaths(job->q, cli_get(args, "deaths"), err);
	if (rc == FG_OK)
		rc = fg_quality_rows(job->q, &job->arena, &rows, &nrows, err);
	if (rc != FG_OK)
		return rc;
	build_columns(job);
	for (size_t i = 0; i < nrows; i++)
		add_row(job, &rows[i]);
	return FG_OK;
}

int
stats_run_quality(struct cli_args *args)
{
	static struct quality_job job;
	struct fg_error err;
	int status = EXIT_OK;
	enum out_extra extra;

	memset(&job, 0, sizeof(job));
	if (cli_has(args, "deaths") && !cli_has(args, "tumours"))
		return cli_usage_error(args->path, "--deaths goes with --tumours; the database has its own");
	if (!out_format_parse_extra(cli_get(args, "format"), &job.fmt, &extra) || extra == OUT_EXTRA_SVG)
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&job.arena, 0);
	if (!cli_has(args, "tumours"))
		job.store = cli_open_store(args, false, &status);
	if (status == EXIT_OK && run_job(&job, args, &err) != FG_OK)
		status = cli_report(&err);
	else if (status == EXIT_OK)
		status = out_table_emit(&job.table, job.fmt, extra, cli_get(args, "output"), "quality");
	fg_store_close(job.store);
	fg_quality_free(job.q);
	fg_arena_free(&job.arena);
	return status;
}

const struct cli_option stats_quality_options[] = {
	{"tumours", "FILE", "tumours: icd10, sex, basis, morphology [, year, district]"},
	{"deaths", "FILE", "deaths for M:I: icd10 (cause), sex [, year, district, count]"},
	{"by", "DIMS", "break down by site, sex, district, year (comma-separated)"},
	{"sites", "FILE", "site-group table (default data/registry/site-groups.csv)"},
	{"codes", "FILE", "indicator codes (default data/registry/quality-codes.csv)"},
	CLI_OPT_DB,
	{"format", "FMT", "output as table (default), csv, json or xlsx"},
	{"output", "FILE", "the workbook to write with --format xlsx"},
	CLI_OPT_END,
};

const char stats_quality_description[] =
	"Data-quality indicators of a population cancer registry, per stratum:\n"
	"  mv_pct             microscopically verified: basis of diagnosis 5-8\n"
	"  dco_pct            death certificate only: basis 0\n"
	"  mi                 deaths / new cases (with --deaths)\n"
	"  unknown_basis_pct  basis 9\n"
	"  unknown_site_pct   primary site unknown: C26, C39, C48, C76-C80, C97\n"
	"  morph_nos_pct      of microscopically verified cases, morphology 8000, 8001,\n"
	"                     8010, 8020 or 8021 (not specified)\n"
	"The codes are data/registry/quality-codes.csv.\n"
	"\n"
	"Tumours CSV, one row per tumour: icd10 (C16.2, C162), sex (1/M, 2/F), basis\n"
	"(0-9), morphology (ICD-O-3, 8140 or 8140/3), and year or incidence_date and\n"
	"district for those breakdowns.  Deaths CSV, one row per death or with count:\n"
	"icd10 (underlying cause; causes outside the registry's scope are not counted),\n"
	"sex, and year or death_date and district.  With site in --by, a tumour counts\n"
	"in its site group and in the totals ALL and ALLbC44.\n"
	"\n"
	"Without --tumours, the indicators come from the database (--db): its tumours\n"
	"whose ICD-10 code is in the registry's scope, and its death records for M:I.";
