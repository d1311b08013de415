/*
 * xlsx.c
 *	  Workbooks written row by row through libxlsxwriter in constant_memory
 *	  mode: each row goes to a temporary file as it is added, so a sheet of
 *	  a million rows needs no more memory than one of ten.
 */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "fangai/util.h"
#include "fangai/xlsx.h"

struct fg_xlsx {
	lxw_workbook *book;
	lxw_worksheet *sheet;		/* the current sheet, or NULL */
	lxw_format *bold, *decimals;
	bool *numeric;			/* of the current sheet's columns (malloc), or NULL */
	int ncolumns;
	lxw_row_t next;			/* the next row of the current sheet */
	lxw_error failed;		/* the first error of libxlsxwriter */
};

fg_rc
fg_xlsx_open(const char *path, fg_xlsx **out, struct fg_error *err)
{
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = getenv("TMPDIR")};
	fg_xlsx *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (x == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (opts.tmpdir != NULL && opts.tmpdir[0] == '\0')
		opts.tmpdir = NULL;
	x->book = workbook_new_opt(path, &opts);
	if (x->book == NULL) {
		free(x);
		return fg_error_set(err, FG_IO, "output", "could not create workbook \"%s\"", path);
	}
	x->bold = workbook_add_format(x->book);
	x->decimals = workbook_add_format(x->book);
	format_set_bold(x->bold);
	format_set_num_format(x->decimals, "0.00");
	*out = x;
	return FG_OK;
}

/* Record libxlsxwriter's rc; FG_IO naming "output" for the first failure. */
static fg_rc
check(fg_xlsx *x, lxw_error rc, struct fg_error *err)
{
	if (rc == LXW_NO_ERROR)
		return FG_OK;
	if (x->failed == LXW_NO_ERROR)
		x->failed = rc;
	return fg_error_set(err, FG_IO, "output", "could not write the workbook: %s", lxw_strerror(rc));
}

fg_rc
fg_xlsx_sheet(fg_xlsx *x, const char *name, const char *const *columns, const bool *numeric, int n,
	      struct fg_error *err)
{
	lxw_error rc = workbook_validate_sheet_name(x->book, name);

	if (rc != LXW_NO_ERROR)
		return fg_error_set(err, FG_INVALID, "sheet", "invalid sheet name \"%s\": %s", name,
				    lxw_strerror(rc));
	x->sheet = workbook_add_worksheet(x->book, name);
	if (x->sheet == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory adding sheet \"%s\"", name);
	free(x->numeric);
	x->numeric = NULL;
	x->ncolumns = 0;
	if (numeric != NULL && n > 0) {
		x->numeric = malloc((size_t)n * sizeof(*x->numeric));
		if (x->numeric == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory adding sheet \"%s\"", name);
		memcpy(x->numeric, numeric, (size_t)n * sizeof(*x->numeric));
		x->ncolumns = n;
	}
	x->next = 1;
	worksheet_freeze_panes(x->sheet, 1, 0);
	for (int j = 0; rc == LXW_NO_ERROR && j < n; j++)
		rc = worksheet_write_string(x->sheet, 0, (lxw_col_t)j, columns[j], x->bold);
	return check(x, rc, err);
}

/* Whether v is a whole number (shown without decimals); the range keeps the cast defined. */
static bool
whole(double v)
{
	return v > -9e15 && v < 9e15 && v == (double)(long long)v;
}

/* Write cell j of the current row: a number if its column is numeric and it is one. */
static lxw_error
write_cell(fg_xlsx *x, int j, const char *cell)
{
	char *end = NULL;
	double v;

	if (cell == NULL || *cell == '\0')
		return LXW_NO_ERROR;
	if (x->numeric != NULL && j < x->ncolumns && x->numeric[j]) {
		v = strtod(cell, &end);
		if (*end == '\0')
			return worksheet_write_number(x->sheet, x->next, (lxw_col_t)j, v, whole(v) ? NULL : x->decimals);
	}
	return worksheet_write_string(x->sheet, x->next, (lxw_col_t)j, cell, NULL);
}

fg_rc
fg_xlsx_row(fg_xlsx *x, const char *const *cells, int n, struct fg_error *err)
{
	lxw_error rc = LXW_NO_ERROR;

	if (x->sheet == NULL)
		return fg_error_set(err, FG_INVALID, "sheet", "a row was added before any sheet");
	if (x->next >= LXW_ROW_MAX)
		return fg_error_set(err, FG_IO, "output", "a sheet holds at most %u rows", (unsigned)LXW_ROW_MAX);
	for (int j = 0; rc == LXW_NO_ERROR && j < n; j++)
		rc = write_cell(x, j, cells[j]);
	x->next++;
	return check(x, rc, err);
}

fg_rc
fg_xlsx_close(fg_xlsx *x, struct fg_error *err)
{
	lxw_error rc;

	if (x == NULL)
		return FG_OK;
	rc = workbook_close(x->book);
	if (rc == LXW_NO_ERROR)
		rc = x->failed;
	free(x->numeric);
	free(x);
	return rc == LXW_NO_ERROR ? FG_OK
				  : fg_error_set(err, FG_IO, "output", "could not write the workbook: %s", lxw_strerror(rc));
}
