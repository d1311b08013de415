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
#include "output.h"
#include "output_xlsx.h"

#define MAX_EXPORT_COLUMNS 32
#define MAX_SHEETS 4

struct sink {
	FILE *csv;			/* streamed CSV; NULL: rows gathered in table */
	struct out_table table;
};

static fg_rc
take_row(const char *const *cells, int ncells, void *userdata, struct fg_error *err)
{
	struct sink *s = userdata;

	if (s->csv != NULL) {
		out_csv_row(s->csv, cells, ncells);
		return ferror(s->csv) ? fg_error_set(err, FG_IO, "output", "could not write the export") : FG_OK;
	}
	if (!out_table_add(&s->table, cells))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory gathering the list");
	return FG_OK;
}

/* Open the streamed CSV: --output or stdout, with the header row. */
static FILE *
open_csv(const struct cli_args *args, const struct fg_export_column *cols, int n)
{
	const char *path = cli_get(args, "output");
	const char *names[MAX_EXPORT_COLUMNS];
	FILE *f = path ? fopen(path, "w") : stdout;

	if (f == NULL)
		return NULL;
	for (int i = 0; i < n; i++)
		names[i] = cols[i].name;
	out_csv_row(f, names, n);
	return f;
}

/* A workbook gathered sheet by sheet. */
struct workbook {
	struct fg_arena *arena;
	struct out_table tables[MAX_SHEETS];
	const struct out_table *order[MAX_SHEETS];
	const char *names[MAX_SHEETS];
	size_t n;
};

static fg_rc
start_sheet(const char *name, const struct fg_export_column *columns, int ncolumns, void *userdata,
	    struct fg_error *err)
{
	struct workbook *w = userdata;
	struct out_column *cols = fg_arena_alloc(w->arena, (size_t)ncolumns * sizeof(*cols));

	if (w->n == MAX_SHEETS || cols == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of room for sheet \"%s\"", name);
	for (int i = 0; i < ncolumns; i++)
		cols[i] = (struct out_column){columns[i].name, columns[i].numeric};
	out_table_init(&w->tables[w->n], w->arena, cols, ncolumns);
	w->order[w->n] = &w->tables[w->n];
	w->names[w->n++] = name;
	return FG_OK;
}

static fg_rc
add_sheet_row(const char *const *cells, int ncells, void *userdata, struct fg_error *err)
{
	struct workbook *w = userdata;

	if (w->n == 0 || !out_table_add(&w->tables[w->n - 1], cells))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory gathering the workbook");
	return FG_OK;
}

/* fangai export ncc --year Y [--district D] --output F.xlsx */
static int
run_ncc(struct cli_args *args)
{
	const char *format = cli_get(args, "format");
	struct fg_arena arena;
	struct workbook w = {.arena = &arena};
	struct fg_error err;
	fg_store *store;
	long long year;
	int status;

	if (format != NULL && strcmp(format, "xlsx") != 0)
		return cli_usage_error(args->path, "the ncc workbook is written as xlsx only, not \"%s\"", format);
	if (cli_get(args, "year") == NULL)
		return cli_usage_error(args->path, "export ncc needs --year YEAR");
	if (cli_get(args, "output") == NULL)
		return cli_usage_error(args->path, "an xlsx workbook needs --output FILE.xlsx");
	if (!cli_int_option(args, "year", 1900, 2200, 0, &year))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_export_ncc(store, (int)year, cli_get(args, "district"), start_sheet, add_sheet_row, &w, &err) != FG_OK)
		status = cli_report(&err);
	else
		status = out_workbook_emit(cli_get(args, "output"), w.order, w.names, w.n);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_export(struct cli_args *args)
{
	const char *list = args->pos[0];
	const char *format = cli_get(args, "format") ? cli_get(args, "format") : "csv";
	struct out_column cols[MAX_EXPORT_COLUMNS];
	const struct fg_export_column *ec;
	struct sink sink = {0};
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	enum out_extra extra;
	fg_store *store = NULL;
	int n, status = EXIT_OK;

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
	for (int i = 0; i < n; i++)
		cols[i] = (struct out_column){ec[i].name, ec[i].numeric};
	out_table_init(&sink.table, &arena, cols, n);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		goto out;
	if (fmt == OUT_CSV && extra == OUT_EXTRA_NONE && (sink.csv = open_csv(args, ec, n)) == NULL) {
		status = cli_usage_error(args->path, "could not open \"%s\" for writing", cli_get(args, "output"));
		goto out;
	}
	if (fg_export_run(store, list, cli_get(args, "district"), take_row, &sink, &err) != FG_OK)
		status = cli_report(&err);
	else if (sink.csv == NULL)
		status = out_table_emit(&sink.table, fmt, extra, cli_get(args, "output"), list);
out:
	if (sink.csv != NULL && sink.csv != stdout && fclose(sink.csv) != 0 && status == EXIT_OK)
		status = cli_usage_error(args->path, "could not write \"%s\"", cli_get(args, "output"));
	fg_store_close(store);
	fg_arena_free(&arena);
	return status;
}

static const struct cli_option options[] = {
	CLI_OPT_DB,
	{"district", "CODE", "only the rows of districts starting with CODE (e.g. 4401)"},
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
		"CanReg5's import. CSV is written row by row in constant memory; the other\n"
		"formats gather the list first. --format xlsx writes a workbook with one sheet\n"
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
