/*
 * fangai/import.h
 *	  Bulk import of CSV files into the registry: persons, death records,
 *	  tumours and their first-course treatments, screening questionnaires
 *	  and exams, and follow-up contacts row by row; population denominators
 *	  and life tables as whole tables.
 *
 * A file is read as a stream in constant memory, in UTF-8 or GB18030/GBK
 * (detected, or named), with or without a byte-order mark.  Its column
 * headings, Chinese or English, are mapped to fields by a mapping file
 * (data/import/<kind>.csv).  Every row is validated through the library;
 * each refused row is reported (row, field, value, reason, detail).  Without
 * skip_bad_rows a file with any refused row stores nothing.
 *
 * Re-importing is idempotent: each record is remembered by its key in the
 * source system (the source_key column, else the resident ID number), so
 * that the same record updates what it stored before instead of adding a
 * duplicate.  Rows are committed in batches together with the count of
 * rows done: an import that was interrupted resumes after the last
 * committed batch when run again on the same file, losing and doubling
 * nothing.
 */
#ifndef FANGAI_IMPORT_H
#define FANGAI_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fangai/error.h"
#include "fangai/store.h"

enum fg_import_kind {
	FG_IMPORT_PERSONS, FG_IMPORT_DEATHS, FG_IMPORT_TUMOURS, FG_IMPORT_TREATMENTS,
	FG_IMPORT_POPULATIONS, FG_IMPORT_LIFE_TABLES, FG_IMPORT_QUESTIONNAIRES, FG_IMPORT_EXAMS,
	FG_IMPORT_FOLLOWUPS,
};

/* A refused row, or a file-level problem (row 0). */
struct fg_import_problem {
	long row;		/* data row, 1-based, the header excluded */
	long line;		/* line of the file where the row starts */
	const char *field;	/* field at fault, "" if none */
	const char *value;	/* its value as read, "" if none */
	const char *reason;	/* the error message */
	const char *detail;	/* its detail, "" if none */
};

enum fg_import_phase {
	FG_IMPORT_CHECKING,	/* the check of every row before writing */
	FG_IMPORT_WRITING,
	FG_IMPORT_DUPLICATES,	/* the duplicate check of the persons added */
};

struct fg_import_progress {
	enum fg_import_phase phase;
	int64_t rows;		/* rows read so far in this phase; persons checked for duplicates */
	int64_t bytes;		/* bytes of the file read; for duplicates, persons checked */
	int64_t total_bytes;	/* the file's size; for duplicates, the persons to check */
};

struct fg_import_options {
	enum fg_import_kind kind;
	const char *path;
	const char *encoding;		/* "UTF-8", "GB18030", "GBK"; NULL detects */
	const char *mapping;		/* heading mapping file; NULL: data/import/<kind>.csv */
	const char *source;		/* source system (life tables: the table's name);
					   NULL: the file's base name */
	const char *institution;	/* owner (id or USCC) unless the file names one per row */
	bool institution_only;		/* a row naming another institution than that one is
					   refused (for a user bound to its institution); a kind
					   without institutions (populations, life tables,
					   follow-up contacts) is refused whole */
	const char *programme;		/* questionnaires, exams: unless a column names it */
	const char *exam_type;		/* exams: unless a column names it */
	bool skip_bad_rows;
	int batch_rows;			/* rows per transaction; 0: 50000 */
	/*
	 * Persons into a registry that holds none yet (a first load): the
	 * whole file in one transaction, the indexes that enforce nothing
	 * built after the rows (several times quicker).  A load interrupted
	 * leaves nothing, not even a batch to resume: run again, it starts
	 * over.  Other writers wait for it, on PostgreSQL readers of the
	 * persons too.  Otherwise ignored.
	 */
	bool first_load;
	/*
	 * Persons: check those the import added for duplicates, as at
	 * registration (fg_link_check_import()), once they are stored.
	 */
	bool check_duplicates;
	/* Called for each refused row; may be NULL. */
	void (*problem)(const struct fg_import_problem *p, void *userdata);
	/* Called after each committed batch (and while validating, and checking for duplicates); may be NULL. */
	void (*progress)(const struct fg_import_progress *p, void *userdata);
	void *userdata;
};

struct fg_import_report {
	int64_t batch_id;
	char encoding[16];		/* as detected or named */
	char ignored[256];		/* headings mapped to no field, comma-separated */
	bool resumed;
	int64_t resumed_after;		/* rows done by the interrupted run */
	int64_t rows;			/* data rows in the file */
	int64_t inserted, matched, updated, unchanged, rejected;
	/* check_duplicates: persons checked (0 while no linkage model is kept), possible duplicates found */
	int64_t duplicates_checked, duplicates_found;
};

/*
 * The kind named by text ("persons", "deaths", "tumours", "treatments",
 * "populations", "life-tables", "questionnaires", "exams", "followups");
 * false if none.
 */
bool fg_import_kind_parse(const char *text, enum fg_import_kind *out);

/* The name of kind k ("persons" ...); NULL past the last kind. */
const char *fg_import_kind_name(size_t k);

/*
 * Import opts->path into store.  On FG_OK *report says what happened.
 * Without skip_bad_rows, refused rows give FG_INVALID after every row has
 * been checked and reported, and nothing is stored.  FG_IO for an
 * unreadable file or undecodable bytes (naming the byte offset);
 * FG_INVALID for a heading mapping that lacks a required field.
 * Populations and life tables are checked and stored whole by their
 * library (fg_population_import, replacing the cells given; fg_ratetable_save
 * under the name opts->source): all or nothing, whatever skip_bad_rows.
 */
fg_rc fg_import_run(fg_store *store, const struct fg_import_options *opts,
		    struct fg_import_report *report, struct fg_error *err);

/*
 * Detect the encoding of the start of a file: "UTF-8" when it is valid
 * UTF-8 (a byte-order mark included), else "GB18030" (a superset of GBK
 * and GB2312).  FG_IO if the file cannot be read.
 */
fg_rc fg_import_detect_encoding(const char *path, char *out, size_t outsz,
				struct fg_error *err);

/*
 * A text file read as UTF-8: converted from GB18030/GBK or another
 * encoding iconv knows (named, or detected when encoding is NULL or "").
 * On success *out owns the file; close it with fg_text_close().  FG_IO if
 * the file cannot be opened, FG_INVALID for an unsupported encoding.
 */
typedef struct fg_text fg_text;

fg_rc fg_text_open(const char *path, const char *encoding, fg_text **out,
		   struct fg_error *err);

/* The UTF-8 stream; it belongs to t. */
FILE *fg_text_stream(fg_text *t);

/* The encoding named or detected ("UTF-8", "GB18030"...).  Belongs to t. */
const char *fg_text_encoding(const fg_text *t);

/*
 * After reading: FG_IO naming the byte offset if bytes that do not decode
 * ended the stream early (the stream then looks like a short file).
 */
fg_rc fg_text_check(const fg_text *t, struct fg_error *err);

/* Close the file.  Accepts NULL. */
void fg_text_close(fg_text *t);

/* ---- Export of the registry's lists ---- */

struct fg_export_column {
	const char *name;
	bool numeric;		/* a number (written as one in a workbook) */
};

/* The rows of a list to export, and how. */
struct fg_export_filter {
	const char *district;	/* rows of districts whose code starts with it (2, 4 or 6 digits);
				   NULL or "": all */
	int64_t institution_id;	/* rows owned by that institution; 0: all.  Populations have no
				   owner: all of them */
	bool mask;		/* the columns id_number and phone masked as fg_mask_id_number()
				   and fg_mask_phone() do */
};

/*
 * Called for each row of a list with its cells ("" for a missing value),
 * valid until it returns; a result other than FG_OK stops the export and is
 * returned by fg_export_run().
 */
typedef fg_rc (*fg_export_row_fn)(const char *const *cells, int ncells, void *userdata,
				  struct fg_error *err);

/* Name of the i-th list (persons, tumours, ... canreg5); NULL past the last. */
const char *fg_export_list_name(size_t i);

/* The columns of list `name`, static, and their number; NULL if no such list. */
const struct fg_export_column *fg_export_columns(const char *name, int *ncolumns);

/*
 * Stream list `name` row by row to fn, in a stable order, keeping the rows
 * the filter keeps (NULL: all, unmasked).  FG_INVALID naming "list" for an
 * unknown list, "district" for a prefix that is not 2, 4 or 6 digits; else
 * what the store or fn returned.
 */
fg_rc fg_export_run(fg_store *store, const char *name, const struct fg_export_filter *filter,
		    fg_export_row_fn fn, void *userdata, struct fg_error *err);

/*
 * Called at the start of each sheet of a workbook with its name and
 * columns (static); a result other than FG_OK stops the export.
 */
typedef fg_rc (*fg_export_sheet_fn)(const char *name, const struct fg_export_column *columns,
				    int ncolumns, void *userdata, struct fg_error *err);

/*
 * The registry workbook a population-based cancer registry reports to the
 * National Cancer Center (全国肿瘤登记年报 data): for year `year` and the
 * districts whose code starts with `district` (NULL or "": all), the sheets
 * "incidence" (new cases: tumours by incidence date) and "deaths" (death
 * records by date and underlying cause), each one row per registry site
 * group (data/registry/site-groups.csv, totals included) and sex (1 male,
 * 2 female, 0 both) with the count in each of the 19 age groups, the
 * total, the population and the crude rate per 100,000; and "population",
 * one row per sex with the 19 age groups and the total.  Counts come from
 * the stats library (fg_incidence_read_store_cases).  Each sheet is
 * announced to sheet, then its rows go to row.  FG_NOTFOUND when no
 * population of the year and districts is stored; FG_INVALID naming the
 * record for a tumour or death that cannot be counted, "district" for a
 * prefix that is not 2, 4 or 6 digits.
 */
fg_rc fg_export_ncc(fg_store *store, int year, const char *district, fg_export_sheet_fn sheet,
		    fg_export_row_fn row, void *userdata, struct fg_error *err);

/* A list written to a file. */
struct fg_export_request {
	const char *list;		/* a name of fg_export_list_name(), or "ncc" */
	struct fg_export_filter filter;	/* ncc: its district only */
	int year;			/* ncc: the year reported */
	bool xlsx;			/* a workbook of one sheet named after the list (ncc: of
					   its sheets) written to path; else CSV with a header row to
					   out (not for ncc) */
	const char *path;
	FILE *out;
};

/*
 * Write the list rq asks for, row by row in constant memory; *rows counts
 * the rows written (header rows aside).  FG_INVALID naming "format" for ncc
 * as CSV; FG_IO naming "output" when the file cannot be written (it is then
 * incomplete); else what fg_export_run() or fg_export_ncc() return.
 */
fg_rc fg_export_write(fg_store *store, const struct fg_export_request *rq, int64_t *rows,
		      struct fg_error *err);

#endif
