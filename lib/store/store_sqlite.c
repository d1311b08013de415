/*
 * store_sqlite.c
 *	  The embedded SQLite backend: WAL journal, foreign keys enforced,
 *	  synchronous=FULL for durable stores, a busy timeout for concurrent
 *	  writers.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

#include "store_int.h"

#define CACHE_KIB "131072"	/* page cache per connection: 128 MiB */

static fg_rc
sqlite_error(sqlite3 *db, int code, struct fg_error *err, const char *what)
{
	int primary = code & 0xff;

	if (primary == SQLITE_CONSTRAINT) {
		fg_error_set(err, FG_CONFLICT, NULL, "%s violates a constraint", what);
		fg_error_detail(err, "%s", sqlite3_errmsg(db));
		return FG_CONFLICT;
	}
	if (primary == SQLITE_NOMEM)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory in the database");
	fg_error_set(err, FG_STORE, NULL, "could not %s", what);
	fg_error_detail(err, "SQLite: %s.", sqlite3_errmsg(db));
	return FG_STORE;
}

static fg_rc
sq_exec(void *handle, const char *sql, struct fg_error *err)
{
	sqlite3 *db = handle;
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sqlite_error(db, rc, err, "run a database command");
	return FG_OK;
}

/*
 * Before SQLite's first use: no memory statistics.  With them, every
 * allocation SQLite makes takes one process-wide mutex, which the server's
 * worker threads, each on a connection of its own, then contend for.
 * SQLITE_MISUSE (already initialised by another user) leaves them on.
 */
static void
sqlite_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static fg_rc
sq_open(const char *target, const struct fg_store_options *opts, void **handle,
	struct fg_error *err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;

	int flags = opts->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	sqlite3 *db = NULL;
	fg_rc rc;
	int src;

	*handle = NULL;
	pthread_once(&configured, sqlite_configure);
	if (opts->create && !opts->readonly)
		flags |= SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;
	src = sqlite3_open_v2(target, &db, flags, NULL);
	if (src != SQLITE_OK) {
		fg_error_set(err, FG_IO, "db", "could not open database \"%s\"", target);
		fg_error_detail(err, "SQLite: %s.", db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
		if (!opts->create)
			fg_error_hint(err, "Create it first with \"fangai init\".");
		rc = FG_IO;
		goto out;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 10000);
	rc = sq_exec(db, "PRAGMA foreign_keys = ON", err);
	if (rc == FG_OK && !opts->readonly && strcmp(target, ":memory:") != 0)
		rc = sq_exec(db, "PRAGMA journal_mode = WAL", err);
	if (rc == FG_OK)
		rc = sq_exec(db, "PRAGMA cache_size = -" CACHE_KIB, err);
	if (rc == FG_OK)
		rc = sq_exec(db, opts->durable ? "PRAGMA synchronous = FULL"
					       : "PRAGMA synchronous = NORMAL", err);
	if (rc != FG_OK)
		goto out;
	*handle = db;
	db = NULL;
out:
	sqlite3_close_v2(db);
	return rc;
}

static void
sq_close(void *handle)
{
	sqlite3_close_v2(handle);
}

static fg_rc
sq_prepare(void *handle, const char *sql, void **stmt, struct fg_error *err)
{
	sqlite3 *db = handle;
	int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    (sqlite3_stmt **)stmt, NULL);

	if (rc != SQLITE_OK)
		return sqlite_error(db, rc, err, "prepare a database statement");
	return FG_OK;
}

static void
sq_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static fg_rc
bind_result(int rc)
{
	if (rc == SQLITE_OK)
		return FG_OK;
	return rc == SQLITE_NOMEM ? FG_NOMEM : FG_MISUSE;
}

static fg_rc
sq_bind_text(void *stmt, int idx, const char *value)
{
	return bind_result(sqlite3_bind_text(stmt, idx, value, -1, SQLITE_TRANSIENT));
}

static fg_rc
sq_bind_int64(void *stmt, int idx, int64_t value)
{
	return bind_result(sqlite3_bind_int64(stmt, idx, value));
}

static fg_rc
sq_bind_double(void *stmt, int idx, double value)
{
	return bind_result(sqlite3_bind_double(stmt, idx, value));
}

static fg_rc
sq_bind_null(void *stmt, int idx)
{
	return bind_result(sqlite3_bind_null(stmt, idx));
}

static fg_rc
sq_step(void *handle, void *stmt, bool *row, struct fg_error *err)
{
	int rc = sqlite3_step(stmt);

	*row = false;
	if (rc == SQLITE_ROW) {
		*row = true;
		return FG_OK;
	}
	if (rc == SQLITE_DONE)
		return FG_OK;
	return sqlite_error(handle, rc, err, "write to the database");
}

static const char *
sq_text(void *stmt, int col)
{
	return (const char *)sqlite3_column_text(stmt, col);
}

static int64_t
sq_int64(void *stmt, int col)
{
	return sqlite3_column_int64(stmt, col);
}

static double
sq_double(void *stmt, int col)
{
	return sqlite3_column_double(stmt, col);
}

static bool
sq_is_null(void *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static void
sq_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static bool
sq_in_transaction(void *handle)
{
	return !sqlite3_get_autocommit(handle);
}

const struct fg_store_backend fg_store_sqlite_backend = {
	.name = "sqlite",
	.begin_sql = "BEGIN IMMEDIATE",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.text = sq_text,
	.int64 = sq_int64,
	.dbl = sq_double,
	.is_null = sq_is_null,
	.reset = sq_reset,
	.in_transaction = sq_in_transaction,
	.migrations = fg_sqlite_migrations,
	.backup = sqlite_backup_to,
	.restore = sqlite_restore_from,
	.holds_data = sqlite_holds_data,
	.check = sqlite_check,
	/* Foreign keys are checked per row through the referenced key's index: they stay. */
	.deferrable_sql = "SELECT 'DROP INDEX \"' || m.name || '\"', m.sql"
			  " FROM pragma_index_list(?1) AS l JOIN sqlite_master AS m"
			  " ON m.type = 'index' AND m.name = l.name"
			  " WHERE l.\"unique\" = 0 AND m.sql IS NOT NULL ORDER BY m.name",
};
