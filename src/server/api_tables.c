/*
 * api_tables.c
 *	  POST /api/tables/xlsx: the table behind a chart of the web UI as an
 *	  Excel workbook.  The body is {"name", "header": [...], "rows":
 *	  [[...], ...]} of strings and numbers (what the UI also offers as CSV);
 *	  numbers become numeric cells.  libxlsxwriter 1.1 writes only to files,
 *	  so the workbook is written to a temporary file, removed once open, and
 *	  sent from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "fangai/util.h"
#include "api_clinical.h"

#define TABLE_MAX_COLS 64
#define TABLE_MAX_ROWS 100000
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Check the body's shape; replies 400 naming the member and returns false. */
static bool
table_check(struct request *req, json_object *body, json_object **header, json_object **rows)
{
	static const char *const members[] = {"name", "header", "rows", NULL};
	size_t ncols;

	if (!json_only_members(req, body, members))
		return false;
	if (!json_object_object_get_ex(body, "header", header) || !json_object_is_type(*header, json_type_array) ||
	    (ncols = json_object_array_length(*header)) == 0 || ncols > TABLE_MAX_COLS) {
		reply_error(req, 400, "header", "header must be an array of 1 to 64 column names", NULL, NULL);
		return false;
	}
	if (!json_object_object_get_ex(body, "rows", rows) || !json_object_is_type(*rows, json_type_array) ||
	    json_object_array_length(*rows) > TABLE_MAX_ROWS) {
		reply_error(req, 400, "rows", "rows must be an array of at most 100000 rows", NULL, NULL);
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(*rows); i++) {
		json_object *row = json_object_array_get_idx(*rows, i);

		if (!json_object_is_type(row, json_type_array) || json_object_array_length(row) > ncols) {
			reply_error(req, 400, "rows",
				    fg_arena_printf(req->arena, "row %zu must be an array of at most %zu cells", i + 1, ncols),
				    NULL, NULL);
			return false;
		}
	}
	return true;
}

/* One cell: a JSON number as a number, anything else as its text; null stays empty. */
static lxw_error
write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, json_object *v, lxw_format *fmt)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return LXW_NO_ERROR;
	case json_type_int:
	case json_type_double:
		return worksheet_write_number(ws, r, c, json_object_get_double(v), NULL);
	default:
		return worksheet_write_string(ws, r, c, json_object_get_string(v), fmt);
	}
}

/* Write the workbook to path; LXW_NO_ERROR on success. */
static lxw_error
table_write(const char *path, const char *sheet, json_object *header, json_object *rows)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_error rc = LXW_NO_ERROR;

	if (wb == NULL)
		return LXW_ERROR_CREATING_XLSX_FILE;
	ws = workbook_add_worksheet(wb, sheet);
	if (ws == NULL) {
		workbook_close(wb);
		return LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED;
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (size_t j = 0; rc == LXW_NO_ERROR && j < json_object_array_length(header); j++)
		rc = write_cell(ws, 0, (lxw_col_t)j, json_object_array_get_idx(header, j), bold);
	for (size_t i = 0; rc == LXW_NO_ERROR && i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		for (size_t j = 0; rc == LXW_NO_ERROR && j < json_object_array_length(row); j++)
			rc = write_cell(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, json_object_array_get_idx(row, j), NULL);
	}
	if (rc != LXW_NO_ERROR) {
		workbook_close(wb);
		return rc;
	}
	return workbook_close(wb);
}

/* Reply with the workbook at path, sent from the file (unlinked); false when it cannot be opened. */
static bool
reply_workbook(struct request *req, const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return false;
	reply_file(req, 200, XLSX_TYPE, f);
	return true;
}

/* The sheet name from name: at most 31 characters (not bytes) and none of []:*?/\\ (Excel's rule). */
static void
sheet_name(json_object *name, char *out, size_t outsz)
{
	const char *text = json_object_get_string(name);
	size_t chars = 0;

	if (!json_object_is_type(name, json_type_string) || text[0] == '\0' || strpbrk(text, "[]:*?/\\") != NULL)
		return;
	for (const char *c = text; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (chars <= 31)
		fg_strlcpy(out, text, outsz);
}

void
api_tables_xlsx(struct request *req)
{
	json_object *body = req_json_body(req), *header = NULL, *rows = NULL, *name;
	char path[512], sheet[128] = "table";
	FILE *f;

	if (body == NULL)
		return;
	if (!table_check(req, body, &header, &rows))
		goto out;
	if (json_object_object_get_ex(body, "name", &name))
		sheet_name(name, sheet, sizeof(sheet));
	if ((f = server_temp_file("fangai-table", path, sizeof(path))) == NULL) {
		reply_error(req, 500, NULL, "could not create a temporary file for the workbook", NULL, NULL);
		goto out;
	}
	fclose(f);	/* libxlsxwriter writes the workbook by its path */
	if (table_write(path, sheet, header, rows) != LXW_NO_ERROR || !reply_workbook(req, path))
		reply_error(req, 500, NULL, "could not write the workbook", NULL, NULL);
	else
		reply_header(req, "Content-Disposition", "attachment; filename=\"table.xlsx\"");
	unlink(path);
	audit_note(req, "export", "ok", "table.xlsx?rows=%zu", json_object_array_length(rows));
out:
	json_object_put(body);
}
