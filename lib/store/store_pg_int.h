/*
 * store_pg_int.h
 *	  Shared between the files of the PostgreSQL backend: the connection,
 *	  SQL text translation, and the reliability operations.
 */
#ifndef FANGAI_STORE_PG_INT_H
#define FANGAI_STORE_PG_INT_H

#include <libpq-fe.h>

#include "store_int.h"

struct pg_conn {
	PGconn *conn;
	char *conninfo;		/* the URI it was opened with, owned */
	unsigned next_stmt;	/* names of server-side prepared statements */
};

/* Run sql (no parameters); FG_OK when it ran, else FG_STORE/FG_CONFLICT. */
fg_rc pg_run(struct pg_conn *c, const char *sql, struct fg_error *err);

/* Fill err from a failed result (res may be NULL: the connection's error). */
fg_rc pg_result_error(const PGresult *res, PGconn *conn, struct fg_error *err,
		      const char *what);

/*
 * sql with `?` and `?N` placeholders outside literals, identifiers and
 * comments turned into `$N` (a bare `?` numbers one past the highest so
 * far, as in SQLite); *nparams receives the highest.  Returns a malloc'd
 * string the caller frees, NULL when out of memory.
 */
char *pg_placeholders(const char *sql, int *nparams);

/*
 * Translate a migration written for SQLite (schema/sqlite/) into
 * PostgreSQL by the rules of HACKING.md ("Portable SQL"); *out receives a
 * malloc'd string the caller frees.  FG_INVALID names a construct that has
 * no translation.
 */
fg_rc pg_translate_migration(const char *sql, char **out, struct fg_error *err);

fg_rc pg_backup_to(void *handle, const char *dest, struct fg_error *err);
fg_rc pg_restore_from(void *handle, const char *source, struct fg_error *err);
fg_rc pg_holds_data(void *handle, char *table, size_t size, struct fg_error *err);
fg_rc pg_check(void *handle, struct fg_findings *problems, struct fg_error *err);
fg_rc pg_copy_rows(void *handle, const char *table, const char *const *columns,
		   int ncolumns, const char *const *values, size_t nrows, struct fg_error *err);

#endif
