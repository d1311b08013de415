/*
 * worklist.c
 *	  Worklists of a screening institution: recalls due or overdue, and the
 *	  failsafe list of people referred for diagnosis with no outcome after
 *	  the programme's delay.
 */
#include <stdlib.h>
#include <string.h>

#include "fangai/util.h"
#include "screening_episode_int.h"

/* The category of an episode's last exam. */
#define LAST_CATEGORY_SQL \
	" (SELECT x.category FROM screening_exam x WHERE x.episode_id = e.id ORDER BY x.id DESC LIMIT 1)"

static const char *const worklist_sql[] = {
	[FG_WORKLIST_RECALLS] =
		"SELECT e.id, e.person_id, e.institution_id, p.code, n.name, e.next_due, e.programme_id,"
		LAST_CATEGORY_SQL
		" FROM screening_episode e JOIN screening_programme p ON p.id = e.programme_id"
		" JOIN person n ON n.id = e.person_id"
		" WHERE e.state = 'recalled' AND e.closed_on IS NULL AND (?1 = 0 OR e.institution_id = ?1)"
		" AND e.next_due <= ?2 ORDER BY e.next_due, e.id",
	[FG_WORKLIST_FAILSAFE] =
		"SELECT e.id, e.person_id, e.institution_id, p.code, n.name, e.referred_on, e.programme_id,"
		LAST_CATEGORY_SQL
		" FROM screening_episode e JOIN screening_programme p ON p.id = e.programme_id"
		" JOIN person n ON n.id = e.person_id"
		" WHERE e.referred_on IS NOT NULL AND e.diagnosed_on IS NULL AND e.closed_on IS NULL"
		" AND (?1 = 0 OR e.institution_id = ?1) AND e.referred_on <= ?2 ORDER BY e.referred_on, e.id",
};

/* Whether row of the current statement belongs on the list; fills item. */
static fg_rc
keep_item(fg_screening *s, enum fg_worklist_kind kind, fg_stmt *st, fg_date as_of,
	  struct fg_screen_work_item *it, bool *keep, struct fg_error *err)
{
	const fg_programme *p;
	fg_rc rc;

	memset(it, 0, sizeof(*it));
	it->episode_id = fg_stmt_int64(st, 0);
	it->person_id = fg_stmt_int64(st, 1);
	it->institution_id = fg_stmt_int64(st, 2);
	fg_strlcpy(it->programme, fg_stmt_text(st, 3), sizeof(it->programme));
	fg_strlcpy(it->name, fg_stmt_text(st, 4), sizeof(it->name));
	fg_strlcpy(it->category, fg_stmt_text(st, 7) ? fg_stmt_text(st, 7) : "", sizeof(it->category));
	if (fg_date_parse(fg_stmt_text(st, 5), "date", &it->since, err) != FG_OK)
		return FG_INTERNAL;
	it->days = (int)(as_of - it->since);
	it->overdue = it->days > 0;
	*keep = true;
	if (kind == FG_WORKLIST_FAILSAFE) {
		rc = screening_programme_by_id(s, fg_stmt_int64(st, 6), &p, err);
		if (rc != FG_OK)
			return rc;
		*keep = it->days > fg_programme_info(p)->failsafe_days;
	}
	return FG_OK;
}

fg_rc
fg_screen_worklist(fg_screening *s, enum fg_worklist_kind kind, int64_t institution_id,
		   fg_date as_of, int within_days, struct fg_arena *arena,
		   struct fg_screen_worklist *out, struct fg_error *err)
{
	char until[FG_DATE_TEXT_MAX];
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(screening_store(s), worklist_sql[kind], &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, institution_id);
	fg_stmt_bind_text(st, 2, fg_date_format(kind == FG_WORKLIST_RECALLS ? as_of + within_days : as_of, until));
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_screen_work_item it;
		bool keep;

		rc = keep_item(s, kind, st, as_of, &it, &keep, err);
		if (rc != FG_OK)
			break;
		if (!keep)
			continue;
		if (out->count == cap) {
			struct fg_screen_work_item *grown = fg_arena_alloc(arena, (cap ? cap * 2 : 64) * sizeof(it));

			if (grown == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory building the worklist");
				break;
			}
			if (out->count)
				memcpy(grown, out->items, out->count * sizeof(it));
			out->items = grown;
			cap = cap ? cap * 2 : 64;
		}
		out->items[out->count++] = it;
	}
	fg_stmt_reset(st);
	return rc;
}
