/*
 * store_fixture.h
 *	  A fresh in-memory database with the schema and the rows a unit test
 *	  needs, for cmocka setup and teardown functions.
 */
#ifndef FANGAI_TEST_STORE_FIXTURE_H
#define FANGAI_TEST_STORE_FIXTURE_H

#include "fangai/store.h"

/* An in-memory store, migrated, with sql run on it (may be NULL); NULL on failure. */
static inline fg_store *
fixture_store(const char *sql)
{
	fg_store *store = NULL;

	if (fg_store_open(":memory:", NULL, &store, NULL) != FG_OK ||
	    fg_store_migrate(store, NULL, NULL) != FG_OK ||
	    (sql != NULL && fg_store_exec(store, sql, NULL) != FG_OK)) {
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
