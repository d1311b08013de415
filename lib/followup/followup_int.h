/*
 * followup_int.h
 *	  Helpers shared by the files of lib/followup.
 */
#ifndef FANGAI_FOLLOWUP_INT_H
#define FANGAI_FOLLOWUP_INT_H

#include "fangai/date.h"
#include "fangai/followup.h"
#include "fangai/store.h"

/* Step a statement that returns no rows wanted (INSERT, UPDATE) and reset it. */
fg_rc followup_run(fg_stmt *st, struct fg_error *err);

/* A date column (FG_DATE_NONE when NULL or not a date). */
fg_date followup_date_at(fg_stmt *st, int col);

/*
 * The page statements of a paged read in each enum fg_followup_order:
 * select (the columns and the criteria) ordered by the date column, then
 * id, or by id alone, followed by page (its LIMIT and OFFSET).
 */
#define FOLLOWUP_ORDERED(select, date, id, page) { \
	[FG_FOLLOWUP_BY_DATE] = select " ORDER BY " date ", " id page, \
	[FG_FOLLOWUP_BY_DATE_DESC] = select " ORDER BY " date " DESC, " id " DESC" page, \
	[FG_FOLLOWUP_BY_ID] = select " ORDER BY " id page, \
	[FG_FOLLOWUP_BY_ID_DESC] = select " ORDER BY " id " DESC" page, \
}

/*
 * The statements of a paged read along one access path: the criteria
 * (where, which binds ?1 the id, ?2 the person and ?3 the institution)
 * led by the one the path's index serves, so that a read by id, a
 * person's rows or an institution's do not scan the table.
 */
struct followup_path {
	const char *count_sql;
	const char *pages[4];		/* by enum fg_followup_order */
};

enum { FOLLOWUP_PATH_ID, FOLLOWUP_PATH_PERSON, FOLLOWUP_PATH_INSTITUTION, FOLLOWUP_PATH_SCAN, FOLLOWUP_PATHS };

#define FOLLOWUP_PATH(columns, from, where, date, id, page) \
	{"SELECT count(*) " from where, FOLLOWUP_ORDERED(columns " " from where, date, id, page)}

/*
 * Run the paged read pg along the path of paths (FOLLOWUP_PATHS of them)
 * that serves the id, person or institution asked for (0: not asked), in
 * order.
 */
fg_rc followup_page(fg_store *store, struct fg_store_page pg, const struct followup_path *paths, int64_t id,
		    int64_t person, int64_t institution, enum fg_followup_order order, struct fg_arena *arena,
		    void **items, size_t *count, int64_t *total, struct fg_error *err);

#endif
