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

/* Add the row and file to the detail of a refused row's error. */
static fg_rc
row_error(struct fg_error *err, fg_rc rc, const char *rowname, fg_csv *csv, const char *file)
{
	char detail[FG_ERROR_DETAIL_MAX];

	fg_strlcpy(detail, err->detail, sizeof(detail) - 160);
	fg_error_detail(err, "%s%sIn row %s (line %ld) of %s; nothing was written.", detail,
			detail[0] ? " " : "", rowname, fg_csv_line(csv), file);
	return rc;
}

/* Classify every record of csv into t; stops at the first refused row. */
static fg_rc
classify_rows(const void *subject, fg_csv *csv, const char *file, struct out_table *t,
	      struct fg_error *err)
{
	const fg_ruleset *rs = subject;
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
		if (rc != FG_OK)
			return row_error(err, rc, rowname, csv, file);
		add_result_row(t, id_col >= 0 ? fg_csv_field(csv, (size_t)id_col) : rowname, &res);
	}
	return rc;
}

/* How a CSV command loads what it applies to each row, and applies it. */
struct csv_command {
	const struct out_column *columns;
	int ncolumns;
	fg_rc (*load)(struct cli_args *args, struct fg_arena *arena, const void **subject,
		      struct fg_error *err);
	fg_rc (*rows)(const void *subject, fg_csv *csv, const char *file, struct out_table *t,
		      struct fg_error *err);
};

/* Read the CSV file of args->pos[1] through cc; print all rows or none. */
static int
run_csv_command(struct cli_args *args, const struct csv_command *cc)
{
	struct fg_csv_options copts = {.header = true, .comments = true};
	struct fg_arena arena;
	struct out_table table;
	const void *subject;
	enum out_format fmt = OUT_CSV;
	struct fg_error err;
	fg_csv *csv = NULL;
	int status = EXIT_OK;

	if (cli_has(args, "format") && !out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	fg_error_clear(&err);
	if (cc->load(args, &arena, &subject, &err) != FG_OK ||
	    fg_csv_open(args->pos[1], &copts, &csv, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	out_table_init(&table, &arena, cc->columns, cc->ncolumns);
	if (cc->rows(subject, csv, args->pos[1], &table, &err) != FG_OK)
		status = cli_report(&err);
	else
		out_table_print(&table, fmt, stdout);
out:
	fg_csv_close(csv);
	fg_arena_free(&arena);
	return status;
}

static fg_rc
load_scheme(struct cli_args *args, struct fg_arena *arena, const void **subject,
	    struct fg_error *err)
{
	return fg_ruleset_load(NULL, args->pos[0], arena, (const fg_ruleset **)subject, err);
}

static int
run_classify(struct cli_args *args)
{
	static const struct csv_command cc = {classify_columns, NCLASSIFY, load_scheme, classify_rows};

	return run_csv_command(args, &cc);
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

/* ---- programme ---- */

static void
add_programme_row(struct out_table *t, const struct fg_programme_info *pi)
{
	char ages[16], interval[16], failsafe[16], exams[256] = "";
	const char *cells[9];

	snprintf(ages, sizeof(ages), "%d-%d", pi->age_min, pi->age_max);
	snprintf(interval, sizeof(interval), "%d", pi->interval_months);
	snprintf(failsafe, sizeof(failsafe), "%d", pi->failsafe_days);
	for (size_t i = 0; i < pi->nexams; i++)
		snprintf(exams + strlen(exams), sizeof(exams) - strlen(exams), "%s%s:%s", i ? " " : "",
			 pi->exams[i].type, fg_ruleset_name(pi->exams[i].scheme));
	cells[0] = pi->code;
	cells[1] = pi->version;
	cells[2] = pi->sex == '0' ? "both" : pi->sex == '1' ? "men" : "women";
	cells[3] = ages;
	cells[4] = pi->offer_all ? "all" : "high_risk";
	cells[5] = interval;
	cells[6] = failsafe;
	cells[7] = exams;
	cells[8] = pi->early_definition;
	out_table_add(t, cells);
}

static int
run_programme(struct cli_args *args)
{
	static const struct out_column cols[] = {
		{"programme", false}, {"version", false}, {"sex", false}, {"ages", false},
		{"offer", false}, {"interval_months", true}, {"failsafe_days", true},
		{"exams", false}, {"early", false},
	};
	const char **codes = args->npos ? (const char **)args->pos : NULL;
	size_t n = (size_t)args->npos;
	struct fg_arena arena;
	struct out_table table;
	enum out_format fmt;
	struct fg_error err;
	int status = EXIT_OK;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, cols, 9);
	if (codes == NULL && fg_programme_list(NULL, &arena, &codes, &n, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const fg_programme *p;

		if (fg_programme_load(NULL, codes[i], cli_get(args, "version"), &arena, &p, &err) != FG_OK) {
			status = cli_report(&err);
			goto out;
		}
		add_programme_row(&table, fg_programme_info(p));
	}
	out_table_print(&table, fmt, stdout);
out:
	fg_arena_free(&arena);
	return status;
}

/* ---- assess ---- */

static fg_rc
assess_rows(const void *subject, fg_csv *csv, const char *file, struct out_table *t,
	    struct fg_error *err)
{
	const fg_programme *p = subject;
	const fg_ruleset *q = fg_programme_info(p)->questionnaire;
	int map[CLI_MAX_POSITIONAL], id_col;
	const char *values[MAX_FIELDS];
	bool row, high;
	fg_rc rc;

	rc = map_columns(q, csv, map, &id_col, err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		char rowname[32];
		int64_t age = 0;
		char sex = '0';
		const char *cells[2];

		snprintf(rowname, sizeof(rowname), "%ld", fg_csv_record(csv));
		memset(values, 0, sizeof(values));
		for (size_t c = 0; c < fg_csv_header_count(csv); c++)
			if (map[c] >= 0)
				values[map[c]] = fg_csv_field(csv, c);
		if (fg_ruleset_field_index(q, "age") >= 0 &&
		    fg_parse_int64(values[fg_ruleset_field_index(q, "age")], "age", 0, 130, &age, err) != FG_OK)
			rc = FG_INVALID;
		if (fg_ruleset_field_index(q, "sex") >= 0 && values[fg_ruleset_field_index(q, "sex")])
			sex = values[fg_ruleset_field_index(q, "sex")][0];
		if (rc == FG_OK)
			rc = fg_programme_assess(p, values, (int)age, sex, &high, err);
		if (rc != FG_OK)
			return row_error(err, rc, rowname, csv, file);
		cells[0] = id_col >= 0 ? fg_csv_field(csv, (size_t)id_col) : rowname;
		cells[1] = high ? "yes" : "no";
		out_table_add(t, cells);
	}
	return rc;
}

static fg_rc
load_programme(struct cli_args *args, struct fg_arena *arena, const void **subject,
	       struct fg_error *err)
{
	return fg_programme_load(NULL, args->pos[0], cli_get(args, "version"), arena,
				 (const fg_programme **)subject, err);
}

static int
run_assess(struct cli_args *args)
{
	static const struct out_column cols[] = {{"row", false}, {"high_risk", false}};
	static const struct csv_command cc = {cols, 2, load_programme, assess_rows};

	return run_csv_command(args, &cc);
}

static const struct cli_option classify_options[] = {
	{"format", "FMT", "output as csv (default), table or json"},
	CLI_OPT_END,
};

static const struct cli_option scheme_options[] = {CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option programme_options[] = {
	CLI_OPT_FORMAT,
	{"version", "V", "a given version (default: the newest)"},
	CLI_OPT_END,
};

static const struct cli_option assess_options[] = {
	{"format", "FMT", "output as csv (default), table or json"},
	{"version", "V", "programme version (default: the newest)"},
	CLI_OPT_END,
};

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
	{.name = "programme", .usage = "[CODE...] [--version V]",
	 .summary = "show screening programmes (data/screening/programmes)",
	 .options = programme_options, .min_pos = 0, .max_pos = 8, .run = run_programme},
	{.name = "assess", .usage = "PROGRAMME FILE.csv",
	 .summary = "assess risk questionnaires from a CSV file (no database needed)",
	 .description =
		"Reads FILE.csv: a header naming the programme's questionnaire items (see the\n"
		"programme file; \"age\" and \"sex\" (1 men, 2 women) where the questionnaire\n"
		"uses them), one person per row, an optional \"id\" column.  Writes row,high_risk.",
	 .options = assess_options, .min_pos = 2, .max_pos = 2, .run = run_assess},
	{0},
};

const struct command cmd_screen_entry = {
	.name = "screen",
	.usage = "classify|scheme|programme|enrol|questionnaire|exam|outcome|worklist|indicators ...",
	.summary = "cancer screening: classifiers, programmes, episodes, worklists, indicators",
	.subcommands = screen_commands,
};
