/*
 * incidence_csv.c
 *	  Filling the incidence table from a population CSV and a cases CSV
 *	  (individual records or aggregated counts).
 */
#include <stdio.h>
#include <string.h>

#include "fangai/rates.h"
#include "fangai/util.h"
#include "stats_int.h"

/* Read one population row into the table. */
static fg_rc
population_row(fg_incidence *inc, const struct stats_file *f, const struct stats_key_columns *kc,
	       int cg, int cp, struct fg_error *err)
{
	int key[FG_NDIMS], g = fg_age_group_parse(stats_text(f, cg));
	double n;
	fg_rc rc = stats_read_key(f, kc, inc, key, err);

	if (rc == FG_OK && g < 0) {
		rc = stats_field_error(f, "age_group", stats_text(f, cg), err);
		fg_error_hint(err, "Age groups are 0, 1-4, 5-9, ... 80-84 and 85+.");
	}
	if (rc == FG_OK)
		rc = stats_read_count(f, cp, "population", &n, err);
	if (rc == FG_OK)
		rc = stats_locate(f, fg_incidence_add_population(inc, key, g, n, err), err);
	return rc;
}

/* Keep a bad row's error among the problems; other failures (memory, I/O) pass on. */
static fg_rc
keep_problem(struct fg_findings *problems, const struct fg_error *row, struct fg_error *err)
{
	if (row->code != FG_INVALID && row->code != FG_CONFLICT) {
		*err = *row;
		return row->code;
	}
	if (fg_findings_add(problems, FG_FINDING_ERROR, "population.row",
			    fg_arena_strdup(problems->arena, row->field), "%s", row->message) != FG_OK)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	return FG_OK;
}

fg_rc
fg_incidence_read_population(fg_incidence *inc, const char *path, struct fg_findings *problems,
			     struct fg_error *err)
{
	static const char *const group_col[] = {"age_group", NULL},
			  *const pop_col[] = {"population", "count", NULL};
	struct stats_key_columns kc;
	struct stats_file f;
	size_t bad = 0;
	int cg, cp;
	bool row = true;
	fg_rc rc = stats_file_open(&f, path, err);

	if (rc == FG_OK)
		rc = stats_key_columns(&f, &kc, err);
	if (rc == FG_OK)
		rc = stats_column_required(&f, group_col, &cg, err);
	if (rc == FG_OK)
		rc = stats_column_required(&f, pop_col, &cp, err);
	while (rc == FG_OK && (problems == NULL || problems->count < FG_MAX_PROBLEMS) &&
	       (rc = fg_csv_read(f.csv, &row, err)) == FG_OK && row) {
		struct fg_error row_err;

		rc = population_row(inc, &f, &kc, cg, cp, problems ? &row_err : err);
		if (rc != FG_OK && problems != NULL) {
			bad++;
			rc = keep_problem(problems, &row_err, err);
		}
	}
	if (rc == FG_OK && bad > 0) {
		rc = fg_error_set(err, FG_INVALID, "file", "%zu%s rows of \"%s\" are invalid", bad,
				  bad >= FG_MAX_PROBLEMS ? " or more" : "", path);
		fg_error_detail(err, "Each row at fault is listed above.");
	}
	fg_csv_close(f.csv);
	return rc;
}

/* Columns of a cases file beyond the stratum key. */
struct case_columns {
	struct stats_key_columns key;
	int age, age_group, icd10, site, count;
};

static fg_rc
case_columns(const struct stats_file *f, struct case_columns *c, struct fg_error *err)
{
	static const char *const age[] = {"age", NULL}, *const group[] = {"age_group", NULL},
			  *const icd10[] = {"icd10", "ICD10", NULL}, *const site[] = {"site", NULL},
			  *const count[] = {"count", "cases", NULL};
	fg_rc rc = stats_key_columns(f, &c->key, err);

	c->age = stats_column(f, age);
	c->age_group = stats_column(f, group);
	c->icd10 = stats_column(f, icd10);
	c->site = stats_column(f, site);
	c->count = stats_column(f, count);
	if (rc == FG_OK && c->age < 0 && c->age_group < 0) {
		fg_error_set(err, FG_INVALID, "age", "file \"%s\" has no column \"age\" or \"age_group\"",
			     f->path);
		return FG_INVALID;
	}
	return rc;
}

static fg_rc
read_age_group(const struct stats_file *f, const struct case_columns *c, int *g,
	       struct fg_error *err)
{
	int64_t age;

	if (c->age_group >= 0) {
		*g = fg_age_group_parse(stats_text(f, c->age_group));
		if (*g < 0) {
			stats_field_error(f, "age_group", stats_text(f, c->age_group), err);
			fg_error_hint(err, "Age groups are 0, 1-4, 5-9, ... 80-84 and 85+.");
			return FG_INVALID;
		}
		return FG_OK;
	}
	if (fg_parse_int64(stats_text(f, c->age), "age", 0, 130, &age, NULL) != FG_OK) {
		stats_field_error(f, "age", stats_text(f, c->age), err);
		fg_error_detail(err, "An age is a whole number of years from 0 to 130.");
		return FG_INVALID;
	}
	*g = fg_age_group((int)age);
	return FG_OK;
}

/* Add the current row's cases under each site it counts in. */
static fg_rc
add_case_row(fg_incidence *inc, const struct stats_file *f, const struct case_columns *c,
	     const struct fg_site_groups *sites, bool by_site, int key[FG_NDIMS], int g,
	     double n, struct fg_error *err)
{
	uint64_t mask = 0;
	int group;
	fg_rc rc = FG_OK;

	if (c->icd10 >= 0 && sites != NULL) {
		rc = fg_site_group_classify(sites, stats_text(f, c->icd10), "icd10", &group, &mask, err);
		if (rc != FG_OK)
			return stats_locate(f, rc, err);
	} else if (c->site >= 0 && by_site) {
		rc = fg_incidence_value(inc, FG_DIM_SITE, stats_text(f, c->site), &key[FG_DIM_SITE], err);
		if (rc != FG_OK)
			return stats_locate(f, rc, err);
	}
	return stats_locate(f, fg_incidence_add_case_sites(inc, key, by_site ? mask : 0, g, n, err), err);
}

fg_rc
stats_intern_sites(fg_incidence *inc, const struct fg_site_groups *sites, struct fg_error *err)
{
	for (size_t i = 0; i < sites->count; i++) {
		int id;
		fg_rc rc = fg_incidence_value(inc, FG_DIM_SITE, sites->groups[i].code, &id, err);

		if (rc != FG_OK)
			return rc;
		if (id != (int)i)
			return fg_error_set(err, FG_MISUSE, "site",
					    "site groups must be read into a table without sites");
	}
	return FG_OK;
}

fg_rc
fg_incidence_read_cases(fg_incidence *inc, const char *path, const struct fg_site_groups *sites,
			bool by_site, struct fg_error *err)
{
	struct case_columns c;
	struct stats_file f;
	bool row = true;
	fg_rc rc = stats_file_open(&f, path, err);

	if (rc == FG_OK)
		rc = case_columns(&f, &c, err);
	if (rc == FG_OK && by_site && c.icd10 >= 0 && sites != NULL)
		rc = stats_intern_sites(inc, sites, err);
	while (rc == FG_OK && (rc = fg_csv_read(f.csv, &row, err)) == FG_OK && row) {
		int key[FG_NDIMS], g;
		double n = 1;

		rc = stats_read_key(&f, &c.key, inc, key, err);
		if (rc == FG_OK)
			rc = read_age_group(&f, &c, &g, err);
		if (rc == FG_OK && c.count >= 0)
			rc = stats_read_count(&f, c.count, "count", &n, err);
		if (rc == FG_OK)
			rc = add_case_row(inc, &f, &c, sites, by_site, key, g, n, err);
	}
	fg_csv_close(f.csv);
	return rc;
}
