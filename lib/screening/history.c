/*
 * history.c
 *	  A person's screening history for the timeline: the episodes with
 *	  their state, the risk questionnaires and the classified exams.
 */
#include <string.h>

#include "fangai/screening.h"
#include "fangai/util.h"

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
read_event(fg_stmt *st, struct fg_screen_event *e)
{
	memset(e, 0, sizeof(*e));
	fg_strlcpy(e->kind, fg_stmt_text(st, 0), sizeof(e->kind));
	e->id = fg_stmt_int64(st, 1);
	e->episode_id = fg_stmt_int64(st, 2);
	e->institution_id = fg_stmt_int64(st, 3);
	fg_strlcpy(e->programme, fg_stmt_text(st, 4), sizeof(e->programme));
	e->on = column_date(st, 5);
	e->closed = column_date(st, 6);
	fg_strlcpy(e->state, fg_stmt_text(st, 7), sizeof(e->state));
	fg_strlcpy(e->exam_type, fg_stmt_text(st, 8), sizeof(e->exam_type));
	fg_strlcpy(e->category, fg_stmt_text(st, 9), sizeof(e->category));
	e->flag = (int)fg_stmt_int64(st, 10);
}

fg_rc
fg_screen_history(fg_store *store, int64_t person_id, size_t max, struct fg_arena *arena,
		  struct fg_screen_events *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->items = fg_arena_alloc(arena, (max ? max : 1) * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for %zu screening events", max);
	rc = fg_store_prepare(store,
			      "SELECT 'episode', e.id, e.id, e.institution_id, pr.code, e.started_on, e.closed_on,"
			      " e.state || coalesce(' ' || e.end_code, ''), '', '', -1"
			      " FROM screening_episode e JOIN screening_programme pr ON pr.id = e.programme_id"
			      " WHERE e.person_id = ?1"
			      " UNION ALL SELECT 'questionnaire', q.id, q.episode_id, q.institution_id, pr.code,"
			      " q.answered_on, NULL, '', '', '', q.high_risk"
			      " FROM screening_questionnaire q JOIN screening_episode e ON e.id = q.episode_id"
			      " JOIN screening_programme pr ON pr.id = e.programme_id WHERE q.person_id = ?1"
			      " UNION ALL SELECT 'exam', x.id, x.episode_id, x.institution_id, pr.code, x.exam_date, NULL,"
			      " '', x.exam_type, coalesce(x.category, ''), coalesce(x.positive, -1)"
			      " FROM screening_exam x JOIN screening_episode e ON e.id = x.episode_id"
			      " JOIN screening_programme pr ON pr.id = e.programme_id WHERE e.person_id = ?1"
			      " ORDER BY 6, 2 LIMIT ?2", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person_id);
	fg_stmt_bind_int64(st, 2, (int64_t)max);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && out->count < max)
		read_event(st, &out->items[out->count++]);
	fg_stmt_reset(st);
	return rc;
}
