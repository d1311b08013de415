/*
 * cmd_registry.c
 *	  fangai registry check|checks|stage|mp|code: the cancer registry's coding
 *	  rules run on files of tumours, without a database (population import is
 *	  in cmd_registry_population.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cmd_registry.h"
#include "fangai/csv.h"
#include "fangai/registry.h"
#include "output.h"

/* A field of the tumour CSV and the column names accepted for it (CanReg5's among them). */
struct csv_field {
	const char *name;
	const char *aliases[5];
};

enum { F_ID, F_PERSON, F_SEX, F_BIRTH, F_AGE, F_INCIDENCE, F_TOPO, F_MORPH, F_BEH, F_GRADE,
       F_BASIS, F_DEATH, F_LAST, NFIELDS };

static const struct csv_field fields[NFIELDS] = {
	[F_ID] = {"id", {"record", "tumour_id", "TumourID", "RegistrationNumber", "RegNo"}},
	[F_PERSON] = {"person", {"person_id", "PatientID", "PatientRecordID", NULL}},
	[F_SEX] = {"sex", {NULL}},
	[F_BIRTH] = {"birth_date", {"BirthDate", NULL}},
	[F_AGE] = {"age", {NULL}},
	[F_INCIDENCE] = {"incidence_date", {"IncidenceDate", NULL}},
	[F_TOPO] = {"topography", {NULL}},
	[F_MORPH] = {"morphology", {NULL}},
	[F_BEH] = {"behaviour", {"behavior", NULL}},
	[F_GRADE] = {"grade", {NULL}},
	[F_BASIS] = {"basis", {"BasisDiagnosis", NULL}},
	[F_DEATH] = {"death_date", {"DateOfDeath", NULL}},
	[F_LAST] = {"last_contact", {"DateOfLastContact", NULL}},
};

#define CSV_HELP \
	"Columns (a header row names them; any order; case is ignored; CanReg5 names\n" \
	"in brackets are accepted too):\n" \
	"  id              record identifier, used in the output [TumourID, RegistrationNumber]\n" \
	"  person          person identifier, for multiple primaries [PatientID]\n" \
	"  sex             1 male, 2 female, 9 not stated (M/F accepted)\n" \
	"  birth_date      YYYY-MM-DD or YYYYMMDD [BirthDate]\n" \
	"  age             age at incidence, used when there is no birth date [Age]\n" \
	"  incidence_date  YYYY-MM-DD or YYYYMMDD [IncidenceDate]\n" \
	"  topography      ICD-O-3: C34.1, C341 or 341\n" \
	"  morphology      ICD-O-3: 8140, 8140/3 or 81403\n" \
	"  behaviour       0, 1, 2, 3, 6 or 9 (may be given inside morphology)\n" \
	"  grade           1-9 (optional)\n" \
	"  basis           basis of diagnosis 0-9 [BasisDiagnosis]\n" \
	"  death_date      (optional) [DateOfDeath]\n" \
	"  last_contact    (optional) [DateOfLastContact]\n"

/* Column index of every field in the CSV header, -1 when absent. */
static void
map_columns(const fg_csv *csv, int *col)
{
	for (int f = 0; f < NFIELDS; f++) {
		col[f] = -1;
		for (size_t i = 0; i < fg_csv_header_count(csv) && col[f] < 0; i++) {
			const char *h = fg_csv_header_name(csv, i);

			if (strcasecmp(h, fields[f].name) == 0)
				col[f] = (int)i;
			for (int a = 0; a < 5 && fields[f].aliases[a] && col[f] < 0; a++)
				if (strcasecmp(h, fields[f].aliases[a]) == 0)
					col[f] = (int)i;
		}
	}
}

static const char *
cell(const fg_csv *csv, const int *col, int f)
{
	return col[f] >= 0 ? fg_csv_field(csv, (size_t)col[f]) : NULL;
}

static void
row_text(const fg_csv *csv, const int *col, struct fg_tumour_text *t)
{
	t->topography = cell(csv, col, F_TOPO);
	t->morphology = cell(csv, col, F_MORPH);
	t->behaviour = cell(csv, col, F_BEH);
	t->grade = cell(csv, col, F_GRADE);
	t->basis = cell(csv, col, F_BASIS);
	t->sex = cell(csv, col, F_SEX);
	t->birth_date = cell(csv, col, F_BIRTH);
	t->age = cell(csv, col, F_AGE);
	t->incidence_date = cell(csv, col, F_INCIDENCE);
	t->death_date = cell(csv, col, F_DEATH);
	t->last_contact = cell(csv, col, F_LAST);
}

/* The record's identifier: its id column, else its line number. */
static const char *
record_name(const fg_csv *csv, const int *col, char *buf, size_t bufsz)
{
	const char *id = cell(csv, col, F_ID);

	if (id != NULL && id[0] != '\0')
		return id;
	snprintf(buf, bufsz, "line %ld", fg_csv_line(csv));
	return buf;
}

static fg_csv *
open_input(const char *path, int *status)
{
	struct fg_csv_options opts = {.header = true};
	struct fg_error err;
	fg_csv *csv;

	fg_error_clear(&err);
	if (fg_csv_open(path, &opts, &csv, &err) != FG_OK) {
		*status = cli_report(&err);
		return NULL;
	}
	return csv;
}

static const struct out_column finding_columns[] = {
	{"record", false}, {"check", false}, {"level", false}, {"field", false}, {"message", false},
};

struct check_totals {
	long records, errors, warnings;
};

/* Parse and check the current record; add its findings to the table. */
static fg_rc
check_record(const fg_registry *reg, const fg_csv *csv, const int *col, fg_date today,
	     struct fg_arena *scratch, struct out_table *table, struct check_totals *tot)
{
	struct fg_tumour_codes codes;
	struct fg_tumour_text text;
	struct fg_findings found;
	char name[32];
	const char *rec = record_name(csv, col, name, sizeof(name));
	fg_rc rc;

	fg_arena_reset(scratch);
	fg_findings_init(&found, scratch);
	fg_tumour_codes_init(&codes, today);
	row_text(csv, col, &text);
	rc = fg_tumour_parse(reg, &text, &codes, &found);
	if (rc == FG_OK)
		rc = fg_registry_check(reg, &codes, &found);
	for (size_t i = 0; rc == FG_OK && i < found.count; i++) {
		const struct fg_finding *f = &found.items[i];
		const char *cells[] = {rec, f->code, fg_finding_level_name(f->level), f->field, f->message};

		if (!out_table_add(table, cells))
			rc = FG_NOMEM;
		tot->errors += f->level == FG_FINDING_ERROR;
		tot->warnings += f->level == FG_FINDING_WARNING;
	}
	tot->records++;
	return rc;
}

static int
run_check(struct cli_args *args)
{
	struct fg_arena arena, scratch;
	struct check_totals tot = {0};
	fg_date today = fg_date_today();
	struct out_table table;
	struct fg_error err;
	enum out_format fmt;
	fg_registry *reg = NULL;
	fg_csv *csv = NULL;
	int col[NFIELDS], status = EXIT_OK;
	bool row;
	fg_rc rc = FG_OK;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	fg_arena_init(&scratch, 0);
	out_table_init(&table, &arena, finding_columns, 5);
	if ((reg = cli_open_registry(&status)) == NULL || (csv = open_input(args->pos[0], &status)) == NULL)
		goto out;
	map_columns(csv, col);
	fg_error_clear(&err);
	while (rc == FG_OK && (rc = fg_csv_read(csv, &row, &err)) == FG_OK && row)
		rc = check_record(reg, csv, col, today, &scratch, &table, &tot);
	if (rc != FG_OK) {
		if (rc == FG_NOMEM)
			fg_error_set(&err, FG_NOMEM, NULL, "out of memory checking \"%s\"", args->pos[0]);
		status = cli_report(&err);
		goto out;
	}
	out_table_print(&table, fmt, stdout);
	fprintf(stderr, "records checked: %ld; errors: %ld; warnings: %ld\n", tot.records, tot.errors,
		tot.warnings);
	status = tot.errors ? EXIT_REFUSED : EXIT_OK;
out:
	fg_csv_close(csv);
	fg_registry_free(reg);
	fg_arena_free(&scratch);
	fg_arena_free(&arena);
	return status;
}

static const struct out_column stage_columns[] = {
	{"site", false}, {"edition", false}, {"context", false}, {"t", false}, {"n", false},
	{"m", false}, {"grade", false}, {"location", false}, {"stage", false}, {"table", false},
	{"row", true},
};

/* Stage one input into the table; a refused input gives an empty stage and the message. */
static fg_rc
stage_one(const fg_registry *reg, const struct fg_stage_input *in, struct out_table *table,
	  struct fg_error *err)
{
	struct fg_stage_result res;
	char row[16] = "";
	fg_rc rc = fg_registry_stage(reg, in, &res, err);
	const char *cells[] = {in->site, in->edition, in->context ? in->context : "clinical",
			       in->t, in->n, in->m, rc == FG_OK ? res.grade : in->grade ? in->grade : "",
			       rc == FG_OK ? res.location : in->location ? in->location : "",
			       rc == FG_OK ? res.stage : err->message, res.table, row};

	if (rc == FG_OK)
		snprintf(row, sizeof(row), "%d", res.row);
	return out_table_add(table, cells) ? rc : FG_NOMEM;
}

static int
stage_csv(const fg_registry *reg, const char *path, struct out_table *table, int *refused)
{
	static const char *const names[] = {"site", "edition", "context", "t", "n", "m", "grade", "location"};
	struct fg_error err;
	int col[8], status = EXIT_OK;
	fg_csv *csv = open_input(path, &status);
	bool row;
	fg_rc rc;

	if (csv == NULL)
		return status;
	for (int i = 0; i < 8; i++)
		col[i] = fg_csv_column(csv, names[i]);
	if (col[0] < 0 || col[1] < 0 || col[3] < 0 || col[4] < 0 || col[5] < 0) {
		fg_csv_close(csv);
		return cli_usage_error("registry stage", "\"%s\" needs columns site, edition, t, n and m", path);
	}
	fg_error_clear(&err);
	while ((rc = fg_csv_read(csv, &row, &err)) == FG_OK && row) {
		struct fg_stage_input in = {
			.site = fg_csv_field(csv, (size_t)col[0]), .edition = fg_csv_field(csv, (size_t)col[1]),
			.context = col[2] >= 0 ? fg_csv_field(csv, (size_t)col[2]) : NULL,
			.t = fg_csv_field(csv, (size_t)col[3]), .n = fg_csv_field(csv, (size_t)col[4]),
			.m = fg_csv_field(csv, (size_t)col[5]),
			.grade = col[6] >= 0 ? fg_csv_field(csv, (size_t)col[6]) : NULL,
			.location = col[7] >= 0 ? fg_csv_field(csv, (size_t)col[7]) : NULL};
		fg_rc one = stage_one(reg, &in, table, &err);

		if (one == FG_NOMEM)
			break;
		*refused |= one != FG_OK;
	}
	fg_csv_close(csv);
	return rc == FG_OK ? EXIT_OK : cli_report(&err);
}

static int
run_stage(struct cli_args *args)
{
	struct fg_stage_input in = {
		.site = cli_get(args, "site"), .edition = cli_get(args, "edition"),
		.context = cli_get(args, "context"), .t = cli_get(args, "t"),
		.n = cli_get(args, "n"), .m = cli_get(args, "m"), .grade = cli_get(args, "grade"),
		.location = cli_get(args, "location")};
	const char *file = cli_get(args, "csv");
	struct out_table table;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	int status = EXIT_OK, refused = 0;
	fg_registry *reg;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (file == NULL && (in.site == NULL || in.edition == NULL))
		return cli_usage_error(args->path, "registry stage needs --site and --edition, or --csv FILE");
	if ((reg = cli_open_registry(&status)) == NULL)
		return status;
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, stage_columns, 11);
	fg_error_clear(&err);
	if (file != NULL)
		status = stage_csv(reg, file, &table, &refused);
	else if (fg_registry_stage(reg, &in, &(struct fg_stage_result){0}, &err) != FG_OK)
		status = cli_report(&err);
	else
		stage_one(reg, &in, &table, &err);
	if (status == EXIT_OK) {
		out_table_print(&table, fmt, stdout);
		status = refused ? EXIT_REFUSED : EXIT_OK;
	}
	fg_arena_free(&arena);
	fg_registry_free(reg);
	return status;
}

static const struct out_column mp_columns[] = {
	{"id", false}, {"person", false}, {"topography", false}, {"morphology", false},
	{"histology_group", true}, {"topography_group", true}, {"primary", false},
	{"same_as", false}, {"reason", false},
};

struct mp_tumour {
	char id[32], person[40];
	struct fg_tumour_codes codes;
	char topo_text[8];
};

static int
cmp_tumour(const void *a, const void *b)
{
	const struct mp_tumour *x = a, *y = b;
	int c = strcmp(x->person, y->person);

	if (c != 0)
		return c;
	return (x->codes.incidence > y->codes.incidence) - (x->codes.incidence < y->codes.incidence);
}

/* Read the tumours of the file; FG_INVALID naming the line for an unusable code. */
static fg_rc
mp_read(const fg_registry *reg, fg_csv *csv, struct fg_arena *arena, struct mp_tumour **out,
	size_t *n, struct fg_error *err)
{
	size_t cap = 0;
	int col[NFIELDS];
	bool row;
	fg_rc rc;

	map_columns(csv, col);
	*out = NULL;
	*n = 0;
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		struct fg_tumour_text text = {0};
		struct fg_findings found;
		struct mp_tumour *t;
		char name[32];

		if (*n == cap) {
			struct mp_tumour *items = fg_arena_alloc(arena, (cap = cap ? cap * 2 : 64) * sizeof(*items));

			if (items == NULL)
				return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading tumours");
			if (*n)
				memcpy(items, *out, *n * sizeof(*items));
			*out = items;
		}
		t = &(*out)[*n];
		snprintf(t->id, sizeof(t->id), "%s", record_name(csv, col, name, sizeof(name)));
		snprintf(t->person, sizeof(t->person), "%s", cell(csv, col, F_PERSON) ? cell(csv, col, F_PERSON) : "");
		fg_findings_init(&found, arena);
		fg_tumour_codes_init(&t->codes, FG_DATE_NONE);
		row_text(csv, col, &text);
		text.basis = "9";
		if ((rc = fg_tumour_parse(reg, &text, &t->codes, &found)) != FG_OK)
			return rc;
		if (fg_findings_errors(&found) > 0)
			return fg_error_set(err, FG_INVALID, found.items[0].field, "record %s: %s", t->id,
					    found.items[0].message);
		fg_topography_format(t->codes.topography, t->topo_text);
		(*n)++;
	}
	return rc;
}

/* Decide each tumour against the earlier primaries of the same person. */
static void
mp_decide(const struct mp_tumour *items, size_t n, struct out_table *table)
{
	for (size_t i = 0; i < n; i++) {
		const char *reason = "first tumour of the person", *same_as = "";
		char hg[8], tg[8], morph[8];

		for (size_t j = i; j-- > 0 && strcmp(items[j].person, items[i].person) == 0;) {
			const char *why;

			if (fg_mp_same_primary(&items[i].codes, &items[j].codes, &why)) {
				same_as = items[j].id;
				reason = why;
				break;
			}
			reason = why;
		}
		snprintf(hg, sizeof(hg), "%d", fg_mp_histology_group(items[i].codes.morphology));
		snprintf(tg, sizeof(tg), "C%02d", fg_mp_topography_group(items[i].codes.topography));
		snprintf(morph, sizeof(morph), "%04d", items[i].codes.morphology);
		out_table_add(table, (const char *[]){items[i].id, items[i].person, items[i].topo_text,
						      morph, hg, tg, same_as[0] ? "no" : "yes", same_as,
						      reason});
	}
}

static int
run_mp(struct cli_args *args)
{
	struct mp_tumour *items;
	struct out_table table;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	fg_registry *reg = NULL;
	fg_csv *csv = NULL;
	int status = EXIT_OK;
	size_t n;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	fg_error_clear(&err);
	if ((reg = cli_open_registry(&status)) == NULL || (csv = open_input(args->pos[0], &status)) == NULL)
		goto out;
	if (mp_read(reg, csv, &arena, &items, &n, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	qsort(items, n, sizeof(*items), cmp_tumour);
	out_table_init(&table, &arena, mp_columns, 9);
	mp_decide(items, n, &table);
	out_table_print(&table, fmt, stdout);
out:
	fg_csv_close(csv);
	fg_registry_free(reg);
	fg_arena_free(&arena);
	return status;
}

static const struct out_column code_columns[] = {
	{"topography", false}, {"site", false}, {"morphology", false}, {"term", false}, {"icd10", false},
};

static int
run_code(struct cli_args *args)
{
	struct fg_tumour_text text = {
		.topography = cli_get(args, "topography"), .morphology = cli_get(args, "morphology"),
		.behaviour = cli_get(args, "behaviour"), .sex = cli_get(args, "sex"),
		.basis = "9", .incidence_date = "2000-01-01"};
	struct fg_tumour_codes codes;
	struct fg_findings found;
	struct out_table table;
	struct fg_arena arena;
	enum out_format fmt;
	char topo[8], morph[8], icd10[FG_ICD10_MAX];
	const char *term;
	fg_registry *reg;
	int status = EXIT_OK;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (text.topography == NULL || text.morphology == NULL)
		return cli_usage_error(args->path, "registry code needs --topography and --morphology");
	if ((reg = cli_open_registry(&status)) == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_findings_init(&found, &arena);
	fg_tumour_codes_init(&codes, fg_date_today());
	if (fg_tumour_parse(reg, &text, &codes, &found) != FG_OK || fg_findings_errors(&found) > 0) {
		for (size_t i = 0; i < found.count; i++)
			fprintf(stderr, "fangai: error: %s\n  field: %s\n", found.items[i].message,
				found.items[i].field);
		status = EXIT_REFUSED;
		goto out;
	}
	fg_registry_icd10(reg, &codes, icd10);
	snprintf(morph, sizeof(morph), "%04d/%d", codes.morphology, codes.behaviour);
	term = fg_registry_morphology_label(reg, codes.morphology, codes.behaviour);
	out_table_init(&table, &arena, code_columns, 5);
	out_table_add(&table, (const char *[]){fg_topography_format(codes.topography, topo),
					       fg_registry_topography_label(reg, codes.topography),
					       morph, term ? term : "", icd10});
	out_table_print(&table, fmt, stdout);
out:
	fg_arena_free(&arena);
	fg_registry_free(reg);
	return status;
}

static int
run_checks(struct cli_args *args)
{
	static const struct out_column columns[] = {{"check", false}, {"what", false}};
	struct out_table table;
	struct fg_arena arena;
	enum out_format fmt;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, columns, 2);
	for (const struct fg_check_info *c = fg_registry_checks(); c->code; c++)
		out_table_add(&table, (const char *[]){c->code, c->what});
	out_table_print(&table, fmt, stdout);
	fg_arena_free(&arena);
	return EXIT_OK;
}

static const struct cli_option check_options[] = {CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option stage_options[] = {
	CLI_OPT_FORMAT,
	{"site", "SITE", "lung, breast, colorectum, stomach, oesophagus-scc, oesophagus-adeno, liver, cervix"},
	{"edition", "ED", "TNM edition: 8 (all sites), 9 (lung); FIGO 2018 for cervix"},
	{"context", "CTX", "clinical (default) or pathological (stomach, oesophagus)"},
	{"t", "T", "T category, e.g. T2a (cervix: the extent of the primary, see the table)"},
	{"n", "N", "N category, e.g. N1"},
	{"m", "M", "M category, e.g. M0"},
	{"grade", "G", "histological grade G1, G2, G3 or GX (oesophagus, pathological)"},
	{"location", "L", "upper, middle, lower or X (oesophagus squamous, pathological)"},
	{"csv", "FILE", "stage every row of FILE (columns site, edition, context, t, n, m; grade, location)"},
	CLI_OPT_END,
};

static const struct cli_option code_options[] = {
	CLI_OPT_FORMAT,
	{"topography", "CODE", "ICD-O-3 topography, e.g. C34.1"},
	{"morphology", "CODE", "ICD-O-3 morphology, e.g. 8070/3"},
	{"behaviour", "B", "behaviour, if not given in the morphology"},
	{"sex", "SEX", "1 male, 2 female (some ICD-10 codes depend on it)"},
	CLI_OPT_END,
};

static const struct command registry_commands[] = {
	{.name = "check", .usage = "FILE.csv [--format table|csv|json]",
	 .summary = "run the IARC/IACR checks on a CSV file of tumours",
	 .description = "Writes one line per finding: record, check, level (error or warning), field\n"
			"and message.  Errors are impossible or invalid codes and dates; warnings are\n"
			"unlikely combinations to be confirmed.  Exit status 1 when any error is found.\n\n"
			"Checks (IARC Technical Report 42): validity of every code; dates; age/site/\n"
			"histology; sex/site; sex/histology; site/histology (morphology families);\n"
			"behaviour/site; behaviour/histology; grade/histology; basis/histology.\n\n"
			"Use - to read standard input.\n\n" CSV_HELP,
	 .options = check_options, .min_pos = 1, .max_pos = 1, .run = run_check},
	{.name = "checks", .usage = "[--format table|csv|json]",
	 .summary = "list the IARC/IACR checks and what each verifies",
	 .options = check_options, .min_pos = 0, .max_pos = 0, .run = run_checks},
	{.name = "stage", .usage = "--site SITE --edition ED --t T --n N --m M | --csv FILE",
	 .summary = "TNM stage group (and FIGO 2018 for the cervix) from declarative tables",
	 .description = "The tables are data/tnm/*.csv, one per site, edition and context; the first\n"
			"row whose T, N and M cells hold the categories gives the stage group.",
	 .options = stage_options, .min_pos = 0, .max_pos = 0, .run = run_stage},
	{.name = "mp", .usage = "FILE.csv",
	 .summary = "multiple primaries by the IARC/IACR 2004 rules",
	 .description = "Reads tumours (columns person, id, topography, morphology, incidence_date)\n"
			"and says, in order of incidence for each person, whether each tumour is a new\n"
			"primary or the same primary as an earlier one, and why.",
	 .options = check_options, .min_pos = 1, .max_pos = 1, .run = run_mp},
	{.name = "population", .usage = "import FILE.csv [--institution ID] [--replace]",
	 .summary = "import population denominators, all or nothing",
	 .description = cmd_registry_population_description,
	 .options = cmd_registry_population_options, .min_pos = 2, .max_pos = 2,
	 .run = cmd_registry_population_run},
	{.name = "deaths", .usage = "[FILE.csv] [--institution REF]",
	 .summary = "import and link death records; vital status and DCO tumours",
	 .description = cmd_registry_deaths_description,
	 .options = cmd_registry_deaths_options, .min_pos = 0, .max_pos = 1,
	 .run = cmd_registry_deaths_run},
	{.name = "code", .usage = "--topography C --morphology M [--sex S]",
	 .summary = "labels of ICD-O-3 codes and their ICD-10 conversion",
	 .options = code_options, .min_pos = 0, .max_pos = 0, .run = run_code},
	{0},
};

const struct command cmd_registry_entry = {
	.name = "registry",
	.usage = "check|checks|stage|mp|population|deaths|code ...",
	.summary = "the cancer registry: IARC/IACR checks, TNM stage, multiple primaries, populations, deaths",
	.subcommands = registry_commands,
};
