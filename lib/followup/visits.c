/*
 * visits.c
 *	  Reading stored follow-up visits: one by id (to check who may record
 *	  its contact), the next open visit of a person (the one a contact
 *	  reported without its visit closes), a person's visits for the
 *	  timeline, and the contacts with patients by person, institution,
 *	  plan, method and day, with paging (for the FHIR Encounter).
 */
#include <string.h>

#include "fangai/followup.h"
#include "fangai/util.h"
#include "followup_int.h"

#define VISIT_SELECT \
	"SELECT f.id, f.plan_id, f.person_id, f.institution_id, fp.plan_code, coalesce(f.seq, 0), f.due_date," \
	" f.contact_date, coalesce(f.method, ''), coalesce(f.outcome, ''), coalesce(f.cause_icd10, '')," \
	" (SELECT count(*) FROM followup_attempt a WHERE a.followup_id = f.id), coalesce(fp.tumour_id, 0)"

#define VISIT_FROM "FROM followup f JOIN followup_plan fp ON fp.id = f.plan_id"

#define VISIT_COLUMNS VISIT_SELECT " " VISIT_FROM

/* The contacts with the patient matching ?1..?9 (struct fg_contact_query), led by lead. */
#define CONTACT_WHERE(lead) \
	" WHERE " lead " AND f.contact_date IS NOT NULL AND f.method IN ('phone', 'visit', 'message')" \
	" AND (?1 = 0 OR f.id = ?1) AND (?2 = 0 OR f.person_id = ?2) AND (?3 = 0 OR f.institution_id = ?3)" \
	" AND (?4 = 0 OR f.plan_id = ?4) AND (?5 IS NULL OR f.method IN (?5, ?6, ?7))" \
	" AND (?8 IS NULL OR f.contact_date >= ?8) AND (?9 IS NULL OR f.contact_date <= ?9)"

#define CONTACT_PATH(lead) FOLLOWUP_PATH(VISIT_SELECT, VISIT_FROM, CONTACT_WHERE(lead), "f.contact_date", "f.id", \
					 " LIMIT ?10 OFFSET ?11")

static const struct followup_path contact_paths[FOLLOWUP_PATHS] = {
	[FOLLOWUP_PATH_ID] = CONTACT_PATH("f.id = ?1"),
	[FOLLOWUP_PATH_PERSON] = CONTACT_PATH("f.person_id = ?2"),
	[FOLLOWUP_PATH_INSTITUTION] = CONTACT_PATH("f.institution_id = ?3"),
	[FOLLOWUP_PATH_SCAN] = CONTACT_PATH("1 = 1"),
};

fg_date
followup_date_at(fg_stmt *st, int col)
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
	v->due = followup_date_at(st, 6);
	v->contacted = followup_date_at(st, 7);
	fg_strlcpy(v->method, fg_stmt_text(st, 8), sizeof(v->method));
	fg_strlcpy(v->outcome, fg_stmt_text(st, 9), sizeof(v->outcome));
	fg_strlcpy(v->cause_icd10, fg_stmt_text(st, 10), sizeof(v->cause_icd10));
	v->attempts = (int)fg_stmt_int64(st, 11);
	v->tumour_id = fg_stmt_int64(st, 12);
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

static void
bind_contact_query(fg_stmt *st, const void *query)
{
	const struct fg_contact_query *q = query;
	char from[FG_DATE_TEXT_MAX], to[FG_DATE_TEXT_MAX];

	fg_stmt_bind_int64(st, 1, q->id);
	fg_stmt_bind_int64(st, 2, q->person_id);
	fg_stmt_bind_int64(st, 3, q->institution_id);
	fg_stmt_bind_int64(st, 4, q->plan_id);
	for (int i = 0; i < FG_CONTACT_METHODS; i++)
		fg_stmt_bind_text(st, 5 + i, q->methods[i]);
	fg_stmt_bind_text(st, 8, q->from != FG_DATE_NONE ? fg_date_format(q->from, from) : NULL);
	fg_stmt_bind_text(st, 9, q->to != FG_DATE_NONE ? fg_date_format(q->to, to) : NULL);
}

static fg_rc
read_contact(fg_stmt *st, struct fg_arena *arena, void *item, struct fg_error *err)
{
	(void)arena;
	(void)err;
	read_record(st, item);
	return FG_OK;
}

fg_rc
fg_followup_contacts_find(fg_store *store, const struct fg_contact_query *q, struct fg_arena *arena,
			  struct fg_visit_records *out, int64_t *total, struct fg_error *err)
{
	const struct fg_store_page pg = {
		.what = "follow-up contacts", .limit_param = 10, .query = q, .bind = bind_contact_query,
		.read = read_contact, .item_size = sizeof(*out->items), .limit = q->limit, .offset = q->offset,
	};
	void *items;
	fg_rc rc = followup_page(store, pg, contact_paths, q->id, q->person_id, q->institution_id, q->order, arena,
				 &items, &out->count, total, err);

	out->items = items;
	return rc;
}

fg_rc
followup_page(fg_store *store, struct fg_store_page pg, const struct followup_path *paths, int64_t id,
	      int64_t person, int64_t institution, enum fg_followup_order order, struct fg_arena *arena,
	      void **items, size_t *count, int64_t *total, struct fg_error *err)
{
	const struct followup_path *path = &paths[id ? FOLLOWUP_PATH_ID : person ? FOLLOWUP_PATH_PERSON :
						  institution ? FOLLOWUP_PATH_INSTITUTION : FOLLOWUP_PATH_SCAN];

	pg.count_sql = path->count_sql;
	pg.page_sql = path->pages[(unsigned)order < 4 ? order : FG_FOLLOWUP_BY_DATE];
	return fg_store_page(store, &pg, arena, items, count, total, err);
}
