/*
 * output.h
 *	  Tabular results of the fangai command as an aligned text table, CSV
 *	  (RFC 4180) or JSON (an array of objects).
 */
#ifndef FANGAI_OUTPUT_H
#define FANGAI_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "fangai/arena.h"

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

struct out_column {
	const char *name;
	bool numeric;		/* right-aligned; a JSON number when it parses as one */
};

struct out_table {
	struct fg_arena *arena;
	const struct out_column *columns;
	int ncols;
	const char ***rows;	/* rows[i][j], in the arena */
	size_t nrows, cap;
};

/* Parse "table", "csv" or "json" (NULL gives table); false if unknown. */
bool out_format_parse(const char *text, enum out_format *out);

/* Start an empty table over columns (which must outlive it). */
void out_table_init(struct out_table *t, struct fg_arena *arena,
		    const struct out_column *columns, int ncols);

/* Append a row of ncols cells, copied into the arena; false when out of memory. */
bool out_table_add(struct out_table *t, const char *const *cells);

/* Write the table to f in the given format. */
void out_table_print(const struct out_table *t, enum out_format fmt, FILE *f);

/* Display width of UTF-8 text in terminal columns (CJK counts two). */
int out_text_width(const char *s);

#endif
