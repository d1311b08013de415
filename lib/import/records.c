/*
 * records.c
 *	  The kinds of record an import holds: persons (through the person
 *	  registry) and death records (cause-of-death registration), each with
 *	  its fields, validation and storage.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fangai/identity.h"
#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "import_int.h"

/* ---- persons ---- */

enum { P_KEY, P_INSTITUTION, P_ID_TYPE, P_ID_NUMBER, P_NAME, P_SEX, P_BIRTH, P_PHONE,
       P_ADDRESS, P_DISTRICT };

static const char *const person_fields[] = {
	"source_key", "institution", "id_type", "id_number", "name", "sex", "birth_date",
	"phone", "address", "district", NULL,
};
static const char *const person_required[] = {"name", NULL};

static struct fg_person_input
person_input(const struct import_row *row)
{
	return (struct fg_person_input){
		.institution = row->institution, .id_type = row->value[P_ID_TYPE],
		.id_number = row->value[P_ID_NUMBER], .name = row->value[P_NAME],
		.sex = row->value[P_SEX], .birth_date = row->value[P_BIRTH],
		.phone = row->value[P_PHONE], .address = row->value[P_ADDRESS],
		.district = row->value[P_DISTRICT],
	};
}

static fg_rc
validate_person(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		struct fg_error *err)
{
	struct fg_person_input in = person_input(row);
	struct fg_person p;

	if (import_need_institution(row, err) != FG_OK)
		return FG_INVALID;
	return fg_person_validate(store, &in, &p, err);
}

/* FG_CONFLICT if another person than `id` holds the ID number of p. */
static fg_rc
check_id_free(fg_store *store, const struct fg_person *p, int64_t id, struct fg_error *err)
{
	fg_stmt *st;
	int64_t other = 0;
	bool found = false;
	fg_rc rc;

	if (p->id_number[0] == '\0')
		return FG_OK;
	rc = fg_store_prepare(store, "SELECT id FROM person WHERE id_type = ? AND id_number = ? AND id <> ?",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, p->id_type);
	fg_stmt_bind_text(st, 2, p->id_number);
	fg_stmt_bind_int64(st, 3, id);
	rc = fg_stmt_scalar_int64(st, &other, &found, err);
	if (rc == FG_OK && found) {
		fg_error_set(err, FG_CONFLICT, "id_number", "resident ID number %s is registered to person %lld",
			     p->id_number, (long long)other);
		fg_error_detail(err, "The record imported before as person %lld now carries it.", (long long)id);
		return FG_CONFLICT;
	}
	return rc;
}

static fg_rc
store_person(fg_store *store, void *ctx, const struct import_row *row, int64_t existing, int64_t *target,
	     char *district, int64_t *institution, enum import_outcome *outcome, struct fg_error *err)
{
	struct fg_person_input in = person_input(row);
	struct fg_person p;
	bool matched;
	fg_rc rc;

	if (import_need_institution(row, err) != FG_OK)
		return FG_INVALID;
	if (existing) {
		rc = fg_person_validate(store, &in, &p, err);
		if (rc == FG_OK)
			rc = check_id_free(store, &p, existing, err);
		if (rc == FG_OK)
			rc = fg_person_replace(store, existing, &p, err);
		*target = existing;
		*outcome = OUT_UPDATED;
	} else {
		rc = fg_person_add(store, &in, &p, &matched, NULL, err);
		*target = p.id;
		*outcome = matched ? OUT_MATCHED : OUT_INSERTED;
	}
	fg_strlcpy(district, p.district, 8);
	*institution = p.institution_id;
	return rc;
}

const struct import_kind import_persons = {
	.name = "persons",
	.fields = person_fields,
	.required = person_required,
	.key_field = "id_number",
	.validate = validate_person,
	.store = store_person,
};

/* ---- death records ---- */

enum { D_KEY, D_INSTITUTION, D_ID_NUMBER, D_NAME, D_SEX, D_BIRTH, D_DEATH, D_CAUSE, D_DISTRICT };

static const char *const death_fields[] = {
	"source_key", "institution", "id_number", "name", "sex", "birth_date", "death_date",
	"cause_icd10", "district", NULL,
};
static const char *const death_required[] = {"name", "death_date", "cause_icd10", NULL};

struct death {
	char id_number[FG_RESIDENT_ID_LEN + 1];
	char name[FG_NAME_MAX], name_key[FG_NAME_MAX];
	char sex;
	fg_date birth, death;
	char cause[8];
	char district[7];
	int64_t institution_id;
};

/* ICD-10 code of the underlying cause: a letter, two digits, optionally .digit(s). */
static fg_rc
parse_icd10(const char *text, char *out, size_t outsz, struct fg_error *err)
{
	size_t n = strlen(text);
	bool ok = n >= 3 && isupper((unsigned char)text[0]) && isdigit((unsigned char)text[1]) &&
		  isdigit((unsigned char)text[2]) && (n == 3 || (text[3] == '.' && n >= 5 && n <= 6));

	for (size_t i = 4; ok && i < n; i++)
		ok = isdigit((unsigned char)text[i]) || (text[i] == 'X' && i == n - 1);
	if (!ok) {
		fg_error_set(err, FG_INVALID, "cause_icd10", "invalid ICD-10 code \"%s\"", text);
		fg_error_hint(err, "Give the underlying cause as an ICD-10 code such as C34.1 or I21.");
		return FG_INVALID;
	}
	fg_strlcpy(out, text, outsz);
	return FG_OK;
}

static fg_rc
death_dates(const struct import_row *row, struct death *d, struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX];

	if (fg_date_parse(row->value[D_DEATH], "death_date", &d->death, err) != FG_OK)
		return FG_INVALID;
	if (d->death > fg_date_today())
		return fg_error_set(err, FG_INVALID, "death_date", "death date %s is in the future",
				    fg_date_format(d->death, a));
	d->birth = FG_DATE_NONE;
	if (*row->value[D_BIRTH] == '\0')
		return FG_OK;
	if (fg_date_parse(row->value[D_BIRTH], "birth_date", &d->birth, err) != FG_OK)
		return FG_INVALID;
	if (d->birth > d->death)
		return fg_error_set(err, FG_INVALID, "birth_date", "birth date %s is after the death date",
				    fg_date_format(d->birth, a));
	return FG_OK;
}

static fg_rc
death_identity(const struct import_row *row, struct death *d, struct fg_error *err)
{
	struct fg_resident_id rid;

	d->id_number[0] = '\0';
	if (*row->value[D_ID_NUMBER] != '\0') {
		if (fg_resident_id_parse(row->value[D_ID_NUMBER], fg_date_today(), &rid, err) != FG_OK)
			return FG_INVALID;
		fg_strlcpy(d->id_number, rid.number, sizeof(d->id_number));
	}
	if (fg_name_normalise(row->value[D_NAME], "name", d->name, sizeof(d->name), err) != FG_OK)
		return FG_INVALID;
	if (fg_name_key(d->name, d->name_key, sizeof(d->name_key), err) != FG_OK)
		return err->code;
	if (*row->value[D_SEX] == '\0')
		return fg_error_set(err, FG_INVALID, "sex", "sex is missing");
	return fg_sex_parse(row->value[D_SEX], &d->sex, err);
}

static fg_rc
check_death(fg_store *store, const struct import_row *row, struct death *d, struct fg_error *err)
{
	struct fg_institution inst;
	fg_rc rc;

	if (import_need_institution(row, err) != FG_OK || death_identity(row, d, err) != FG_OK ||
	    death_dates(row, d, err) != FG_OK ||
	    parse_icd10(row->value[D_CAUSE], d->cause, sizeof(d->cause), err) != FG_OK)
		return err->code ? err->code : FG_INVALID;
	rc = fg_institution_find(store, row->institution, "institution", &inst, err);
	if (rc != FG_OK)
		return rc == FG_NOTFOUND ? FG_INVALID : rc;
	d->institution_id = inst.id;
	if (*row->value[D_DISTRICT] == '\0') {
		fg_strlcpy(d->district, inst.district, sizeof(d->district));
		return FG_OK;
	}
	if (fg_district_check(row->value[D_DISTRICT], "district", err) != FG_OK)
		return FG_INVALID;
	fg_strlcpy(d->district, row->value[D_DISTRICT], sizeof(d->district));
	return FG_OK;
}

static fg_rc
validate_death(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
	       struct fg_error *err)
{
	struct death d;

	return check_death(store, row, &d, err);
}

static fg_rc
store_death(fg_store *store, void *ctx, const struct import_row *row, int64_t existing, int64_t *target,
	    char *district, int64_t *institution, enum import_outcome *outcome, struct fg_error *err)
{
	char birth[FG_DATE_TEXT_MAX], death[FG_DATE_TEXT_MAX];
	struct death d;
	fg_stmt *st;
	fg_rc rc;

	rc = check_death(store, row, &d, err);
	if (rc != FG_OK)
		return rc;
	/* The person is linked at once when the ID number is registered. */
	rc = fg_store_prepare(store, existing
			      ? "UPDATE death_record SET district = ?1, institution_id = ?2, id_number = ?3,"
				" name = ?4, name_key = ?5, sex = ?6, birth_date = ?7, death_date = ?8,"
				" cause_icd10 = ?9, source = ?10, person_id = coalesce(person_id,"
				" (SELECT id FROM person WHERE id_type = '01' AND id_number = ?3))"
				" WHERE id = ?11 RETURNING id"
			      : "INSERT INTO death_record (district, institution_id, id_number, name, name_key,"
				" sex, birth_date, death_date, cause_icd10, source, person_id) VALUES (?1, ?2,"
				" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT id FROM person WHERE id_type = '01'"
				" AND id_number = ?3)) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, d.district);
	fg_stmt_bind_int64(st, 2, d.institution_id);
	fg_stmt_bind_text(st, 3, d.id_number[0] ? d.id_number : NULL);
	fg_stmt_bind_text(st, 4, d.name);
	fg_stmt_bind_text(st, 5, d.name_key);
	fg_stmt_bind_text(st, 6, (char[]){d.sex, '\0'});
	fg_stmt_bind_text(st, 7, d.birth == FG_DATE_NONE ? NULL : fg_date_format(d.birth, birth));
	fg_stmt_bind_text(st, 8, fg_date_format(d.death, death));
	fg_stmt_bind_text(st, 9, d.cause);
	fg_stmt_bind_text(st, 10, "import");
	if (existing)
		fg_stmt_bind_int64(st, 11, existing);
	rc = fg_stmt_scalar_int64(st, target, NULL, err);
	fg_strlcpy(district, d.district, 8);
	*institution = d.institution_id;
	*outcome = existing ? OUT_UPDATED : OUT_INSERTED;
	return rc;
}

const struct import_kind import_deaths = {
	.name = "deaths",
	.fields = death_fields,
	.required = death_required,
	.key_field = "id_number",
	.validate = validate_death,
	.store = store_death,
};
