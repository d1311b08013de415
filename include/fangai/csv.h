/*
 * fangai/csv.h
 *	  Streaming CSV reader (RFC 4180): quoted fields, "" escapes, CRLF or
 *	  LF, a UTF-8 byte-order mark skipped.  Constant memory: a record may not
 *	  exceed the configured cap.  And the writer of the same CSV.
 *
 * Field texts belong to the reader and stay valid until the next read.
 */
#ifndef FANGAI_CSV_H
#define FANGAI_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fangai/error.h"

typedef struct fg_csv fg_csv;

struct fg_csv_options {
	char delimiter;		/* default ',' */
	bool comments;		/* skip lines starting with '#' (reference data files) */
	bool header;		/* the first record names the columns */
	size_t max_record;	/* bytes; default 1 MiB */
};

/*
 * Open path for reading ("-" reads stdin).  On success *out owns the
 * reader; close it with fg_csv_close().  With opts->header the header is
 * read at once (FG_INVALID if the file is empty).
 */
fg_rc fg_csv_open(const char *path, const struct fg_csv_options *opts,
		  fg_csv **out, struct fg_error *err);

/* As fg_csv_open, over an open stream that the caller keeps and closes. */
fg_rc fg_csv_open_stream(FILE *f, const char *name,
			 const struct fg_csv_options *opts, fg_csv **out,
			 struct fg_error *err);

/*
 * Read the next record: *row is false at the end of input.  A malformed
 * record (an unterminated quote, a record over the cap) gives FG_INVALID
 * naming the line.
 */
fg_rc fg_csv_read(fg_csv *csv, bool *row, struct fg_error *err);

/* Number of fields of the current record. */
size_t fg_csv_count(const fg_csv *csv);

/* Field i of the current record, "" when absent. */
const char *fg_csv_field(const fg_csv *csv, size_t i);

/* Index of the header column `name` (exact match), or -1. */
int fg_csv_column(const fg_csv *csv, const char *name);

/* Number of header columns (0 without a header). */
size_t fg_csv_header_count(const fg_csv *csv);

/* Name of header column i, "" when absent. */
const char *fg_csv_header_name(const fg_csv *csv, size_t i);

/* Line number where the current record starts (1-based). */
long fg_csv_line(const fg_csv *csv);

/* Number of data records read so far (the header excluded). */
long fg_csv_record(const fg_csv *csv);

/* Close the reader (and the file it opened).  Accepts NULL. */
void fg_csv_close(fg_csv *csv);

/*
 * Write one cell to f, preceded by a comma unless first: quoted, its quotes
 * doubled, when it holds a comma, a quote or a line break.  Returns the line
 * feeds it holds (the lines it spans, less one).
 */
long fg_csv_write_cell(FILE *f, const char *cell, bool first);

/* Write a record of n cells (NULL as "") and its line feed to f. */
void fg_csv_write_row(FILE *f, const char *const *cells, int n);

#endif
