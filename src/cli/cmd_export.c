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
#include "fangai/csv.h"
#include "fangai/import.h"
#include "fangai/institution.h"
#include "fangai/xlsx.h"
#include "output.h"
#include "output_xlsx.h"

#define MAX_EXPORT_COLUMNS 32

/* Where the rows go: a streamed CSV, a streamed workbook, or a table gathered for printing. */
struct sink {
	FILE *csv;
	fg_xlsx *book;
	struct out_table table;
	struct fg_arena *arena;		/* the column names and kinds of the workbook's sheets */
};

static fg_rc
take_row(const char *const *cells, int ncells, void *userdata, struct fg_error *err)
{
	struct sink *s = userdata;

	if (s->book != NULL)
		return fg_xlsx_row(s->book, cells, ncells, err);
	if (s->csv != NULL) {
		fg_csv_write_row(s->csv, cells, ncells);
		return ferror(s->csv) ? fg_error_set(err, FG_IO, "output", "could not write the export") : FG_OK;
	}
	if (!out_table_add(&s->table, cells))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory gathering the list");
	return FG_OK;
}

/* Start a sheet of the workbook with the columns' names and kinds. */
static fg_rc
start_sheet(const char *name, const struct fg_export_column *columns, int ncolumns, void *userdata,
	    struct fg_error *err)
{
	struct sink *s = userdata;
	const char **names = fg_arena_alloc(s->arena, (size_t)ncolumns * sizeof(*names));
	bool *numeric = fg_arena_alloc(s->arena, (size_t)ncolumns * sizeof(*numeric));

	if (names == NULL || numeric == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory starting sheet \"%s\"", name);
	for (int i = 0; i < ncolumns; i++) {
		names[i] = columns[i].name;
		numeric[i] = columns[i].numeric;
	}
	return fg_xlsx_sheet(s->book, name, names, numeric, ncolumns, err);
}

/* The header row of a streamed CSV. */
static void
write_csv_header(FILE *f, const struct fg_export_column *cols, int n)
{
	const char *names[MAX_EXPORT_COLUMNS];

	for (int i = 0; i < n; i++)
		names[i] = cols[i].name;
	fg_csv_write_row(f, names, n);
}

/* End the workbook, if one was started: rc stays the first failure. */
static fg_rc
close_book(struct sink *s, fg_rc rc, struct fg_error *err)
{
	fg_rc closed = fg_xlsx_close(s->book, rc == FG_OK ? err : NULL);

	s->book = NULL;
	return rc != FG_OK ? rc : closed;
}

/* The filter of --district and --institution (an id or USCC). */
static fg_rc
read_filter(struct cli_args *args, fg_store *store, struct fg_export_filter *filter, struct fg_error *err)
{
	const char *ref = cli_get(args, "institution");
	struct fg_institution inst;
	fg_rc rc = FG_OK;

	*filter = (struct fg_export_filter){.district = cli_get(args, "district")};
	if (ref != NULL && (rc = fg_institution_find(store, ref, "institution", &inst, err)) == FG_OK)
		filter->institution_id = inst.id;
	return rc;
}

/* fangai export ncc --year Y [--district D] --output F.xlsx */
static int
run_ncc(struct cli_args *args)
{
	const char *format = cli_get(args, "format");
	struct fg_arena arena;
	struct sink sink = {.arena = &arena};
	struct fg_error err;
	fg_store *store;
	long long year;
	fg_rc rc;
	int status;

	if (format != NULL && strcmp(format, "xlsx") != 0)
		return cli_usage_error(args->path, "the ncc workbook is written as xlsx only, not \"%s\"", format);
	if (cli_get(args, "year") == NULL)
		return cli_usage_error(args->path, "export ncc needs --year YEAR");
	if (cli_get(args, "output") == NULL)
		return cli_usage_error(args->path, "an xlsx workbook needs --output FILE.xlsx");
	if (cli_get(args, "institution") != NULL)
		return cli_usage_error(args->path, "the ncc workbook counts a whole area: give --district, not --institution");
	if (!cli_int_option(args, "year", 1900, 2200, 0, &year))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	rc = fg_xlsx_open(cli_get(args, "output"), &sink.book, &err);
	if (rc == FG_OK)
		rc = fg_export_ncc(store, (int)year, cli_get(args, "district"), start_sheet, take_row, &sink, &err);
	if (close_book(&sink, rc, &err) != FG_OK)
		status = cli_report(&err);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

/* Open where a streamed list goes (--output, else stdout), with its header; FG_IO naming "output". */
static fg_rc
open_stream(struct cli_args *args, bool xlsx, const char *list, const struct fg_export_column *ec, int n,
	    struct sink *sink, struct fg_error *err)
{
	const char *path = cli_get(args, "output");
	fg_rc rc;

	if (xlsx) {
		rc = fg_xlsx_open(path, &sink->book, err);
		return rc == FG_OK ? start_sheet(list, ec, n, sink, err) : rc;
	}
	sink->csv = path ? fopen(path, "w") : stdout;
	if (sink->csv == NULL)
		return fg_error_set(err, FG_IO, "output", "could not open \"%s\" for writing", path);
	write_csv_header(sink->csv, ec, n);
	return FG_OK;
}

static int
run_export(struct cli_args *args)
{
	const char *list = args->pos[0];
	const char *format = cli_get(args, "format") ? cli_get(args, "format") : "csv";
	struct out_column cols[MAX_EXPORT_COLUMNS];
	const struct fg_export_column *ec;
	struct fg_export_filter filter;
	struct fg_arena arena;
	struct sink sink = {.arena = &arena};
	struct fg_error err;
	enum out_format fmt;
	enum out_extra extra;
	fg_store *store = NULL;
	bool streamed;
	int n, status = EXIT_OK;
	fg_rc rc;

	if (strcmp(list, "ncc") == 0)
		return run_ncc(args);
	fg_arena_init(&arena, 0);
	ec = fg_export_columns(list, &n);
	if (ec == NULL || n > MAX_EXPORT_COLUMNS) {
		status = cli_usage_error(args->path, "cannot export \"%s\": use persons, tumours, treatments,"
					 " deaths, populations, canreg5 or ncc", list);
		goto out;
	}
	if (!out_format_parse_extra(format, &fmt, &extra) || extra == OUT_EXTRA_SVG) {
		status = cli_usage_error(args->path, "invalid output format \"%s\"", format);
		goto out;
	}
	if (extra == OUT_EXTRA_XLSX && cli_get(args, "output") == NULL) {
		status = cli_usage_error(args->path, "an xlsx workbook needs --output FILE.xlsx");
		goto out;
	}
	for (int i = 0; i < n; i++)
		cols[i] = (struct out_column){ec[i].name, ec[i].numeric};
	out_table_init(&sink.table, &arena, cols, n);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		goto out;
	streamed = extra == OUT_EXTRA_XLSX || fmt == OUT_CSV;
	rc = read_filter(args, store, &filter, &err);
	if (rc == FG_OK && streamed)
		rc = open_stream(args, extra == OUT_EXTRA_XLSX, list, ec, n, &sink, &err);
	if (rc == FG_OK)
		rc = fg_export_run(store, list, &filter, take_row, &sink, &err);
	rc = close_book(&sink, rc, &err);
	if (sink.csv != NULL && sink.csv != stdout && fclose(sink.csv) != 0 && rc == FG_OK)
		rc = fg_error_set(&err, FG_IO, "output", "could not write \"%s\"", cli_get(args, "output"));
	if (rc != FG_OK)
		status = cli_report(&err);
	else if (!streamed)
		out_table_print(&sink.table, fmt, stdout);
out:
	fg_store_close(store);
	fg_arena_free(&arena);
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
		"named after the list.\n"
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
