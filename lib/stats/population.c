/*
 * population.c
 *	  Population denominators in the database: import from CSV into the
 *	  population table, and the incidence table filled from the database's
 *	  populations and tumours.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/date.h"
#include "fangai/institution.h"
#include "fangai/population.h"
#include "fangai/util.h"
#include "stats_int.h"

static fg_rc
owner(fg_store *store, int64_t id, int64_t *out, struct fg_error *err)
{
	struct fg_institution inst;
	fg_stmt *st;
	bool found = false;
	fg_rc rc;

	if (id > 0) {
		*out = id;
		return fg_institution_get(store, id, &inst, err);
	}
	rc = fg_store_prepare(store, "SELECT id FROM institution WHERE kind = 'cancer_centre' "
				     "ORDER BY id LIMIT 1", &st, err);
	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, out, &found, err);
	if (rc == FG_OK && !found) {
		fg_error_set(err, FG_NOTFOUND, "institution", "no cancer centre to own the population");
		fg_error_hint(err, "Name the owning institution with --institution.");
		return FG_NOTFOUND;
	}
	return rc;
}

/* The file's cells, each complete and of whole numbers, broken down by district and year. */
static fg_rc
read_cells(fg_incidence *inc, const char *path, struct fg_findings *problems,
	   struct fg_arena *arena, struct fg_incidence_row **rows, size_t *nrows,
	   struct fg_error *err)
{
	fg_rc rc = fg_incidence_read_population(inc, path, problems, err);

	for (int d = FG_DIM_DISTRICT; rc == FG_OK && d < FG_NDIMS; d++)
		if (!fg_incidence_population_by(inc, d))
			rc = fg_error_set(err, FG_INVALID, fg_dim_name(d), "file \"%s\" has no column \"%s\"",
					  path, fg_dim_name(d));
	if (rc == FG_OK)
		rc = fg_incidence_population(inc, true, arena, rows, nrows, err);
	for (size_t i = 0; rc == FG_OK && i < *nrows; i++)
		for (int g = 0; g < FG_AGE_GROUPS; g++)
			if ((*rows)[i].pop[g] != floor((*rows)[i].pop[g])) {
				fg_error_set(err, FG_INVALID, "population",
					     "population %g of district \"%s\", year %s, age group %s is not a whole number",
					     (*rows)[i].pop[g],
					     fg_incidence_value_text(inc, FG_DIM_DISTRICT, (*rows)[i].key[FG_DIM_DISTRICT]),
					     fg_incidence_value_text(inc, FG_DIM_YEAR, (*rows)[i].key[FG_DIM_YEAR]),
					     fg_age_group_label(g));
				return FG_INVALID;
			}
	return rc;
}

static fg_rc
write_cell(fg_store *store, fg_stmt *st, const fg_incidence *inc, const struct fg_incidence_row *r,
	   int64_t institution, struct fg_error *err)
{
	const char *district = fg_incidence_value_text(inc, FG_DIM_DISTRICT, r->key[FG_DIM_DISTRICT]);
	const char *year = fg_incidence_value_text(inc, FG_DIM_YEAR, r->key[FG_DIM_YEAR]);
	const char *sex = fg_incidence_value_text(inc, FG_DIM_SEX, r->key[FG_DIM_SEX]);
	fg_rc rc = FG_OK;

	for (int g = 0; rc == FG_OK && g < FG_AGE_GROUPS; g++) {
		bool row;

		fg_stmt_bind_text(st, 1, district);
		fg_stmt_bind_int64(st, 2, institution);
		fg_stmt_bind_int64(st, 3, strtol(year, NULL, 10));
		fg_stmt_bind_text(st, 4, sex);
		fg_stmt_bind_int64(st, 5, g);
		fg_stmt_bind_int64(st, 6, (int64_t)r->pop[g]);
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	if (rc == FG_CONFLICT) {
		fg_error_set(err, FG_CONFLICT, "population",
			     "population of district \"%s\", year %s, sex %s is stored already",
			     district, year, sex);
		fg_error_hint(err, "Import with --replace to replace the stored figures.");
	}
	return rc;
}

fg_rc
fg_population_import(fg_store *store, const char *path, const struct fg_population_import *opts,
		     struct fg_findings *problems, struct fg_population_report *report,
		     struct fg_error *err)
{
	static const char insert[] =
		"INSERT INTO population (district, institution_id, year, sex, age_group, count) "
		"VALUES (?, ?, ?, ?, ?, ?)";
	static const char upsert[] =
		"INSERT INTO population (district, institution_id, year, sex, age_group, count) "
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (district, year, sex, age_group) "
		"DO UPDATE SET count = excluded.count, institution_id = excluded.institution_id";
	struct fg_incidence_row *rows = NULL;
	struct fg_arena arena;
	fg_incidence *inc = NULL;
	int64_t institution = 0;
	size_t nrows = 0;
	fg_stmt *st;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	fg_arena_init(&arena, 0);
	rc = owner(store, opts->institution_id, &institution, err);
	if (rc == FG_OK)
		rc = fg_incidence_new(&inc, err);
	if (rc == FG_OK)
		rc = read_cells(inc, path, problems, &arena, &rows, &nrows, err);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		goto out;
	rc = fg_store_prepare(store, opts->replace ? upsert : insert, &st, err);
	for (size_t i = 0; rc == FG_OK && i < nrows; i++) {
		rc = write_cell(store, st, inc, &rows[i], institution, err);
		for (int g = 0; g < FG_AGE_GROUPS; g++)
			report->persons += (int64_t)rows[i].pop[g];
	}
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	if (rc == FG_OK) {
		report->cells = (int64_t)nrows;
		report->rows = (int64_t)nrows * FG_AGE_GROUPS;
	} else
		report->persons = 0;
out:
	fg_incidence_free(inc);
	fg_arena_free(&arena);
	return rc;
}

/* The stored population, of one year (0: every year) and the districts starting with district. */
static fg_rc
read_store_population(fg_incidence *inc, fg_store *store, int year, const char *district,
		      struct fg_error *err)
{
	char like[16];
	fg_stmt *st;
	bool row = true;
	fg_rc rc = fg_store_prepare(store, "SELECT district, year, sex, age_group, count FROM population"
				    " WHERE (?1 = 0 OR year = ?1) AND district LIKE ?2", &st, err);

	if (rc != FG_OK)
		return rc;
	snprintf(like, sizeof(like), "%.8s%%", district ? district : "");
	fg_stmt_bind_int64(st, 1, year);
	fg_stmt_bind_text(st, 2, like);
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		int key[FG_NDIMS] = {-1, -1, -1, -1};
		char year_text[24];

		snprintf(year_text, sizeof(year_text), "%lld", (long long)fg_stmt_int64(st, 1));
		rc = fg_incidence_value(inc, FG_DIM_DISTRICT, fg_stmt_text(st, 0), &key[FG_DIM_DISTRICT], err);
		if (rc == FG_OK)
			rc = fg_incidence_value(inc, FG_DIM_YEAR, year_text, &key[FG_DIM_YEAR], err);
		if (rc == FG_OK)
			rc = fg_incidence_value(inc, FG_DIM_SEX, fg_stmt_text(st, 2), &key[FG_DIM_SEX], err);
		if (rc == FG_OK)
			rc = fg_incidence_add_population(inc, key, (int)fg_stmt_int64(st, 3),
							 (double)fg_stmt_int64(st, 4), err);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && row == false && !fg_incidence_population_by(inc, FG_DIM_SEX)) {
		if (year != 0)
			fg_error_set(err, FG_NOTFOUND, "population", "the database holds no population of year %d"
				     "%s%s", year, district && *district ? " in district " : "",
				     district ? district : "");
		else
			fg_error_set(err, FG_NOTFOUND, "population", "the database holds no population");
		fg_error_hint(err, "Import the denominators with \"fangai registry population import FILE.csv\".");
		return FG_NOTFOUND;
	}
	return rc;
}

/* Prefix the error of a tumour or a death record (what) with its id. */
static fg_rc
record_error(const char *what, int64_t id, fg_rc rc, struct fg_error *err)
{
	char msg[FG_ERROR_MESSAGE_MAX + 32];

	if (rc == FG_OK || err == NULL)
		return rc;
	snprintf(msg, sizeof(msg), "%s %lld: %s", what, (long long)id, err->message);
	fg_strlcpy(err->message, msg, sizeof(err->message));
	return rc == FG_NOTFOUND ? FG_INVALID : rc;
}

/* Count the case of the current row of a case_sources query. */
static fg_rc
add_case(fg_incidence *inc, fg_stmt *st, const struct fg_site_groups *sites, bool by_site,
	 struct fg_error *err)
{
	const char *icd10 = fg_stmt_text(st, 3), *sex = fg_stmt_text(st, 4);
	int key[FG_NDIMS] = {-1, -1, -1, -1}, slot, y, m, d;
	fg_date incidence, birth;
	char year[8];
	fg_rc rc;

	if (icd10 == NULL)
		return fg_error_set(err, FG_INVALID, "icd10", "has no ICD-10 code");
	slot = fg_icd10_slot(icd10);
	if (slot < 0 || sites->detail[slot] < 0)
		return FG_OK;	/* in situ, benign or not a cancer: not counted */
	if (sex == NULL || (strcmp(sex, "1") != 0 && strcmp(sex, "2") != 0))
		return fg_error_set(err, FG_INVALID, "sex", "sex \"%s\" is neither male nor female",
				    sex ? sex : "");
	if (fg_stmt_text(st, 5) == NULL)
		return fg_error_set(err, FG_INVALID, "birth_date", "has no birth date");
	rc = fg_date_parse(fg_stmt_text(st, 2), "date", &incidence, err);
	if (rc == FG_OK)
		rc = fg_date_parse(fg_stmt_text(st, 5), "birth_date", &birth, err);
	if (rc != FG_OK)
		return rc;
	fg_date_to_ymd(incidence, &y, &m, &d);
	snprintf(year, sizeof(year), "%d", y);
	rc = fg_incidence_value(inc, FG_DIM_DISTRICT, fg_stmt_text(st, 1), &key[FG_DIM_DISTRICT], err);
	if (rc == FG_OK)
		rc = fg_incidence_value(inc, FG_DIM_YEAR, year, &key[FG_DIM_YEAR], err);
	if (rc == FG_OK)
		rc = fg_incidence_value(inc, FG_DIM_SEX, sex, &key[FG_DIM_SEX], err);
	if (rc == FG_OK)
		rc = fg_incidence_add_case_sites(inc, key, by_site ? sites->members[slot] : 0,
				    fg_age_group(fg_date_age(birth, incidence)), 1, err);
	return rc;
}

/*
 * Where the cases come from: a query of id, district, date, ICD-10 code,
 * sex and birth date, with ?1 and ?2 the first day of the year and of the
 * next ("" and "9999" for every year), ?3 a district prefix with "%".
 */
static const struct case_source {
	const char *what;
	const char *sql;
} case_sources[] = {
	[FG_CASES_TUMOURS] = {"tumour",
		"SELECT t.id, t.district, t.incidence_date, t.icd10, p.sex, p.birth_date FROM tumour t"
		" JOIN person p ON p.id = t.person_id WHERE t.incidence_date >= ?1 AND t.incidence_date < ?2"
		" AND t.district LIKE ?3 ORDER BY t.id"},
	[FG_CASES_DEATHS] = {"death record",
		"SELECT d.id, d.district, d.death_date, d.cause_icd10, d.sex, coalesce(d.birth_date, p.birth_date)"
		" FROM death_record d LEFT JOIN person p ON p.id = d.person_id WHERE d.death_date >= ?1"
		" AND d.death_date < ?2 AND d.district LIKE ?3 ORDER BY d.id"},
};

fg_rc
fg_incidence_read_store_cases(fg_incidence *inc, fg_store *store, const struct fg_site_groups *sites,
			      bool by_site, enum fg_case_source source, int year, const char *district,
			      struct fg_error *err)
{
	const struct case_source *src = &case_sources[source];
	char from[24] = "", to[24] = "9999", like[16];
	fg_stmt *st;
	bool row = true;
	fg_rc rc = FG_OK;

	if (year != 0) {
		snprintf(from, sizeof(from), "%04d-01-01", year);
		snprintf(to, sizeof(to), "%04d-01-01", year + 1);
	}
	snprintf(like, sizeof(like), "%.8s%%", district ? district : "");
	if (by_site)
		rc = stats_intern_sites(inc, sites, err);
	if (rc == FG_OK)
		rc = read_store_population(inc, store, year, district, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, src->sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, from);
	fg_stmt_bind_text(st, 2, to);
	fg_stmt_bind_text(st, 3, like);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		rc = record_error(src->what, fg_stmt_int64(st, 0), add_case(inc, st, sites, by_site, err), err);
		if (rc != FG_OK)
			break;
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_incidence_read_store(fg_incidence *inc, fg_store *store, const struct fg_site_groups *sites,
			bool by_site, struct fg_error *err)
{
	return fg_incidence_read_store_cases(inc, store, sites, by_site, FG_CASES_TUMOURS, 0, NULL, err);
}
