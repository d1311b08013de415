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

#include "fangai/csv.h"
#include "fangai/import.h"
#include "fangai/institution.h"
#include "fangai/util.h"
#include "import_int.h"

#define DEFAULT_BATCH 5000
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
	char source[128];
	int64_t batch_id;
	int64_t done;			/* rows committed */
	void *ctx;			/* what the kind's checks need */
};

static const struct import_kind *const kinds[] = {
	[FG_IMPORT_PERSONS] = &import_persons,
	[FG_IMPORT_DEATHS] = &import_deaths,
	[FG_IMPORT_TUMOURS] = &import_tumours,
	[FG_IMPORT_TREATMENTS] = &import_treatments,
	[FG_IMPORT_POPULATIONS] = &import_populations,
	[FG_IMPORT_LIFE_TABLES] = &import_life_tables,
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

/* The field a heading feeds, by the mapping file, or -1. */
static fg_rc
mapped_field(struct run *r, const char *mapping, const char *heading, int *field,
	     struct fg_error *err)
{
	struct fg_csv_options o = {.comments = true, .header = true};
	char want[256];
	fg_csv *m = NULL;
	bool row = true;
	fg_rc rc;

	*field = -1;
	fg_strlcpy(want, heading, sizeof(want));
	trim(want);
	rc = fg_csv_open(mapping, &o, &m, err);
	while (rc == FG_OK && *field < 0 && (rc = fg_csv_read(m, &row, err)) == FG_OK && row) {
		if (strcasecmp(fg_csv_field(m, 1), want) != 0)
			continue;
		*field = import_field(r->kind, fg_csv_field(m, 0));
		if (*field < 0) {
			rc = fg_error_set(err, FG_INVALID, "mapping", "field \"%s\" of mapping \"%s\" does not exist",
					  fg_csv_field(m, 0), mapping);
			fg_error_detail(err, "Line %ld maps the heading \"%s\" to it.", fg_csv_line(m), want);
		}
	}
	fg_csv_close(m);
	return rc;
}

static void
note_ignored(struct fg_import_report *rep, const char *heading)
{
	size_t n = strlen(rep->ignored);

	snprintf(rep->ignored + n, sizeof(rep->ignored) - n, "%s%s", n ? "," : "", heading);
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
	r->report->ignored[0] = '\0';
	for (size_t i = 0; rc == FG_OK && i < fg_csv_header_count(r->csv); i++) {
		int f;

		rc = mapped_field(r, mapping, fg_csv_header_name(r->csv, i), &f, err);
		if (rc == FG_OK && f < 0)
			note_ignored(r->report, fg_csv_header_name(r->csv, i));
		else if (rc == FG_OK && r->col[f] < 0)
			r->col[f] = (int)i;
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

static const char *
field_value(const struct run *r, int f)
{
	return f >= 0 && r->col[f] >= 0 ? fg_csv_field(r->csv, (size_t)r->col[f]) : "";
}

static void
read_row(const struct run *r, struct import_row *row, char *keybuf, size_t keysz)
{
	uint64_t h = 0xCBF29CE484222325ULL;
	int key_field = import_field(r->kind, "source_key");

	for (int f = 0; f < r->nfields; f++) {
		row->value[f] = field_value(r, f);
		for (const char *p = row->value[f]; ; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001B3ULL;
			if (*p == '\0')
				break;
		}
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

/* Report a refused row; in a batch, also record it there. */
static fg_rc
refuse(struct run *r, const struct fg_error *e, struct fg_error *err)
{
	int f = e->field[0] ? import_field(r->kind, e->field) : -1;
	struct fg_import_problem p = {
		.row = fg_csv_record(r->csv), .line = fg_csv_line(r->csv), .field = e->field,
		.value = field_value(r, f), .reason = e->message, .detail = e->detail,
	};
	fg_stmt *st;
	fg_rc rc;

	r->report->rejected++;
	if (r->opts->problem)
		r->opts->problem(&p, r->opts->userdata);
	if (r->batch_id == 0)
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
		.checking = checking, .rows = fg_csv_record(r->csv), .bytes = import_source_offset(&r->src),
		.total_bytes = r->src.size,
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

/* Check every row, reporting each refused one; FG_INVALID if any was. */
static fg_rc
validate_all(struct run *r, struct fg_error *err)
{
	struct import_row row;
	char key[256];
	bool more = true;
	fg_rc rc;

	while ((rc = fg_csv_read(r->csv, &more, err)) == FG_OK && more) {
		struct fg_error e;

		read_row(r, &row, key, sizeof(key));
		fg_error_clear(&e);
		rc = r->kind->validate(r->store, r->ctx, &row, &e);
		if (rc == FG_INVALID || rc == FG_CONFLICT)
			rc = refuse(r, &e, err);
		else if (rc != FG_OK)
			return fg_error_set(err, e.code, e.field, "%s", e.message);
		if (rc != FG_OK)
			return rc;
		if (fg_csv_record(r->csv) % PROGRESS_EVERY == 0)
			progress(r, true);
	}
	if (rc == FG_OK)
		rc = import_source_check(&r->src, err);
	r->report->rows = fg_csv_record(r->csv);
	if (rc == FG_OK && r->report->rejected > 0) {
		fg_error_set(err, FG_INVALID, NULL, "%lld of %lld rows of \"%s\" were refused",
			     (long long)r->report->rejected, (long long)r->report->rows, r->opts->path);
		fg_error_detail(err, "Nothing was imported.");
		fg_error_hint(err, "Correct the rows reported, or import with --skip-bad-rows.");
		return FG_INVALID;
	}
	return rc;
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

static fg_rc
start_batch(struct run *r, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	struct fg_institution owner = {0};

	/* The batch belongs to the institution named by the option, if it exists. */
	if (r->opts->institution && *r->opts->institution &&
	    fg_institution_find(r->store, r->opts->institution, "institution", &owner, NULL) != FG_OK)
		owner.id = 0;
	rc = fg_store_prepare(r->store, "INSERT INTO import_batch (kind, source, fingerprint, skip_bad_rows,"
			      " file_name, encoding, state, started_at, institution_id) VALUES (?1, ?2, ?3,"
			      " ?4, ?5, ?6, 'running', ?7, ?8) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_identity(r, st);
	fg_stmt_bind_text(st, 5, r->opts->path);
	fg_stmt_bind_text(st, 6, r->src.encoding);
	fg_stmt_bind_text(st, 7, fg_utc_now(now));
	if (owner.id)
		fg_stmt_bind_int64(st, 8, owner.id);
	return fg_stmt_scalar_int64(st, &r->batch_id, NULL, err);
}

/* Record the rows done and the counts, in the batch's transaction. */
static fg_rc
save_batch(struct run *r, bool finished, struct fg_error *err)
{
	const struct fg_import_report *rep = r->report;
	char now[32];
	fg_stmt *st;
	fg_rc rc;

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

/* The target and row hash (17 bytes, may be NULL) of a source key; 0 if unknown. */
static fg_rc
find_source_key(fg_store *store, const char *source, const char *kind, const char *key,
		int64_t *target, char *hash, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	*target = 0;
	rc = fg_store_prepare(store, "SELECT target_id, row_hash FROM source_record"
			      " WHERE source = ? AND kind = ? AND source_key = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, source);
	fg_stmt_bind_text(st, 2, kind);
	fg_stmt_bind_text(st, 3, key);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		*target = fg_stmt_int64(st, 0);
		if (hash)
			fg_strlcpy(hash, fg_stmt_text(st, 1), 17);
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
import_source_target(fg_store *store, const char *source, const char *kind, const char *key,
		     int64_t *target, struct fg_error *err)
{
	return find_source_key(store, source, kind, key, target, NULL, err);
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

static fg_rc
remember_key(struct run *r, const struct import_row *row, bool known, int64_t target,
	     const char *district, int64_t institution, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

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
		fg_stmt_bind_int64(st, 8, institution);
	}
	return fg_stmt_scalar_int64(st, NULL, NULL, err);
}

static fg_rc
import_row(struct run *r, struct fg_error *err)
{
	struct import_row row;
	enum import_outcome outcome;
	char key[256], old_hash[17] = "", district[8] = "";
	int64_t existing, target, institution = 0;
	struct fg_error e;
	fg_rc rc;

	read_row(r, &row, key, sizeof(key));
	rc = find_source_key(r->store, r->source, r->kind->name, row.key, &existing, old_hash, err);
	if (rc != FG_OK)
		return rc;
	if (existing && strcmp(old_hash, row.hash) == 0) {
		r->report->unchanged++;
		return FG_OK;
	}
	fg_error_clear(&e);
	rc = r->kind->store(r->store, r->ctx, &row, existing, &target, district, &institution, &outcome, &e);
	if (rc == FG_INVALID || rc == FG_CONFLICT) {
		if (!r->opts->skip_bad_rows) {
			*err = e;
			return rc;
		}
		return refuse(r, &e, err);
	}
	if (rc != FG_OK) {
		*err = e;
		return rc;
	}
	r->report->inserted += outcome == OUT_INSERTED;
	r->report->matched += outcome == OUT_MATCHED;
	r->report->updated += outcome == OUT_UPDATED;
	r->report->unchanged += outcome == OUT_UNCHANGED;
	return remember_key(r, &row, existing != 0, target, district, institution, err);
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
			rc = import_row(r, err);
		if (rc == FG_OK && fg_csv_record(r->csv) % batch == 0) {
			r->done = fg_csv_record(r->csv);
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

/* Write one CSV cell, quoted when it must be. */
static void
put_cell(FILE *f, const char *v, bool first)
{
	if (!first)
		fputc(',', f);
	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

/* Copy the mapped columns of the file, decoded, to out under their field names. */
static fg_rc
copy_mapped(struct run *r, FILE *out, struct fg_error *err)
{
	bool more = true, first = true;
	fg_rc rc;

	for (int f = 0; f < r->nfields; f++)
		if (r->col[f] >= 0) {
			put_cell(out, r->kind->fields[f], first);
			first = false;
		}
	fputc('\n', out);
	while ((rc = fg_csv_read(r->csv, &more, err)) == FG_OK && more) {
		first = true;
		for (int f = 0; f < r->nfields; f++)
			if (r->col[f] >= 0) {
				put_cell(out, field_value(r, f), first);
				first = false;
			}
		fputc('\n', out);
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
		rc = copy_mapped(r, out, err);
	fclose(out);
	if (rc == FG_OK)
		rc = r->kind->whole(r->store, path, r->opts->path, r->opts, r->report, err);
	unlink(path);
	return rc;
}

static void
source_name(const struct fg_import_options *opts, char *out, size_t outsz)
{
	const char *base = strrchr(opts->path, '/');

	fg_strlcpy(out, opts->source && *opts->source ? opts->source : base ? base + 1 : opts->path,
		   outsz);
}

fg_rc
fg_import_run(fg_store *store, const struct fg_import_options *opts,
	      struct fg_import_report *report, struct fg_error *err)
{
	struct run r = {.store = store, .opts = opts, .kind = kinds[opts->kind], .report = report};
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	source_name(opts, r.source, sizeof(r.source));
	if (r.kind->whole) {
		rc = import_whole(&r, err);
		close_file(&r);
		return rc;
	}
	rc = r.kind->open ? r.kind->open(&r.ctx, err) : FG_OK;
	if (rc == FG_OK)
		rc = open_file(&r, err);
	if (rc == FG_OK)
		rc = find_resumable(&r, err);
	if (rc == FG_OK && strcmp(fg_store_backend(store), "sqlite") == 0)
		rc = fg_store_exec(store, "PRAGMA cache_size = -" IMPORT_CACHE_KIB "; PRAGMA temp_store = MEMORY",
				   err);
	if (rc == FG_OK && !opts->skip_bad_rows && !report->resumed) {
		/* One read transaction for the whole check, not one per lookup. */
		rc = fg_store_begin(store, err);
		if (rc == FG_OK) {
			rc = validate_all(&r, err);
			fg_store_rollback(store);
		}
		close_file(&r);
		if (rc == FG_OK)
			rc = open_file(&r, err);
	}
	if (rc == FG_OK && r.batch_id == 0) {
		report->rejected = 0;
		rc = start_batch(&r, err);
	}
	if (rc == FG_OK)
		rc = write_all(&r, err);
	report->batch_id = r.batch_id;
	close_file(&r);
	if (r.kind->close)
		r.kind->close(r.ctx);
	return rc;
}
