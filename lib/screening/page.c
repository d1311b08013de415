/*
 * page.c
 *	  Helpers of the screening read queries: reading nullable date and
 *	  text columns, and binding the dates a search leaves out.
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
void
screening_bind_exclusion(fg_stmt *st, int param, bool exclude, fg_date from, fg_date to)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];

	if (!exclude)
		return;
	fg_stmt_bind_text(st, param, fg_date_format(from, a));
	fg_stmt_bind_text(st, param + 1, fg_date_format(to, b));
}
