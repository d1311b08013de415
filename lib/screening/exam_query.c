/*
 * exam_query.c
 *	  Reading stored screening exams back with their results, by person,
 *	  institution, exam type and date, with paging (for the FHIR
 *	  Observation of a screening result and the API).
 */
#include <string.h>

#include "screening_episode_int.h"

#define EXAM_WHERE \
	" FROM screening_exam x JOIN screening_episode e ON e.id = x.episode_id" \
	" JOIN screening_programme p ON p.id = e.programme_id" \
	" WHERE (?1 = 0 OR x.id = ?1) AND (?2 = 0 OR x.person_id = ?2) AND (?3 = 0 OR x.institution_id = ?3)" \
	" AND (?4 IS NULL OR x.exam_type = ?4) AND (?5 IS NULL OR x.exam_date >= ?5)" \
	" AND (?6 IS NULL OR x.exam_date <= ?6) AND (?7 IS NULL OR x.exam_date < ?7 OR x.exam_date > ?8)"

static void
bind_query(fg_stmt *st, const void *query)
{
	const struct fg_screen_exam_query *q = query;
	char from[FG_DATE_TEXT_MAX], to[FG_DATE_TEXT_MAX];

	screening_bind_exclusion(st, 7, q->exclude, q->exclude_from, q->exclude_to);
	fg_stmt_bind_int64(st, 1, q->id);
	fg_stmt_bind_int64(st, 2, q->person_id);
	fg_stmt_bind_int64(st, 3, q->institution_id);
	fg_stmt_bind_text(st, 4, q->exam_type && q->exam_type[0] ? q->exam_type : NULL);
	fg_stmt_bind_text(st, 5, q->from != FG_DATE_NONE ? fg_date_format(q->from, from) : NULL);
	fg_stmt_bind_text(st, 6, q->to != FG_DATE_NONE ? fg_date_format(q->to, to) : NULL);
}

static fg_rc
read_exam(fg_stmt *st, struct fg_arena *arena, void *item, struct fg_error *err)
{
	struct fg_screen_exam *x = item;

	memset(x, 0, sizeof(*x));
	x->id = fg_stmt_int64(st, 0);
	x->episode_id = fg_stmt_int64(st, 1);
	x->person_id = fg_stmt_int64(st, 2);
	x->institution_id = fg_stmt_int64(st, 3);
	screening_text_at(st, 4, x->programme, sizeof(x->programme));
	screening_text_at(st, 5, x->exam_type, sizeof(x->exam_type));
	if ((x->exam_date = screening_date_at(st, 6)) == FG_DATE_NONE)
		return fg_error_set(err, FG_INTERNAL, "exam_date", "exam %lld has no valid date", (long long)x->id);
	x->findings = fg_arena_strdup(arena, fg_stmt_text(st, 7));
	if (x->findings == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading exams");
	screening_text_at(st, 8, x->scheme, sizeof(x->scheme));
	screening_text_at(st, 9, x->category, sizeof(x->category));
	screening_text_at(st, 10, x->management, sizeof(x->management));
	x->recall_months = fg_stmt_is_null(st, 11) ? FG_SCREEN_RECALL_NONE : (int)fg_stmt_int64(st, 11);
	x->positive = fg_stmt_int64(st, 12) == 1;
	x->referral = fg_stmt_int64(st, 13) == 1;
	return FG_OK;
}

fg_rc
fg_screen_exams_find(fg_store *store, const struct fg_screen_exam_query *q, struct fg_arena *arena,
		     struct fg_screen_exam_list *out, struct fg_error *err)
{
	const struct fg_store_page pg = {
		.what = "exams",
		.count_sql = "SELECT count(*)" EXAM_WHERE,
		.page_sql = "SELECT x.id, x.episode_id, x.person_id, x.institution_id, p.code,"
			    " x.exam_type, x.exam_date, x.findings, x.scheme, x.category, x.management,"
			    " x.recall_months, x.positive, x.referral" EXAM_WHERE
			    " ORDER BY x.exam_date DESC, x.id DESC LIMIT ?9 OFFSET ?10",
		.limit_param = 9, .query = q, .bind = bind_query, .read = read_exam,
		.item_size = sizeof(*out->items), .limit = q->limit, .offset = q->offset,
	};
	void *items;
	fg_rc rc = fg_store_page(store, &pg, arena, &items, &out->count, &out->total, err);

	out->items = items;
	return rc;
}
