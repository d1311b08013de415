/*
 * screening.c
 *	  Import kinds of the screening programmes: risk questionnaires
 *	  (fg_screen_questionnaire_record) and exams (fg_screen_exam_record),
 *	  so that an imported row decides the risk, is classified and moves its
 *	  episode on exactly as one recorded by "fangai screen questionnaire" or
 *	  "fangai screen exam".  A row names its person by record id or resident
 *	  ID number, or by the key of a person imported from the same source
 *	  (person_key); its programme and exam type by a column or the options.
 *	  The row's other columns are its answers or findings, named by their
 *	  heading or by the mapping file; blank ones are left out, so that one
 *	  file may hold exams of several types.
 *
 *	  Rows are checked by storing them in the check's transaction (an
 *	  episode moved on by one row is the one the next row of the same person
 *	  meets).  A stored questionnaire or exam is not rewritten by a changed
 *	  row: it has moved its episode on, so such rows are refused.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/person.h"
#include "fangai/screening.h"
#include "fangai/util.h"
#include "import_int.h"

enum { S_KEY, S_INSTITUTION, S_PROGRAMME, S_PERSON, S_PERSON_KEY, S_DATE, S_EXAM_TYPE };

static const char *const questionnaire_fields[] = {
	"source_key", "institution", "programme", "person", "person_key", "date", NULL,
};
static const char *const exam_fields[] = {
	"source_key", "institution", "programme", "person", "person_key", "date", "exam_type", NULL,
};
static const char *const step_required[] = {"date", NULL};
static const struct import_reference person_ref = {S_PERSON, S_PERSON_KEY, "person", "person_key", "persons"};

/* What a row records, and where the record it made is found. */
struct step_kind {
	const char *what;		/* for messages: "questionnaire", "exam" */
	bool exam;
	/* The record made last for person ?1 in programme ?2: id, district, institution_id. */
	const char *made_sql;
};

static const struct step_kind questionnaire_step = {
	"questionnaire", false,
	"SELECT e.id, e.district, e.institution_id FROM screening_episode e"
	" JOIN screening_programme p ON p.id = e.programme_id"
	" WHERE e.person_id = ?1 AND p.code = ?2 ORDER BY e.id DESC LIMIT 1",
};

static const struct step_kind exam_step = {
	"exam", true,
	"SELECT x.id, x.district, x.institution_id FROM screening_exam x"
	" JOIN screening_episode e ON e.id = x.episode_id"
	" JOIN screening_programme p ON p.id = e.programme_id"
	" WHERE x.person_id = ?1 AND p.code = ?2 ORDER BY x.id DESC LIMIT 1",
};

static fg_rc
open_screening(fg_store *store, void **ctx, struct fg_error *err)
{
	fg_screening *s = NULL;
	fg_rc rc = fg_screening_open(store, NULL, &s, err);

	*ctx = s;
	return rc;
}

static void
close_screening(void *ctx)
{
	fg_screening_close(ctx);
}

/* The row's non-blank items, as the screening library takes them. */
static size_t
row_items(const struct import_row *row, struct fg_screen_item *items)
{
	size_t n = 0;

	for (int k = 0; k < row->nitems; k++)
		if (*row->item_value[k] != '\0')
			items[n++] = (struct fg_screen_item){row->item_name[k], row->item_value[k]};
	return n;
}

/* The record the step made: its id, district and institution. */
static fg_rc
find_made(fg_store *store, const struct step_kind *k, int64_t person_id, const char *programme,
	  int64_t *target, char *district, int64_t *institution, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc = fg_store_prepare(store, k->made_sql, &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person_id);
	fg_stmt_bind_text(st, 2, programme);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		*target = fg_stmt_int64(st, 0);
		fg_strlcpy(district, fg_stmt_text(st, 1), 8);
		*institution = fg_stmt_int64(st, 2);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_INTERNAL, NULL, "the %s recorded for person %lld was not found",
				  k->what, (long long)person_id);
	return rc;
}

static fg_rc
store_step(const struct step_kind *k, fg_store *store, void *ctx, const struct import_row *row,
	   int64_t existing, int64_t *target, char *district, int64_t *institution,
	   enum import_outcome *outcome, struct fg_error *err)
{
	const char *const *v = row->value;
	struct fg_screen_item items[IMPORT_MAX_ITEMS];
	struct fg_screen_result result;
	struct fg_person person;
	char ref[32];
	bool high_risk;
	fg_rc rc;

	if (existing)
		return import_refuse_change(row, k->what, existing, err);
	rc = import_person(store, row, &person_ref, ref, &person, err);
	if (rc != FG_OK)
		return rc;
	struct fg_screen_record in = {
		.programme = v[S_PROGRAMME], .person = ref, .date = v[S_DATE], .institution = row->institution,
		.exam_type = k->exam ? v[S_EXAM_TYPE] : NULL, .items = items, .nitems = row_items(row, items),
	};
	rc = import_refusal(k->exam ? fg_screen_exam_record(ctx, &in, &result, err)
			    : fg_screen_questionnaire_record(ctx, &in, &high_risk, err));
	if (err != NULL && strcmp(err->field, "person") == 0)	/* not enrolled, answered already... */
		rc = import_reference_refused(row, &person_ref, rc, err);
	if (rc == FG_OK)
		rc = find_made(store, k, person.id, v[S_PROGRAMME], target, district, institution, err);
	*outcome = OUT_INSERTED;
	return rc;
}

static fg_rc
store_questionnaire(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		    int64_t *target, char *district, int64_t *institution, enum import_outcome *outcome,
		    struct fg_error *err)
{
	return store_step(&questionnaire_step, store, ctx, row, existing, target, district, institution,
			  outcome, err);
}

static fg_rc
validate_questionnaire(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		       struct fg_error *err)
{
	return import_check_by_storing(store, ctx, row, existing, store_questionnaire, err);
}

const struct import_kind import_questionnaires = {
	.name = "questionnaires",
	.fields = questionnaire_fields,
	.required = step_required,
	.key_field = "source_key",
	.items = true,
	.open = open_screening,
	.close = close_screening,
	.validate = validate_questionnaire,
	.store = store_questionnaire,
};

static fg_rc
store_exam(fg_store *store, void *ctx, const struct import_row *row, int64_t existing, int64_t *target,
	   char *district, int64_t *institution, enum import_outcome *outcome, struct fg_error *err)
{
	return store_step(&exam_step, store, ctx, row, existing, target, district, institution, outcome, err);
}

static fg_rc
validate_exam(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
	      struct fg_error *err)
{
	return import_check_by_storing(store, ctx, row, existing, store_exam, err);
}

const struct import_kind import_exams = {
	.name = "exams",
	.fields = exam_fields,
	.required = step_required,
	.key_field = "source_key",
	.items = true,
	.open = open_screening,
	.close = close_screening,
	.validate = validate_exam,
	.store = store_exam,
};
