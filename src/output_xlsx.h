/*
 * output_xlsx.h
 *	  Tables of the fangai command as Excel workbooks (.xlsx, through
 *	  libxlsxwriter), beside the text, CSV and JSON of output.h.
 */
#ifndef FANGAI_OUTPUT_XLSX_H
#define FANGAI_OUTPUT_XLSX_H

#include <stdbool.h>

#include "output.h"

/*
 * Parse --format: "table", "csv", "json" as out_format_parse, or "xlsx",
 * which sets *xlsx and *fmt to OUT_CSV (cells keep full precision).
 * False if the format is unknown.
 */
bool out_format_parse_xlsx(const char *text, enum out_format *fmt, bool *xlsx);

/*
 * Write t to stdout in fmt, or, when xlsx, as a workbook with one sheet
 * named sheet to path (numeric columns as numbers).  Prints any error
 * and returns the exit status.
 */
int out_table_emit(const struct out_table *t, enum out_format fmt, bool xlsx,
		   const char *path, const char *sheet);

#endif
