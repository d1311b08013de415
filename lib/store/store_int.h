/*
 * store_int.h
 *	  What a storage backend implements behind fangai/store.h.
 *
 * A backend supplies a table of operations and its migrations.  store.c
 * owns the generic parts: URI dispatch, statement cache, transaction
 * nesting and the migration runner.
 */
#ifndef FANGAI_STORE_INT_H
#define FANGAI_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "fangai/finding.h"
#include "fangai/store.h"

struct fg_migration {
	int version;
	const char *name;
	const char *sql;
};

struct fg_store_backend {
	const char *name;
	const char *begin_sql;	/* opens the outermost transaction */
	/* Open target (backend-specific locator); *handle receives the connection. */
	fg_rc (*open)(const char *target, const struct fg_store_options *opts,
		      void **handle, struct fg_error *err);
	void (*close)(void *handle);
	fg_rc (*exec)(void *handle, const char *sql, struct fg_error *err);
	fg_rc (*prepare)(void *handle, const char *sql, void **stmt,
			 struct fg_error *err);
	void (*finalize)(void *stmt);
	fg_rc (*bind_text)(void *stmt, int idx, const char *value);
	fg_rc (*bind_int64)(void *stmt, int idx, int64_t value);
	fg_rc (*bind_double)(void *stmt, int idx, double value);
	fg_rc (*bind_null)(void *stmt, int idx);
	fg_rc (*step)(void *handle, void *stmt, bool *row, struct fg_error *err);
	const char *(*text)(void *stmt, int col);
	int64_t (*int64)(void *stmt, int col);
	double (*dbl)(void *stmt, int col);
	bool (*is_null)(void *stmt, int col);
	void (*reset)(void *stmt);
	/* Is a transaction open on the connection (whatever the store thinks)? */
	bool (*in_transaction)(void *handle);
	const struct fg_migration *migrations;	/* ascending, ends with {0} */
	/* Turn a migration's SQL into the backend's dialect (*out malloc'd);
	 * NULL when the migrations run as written. */
	fg_rc (*translate)(const char *sql, char **out, struct fg_error *err);

	/* Reliability operations (lib/store/backup.c is their caller). */
	/*
	 * Write a consistent snapshot of the open database to the new file
	 * dest while other connections go on writing; the file is complete and
	 * closed when FG_OK is returned.  (SQLite: the online backup API;
	 * PostgreSQL: pg_dump.)
	 */
	fg_rc (*backup)(void *handle, const char *dest, struct fg_error *err);
	/*
	 * Replace the whole contents of the open database with the snapshot
	 * in the file source, all or nothing; a damaged or foreign file is
	 * refused (FG_INVALID) before anything changes.
	 */
	fg_rc (*restore)(void *handle, const char *source, struct fg_error *err);
	/* The name of a table of institution-owned rows (institution, or one
	 * with an institution_id column) that holds rows, into table (size
	 * bytes), or "" when the database holds no data; reference rows
	 * seeded by migrations do not count. */
	fg_rc (*holds_data)(void *handle, char *table, size_t size,
			    struct fg_error *err);
	/* Append one FG_FINDING_ERROR to problems per inconsistency found by
	 * the backend's own checks (structure, indexes, foreign keys). */
	fg_rc (*check)(void *handle, struct fg_findings *problems,
		       struct fg_error *err);
	/* Bulk append of fg_store_copy() (NULL: one prepared INSERT per row);
	 * the names are checked identifiers. */
	fg_rc (*copy_rows)(void *handle, const char *table, const char *const *columns,
			   int ncolumns, const char *const *values, size_t nrows,
			   struct fg_error *err);
	/* fg_store_new_ids(): a query giving one new id a row, for table ?1
	 * and ?2 rows (NULL: numbered after max(id)). */
	const char *new_ids_sql;
	/* fg_store_for_keys() binds the keys as one text array (else as
	 * lists of parameters). */
	bool key_arrays;
	/* fg_store_defer_indexes(): for table ?1, a row per structure a bulk
	 * load may drop, (the statement dropping it, the statement making it
	 * again), in the order to drop and to make them. */
	const char *deferrable_sql;
};

/* The backend and connection of an open store, for lib/store/backup.c. */
const struct fg_store_backend *store_backend_of(fg_store *store, void **handle);

/* The SQLite backend's reliability operations (store_sqlite_backup.c). */
fg_rc sqlite_backup_to(void *handle, const char *dest, struct fg_error *err);
fg_rc sqlite_restore_from(void *handle, const char *source, struct fg_error *err);
fg_rc sqlite_holds_data(void *handle, char *table, size_t size, struct fg_error *err);
fg_rc sqlite_check(void *handle, struct fg_findings *problems, struct fg_error *err);

extern const struct fg_store_backend fg_store_sqlite_backend;
extern const struct fg_store_backend fg_store_pg_backend;
extern const struct fg_migration fg_sqlite_migrations[];

#endif
