/*
 * followup.c
 *	  Import kind of the follow-up centre: contacts with patients
 *	  (fg_followup_record), each closing a visit and applying its outcome to
 *	  the person's vital status exactly as "fangai followup record" does.
 *	  A row names its visit by id, or its person (record id, resident ID
 *	  number, or person_key: the key of a person imported from the same
 *	  source), whose next open visit it closes.  Contact methods and
 *	  outcomes are taken as fangai's codes or as the Chinese terms of
 *	  follow-up forms (the table below).
 *
 *	  Rows are checked by storing them in the check's transaction, so that
 *	  a person's second contact in a file closes the person's second visit,
 *	  and a contact after a death is refused.  A stored contact is not
 *	  rewritten by a changed row: it has changed the person's vital status,
 *	  so such rows are refused.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/followup.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "import_int.h"

enum { F_KEY, F_VISIT, F_PERSON, F_PERSON_KEY, F_DATE, F_METHOD, F_OUTCOME, F_DEATH_DATE, F_CAUSE,
       F_LOST_REASON, F_NOTE };

static const char *const contact_fields[] = {
	"source_key", "visit", "person", "person_key", "contact_date", "method", "outcome", "death_date",
	"cause_icd10", "lost_reason", "note", NULL,
};
static const char *const contact_required[] = {"contact_date", "method", "outcome", NULL};
static const struct import_reference person_ref = {F_PERSON, F_PERSON_KEY, "person", "person_key", "persons"};

/*
 * Terms of Chinese follow-up forms (随访方式, 随访结果) and fangai's codes
 * for them (include/fangai/followup.h); a value not listed is passed on as
 * it is, for the library to accept or refuse.
 */
static const struct term {
	int field;
	const char *text, *code;
} terms[] = {
	{F_METHOD, "电话", "phone"},
	{F_METHOD, "电话随访", "phone"},
	{F_METHOD, "上门", "visit"},
	{F_METHOD, "家访", "visit"},
	{F_METHOD, "门诊", "visit"},
	{F_METHOD, "门诊随访", "visit"},
	{F_METHOD, "短信", "message"},
	{F_METHOD, "信函", "message"},
	{F_METHOD, "死因监测", "record_linkage"},
	{F_METHOD, "死亡登记", "record_linkage"},
	{F_OUTCOME, "存活", "alive"},
	{F_OUTCOME, "生存", "alive"},
	{F_OUTCOME, "无瘤生存", "alive"},
	{F_OUTCOME, "复发", "recurrence"},
	{F_OUTCOME, "转移", "metastasis"},
	{F_OUTCOME, "死亡", "dead"},
	{F_OUTCOME, "失访", "lost"},
};

static const char *
code_of(int field, const char *text)
{
	for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
		if (terms[i].field == field && strcmp(terms[i].text, text) == 0)
			return terms[i].code;
	return text;
}

/* An optional date: FG_DATE_NONE when blank. */
static fg_rc
optional_date(const char *text, const char *field, fg_date *out, struct fg_error *err)
{
	*out = FG_DATE_NONE;
	return *text ? fg_date_parse(text, field, out, err) : FG_OK;
}

/* The visit the row closes: the one named, or the person's next open visit. */
static fg_rc
row_visit(fg_store *store, const struct import_row *row, int64_t *visit, struct fg_error *err)
{
	struct fg_person person;
	char ref[32];
	fg_rc rc;

	if (*row->value[F_VISIT])
		return fg_parse_int64(row->value[F_VISIT], "visit", 1, INT64_MAX, visit, err);
	rc = import_person(store, row, &person_ref, ref, &person, err);
	if (rc == FG_OK)
		rc = fg_followup_next_visit(store, person.id, visit, err);
	return import_refusal(rc);
}

static fg_rc
store_contact(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
	      int64_t *target, char *district, int64_t *institution, enum import_outcome *outcome,
	      struct fg_error *err)
{
	const char *const *v = row->value;
	struct fg_contact c = {
		.method = code_of(F_METHOD, v[F_METHOD]), .outcome = code_of(F_OUTCOME, v[F_OUTCOME]),
		.cause_icd10 = v[F_CAUSE], .lost_reason = v[F_LOST_REASON], .note = *v[F_NOTE] ? v[F_NOTE] : NULL,
	};
	struct fg_contact_effect effect;
	struct fg_visit_record visit;
	struct fg_person person;
	fg_rc rc;

	if (existing)
		return import_refuse_change(row, "contact of visit", existing, err);
	rc = fg_date_parse(v[F_DATE], "contact_date", &c.on, err);
	if (rc == FG_OK)
		rc = optional_date(v[F_DEATH_DATE], "death_date", &c.death_date, err);
	if (rc == FG_OK)
		rc = row_visit(store, row, &c.visit_id, err);
	if (rc == FG_OK)
		rc = import_refusal(fg_followup_record(store, &c, &effect, err));
	if (rc == FG_OK)
		rc = fg_followup_visit_get(store, c.visit_id, &visit, err);
	if (rc == FG_OK)
		rc = fg_person_get(store, visit.person_id, &person, err);
	if (rc != FG_OK)
		return rc;
	*target = visit.id;
	fg_strlcpy(district, person.district, 8);
	*institution = visit.institution_id;
	*outcome = OUT_INSERTED;
	return FG_OK;
}

static fg_rc
validate_contact(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		 struct fg_error *err)
{
	return import_check_by_storing(store, ctx, row, existing, store_contact, err);
}

const struct import_kind import_followups = {
	.name = "followups",
	.fields = contact_fields,
	.required = contact_required,
	.key_field = "source_key",
	.validate = validate_contact,
	.store = store_contact,
};
