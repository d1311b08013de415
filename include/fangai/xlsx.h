/*
 * fangai/xlsx.h
 *	  Excel workbooks (.xlsx) written sheet by sheet and row by row, in
 *	  constant memory (libxlsxwriter's constant_memory mode): a header row
 *	  in bold and frozen, cells of numeric columns written as numbers (two
 *	  decimals shown unless whole), others as text.
 */
#ifndef FANGAI_XLSX_H
#define FANGAI_XLSX_H

#include <stdbool.h>

#include "fangai/error.h"

typedef struct fg_xlsx fg_xlsx;

/*
 * Start a workbook to be written to path.  On success *out owns it: end it
 * with fg_xlsx_close().  FG_IO naming "output" if it cannot be created.
 */
fg_rc fg_xlsx_open(const char *path, fg_xlsx **out, struct fg_error *err);

/*
 * Start a sheet called name (at most 31 characters, none of []:*?/\) with
 * the header row of n column names; numeric[i] tells whether column i holds
 * numbers (NULL: none does; copied).  FG_INVALID naming "sheet" for a name
 * Excel refuses; FG_NOMEM.
 */
fg_rc fg_xlsx_sheet(fg_xlsx *x, const char *name, const char *const *columns, const bool *numeric, int n,
		    struct fg_error *err);

/*
 * Add a row of the current sheet: n cells (NULL or "" left empty; a cell of
 * a numeric column that is not a number is written as text).  FG_INVALID if
 * no sheet is started; FG_IO past Excel's 1,048,576 rows.
 */
fg_rc fg_xlsx_row(fg_xlsx *x, const char *const *cells, int n, struct fg_error *err);

/*
 * Write the workbook to its file and free it.  FG_IO naming "output" if it
 * cannot be written (the file is then incomplete).  Accepts NULL.
 */
fg_rc fg_xlsx_close(fg_xlsx *x, struct fg_error *err);

#endif
