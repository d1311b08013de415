/*
 * summary.c
 *	  The database summary behind `fangai stats summary` and the demo.
 */
#include <string.h>

#include "fangai/summary.h"
#include "fangai/util.h"

/* Registers counted in the summary, in display order. */
static const struct {
	const char *name;
	const char *sql;
} registers[] = {
	{"screening episodes", "SELECT count(*) FROM screening_episode"},
	{"screening exams", "SELECT count(*) FROM screening_exam"},
	{"tumours", "SELECT count(*) FROM tumour"},
	{"treatments", "SELECT count(*) FROM treatment"},
	{"referrals", "SELECT count(*) FROM referral"},
	{"consultations", "SELECT count(*) FROM consultation"},
	{"appointments", "SELECT count(*) FROM appointment"},
	{"follow-ups", "SELECT count(*) FROM followup"},
	{"death records", "SELECT count(*) FROM death_record"},
	{"users", "SELECT count(*) FROM app_user"},
};

int
fg_age_group(int age)
{
	if (age < 1)
		return 0;
	if (age >= 85)
		return 18;
	return age / 5 + 1;
}

const char *
fg_age_group_label(int g)
{
	static const char *const labels[FG_AGE_GROUPS] = {
		"0", "1-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
		"45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+",
	};

	return g >= 0 && g < FG_AGE_GROUPS ? labels[g] : "?";
}

static fg_rc
count(fg_store *store, const char *sql, int64_t *out, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, sql, &st, err);

	*out = 0;
	return rc == FG_OK ? fg_stmt_scalar_int64(st, out, NULL, err) : rc;
}

static fg_rc
count_institutions(fg_store *store, struct fg_summary *out, struct fg_error *err)
{
	fg_rc rc;

	rc = count(store, "SELECT count(*) FROM institution WHERE kind = 'cancer_centre'",
		   &out->cancer_centres, err);
	if (rc == FG_OK)
		rc = count(store, "SELECT count(*) FROM institution WHERE kind = 'hospital'",
			   &out->hospitals, err);
	if (rc == FG_OK)
		rc = count(store, "SELECT count(*) FROM institution WHERE kind = 'community'",
			   &out->community_centres, err);
	return rc;
}

/* Persons by sex and birth date, folded into age groups at as_of. */
static fg_rc
count_ages(fg_store *store, struct fg_summary *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	rc = fg_store_prepare(store,
			      "SELECT sex, birth_date, count(*), sum(CASE WHEN vital_status = 'dead' THEN 1 ELSE 0 END)"
			      " FROM person WHERE merged_into IS NULL GROUP BY sex, birth_date",
			      &st, err);
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		const char *sex = fg_stmt_text(st, 0);
		int64_t n = fg_stmt_int64(st, 2);
		fg_date birth;

		out->persons += n;
		out->dead += fg_stmt_int64(st, 3);
		if (sex[0] != '1' && sex[0] != '2')
			continue;
		if (sex[0] == '1')
			out->male += n;
		else
			out->female += n;
		if (fg_date_parse(fg_stmt_text(st, 1), "birth_date", &birth, NULL) == FG_OK &&
		    birth <= out->as_of)
			out->by_age[sex[0] - '1'][fg_age_group(fg_date_age(birth, out->as_of))] += n;
	}
	if (st != NULL)
		fg_stmt_reset(st);
	return rc;
}

static fg_rc
count_districts(fg_store *store, struct fg_arena *arena, struct fg_summary *out,
		struct fg_error *err)
{
	size_t cap = 64;
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	out->districts = fg_arena_alloc(arena, cap * sizeof(*out->districts));
	if (out->districts == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory summarising districts");
	rc = fg_store_prepare(store,
			      "SELECT district, count(*), sum(CASE WHEN sex = '1' THEN 1 ELSE 0 END),"
			      " sum(CASE WHEN sex = '2' THEN 1 ELSE 0 END) FROM person"
			      " WHERE merged_into IS NULL GROUP BY district ORDER BY district",
			      &st, err);
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_summary_district *d;

		if (out->ndistricts == cap) {
			struct fg_summary_district *more = fg_arena_alloc(arena, 2 * cap * sizeof(*more));

			if (more == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory summarising districts");
				break;
			}
			memcpy(more, out->districts, cap * sizeof(*more));
			out->districts = more;
			cap *= 2;
		}
		d = &out->districts[out->ndistricts++];
		fg_strlcpy(d->code, fg_stmt_text(st, 0), sizeof(d->code));
		d->persons = fg_stmt_int64(st, 1);
		d->male = fg_stmt_int64(st, 2);
		d->female = fg_stmt_int64(st, 3);
	}
	if (st != NULL)
		fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_summary_build(fg_store *store, fg_date as_of, struct fg_arena *arena,
		 struct fg_summary *out, struct fg_error *err)
{
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->as_of = as_of;
	rc = fg_store_schema_version(store, &out->schema_version, err);
	if (rc == FG_OK)
		rc = count_institutions(store, out, err);
	if (rc == FG_OK)
		rc = count_ages(store, out, err);
	if (rc == FG_OK)
		rc = count_districts(store, arena, out, err);
	for (size_t i = 0; rc == FG_OK && i < sizeof(registers) / sizeof(registers[0]); i++) {
		out->registers[i].name = registers[i].name;
		rc = count(store, registers[i].sql, &out->registers[i].rows, err);
		out->nregisters = i + 1;
	}
	return rc;
}
