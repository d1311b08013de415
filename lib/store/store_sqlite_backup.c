/*
 * store_sqlite_backup.c
 *	  The SQLite backend's reliability operations: online backup to a file,
 *	  restore from one, the emptiness test that guards a restore, and the
 *	  integrity and foreign-key checks.
 *
 * Backup and restore both go through SQLite's online backup API, copying
 * every page in one step: the source is read in a single read transaction
 * (in WAL mode other connections keep writing meanwhile) and the
 * destination is written in a single write transaction, so each side sees
 * all of the snapshot or none of it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

#define MAX_INTEGRITY_ROWS "100"	/* problems integrity_check reports at most */
#define DATABASE_PREFIX "*** in database main ***\n"	/* before the first problem */

/* The fangai code for an SQLite failure: out of memory or a store failure. */
static fg_rc
code_of(int sqlite_rc)
{
	return (sqlite_rc & 0xff) == SQLITE_NOMEM ? FG_NOMEM : FG_STORE;
}

/* Copy every page of src into dst in one step. */
static fg_rc
copy_pages(sqlite3 *dst, sqlite3 *src, const char *what, struct fg_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	fg_rc code;
	int rc;

	if (b == NULL) {
		code = code_of(sqlite3_errcode(dst));
		fg_error_set(err, code, NULL, "could not start the %s", what);
		fg_error_detail(err, "SQLite: %s.", sqlite3_errmsg(dst));
		return code;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		return FG_OK;
	code = code_of(rc);
	fg_error_set(err, code, NULL, "could not complete the %s", what);
	fg_error_detail(err, "SQLite: %s.", sqlite3_errstr(rc));
	return code;
}

/*
 * Run "PRAGMA quick_check" on db: *ok is true when it reports "ok"; else
 * first receives its first message.  FG_STORE when the check cannot run
 * (a file that is not a database, or damaged beyond reading).
 */
static fg_rc
quick_check(sqlite3 *db, bool *ok, char *first, size_t size, struct fg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*ok = false;
	first[0] = '\0';
	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		snprintf(first, size, "%s", msg ? msg : "");
		*ok = strcmp(first, "ok") == 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return FG_OK;
	snprintf(first, size, "%s", sqlite3_errmsg(db));
	return fg_error_set(err, code_of(rc), NULL, "could not check the database");
}

/* Does db hold a fangai schema (a schema_migration table)? */
static fg_rc
has_fangai_schema(sqlite3 *db, bool *yes, struct fg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*yes = false;
	rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table'"
				" AND name = 'schema_migration'", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		*yes = rc == SQLITE_ROW;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return FG_OK;
	fg_error_set(err, code_of(rc), NULL, "could not read the database schema");
	fg_error_detail(err, "SQLite: %s.", sqlite3_errmsg(db));
	return code_of(rc);
}

fg_rc
sqlite_backup_to(void *handle, const char *dest, struct fg_error *err)
{
	sqlite3 *dst = NULL;
	char first[256];
	bool ok;
	fg_rc rc;

	if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fg_error_set(err, FG_IO, "file", "could not create backup file \"%s\"", dest);
		fg_error_detail(err, "SQLite: %s.", dst ? sqlite3_errmsg(dst) : "out of memory");
		rc = FG_IO;
		goto out;
	}
	rc = copy_pages(dst, handle, "backup", err);
	/* A backup is one self-contained file: no write-ahead log beside it. */
	if (rc == FG_OK && sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		fg_error_set(err, FG_STORE, "file", "could not finish backup file \"%s\"", dest);
		fg_error_detail(err, "SQLite: %s.", sqlite3_errmsg(dst));
		rc = FG_STORE;
	}
	if (rc == FG_OK)
		rc = quick_check(dst, &ok, first, sizeof(first), err);
	if (rc == FG_OK && !ok) {
		fg_error_set(err, FG_STORE, "file", "backup file \"%s\" failed its check", dest);
		fg_error_detail(err, "SQLite: %s.", first);
		rc = FG_STORE;
	}
out:
	if (sqlite3_close(dst) != SQLITE_OK && rc == FG_OK)
		rc = fg_error_set(err, FG_IO, "file", "could not close backup file \"%s\"", dest);
	return rc;
}

/* Open a backup file read-only and make sure it is an undamaged fangai database. */
static fg_rc
open_backup(const char *source, sqlite3 **out, struct fg_error *err)
{
	sqlite3 *src = NULL;
	char first[256];
	bool ok = false, fangai = false;
	fg_rc rc;

	*out = NULL;
	if (sqlite3_open_v2(source, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fg_error_set(err, FG_IO, "file", "could not open backup file \"%s\"", source);
		fg_error_detail(err, "SQLite: %s.", src ? sqlite3_errmsg(src) : "out of memory");
		rc = FG_IO;
		goto out;
	}
	rc = quick_check(src, &ok, first, sizeof(first), err);
	if (rc == FG_NOMEM)
		goto out;
	if (rc != FG_OK || !ok) {
		fg_error_set(err, FG_INVALID, "file", "backup file \"%s\" is damaged or not a database",
			     source);
		fg_error_detail(err, "SQLite: %s.", first);
		rc = FG_INVALID;
		goto out;
	}
	rc = has_fangai_schema(src, &fangai, err);
	if (rc == FG_OK && !fangai) {
		fg_error_set(err, FG_INVALID, "file", "file \"%s\" is not a fangai backup", source);
		fg_error_detail(err, "It holds no schema_migration table.");
		rc = FG_INVALID;
	}
	if (rc != FG_OK)
		goto out;
	*out = src;
	src = NULL;
out:
	sqlite3_close(src);
	return rc;
}

fg_rc
sqlite_restore_from(void *handle, const char *source, struct fg_error *err)
{
	sqlite3 *src = NULL;
	fg_rc rc;

	rc = open_backup(source, &src, err);
	if (rc == FG_OK)
		rc = copy_pages(handle, src, "restore", err);
	sqlite3_close(src);
	return rc;
}

fg_rc
sqlite_holds_data(void *handle, char *table, size_t size, struct fg_error *err)
{
	sqlite3 *db = handle;
	sqlite3_stmt *list = NULL, *probe = NULL;
	char sql[320];
	int rc;

	table[0] = '\0';
	/* The platform's data: every row records its owning institution.  Tables
	 * without that column hold reference data seeded by the migrations. */
	rc = sqlite3_prepare_v2(db, "SELECT m.name FROM sqlite_schema m WHERE m.type = 'table'"
				" AND (m.name = 'institution' OR EXISTS (SELECT 1 FROM"
				" pragma_table_info(m.name) c WHERE c.name = 'institution_id'))"
				" ORDER BY m.name", -1, &list, NULL);
	while (rc == SQLITE_OK && table[0] == '\0' && (rc = sqlite3_step(list)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(list, 0);

		rc = SQLITE_OK;
		if (name == NULL || strchr(name, '"') != NULL || strlen(name) > 256)
			continue;	/* not a table of fangai's schema */
		snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" LIMIT 1", name);
		rc = sqlite3_prepare_v2(db, sql, -1, &probe, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(probe)) == SQLITE_ROW)
			snprintf(table, size, "%s", name);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_finalize(probe);
		probe = NULL;
	}
	sqlite3_finalize(list);
	if (rc == SQLITE_OK || rc == SQLITE_DONE)
		return FG_OK;
	fg_error_set(err, code_of(rc), "db", "could not tell whether the database holds data");
	fg_error_detail(err, "SQLite: %s.", sqlite3_errmsg(db));
	return code_of(rc);
}

/* One finding per row of "PRAGMA integrity_check" other than "ok". */
static int
integrity_rows(sqlite3_stmt *st, struct fg_findings *problems)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		if (msg != NULL && strcmp(msg, "ok") == 0)
			continue;
		if (msg != NULL && strncmp(msg, DATABASE_PREFIX, strlen(DATABASE_PREFIX)) == 0)
			msg += strlen(DATABASE_PREFIX);
		if (fg_findings_add(problems, FG_FINDING_ERROR, "store.integrity", "",
				    "integrity check: %s", msg ? msg : "(no message)") != FG_OK)
			return SQLITE_NOMEM;
	}
	return rc;
}

/* One finding per row of "PRAGMA foreign_key_check": table, rowid, parent, fkid. */
static int
foreign_key_rows(sqlite3_stmt *st, struct fg_findings *problems)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		const char *parent = (const char *)sqlite3_column_text(st, 2);

		if (fg_findings_add(problems, FG_FINDING_ERROR, "store.foreign_key", "",
				    "row %lld of table \"%s\" refers to a missing row of table \"%s\"",
				    (long long)sqlite3_column_int64(st, 1), table ? table : "",
				    parent ? parent : "") != FG_OK)
			return SQLITE_NOMEM;
	}
	return rc;
}

fg_rc
sqlite_check(void *handle, struct fg_findings *problems, struct fg_error *err)
{
	static const struct {
		const char *sql;
		int (*collect)(sqlite3_stmt *, struct fg_findings *);
	} checks[] = {
		{"PRAGMA integrity_check(" MAX_INTEGRITY_ROWS ")", integrity_rows},
		{"PRAGMA foreign_key_check", foreign_key_rows},
	};
	sqlite3 *db = handle;
	int rc = SQLITE_DONE;

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]) && rc == SQLITE_DONE; i++) {
		sqlite3_stmt *st = NULL;

		rc = sqlite3_prepare_v2(db, checks[i].sql, -1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = checks[i].collect(st, problems);
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_DONE)
		return FG_OK;
	if ((rc & 0xff) == SQLITE_NOMEM)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory checking the database");
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		return fg_findings_add(problems, FG_FINDING_ERROR, "store.integrity", "",
				       "integrity check: the database cannot be read: %s",
				       sqlite3_errmsg(db)) == FG_OK
			       ? FG_OK
			       : fg_error_set(err, FG_NOMEM, NULL, "out of memory checking the database");
	fg_error_set(err, FG_STORE, NULL, "could not check the database");
	fg_error_detail(err, "SQLite: %s.", sqlite3_errmsg(db));
	return FG_STORE;
}
