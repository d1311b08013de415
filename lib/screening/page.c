/*
 * page.c
 *	  Helpers of the screening read queries: a page of rows with the total
 *	  count of matches, reading nullable date and text columns, and binding
 *	  the dates a search leaves out.
 */
#include <string.h>

#include "fangai/util.h"
#include "screening_episode_int.h"

fg_date
screening_date_at(fg_stmt *st, int col)
{
	fg_date d;

	if (fg_stmt_is_null(st, col) || fg_date_parse(fg_stmt_text(st, col), "date", &d, NULL) != FG_OK)
		return FG_DATE_NONE;
	return d;
}

void
screening_text_at(fg_stmt *st, int col, char *dst, size_t dstsz)
{
	fg_strlcpy(dst, fg_stmt_is_null(st, col) ? "" : fg_stmt_text(st, col), dstsz);
}

fg_rc
screening_page(fg_store *store, const struct screening_page *pg, struct fg_arena *arena, void **items,
	       size_t *count, int64_t *total, struct fg_error *err)
{
	size_t cap;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*items = NULL;
	*count = 0;
	rc = fg_store_prepare(store, pg->count_sql, &st, err);
	if (rc != FG_OK)
		return rc;
	pg->bind(st, pg->query);
	if ((rc = fg_stmt_scalar_int64(st, total, NULL, err)) != FG_OK)
		return rc;
	cap = (size_t)(pg->limit > 0 && pg->limit < *total ? pg->limit : *total);
	if (cap == 0)
		return FG_OK;
	*items = fg_arena_alloc(arena, cap * pg->item_size);
	if (*items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading %s", pg->what);
	rc = fg_store_prepare(store, pg->page_sql, &st, err);
	if (rc != FG_OK)
		return rc;
	pg->bind(st, pg->query);
	fg_stmt_bind_int64(st, pg->limit_param, pg->limit > 0 ? pg->limit : *total);
	fg_stmt_bind_int64(st, pg->limit_param + 1, pg->offset);
	while (rc == FG_OK && *count < cap && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		rc = pg->read(st, arena, (char *)*items + (*count)++ * pg->item_size, err);
	fg_stmt_reset(st);
	return rc;
}

void
screening_bind_exclusion(fg_stmt *st, int param, bool exclude, fg_date from, fg_date to)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];

	if (!exclude)
		return;
	fg_stmt_bind_text(st, param, fg_date_format(from, a));
	fg_stmt_bind_text(st, param + 1, fg_date_format(to, b));
}
