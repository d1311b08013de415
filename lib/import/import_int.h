/*
 * import_int.h
 *	  Shared internals of bulk import: the UTF-8 stream over an import file,
 *	  and the kinds of record an import can hold.
 */
#ifndef FANGAI_IMPORT_INT_H
#define FANGAI_IMPORT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fangai/error.h"
#include "fangai/import.h"
#include "fangai/store.h"

struct conv;

struct import_source {
	const char *path;
	char encoding[16];
	char fingerprint[48];
	int64_t size;
	FILE *raw;		/* the file's bytes */
	FILE *f;		/* UTF-8: raw itself, or a converting stream over it */
	struct conv *conv;
};

/*
 * Open path as UTF-8 text in s: encoding named (NULL or "" detects), with
 * the file's fingerprint when asked.  Close with import_source_close().
 */
fg_rc import_source_open(struct import_source *s, const char *path, const char *encoding,
			 bool with_fingerprint, struct fg_error *err);

/* Bytes of the file consumed so far. */
int64_t import_source_offset(const struct import_source *s);

/* FG_IO naming the byte offset if undecodable bytes ended the stream early. */
fg_rc import_source_check(const struct import_source *s, struct fg_error *err);

void import_source_close(struct import_source *s);

#define IMPORT_MAX_FIELDS 24
#define IMPORT_MAX_ITEMS 48

/*
 * A row as mapped fields: value[f] is "" when the file has no such column
 * (programme and exam_type then take the option of that name).  Kinds
 * with items also get the row's other columns as named items.
 */
struct import_row {
	const char *value[IMPORT_MAX_FIELDS];
	const char *item_name[IMPORT_MAX_ITEMS];
	const char *item_value[IMPORT_MAX_ITEMS];
	int nitems;
	const char *institution;	/* the row's owner: its column or the option */
	const char *key;		/* source key */
	const char *source;		/* source system of the file */
	char hash[17];			/* of the mapped values and items */
};

/* The line of the user's file where each data row of a whole table starts. */
struct import_lines {
	long *line;
	size_t count, cap;
};

/*
 * The row and line a message of the library names ("... at line N of
 * ..."), by lines; both 0 when it names none.
 */
void import_lines_locate(const struct import_lines *lines, const char *message, long *row,
			 long *line);

/* What storing a row did. */
enum import_outcome { OUT_INSERTED, OUT_MATCHED, OUT_UPDATED, OUT_UNCHANGED };

/* What writing a new row in bulk did: its target, owner and outcome. */
struct import_written {
	int64_t target;
	char district[8];
	int64_t institution;
	enum import_outcome outcome;
	bool merged;			/* target was merged into another person */
};

struct import_kind {
	const char *name;			/* "persons": mapping file and source_record.kind */
	const char *const *fields;		/* NULL-terminated; "source_key" and "institution" too */
	const char *const *required;		/* fields whose column must exist */
	const char *key_field;			/* field used as key when there is no source_key */
	/*
	 * The columns mapped to no field are items of the record (answers of a
	 * questionnaire, findings of an exam), named by their heading or by
	 * the mapping file; a heading mapped to "-" is left out.
	 */
	bool items;
	/* Load what the kind's checks need into *ctx (may be NULL: none). */
	fg_rc (*open)(fg_store *store, void **ctx, struct fg_error *err);
	/* Free *ctx of open(); may be NULL. */
	void (*close)(void *ctx);
	/*
	 * Check a row without storing it (existing: the target of its source
	 * key, 0 if none; the row differs from what that stored): FG_INVALID
	 * (or FG_CONFLICT) refuses the row, naming the field in err.
	 */
	fg_rc (*validate)(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
			  struct fg_error *err);
	/*
	 * Store a row: existing is the target of its source key (0: none); the
	 * row differs from what that stored.  Sets *target, *outcome, and the
	 * owner's district (8 bytes) and id.
	 */
	fg_rc (*store)(fg_store *store, void *ctx, const struct import_row *row, int64_t existing,
		       int64_t *target, char *district, int64_t *institution,
		       enum import_outcome *outcome, struct fg_error *err);
	/*
	 * Bulk writes, for backends where a round trip per row costs (may be
	 * NULL: every row goes through store).  prepare checks a row whose
	 * source key is new, as store would, into prep (prep_size bytes)
	 * without writing it; write_new then stores n prepared rows at once,
	 * all or nothing, filling out[0..n-1].  FG_CONFLICT from write_new
	 * (a concurrent writer) makes the caller store those rows one by one.
	 */
	/*
	 * The tables write_new fills, NULL-terminated (may be NULL): the first
	 * empty, a first load defers their indexes (fg_store_defer_indexes()).
	 */
	const char *const *load_tables;
	/*
	 * A first load begins, of about expected_rows rows: write_new need only
	 * look up what the load's earlier batches wrote (may be NULL).
	 */
	fg_rc (*first_load)(void *ctx, uint64_t expected_rows, struct fg_error *err);
	/* Refreshes the statistics of the columns write_new looks up (PostgreSQL). */
	const char *analyse;
	size_t prep_size;
	fg_rc (*prepare)(fg_store *store, void *ctx, const struct import_row *row, void *prep,
			 struct fg_error *err);
	fg_rc (*write_new)(fg_store *store, void *ctx, const void *preps, size_t n,
			   struct import_written *out, struct fg_error *err);
	/*
	 * Instead of rows: a table the library imports whole (populations, life
	 * tables).  path is the file as UTF-8 CSV with the fields as headings,
	 * each row on the line it has in the user's file (lines: where each
	 * row starts), file the name to give in messages.  Sets
	 * report->inserted; each problem found goes to opts->problem.
	 */
	fg_rc (*whole)(fg_store *store, const char *path, const char *file,
		       const struct import_lines *lines, const struct fg_import_options *opts,
		       struct fg_import_report *report, struct fg_error *err);
};

extern const struct import_kind import_persons, import_deaths, import_tumours, import_treatments,
	import_populations, import_life_tables, import_questionnaires, import_exams, import_followups;

/* How a kind's store function is called (struct import_kind.store). */
typedef fg_rc (*import_store_fn)(fg_store *store, void *ctx, const struct import_row *row,
				 int64_t existing, int64_t *target, char *district,
				 int64_t *institution, enum import_outcome *outcome,
				 struct fg_error *err);

/*
 * Check a row by storing it with fn in a savepoint: a refused row is
 * rolled back at once; an accepted one stays in the check's transaction
 * (rolled back whole after the check), so that later rows of the file are
 * checked against what the earlier ones did.
 */
fg_rc import_check_by_storing(fg_store *store, void *ctx, const struct import_row *row,
			      int64_t existing, import_store_fn fn, struct fg_error *err);

/* How a row names a record of another kind. */
struct import_reference {
	int column, key_column;		/* fields: the record's id, or its key in the source */
	const char *what, *key_field;	/* their names */
	const char *kind;		/* the kind the key was imported as */
};

/*
 * The record the row names, by id (given as is) or by its key in the row's
 * source, as text in out (32 bytes).  FG_INVALID naming the field when
 * neither is given or no record was imported with the key.
 */
fg_rc import_resolve(fg_store *store, const struct import_row *row,
		     const struct import_reference *ref, char *out, struct fg_error *err);

struct fg_person;

/*
 * The person the row names through ref (by record id, resident ID number
 * or key in the source) into *person, its reference as text in ref_out (32
 * bytes).  A refusal names the row's field: ref->what or ref->key_field.
 */
fg_rc import_person(fg_store *store, const struct import_row *row, const struct import_reference *ref,
		    char *ref_out, struct fg_person *person, struct fg_error *err);

/*
 * rc, a refusal about the record ref names (rc FG_INVALID or FG_CONFLICT)
 * moved to the row's field that named it: ref->key_field when the row gave
 * the key, else ref->what.
 */
fg_rc import_reference_refused(const struct import_row *row, const struct import_reference *ref,
			       fg_rc rc, struct fg_error *err);

/*
 * FG_CONFLICT naming source_key: a stored record of kind `what` (a tumour,
 * an exam, a contact...) whose row changed is not rewritten by an import.
 */
fg_rc import_refuse_change(const struct import_row *row, const char *what, int64_t existing,
			   struct fg_error *err);

/* A reference the library could not find refuses the row, like a bad value. */
fg_rc import_refusal(fg_rc rc);

/*
 * The record a key of `source` imported as `kind` (persons, tumours...)
 * became: *target its id, 0 when the key is unknown.
 */
fg_rc import_source_target(fg_store *store, const char *source, const char *kind,
			   const char *key, int64_t *target, struct fg_error *err);

/* FG_INVALID naming "institution" when the row has no owning institution. */
fg_rc import_need_institution(const struct import_row *row, struct fg_error *err);

/* Index of field `name` in kind->fields, or -1. */
int import_field(const struct import_kind *kind, const char *name);

/*
 * FG_INVALID naming "district" unless district is NULL, "" or 2, 4 or 6
 * digits: a province, a city or a county (GB/T 2260), for an export.
 */
fg_rc export_district_check(const char *district, struct fg_error *err);

#endif
