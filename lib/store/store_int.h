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

#include <stddef.h>

#include "fangai/store.h"

struct fg_migration {
	int version;
	const char *name;
	const char *sql;
};

struct fg_store_backend {
	const char *name;
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
	const struct fg_migration *migrations;	/* ascending, ends with {0} */
};

extern const struct fg_store_backend fg_store_sqlite_backend;
extern const struct fg_migration fg_sqlite_migrations[];

#endif
