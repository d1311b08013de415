/*
 * import.c
 *	  The import run: heading mapping, validation of every row, batched and
 *	  resumable writes, idempotence through source-record keys.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fangai/arena.h"
#include "fangai/bloom.h"
#include "fangai/csv.h"
#include "fangai/import.h"
#include "fangai/institution.h"
#include "fangai/linkage.h"
#include "fangai/util.h"
#include "import_int.h"

#define DEFAULT_BATCH 50000
#define PROGRESS_EVERY 4096
/*
 * SQLite page cache of an import's connection, so that a batch's index pages
 * stay in memory; statement journals in memory too, not in temporary files.
 */
#define IMPORT_CACHE_KIB "131072"

struct run {
	fg_store *store;
	const struct fg_import_options *opts;
	const struct import_kind *kind;
	struct fg_import_report *report;
	struct import_source src;
	fg_csv *csv;
	int col[IMPORT_MAX_FIELDS];	/* CSV column of each field, -1 if none */
	int nfields;
	int item_col[IMPORT_MAX_ITEMS];	/* CSV column of each item */
	char item_name[IMPORT_MAX_ITEMS][64];
	int nitems;
	char source[128];
	int64_t batch_id;
	struct fg_institution owner;	/* the institution named by the option (id 0: none) */
	bool checking;			/* the check: keys seen are kept in import_checked */
	bool first_load;		/* the whole file in one transaction, checked as written */
	struct fg_bloom keys_seen;	/* a first load: the source keys of its batches (perhaps) */
	int64_t done;			/* rows committed */
	void *ctx;			/* what the kind's checks need */
	struct bulk *bulk;		/* rows gathered for a bulk write; NULL: row by row */
};

static const struct import_kind *const kinds[] = {
	[FG_IMPORT_PERSONS] = &import_persons,
	[FG_IMPORT_DEATHS] = &import_deaths,
	[FG_IMPORT_TUMOURS] = &import_tumours,
	[FG_IMPORT_TREATMENTS] = &import_treatments,
	[FG_IMPORT_POPULATIONS] = &import_populations,
	[FG_IMPORT_LIFE_TABLES] = &import_life_tables,
	[FG_IMPORT_QUESTIONNAIRES] = &import_questionnaires,
	[FG_IMPORT_EXAMS] = &import_exams,
	[FG_IMPORT_FOLLOWUPS] = &import_followups,
};

bool
fg_import_kind_parse(const char *text, enum fg_import_kind *out)
{
	for (size_t i = 0; text && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(text, kinds[i]->name) == 0) {
			*out = (enum fg_import_kind)i;
			return true;
		}
	}
	return false;
}

const char *
fg_import_kind_name(size_t k)
{
	return k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k]->name : NULL;
}

int
import_field(const struct import_kind *kind, const char *name)
{
	for (int f = 0; kind->fields[f]; f++)
		if (strcmp(kind->fields[f], name) == 0)
			return f;
	return -1;
}

/* ---- headings ---- */

static void
trim(char *s)
{
	size_t n = strlen(s), k = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[k]))
		k++;
	memmove(s, s + k, n - k + 1);
}

/* What a heading feeds by the mapping file: *target ("" when the file does not list it). */
static fg_rc
mapped_target(const char *mapping, const char *heading, char *target, size_t targetsz,
	      struct fg_error *err)
{
	struct fg_csv_options o = {.comments = true, .header = true};
	fg_csv *m = NULL;
	bool row = true;
	fg_rc rc;

	target[0] = '\0';
	rc = fg_csv_open(mapping, &o, &m, err);
	while (rc == FG_OK && target[0] == '\0' && (rc = fg_csv_read(m, &row, err)) == FG_OK && row)
		if (strcasecmp(fg_csv_field(m, 1), heading) == 0)
			fg_strlcpy(target, fg_csv_field(m, 0), targetsz);
	fg_csv_close(m);
	return rc;
}

static void
note_ignored(struct fg_import_report *rep, const char *heading)
{
	size_t n = strlen(rep->ignored);

	snprintf(rep->ignored + n, sizeof(rep->ignored) - n, "%s%s", n ? "," : "", heading);
}

/* Column i feeds the item `name` of the record. */
static fg_rc
add_item(struct run *r, size_t i, const char *name, struct fg_error *err)
{
	if (r->nitems == IMPORT_MAX_ITEMS) {
		fg_error_set(err, FG_INVALID, name, "\"%s\" has more than %d item columns", r->opts->path,
			     IMPORT_MAX_ITEMS);
		fg_error_hint(err, "Map the columns that are not part of the record to \"-\" in the mapping file.");
		return FG_INVALID;
	}
	fg_strlcpy(r->item_name[r->nitems], name, sizeof(r->item_name[0]));
	r->item_col[r->nitems++] = (int)i;
	return FG_OK;
}

/*
 * Map column i, of heading `heading` (trimmed): to the field the mapping
 * names; for a kind with items, to the item it names or, unlisted, to the
 * item of the heading's name; else it is not imported.
 */
static fg_rc
map_heading(struct run *r, const char *mapping, size_t i, const char *heading, struct fg_error *err)
{
	char target[64];
	int f;
	fg_rc rc = mapped_target(mapping, heading, target, sizeof(target), err);

	if (rc != FG_OK)
		return rc;
	f = target[0] ? import_field(r->kind, target) : -1;
	if (f >= 0) {
		if (r->col[f] < 0)
			r->col[f] = (int)i;
		return FG_OK;
	}
	if (strcmp(target, "-") == 0 || (!r->kind->items && target[0] == '\0')) {
		note_ignored(r->report, heading);
		return FG_OK;
	}
	if (r->kind->items)
		return add_item(r, i, target[0] ? target : heading, err);
	fg_error_set(err, FG_INVALID, "mapping", "field \"%s\" of mapping \"%s\" does not exist", target,
		     mapping);
	fg_error_detail(err, "It is given for the heading \"%s\".", heading);
	return FG_INVALID;
}

static fg_rc
map_headings(struct run *r, struct fg_error *err)
{
	char mapping[1024];
	fg_rc rc = FG_OK;

	if (r->opts->mapping)
		fg_strlcpy(mapping, r->opts->mapping, sizeof(mapping));
	else
		snprintf(mapping, sizeof(mapping), "%s/import/%s.csv", fg_datadir(), r->kind->name);
	for (r->nfields = 0; r->kind->fields[r->nfields]; r->nfields++)
		r->col[r->nfields] = -1;
	r->nitems = 0;
	r->report->ignored[0] = '\0';
	for (size_t i = 0; rc == FG_OK && i < fg_csv_header_count(r->csv); i++) {
		char heading[256];

		fg_strlcpy(heading, fg_csv_header_name(r->csv, i), sizeof(heading));
		trim(heading);
		rc = map_heading(r, mapping, i, heading, err);
	}
	for (int k = 0; rc == FG_OK && r->kind->required[k]; k++) {
		if (r->col[import_field(r->kind, r->kind->required[k])] >= 0)
			continue;
		fg_error_set(err, FG_INVALID, r->kind->required[k], "no column of \"%s\" gives the %s",
			     r->opts->path, r->kind->required[k]);
		if (r->opts->mapping)
			fg_error_hint(err, "Name the column with a heading listed in %s.", mapping);
		else
			fg_error_hint(err, "Name the column with a heading listed in data/import/%s.csv,"
				      " or give a mapping with --mapping.", r->kind->name);
		return FG_INVALID;
	}
	return rc;
}

/* ---- rows ---- */

/* The option standing in for field f when the row leaves it empty, or "". */
static const char *
option_default(const struct run *r, int f)
{
	const char *name = r->kind->fields[f], *v = NULL;

	if (strcmp(name, "programme") == 0)
		v = r->opts->programme;
	else if (strcmp(name, "exam_type") == 0)
		v = r->opts->exam_type;
	return v ? v : "";
}

static const char *
field_value(const struct run *r, int f)
{
	const char *v;

	if (f < 0)
		return "";
	v = r->col[f] >= 0 ? fg_csv_field(r->csv, (size_t)r->col[f]) : "";
	return *v ? v : option_default(r, f);
}

/* The value of field or item `name` in row, or "". */
static const char *
row_value(const struct run *r, const struct import_row *row, const char *name)
{
	int f = name[0] ? import_field(r->kind, name) : -1;

	if (f >= 0)
		return row->value[f];
	for (int k = 0; name[0] && k < row->nitems; k++)
		if (strcmp(row->item_name[k], name) == 0)
			return row->item_value[k];
	return "";
}

static uint64_t
hash_text(uint64_t h, const char *s)
{
	for (const char *p = s; ; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001B3ULL;
		if (*p == '\0')
			return h;
	}
}

static void
read_row(const struct run *r, struct import_row *row, char *keybuf, size_t keysz)
{
	uint64_t h = 0xCBF29CE484222325ULL;
	int key_field = import_field(r->kind, "source_key");

	for (int f = 0; f < r->nfields; f++) {
		row->value[f] = field_value(r, f);
		h = hash_text(h, row->value[f]);
	}
	row->nitems = r->nitems;
	for (int k = 0; k < r->nitems; k++) {
		row->item_name[k] = r->item_name[k];
		row->item_value[k] = fg_csv_field(r->csv, (size_t)r->item_col[k]);
		h = hash_text(hash_text(h, row->item_name[k]), row->item_value[k]);
	}
	snprintf(row->hash, sizeof(row->hash), "%016llx", (unsigned long long)h);
	row->source = r->source;
	row->institution = field_value(r, import_field(r->kind, "institution"));
	if (*row->institution == '\0')
		row->institution = r->opts->institution;
	if (*field_value(r, key_field))
		snprintf(keybuf, keysz, "%s", field_value(r, key_field));
	else if (*field_value(r, import_field(r->kind, r->kind->key_field)))
		snprintf(keybuf, keysz, "%s:%s", r->kind->key_field,
			 field_value(r, import_field(r->kind, r->kind->key_field)));
	else
		snprintf(keybuf, keysz, "row:%s", row->hash);
	trim(keybuf);
	row->key = keybuf;
}

/* Where a row was in the file. */
struct place {
	long record, line;
};

static struct place
here(const struct run *r)
{
	return (struct place){fg_csv_record(r->csv), fg_csv_line(r->csv)};
}

/* Report a refused row; in a batch kept, also record it there. */
static fg_rc
refuse(struct run *r, const struct import_row *row, struct place at, const struct fg_error *e,
       struct fg_error *err)
{
	struct fg_import_problem p = {
		.row = at.record, .line = at.line, .field = e->field,
		.value = row_value(r, row, e->field), .reason = e->message, .detail = e->detail,
	};
	fg_stmt *st;
	fg_rc rc;

	r->report->rejected++;
	if (r->opts->problem)
		r->opts->problem(&p, r->opts->userdata);
	if (r->batch_id == 0 || r->checking)
		return FG_OK;
	rc = fg_store_prepare(r->store, "INSERT INTO import_error (batch_id, row, line, field, value,"
			      " reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, r->batch_id);
	fg_stmt_bind_int64(st, 2, p.row);
	fg_stmt_bind_int64(st, 3, p.line);
	fg_stmt_bind_text(st, 4, p.field);
	fg_stmt_bind_text(st, 5, p.value);
	fg_stmt_bind_text(st, 6, p.reason);
	fg_stmt_bind_text(st, 7, p.detail[0] ? p.detail : NULL);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

static void
progress(const struct run *r, bool checking)
{
	struct fg_import_progress p = {
		.phase = checking ? FG_IMPORT_CHECKING : FG_IMPORT_WRITING, .rows = fg_csv_record(r->csv),
		.bytes = import_source_offset(&r->src), .total_bytes = r->src.size,
	};

	if (r->opts->progress)
		r->opts->progress(&p, r->opts->userdata);
}

static fg_rc
open_file(struct run *r, struct fg_error *err)
{
	struct fg_csv_options o = {.header = true};
	fg_rc rc;

	rc = import_source_open(&r->src, r->opts->path, r->opts->encoding, true, err);
	if (rc != FG_OK)
		return rc;
	fg_strlcpy(r->report->encoding, r->src.encoding, sizeof(r->report->encoding));
	rc = fg_csv_open_stream(r->src.f, r->opts->path, &o, &r->csv, err);
	if (rc == FG_OK)
		rc = import_source_check(&r->src, err);
	if (rc == FG_OK)
		rc = map_headings(r, err);
	return rc;
}

static void
close_file(struct run *r)
{
	fg_csv_close(r->csv);
	r->csv = NULL;
	import_source_close(&r->src);
}

/* ---- batches ---- */

/* Parameters 1-4: what identifies a run over a file, to resume it. */
static void
bind_identity(const struct run *r, fg_stmt *st)
{
	fg_stmt_bind_text(st, 1, r->kind->name);
	fg_stmt_bind_text(st, 2, r->source);
	fg_stmt_bind_text(st, 3, r->src.fingerprint);
	fg_stmt_bind_int64(st, 4, r->opts->skip_bad_rows);
}

static fg_rc
find_resumable(struct run *r, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	rc = fg_store_prepare(r->store, "SELECT id, rows_done, inserted, matched, updated, unchanged,"
			      " rejected FROM import_batch WHERE kind = ?1 AND source = ?2 AND fingerprint = ?3"
			      " AND skip_bad_rows = ?4 AND state = 'running' ORDER BY id DESC LIMIT 1", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_identity(r, st);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		r->batch_id = fg_stmt_int64(st, 0);
		r->done = fg_stmt_int64(st, 1);
		r->report->inserted = fg_stmt_int64(st, 2);
		r->report->matched = fg_stmt_int64(st, 3);
		r->report->updated = fg_stmt_int64(st, 4);
		r->report->unchanged = fg_stmt_int64(st, 5);
		r->report->rejected = fg_stmt_int64(st, 6);
		r->report->resumed = true;
		r->report->resumed_after = r->done;
	}
	fg_stmt_reset(st);
	return rc;
}

/*
 * The batch number of the check, which stores no batch: it only tells the
 * keys the check has seen (import_checked) from those of the batches kept.
 */
#define CHECK_BATCH (-1)
#define CREATE_CHECKED \
	"CREATE TEMPORARY TABLE import_checked (source_key TEXT PRIMARY KEY, row_hash TEXT NOT NULL)"

/* Open the run's batch, numbered by the store, as r->batch_id. */
static fg_rc
start_batch(struct run *r, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(r->store, "INSERT INTO import_batch (kind, source, fingerprint, skip_bad_rows,"
			      " file_name, encoding, state, started_at, institution_id)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_identity(r, st);
	fg_stmt_bind_text(st, 5, r->opts->path);
	fg_stmt_bind_text(st, 6, r->src.encoding);
	fg_stmt_bind_text(st, 7, fg_utc_now(now));
	if (r->owner.id)	/* the batch belongs to the institution of the option */
		fg_stmt_bind_int64(st, 8, r->owner.id);
	return fg_stmt_scalar_int64(st, &r->batch_id, NULL, err);
}

/* Open the run's batch before its first write, if not yet open. */
static fg_rc
have_batch(struct run *r, struct fg_error *err)
{
	return r->batch_id != 0 ? FG_OK : start_batch(r, err);
}

/* Record the rows done and the counts, in the batch's transaction. */
static fg_rc
save_batch(struct run *r, bool finished, struct fg_error *err)
{
	const struct fg_import_report *rep = r->report;
	char now[32];
	fg_stmt *st;
	fg_rc rc = have_batch(r, err);

	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(r->store, "UPDATE import_batch SET rows_done = ?, inserted = ?, matched = ?,"
			      " updated = ?, unchanged = ?, rejected = ?, state = ?, finished_at = ?"
			      " WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, r->done);
	fg_stmt_bind_int64(st, 2, rep->inserted);
	fg_stmt_bind_int64(st, 3, rep->matched);
	fg_stmt_bind_int64(st, 4, rep->updated);
	fg_stmt_bind_int64(st, 5, rep->unchanged);
	fg_stmt_bind_int64(st, 6, rep->rejected);
	fg_stmt_bind_text(st, 7, finished ? "done" : "running");
	fg_stmt_bind_text(st, 8, finished ? fg_utc_now(now) : NULL);
	fg_stmt_bind_int64(st, 9, r->batch_id);
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

/* What the store holds of a source key. */
struct known {
	bool found;
	int64_t target;		/* the record it became; 0 if unknown (or only checked) */
	int64_t batch_id;	/* the run that last saw it */
	char hash[17];		/* of the row then */
};

static fg_rc
find_source_key(fg_store *store, const char *source, const char *kind, const char *key,
		struct known *k, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	memset(k, 0, sizeof(*k));
	rc = fg_store_prepare(store, "SELECT target_id, row_hash, batch_id FROM source_record"
			      " WHERE source = ? AND kind = ? AND source_key = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, source);
	fg_stmt_bind_text(st, 2, kind);
	fg_stmt_bind_text(st, 3, key);
	rc = fg_stmt_step(st, &k->found, err);
	if (rc == FG_OK && k->found) {
		k->target = fg_stmt_int64(st, 0);
		fg_strlcpy(k->hash, fg_stmt_text(st, 1), sizeof(k->hash));
		k->batch_id = fg_stmt_int64(st, 2);
	}
	fg_stmt_reset(st);
	return rc;
}

/* A key the check has seen: found, in this run, with the hash of its row then. */
static fg_rc
find_checked(struct run *r, const char *key, struct known *k, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	rc = fg_store_prepare(r->store, "SELECT row_hash FROM import_checked WHERE source_key = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, key);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		k->found = true;
		k->batch_id = r->batch_id;
		fg_strlcpy(k->hash, fg_stmt_text(st, 0), sizeof(k->hash));
	}
	fg_stmt_reset(st);
	return rc;
}

/* What the store holds of the key, and in the check what the check saw of it. */
static fg_rc
find_key(struct run *r, const char *key, struct known *k, struct fg_error *err)
{
	fg_rc rc = find_source_key(r->store, r->source, r->kind->name, key, k, err);

	return rc == FG_OK && r->checking ? find_checked(r, key, k, err) : rc;
}

fg_rc
import_source_target(fg_store *store, const char *source, const char *kind, const char *key,
		     int64_t *target, struct fg_error *err)
{
	struct known k;
	fg_rc rc = find_source_key(store, source, kind, key, &k, err);

	*target = k.target;
	return rc;
}

fg_rc
import_need_institution(const struct import_row *row, struct fg_error *err)
{
	if (row->institution != NULL && *row->institution != '\0')
		return FG_OK;
	fg_error_set(err, FG_INVALID, "institution", "institution is missing");
	fg_error_hint(err, "Give the owning institution with --institution, or an institution column.");
	return FG_INVALID;
}

/*
 * Remember the row's key as seen by this run: in source_record, or in the
 * check in import_checked (a key the check has not seen yet).
 */
static fg_rc
remember_key(struct run *r, const struct import_row *row, bool known, int64_t target,
	     const char *district, int64_t institution, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	if (r->checking) {
		rc = fg_store_prepare(r->store, "INSERT INTO import_checked (source_key, row_hash) VALUES (?, ?)",
				      &st, err);
		if (rc != FG_OK)
			return rc;
		fg_stmt_bind_text(st, 1, row->key);
		fg_stmt_bind_text(st, 2, row->hash);
		return fg_stmt_scalar_int64(st, NULL, NULL, err);
	}
	if (known)
		rc = fg_store_prepare(r->store, "UPDATE source_record SET target_id = ?1, row_hash = ?2,"
				      " batch_id = ?3 WHERE source = ?4 AND kind = ?5 AND source_key = ?6",
				      &st, err);
	else
		rc = fg_store_prepare(r->store, "INSERT INTO source_record (target_id, row_hash, batch_id,"
				      " source, kind, source_key, district, institution_id)"
				      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, target);
	fg_stmt_bind_text(st, 2, row->hash);
	fg_stmt_bind_int64(st, 3, r->batch_id);
	fg_stmt_bind_text(st, 4, r->source);
	fg_stmt_bind_text(st, 5, r->kind->name);
	fg_stmt_bind_text(st, 6, row->key);
	if (!known) {
		fg_stmt_bind_text(st, 7, district);
		if (institution)	/* else NULL: a key only checked */
			fg_stmt_bind_int64(st, 8, institution);
	}
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

/*
 * Look up the row's source key in *k.  FG_CONFLICT naming source_key (in
 * e) when an earlier row of this run carried the key with other values:
 * which of them the source means cannot be told.
 */
static fg_rc
check_key(struct run *r, const struct import_row *row, struct known *k, struct fg_error *e,
	  struct fg_error *err)
{
	fg_rc rc = find_key(r, row->key, k, err);

	if (rc != FG_OK || !k->found || k->batch_id != r->batch_id || strcmp(k->hash, row->hash) == 0)
		return rc;
	fg_error_set(e, FG_CONFLICT, "source_key", "source key \"%s\" is repeated with other values", row->key);
	fg_error_detail(e, "An earlier row of \"%s\" carries the same key.", r->opts->path);
	fg_error_hint(e, "Give each record of the source one row, or its own key.");
	return FG_CONFLICT;
}

/*
 * In a first load without skip_bad_rows, the first row refused turns the
 * rest of the run into the check: nothing more is written (the load is
 * rolled back at its end), and the keys seen from then on are remembered
 * in import_checked, beside those the load wrote.
 */
static fg_rc
check_from_now(struct run *r, struct fg_error *err)
{
	if (!r->first_load || r->opts->skip_bad_rows || r->checking)
		return FG_OK;
	r->checking = true;
	if (r->batch_id == 0)
		r->batch_id = CHECK_BATCH;
	return fg_store_exec(r->store, CREATE_CHECKED, err);
}

/* Whether to write: asked to, and the run has not turned into the check. */
static bool
writing(const struct run *r, bool write)
{
	return write && !r->checking;
}

/*
 * A row refused (in e; rc its code) while checking (check) or storing:
 * reported, and FG_OK, when the run goes on past it (the check, a first
 * load, or skip_bad_rows); else the import's error.
 */
static fg_rc
refused(struct run *r, const struct import_row *row, struct place at, bool check, fg_rc rc,
	const struct fg_error *e, struct fg_error *err)
{
	if ((rc == FG_INVALID || rc == FG_CONFLICT) && (check || r->first_load || r->opts->skip_bad_rows)) {
		fg_rc done = check_from_now(r, err);

		return done == FG_OK ? refuse(r, row, at, e, err) : done;
	}
	if (e->code != FG_OK)
		*err = *e;
	return rc;
}

/*
 * An import bound to its institution (institution_only) refuses a row whose
 * institution column names another one, by id or USCC.
 */
static fg_rc
check_owner(const struct run *r, const struct import_row *row, struct fg_error *e)
{
	int64_t id = 0;

	if (!r->opts->institution_only || row->institution == r->opts->institution ||
	    strcmp(row->institution, r->owner.uscc) == 0 ||
	    (fg_parse_int64(row->institution, "institution", 1, INT64_MAX, &id, NULL) == FG_OK && id == r->owner.id))
		return FG_OK;
	fg_error_set(e, FG_INVALID, "institution", "cannot import records of institution \"%s\"", row->institution);
	fg_error_hint(e, "Import your own institution's records: leave the institution column empty or out.");
	return FG_INVALID;
}

static void
count_outcome(struct fg_import_report *rep, enum import_outcome outcome)
{
	rep->inserted += outcome == OUT_INSERTED;
	rep->matched += outcome == OUT_MATCHED;
	rep->updated += outcome == OUT_UPDATED;
	rep->unchanged += outcome == OUT_UNCHANGED;
}

/*
 * Check or store (write) one row, found at `at` in the file, through its
 * source key: inserted, matched, updated or unchanged.  A refused row is
 * reported and gives FG_OK when the run goes on past it (the check, or
 * skip_bad_rows), else its error.  A row the store holds unchanged is only
 * marked as seen by this run, as is a key checked.
 */
static fg_rc
take_row(struct run *r, const struct import_row *row, struct place at, bool write,
	 struct fg_error *err)
{
	enum import_outcome outcome = OUT_UNCHANGED;
	char district[8] = "";
	int64_t target, institution = 0;
	struct known k;
	struct fg_error e;
	bool unchanged;
	fg_rc rc;

	write = writing(r, write);
	fg_error_clear(&e);
	rc = write ? have_batch(r, err) : FG_OK;
	if (rc != FG_OK)
		return rc;
	rc = check_owner(r, row, &e);
	if (rc != FG_OK)
		return refused(r, row, at, !write, rc, &e, err);
	rc = check_key(r, row, &k, &e, err);
	target = k.target;
	unchanged = k.found && strcmp(k.hash, row->hash) == 0;
	if (rc == FG_OK && !unchanged && write)
		rc = r->kind->store(r->store, r->ctx, row, k.target, &target, district, &institution, &outcome, &e);
	else if (rc == FG_OK && !unchanged)
		rc = r->kind->validate(r->store, r->ctx, row, k.target, &e);
	if (rc != FG_OK)
		return refused(r, row, at, !write, rc, &e, err);
	if (write)
		count_outcome(r->report, outcome);
	if (k.found && k.batch_id == r->batch_id)
		return FG_OK;
	return remember_key(r, row, k.found, target, district, institution, err);
}

/* Check or store (write) the row just read. */
static fg_rc
take_current(struct run *r, bool write, struct fg_error *err)
{
	struct import_row row;
	char key[256];

	read_row(r, &row, key, sizeof(key));
	return take_row(r, &row, here(r), write, err);
}

/* ---- bulk writes ---- */

/*
 * For a kind with bulk writes (persons), rows whose source key is new are
 * checked in memory, a batch at a time (at most BULK_MAX rows), and written
 * with one copy per table (COPY on PostgreSQL, one prepared INSERT on
 * SQLite), or in the check remembered as checked; the source keys of a
 * batch are looked up together.  A
 * row whose key is known and changed, or repeats an earlier row's, goes
 * the row-by-row way (take_row(), which refuses a key repeated with other
 * values), after the rows before it are written.  Rows keep their place in
 * the file, for the problems reported.
 */
#define BULK_MAX 16384
#define FIRST_ANALYSE 1000	/* rows written before the statistics are first refreshed */

struct bulk_row {
	struct import_row row;		/* its texts in the batch's arena */
	struct place at;
	struct known stored;		/* what the store holds of its key (first row of the key) */
	bool repeated;			/* an earlier row of the batch has its key */
};

/* The rows gathered: each array holds cap of them. */
struct bulk {
	struct fg_arena arena;
	size_t cap, n;
	struct bulk_row *rows;
	struct bulk_row **order;		/* by key, then in the file's order */
	const char **keys;
	char *preps;				/* rows prepared, kind->prep_size bytes each */
	size_t *pending;			/* which rows they are, in order */
	size_t npending;
	struct import_written *written;
	int64_t nwritten;			/* rows written in bulk by the run */
	int64_t analyse_at;			/* refresh the statistics at this count */
};

/* Bulk writes, for the kinds that have them. */
static bool
use_bulk(const struct run *r)
{
	return r->kind->write_new != NULL;
}

static void
bulk_close(struct run *r)
{
	struct bulk *b = r->bulk;

	if (b == NULL)
		return;
	fg_arena_free(&b->arena);
	free(b->rows);
	free(b->order);
	free(b->keys);
	free(b->preps);
	free(b->pending);
	free(b->written);
	free(b);
	r->bulk = NULL;
}

static fg_rc
bulk_open(struct run *r, int batch, struct fg_error *err)
{
	struct bulk *b = calloc(1, sizeof(*b));

	r->bulk = b;
	if (b == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory starting an import");
	fg_arena_init(&b->arena, 0);
	b->cap = batch < BULK_MAX ? (size_t)batch : BULK_MAX;
	b->analyse_at = FIRST_ANALYSE;
	b->rows = calloc(b->cap, sizeof(*b->rows));
	b->order = calloc(b->cap, sizeof(*b->order));
	b->keys = calloc(b->cap, sizeof(*b->keys));
	b->preps = calloc(b->cap, r->kind->prep_size);
	b->pending = calloc(b->cap, sizeof(*b->pending));
	b->written = calloc(b->cap, sizeof(*b->written));
	if (b->rows && b->order && b->keys && b->preps && b->pending && b->written)
		return FG_OK;
	bulk_close(r);
	return fg_error_set(err, FG_NOMEM, NULL, "out of memory starting an import");
}

static int
by_key(const void *a, const void *b)
{
	const struct bulk_row *x = *(const struct bulk_row *const *)a;
	const struct bulk_row *y = *(const struct bulk_row *const *)b;
	int c = strcmp(x->row.key, y->row.key);

	return c ? c : (x > y) - (x < y);
}

/* What is known of a key of the batch: that of its first row (the batch sorted by key). */
static struct known *
known_of(struct bulk *b, const char *key)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->order[mid]->row.key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n && strcmp(b->order[lo]->row.key, key) == 0 ? &b->order[lo]->stored : NULL;
}

/* A source key stored (source_key, target_id, row_hash, batch_id). */
static void
key_known(void *userdata, fg_stmt *st)
{
	struct known *k = known_of(userdata, fg_stmt_text(st, 0));

	if (k != NULL) {
		k->found = true;
		k->target = fg_stmt_int64(st, 1);
		fg_strlcpy(k->hash, fg_stmt_text(st, 2), sizeof(k->hash));
		k->batch_id = fg_stmt_int64(st, 3);
	}
}

/* A source key the check has seen (source_key, row_hash, the run's batch). */
static void
key_checked(void *userdata, fg_stmt *st)
{
	struct known *k = known_of(userdata, fg_stmt_text(st, 0));

	if (k != NULL) {
		k->found = true;
		fg_strlcpy(k->hash, fg_stmt_text(st, 1), sizeof(k->hash));
		k->batch_id = fg_stmt_int64(st, 2);
	}
}

/*
 * Mark the rows whose key an earlier row has, and find the keys stored (and
 * checked).  In a first load only the keys perhaps seen by its earlier
 * batches are looked up: nothing else can be stored.
 */
static fg_rc
find_keys(struct run *r, struct fg_error *err)
{
	struct bulk *b = r->bulk;
	const char *const fixed[] = {r->source, r->kind->name};
	const char *batch = fg_arena_printf(&b->arena, "%lld", (long long)r->batch_id);
	size_t nkeys = 0;
	fg_rc rc;

	for (size_t k = 0; k < b->n; k++) {
		b->order[k] = &b->rows[k];
		if (!r->first_load || fg_bloom_may_have(&r->keys_seen, b->rows[k].row.key))
			b->keys[nkeys++] = b->rows[k].row.key;
	}
	qsort(b->order, b->n, sizeof(*b->order), by_key);
	for (size_t k = 1; k < b->n; k++)
		b->order[k]->repeated = strcmp(b->order[k - 1]->row.key, b->order[k]->row.key) == 0;
	if (nkeys == 0)
		return FG_OK;
	rc = fg_store_for_keys(r->store, "SELECT source_key, target_id, row_hash, batch_id FROM source_record"
			       " WHERE source = ? AND kind = ? AND source_key", fixed, 2, b->keys, nkeys,
			       key_known, b, err);
	if (rc == FG_OK && r->checking)
		rc = batch ? fg_store_for_keys(r->store, "SELECT source_key, row_hash, CAST(? AS INTEGER)"
					       " FROM import_checked WHERE source_key", &batch, 1, b->keys,
					       nkeys, key_checked, b, err)
			   : fg_error_set(err, FG_NOMEM, NULL, "out of memory looking up source keys");
	return rc;
}

/* The row is the first of its key in the batch, and the store holds it unchanged. */
static bool
bulk_unchanged(const struct bulk_row *br)
{
	return !br->repeated && br->stored.found && strcmp(br->stored.hash, br->row.hash) == 0;
}

/* In the check: remember the keys and hashes of the n rows of the batch listed in which. */
static fg_rc
copy_checked(struct run *r, const size_t *which, size_t n, struct fg_error *err)
{
	static const char *const columns[] = {"source_key", "row_hash"};
	struct bulk *b = r->bulk;
	const char **values = malloc((2 * n + 1) * sizeof(*values));
	fg_rc rc;

	if (values == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory remembering source keys");
	for (size_t k = 0; k < n; k++) {
		values[2 * k] = b->rows[which[k]].row.key;
		values[2 * k + 1] = b->rows[which[k]].row.hash;
	}
	rc = fg_store_copy(r->store, "import_checked", columns, 2, values, n, err);
	free(values);
	return rc;
}

/*
 * Mark the source keys of the rows the store holds unchanged as seen by
 * this run, as take_row() does: a later row repeating such a key with
 * other values is then refused.
 */
static fg_rc
mark_unchanged(struct run *r, struct fg_error *err)
{
	struct bulk *b = r->bulk;
	char *batch = fg_arena_printf(&b->arena, "%lld", (long long)r->batch_id);
	const char *const fixed[] = {batch, r->source, r->kind->name};
	size_t n = 0;

	if (batch == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory marking source keys");
	for (size_t k = 0; k < b->n; k++)	/* listed in b->pending too, empty until the rows are taken */
		if (bulk_unchanged(&b->rows[k]) && b->rows[k].stored.batch_id != r->batch_id) {
			b->keys[n] = b->rows[k].row.key;
			b->pending[n++] = k;
		}
	if (r->checking)
		return copy_checked(r, b->pending, n, err);
	return fg_store_for_keys(r->store, "UPDATE source_record SET batch_id = ? WHERE source = ?"
				 " AND kind = ? AND source_key", fixed, 3, b->keys, n, NULL, NULL, err);
}

/* Record the source keys of the rows written in bulk, in one copy. */
static fg_rc
copy_source_records(struct run *r, struct fg_error *err)
{
	static const char *const columns[] = {
		"target_id", "row_hash", "batch_id", "source", "kind", "source_key", "district",
		"institution_id",
	};
	enum { NCOL = sizeof(columns) / sizeof(columns[0]) };
	struct bulk *b = r->bulk;
	const char **values = malloc(b->npending * NCOL * sizeof(*values));
	char *batch = fg_arena_printf(&b->arena, "%lld", (long long)r->batch_id);
	fg_rc rc;

	if (values == NULL || batch == NULL) {
		free(values);
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory recording source keys");
	}
	for (size_t k = 0; k < b->npending; k++) {
		const struct import_row *row = &b->rows[b->pending[k]].row;
		const char **v = &values[k * NCOL];

		v[0] = fg_arena_printf(&b->arena, "%lld", (long long)b->written[k].target);
		v[1] = row->hash;
		v[2] = batch;
		v[3] = r->source;
		v[4] = r->kind->name;
		v[5] = row->key;
		v[6] = b->written[k].district;
		v[7] = fg_arena_printf(&b->arena, "%lld", (long long)b->written[k].institution);
	}
	rc = fg_store_copy(r->store, "source_record", columns, NCOL, values, b->npending, err);
	free(values);
	return rc;
}

/*
 * Refresh PostgreSQL's statistics of the columns looked up, each time the
 * rows written have doubled: the look-ups of a batch are then planned for
 * the tables' sizes (on a table that grew from empty they would read it
 * whole).
 */
static fg_rc
analyse(struct run *r, struct fg_error *err)
{
	fg_rc rc;

	r->bulk->analyse_at = 2 * r->bulk->nwritten;
	if (strcmp(fg_store_backend(r->store), "postgresql") != 0)
		return FG_OK;
	rc = fg_store_exec(r->store, "ANALYZE source_record (source, kind, source_key)", err);
	return rc == FG_OK ? fg_store_exec(r->store, r->kind->analyse, err) : rc;
}

/*
 * Write the rows prepared (write), all or nothing; when a concurrent
 * writer got in the way (a constraint failed), store them one by one
 * instead.  When only checking, remember their keys as checked.
 */
static fg_rc
write_pending(struct run *r, bool write, struct fg_error *err)
{
	struct bulk *b = r->bulk;
	fg_rc rc;

	write = writing(r, write);
	if (b->npending == 0)
		return FG_OK;
	rc = write ? have_batch(r, err) : FG_OK;
	if (rc == FG_OK)
		rc = fg_store_begin(r->store, err);
	if (rc != FG_OK)
		return rc;
	if (write)
		rc = r->kind->write_new(r->store, r->ctx, b->preps, b->npending, b->written, err);
	if (rc == FG_OK)
		rc = write ? copy_source_records(r, err) : copy_checked(r, b->pending, b->npending, err);
	if (rc == FG_OK)
		rc = fg_store_commit(r->store, err);
	else
		fg_store_rollback(r->store);
	for (size_t k = 0; rc == FG_OK && write && k < b->npending; k++)
		count_outcome(r->report, b->written[k].outcome);
	if (rc == FG_OK && write && (b->nwritten += (int64_t)b->npending) >= b->analyse_at)
		rc = analyse(r, err);
	for (size_t k = 0; rc == FG_CONFLICT && k < b->npending; k++) {
		const struct bulk_row *br = &b->rows[b->pending[k]];

		rc = take_row(r, &br->row, br->at, write, err);
		if (rc == FG_OK && k + 1 < b->npending)
			rc = FG_CONFLICT;
	}
	b->npending = 0;
	return rc;
}

/* Check a row whose key is new, to write (or remember) it with the next copy. */
static fg_rc
prepare_row(struct run *r, size_t k, bool write, struct fg_error *err)
{
	struct bulk *b = r->bulk;
	struct fg_error e;
	fg_rc rc;

	fg_error_clear(&e);
	rc = check_owner(r, &b->rows[k].row, &e);
	if (rc == FG_OK)
		rc = r->kind->prepare(r->store, r->ctx, &b->rows[k].row,
				      b->preps + b->npending * r->kind->prep_size, &e);
	if (rc != FG_OK)
		return refused(r, &b->rows[k].row, b->rows[k].at, !writing(r, write), rc, &e, err);
	b->pending[b->npending++] = k;
	return FG_OK;
}

/* Write (or only check) the rows gathered, in the file's order. */
static fg_rc
bulk_flush(struct run *r, bool write, struct fg_error *err)
{
	struct bulk *b = r->bulk;
	fg_rc rc = b->n ? find_keys(r, err) : FG_OK;

	if (rc == FG_OK)
		rc = mark_unchanged(r, err);
	for (size_t k = 0; rc == FG_OK && k < b->n; k++) {
		struct bulk_row *br = &b->rows[k];

		if (bulk_unchanged(br))
			r->report->unchanged += writing(r, write);
		else if (br->repeated || br->stored.found) {
			rc = write_pending(r, write, err);
			if (rc == FG_OK)
				rc = take_row(r, &br->row, br->at, write, err);
		} else
			rc = prepare_row(r, k, write, err);
	}
	if (rc == FG_OK)
		rc = write_pending(r, write, err);
	for (size_t k = 0; r->first_load && k < b->n; k++)
		fg_bloom_add(&r->keys_seen, b->rows[k].row.key);
	b->n = 0;
	b->npending = 0;
	fg_arena_reset(&b->arena);
	return rc;
}

static const char *
keep(struct bulk *b, const char *text, bool *ok)
{
	char *copy = fg_arena_strdup(&b->arena, text);

	*ok = *ok && (copy != NULL || text == NULL);
	return copy;
}

/* Gather the row just read; write (or check) the batch when it is full. */
static fg_rc
bulk_add(struct run *r, bool write, struct fg_error *err)
{
	struct bulk *b = r->bulk;
	struct bulk_row *br = &b->rows[b->n];
	char key[256];
	bool ok = true;

	memset(br, 0, sizeof(*br));
	read_row(r, &br->row, key, sizeof(key));
	for (int f = 0; f < r->nfields; f++)
		br->row.value[f] = keep(b, br->row.value[f], &ok);
	for (int k = 0; k < br->row.nitems; k++)
		br->row.item_value[k] = keep(b, br->row.item_value[k], &ok);
	br->row.institution = keep(b, br->row.institution, &ok);
	br->row.key = keep(b, key, &ok);
	br->at = here(r);
	if (!ok)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading row %ld", br->at.record);
	b->n++;
	return b->n == b->cap ? bulk_flush(r, write, err) : FG_OK;
}

/* Write (or check) the row just read: gathered for a bulk write, or at once. */
static fg_rc
write_row(struct run *r, bool write, struct fg_error *err)
{
	return r->bulk ? bulk_add(r, write, err) : take_current(r, write, err);
}

/* Before a commit, or at the end of the check: write (or check) what is gathered. */
static fg_rc
write_gathered(struct run *r, bool write, struct fg_error *err)
{
	return r->bulk ? bulk_flush(r, write, err) : FG_OK;
}

/* Without skip_bad_rows, FG_INVALID when a row was refused: nothing is to be stored. */
static fg_rc
all_or_nothing(const struct run *r, struct fg_error *err)
{
	if (r->opts->skip_bad_rows || r->report->rejected == 0)
		return FG_OK;
	fg_error_set(err, FG_INVALID, NULL, "%lld of %lld rows of \"%s\" were refused",
		     (long long)r->report->rejected, (long long)r->report->rows, r->opts->path);
	fg_error_detail(err, "Nothing was imported.");
	fg_error_hint(err, "Correct the rows reported, or import with --skip-bad-rows.");
	return FG_INVALID;
}

/* Check every row, reporting each refused one; FG_INVALID if any was. */
static fg_rc
validate_all(struct run *r, struct fg_error *err)
{
	bool more = true;
	fg_rc rc;

	while ((rc = fg_csv_read(r->csv, &more, err)) == FG_OK && more) {
		rc = write_row(r, false, err);
		if (rc != FG_OK)
			return rc;
		if (fg_csv_record(r->csv) % PROGRESS_EVERY == 0)
			progress(r, true);
	}
	if (rc == FG_OK)
		rc = write_gathered(r, false, err);
	if (rc == FG_OK)
		rc = import_source_check(&r->src, err);
	r->report->rows = fg_csv_record(r->csv);
	return rc == FG_OK ? all_or_nothing(r, err) : rc;
}

/* Write every row after the resume point, a transaction per batch of rows. */
static fg_rc
write_all(struct run *r, struct fg_error *err)
{
	int batch = r->opts->batch_rows > 0 ? r->opts->batch_rows : DEFAULT_BATCH;
	bool more = true, open = false;
	fg_rc rc = FG_OK;

	progress(r, false);
	while (rc == FG_OK && (rc = fg_csv_read(r->csv, &more, err)) == FG_OK && more) {
		if (fg_csv_record(r->csv) <= r->done)
			continue;
		if (!open && (rc = fg_store_begin(r->store, err)) == FG_OK)
			open = true;
		if (rc == FG_OK)
			rc = write_row(r, true, err);
		if (rc == FG_OK && fg_csv_record(r->csv) % batch == 0) {
			r->done = fg_csv_record(r->csv);
			rc = write_gathered(r, true, err);
			if (rc == FG_OK)
				rc = save_batch(r, false, err);
			if (rc == FG_OK)
				rc = fg_store_commit(r->store, err);
			open = false;
			progress(r, false);
		}
	}
	if (rc == FG_OK)
		rc = import_source_check(&r->src, err);
	if (rc == FG_OK && !open && (rc = fg_store_begin(r->store, err)) == FG_OK)
		open = true;
	if (rc == FG_OK)
		rc = write_gathered(r, true, err);
	if (rc == FG_OK) {
		r->report->rows = fg_csv_record(r->csv);
		r->done = r->report->rows;
		rc = save_batch(r, true, err);
		if (rc == FG_OK)
			rc = fg_store_commit(r->store, err);
		open = false;
		progress(r, false);
	}
	if (open)
		fg_store_rollback(r->store);
	return rc;
}

/* ---- whole tables ---- */

void
import_lines_locate(const struct import_lines *lines, const char *message, long *row, long *line)
{
	const char *at = strstr(message, " at line ");
	size_t lo = 0, hi = lines->count;

	*row = *line = 0;
	if (at == NULL)
		return;
	*line = strtol(at + strlen(" at line "), NULL, 10);
	while (lo < hi) {		/* the last row starting on or before *line */
		size_t mid = lo + (hi - lo) / 2;

		if (lines->line[mid] <= *line)
			lo = mid + 1;
		else
			hi = mid;
	}
	*row = (long)lo;
}

/* Note that the current row starts on line `line` of the user's file. */
static fg_rc
note_row_line(struct import_lines *lines, long line, struct fg_error *err)
{
	if (lines->count == lines->cap) {
		size_t cap = lines->cap ? lines->cap * 2 : 256;
		long *grown = realloc(lines->line, cap * sizeof(*grown));

		if (grown == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading a table");
		lines->line = grown;
		lines->cap = cap;
	}
	lines->line[lines->count++] = line;
	return FG_OK;
}

/*
 * Copy the mapped columns of the file, decoded, to out under their field
 * names, each row starting on the line it starts on in the file (blank
 * lines fill the gaps), so that what the library says of a line of the
 * copy holds for the user's file.
 */
static fg_rc
copy_mapped(struct run *r, FILE *out, struct import_lines *lines, struct fg_error *err)
{
	bool more = true, first = true;
	long at = 2;		/* the copy's line the next row starts on */
	fg_rc rc;

	for (int f = 0; f < r->nfields; f++)
		if (r->col[f] >= 0) {
			fg_csv_write_cell(out, r->kind->fields[f], first);
			first = false;
		}
	fputc('\n', out);
	while ((rc = fg_csv_read(r->csv, &more, err)) == FG_OK && more) {
		for (; at < fg_csv_line(r->csv); at++)
			fputc('\n', out);
		rc = note_row_line(lines, fg_csv_line(r->csv), err);
		if (rc != FG_OK)
			break;
		first = true;
		for (int f = 0; f < r->nfields; f++)
			if (r->col[f] >= 0) {
				at += fg_csv_write_cell(out, field_value(r, f), first);
				first = false;
			}
		fputc('\n', out);
		at++;
	}
	r->report->rows = fg_csv_record(r->csv);
	if (rc == FG_OK)
		rc = import_source_check(&r->src, err);
	if (rc == FG_OK && (fflush(out) != 0 || ferror(out)))
		rc = fg_error_set(err, FG_IO, NULL, "could not write a temporary copy of \"%s\"", r->opts->path);
	return rc;
}

/*
 * A table the library imports whole: the file, decoded and with its
 * headings mapped, goes through a temporary UTF-8 copy.
 */
static fg_rc
import_whole(struct run *r, struct fg_error *err)
{
	const char *dir = getenv("TMPDIR");
	struct import_lines lines = {0};
	char path[1024];
	FILE *out = NULL;
	int fd;
	fg_rc rc;

	snprintf(path, sizeof(path), "%s/fangai-import-XXXXXX.csv", dir && *dir ? dir : "/tmp");
	fd = mkstemps(path, 4);
	if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return fg_error_set(err, FG_IO, NULL, "could not create a temporary file in \"%s\"",
				    dir && *dir ? dir : "/tmp");
	}
	rc = open_file(r, err);
	if (rc == FG_OK)
		rc = copy_mapped(r, out, &lines, err);
	fclose(out);
	if (rc == FG_OK)
		rc = r->kind->whole(r->store, path, r->opts->path, &lines, r->opts, r->report, err);
	unlink(path);
	free(lines.line);
	return rc;
}

/*
 * Check every row before anything is written (without skip_bad_rows, and
 * not when resuming), then write them a batch per transaction.
 */
static fg_rc
import_in_batches(struct run *r, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	if (!r->opts->skip_bad_rows && !r->report->resumed) {
		/*
		 * One transaction for the whole check, rolled back: the keys it
		 * sees are remembered in a temporary table of its own, to find
		 * a key repeated with other values.  The problems it finds are
		 * reported, not stored.
		 */
		rc = fg_store_begin(r->store, err);
		if (rc == FG_OK) {
			r->checking = true;
			r->batch_id = CHECK_BATCH;
			rc = fg_store_exec(r->store, CREATE_CHECKED, err);
			if (rc == FG_OK)
				rc = validate_all(r, err);
			fg_store_rollback(r->store);
			r->checking = false;
			r->batch_id = 0;
		}
		close_file(r);
		if (rc == FG_OK)
			rc = open_file(r, err);
	}
	if (rc == FG_OK && r->batch_id == 0) {
		r->report->rejected = 0;
		rc = start_batch(r, err);
	}
	return rc == FG_OK ? write_all(r, err) : rc;
}

/* Is the run a first load (opts->first_load, of a kind whose first table is empty)? */
static fg_rc
find_first_load(struct run *r, struct fg_error *err)
{
	char sql[128];
	int64_t rows = 0;
	fg_stmt *st;
	fg_rc rc;

	if (!r->opts->first_load || r->kind->load_tables == NULL || r->report->resumed)
		return FG_OK;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) AS t",
		 r->kind->load_tables[0]);
	rc = fg_store_prepare(r->store, sql, &st, err);
	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, &rows, NULL, err);
	r->first_load = rc == FG_OK && rows == 0;
	return rc;
}

/*
 * A first load: the whole file in one transaction, each row checked as it
 * is written (without skip_bad_rows a row refused turns the run into the
 * check, and the load is rolled back whole once every row has been
 * checked), the secondary indexes of the kind's tables built after the
 * rows.
 */
static fg_rc
load_first(struct run *r, struct fg_error *err)
{
	uint64_t rows = (uint64_t)r->src.size / 32;
	fg_store_deferred *deferred = NULL;
	fg_rc rc = fg_store_begin(r->store, err);

	if (rc != FG_OK)
		return rc;
	/*
	 * The filters of what the batches wrote, sized for the file's rows (32
	 * bytes or more each); without memory a filter stays empty, and every
	 * key is looked up.
	 */
	(void)fg_bloom_init(&r->keys_seen, rows);
	if (r->kind->first_load != NULL)
		rc = r->kind->first_load(r->ctx, rows, err);
	/* Without skip_bad_rows, the batch is opened by the first write (have_batch()). */
	if (rc == FG_OK && r->opts->skip_bad_rows)
		rc = start_batch(r, err);
	if (rc == FG_OK)
		rc = fg_store_defer_indexes(r->store, r->kind->load_tables, &deferred, err);
	if (rc == FG_OK)
		rc = write_all(r, err);
	if (rc == FG_OK)
		rc = all_or_nothing(r, err);
	if (rc == FG_OK) {
		rc = fg_store_restore_indexes(r->store, deferred, err);
		deferred = NULL;
	}
	fg_store_deferred_free(deferred);
	if (rc == FG_OK)
		return fg_store_commit(r->store, err);
	fg_store_rollback(r->store);
	r->batch_id = 0;
	return rc;
}

/* The progress of the duplicate check: persons checked of those the run added (at most). */
static void
duplicates_progress(int64_t checked, void *userdata)
{
	const struct run *r = userdata;
	struct fg_import_progress p = {
		.phase = FG_IMPORT_DUPLICATES, .rows = checked, .bytes = checked,
		.total_bytes = r->report->inserted,
	};

	r->opts->progress(&p, r->opts->userdata);
}

/* The duplicate check of the persons the run added, once they are stored. */
static fg_rc
check_duplicates(struct run *r, struct fg_error *err)
{
	fg_rc rc = fg_link_check_import(r->store, r->batch_id, &r->report->duplicates_checked,
					&r->report->duplicates_found,
					r->opts->progress ? duplicates_progress : NULL, r, err);

	if (rc != FG_OK) {
		fg_error_detail(err, "The rows were imported (batch %lld); their duplicate check failed.",
				(long long)r->batch_id);
		fg_error_hint(err, "Run \"fangai link scan\" to look for duplicates.");
	}
	return rc;
}

static void
source_name(const struct fg_import_options *opts, char *out, size_t outsz)
{
	const char *base = strrchr(opts->path, '/');

	fg_strlcpy(out, opts->source && *opts->source ? opts->source : base ? base + 1 : opts->path,
		   outsz);
}

/*
 * Find the institution the option names, once, before any row: an unknown one
 * is the option's fault, not every row's.  Kinds without institutions ignore
 * it, and cannot be imported bound to it (institution_only).
 */
static fg_rc
find_owner(struct run *r, struct fg_error *err)
{
	bool given = r->opts->institution && *r->opts->institution;
	fg_rc rc;

	if (r->opts->institution_only && import_field(r->kind, "institution") < 0)
		return fg_error_set(err, FG_INVALID, "institution", "an import of %s cannot be bound to an institution",
				    r->kind->name);
	if (r->opts->institution_only && !given)
		return fg_error_set(err, FG_INVALID, "institution", "an import bound to its institution must name it");
	if (!given || import_field(r->kind, "institution") < 0)
		return FG_OK;
	rc = fg_institution_find(r->store, r->opts->institution, "institution", &r->owner, err);
	if (rc == FG_NOTFOUND)
		fg_error_hint(err, "Give the id or the unified social credit code of a registered institution.");
	if (rc != FG_OK)
		r->owner.id = 0;
	return rc;
}

fg_rc
fg_import_run(fg_store *store, const struct fg_import_options *opts,
	      struct fg_import_report *report, struct fg_error *err)
{
	struct run r = {.store = store, .opts = opts, .kind = kinds[opts->kind], .report = report};
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	source_name(opts, r.source, sizeof(r.source));
	rc = find_owner(&r, err);
	if (rc != FG_OK)
		return rc;
	if (r.kind->whole) {
		rc = import_whole(&r, err);
		close_file(&r);
		return rc;
	}
	rc = r.kind->open ? r.kind->open(store, &r.ctx, err) : FG_OK;
	if (rc == FG_OK)
		rc = open_file(&r, err);
	if (rc == FG_OK)
		rc = find_resumable(&r, err);
	if (rc == FG_OK && strcmp(fg_store_backend(store), "sqlite") == 0)
		rc = fg_store_exec(store, "PRAGMA cache_size = -" IMPORT_CACHE_KIB "; PRAGMA temp_store = MEMORY",
				   err);
	if (rc == FG_OK && use_bulk(&r))
		rc = bulk_open(&r, opts->batch_rows > 0 ? opts->batch_rows : DEFAULT_BATCH, err);
	if (rc == FG_OK)
		rc = find_first_load(&r, err);
	if (rc == FG_OK)
		rc = r.first_load ? load_first(&r, err) : import_in_batches(&r, err);
	if (rc == FG_OK && opts->check_duplicates && opts->kind == FG_IMPORT_PERSONS && report->inserted > 0)
		rc = check_duplicates(&r, err);
	report->batch_id = r.batch_id;
	fg_bloom_free(&r.keys_seen);
	bulk_close(&r);
	close_file(&r);
	if (r.kind->close)
		r.kind->close(r.ctx);
	return rc;
}
