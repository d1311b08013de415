/*
 * store_fixture.h
 *	  A fresh database with the schema and the rows a unit test needs, for
 *	  cmocka setup and teardown functions.
 *
 * The database is SQLite in memory, or, when FANGAI_TEST_DB names a
 * PostgreSQL database (tests/run sets it for the PostgreSQL pass), that
 * database emptied first.
 */
#ifndef FANGAI_TEST_STORE_FIXTURE_H
#define FANGAI_TEST_STORE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "fangai/store.h"

/*
 * Move each identity key past the highest id in its table: rows a fixture
 * inserts with explicit ids do not advance PostgreSQL's sequences (SQLite
 * picks max(id) + 1 by itself).
 */
#define FIXTURE_PG_RESYNC \
	"DO $$DECLARE r record; BEGIN FOR r IN SELECT c.relname, a.attname FROM pg_class c" \
	" JOIN pg_attribute a ON a.attrelid = c.oid WHERE a.attidentity <> ''" \
	" AND c.relnamespace = current_schema()::regnamespace LOOP EXECUTE format(" \
	"'SELECT setval(pg_get_serial_sequence(%L, %L), (SELECT coalesce(max(%I), 0) + 1 FROM %I), false)'," \
	" r.relname, r.attname, r.attname, r.relname); END LOOP; END$$"

/* Is the test database PostgreSQL? */
static inline const char *
fixture_pg_uri(void)
{
	const char *uri = getenv("FANGAI_TEST_DB");

	return uri != NULL && strncmp(uri, "postgresql://", 13) == 0 ? uri : NULL;
}

/* An empty store (not migrated) in *out; FG_OK or the failure. */
static inline fg_rc
fixture_open(fg_store **out)
{
	const char *uri = fixture_pg_uri();
	fg_rc rc;

	if (uri == NULL)
		return fg_store_open(":memory:", NULL, out, NULL);
	rc = fg_store_open(uri, NULL, out, NULL);
	if (rc == FG_OK)
		rc = fg_store_exec(*out, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", NULL);
	return rc;
}

/* Run the SQL of a fixture; on PostgreSQL, resynchronise the keys after it. */
static inline fg_rc
fixture_exec(fg_store *store, const char *sql)
{
	fg_rc rc = fg_store_exec(store, sql, NULL);

	if (rc == FG_OK && fixture_pg_uri() != NULL)
		rc = fg_store_exec(store, FIXTURE_PG_RESYNC, NULL);
	return rc;
}

/* A migrated store with sql run on it (may be NULL); NULL on failure. */
static inline fg_store *
fixture_store(const char *sql)
{
	fg_store *store = NULL;

	if (fixture_open(&store) != FG_OK ||
	    fg_store_migrate(store, NULL, NULL) != FG_OK ||
	    (sql != NULL && fixture_exec(store, sql) != FG_OK)) {
		fg_store_close(store);
		return NULL;
	}
	return store;
}

/* cmocka teardown closing the store in *state. */
static inline int
fixture_teardown(void **state)
{
	fg_store_close(*state);
	return 0;
}

#endif
