/*
 * page.c
 *	  Helpers of the screening read queries: reading nullable date and
 *	  text columns.
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
