/*
 * visits.c
 *	  Reading stored follow-up visits: one by id (to check who may record
 *	  its contact), the next open visit of a person (the one a contact
 *	  reported without its visit closes), and a person's visits for the
 *	  timeline.
 */
#include <string.h>

#include "fangai/followup.h"
#include "fangai/util.h"

#define VISIT_COLUMNS \
	"SELECT f.id, f.plan_id, f.person_id, f.institution_id, fp.plan_code, coalesce(f.seq, 0), f.due_date," \
	" f.contact_date, coalesce(f.method, ''), coalesce(f.outcome, ''), coalesce(f.cause_icd10, '')," \
	" (SELECT count(*) FROM followup_attempt a WHERE a.followup_id = f.id)" \
	" FROM followup f JOIN followup_plan fp ON fp.id = f.plan_id"

static fg_date
column_date(fg_stmt *st, int col)
{
	const char *text = fg_stmt_text(st, col);
	fg_date d;

	if (text == NULL || fg_date_parse(text, "date", &d, NULL) != FG_OK)
		return FG_DATE_NONE;
	return d;
}

static void
read_record(fg_stmt *st, struct fg_visit_record *v)
{
	memset(v, 0, sizeof(*v));
	v->id = fg_stmt_int64(st, 0);
	v->plan_id = fg_stmt_int64(st, 1);
	v->person_id = fg_stmt_int64(st, 2);
	v->institution_id = fg_stmt_int64(st, 3);
	fg_strlcpy(v->plan_code, fg_stmt_text(st, 4), sizeof(v->plan_code));
	v->seq = (int)fg_stmt_int64(st, 5);
	v->due = column_date(st, 6);
	v->contacted = column_date(st, 7);
	fg_strlcpy(v->method, fg_stmt_text(st, 8), sizeof(v->method));
	fg_strlcpy(v->outcome, fg_stmt_text(st, 9), sizeof(v->outcome));
	fg_strlcpy(v->cause_icd10, fg_stmt_text(st, 10), sizeof(v->cause_icd10));
	v->attempts = (int)fg_stmt_int64(st, 11);
}

fg_rc
fg_followup_visit_get(fg_store *store, int64_t id, struct fg_visit_record *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc = fg_store_prepare(store, VISIT_COLUMNS " WHERE f.id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row)
		read_record(st, out);
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, "visit", "follow-up visit %lld does not exist", (long long)id);
	return rc;
}

fg_rc
fg_followup_next_visit(fg_store *store, int64_t person_id, int64_t *visit_id, struct fg_error *err)
{
	fg_stmt *st;
	bool found = false;
	fg_rc rc = fg_store_prepare(store, "SELECT id FROM followup WHERE person_id = ? AND outcome IS NULL"
				    " ORDER BY due_date, id LIMIT 1", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person_id);
	rc = fg_stmt_scalar_int64(st, visit_id, &found, err);
	if (rc == FG_OK && !found) {
		fg_error_set(err, FG_NOTFOUND, "visit", "person %lld has no open follow-up visit", (long long)person_id);
		fg_error_hint(err, "Enrol the person in a follow-up plan first, or name the visit.");
		return FG_NOTFOUND;
	}
	return rc;
}

fg_rc
fg_followup_visits_of(fg_store *store, int64_t person_id, fg_date until, size_t max, struct fg_arena *arena,
		      struct fg_visit_records *out, struct fg_error *err)
{
	char last[FG_DATE_TEXT_MAX] = "";
	fg_stmt *st;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->items = fg_arena_alloc(arena, (max ? max : 1) * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu follow-up visits", max);
	rc = fg_store_prepare(store, VISIT_COLUMNS
			      " WHERE f.person_id = ?1 AND (?2 = '' OR f.contact_date IS NOT NULL OR f.due_date <= ?2)"
			      " ORDER BY f.due_date, f.id LIMIT ?3", &st, err);
	if (rc != FG_OK)
		return rc;
	if (until != FG_DATE_NONE)
		fg_date_format(until, last);
	fg_stmt_bind_int64(st, 1, person_id);
	fg_stmt_bind_text(st, 2, last);
	fg_stmt_bind_int64(st, 3, (int64_t)max);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && out->count < max)
		read_record(st, &out->items[out->count++]);
	fg_stmt_reset(st);
	return rc;
}
