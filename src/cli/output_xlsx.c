/*
 * output_xlsx.c
 *	  Excel (.xlsx) output of tables, through the library's workbook
 *	  writer (fangai/xlsx.h): numeric columns written as numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/xlsx.h"
#include "output_xlsx.h"

#define OUT_XLSX_MAX_COLUMNS 256

bool
out_format_parse_extra(const char *text, enum out_format *fmt, enum out_extra *extra)
{
	*extra = OUT_EXTRA_NONE;
	if (text != NULL && strcmp(text, "xlsx") == 0)
		*extra = OUT_EXTRA_XLSX;
	else if (text != NULL && strcmp(text, "svg") == 0)
		*extra = OUT_EXTRA_SVG;
	else
		return out_format_parse(text, fmt);
	*fmt = OUT_CSV;
	return true;
}

/* Write t as the one sheet of a workbook at path. */
static fg_rc
write_workbook(const char *path, const struct out_table *t, const char *sheet, struct fg_error *err)
{
	const char *names[OUT_XLSX_MAX_COLUMNS];
	bool numeric[OUT_XLSX_MAX_COLUMNS];
	fg_xlsx *x = NULL;
	fg_rc rc;

	if (t->ncols > OUT_XLSX_MAX_COLUMNS)
		return fg_error_set(err, FG_INVALID, "format", "a workbook of %d columns is too wide", t->ncols);
	for (int j = 0; j < t->ncols; j++) {
		names[j] = t->columns[j].name;
		numeric[j] = t->columns[j].numeric;
	}
	rc = fg_xlsx_open(path, &x, err);
	if (rc == FG_OK)
		rc = fg_xlsx_sheet(x, sheet, names, numeric, t->ncols, err);
	for (size_t i = 0; rc == FG_OK && i < t->nrows; i++)
		rc = fg_xlsx_row(x, t->rows[i], t->ncols, err);
	if (x != NULL && fg_xlsx_close(x, rc == FG_OK ? err : NULL) != FG_OK && rc == FG_OK)
		rc = FG_IO;
	return rc;
}

int
out_table_emit(const struct out_table *t, enum out_format fmt, enum out_extra extra,
	       const char *path, const char *sheet)
{
	struct fg_error err;

	if (extra != OUT_EXTRA_XLSX) {
		out_table_print(t, fmt, stdout);
		return EXIT_OK;
	}
	if (path == NULL)
		return cli_usage_error(NULL, "an xlsx workbook needs --output FILE.xlsx");
	return write_workbook(path, t, sheet, &err) == FG_OK ? EXIT_OK : cli_report(&err);
}
