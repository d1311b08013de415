/*
 * output_xlsx.h
 *	  Tables of the fangai command as Excel workbooks (.xlsx, through
 *	  libxlsxwriter), beside the text, CSV and JSON of output.h; the
 *	  parsing of the formats that go to a file.
 */
#ifndef FANGAI_OUTPUT_XLSX_H
#define FANGAI_OUTPUT_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "output.h"

/* Formats beyond those of output.h: an Excel workbook, an SVG chart. */
enum out_extra { OUT_EXTRA_NONE, OUT_EXTRA_XLSX, OUT_EXTRA_SVG };

/*
 * Parse --format: "table", "csv", "json" as out_format_parse, or "xlsx"
 * or "svg", which set *extra and *fmt to OUT_CSV (cells keep full
 * precision).  False if the format is unknown.
 */
bool out_format_parse_extra(const char *text, enum out_format *fmt, enum out_extra *extra);

/*
 * Write t to stdout in fmt, or, for OUT_EXTRA_XLSX, as a workbook with one
 * sheet named sheet to path (numeric columns as numbers).  Prints any
 * error and returns the exit status.  OUT_EXTRA_SVG is the caller's.
 */
int out_table_emit(const struct out_table *t, enum out_format fmt, enum out_extra extra,
		   const char *path, const char *sheet);

#endif
