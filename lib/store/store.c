/*
 * store.c
 *	  Backend dispatch, the prepared-statement cache, nested transactions
 *	  and the migration runner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/log.h"
#include "fangai/util.h"
#include "store_int.h"

struct fg_stmt {
	fg_store *store;
	void *impl;
	char *sql;		/* cache key, owned */
	fg_rc bind_rc;		/* first failed bind since the last reset */
	int bind_idx;		/* its parameter */
};

struct fg_store {
	const struct fg_store_backend *be;
	void *handle;
	int depth;		/* open transaction levels */
	bool doomed;		/* an inner rollback failed: the outermost commit must fail */
	struct fg_stmt **cache;	/* open-addressing table */
	size_t cache_size;	/* slots, a power of two */
	size_t cache_used;
};

#define ROLLBACK_SQL "ROLLBACK"

static void heal(fg_store *store);

static const struct {
	const char *prefix;
	const struct fg_store_backend *backend;
	bool whole_uri;		/* the backend is given the URI with its prefix */
} backends[] = {
	{"sqlite:", &fg_store_sqlite_backend, false},
	{"postgresql://", &fg_store_pg_backend, true},
	{"postgres://", &fg_store_pg_backend, true},
};

static const struct fg_store_backend *
backend_for(const char *uri, const char **target)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i].prefix);

		if (strncmp(uri, backends[i].prefix, n) == 0) {
			*target = backends[i].whole_uri ? uri : uri + n;
			return backends[i].backend;
		}
	}
	if (strstr(uri, "://") != NULL)
		return NULL;
	*target = uri;		/* a plain path is an SQLite file */
	return &fg_store_sqlite_backend;
}

fg_rc
fg_store_open(const char *uri, const struct fg_store_options *opts,
	      fg_store **out, struct fg_error *err)
{
	static const struct fg_store_options defaults = {.create = true};
	const struct fg_store_backend *be;
	const char *target = NULL;
	fg_store *store = NULL;
	fg_stmt *rollback;
	fg_rc rc;

	*out = NULL;
	if (uri == NULL || *uri == '\0')
		return fg_error_set(err, FG_INVALID, "db", "database location is empty");
	be = backend_for(uri, &target);
	if (be == NULL) {
		fg_error_set(err, FG_INVALID, "db",
			     "unsupported database location \"%s\"", uri);
		fg_error_hint(err, "Give a file path, sqlite:PATH or postgresql://HOST/DATABASE.");
		return FG_INVALID;
	}
	store = calloc(1, sizeof(*store));
	if (store == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory opening the store");
	store->be = be;
	rc = be->open(target, opts ? opts : &defaults, &store->handle, err);
	if (rc != FG_OK)
		goto out;
	/* Prepared now, so that a rollback needs no memory when it matters. */
	rc = fg_store_prepare(store, ROLLBACK_SQL, &rollback, err);
	if (rc != FG_OK) {
		fg_store_close(store);
		store = NULL;
		goto out;
	}
	*out = store;
	store = NULL;
out:
	free(store);
	return rc;
}

static void
cache_clear(fg_store *store)
{
	for (size_t i = 0; i < store->cache_size; i++) {
		struct fg_stmt *s = store->cache[i];

		if (s == NULL)
			continue;
		store->be->finalize(s->impl);
		free(s->sql);
		free(s);
	}
	free(store->cache);
	store->cache = NULL;
	store->cache_size = store->cache_used = 0;
}

void
fg_store_close(fg_store *store)
{
	if (store == NULL)
		return;
	if (store->depth > 0) {
		fg_log(FG_LOG_WARNING, "store closed with %d open transaction level(s); rolled back",
		       store->depth);
		store->be->exec(store->handle, "ROLLBACK", NULL);
	}
	cache_clear(store);
	store->be->close(store->handle);
	free(store);
}

const char *
fg_store_backend(const fg_store *store)
{
	return store->be->name;
}

const struct fg_store_backend *
store_backend_of(fg_store *store, void **handle)
{
	*handle = store->handle;
	return store->be;
}

static uint64_t
hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static fg_rc
cache_grow(fg_store *store)
{
	size_t size = store->cache_size ? store->cache_size * 2 : 64;
	struct fg_stmt **old = store->cache;
	size_t old_size = store->cache_size;
	struct fg_stmt **table = calloc(size, sizeof(*table));

	if (table == NULL)
		return FG_NOMEM;
	for (size_t i = 0; i < old_size; i++) {
		if (old[i] == NULL)
			continue;
		size_t j = hash_sql(old[i]->sql) & (size - 1);

		while (table[j] != NULL)
			j = (j + 1) & (size - 1);
		table[j] = old[i];
	}
	free(old);
	store->cache = table;
	store->cache_size = size;
	return FG_OK;
}

fg_rc
fg_store_prepare(fg_store *store, const char *sql, fg_stmt **out,
		 struct fg_error *err)
{
	struct fg_stmt *s = NULL;
	size_t j;
	fg_rc rc;

	*out = NULL;
	/* A cached statement is found without allocating, even out of memory. */
	for (j = store->cache_size ? hash_sql(sql) & (store->cache_size - 1) : 0;
	     store->cache_size && store->cache[j] != NULL; j = (j + 1) & (store->cache_size - 1))
		if (strcmp(store->cache[j]->sql, sql) == 0) {
			fg_stmt_reset(store->cache[j]);
			*out = store->cache[j];
			return FG_OK;
		}
	if (store->cache_used * 2 >= store->cache_size) {
		if (cache_grow(store) != FG_OK)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory preparing a statement");
		for (j = hash_sql(sql) & (store->cache_size - 1); store->cache[j] != NULL;
		     j = (j + 1) & (store->cache_size - 1))
			;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->sql = strdup(sql)) == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory preparing a statement");
		goto out;
	}
	s->store = store;
	rc = store->be->prepare(store->handle, sql, &s->impl, err);
	if (rc != FG_OK)
		goto out;
	store->cache[j] = s;
	store->cache_used++;
	*out = s;
	s = NULL;
out:
	if (s != NULL)
		free(s->sql);
	free(s);
	return rc;
}

/*
 * Remember the first failed bind (out of memory copying a text): the next
 * step reports it instead of running the statement with a parameter
 * missing, so that callers need not check every bind.
 */
static fg_rc
bound(fg_stmt *stmt, int idx, fg_rc rc)
{
	if (rc != FG_OK && stmt->bind_rc == FG_OK) {
		stmt->bind_rc = rc;
		stmt->bind_idx = idx;
	}
	return rc;
}

fg_rc
fg_stmt_bind_text(fg_stmt *stmt, int idx, const char *value)
{
	if (value == NULL)
		return bound(stmt, idx, stmt->store->be->bind_null(stmt->impl, idx));
	return bound(stmt, idx, stmt->store->be->bind_text(stmt->impl, idx, value));
}

fg_rc
fg_stmt_bind_int64(fg_stmt *stmt, int idx, int64_t value)
{
	return bound(stmt, idx, stmt->store->be->bind_int64(stmt->impl, idx, value));
}

fg_rc
fg_stmt_bind_double(fg_stmt *stmt, int idx, double value)
{
	return bound(stmt, idx, stmt->store->be->bind_double(stmt->impl, idx, value));
}

fg_rc
fg_stmt_bind_null(fg_stmt *stmt, int idx)
{
	return bound(stmt, idx, stmt->store->be->bind_null(stmt->impl, idx));
}

fg_rc
fg_stmt_step(fg_stmt *stmt, bool *row, struct fg_error *err)
{
	if (stmt->bind_rc != FG_OK) {
		*row = false;
		return fg_error_set(err, stmt->bind_rc, NULL, "could not bind parameter %d of a statement",
				    stmt->bind_idx);
	}
	heal(stmt->store);
	return stmt->store->be->step(stmt->store->handle, stmt->impl, row, err);
}

const char *
fg_stmt_text(fg_stmt *stmt, int col)
{
	return stmt->store->be->text(stmt->impl, col);
}

int64_t
fg_stmt_int64(fg_stmt *stmt, int col)
{
	return stmt->store->be->int64(stmt->impl, col);
}

double
fg_stmt_double(fg_stmt *stmt, int col)
{
	return stmt->store->be->dbl(stmt->impl, col);
}

bool
fg_stmt_is_null(fg_stmt *stmt, int col)
{
	return stmt->store->be->is_null(stmt->impl, col);
}

void
fg_stmt_reset(fg_stmt *stmt)
{
	if (stmt == NULL)
		return;
	stmt->store->be->reset(stmt->impl);
	stmt->bind_rc = FG_OK;
}

fg_rc
fg_stmt_scalar_int64(fg_stmt *stmt, int64_t *value, bool *found,
		     struct fg_error *err)
{
	bool row = false, more;
	fg_rc rc = fg_stmt_step(stmt, &row, err);

	if (rc == FG_OK && row)
		*value = fg_stmt_int64(stmt, 0);
	/*
	 * Run the statement to its end: an INSERT ... RETURNING outside a
	 * transaction commits only then, and the commit may fail.
	 */
	more = row;
	while (rc == FG_OK && more)
		rc = fg_stmt_step(stmt, &more, err);
	if (found != NULL)
		*found = rc == FG_OK && row;
	fg_stmt_reset(stmt);
	return rc;
}

fg_rc
fg_store_exec(fg_store *store, const char *sql, struct fg_error *err)
{
	heal(store);
	return store->be->exec(store->handle, sql, err);
}

/*
 * Roll the whole transaction back through the statement prepared at open,
 * which needs no memory; plain text only if that fails.
 */
static fg_rc
rollback_all(fg_store *store)
{
	fg_stmt *st = NULL;
	bool row;
	fg_rc rc;

	store->doomed = false;
	rc = fg_store_prepare(store, ROLLBACK_SQL, &st, NULL);
	if (rc == FG_OK)
		rc = store->be->step(store->handle, st->impl, &row, NULL);
	fg_stmt_reset(st);
	if (rc != FG_OK)
		rc = store->be->exec(store->handle, ROLLBACK_SQL, NULL);
	return rc;
}

/*
 * Outside any transaction of ours, roll back one the backend still holds:
 * left open by a rollback that itself failed (SQLite cannot always roll
 * back while out of memory).  Called before each use of the connection.
 */
static void
heal(fg_store *store)
{
	if (store->depth == 0 && store->be->in_transaction(store->handle)) {
		fg_log(FG_LOG_WARNING, "rolling back a transaction left open by a failed rollback");
		rollback_all(store);
	}
}

fg_rc
fg_store_begin(fg_store *store, struct fg_error *err)
{
	char sql[64];
	fg_rc rc;

	heal(store);
	if (store->depth == 0)
		rc = store->be->exec(store->handle, store->be->begin_sql, err);
	else {
		snprintf(sql, sizeof(sql), "SAVEPOINT fg_%d", store->depth);
		rc = store->be->exec(store->handle, sql, err);
	}
	if (rc == FG_OK)
		store->depth++;
	return rc;
}

fg_rc
fg_store_commit(fg_store *store, struct fg_error *err)
{
	char sql[64];
	fg_rc rc;

	if (store->depth == 0)
		return fg_error_set(err, FG_MISUSE, NULL, "commit without a transaction");
	if (store->depth == 1 && store->doomed) {
		fg_store_rollback(store);
		return fg_error_set(err, FG_STORE, NULL,
				    "could not commit: part of the transaction could not be rolled back");
	}
	if (store->depth == 1)
		rc = store->be->exec(store->handle, "COMMIT", err);
	else {
		snprintf(sql, sizeof(sql), "RELEASE fg_%d", store->depth - 1);
		rc = store->be->exec(store->handle, sql, err);
	}
	if (rc != FG_OK) {
		fg_store_rollback(store);
		return rc;
	}
	store->depth--;
	return FG_OK;
}

void
fg_store_rollback(fg_store *store)
{
	char sql[96];

	if (store->depth == 0)
		return;
	store->depth--;
	if (store->depth == 0) {
		rollback_all(store);
		return;
	}
	snprintf(sql, sizeof(sql), "ROLLBACK TO fg_%d; RELEASE fg_%d",
		 store->depth, store->depth);
	if (store->be->exec(store->handle, sql, NULL) != FG_OK)
		store->doomed = true;
}

int
fg_store_schema_latest(const fg_store *store)
{
	int latest = 0;

	for (const struct fg_migration *m = store->be->migrations; m->sql; m++)
		latest = m->version;
	return latest;
}

fg_rc
fg_store_schema_version(fg_store *store, int *version, struct fg_error *err)
{
	fg_stmt *st;
	int64_t v = 0;
	fg_rc rc;

	rc = fg_store_exec(store,
			   "CREATE TABLE IF NOT EXISTS schema_migration ("
			   " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			   " applied_at TEXT NOT NULL)", err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "SELECT coalesce(max(version), 0) FROM schema_migration",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_stmt_scalar_int64(st, &v, NULL, err);
	*version = (int)v;
	return rc;
}

static fg_rc
apply_migration(fg_store *store, const struct fg_migration *m,
		struct fg_error *err)
{
	char stamp[32];
	char *sql = NULL;
	bool begun = false, row;
	fg_stmt *st;
	fg_rc rc = FG_OK;

	if (store->be->translate != NULL &&
	    (rc = store->be->translate(m->sql, &sql, err)) != FG_OK) {
		fg_error_detail(err, "Migration %04d (%s) has no %s translation.", m->version,
				m->name, store->be->name);
		goto out;
	}
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		goto out;
	begun = true;
	rc = fg_store_exec(store, sql ? sql : m->sql, err);
	if (rc != FG_OK) {
		fg_error_detail(err, "Migration %04d (%s) failed.", m->version, m->name);
		goto out;
	}
	rc = fg_store_prepare(store,
			      "INSERT INTO schema_migration (version, name, applied_at)"
			      " VALUES (?, ?, ?)",
			      &st, err);
	if (rc != FG_OK)
		goto out;
	fg_stmt_bind_int64(st, 1, m->version);
	fg_stmt_bind_text(st, 2, m->name);
	fg_stmt_bind_text(st, 3, fg_utc_now(stamp));
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	if (rc != FG_OK)
		goto out;
	begun = false;
	rc = fg_store_commit(store, err);
	if (rc == FG_OK)
		fg_log(FG_LOG_INFO, "applied migration %04d %s", m->version, m->name);
out:
	if (begun)
		fg_store_rollback(store);
	free(sql);
	return rc;
}

fg_rc
fg_store_migrate(fg_store *store, int *applied, struct fg_error *err)
{
	int current = 0, count = 0;
	fg_rc rc;

	rc = fg_store_schema_version(store, &current, err);
	for (const struct fg_migration *m = store->be->migrations;
	     rc == FG_OK && m->sql; m++) {
		if (m->version <= current)
			continue;
		rc = apply_migration(store, m, err);
		if (rc == FG_OK)
			count++;
	}
	if (applied != NULL)
		*applied = count;
	return rc;
}

static bool
identifier(const char *s)
{
	if (s == NULL || !(*s == '_' || (*s >= 'a' && *s <= 'z')) || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* fg_store_copy through one prepared INSERT, under a savepoint. */
static fg_rc
copy_by_insert(fg_store *store, const char *sql, int ncolumns, const char *const *values,
	       size_t nrows, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store, sql, &st, err);
	for (size_t r = 0; rc == FG_OK && r < nrows; r++) {
		for (int c = 0; c < ncolumns; c++)
			fg_stmt_bind_text(st, c + 1, values[r * (size_t)ncolumns + (size_t)c]);
		rc = fg_stmt_step(st, &row, err);
		fg_stmt_reset(st);
	}
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

fg_rc
fg_store_copy(fg_store *store, const char *table, const char *const *columns, int ncolumns,
	      const char *const *values, size_t nrows, struct fg_error *err)
{
	char sql[2048];
	size_t n;

	if (!identifier(table))
		return fg_error_set(err, FG_INVALID, "table", "invalid table name \"%s\"",
				    table ? table : "");
	for (int c = 0; c < ncolumns; c++)
		if (!identifier(columns[c]))
			return fg_error_set(err, FG_INVALID, "columns", "invalid column name \"%s\"",
					    columns[c] ? columns[c] : "");
	if (ncolumns < 1 || nrows == 0)
		return FG_OK;
	heal(store);
	if (store->be->copy_rows != NULL)
		return store->be->copy_rows(store->handle, table, columns, ncolumns, values, nrows, err);
	n = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s (", table);
	for (int c = 0; c < ncolumns && n < sizeof(sql); c++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s%s", c ? ", " : "", columns[c]);
	for (int c = 0; c < ncolumns && n < sizeof(sql); c++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s", c ? ", ?" : ") VALUES (?");
	if (n + 2 >= sizeof(sql))
		return fg_error_set(err, FG_INVALID, "columns", "too many columns (%d) for table \"%s\"",
				    ncolumns, table);
	snprintf(sql + n, sizeof(sql) - n, ")");
	return copy_by_insert(store, sql, ncolumns, values, nrows, err);
}

#define KEYS_IN 200		/* keys per " IN (...)" list */

/* "{"k1","k2"}": the keys as a PostgreSQL text array literal, in a new string. */
static char *
keys_array(const char *const *keys, size_t n)
{
	size_t size = 3;
	char *out, *o;

	for (size_t k = 0; k < n; k++)
		size += 3 + 2 * strlen(keys[k]);
	out = o = malloc(size);
	if (out == NULL)
		return NULL;
	*o++ = '{';
	for (size_t k = 0; k < n; k++) {
		if (k)
			*o++ = ',';
		*o++ = '"';
		for (const char *c = keys[k]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

/* Bind the fixed parameters, then run the statement, passing each row to found. */
static fg_rc
run_for_keys(fg_stmt *st, const char *const *fixed, int nfixed,
	     void (*found)(void *userdata, fg_stmt *st), void *userdata, struct fg_error *err)
{
	bool row = false;
	fg_rc rc;

	for (int k = 0; k < nfixed; k++)
		fg_stmt_bind_text(st, k + 1, fixed[k]);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		if (found)
			found(userdata, st);
	fg_stmt_reset(st);
	return rc;
}

/* fg_store_for_keys() with one array of all the keys. */
static fg_rc
for_keys_array(fg_store *store, const char *sql, const char *const *fixed, int nfixed,
	       const char *const *keys, size_t n, void (*found)(void *userdata, fg_stmt *st),
	       void *userdata, struct fg_error *err)
{
	/* A semi-join: at worst a hash join, where "= ANY (array)" could be a
	 * filter comparing every row scanned with every key. */
	static const char any[] = " IN (SELECT unnest(CAST(? AS TEXT[])))";
	size_t size = strlen(sql) + sizeof(any);
	char *text = malloc(size), *array = keys_array(keys, n);
	fg_stmt *st;
	fg_rc rc = FG_NOMEM;

	if (array == NULL || text == NULL) {
		fg_error_set(err, FG_NOMEM, NULL, "out of memory looking up %zu keys", n);
		goto out;
	}
	snprintf(text, size, "%s%s", sql, any);
	rc = fg_store_prepare(store, text, &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, nfixed + 1, array);
		rc = run_for_keys(st, fixed, nfixed, found, userdata, err);
	}
out:
	free(text);
	free(array);
	return rc;
}

fg_rc
fg_store_for_keys(fg_store *store, const char *sql, const char *const *fixed, int nfixed,
		  const char *const *keys, size_t n, void (*found)(void *userdata, fg_stmt *st),
		  void *userdata, struct fg_error *err)
{
	char text[2048];
	size_t len = strlen(sql);
	fg_stmt *st;
	fg_rc rc = FG_OK;

	if (n == 0)
		return FG_OK;
	if (store->be->key_arrays)
		return for_keys_array(store, sql, fixed, nfixed, keys, n, found, userdata, err);
	if (len + 6 + KEYS_IN * 3 > sizeof(text))
		return fg_error_set(err, FG_INTERNAL, NULL, "look-up query is too long");
	memcpy(text, sql, len);
	len += (size_t)snprintf(text + len, sizeof(text) - len, " IN (");
	for (int k = 0; k < KEYS_IN; k++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s?", k ? ", " : "");
	snprintf(text + len, sizeof(text) - len, ")");
	for (size_t at = 0; rc == FG_OK && at < n; at += KEYS_IN) {
		rc = fg_store_prepare(store, text, &st, err);
		if (rc != FG_OK)
			break;
		for (size_t k = 0; k < KEYS_IN; k++)
			fg_stmt_bind_text(st, nfixed + 1 + (int)k, at + k < n ? keys[at + k] : NULL);
		rc = run_for_keys(st, fixed, nfixed, found, userdata, err);
	}
	return rc;
}

fg_rc
fg_store_new_ids(fg_store *store, const char *table, size_t n, int64_t *ids, struct fg_error *err)
{
	char sql[256];
	fg_stmt *st;
	bool row = false;
	size_t k = 0;
	fg_rc rc;

	if (!identifier(table))
		return fg_error_set(err, FG_INVALID, "table", "invalid table name \"%s\"",
				    table ? table : "");
	if (n == 0)
		return FG_OK;
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) FROM %s", table);
	rc = fg_store_prepare(store, store->be->new_ids_sql ? store->be->new_ids_sql : sql, &st, err);
	if (rc != FG_OK)
		return rc;
	if (store->be->new_ids_sql != NULL) {
		fg_stmt_bind_text(st, 1, table);
		fg_stmt_bind_int64(st, 2, (int64_t)n);
	}
	while (k < n && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		ids[k++] = fg_stmt_int64(st, 0);
	fg_stmt_reset(st);
	if (rc == FG_OK && k == 1 && store->be->new_ids_sql == NULL) {
		int64_t largest = ids[0];

		for (k = 0; k < n; k++)
			ids[k] = largest + 1 + (int64_t)k;
	}
	if (rc == FG_OK && k < n)
		rc = fg_error_set(err, FG_INTERNAL, "table", "could not take %zu new keys of table \"%s\"",
				  n, table);
	return rc;
}

/* ---- structures deferred for a bulk load ---- */

struct fg_store_deferred {
	char **make;		/* the statements making them again, in order */
	size_t n, cap;
};

void
fg_store_deferred_free(fg_store_deferred *d)
{
	if (d == NULL)
		return;
	for (size_t k = 0; k < d->n; k++)
		free(d->make[k]);
	free(d->make);
	free(d);
}

/* Append a copy of text to the list of n texts at *list (*cap slots); false when out of memory. */
static bool
append_text(char ***list, size_t *n, size_t *cap, const char *text)
{
	char *copy = strdup(text);

	if (copy != NULL && *n == *cap) {
		size_t grown = *cap ? 2 * *cap : 16;
		char **more = realloc(*list, grown * sizeof(**list));

		if (more == NULL) {
			free(copy);
			return false;
		}
		*list = more;
		*cap = grown;
	}
	if (copy != NULL)
		(*list)[(*n)++] = copy;
	return copy != NULL;
}

/* Read what table has to defer into d, and the statements dropping it into *drop. */
static fg_rc
list_deferrable(fg_store *store, const char *table, fg_store_deferred *d, char ***drop, size_t *ndrop,
		size_t *dropcap, struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	rc = fg_store_prepare(store, store->be->deferrable_sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, table);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		if (!append_text(drop, ndrop, dropcap, fg_stmt_text(st, 0)) ||
		    !append_text(&d->make, &d->n, &d->cap, fg_stmt_text(st, 1))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing the indexes of \"%s\"",
					  table);
			break;
		}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_store_defer_indexes(fg_store *store, const char *const *tables, fg_store_deferred **out,
		       struct fg_error *err)
{
	fg_store_deferred *d = NULL;
	char **drop = NULL;
	size_t ndrop = 0, dropcap = 0;
	fg_rc rc = FG_OK;

	*out = NULL;
	if (store->depth == 0)
		return fg_error_set(err, FG_MISUSE, NULL, "indexes are deferred only inside a transaction");
	for (size_t t = 0; tables[t] != NULL; t++)
		if (!identifier(tables[t]))
			return fg_error_set(err, FG_INVALID, "table", "invalid table name \"%s\"", tables[t]);
	if (store->be->deferrable_sql == NULL)
		goto done;
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory deferring indexes");
		goto done;
	}
	for (size_t t = 0; rc == FG_OK && tables[t] != NULL; t++)
		rc = list_deferrable(store, tables[t], d, &drop, &ndrop, &dropcap, err);
	for (size_t k = 0; rc == FG_OK && k < ndrop; k++)
		rc = fg_store_exec(store, drop[k], err);
done:
	for (size_t k = 0; k < ndrop; k++)
		free(drop[k]);
	free(drop);
	if (rc == FG_OK)
		*out = d;
	else
		fg_store_deferred_free(d);
	return rc;
}

fg_rc
fg_store_restore_indexes(fg_store *store, fg_store_deferred *d, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (size_t k = 0; d != NULL && rc == FG_OK && k < d->n; k++)
		rc = fg_store_exec(store, d->make[k], err);
	fg_store_deferred_free(d);
	return rc;
}
