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

/* A row as mapped fields: value[f] is "" when the file has no such column. */
struct import_row {
	const char *value[IMPORT_MAX_FIELDS];
	const char *institution;	/* the row's owner: its column or the option */
	const char *key;		/* source key */
	const char *source;		/* source system of the file */
	char hash[17];			/* of the mapped values */
};

/* What storing a row did. */
enum import_outcome { OUT_INSERTED, OUT_MATCHED, OUT_UPDATED, OUT_UNCHANGED };

/* What writing a new row in bulk did: its target, owner and outcome. */
struct import_written {
	int64_t target;
	char district[8];
	int64_t institution;
	enum import_outcome outcome;
};

struct import_kind {
	const char *name;			/* "persons": mapping file and source_record.kind */
	const char *const *fields;		/* NULL-terminated; "source_key" and "institution" too */
	const char *const *required;		/* fields whose column must exist */
	const char *key_field;			/* field used as key when there is no source_key */
	/* Load what the kind's checks need into *ctx (may be NULL: none). */
	fg_rc (*open)(void **ctx, struct fg_error *err);
	/* Free *ctx of open(); may be NULL. */
	void (*close)(void *ctx);
	/*
	 * Check a row without storing it: FG_INVALID (or FG_CONFLICT) refuses
	 * the row, naming the field in err.
	 */
	fg_rc (*validate)(fg_store *store, void *ctx, const struct import_row *row,
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
	 * file the name to give in messages.  Sets report->inserted; each
	 * problem found goes to opts->problem.
	 */
	fg_rc (*whole)(fg_store *store, const char *path, const char *file,
		       const struct fg_import_options *opts, struct fg_import_report *report,
		       struct fg_error *err);
};

extern const struct import_kind import_persons, import_deaths, import_tumours, import_treatments,
	import_populations, import_life_tables;

/*
 * The record a key of `source` imported as `kind` (persons, tumours...)
 * became: *target its id, 0 when the key is unknown.
 */
fg_rc import_source_target(fg_store *store, const char *source, const char *kind,
			   const char *key, int64_t *target, struct fg_error *err);

/* FG_INVALID naming "institution" when the row has no owning institution. */
fg_rc import_need_institution(const struct import_row *row, struct fg_error *err);

/*
 * Run the query `select`, whose text ends with "column IN (" and whose
 * parameters before that are the nfixed texts of fixed, for keys[0..n-1]
 * (several statements of a fixed number of keys; NULL keys match
 * nothing); found(userdata, st) reads each row the statements yield.
 */
fg_rc import_lookup_keys(fg_store *store, const char *select, const char *const *fixed,
			 int nfixed, const char *const *keys, size_t n,
			 void (*found)(void *userdata, fg_stmt *st), void *userdata,
			 struct fg_error *err);

/* Index of field `name` in kind->fields, or -1. */
int import_field(const struct import_kind *kind, const char *name);

#endif
