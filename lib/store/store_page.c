/*
 * store_page.c
 *	  A paged read on either backend: the count of the matches, then one
 *	  page of rows read into an array in the caller's arena.
 */
#include "fangai/store.h"

fg_rc
fg_store_page(fg_store *store, const struct fg_store_page *pg, struct fg_arena *arena, void **items,
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
