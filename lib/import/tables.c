/*
 * tables.c
 *	  Import kinds that the library checks and stores as whole tables:
 *	  population denominators (fg_population_import: every district x year x
 *	  sex with its 19 age groups, all or nothing, replacing the cells given)
 *	  and life tables (fg_ratetable_save: every sex x year x age once,
 *	  replacing the table of the same name).  The import engine decodes the
 *	  file and maps its headings; these functions hand the result on.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/arena.h"
#include "fangai/finding.h"
#include "fangai/institution.h"
#include "fangai/population.h"
#include "fangai/survival.h"
#include "fangai/util.h"
#include "import_int.h"

/* Replace the temporary file's name by the user's in s (size n). */
static void
rename_in(char *s, size_t n, const char *tmp, const char *file)
{
	char out[FG_ERROR_DETAIL_MAX];
	const char *at = strstr(s, tmp);

	if (at == NULL)
		return;
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - s), s, file, at + strlen(tmp));
	fg_strlcpy(s, out, n);
}

/* Messages name the file the user gave, not its temporary copy. */
static fg_rc
as_file(fg_rc rc, const char *tmp, const char *file, struct fg_error *err)
{
	if (rc != FG_OK) {
		rename_in(err->message, sizeof(err->message), tmp, file);
		rename_in(err->detail, sizeof(err->detail), tmp, file);
	}
	return rc;
}

static void
report_findings(const struct fg_findings *found, const char *tmp, const char *file,
		const struct import_lines *lines, const struct fg_import_options *opts)
{
	for (size_t i = 0; opts->problem && i < found->count; i++) {
		char message[FG_ERROR_MESSAGE_MAX];
		struct fg_import_problem p = {
			.field = found->items[i].field ? found->items[i].field : "", .value = "",
			.reason = message, .detail = "",
		};

		fg_strlcpy(message, found->items[i].message, sizeof(message));
		rename_in(message, sizeof(message), tmp, file);
		import_lines_locate(lines, message, &p.row, &p.line);
		opts->problem(&p, opts->userdata);
	}
}

/* ---- populations ---- */

static const char *const population_fields[] = {
	"district", "year", "sex", "age_group", "age", "population", NULL,
};
static const char *const population_required[] = {"district", "year", "sex", "population", NULL};

static fg_rc
import_population(fg_store *store, const char *path, const char *file,
		  const struct import_lines *lines, const struct fg_import_options *opts, struct fg_import_report *report,
		  struct fg_error *err)
{
	struct fg_population_import o = {.replace = true};
	struct fg_population_report pr;
	struct fg_institution inst;
	struct fg_findings found;
	struct fg_arena arena;
	fg_rc rc = FG_OK;

	fg_arena_init(&arena, 0);
	fg_findings_init(&found, &arena);
	if (opts->institution && *opts->institution) {
		rc = fg_institution_find(store, opts->institution, "institution", &inst, err);
		o.institution_id = inst.id;
	}
	if (rc == FG_OK)
		rc = as_file(fg_population_import(store, path, &o, &found, &pr, err), path, file, err);
	report_findings(&found, path, file, lines, opts);
	if (rc == FG_OK)
		report->inserted = pr.rows;
	fg_arena_free(&arena);
	return rc;
}

const struct import_kind import_populations = {
	.name = "populations",
	.fields = population_fields,
	.required = population_required,
	.key_field = "district",
	.whole = import_population,
};

/* ---- life tables ---- */

static const char *const life_table_fields[] = {"year", "sex", "age", "qx", "mx", NULL};
static const char *const life_table_required[] = {"year", "sex", "age", NULL};

/* The table's name: the source given, else the file's base name without .csv. */
static void
table_name(const struct fg_import_options *opts, char *out, size_t outsz)
{
	const char *base = strrchr(opts->path, '/');
	size_t n;

	if (opts->source && *opts->source) {
		fg_strlcpy(out, opts->source, outsz);
		return;
	}
	fg_strlcpy(out, base ? base + 1 : opts->path, outsz);
	n = strlen(out);
	if (n > 4 && strcmp(out + n - 4, ".csv") == 0)
		out[n - 4] = '\0';
}

static fg_rc
import_life_table(fg_store *store, const char *path, const char *file,
		  const struct import_lines *lines, const struct fg_import_options *opts, struct fg_import_report *report,
		  struct fg_error *err)
{
	char name[128];
	size_t rows = 0;
	fg_rc rc;

	table_name(opts, name, sizeof(name));
	rc = as_file(fg_ratetable_save(store, name, path, &rows, err), path, file, err);
	if (rc == FG_OK)
		report->inserted = (int64_t)rows;
	return rc;
}

const struct import_kind import_life_tables = {
	.name = "life-tables",
	.fields = life_table_fields,
	.required = life_table_required,
	.key_field = "year",
	.whole = import_life_table,
};
