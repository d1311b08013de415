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

/* Run the paged read pg with the page statement of order among pages (FOLLOWUP_ORDERED). */
fg_rc followup_page(fg_store *store, struct fg_store_page pg, const char *const pages[4],
		    enum fg_followup_order order, struct fg_arena *arena, void **items, size_t *count,
		    int64_t *total, struct fg_error *err);

#endif
