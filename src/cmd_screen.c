/*
 * cmd_screen.c
 *	  fangai screen: classify findings, show schemes and programmes, and
 *	  run screening episodes (enrol, questionnaire, exam, outcome,
 *	  worklist, indicators).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/csv.h"
#include "fangai/screening.h"
#include "fangai/util.h"
#include "output.h"

/* ---- classify ---- */

#define MAX_FIELDS 64

static const struct out_column classify_columns[] = {
	{"row", false}, {"category", false}, {"management", false}, {"recall_months", true},
	{"positive", false}, {"referral", false},
};
#define NCLASSIFY ((int)(sizeof(classify_columns) / sizeof(classify_columns[0])))

/* Map each CSV header column to a field of the scheme; -1 for the id column. */
static fg_rc
map_columns(const fg_ruleset *rs, fg_csv *csv, int *map, int *id_col, struct fg_error *err)
{
	size_t n = fg_csv_header_count(csv);

	*id_col = -1;
	if (n > CLI_MAX_POSITIONAL)
		return fg_error_set(err, FG_INVALID, NULL, "too many columns (%zu)", n);
	for (size_t c = 0; c < n; c++) {
		const char *name = fg_csv_header_name(csv, c);

		map[c] = fg_ruleset_field_index(rs, name);
		if (strcmp(name, "id") == 0) {
			*id_col = (int)c;
			continue;
		}
		if (map[c] < 0) {
			fg_error_set(err, FG_INVALID, name, "column \"%s\" is not a field of scheme %s",
				     name, fg_ruleset_name(rs));
			fg_error_hint(err, "Run \"fangai screen scheme %s\" for its fields.", fg_ruleset_name(rs));
			return FG_INVALID;
		}
	}
	return FG_OK;
}

static void
add_result_row(struct out_table *t, const char *row, const struct fg_screen_result *r)
{
	char recall[16] = "";
	const char *cells[NCLASSIFY];

	if (r->recall_months != FG_SCREEN_RECALL_NONE)
		snprintf(recall, sizeof(recall), "%d", r->recall_months);
	cells[0] = row;
	cells[1] = r->category;
	cells[2] = r->management;
	cells[3] = recall;
	cells[4] = r->positive ? "yes" : "no";
	cells[5] = r->referral ? "yes" : "no";
	out_table_add(t, cells);
}

/* Classify every record of csv into t; stops at the first refused row. */
static fg_rc
classify_rows(const fg_ruleset *rs, fg_csv *csv, const char *file, struct out_table *t,
	      struct fg_error *err)
{
	const char *values[MAX_FIELDS];
	int map[CLI_MAX_POSITIONAL], id_col;
	struct fg_screen_result res;
	bool row;
	fg_rc rc;

	rc = map_columns(rs, csv, map, &id_col, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		char rowname[32];

		snprintf(rowname, sizeof(rowname), "%ld", fg_csv_record(csv));
		if (fg_csv_count(csv) != fg_csv_header_count(csv)) {
			fg_error_set(err, FG_INVALID, NULL, "row %s has %zu fields but the header has %zu",
				     rowname, fg_csv_count(csv), fg_csv_header_count(csv));
			fg_error_detail(err, "In row %s (line %ld) of %s; nothing was written.", rowname,
					fg_csv_line(csv), file);
			fg_error_hint(err, "Decimals take a point, not a comma; quote a value that holds a comma.");
			return FG_INVALID;
		}
		memset(values, 0, sizeof(values));
		for (size_t c = 0; c < fg_csv_header_count(csv); c++)
			if (map[c] >= 0)
				values[map[c]] = fg_csv_field(csv, c);
		rc = fg_ruleset_classify(rs, values, &res, err);
		if (rc != FG_OK) {
			char detail[FG_ERROR_DETAIL_MAX];

			fg_strlcpy(detail, err->detail, sizeof(detail) - 160);
			fg_error_detail(err, "%s%sIn row %s (line %ld) of %s; nothing was written.", detail,
					detail[0] ? " " : "", rowname, fg_csv_line(csv), file);
			return rc;
		}
		add_result_row(t, id_col >= 0 ? fg_csv_field(csv, (size_t)id_col) : rowname, &res);
	}
	return rc;
}

static int
run_classify(struct cli_args *args)
{
	struct fg_csv_options copts = {.header = true, .comments = true};
	struct fg_arena arena;
	struct out_table table;
	const fg_ruleset *rs;
	enum out_format fmt = OUT_CSV;
	struct fg_error err;
	fg_csv *csv = NULL;
	int status = EXIT_OK;

	if (cli_has(args, "format") && !out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	fg_error_clear(&err);
	if (fg_ruleset_load(NULL, args->pos[0], &arena, &rs, &err) != FG_OK ||
	    fg_csv_open(args->pos[1], &copts, &csv, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	out_table_init(&table, &arena, classify_columns, NCLASSIFY);
	if (classify_rows(rs, csv, args->pos[1], &table, &err) != FG_OK)
		status = cli_report(&err);
	else
		out_table_print(&table, fmt, stdout);
out:
	fg_csv_close(csv);
	fg_arena_free(&arena);
	return status;
}

/* ---- scheme ---- */

static int
run_scheme(struct cli_args *args)
{
	static const struct out_column cols[] = {{"field", false}, {"values", false}};
	struct fg_arena arena;
	struct out_table table;
	const fg_ruleset *rs;
	enum out_format fmt;
	struct fg_error err;
	int status = EXIT_OK;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	if (fg_ruleset_load(NULL, args->pos[0], &arena, &rs, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	if (fmt == OUT_TABLE)
		printf("%s\nsource: %s\n\n", fg_ruleset_title(rs), fg_ruleset_source(rs));
	out_table_init(&table, &arena, cols, 2);
	for (size_t i = 0; i < fg_ruleset_field_count(rs); i++) {
		char desc[1024];
		const char *cells[2] = {fg_ruleset_field_name(rs, i),
					fg_ruleset_field_describe(rs, i, desc, sizeof(desc))};

		out_table_add(&table, cells);
	}
	out_table_print(&table, fmt, stdout);
out:
	fg_arena_free(&arena);
	return status;
}

static const struct cli_option classify_options[] = {
	{"format", "FMT", "output as csv (default), table or json"},
	CLI_OPT_END,
};

static const struct cli_option scheme_options[] = {CLI_OPT_FORMAT, CLI_OPT_END};

static const struct command screen_commands[] = {
	{.name = "classify", .usage = "SCHEME FILE.csv",
	 .summary = "classify findings from a CSV file (no database needed)",
	 .description =
		"Reads FILE.csv (\"-\" for stdin): a header naming the scheme's fields, then\n"
		"one finding per row; an optional \"id\" column is copied to the output.  Writes\n"
		"row,category,management,recall_months,positive,referral as CSV.  Blank cells\n"
		"are absent values.  Any refused row stops the run with an error naming the\n"
		"row, the field and the value; nothing is written then.\n\n"
		"Schemes (data/screening/schemes/*.rules) and their columns:\n"
		"  lung-rads-2022   finding (none benign incomplete infection solid part_solid\n"
		"                   ground_glass juxtapleural airway cyst_thin cyst_thick\n"
		"                   cyst_multilocular), status (baseline new existing),\n"
		"                   size_mm, solid_mm, prior_size_mm, prior_solid_mm (mean\n"
		"                   diameters, mm to 0.1), prior_category, change, slow_growth,\n"
		"                   proven_benign, suspicious\n"
		"  c-lung-rads      finding (none calcified solid part_solid ground_glass),\n"
		"                   size_mm, solid_mm, model_probability (0.00-1.00)\n"
		"  bi-rads          modality (mammography ultrasound), assessment (0 1 2 3 4\n"
		"                   4A 4B 4C 5 6), density (a b c d)\n"
		"  fit              result (negative positive) or hb_ug_g\n"
		"  hpv-cytology     hpv (negative hpv16_18 other_hr not_done), cytology (nilm\n"
		"                   ascus lsil asc_h hsil agc scc not_done)\n"
		"  upper-gi-endoscopy  site (oesophagus stomach), histology\n"
		"  colonoscopy      finding, bowel_prep\n"
		"  liver-us-afp     ultrasound (normal nodule_lt_10mm nodule_ge_10mm), afp_ng_ml\n"
		"Run \"fangai screen scheme SCHEME\" for every field and its allowed values.",
	 .options = classify_options, .min_pos = 2, .max_pos = 2, .run = run_classify},
	{.name = "scheme", .usage = "SCHEME", .summary = "show a classification scheme's fields and source",
	 .options = scheme_options, .min_pos = 1, .max_pos = 1, .run = run_scheme},
	{0},
};

const struct command cmd_screen_entry = {
	.name = "screen",
	.usage = "classify|scheme|programme|enrol|questionnaire|exam|outcome|worklist|indicators ...",
	.summary = "cancer screening: classifiers, programmes, episodes, worklists, indicators",
	.subcommands = screen_commands,
};
