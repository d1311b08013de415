/*
 * cmd_screen.c
 *	  fangai screen: classify findings, show schemes and programmes, and
 *	  run screening episodes (enrol, questionnaire, exam, outcome,
 *	  worklist, indicators).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/csv.h"
#include "fangai/screening.h"
#include "fangai/summary.h"
#include "fangai/util.h"
#include "output.h"

/* ---- classify ---- */

#define MAX_FIELDS 64

static const struct out_column classify_columns[] = {
	{"row", false}, {"category", false}, {"management", false}, {"recall_months", true},
	{"positive", false}, {"referral", false}, {"rule_line", true},
};
#define NCLASSIFY 6		/* the columns without rule_line (classify --rule-line) */

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
	char recall[16] = "", line[16];
	const char *cells[NCLASSIFY + 1];

	if (r->recall_months != FG_SCREEN_RECALL_NONE)
		snprintf(recall, sizeof(recall), "%d", r->recall_months);
	cells[0] = row;
	cells[1] = r->category;
	cells[2] = r->management;
	cells[3] = recall;
	cells[4] = r->positive ? "yes" : "no";
	cells[5] = r->referral ? "yes" : "no";
	snprintf(line, sizeof(line), "%d", r->rule_line);
	cells[6] = line;
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
	static const struct csv_command lines = {classify_columns, NCLASSIFY + 1, load_scheme, classify_rows};

	return run_csv_command(args, cli_has(args, "rule-line") ? &lines : &cc);
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

/* ---- episodes: enrol ---- */

static int
run_enrol(struct cli_args *args)
{
	struct fg_screen_enrol_options o = {
		.programme = args->pos[0], .version = cli_get(args, "version"),
		.district = cli_get(args, "district"), .institution = cli_get(args, "institution"),
		.invite = !cli_has(args, "no-invite"),
	};
	struct fg_screen_enrol_report rep;
	struct fg_error err;
	fg_screening *s = NULL;
	fg_store *store;
	int status;

	if (o.district == NULL || o.institution == NULL)
		return cli_usage_error(args->path, "screen enrol needs --district and --institution");
	o.on = fg_date_today();
	if (cli_has(args, "date") && fg_date_parse(cli_get(args, "date"), "date", &o.on, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK || fg_screen_enrol(s, &o, &rep, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("programme %s: %lld residents, %lld eligible, %lld enrolled%s, %lld with an open episode,"
		       " %lld not yet due\n", o.programme, (long long)rep.residents, (long long)rep.eligible,
		       (long long)rep.enrolled, o.invite ? " and invited" : "", (long long)rep.open_already,
		       (long long)rep.not_due);
	fg_screening_close(s);
	fg_store_close(store);
	return status;
}

/* ---- episodes: questionnaires, exams and outcomes from CSV files ---- */

/* One CSV row's columns split into the common ones and the items. */
struct row_input {
	const char *person, *date, *institution, *diagnosis, *stage;
	struct fg_screen_item items[MAX_FIELDS];
	size_t nitems;
};

static void
split_row(fg_csv *csv, struct row_input *in)
{
	memset(in, 0, sizeof(*in));
	for (size_t c = 0; c < fg_csv_header_count(csv) && c < MAX_FIELDS; c++) {
		const char *name = fg_csv_header_name(csv, c), *v = fg_csv_field(csv, c);

		if (strcmp(name, "person") == 0)
			in->person = v;
		else if (strcmp(name, "date") == 0)
			in->date = v;
		else if (strcmp(name, "institution") == 0)
			in->institution = v;
		else if (strcmp(name, "diagnosis") == 0)
			in->diagnosis = v;
		else if (strcmp(name, "stage") == 0)
			in->stage = v;
		else
			in->items[in->nitems++] = (struct fg_screen_item){name, v};
	}
}

/* What a step does with one row; it adds the row's output to t. */
typedef fg_rc (*step_fn)(fg_screening *s, struct cli_args *args, const struct row_input *in,
			 struct out_table *t, struct fg_error *err);

static fg_rc
step_questionnaire(fg_screening *s, struct cli_args *args, const struct row_input *in,
		   struct out_table *t, struct fg_error *err)
{
	struct fg_screen_record r = {args->pos[0], in->person, in->date, in->institution, NULL,
				     in->items, in->nitems};
	bool high;
	fg_rc rc = fg_screen_questionnaire_record(s, &r, &high, err);
	const char *cells[2] = {in->person, high ? "yes" : "no"};

	if (rc == FG_OK)
		out_table_add(t, cells);
	return rc;
}

static fg_rc
step_outcome(fg_screening *s, struct cli_args *args, const struct row_input *in,
	     struct out_table *t, struct fg_error *err)
{
	struct fg_screen_outcome o = {args->pos[0], in->person, in->date, in->diagnosis, in->stage};
	bool early;
	fg_rc rc;

	if (in->nitems > 0)
		return fg_error_set(err, FG_INVALID, in->items[0].name, "column \"%s\" is not part of an outcome",
				    in->items[0].name);
	rc = fg_screen_outcome_record(s, &o, &early, err);
	if (rc == FG_OK) {
		const char *cells[2] = {in->person, early ? "yes" : "no"};

		out_table_add(t, cells);
	}
	return rc;
}

/* Apply fn to every row of the CSV file in args->pos[npos - 1], all in one transaction. */
static fg_rc
step_rows(fg_screening *s, fg_store *store, struct cli_args *args, step_fn fn,
	  struct out_table *t, struct fg_error *err)
{
	struct fg_csv_options copts = {.header = true, .comments = true};
	const char *file = args->pos[args->npos - 1];
	fg_csv *csv = NULL;
	struct row_input in;
	bool row;
	fg_rc rc;

	rc = fg_csv_open(file, &copts, &csv, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_begin(store, err);
	if (rc != FG_OK) {
		fg_csv_close(csv);
		return rc;
	}
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		char rowname[32];

		snprintf(rowname, sizeof(rowname), "%ld", fg_csv_record(csv));
		split_row(csv, &in);
		rc = fn(s, args, &in, t, err);
		if (rc != FG_OK)
			rc = row_error(err, rc, rowname, csv, file);
	}
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	fg_csv_close(csv);
	return rc;
}

static int
run_steps(struct cli_args *args, step_fn fn, const struct out_column *cols, int ncols)
{
	enum out_format fmt = OUT_TABLE;
	struct fg_arena arena;
	struct out_table table;
	struct fg_error err;
	fg_screening *s = NULL;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, cols, ncols);
	fg_error_clear(&err);
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK || step_rows(s, store, args, fn, &table, &err) != FG_OK)
		status = cli_report(&err);
	else
		out_table_print(&table, fmt, stdout);
	fg_screening_close(s);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_questionnaire(struct cli_args *args)
{
	static const struct out_column cols[] = {{"person", false}, {"high_risk", false}};

	return run_steps(args, step_questionnaire, cols, 2);
}

/* Exams read from a CSV file, copied into an arena. */
struct exam_file {
	struct fg_screen_record *records;
	long *lines;
	size_t n, cap;
};

static bool
copy_exam_row(fg_csv *csv, struct cli_args *args, struct fg_arena *a, struct exam_file *f)
{
	struct row_input in;
	struct fg_screen_item *items;
	struct fg_screen_record *r;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		struct fg_screen_record *gr = realloc(f->records, cap * sizeof(*gr));
		long *gl = gr ? realloc(f->lines, cap * sizeof(*gl)) : NULL;

		if (gr)
			f->records = gr;
		if (gl == NULL)
			return false;
		f->lines = gl;
		f->cap = cap;
	}
	split_row(csv, &in);
	items = fg_arena_alloc(a, (in.nitems ? in.nitems : 1) * sizeof(*items));
	if (items == NULL)
		return false;
	for (size_t k = 0; k < in.nitems; k++)
		items[k] = (struct fg_screen_item){fg_arena_strdup(a, in.items[k].name),
						   fg_arena_strdup(a, in.items[k].value)};
	r = &f->records[f->n];
	*r = (struct fg_screen_record){args->pos[0], fg_arena_strdup(a, in.person), fg_arena_strdup(a, in.date),
				       in.institution ? fg_arena_strdup(a, in.institution) : NULL, args->pos[1],
				       items, in.nitems};
	f->lines[f->n++] = fg_csv_line(csv);
	return true;
}

static fg_rc
read_exams(struct cli_args *args, struct fg_arena *a, struct exam_file *f, struct fg_error *err)
{
	struct fg_csv_options copts = {.header = true, .comments = true};
	fg_csv *csv = NULL;
	bool row;
	fg_rc rc = fg_csv_open(args->pos[2], &copts, &csv, err);

	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, err)) == FG_OK && row)
		if (!copy_exam_row(csv, args, a, f))
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading \"%s\"", args->pos[2]);
	fg_csv_close(csv);
	return rc;
}

static int
run_exam(struct cli_args *args)
{
	struct exam_file f = {0};
	struct fg_screen_result *results = NULL;
	enum out_format fmt = OUT_TABLE;
	struct fg_arena arena;
	struct out_table table;
	struct fg_error err;
	fg_screening *s = NULL;
	fg_store *store;
	size_t failed = 0;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_error_clear(&err);
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK || read_exams(args, &arena, &f, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	results = calloc(f.n ? f.n : 1, sizeof(*results));
	if (results == NULL || fg_screen_exams_record(s, f.records, f.n, results, &failed, &err) != FG_OK) {
		char detail[FG_ERROR_DETAIL_MAX];

		fg_strlcpy(detail, err.detail, sizeof(detail) - 160);
		if (results != NULL && f.n > 0)
			fg_error_detail(&err, "%s%sIn row %zu (line %ld) of %s; nothing was stored.", detail,
					detail[0] ? " " : "", failed + 1, f.lines[failed], args->pos[2]);
		status = cli_report(&err);
		goto out;
	}
	out_table_init(&table, &arena, classify_columns, NCLASSIFY);
	for (size_t i = 0; i < f.n; i++)
		add_result_row(&table, f.records[i].person, &results[i]);
	out_table_print(&table, fmt, stdout);
out:
	free(results);
	free(f.records);
	free(f.lines);
	fg_screening_close(s);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_outcome(struct cli_args *args)
{
	static const struct out_column cols[] = {{"person", false}, {"early", false}};

	return run_steps(args, step_outcome, cols, 2);
}

static int
run_close(struct cli_args *args)
{
	const char *person = cli_get(args, "person"), *code = cli_get(args, "end-code");
	const char *date = cli_get(args, "date");
	char today[FG_DATE_TEXT_MAX];
	struct fg_error err;
	fg_screening *s = NULL;
	fg_store *store;
	int status;

	if (person == NULL || code == NULL)
		return cli_usage_error(args->path, "screen close needs --person and --end-code");
	if (date == NULL)
		date = fg_date_format(fg_date_today(), today);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK ||
	    fg_screen_close(s, args->pos[0], person, date, code, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("episode of person %s in programme %s closed: %s\n", person, args->pos[0], code);
	fg_screening_close(s);
	fg_store_close(store);
	return status;
}

/* ---- recount ---- */

static int
run_recount(struct cli_args *args)
{
	struct fg_error err;
	fg_store *store;
	int status;

	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_screen_tally_rebuild(store, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("screening tally recounted\n");
	fg_store_close(store);
	return status;
}

/* ---- link to the registry ---- */

static int
run_link(struct cli_args *args)
{
	struct fg_error err;
	fg_screening *s = NULL;
	fg_store *store;
	int64_t linked = 0;
	int status;

	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK || fg_screen_link_tumours(s, &linked, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("%lld tumours classified as screen-detected, interval or non-participant\n", (long long)linked);
	fg_screening_close(s);
	fg_store_close(store);
	return status;
}

/* ---- worklists ---- */

static void
add_work_row(struct out_table *t, const struct fg_screen_work_item *it, bool recalls)
{
	char person[24], inst[24], since[FG_DATE_TEXT_MAX], days[16];
	const char *cells[8];

	snprintf(person, sizeof(person), "%lld", (long long)it->person_id);
	snprintf(inst, sizeof(inst), "%lld", (long long)it->institution_id);
	snprintf(days, sizeof(days), "%d", it->days);
	cells[0] = inst;
	cells[1] = it->programme;
	cells[2] = person;
	cells[3] = it->name;
	cells[4] = it->category;
	cells[5] = fg_date_format(it->since, since);
	cells[6] = days;
	cells[7] = recalls ? (it->overdue ? "overdue" : "due") : "no diagnosis";
	out_table_add(t, cells);
}

static int
run_worklist(struct cli_args *args)
{
	static const struct out_column recall_cols[] = {
		{"institution", true}, {"programme", false}, {"person", true}, {"name", false},
		{"category", false}, {"due", false}, {"days_overdue", true}, {"status", false},
	};
	static const struct out_column failsafe_cols[] = {
		{"institution", true}, {"programme", false}, {"person", true}, {"name", false},
		{"category", false}, {"referred", false}, {"days_waiting", true}, {"status", false},
	};
	bool recalls = strcmp(args->pos[0], "recalls") == 0;
	struct fg_screen_worklist list;
	enum out_format fmt;
	struct fg_arena arena;
	struct out_table table;
	struct fg_error err;
	long long inst, within;
	fg_screening *s = NULL;
	fg_date as_of = fg_date_today();
	fg_store *store;
	int status;

	if (!recalls && strcmp(args->pos[0], "failsafe") != 0)
		return cli_usage_error(args->path, "invalid worklist \"%s\": use recalls or failsafe", args->pos[0]);
	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst) ||
	    !cli_int_option(args, "within", 0, 365, 0, &within))
		return EXIT_USAGE;
	if (cli_has(args, "as-of") && fg_date_parse(cli_get(args, "as-of"), "as-of", &as_of, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, recalls ? recall_cols : failsafe_cols, 8);
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK ||
	    fg_screen_worklist(s, recalls ? FG_WORKLIST_RECALLS : FG_WORKLIST_FAILSAFE, inst, as_of,
			       (int)within, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		for (size_t i = 0; i < list.count; i++)
			add_work_row(&table, &list.items[i], recalls);
		out_table_print(&table, fmt, stdout);
	}
	fg_screening_close(s);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

/* ---- indicators ---- */

static const struct {
	const char *name;
	unsigned bit;
} dimensions[] = {
	{"programme", FG_BY_PROGRAMME}, {"institution", FG_BY_INSTITUTION}, {"year", FG_BY_YEAR},
	{"sex", FG_BY_SEX}, {"age", FG_BY_AGE},
};
#define NDIMS (sizeof(dimensions) / sizeof(dimensions[0]))

static bool
parse_by(const char *text, unsigned *by)
{
	char buf[128], *save = NULL;

	*by = 0;
	if (!fg_strlcpy(buf, text, sizeof(buf)))
		return false;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		while (i < NDIMS && strcmp(dimensions[i].name, w) != 0)
			i++;
		if (i == NDIMS)
			return false;
		*by |= dimensions[i].bit;
	}
	return true;
}

static const struct out_column indicator_columns[] = {
	{"programme", false}, {"institution", true}, {"year", true}, {"sex", false}, {"age", false},
	{"eligible", true}, {"invited", true}, {"questionnaire_rate", true}, {"high_risk_rate", true},
	{"uptake", true}, {"screened", true}, {"positivity", true}, {"recall_rate", true},
	{"cancers", true}, {"detection_per_1000", true}, {"ppv", true}, {"early_rate", true},
	{"interval_per_1000", true}, {"days_to_diagnosis_median", true}, {"days_to_diagnosis_p90", true},
};
#define NINDICATORS ((int)(sizeof(indicator_columns) / sizeof(indicator_columns[0])))

static const char *
fmt_rate(char *buf, size_t n, double v, int decimals)
{
	if (isnan(v))
		return "";
	snprintf(buf, n, "%.*f", decimals, v);
	return buf;
}

static void
add_indicator_row(struct out_table *t, const struct fg_screen_facts *facts,
		  const struct fg_screen_indicators *r)
{
	char b[NINDICATORS][32];
	const char *c[NINDICATORS];
	const int64_t counts[] = {r->eligible, r->invited};

	c[0] = r->programme >= 0 ? facts->programmes[r->programme] : "";
	snprintf(b[1], 32, "%lld", (long long)r->institution_id);
	c[1] = r->institution_id ? b[1] : "";
	snprintf(b[2], 32, "%d", r->year);
	c[2] = r->year ? b[2] : "";
	c[3] = r->sex == '1' ? "male" : r->sex == '2' ? "female" : r->sex ? "other" : "";
	c[4] = r->age_group >= 0 ? fg_age_group_label(r->age_group) : "";
	for (int i = 0; i < 2; i++) {
		snprintf(b[5 + i], 32, "%lld", (long long)counts[i]);
		c[5 + i] = b[5 + i];
	}
	c[7] = fmt_rate(b[7], 32, r->questionnaire_rate, 4);
	c[8] = fmt_rate(b[8], 32, r->high_risk_rate, 4);
	c[9] = fmt_rate(b[9], 32, r->uptake, 4);
	snprintf(b[10], 32, "%lld", (long long)r->screened);
	c[10] = b[10];
	c[11] = fmt_rate(b[11], 32, r->positivity, 4);
	c[12] = fmt_rate(b[12], 32, r->recall_rate, 4);
	snprintf(b[13], 32, "%lld", (long long)r->cancers);
	c[13] = b[13];
	c[14] = fmt_rate(b[14], 32, r->detection_per_1000, 2);
	c[15] = fmt_rate(b[15], 32, r->ppv, 4);
	c[16] = fmt_rate(b[16], 32, r->early_rate, 4);
	c[17] = fmt_rate(b[17], 32, r->interval_per_1000, 2);
	c[18] = fmt_rate(b[18], 32, r->days_median, 1);
	c[19] = fmt_rate(b[19], 32, r->days_p90, 1);
	out_table_add(t, c);
}

static int
run_indicators(struct cli_args *args)
{
	struct fg_screen_facts facts = {0};
	struct fg_screen_indicators *rows = NULL;
	unsigned by = FG_BY_PROGRAMME;
	long long from, to;
	enum out_format fmt;
	struct fg_arena arena;
	struct out_table table;
	struct fg_error err;
	fg_screening *s = NULL;
	fg_store *store;
	size_t n = 0;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (cli_has(args, "by") && !parse_by(cli_get(args, "by"), &by))
		return cli_usage_error(args->path, "invalid grouping \"%s\": use programme, institution, year, sex, age",
				       cli_get(args, "by"));
	if (!cli_int_option(args, "from", 1900, 2100, 0, &from) || !cli_int_option(args, "to", 1900, 2100, 0, &to))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, indicator_columns, NINDICATORS);
	if (fg_screening_open(store, NULL, &s, &err) != FG_OK ||
	    fg_screen_facts_load(s, cli_get(args, "programme"), (int)from, (int)to, &arena, &facts, &err) != FG_OK ||
	    fg_screen_indicators_compute(&facts, by, &arena, &rows, &n, &err) != FG_OK)
		status = cli_report(&err);
	else {
		for (size_t i = 0; i < n; i++)
			add_indicator_row(&table, &facts, &rows[i]);
		out_table_print(&table, fmt, stdout);
	}
	fg_screen_facts_free(&facts);
	fg_screening_close(s);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option classify_options[] = {
	{"format", "FMT", "output as csv (default), table or json"},
	{"rule-line", NULL, "add the line of the rule file that decided (0: the default)"},
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

static const struct cli_option enrol_options[] = {
	CLI_OPT_DB,
	{"district", "CODE", "GB/T 2260 district whose residents are enrolled"},
	{"institution", "REF", "the institution that owns the episodes (id or USCC)"},
	{"date", "DATE", "enrolment and invitation day (default today)"},
	{"version", "V", "programme version (default: the newest)"},
	{"no-invite", NULL, "enrol as eligible without recording an invitation"},
	CLI_OPT_END,
};

static const struct cli_option step_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option close_options[] = {
	CLI_OPT_DB,
	{"person", "REF", "record id or resident ID number"},
	{"end-code", "CODE", "lost, declined, moved or died"},
	{"date", "DATE", "day of closing (default today)"},
	CLI_OPT_END,
};

static const struct cli_option link_options[] = {CLI_OPT_DB, CLI_OPT_END};

static const struct cli_option worklist_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"institution", "ID", "only this institution's episodes"},
	{"as-of", "DATE", "the day the list is drawn up for (default today)"},
	{"within", "DAYS", "recalls: also those due within DAYS days (default 0)"},
	CLI_OPT_END,
};

static const struct cli_option indicator_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"programme", "CODE", "one programme (default all)"},
	{"by", "DIMS", "group by programme,institution,year,sex,age (default programme)"},
	{"from", "YEAR", "episodes started in or after YEAR"},
	{"to", "YEAR", "episodes started in or before YEAR"},
	CLI_OPT_END,
};

static const struct command screen_commands[] = {
	{.name = "classify", .usage = "SCHEME FILE.csv",
	 .summary = "classify findings from a CSV file (no database needed)",
	 .description =
		"Reads FILE.csv (\"-\" for stdin): a header naming the scheme's fields, then\n"
		"one finding per row; an optional \"id\" column is copied to the output.  Writes\n"
		"row,category,management,recall_months,positive,referral as CSV (and\n"
		"rule_line with --rule-line: the line of the deciding rule).  Blank cells\n"
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
	{.name = "enrol", .usage = "PROGRAMME --district CODE --institution REF [--date DATE]",
	 .summary = "enrol and invite the eligible residents of a district",
	 .description = "Opens one episode per living resident of the district who is in the programme's\n"
			"target group (sex, age on the day), unless an episode is open or the previous\n"
			"round is not yet due.",
	 .options = enrol_options, .min_pos = 1, .max_pos = 1, .run = run_enrol},
	{.name = "questionnaire", .usage = "PROGRAMME FILE.csv",
	 .summary = "record risk questionnaires (one person per row)",
	 .description = "Columns: person (record id or resident ID number), date, optional\n"
			"institution, then the questionnaire's items (see the programme file).  All rows\n"
			"are stored, or none.",
	 .options = step_options, .min_pos = 2, .max_pos = 2, .run = run_questionnaire},
	{.name = "exam", .usage = "PROGRAMME EXAM-TYPE FILE.csv",
	 .summary = "record exams and classify their findings (one exam per row)",
	 .description = "Columns: person, date, optional institution, then the fields of the exam\n"
			"type's scheme (\"fangai screen programme\" lists the types, \"fangai screen\n"
			"scheme\" the fields).  All rows are stored, or none.",
	 .options = step_options, .min_pos = 3, .max_pos = 3, .run = run_exam},
	{.name = "outcome", .usage = "PROGRAMME FILE.csv",
	 .summary = "record diagnostic outcomes (person,date,diagnosis,stage)",
	 .description = "diagnosis is negative, benign, precursor or cancer; stage (0, I ... IVB) for\n"
			"a cancer.  Writes whether each counts as an early diagnosis.",
	 .options = step_options, .min_pos = 2, .max_pos = 2, .run = run_outcome},
	{.name = "close", .usage = "PROGRAMME --person REF --end-code CODE [--date DATE]",
	 .summary = "close an open episode as lost, declined, moved or died",
	 .options = close_options, .min_pos = 1, .max_pos = 1, .run = run_close},
	{.name = "link", .usage = "[--db PATH]",
	 .summary = "classify registered tumours: screen-detected, interval or non-participant",
	 .description = "For every tumour without a detection code whose site a programme in use covers:\n"
			"screen-detected if a positive result of that programme came at most 365 days\n"
			"before its incidence date; an interval cancer if the last exam before it was a\n"
			"routine result within the programme version's interval; else non-participant.",
	 .options = link_options, .min_pos = 0, .max_pos = 0, .run = run_link},
	{.name = "recount", .usage = "[--db PATH]",
	 .summary = "recount the screening tally that indicators read",
	 .description = "The library keeps the tally in step with every episode it writes; recount it\n"
			"after episodes were written to the database by other means.",
	 .options = link_options, .min_pos = 0, .max_pos = 0, .run = run_recount},
	{.name = "worklist", .usage = "recalls|failsafe [OPTIONS]",
	 .summary = "recalls due or overdue; positives without a diagnosis (failsafe)",
	 .options = worklist_options, .min_pos = 1, .max_pos = 1, .run = run_worklist},
	{.name = "indicators", .usage = "[--programme CODE] [--by DIMS] [--from YEAR] [--to YEAR]",
	 .summary = "screening indicators by programme, institution, year, sex, age group",
	 .description = "questionnaire_rate = assessed/invited; high_risk_rate = high risk/assessed;\n"
			"uptake = screened/offered (the high-risk, or all invited where the programme\n"
			"offers exams to all); positivity and recall_rate per screened; detection per\n"
			"1,000 screened (cancers); ppv = cancers among positives/positives;\n"
			"early_rate = early/detected, under each programme version's definition;\n"
			"interval cancers per 1,000 negative screens (after \"fangai screen link\");\n"
			"days from the first positive result to diagnosis: median and 90th percentile\n"
			"(R type 7).",
	 .options = indicator_options, .min_pos = 0, .max_pos = 0, .run = run_indicators},
	{0},
};

const struct command cmd_screen_entry = {
	.name = "screen",
	.usage = "classify|scheme|programme|assess|enrol|questionnaire|exam|outcome|close|link|recount|worklist|indicators ...",
	.summary = "cancer screening: classifiers, programmes, episodes, worklists, indicators",
	.subcommands = screen_commands,
};
