/*
 * death.c
 *	  Death records of the cancer registry: validation and storage (one
 *	  record or a CSV file, all or nothing), linkage to persons, vital
 *	  status, and death-certificate-only tumours for the cancer deaths no
 *	  registered tumour explains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/death.h"
#include "fangai/followup.h"
#include "fangai/identity.h"
#include "fangai/institution.h"
#include "fangai/linkage.h"
#include "fangai/name.h"
#include "fangai/person.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "registry_int.h"

static bool
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* A validated death record, ready to insert. */
struct death_row {
	int64_t institution_id;
	char district[7];
	char id_number[FG_RESIDENT_ID_LEN + 1];
	char name[FG_NAME_MAX], name_key[FG_NAME_MAX];
	char sex;
	fg_date birth, death;
	char cause[FG_ICD10_MAX];
	const char *source;
};

static fg_rc
check_district(const char *text, char *out, struct fg_error *err)
{
	if (strlen(text) != 6 || strspn(text, "0123456789") != 6)
		return fg_error_set(err, FG_INVALID, "district", "invalid district code \"%s\"", text);
	fg_strlcpy(out, text, 7);
	return FG_OK;
}

static fg_rc
check_identity(const struct fg_death_input *in, fg_date today, struct death_row *r, struct fg_error *err)
{
	struct fg_resident_id rid;
	fg_rc rc;

	if ((rc = fg_name_normalise(in->name ? in->name : "", "name", r->name, sizeof(r->name), err)) ||
	    (rc = fg_name_key(r->name, r->name_key, sizeof(r->name_key), err)) ||
	    (rc = fg_sex_parse(in->sex ? in->sex : "", &r->sex, err)))
		return rc;
	r->birth = FG_DATE_NONE;
	if (given(in->birth_date) && (rc = fg_date_parse(in->birth_date, "birth_date", &r->birth, err)) != FG_OK)
		return rc;
	if (!given(in->id_number))
		return FG_OK;
	if ((rc = fg_resident_id_parse(in->id_number, today, &rid, err)) != FG_OK)
		return rc;
	fg_strlcpy(r->id_number, rid.number, sizeof(r->id_number));
	if (r->birth == FG_DATE_NONE)
		r->birth = rid.birth_date;
	return FG_OK;
}

static fg_rc
check_death(const struct fg_death_input *in, fg_date today, struct death_row *r, struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX];
	fg_rc rc;

	if (!given(in->death_date))
		return fg_error_set(err, FG_INVALID, "death_date", "date of death is missing");
	if ((rc = fg_date_parse(in->death_date, "death_date", &r->death, err)) != FG_OK)
		return rc;
	if (r->death > today)
		return fg_error_set(err, FG_INVALID, "death_date", "date of death %s is in the future",
				    fg_date_format(r->death, day));
	if (r->birth != FG_DATE_NONE && r->death < r->birth)
		return fg_error_set(err, FG_INVALID, "death_date", "date of death %s is before the birth date",
				    fg_date_format(r->death, day));
	if (!given(in->cause_icd10))
		return fg_error_set(err, FG_INVALID, "cause_icd10", "cause of death is missing");
	if ((rc = fg_icd10_check(in->cause_icd10, "cause_icd10", err)) != FG_OK)
		return rc;
	fg_strlcpy(r->cause, in->cause_icd10, sizeof(r->cause));
	return FG_OK;
}

static fg_rc
validate(fg_store *store, const struct fg_death_input *in, fg_date today, struct death_row *r,
	 struct fg_error *err)
{
	struct fg_institution inst;
	fg_rc rc;

	memset(r, 0, sizeof(*r));
	if (!given(in->institution))
		return fg_error_set(err, FG_INVALID, "institution", "reporting institution is missing");
	if ((rc = fg_institution_find(store, in->institution, "institution", &inst, err)) != FG_OK)
		return rc;
	r->institution_id = inst.id;
	if ((rc = check_district(given(in->district) ? in->district : inst.district, r->district, err)) ||
	    (rc = check_identity(in, today, r, err)) || (rc = check_death(in, today, r, err)))
		return rc;
	r->source = given(in->source) ? in->source : NULL;
	return FG_OK;
}

static fg_rc
insert(fg_store *store, const struct death_row *r, int64_t *id, struct fg_error *err)
{
	char birth[FG_DATE_TEXT_MAX], death[FG_DATE_TEXT_MAX];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "INSERT INTO death_record (district, institution_id, id_number, name, name_key,"
			      " sex, birth_date, death_date, cause_icd10, source)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, r->district);
	fg_stmt_bind_int64(st, 2, r->institution_id);
	reg_bind_text_or_null(st, 3, r->id_number);
	fg_stmt_bind_text(st, 4, r->name);
	fg_stmt_bind_text(st, 5, r->name_key);
	fg_stmt_bind_text(st, 6, (char[]){r->sex, '\0'});
	reg_bind_text_or_null(st, 7, r->birth != FG_DATE_NONE ? fg_date_format(r->birth, birth) : NULL);
	fg_stmt_bind_text(st, 8, fg_date_format(r->death, death));
	fg_stmt_bind_text(st, 9, r->cause);
	reg_bind_text_or_null(st, 10, r->source);
	return fg_stmt_scalar_int64(st, id, NULL, err);
}

fg_rc
fg_death_add(fg_store *store, const struct fg_death_input *in, fg_date today, int64_t *id,
	     struct fg_error *err)
{
	struct death_row r;
	int64_t new_id = 0;
	fg_rc rc = validate(store, in, today, &r, err);

	if (rc == FG_OK)
		rc = insert(store, &r, &new_id, err);
	if (id)
		*id = new_id;
	return rc;
}

/* ---- CSV import ---- */

enum { C_INSTITUTION, C_DISTRICT, C_ID, C_NAME, C_SEX, C_BIRTH, C_DEATH, C_CAUSE, C_SOURCE, NCOLS };

/* Accepted header names per column, first the project's own (CanReg5 and common variants after). */
static const char *const column_names[NCOLS][5] = {
	[C_INSTITUTION] = {"institution", "Institution", NULL},
	[C_DISTRICT] = {"district", "District", "AddressCode", NULL},
	[C_ID] = {"id_number", "IDNumber", "IdNumber", "NationalID", NULL},
	[C_NAME] = {"name", "Name", "PatientName", NULL},
	[C_SEX] = {"sex", "Sex", NULL},
	[C_BIRTH] = {"birth_date", "BirthDate", "DateOfBirth", NULL},
	[C_DEATH] = {"death_date", "DateOfDeath", "DeathDate", NULL},
	[C_CAUSE] = {"cause", "cause_icd10", "CauseOfDeath", "ICD10", NULL},
	[C_SOURCE] = {"source", "certificate", "CertificateNumber", NULL},
};

static int
find_column(const fg_csv *csv, const char *const *names)
{
	for (; *names; names++) {
		int c = fg_csv_column(csv, *names);

		if (c >= 0)
			return c;
	}
	return -1;
}

static const char *
cell(const fg_csv *csv, const int *col, int which)
{
	return col[which] < 0 ? NULL : fg_csv_field(csv, (size_t)col[which]);
}

static fg_rc
import_rows(fg_store *store, fg_csv *csv, const int *col, const char *institution, fg_date today,
	    int64_t *records, struct fg_error *err)
{
	bool row;
	fg_rc rc;

	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		struct fg_death_input in = {
			.institution = given(cell(csv, col, C_INSTITUTION)) ? cell(csv, col, C_INSTITUTION) : institution,
			.district = cell(csv, col, C_DISTRICT), .id_number = cell(csv, col, C_ID),
			.name = cell(csv, col, C_NAME), .sex = cell(csv, col, C_SEX),
			.birth_date = cell(csv, col, C_BIRTH), .death_date = cell(csv, col, C_DEATH),
			.cause_icd10 = cell(csv, col, C_CAUSE), .source = cell(csv, col, C_SOURCE),
		};

		if ((rc = fg_death_add(store, &in, today, NULL, err)) != FG_OK) {
			fg_error_detail(err, "The record is on line %ld; nothing was imported.", fg_csv_line(csv));
			return rc;
		}
		(*records)++;
	}
	return rc;
}

fg_rc
fg_death_import(fg_store *store, const char *path, const char *institution, fg_date today,
		int64_t *records, struct fg_error *err)
{
	static const int required[] = {C_NAME, C_SEX, C_DEATH, C_CAUSE};
	struct fg_csv_options opts = {.header = true};
	int col[NCOLS];
	fg_csv *csv = NULL;
	fg_rc rc;

	*records = 0;
	if ((rc = fg_csv_open(path, &opts, &csv, err)) != FG_OK)
		return rc;
	for (int c = 0; c < NCOLS; c++)
		col[c] = find_column(csv, column_names[c]);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (col[required[i]] < 0) {
			rc = fg_error_set(err, FG_INVALID, column_names[required[i]][0],
					  "death-record file \"%s\" has no column \"%s\"", path,
					  column_names[required[i]][0]);
			goto out;
		}
	if ((rc = fg_store_begin(store, err)) != FG_OK)
		goto out;
	rc = import_rows(store, csv, col, institution, today, records, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	if (rc != FG_OK)
		*records = 0;
out:
	fg_csv_close(csv);
	return rc;
}

/* ---- linkage and vital status ---- */

static fg_rc
count(fg_store *store, const char *sql, int64_t *n, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, sql, &st, err);

	return rc == FG_OK ? fg_stmt_scalar_int64(st, n, NULL, err) : rc;
}

static fg_rc
exec(fg_store *store, const char *sql, const char *text, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, sql, &st, err);

	if (rc != FG_OK)
		return rc;
	if (text)
		fg_stmt_bind_text(st, 1, text);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

#define UNLINKED "SELECT count(*) FROM death_record WHERE person_id IS NULL"

/* Link by resident ID number: the one active person holding it. */
static fg_rc
link_by_id_number(fg_store *store, struct fg_death_report *rep, struct fg_error *err)
{
	int64_t left = 0;
	fg_rc rc;

	if ((rc = count(store, UNLINKED, &rep->unlinked, err)) != FG_OK)
		return rc;
	rc = exec(store, "UPDATE death_record SET person_id = (SELECT p.id FROM person p"
		  " WHERE p.id_number = death_record.id_number AND p.merged_into IS NULL)"
		  " WHERE person_id IS NULL AND id_number IS NOT NULL", NULL, err);
	if (rc == FG_OK)
		rc = count(store, UNLINKED, &left, err);
	rep->linked_id = rep->unlinked - left;
	return rc;
}

static fg_rc
link_probabilistic(fg_store *store, struct fg_death_report *rep, struct fg_error *err)
{
	struct fg_link_death_report lr;
	struct fg_link_spec spec;
	int64_t left = 0;
	fg_rc rc;

	if ((rc = count(store, UNLINKED, &left, err)) != FG_OK || left == 0)
		return rc;
	fg_link_spec_default(&spec);
	if ((rc = fg_link_registry_deaths(store, &spec, 1, NULL, NULL, &lr, err)) != FG_OK)
		return rc;
	rep->linked_prob = lr.linked;
	rep->review = lr.review;
	return FG_OK;
}

/* Persons with a linked death record recorded dead: by follow-up first, then directly. */
static fg_rc
record_dead(fg_store *store, fg_date today, struct fg_death_report *rep, struct fg_error *err)
{
	char now[32];
	int64_t via_followup = 0, before = 0, after = 0;
	fg_rc rc;

	if ((rc = count(store, "SELECT count(*) FROM person WHERE vital_status = 'dead'", &before, err)) ||
	    (rc = fg_followup_link_deaths(store, today, &via_followup, err)))
		return rc;
	rc = exec(store, "UPDATE person SET vital_status = 'dead', updated_at = ?1, version = version + 1,"
		  " death_date = (SELECT min(d.death_date) FROM death_record d WHERE d.person_id = person.id)"
		  " WHERE vital_status <> 'dead' AND id IN (SELECT person_id FROM death_record"
		  " WHERE person_id IS NOT NULL)", fg_utc_now(now), err);
	if (rc == FG_OK)
		rc = count(store, "SELECT count(*) FROM person WHERE vital_status = 'dead'", &after, err);
	rep->persons_dead = after - before;
	return rc;
}

/* ---- DCO tumours ---- */

struct dco_case {
	int64_t death_id, person_id, institution_id;
	char death_date[FG_DATE_TEXT_MAX], cause[FG_ICD10_MAX];
};

struct dco_map {
	char from[4], to[4], topography[8], morphology[8];
};

struct dco_rules {
	struct dco_map rows[32];
	size_t n;
};

static fg_rc
dco_rule_row(void *ud, const char *const *cells, long line, struct fg_error *err)
{
	struct dco_rules *r = ud;
	struct dco_map *m;

	if (r->n == sizeof(r->rows) / sizeof(r->rows[0]))
		return fg_error_set(err, FG_INVALID, NULL, "too many rows in registry/dco-icd10.csv");
	m = &r->rows[r->n++];
	if (!fg_strlcpy(m->from, cells[0], sizeof(m->from)) || !fg_strlcpy(m->to, cells[1], sizeof(m->to)) ||
	    !fg_strlcpy(m->topography, cells[2], sizeof(m->topography)) ||
	    !fg_strlcpy(m->morphology, cells[3], sizeof(m->morphology)))
		return fg_error_set(err, FG_INVALID, NULL, "value too long in registry/dco-icd10.csv line %ld", line);
	return FG_OK;
}

/*
 * The ICD-O-3 topography and morphology of a DCO tumour from the cause of
 * death; false when no rule covers it (not a malignant neoplasm, C97).
 */
static bool
dco_codes(const fg_registry *reg, const struct dco_rules *rules, const char *cause, char *topo, size_t topo_sz,
	  const char **morph)
{
	char three[4] = {cause[0], cause[1], cause[2], '\0'};

	for (size_t i = 0; i < rules->n; i++) {
		const struct dco_map *m = &rules->rows[i];

		if (strcmp(three, m->from) < 0 || strcmp(three, m->to) > 0)
			continue;
		*morph = m->morphology;
		if (strcmp(m->topography, "*") != 0)
			return fg_strlcpy(topo, m->topography, topo_sz);
		snprintf(topo, topo_sz, "%s.9", three);
		if (fg_registry_topography_label(reg, fg_topography_parse(topo)) == NULL)
			snprintf(topo, topo_sz, "%s.0", three);
		return true;
	}
	return false;
}

static fg_rc
untraced_cases(fg_store *store, struct dco_case **out, size_t *n, struct fg_error *err)
{
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*out = NULL;
	*n = 0;
	rc = fg_store_prepare(store, "SELECT d.id, d.person_id, d.institution_id, d.death_date, d.cause_icd10"
			      " FROM death_record d WHERE d.person_id IS NOT NULL AND d.cause_icd10 LIKE 'C%'"
			      " AND NOT EXISTS (SELECT 1 FROM tumour t WHERE t.person_id = d.person_id"
			      "   AND (substr(t.icd10, 1, 3) = substr(d.cause_icd10, 1, 3)"
			      "        OR t.source = 'death_record:' || d.id))"
			      " ORDER BY d.id", &st, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct dco_case *c;

		if (*n == cap) {
			struct dco_case *t = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof(*t));

			if (t == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading death records");
				break;
			}
			*out = t;
		}
		c = &(*out)[(*n)++];
		c->death_id = fg_stmt_int64(st, 0);
		c->person_id = fg_stmt_int64(st, 1);
		c->institution_id = fg_stmt_int64(st, 2);
		fg_strlcpy(c->death_date, fg_stmt_text(st, 3), sizeof(c->death_date));
		fg_strlcpy(c->cause, fg_stmt_text(st, 4), sizeof(c->cause));
	}
	fg_stmt_reset(st);
	return rc;
}

/* One DCO tumour; a refusal by the checks or the multiple-primary rule is counted, not fatal. */
static fg_rc
add_dco(fg_store *store, const fg_registry *reg, const struct dco_rules *rules, const struct dco_case *c,
	struct fg_death_report *rep, struct fg_error *err)
{
	char person[24], institution[24], source[40], topo[8];
	const char *morph = NULL;
	struct fg_tumour t;
	fg_rc rc;

	if (!dco_codes(reg, rules, c->cause, topo, sizeof(topo), &morph))
		return FG_OK;
	rep->cancer_deaths++;
	snprintf(person, sizeof(person), "%lld", (long long)c->person_id);
	snprintf(institution, sizeof(institution), "%lld", (long long)c->institution_id);
	snprintf(source, sizeof(source), "death_record:%lld", (long long)c->death_id);
	rc = fg_tumour_add(store, reg, &(struct fg_tumour_input){
		.person = person, .institution = institution, .incidence_date = c->death_date,
		.topography = topo, .morphology = morph, .basis = "0", .source = source}, &t, NULL, err);
	if (rc == FG_OK)
		rep->dco++;
	else if (rc == FG_INVALID || rc == FG_CONFLICT)
		rep->dco_refused += rc == FG_INVALID;
	return rc == FG_INVALID || rc == FG_CONFLICT ? FG_OK : rc;
}

static fg_rc
make_dco(fg_store *store, const fg_registry *reg, struct fg_death_report *rep, struct fg_error *err)
{
	static const char *const cols[] = {"from", "to", "topography", "morphology"};
	struct dco_rules rules = {.n = 0};
	struct dco_case *cases = NULL;
	size_t n = 0;
	fg_rc rc = reg_read(reg->datadir, "registry/dco-icd10.csv", cols, 4, dco_rule_row, &rules, err);

	if (rc == FG_OK)
		rc = untraced_cases(store, &cases, &n, err);
	for (size_t i = 0; rc == FG_OK && i < n; i++)
		rc = add_dco(store, reg, &rules, &cases[i], rep, err);
	free(cases);
	return rc;
}

/* Run step in a transaction of its own: committed if it succeeds, rolled back if not. */
static fg_rc
in_transaction(fg_store *store, const fg_registry *reg, fg_date today, struct fg_death_report *rep,
	       fg_rc (*step)(fg_store *, const fg_registry *, fg_date, struct fg_death_report *, struct fg_error *),
	       struct fg_error *err)
{
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = step(store, reg, today, rep, err);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

static fg_rc
step_link_id(fg_store *store, const fg_registry *reg, fg_date today, struct fg_death_report *rep,
	     struct fg_error *err)
{
	return link_by_id_number(store, rep, err);
}

/* Vital status, then DCO tumours: one transaction, so that a large batch commits once. */
static fg_rc
step_dead_and_dco(fg_store *store, const fg_registry *reg, fg_date today, struct fg_death_report *rep,
		  struct fg_error *err)
{
	fg_rc rc = record_dead(store, today, rep, err);

	return rc == FG_OK ? make_dco(store, reg, rep, err) : rc;
}

fg_rc
fg_death_process(fg_store *store, const fg_registry *reg, fg_date today, struct fg_death_report *report,
		 struct fg_error *err)
{
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	rc = in_transaction(store, reg, today, report, step_link_id, err);
	if (rc == FG_OK)
		rc = link_probabilistic(store, report, err);
	if (rc == FG_OK)
		rc = in_transaction(store, reg, today, report, step_dead_and_dco, err);
	return rc;
}
