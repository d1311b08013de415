/*
 * cmd_export.c
 *	  fangai export LIST: a list of the registry (persons, tumours,
 *	  treatments, deaths, populations, or tumours in CanReg5's layout) as
 *	  CSV (streamed), a table, JSON or an Excel workbook; fangai export ncc:
 *	  the registry workbook of one year for the National Cancer Center.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/import.h"
#include "fangai/institution.h"
#include "output.h"
#include "output_xlsx.h"

#define MAX_EXPORT_COLUMNS 32

static fg_rc
gather_row(const char *const *cells, int ncells, void *userdata, struct fg_error *err)
{
	(void)ncells;
	if (!out_table_add(userdata, cells))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory gathering the list");
	return FG_OK;
}

/* Print the list as a table or JSON, gathered first. */
static fg_rc
print_list(fg_store *store, const struct fg_export_request *rq, enum out_format fmt, struct fg_error *err)
{
	struct out_column cols[MAX_EXPORT_COLUMNS];
	struct out_table t;
	struct fg_arena arena;
	int n;
	const struct fg_export_column *ec = fg_export_columns(rq->list, &n);
	fg_rc rc;

	if (ec == NULL)	/* fg_export_run() refuses it, naming the list */
		return fg_export_run(store, rq->list, &rq->filter, gather_row, NULL, err);
	if (n > MAX_EXPORT_COLUMNS)
		return fg_error_set(err, FG_INVALID, "list", "list \"%s\" has too many columns to print", rq->list);
	for (int i = 0; i < n; i++)
		cols[i] = (struct out_column){ec[i].name, ec[i].numeric};
	fg_arena_init(&arena, 0);
	out_table_init(&t, &arena, cols, n);
	rc = fg_export_run(store, rq->list, &rq->filter, gather_row, &t, err);
	if (rc == FG_OK)
		out_table_print(&t, fmt, stdout);
	fg_arena_free(&arena);
	return rc;
}

/* Check the options of fangai export LIST into rq and fmt; a usage error's status, else EXIT_OK. */
static int
read_request(struct cli_args *args, struct fg_export_request *rq, enum out_format *fmt)
{
	const char *format = cli_get(args, "format");
	bool ncc = strcmp(rq->list, "ncc") == 0;
	enum out_extra extra;
	long long year = 0;

	if (!out_format_parse_extra(format ? format : ncc ? "xlsx" : "csv", fmt, &extra) ||
	    extra == OUT_EXTRA_SVG)
		return cli_usage_error(args->path, "invalid output format \"%s\"", format);
	rq->xlsx = extra == OUT_EXTRA_XLSX;
	rq->path = cli_get(args, "output");
	if (ncc && !rq->xlsx)
		return cli_usage_error(args->path, "the ncc workbook is written as xlsx only, not \"%s\"", format);
	if (ncc && cli_get(args, "year") == NULL)
		return cli_usage_error(args->path, "export ncc needs --year YEAR");
	if (ncc && cli_get(args, "institution") != NULL)
		return cli_usage_error(args->path, "the ncc workbook counts a whole area: give --district, not --institution");
	if (rq->xlsx && rq->path == NULL)
		return cli_usage_error(args->path, "an xlsx workbook needs --output FILE.xlsx");
	if (!cli_int_option(args, "year", 1900, 2200, 0, &year))
		return EXIT_USAGE;
	rq->year = (int)year;
	rq->filter.district = cli_get(args, "district");
	return EXIT_OK;
}

/* The institution of --institution (an id or USCC), into rq's filter. */
static fg_rc
read_institution(struct cli_args *args, fg_store *store, struct fg_export_request *rq, struct fg_error *err)
{
	const char *ref = cli_get(args, "institution");
	struct fg_institution inst;
	fg_rc rc = ref ? fg_institution_find(store, ref, "institution", &inst, err) : FG_OK;

	if (ref != NULL && rc == FG_OK)
		rq->filter.institution_id = inst.id;
	return rc;
}

/* Where CSV goes: --output, else stdout; FG_IO naming "output". */
static fg_rc
open_output(struct fg_export_request *rq, struct fg_error *err)
{
	rq->out = rq->path ? fopen(rq->path, "w") : stdout;
	return rq->out ? FG_OK : fg_error_set(err, FG_IO, "output", "could not open \"%s\" for writing", rq->path);
}

static int
run_export(struct cli_args *args)
{
	struct fg_export_request rq = {.list = args->pos[0]};
	struct fg_error err;
	enum out_format fmt;
	fg_store *store;
	int64_t rows = 0;
	int status;
	fg_rc rc;

	status = read_request(args, &rq, &fmt);
	if (status != EXIT_OK)
		return status;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	rc = read_institution(args, store, &rq, &err);
	if (rc == FG_OK && !rq.xlsx && fmt != OUT_CSV)
		rc = print_list(store, &rq, fmt, &err);
	else if (rc == FG_OK && (rq.xlsx || (rc = open_output(&rq, &err)) == FG_OK))
		rc = fg_export_write(store, &rq, &rows, &err);
	if (rq.out != NULL && rq.out != stdout && fclose(rq.out) != 0 && rc == FG_OK)
		rc = fg_error_set(&err, FG_IO, "output", "could not write \"%s\"", rq.path);
	if (rc != FG_OK)
		status = rc == FG_INVALID && strcmp(err.field, "list") == 0
			 ? cli_usage_error(args->path, "%s", err.message) : cli_report(&err);
	else if (rq.path != NULL && (rq.xlsx || fmt == OUT_CSV))
		printf("exported %s: %lld rows to %s\n", rq.list, (long long)rows, rq.path);
	fg_store_close(store);
	return status;
}

static const struct cli_option options[] = {
	CLI_OPT_DB,
	{"district", "CODE", "only the rows of districts starting with CODE (e.g. 4401)"},
	{"institution", "REF", "only the rows owned by this institution (id or USCC; not populations)"},
	{"year", "YEAR", "ncc: the year reported"},
	{"format", "FMT", "csv (default, streamed), table, json or xlsx"},
	{"output", "FILE", "write there instead of standard output (needed for xlsx)"},
	CLI_OPT_END,
};

const struct command cmd_export_entry = {
	.name = "export",
	.usage = "persons|tumours|treatments|deaths|populations|canreg5|ncc [OPTIONS]",
	.summary = "export a list of the registry as CSV, JSON or an Excel workbook",
	.description =
		"Writes one of the registry's lists: persons (merged duplicates left out),\n"
		"tumours, treatments, death records, population denominators, or tumours with\n"
		"their persons in the layout of CanReg5's standard variables (dates yyyyMMdd,\n"
		"topography as three digits, age at incidence, vital status 1/2/9), ready for\n"
		"CanReg5's import. CSV and xlsx are written row by row in constant memory; table\n"
		"and json gather the list first. --format xlsx writes a workbook with one sheet\n"
		"named after the list. The lists read back with fangai import into another\n"
		"database: populations as they are; persons, tumours, treatments and deaths under\n"
		"one --source (id as the record's key, institution_uscc as its institution).\n"
		"ncc writes the registry workbook reported to the National Cancer Center for one\n"
		"year: sheets incidence (new cases) and deaths (death records by underlying cause),\n"
		"each by registry site group (data/registry/site-groups.csv), sex (1, 2, 0 both)\n"
		"and the 19 age groups with the population and crude rate per 100,000, and\n"
		"population by sex and age group.",
	.options = options,
	.min_pos = 1,
	.max_pos = 1,
	.run = run_export,
};
