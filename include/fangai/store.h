/*
 * fangai/store.h
 *	  The storage interface: every caller reaches the database through it.
 *
 * A store is opened from a URI ("sqlite:PATH", a plain path, or ":memory:")
 * and speaks portable SQL: `?` placeholders, RETURNING for generated keys,
 * ISO-8601 text for dates.  The backend (SQLite or PostgreSQL) is chosen by
 * the URI ("postgresql://..." for PostgreSQL);
 * callers never see it.  Prepared statements are cached by the store and
 * owned by it: callers never free them.
 *
 * A store handle is used by one thread at a time.
 */
#ifndef FANGAI_STORE_H
#define FANGAI_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"

typedef struct fg_store fg_store;
typedef struct fg_stmt fg_stmt;

struct fg_store_options {
	bool create;		/* create the database if missing */
	bool durable;		/* synchronous=FULL: a commit survives power loss */
	bool readonly;
};

/*
 * Open the store named by uri.  On success *out owns the handle; free it
 * with fg_store_close().  On failure *out is NULL and err says why
 * (FG_STORE, FG_IO or FG_INVALID for an unsupported URI).
 */
fg_rc fg_store_open(const char *uri, const struct fg_store_options *opts,
		    fg_store **out, struct fg_error *err);

/* Close the store and every cached statement.  Accepts NULL. */
void fg_store_close(fg_store *store);

/* The backend's name, e.g. "sqlite".  Static string. */
const char *fg_store_backend(const fg_store *store);

/*
 * Apply every migration newer than the database's schema version, each in
 * its own transaction.  *applied (may be NULL) receives how many ran.
 */
fg_rc fg_store_migrate(fg_store *store, int *applied, struct fg_error *err);

/* The highest migration applied (0 for an empty database) into *version. */
fg_rc fg_store_schema_version(fg_store *store, int *version,
			      struct fg_error *err);

/* The newest schema version this build knows. */
int fg_store_schema_latest(const fg_store *store);

/*
 * Transactions nest: the outermost begin opens a write transaction, inner
 * ones open savepoints.  Every begin is matched by exactly one commit or
 * rollback.  Nothing is visible to others until the outermost commit has
 * returned FG_OK.
 */
fg_rc fg_store_begin(fg_store *store, struct fg_error *err);
fg_rc fg_store_commit(fg_store *store, struct fg_error *err);
/* Roll back the innermost level; never fails in a way callers can mend. */
void fg_store_rollback(fg_store *store);

/*
 * Run SQL text without parameters or results (DDL, PRAGMA...).  Open
 * transactions with fg_store_begin() only: outside one, the store rolls
 * back any transaction it finds open on the connection (one left by a
 * rollback that failed) before its next use.
 */
fg_rc fg_store_exec(fg_store *store, const char *sql, struct fg_error *err);

/*
 * Return in *out the prepared statement for sql, from the store's cache,
 * reset and with no bindings.  The statement stays owned by the store and
 * is valid until the store closes; call fg_stmt_reset() when done with it.
 * Preparing the same SQL again while a previous use is unfinished resets
 * that use.
 */
fg_rc fg_store_prepare(fg_store *store, const char *sql, fg_stmt **out,
		       struct fg_error *err);

/*
 * Bind parameter idx (1-based).  Text is copied.  NULL text binds NULL.
 * A failed bind (out of memory) is also remembered: the next
 * fg_stmt_step() returns it without running the statement.
 */
fg_rc fg_stmt_bind_text(fg_stmt *stmt, int idx, const char *value);
fg_rc fg_stmt_bind_int64(fg_stmt *stmt, int idx, int64_t value);
fg_rc fg_stmt_bind_double(fg_stmt *stmt, int idx, double value);
fg_rc fg_stmt_bind_null(fg_stmt *stmt, int idx);

/*
 * Advance to the next row: *row is true when a row is available, false
 * when the statement has finished.  A constraint violation returns
 * FG_CONFLICT; other failures FG_STORE.
 */
fg_rc fg_stmt_step(fg_stmt *stmt, bool *row, struct fg_error *err);

/*
 * Column accessors for the current row (0-based).  Text stays valid until
 * the next step or reset; NULL columns give NULL text, 0 and false.
 */
const char *fg_stmt_text(fg_stmt *stmt, int col);
int64_t fg_stmt_int64(fg_stmt *stmt, int col);
double fg_stmt_double(fg_stmt *stmt, int col);
bool fg_stmt_is_null(fg_stmt *stmt, int col);

/* Finish this use of the statement: reset it and clear its bindings. */
void fg_stmt_reset(fg_stmt *stmt);

/*
 * Append nrows rows to table in one bulk operation: values holds nrows x
 * ncolumns texts, row after row (NULL for SQL NULL), for the columns named
 * (plain identifiers).  PostgreSQL streams them with COPY FROM STDIN;
 * SQLite inserts them through one prepared INSERT.  Nothing is returned
 * per row: give the keys in the rows when the caller needs them.  Inside a
 * transaction a failed call leaves none of its rows and the transaction
 * usable.  FG_CONFLICT when a row violates a constraint, FG_INVALID for a
 * name that is not an identifier, FG_STORE otherwise.
 */
fg_rc fg_store_copy(fg_store *store, const char *table, const char *const *columns,
		    int ncolumns, const char *const *values, size_t nrows, struct fg_error *err);

/*
 * Take n new keys of table's "id" column (its INTEGER PRIMARY KEY) into
 * ids[0..n-1], ascending, for rows the caller then appends with
 * fg_store_copy().  PostgreSQL draws them from the column's identity
 * sequence, so no other writer is given them (a rolled-back transaction
 * leaves a gap); SQLite numbers them after the largest id, so call it in
 * the transaction that inserts the rows, after inserting those of the
 * previous call.  FG_INVALID for a name that is not an identifier.
 */
fg_rc fg_store_new_ids(fg_store *store, const char *table, size_t n, int64_t *ids,
		       struct fg_error *err);

/*
 * The secondary structures of a set of tables, dropped for a bulk load and
 * made again after its rows: building an index over the rows at once is
 * several times quicker than keeping it up to date row by row.  Only what
 * enforces nothing is dropped: indexes that are not unique (unique ones,
 * which enforce keys and serve look-ups, stay), and on PostgreSQL the
 * foreign keys of the tables, checked again when they are made.
 */
typedef struct fg_store_deferred fg_store_deferred;

/*
 * Drop the secondary structures of the tables (a NULL-terminated list of
 * identifiers) inside the open transaction; on FG_OK *out owns what makes
 * them again (fg_store_restore_indexes()).  Rolling the transaction back
 * restores them, so a load that fails or is killed leaves them as they
 * were.  Other writers wait for the transaction (on PostgreSQL, readers of
 * the tables too).  FG_MISUSE outside a transaction, FG_INVALID for a
 * name that is not an identifier, FG_NOMEM, FG_STORE.
 */
fg_rc fg_store_defer_indexes(fg_store *store, const char *const *tables, fg_store_deferred **out,
			     struct fg_error *err);

/*
 * Make again, in the same transaction, what fg_store_defer_indexes()
 * dropped, and free d (also on failure).  A foreign key that the rows
 * loaded break gives FG_CONFLICT; the transaction is then to be rolled
 * back.  Accepts NULL.
 */
fg_rc fg_store_restore_indexes(fg_store *store, fg_store_deferred *d, struct fg_error *err);

/* Free d without making anything again (the transaction rolled back).  Accepts NULL. */
void fg_store_deferred_free(fg_store_deferred *d);

/*
 * Run the statement sql for a set of n text keys, in as few round trips
 * as the backend allows: sql ends with the column compared with the keys
 * ("SELECT ... WHERE source = ? AND source_key"), its first nfixed
 * parameters bound to fixed[].  The comparison is appended: one text
 * array on PostgreSQL, lists of parameters on SQLite.  Each row returned
 * is passed to found (NULL for a statement that returns none), with the
 * statement positioned on it; nothing is kept.  A key given twice
 * matches once.  The statement's error on failure; FG_NOMEM.
 */
fg_rc fg_store_for_keys(fg_store *store, const char *sql, const char *const *fixed, int nfixed,
			const char *const *keys, size_t n,
			void (*found)(void *userdata, fg_stmt *st), void *userdata,
			struct fg_error *err);

/*
 * Convenience: step a statement expected to yield at most one row and
 * read column 0 as an integer into *value.  *found says whether a row came.
 * Resets the statement afterwards.
 */
fg_rc fg_stmt_scalar_int64(fg_stmt *stmt, int64_t *value, bool *found,
			   struct fg_error *err);

/*
 * A paged read: the count of matches and one page of rows.  count_sql is
 * "SELECT count(*) ..." and page_sql the rows with "LIMIT ?N OFFSET ?N+1"
 * (N is limit_param); bind() binds the criteria of both from query, and
 * read() fills one item of item_size bytes from a row of page_sql.
 */
struct fg_store_page {
	const char *what;		/* for messages: "episodes" */
	const char *count_sql;
	const char *page_sql;
	int limit_param;
	const void *query;
	void (*bind)(fg_stmt *st, const void *query);
	fg_rc (*read)(fg_stmt *st, struct fg_arena *arena, void *item, struct fg_error *err);
	size_t item_size;
	int64_t limit, offset;		/* limit 0: all */
};

/*
 * Run the paged read pg: *total receives the count of matches, *items (in
 * arena, NULL when none) and *count the rows of the page.  FG_NOMEM, a
 * store error or read()'s error otherwise.
 */
fg_rc fg_store_page(fg_store *store, const struct fg_store_page *pg, struct fg_arena *arena,
		    void **items, size_t *count, int64_t *total, struct fg_error *err);

#endif
