/*
 * output_xlsx.c
 *	  Excel (.xlsx) output of tables: a header row in bold, numeric
 *	  columns written as numbers with two decimals shown.
 */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "cli.h"
#include "output_xlsx.h"

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

static lxw_error
write_cells(lxw_workbook *wb, lxw_worksheet *ws, const struct out_table *t)
{
	lxw_format *bold = workbook_add_format(wb), *decimals = workbook_add_format(wb);
	lxw_error rc = LXW_NO_ERROR;

	format_set_bold(bold);
	format_set_num_format(decimals, "0.00");
	for (int j = 0; rc == LXW_NO_ERROR && j < t->ncols; j++)
		rc = worksheet_write_string(ws, 0, (lxw_col_t)j, t->columns[j].name, bold);
	for (size_t i = 0; rc == LXW_NO_ERROR && i < t->nrows; i++)
		for (int j = 0; rc == LXW_NO_ERROR && j < t->ncols; j++) {
			const char *cell = t->rows[i][j];
			char *end = NULL;
			double v = strtod(cell, &end);

			if (*cell == '\0')
				continue;
			if (t->columns[j].numeric && *end == '\0')
				rc = worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, v,
							    v == (double)(long long)v ? NULL : decimals);
			else
				rc = worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, cell, NULL);
		}
	return rc;
}

int
out_workbook_emit(const char *path, const struct out_table *const *tables, const char *const *sheets,
		  size_t n)
{
	lxw_workbook *wb;
	lxw_error rc = LXW_NO_ERROR;

	if (path == NULL)
		return cli_usage_error(NULL, "an xlsx workbook needs --output FILE.xlsx");
	wb = workbook_new(path);
	if (wb == NULL) {
		fprintf(stderr, "fangai: error: could not create workbook \"%s\"\n", path);
		return EXIT_USAGE;
	}
	for (size_t i = 0; rc == LXW_NO_ERROR && i < n; i++) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, sheets[i]);

		rc = ws == NULL ? LXW_ERROR_MEMORY_MALLOC_FAILED : write_cells(wb, ws, tables[i]);
		if (rc == LXW_NO_ERROR)
			worksheet_freeze_panes(ws, 1, 0);
	}
	if (workbook_close(wb) != LXW_NO_ERROR || rc != LXW_NO_ERROR) {
		fprintf(stderr, "fangai: error: could not write workbook \"%s\": %s\n", path,
			lxw_strerror(rc != LXW_NO_ERROR ? rc : LXW_ERROR_CREATING_XLSX_FILE));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
out_table_emit(const struct out_table *t, enum out_format fmt, enum out_extra extra,
	       const char *path, const char *sheet)
{
	if (extra != OUT_EXTRA_XLSX) {
		out_table_print(t, fmt, stdout);
		return EXIT_OK;
	}
	return out_workbook_emit(path, &t, &sheet, 1);
}
