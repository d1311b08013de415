/*
 * person.c
 *	  The master person index: validation, deterministic matching on the
 *	  resident ID number, storage and search.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fangai/identity.h"
#include "fangai/institution.h"
#include "fangai/nettime.h"
#include "fangai/person.h"
#include "fangai/util.h"

#define PERSON_COLUMNS \
	"id, district, institution_id, id_type, coalesce(id_number, ''), name, name_key," \
	" sex, birth_date, coalesce(phone, ''), coalesce(address, ''), vital_status," \
	" death_date, version"

#define MAX_AGE 130
#define MAX_MERGE_HOPS 64	/* a person merged into one later merged again... */

static const struct {
	const char *text;
	char code;
} sex_words[] = {
	{"1", '1'}, {"m", '1'}, {"male", '1'}, {"男", '1'},
	{"2", '2'}, {"f", '2'}, {"female", '2'}, {"女", '2'},
	{"0", '0'}, {"unknown", '0'}, {"未知", '0'},
	{"9", '9'}, {"unspecified", '9'}, {"未说明", '9'},
};

fg_rc
fg_sex_parse(const char *text, char *out, struct fg_error *err)
{
	for (size_t i = 0; text != NULL && i < sizeof(sex_words) / sizeof(sex_words[0]); i++) {
		if (strcasecmp(text, sex_words[i].text) == 0) {
			*out = sex_words[i].code;
			return FG_OK;
		}
	}
	fg_error_set(err, FG_INVALID, "sex", "invalid sex \"%s\"", text ? text : "");
	fg_error_hint(err, "Use 1 or M for male, 2 or F for female (GB/T 2261.1), 0 for unknown, 9 for unspecified.");
	return FG_INVALID;
}

fg_rc
fg_phone_normalise(const char *text, char *out, size_t outsz,
		   struct fg_error *err)
{
	char digits[32];
	size_t n = 0;
	const char *p = text;
	const char *d;

	for (; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '(' || *p == ')' || (*p == '+' && p == text))
			continue;
		if (!isdigit((unsigned char)*p) || n + 1 >= sizeof(digits))
			goto invalid;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	d = digits;
	if (n > 11 && memcmp(d, "0086", 4) == 0)
		d += 4;
	else if (n == 13 && memcmp(d, "86", 2) == 0)
		d += 2;
	n = strlen(d);
	if (n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9') {
		fg_strlcpy(out, d, outsz);
		return FG_OK;
	}
	if (d[0] == '0' && n >= 10 && n <= 12) {
		fg_strlcpy(out, d, outsz);
		return FG_OK;
	}
invalid:
	fg_error_set(err, FG_INVALID, "phone", "invalid phone number \"%s\"", text);
	fg_error_hint(err, "Give an 11-digit mobile number or a landline number with its area code.");
	return FG_INVALID;
}

static fg_rc
validate_identity(const struct fg_person_input *in, fg_date today,
		  struct fg_person *out, struct fg_resident_id *rid,
		  bool *have_rid, struct fg_error *err)
{
	const char *type = in->id_type && *in->id_type ? in->id_type : FG_ID_TYPE_RESIDENT;

	*have_rid = false;
	if (!fg_is_digits(type, 2)) {
		fg_error_set(err, FG_INVALID, "id_type", "invalid identity document type \"%s\"", type);
		fg_error_hint(err, "Use a two-digit WS 364 code, 01 for the resident identity card.");
		return FG_INVALID;
	}
	fg_strlcpy(out->id_type, type, sizeof(out->id_type));
	if (in->id_number == NULL || *in->id_number == '\0')
		return FG_OK;
	if (strcmp(type, FG_ID_TYPE_RESIDENT) != 0) {
		if (!fg_strlcpy(out->id_number, in->id_number, sizeof(out->id_number)))
			return fg_error_set(err, FG_INVALID, "id_number",
					    "identity document number is too long: \"%s\"", in->id_number);
		return FG_OK;
	}
	if (fg_resident_id_parse(in->id_number, today, rid, err) != FG_OK)
		return FG_INVALID;
	fg_strlcpy(out->id_number, rid->number, sizeof(out->id_number));
	*have_rid = true;
	return FG_OK;
}

static fg_rc
validate_sex_and_birth(const struct fg_person_input *in, fg_date today,
		       const struct fg_resident_id *rid, bool have_rid,
		       struct fg_person *out, struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX];

	if (in->sex != NULL && *in->sex != '\0') {
		if (fg_sex_parse(in->sex, &out->sex, err) != FG_OK)
			return FG_INVALID;
		if (have_rid && out->sex != rid->sex && (out->sex == '1' || out->sex == '2')) {
			fg_error_set(err, FG_INVALID, "sex", "sex \"%s\" does not match resident ID number %s",
				     in->sex, rid->number);
			fg_error_detail(err, "The 17th digit of the number gives %s.",
					rid->sex == '1' ? "male" : "female");
			return FG_INVALID;
		}
	} else if (have_rid)
		out->sex = rid->sex;
	else
		return fg_error_set(err, FG_INVALID, "sex", "sex is missing");

	if (in->birth_date != NULL && *in->birth_date != '\0') {
		if (fg_date_parse(in->birth_date, "birth_date", &out->birth_date, err) != FG_OK)
			return FG_INVALID;
		if (have_rid && out->birth_date != rid->birth_date) {
			fg_error_set(err, FG_INVALID, "birth_date",
				     "birth date %s does not match resident ID number %s",
				     in->birth_date, rid->number);
			fg_error_detail(err, "The number gives %s.", fg_date_format(rid->birth_date, a));
			return FG_INVALID;
		}
	} else if (have_rid)
		out->birth_date = rid->birth_date;
	else
		return fg_error_set(err, FG_INVALID, "birth_date", "birth date is missing");

	if (out->birth_date > today) {
		return fg_error_set(err, FG_INVALID, "birth_date", "birth date %s is in the future",
				    fg_date_format(out->birth_date, a));
	}
	if (fg_date_age(out->birth_date, today) > MAX_AGE) {
		fg_error_set(err, FG_INVALID, "birth_date", "birth date %s is implausible",
			     fg_date_format(out->birth_date, a));
		fg_error_detail(err, "The person would be older than %d years.", MAX_AGE);
		return FG_INVALID;
	}
	return FG_OK;
}

static fg_rc
validate_contact(const struct fg_person_input *in, struct fg_person *out, struct fg_error *err)
{
	if (in->phone != NULL && *in->phone != '\0' &&
	    fg_phone_normalise(in->phone, out->phone, sizeof(out->phone), err) != FG_OK)
		return FG_INVALID;
	if (in->address != NULL && *in->address != '\0' &&
	    fg_name_normalise(in->address, "address", out->address, sizeof(out->address), err) != FG_OK)
		return FG_INVALID;
	return FG_OK;
}

/* The fields of a person that need no database, checked into *out. */
static fg_rc
validate_fields(const struct fg_person_input *in, struct fg_person *out, struct fg_error *err)
{
	fg_date today = fg_date_today();
	struct fg_resident_id rid;
	bool have_rid;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->death_date = FG_DATE_NONE;
	fg_strlcpy(out->vital_status, "alive", sizeof(out->vital_status));
	rc = validate_identity(in, today, out, &rid, &have_rid, err);
	if (rc == FG_OK)
		rc = fg_name_normalise(in->name, "name", out->name, sizeof(out->name), err);
	if (rc == FG_OK)
		rc = fg_name_key(out->name, out->name_key, sizeof(out->name_key), err);
	if (rc == FG_OK)
		rc = validate_sex_and_birth(in, today, &rid, have_rid, out, err);
	if (rc == FG_OK)
		rc = validate_contact(in, out, err);
	return rc;
}

/* The owner and the district of residence (default: the owner's). */
static fg_rc
place_person(const struct fg_person_input *in, const struct fg_institution *inst,
	     struct fg_person *out, struct fg_error *err)
{
	out->institution_id = inst->id;
	if (in->district != NULL && *in->district != '\0') {
		if (fg_district_check(in->district, "district", err) != FG_OK)
			return FG_INVALID;
		fg_strlcpy(out->district, in->district, sizeof(out->district));
	} else
		fg_strlcpy(out->district, inst->district, sizeof(out->district));
	return FG_OK;
}

fg_rc
fg_person_validate(fg_store *store, const struct fg_person_input *in,
		   struct fg_person *out, struct fg_error *err)
{
	struct fg_institution inst;
	fg_rc rc;

	rc = validate_fields(in, out, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_institution_find(store, in->institution, "institution", &inst, err);
	if (rc != FG_OK)
		return rc == FG_NOTFOUND ? FG_INVALID : rc;
	return place_person(in, &inst, out, err);
}

fg_rc
fg_person_check(const struct fg_person_input *in, const struct fg_institution *inst,
		struct fg_person *out, struct fg_error *err)
{
	fg_rc rc = validate_fields(in, out, err);

	return rc == FG_OK ? place_person(in, inst, out, err) : rc;
}

static void
read_row(fg_stmt *st, struct fg_person *p)
{
	const char *death;

	p->id = fg_stmt_int64(st, 0);
	fg_strlcpy(p->district, fg_stmt_text(st, 1), sizeof(p->district));
	p->institution_id = fg_stmt_int64(st, 2);
	fg_strlcpy(p->id_type, fg_stmt_text(st, 3), sizeof(p->id_type));
	fg_strlcpy(p->id_number, fg_stmt_text(st, 4), sizeof(p->id_number));
	fg_strlcpy(p->name, fg_stmt_text(st, 5), sizeof(p->name));
	fg_strlcpy(p->name_key, fg_stmt_text(st, 6), sizeof(p->name_key));
	p->sex = fg_stmt_text(st, 7)[0];
	if (fg_date_parse(fg_stmt_text(st, 8), "birth_date", &p->birth_date, NULL) != FG_OK)
		p->birth_date = FG_DATE_NONE;
	fg_strlcpy(p->phone, fg_stmt_text(st, 9), sizeof(p->phone));
	fg_strlcpy(p->address, fg_stmt_text(st, 10), sizeof(p->address));
	fg_strlcpy(p->vital_status, fg_stmt_text(st, 11), sizeof(p->vital_status));
	death = fg_stmt_text(st, 12);
	if (death == NULL || fg_date_parse(death, "death_date", &p->death_date, NULL) != FG_OK)
		p->death_date = FG_DATE_NONE;
	p->version = fg_stmt_int64(st, 13);
}

/* Step a bound one-row query; *found says whether the row came. */
static fg_rc
fetch_person(fg_stmt *st, struct fg_person *out, bool *found,
	     struct fg_error *err)
{
	bool row = false;
	fg_rc rc = fg_stmt_step(st, &row, err);

	if (rc == FG_OK && row)
		read_row(st, out);
	fg_stmt_reset(st);
	*found = rc == FG_OK && row;
	return rc;
}

static fg_rc
lookup_id_number(fg_store *store, const char *type, const char *number,
		 struct fg_person *out, bool *found, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT " PERSON_COLUMNS " FROM person"
			      " WHERE id_type = ? AND id_number = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, type);
	fg_stmt_bind_text(st, 2, number);
	return fetch_person(st, out, found, err);
}

fg_rc
fg_person_get(fg_store *store, int64_t id, struct fg_person *out,
	      struct fg_error *err)
{
	fg_stmt *st;
	bool found;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT " PERSON_COLUMNS " FROM person WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fetch_person(st, out, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_NOTFOUND, "person", "person %lld does not exist", (long long)id);
	return rc;
}

fg_rc
fg_person_get_by_id_number(fg_store *store, const char *id_number,
			   struct fg_person *out, struct fg_error *err)
{
	struct fg_resident_id rid;
	bool found;
	fg_rc rc;

	rc = fg_resident_id_parse(id_number, fg_date_today(), &rid, err);
	if (rc != FG_OK)
		return rc;
	rc = lookup_id_number(store, FG_ID_TYPE_RESIDENT, rid.number, out, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_NOTFOUND, "id_number",
				  "no person has resident ID number %s", rid.number);
	return rc;
}

fg_rc
fg_person_get_by_ref(fg_store *store, const char *ref, struct fg_person *out, struct fg_error *err)
{
	int64_t id;

	if (ref == NULL || ref[0] == '\0')
		return fg_error_set(err, FG_INVALID, "person", "person is missing");
	if (strlen(ref) >= 15)
		return fg_person_get_by_id_number(store, ref, out, err);
	if (fg_parse_int64(ref, "person", 1, INT64_MAX, &id, err) != FG_OK)
		return FG_INVALID;
	return fg_person_get(store, id, out, err);
}

static fg_rc
compare_fields(const struct fg_person *stored, const struct fg_person *given,
	       const struct fg_person_input *in, struct fg_findings *conflicts)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];
	fg_rc rc = FG_OK;

	if (conflicts == NULL)
		return FG_OK;
	if (strcmp(stored->name_key, given->name_key) != 0)
		rc = fg_findings_add(conflicts, FG_FINDING_WARNING, "conflict.name", "name",
				     "name \"%s\" differs from the registered \"%s\"",
				     given->name, stored->name);
	if (rc == FG_OK && stored->sex != given->sex)
		rc = fg_findings_add(conflicts, FG_FINDING_WARNING, "conflict.sex", "sex",
				     "sex %c differs from the registered %c", given->sex, stored->sex);
	if (rc == FG_OK && stored->birth_date != given->birth_date)
		rc = fg_findings_add(conflicts, FG_FINDING_WARNING, "conflict.birth_date", "birth_date",
				     "birth date %s differs from the registered %s",
				     fg_date_format(given->birth_date, a),
				     fg_date_format(stored->birth_date, b));
	if (rc == FG_OK && given->phone[0] && strcmp(stored->phone, given->phone) != 0)
		rc = fg_findings_add(conflicts, FG_FINDING_WARNING, "conflict.phone", "phone",
				     "phone %s differs from the registered %s", given->phone,
				     stored->phone[0] ? stored->phone : "(none)");
	if (rc == FG_OK && given->address[0] && strcmp(stored->address, given->address) != 0)
		rc = fg_findings_add(conflicts, FG_FINDING_WARNING, "conflict.address", "address",
				     "address \"%s\" differs from the registered \"%s\"",
				     given->address, stored->address);
	if (rc == FG_OK && in->district && *in->district && strcmp(stored->district, given->district) != 0)
		rc = fg_findings_add(conflicts, FG_FINDING_WARNING, "conflict.district", "district",
				     "district %s differs from the registered %s",
				     given->district, stored->district);
	return rc;
}

/* Bind the stored fields of p as parameters ?1-?10 and the time `now` as ?11. */
static void
bind_person(fg_stmt *st, const struct fg_person *p, const char *now)
{
	char birth[FG_DATE_TEXT_MAX];

	fg_stmt_bind_text(st, 1, p->district);
	fg_stmt_bind_int64(st, 2, p->institution_id);
	fg_stmt_bind_text(st, 3, p->id_type);
	fg_stmt_bind_text(st, 4, p->id_number[0] ? p->id_number : NULL);
	fg_stmt_bind_text(st, 5, p->name);
	fg_stmt_bind_text(st, 6, p->name_key);
	fg_stmt_bind_text(st, 7, (char[]){p->sex, '\0'});
	fg_stmt_bind_text(st, 8, fg_date_format(p->birth_date, birth));
	fg_stmt_bind_text(st, 9, p->phone[0] ? p->phone : NULL);
	fg_stmt_bind_text(st, 10, p->address[0] ? p->address : NULL);
	fg_stmt_bind_text(st, 11, now);
}

/*
 * Insert p unless its identity document is registered already; *inserted
 * says which.  The unique index decides, so two writers adding the same
 * number at once cannot both insert it; the NOT EXISTS spares the key a
 * registered number would take from PostgreSQL's identity sequence.  The
 * conflict names no index: on a database keyed for distribution
 * (schema/postgresql/distribute.sql) the unique index on the number also
 * holds the district.
 */
static fg_rc
insert_person(fg_store *store, struct fg_person *p, bool *inserted,
	      struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store,
			      "INSERT INTO person (district, institution_id, id_type, id_number, name,"
			      " name_key, sex, birth_date, phone, address, created_at, updated_at)"
			      " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11 WHERE NOT EXISTS"
			      " (SELECT 1 FROM person WHERE id_type = ?3 AND id_number = ?4)"
			      " ON CONFLICT DO NOTHING"
			      " RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_person(st, p, fg_utc_now(now));
	rc = fg_stmt_scalar_int64(st, &p->id, inserted, err);
	p->version = 1;
	return rc;
}

/*
 * Replace *p, if it was merged into another person, by the person that
 * survives its merges.
 */
static fg_rc
follow_merges(fg_store *store, struct fg_person *p, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (int hop = 0; rc == FG_OK && hop < MAX_MERGE_HOPS; hop++) {
		int64_t survivor = 0;
		bool merged = false;
		fg_stmt *st;

		rc = fg_store_prepare(store, "SELECT merged_into FROM person WHERE id = ? AND merged_into IS NOT NULL",
				      &st, err);
		if (rc != FG_OK)
			return rc;
		fg_stmt_bind_int64(st, 1, p->id);
		rc = fg_stmt_scalar_int64(st, &survivor, &merged, err);
		if (rc != FG_OK || !merged)
			return rc;
		rc = fg_person_get(store, survivor, p, err);
	}
	return rc == FG_OK ? fg_error_set(err, FG_INTERNAL, "person", "person %lld is merged more than %d times over",
					  (long long)p->id, MAX_MERGE_HOPS) : rc;
}

fg_rc
fg_person_survivor(fg_store *store, int64_t id, struct fg_person *out, struct fg_error *err)
{
	fg_rc rc = fg_person_get(store, id, out, err);

	return rc == FG_OK ? follow_merges(store, out, err) : rc;
}

fg_rc
fg_person_add(fg_store *store, const struct fg_person_input *in,
	      struct fg_person *out, bool *matched,
	      struct fg_findings *conflicts, struct fg_error *err)
{
	struct fg_person given;
	bool inserted = false, found = false;
	fg_rc rc;

	*matched = false;
	rc = fg_person_validate(store, in, &given, err);
	if (rc == FG_OK)
		rc = insert_person(store, &given, &inserted, err);
	if (rc != FG_OK)
		return rc;
	if (inserted) {
		*out = given;
		return FG_OK;
	}
	rc = lookup_id_number(store, given.id_type, given.id_number, out, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_INTERNAL, "id_number",
				  "person with ID number %s vanished during registration", given.id_number);
	if (rc == FG_OK)
		rc = follow_merges(store, out, err);
	if (rc != FG_OK)
		return rc;
	*matched = true;
	if (compare_fields(out, &given, in, conflicts) != FG_OK)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory comparing persons");
	return FG_OK;
}

/*
 * Write the fields of p over row p->id, if its version is still `version`
 * (any version when version < 0); *done says whether a row was written.
 */
static fg_rc
update_row(fg_store *store, const struct fg_person *p, int64_t version, bool *done,
	   struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_person_keep_version(store, p->id, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store,
			      "UPDATE person SET district = ?1, institution_id = ?2, id_type = ?3,"
			      " id_number = ?4, name = ?5, name_key = ?6, sex = ?7, birth_date = ?8,"
			      " phone = ?9, address = ?10, updated_at = ?11, version = version + 1"
			      " WHERE id = ?12 AND (?13 < 0 OR version = ?13) RETURNING version", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_person(st, p, fg_utc_now(now));
	fg_stmt_bind_int64(st, 12, p->id);
	fg_stmt_bind_int64(st, 13, version);
	rc = fg_stmt_scalar_int64(st, &(int64_t){0}, done, err);
	if (rc == FG_CONFLICT)
		fg_error_set(err, FG_CONFLICT, "id_number",
			     "resident ID number %s belongs to another person", p->id_number);
	return rc;
}

fg_rc
fg_person_replace(fg_store *store, int64_t id, const struct fg_person *p,
		  struct fg_error *err)
{
	struct fg_person row = *p;
	bool done = false;
	fg_rc rc;

	row.id = id;
	rc = update_row(store, &row, -1, &done, err);
	if (rc == FG_OK && !done)
		rc = fg_error_set(err, FG_NOTFOUND, "person", "person %lld does not exist", (long long)id);
	return rc;
}

fg_rc
fg_person_update(fg_store *store, int64_t id, int64_t version,
		 const struct fg_person_input *in, struct fg_person *out,
		 struct fg_error *err)
{
	struct fg_person_input given = *in;
	struct fg_person stored, p;
	char inst[24];
	bool done = false;
	fg_rc rc;

	rc = fg_person_get(store, id, &stored, err);
	if (rc != FG_OK)
		return rc;
	snprintf(inst, sizeof(inst), "%lld", (long long)stored.institution_id);
	given.institution = inst;
	rc = fg_person_validate(store, &given, &p, err);
	if (rc != FG_OK)
		return rc;
	p.id = id;
	rc = update_row(store, &p, version, &done, err);
	if (rc == FG_OK && !done) {
		rc = fg_error_set(err, FG_CONFLICT, "version", "person %lld has version %lld, not %lld",
				  (long long)id, (long long)stored.version, (long long)version);
		fg_error_detail(err, "Someone else changed the person since it was read.");
		fg_error_hint(err, "Read the person again and repeat the change.");
	}
	if (rc == FG_OK)
		rc = fg_person_get(store, id, out, err);
	return rc;
}

/* Decide what a free-text query is: an ID number, a phone number or a name. */
static enum fg_person_match
guess_match(const char *text)
{
	size_t digits = 0, other = 0;

	for (const char *p = text; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p != ' ' && *p != '-' && *p != '+' && *p != 'x' && *p != 'X')
			other++;
	}
	if (other == 0 && (digits == 15 || digits >= 17))
		return FG_MATCH_ID_NUMBER;
	if (other == 0 && digits >= 7)
		return FG_MATCH_PHONE;
	return FG_MATCH_NAME;
}

struct query_plan {
	const char *where;	/* SQL condition, "?" placeholders */
	char arg1[FG_NAME_MAX];
	char arg2[FG_NAME_MAX + 8];	/* arg1 and one 4-byte character */
	int nargs;
};

static fg_rc
plan_query(const struct fg_person_query *q, struct query_plan *plan,
	   struct fg_error *err)
{
	enum fg_person_match by = q->by;
	char name[FG_NAME_MAX];

	memset(plan, 0, sizeof(*plan));
	if (q->text == NULL) {
		plan->where = "?1 IS NULL";
		return FG_OK;
	}
	if (by == FG_MATCH_AUTO)
		by = guess_match(q->text);
	switch (by) {
	case FG_MATCH_ID_NUMBER: {
		struct fg_resident_id rid;

		if (fg_resident_id_parse(q->text, fg_date_today(), &rid, err) != FG_OK)
			return FG_INVALID;
		/* The person holding the number, or the one it was merged into. */
		plan->where = "id IN (WITH RECURSIVE chain(id, next) AS (SELECT id, merged_into FROM person"
			      " WHERE id_type = '01' AND id_number = ?1 UNION SELECT p.id, p.merged_into"
			      " FROM person AS p JOIN chain AS c ON p.id = c.next) SELECT id FROM chain)";
		fg_strlcpy(plan->arg1, rid.number, sizeof(plan->arg1));
		plan->nargs = 1;
		return FG_OK;
	}
	case FG_MATCH_PHONE:
		if (fg_phone_normalise(q->text, plan->arg1, sizeof(plan->arg1), err) != FG_OK)
			return FG_INVALID;
		plan->where = "phone = ?1";
		plan->nargs = 1;
		return FG_OK;
	case FG_MATCH_NAME:
	case FG_MATCH_AUTO:
		break;
	}
	if (fg_name_normalise(q->text, "name", name, sizeof(name), err) != FG_OK ||
	    fg_name_key(name, plan->arg1, sizeof(plan->arg1), err) != FG_OK)
		return FG_INVALID;
	/* Prefix match on the key: [key, key + U+10FFFF). */
	snprintf(plan->arg2, sizeof(plan->arg2), "%s\xF4\x8F\xBF\xBF", plan->arg1);
	plan->where = "name_key >= ?1 AND name_key < ?2";
	plan->nargs = 2;
	return FG_OK;
}

/*
 * The persons institution ?7 may see (see fg_person_visible): its own, those
 * of its open screening episodes, referrals it made and consultations it
 * asked for, follow-up plans, and the grants of the network (access_grant,
 * migration 0008: an accepted referral to it, a consultation it takes part
 * in) that have not ended by ?10.
 */
#define VISIBLE_TO_7 \
	"(person.institution_id = ?7" \
	" OR EXISTS (SELECT 1 FROM screening_episode e WHERE e.person_id = person.id" \
	"   AND e.institution_id = ?7 AND e.closed_on IS NULL)" \
	" OR EXISTS (SELECT 1 FROM access_grant g WHERE g.person_id = person.id" \
	"   AND g.institution_id = ?7 AND (g.ends_at IS NULL OR g.ends_at > ?10))" \
	" OR EXISTS (SELECT 1 FROM referral r WHERE r.person_id = person.id" \
	"   AND r.institution_id = ?7 AND r.state IN ('requested', 'accepted', 'scheduled', 'attended'))" \
	" OR EXISTS (SELECT 1 FROM consultation c WHERE c.person_id = person.id" \
	"   AND c.institution_id = ?7 AND c.state IN ('requested', 'scheduled'))" \
	" OR EXISTS (SELECT 1 FROM followup_plan f WHERE f.person_id = person.id" \
	"   AND f.institution_id = ?7 AND f.active = 1))"

/* Bind ?10, the time against which the end of network grants is compared. */
static void
bind_grant_time(fg_stmt *st)
{
	char now[FG_NET_TIME_MAX];

	fg_stmt_bind_text(st, 10, fg_net_time_format(fg_net_now(), now));
}

/*
 * Parameters: ?1 and ?2 the plan's, ?3 institution, ?4 district, ?5 limit,
 * ?6 offset, ?7 the institution whose visibility applies, ?8 birth date,
 * ?9 sex, ?11 changed since, ?12 and ?13 the first and last birth dates.
 */
#define SCOPE \
	" AND merged_into IS NULL" \
	" AND (?3 = 0 OR institution_id = ?3) AND (?4 IS NULL OR district = ?4)" \
	" AND (?11 IS NULL OR updated_at >= ?11)" \
	" AND (?8 IS NULL OR birth_date = ?8) AND (?9 IS NULL OR sex = ?9)" \
	" AND (?12 IS NULL OR birth_date >= ?12) AND (?13 IS NULL OR birth_date <= ?13)" \
	" AND (?7 = 0 OR " VISIBLE_TO_7 ")"

static void
bind_plan(fg_stmt *st, const struct query_plan *plan,
	  const struct fg_person_query *q)
{
	if (plan->nargs >= 1)
		fg_stmt_bind_text(st, 1, plan->arg1);
	if (plan->nargs >= 2)
		fg_stmt_bind_text(st, 2, plan->arg2);
	fg_stmt_bind_int64(st, 3, q->institution_id);
	fg_stmt_bind_text(st, 4, q->district);
	fg_stmt_bind_int64(st, 7, q->visible_to);
	fg_stmt_bind_text(st, 8, q->birth_date);
	fg_stmt_bind_text(st, 9, q->sex ? (char[]){q->sex, '\0'} : NULL);
	fg_stmt_bind_text(st, 11, q->updated_since);
	fg_stmt_bind_text(st, 12, q->birth_from);
	fg_stmt_bind_text(st, 13, q->birth_to);
	bind_grant_time(st);
}

fg_rc
fg_person_visible(fg_store *store, int64_t id, int64_t institution_id,
		  bool *visible, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	*visible = false;
	rc = fg_store_prepare(store, "SELECT 1 FROM person WHERE person.id = ?1 AND " VISIBLE_TO_7,
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	fg_stmt_bind_int64(st, 7, institution_id);
	bind_grant_time(st);
	return fg_stmt_scalar_int64(st, &(int64_t){0}, visible, err);
}

/* ORDER BY column of each enum fg_person_sort; id breaks ties. */
static const char *const sort_columns[] = {
	[FG_PERSON_SORT_ID] = "id", [FG_PERSON_SORT_NAME] = "name_key",
	[FG_PERSON_SORT_BIRTH_DATE] = "birth_date", [FG_PERSON_SORT_UPDATED] = "updated_at",
};

fg_rc
fg_person_find(fg_store *store, const struct fg_person_query *q,
	       struct fg_arena *arena, struct fg_person_list *out,
	       struct fg_error *err)
{
	struct query_plan plan;
	char sql[4096], count_sql[4096];
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	out->items = NULL;
	out->count = 0;
	out->total = 0;
	if (q->limit < 1 || q->limit > 1000)
		return fg_error_set(err, FG_INVALID, "limit", "page size %lld out of range",
				    (long long)q->limit);
	if (q->offset < 0)
		return fg_error_set(err, FG_INVALID, "offset", "page offset %lld is negative",
				    (long long)q->offset);
	if ((unsigned)q->sort >= sizeof(sort_columns) / sizeof(sort_columns[0]))
		return fg_error_set(err, FG_INVALID, "sort", "sort order %d does not exist", (int)q->sort);
	rc = plan_query(q, &plan, err);
	if (rc != FG_OK)
		return rc;
	snprintf(count_sql, sizeof(count_sql),
		 "SELECT count(*) FROM person WHERE %s" SCOPE, plan.where);
	rc = fg_store_prepare(store, count_sql, &st, err);
	if (rc != FG_OK)
		return rc;
	bind_plan(st, &plan, q);
	rc = fg_stmt_scalar_int64(st, &out->total, NULL, err);
	if (rc != FG_OK || out->total == 0)
		return rc;

	out->items = fg_arena_alloc(arena, (size_t)q->limit * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing persons");
	snprintf(sql, sizeof(sql), "SELECT " PERSON_COLUMNS " FROM person WHERE %s" SCOPE
		 " ORDER BY %s%s, id%s LIMIT ?5 OFFSET ?6", plan.where, sort_columns[q->sort],
		 q->descending ? " DESC" : "", q->descending ? " DESC" : "");
	rc = fg_store_prepare(store, sql, &st, err);
	if (rc != FG_OK)
		return rc;
	bind_plan(st, &plan, q);
	fg_stmt_bind_int64(st, 5, q->limit);
	fg_stmt_bind_int64(st, 6, q->offset);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && out->count < (size_t)q->limit)
		read_row(st, &out->items[out->count++]);
	fg_stmt_reset(st);
	return rc;
}

/* --- Prior versions (person_version, migration 0009) --- */

#define VERSION_COLUMNS \
	"district, institution_id, id_type, id_number, name, name_key, sex, birth_date, phone," \
	" address, vital_status, death_date, merged_into, updated_at"

fg_rc
fg_person_keep_version(fg_store *store, int64_t id, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store,
			      "INSERT INTO person_version (person_id, version, " VERSION_COLUMNS ", replaced_at)"
			      " SELECT id, version, " VERSION_COLUMNS ", ?2 FROM person WHERE id = ?1"
			      " ON CONFLICT DO NOTHING", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	fg_stmt_bind_text(st, 2, fg_utc_now(now));
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

/*
 * Every version of the persons: the current rows and the kept ones older
 * than them (a kept copy of the current version, left by an update that
 * failed, is the same row and is skipped).
 */
#define ALL_VERSIONS \
	"(SELECT id, district, institution_id, id_type, coalesce(id_number, '') AS id_number, name," \
	" name_key, sex, birth_date, coalesce(phone, '') AS phone, coalesce(address, '') AS address," \
	" vital_status, death_date, version, updated_at FROM person" \
	" UNION ALL SELECT v.person_id, v.district, v.institution_id, v.id_type," \
	" coalesce(v.id_number, ''), v.name, v.name_key, v.sex, v.birth_date, coalesce(v.phone, '')," \
	" coalesce(v.address, ''), v.vital_status, v.death_date, v.version, v.updated_at" \
	" FROM person_version v JOIN person p ON p.id = v.person_id AND v.version < p.version) h"

#define HISTORY_COLUMNS \
	"h.id, h.district, h.institution_id, h.id_type, h.id_number, h.name, h.name_key, h.sex," \
	" h.birth_date, h.phone, h.address, h.vital_status, h.death_date, h.version, h.updated_at"

/* Parameters: ?1 person (0: any), ?2 version (0: any), ?3 since, ?7 visible_to, ?10 now. */
#define HISTORY_WHERE \
	" WHERE (?1 = 0 OR h.id = ?1) AND (?2 = 0 OR h.version = ?2) AND (?3 IS NULL OR h.updated_at >= ?3)" \
	" AND (?7 = 0 OR h.id IN (SELECT person.id FROM person WHERE " VISIBLE_TO_7 "))"

static void
bind_history(fg_stmt *st, const struct fg_person_history_query *q)
{
	fg_stmt_bind_int64(st, 1, q->person_id);
	fg_stmt_bind_int64(st, 2, q->version);
	fg_stmt_bind_text(st, 3, q->since);
	fg_stmt_bind_int64(st, 7, q->visible_to);
	bind_grant_time(st);
}

fg_rc
fg_person_history(fg_store *store, const struct fg_person_history_query *q,
		  struct fg_arena *arena, struct fg_person_history *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->limit < 1 || q->limit > 1000 || q->offset < 0)
		return fg_error_set(err, FG_INVALID, "limit", "page of %lld from %lld out of range",
				    (long long)q->limit, (long long)q->offset);
	rc = fg_store_prepare(store, "SELECT count(*) FROM " ALL_VERSIONS HISTORY_WHERE, &st, err);
	if (rc != FG_OK)
		return rc;
	bind_history(st, q);
	rc = fg_stmt_scalar_int64(st, &out->total, NULL, err);
	if (rc != FG_OK || out->total == 0)
		return rc;
	out->items = fg_arena_alloc(arena, (size_t)q->limit * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing person versions");
	rc = fg_store_prepare(store, "SELECT " HISTORY_COLUMNS " FROM " ALL_VERSIONS HISTORY_WHERE
			      " ORDER BY h.updated_at DESC, h.id DESC, h.version DESC LIMIT ?4 OFFSET ?5", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_history(st, q);
	fg_stmt_bind_int64(st, 4, q->limit);
	fg_stmt_bind_int64(st, 5, q->offset);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && out->count < (size_t)q->limit) {
		struct fg_person_version *v = &out->items[out->count++];

		read_row(st, &v->person);
		fg_strlcpy(v->updated_at, fg_stmt_text(st, 14), sizeof(v->updated_at));
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_person_get_version(fg_store *store, int64_t id, int64_t version, struct fg_person_version *out,
		      struct fg_error *err)
{
	struct fg_person_history_query q = {.person_id = id, .version = version, .limit = 1};
	struct fg_person_history list;
	struct fg_arena arena;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = fg_person_history(store, &q, &arena, &list, err);
	if (rc == FG_OK && list.count == 1)
		*out = list.items[0];
	else if (rc == FG_OK)
		rc = fg_error_set(err, FG_NOTFOUND, "version", "version %lld of person %lld does not exist",
				  (long long)version, (long long)id);
	fg_arena_free(&arena);
	return rc;
}
