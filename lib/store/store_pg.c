/*
 * store_pg.c
 *	  The PostgreSQL backend on libpq: postgresql:// URIs, statements
 *	  prepared on the server once (with `?` and `?N` placeholders turned
 *	  into `$N`), results fetched whole at the first step.
 *
 * A failed statement inside a transaction leaves SQLite's transaction
 * usable but aborts PostgreSQL's; so that callers see SQLite's behaviour,
 * a statement run inside a transaction is wrapped in a savepoint, sent in
 * one round trip through libpq's pipeline mode, and rolled back to it
 * alone when it fails.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/log.h"
#include "store_int.h"
#include "store_pg_int.h"

#define BOOLOID 16
#define INT8OID 20
#define TEXTOID 25
#define FLOAT8OID 701

struct pg_stmt {
	struct pg_conn *conn;
	char name[24];		/* server-side prepared statement */
	int nparams;
	char **values;		/* nparams bound values, owned; NULL binds NULL */
	PGresult *res;		/* result of the run in progress */
	int nrows;
	int cur;		/* current row, -1 before the first */
	bool done;		/* ran and every row was handed out */
};

static void
drop_notice(void *arg, const char *message)
{
	fg_log(FG_LOG_DEBUG, "postgresql: %s", message);
}

fg_rc
pg_result_error(const PGresult *res, PGconn *conn, struct fg_error *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (msg == NULL)
		msg = PQerrorMessage(conn);
	if (state != NULL && strncmp(state, "23", 2) == 0) {
		fg_error_set(err, FG_CONFLICT, NULL, "%s violates a constraint", what);
		fg_error_detail(err, "%s", msg);
		return FG_CONFLICT;
	}
	if (state != NULL && strcmp(state, "53200") == 0)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory in the database");
	fg_error_set(err, FG_STORE, NULL, "could not %s", what);
	fg_error_detail(err, "PostgreSQL: %.*s.", (int)strcspn(msg, "\n"), msg);
	return FG_STORE;
}

/* PQexec sql; FG_OK when it ran, else the error of its result. */
fg_rc
pg_run(struct pg_conn *c, const char *sql, struct fg_error *err)
{
	PGresult *res = PQexec(c->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	fg_rc rc = FG_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		rc = pg_result_error(res, c->conn, err, "run a database command");
	PQclear(res);
	return rc;
}

static fg_rc
pg_exec(void *handle, const char *sql, struct fg_error *err)
{
	return pg_run(handle, sql, err);
}

static fg_rc
pg_open(const char *target, const struct fg_store_options *opts, void **handle,
	struct fg_error *err)
{
	struct pg_conn *c = NULL;
	fg_rc rc = FG_OK;

	*handle = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->conninfo = strdup(target)) == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory opening the store");
		goto out;
	}
	c->conn = PQconnectdb(target);
	if (c->conn == NULL || PQstatus(c->conn) != CONNECTION_OK) {
		const char *why = c->conn ? PQerrorMessage(c->conn) : "out of memory";

		fg_error_set(err, FG_IO, "db", "could not connect to database \"%s\"", target);
		fg_error_detail(err, "PostgreSQL: %.*s.", (int)strcspn(why, "\n"), why);
		fg_error_hint(err, "Create the database first with createdb, then run \"fangai init\".");
		rc = FG_IO;
		goto out;
	}
	PQsetNoticeProcessor(c->conn, drop_notice, NULL);
	rc = pg_run(c, "SET client_min_messages = warning", err);
	if (rc == FG_OK)
		rc = pg_run(c, opts->durable ? "SET synchronous_commit = on"
					     : "SET synchronous_commit = off", err);
	if (rc == FG_OK && opts->readonly)
		rc = pg_run(c, "SET default_transaction_read_only = on", err);
	if (rc != FG_OK)
		goto out;
	*handle = c;
	c = NULL;
out:
	if (c != NULL) {
		PQfinish(c->conn);
		free(c->conninfo);
	}
	free(c);
	return rc;
}

static void
pg_close(void *handle)
{
	struct pg_conn *c = handle;

	if (c == NULL)
		return;
	PQfinish(c->conn);
	free(c->conninfo);
	free(c);
}

/* The parameter number in a message "... parameter $N", 0 if none. */
static int
parameter_of(const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *p = msg ? strstr(msg, "parameter $") : NULL;

	return p ? atoi(p + strlen("parameter $")) : 0;
}

/*
 * The type to try next for a parameter of type current that res refused,
 * or 0 when there is none.  SQLite takes a parameter as it comes;
 * PostgreSQL deduces one type per parameter from where it is used, and
 * cannot when it is used nowhere (a query leaving out an optional filter)
 * or only in IS NULL (text then, or a number), nor where two uses disagree
 * (`?3 = 0 OR institution_id = ?3`: bigint, then text, then double).
 */
static Oid
next_type(const PGresult *res, Oid current)
{
	static const Oid unknown[] = {0, TEXTOID, INT8OID, FLOAT8OID, 0};
	static const Oid mixed[] = {0, INT8OID, TEXTOID, FLOAT8OID, 0};
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const Oid *order = msg && strstr(msg, "inconsistent types") ? mixed : unknown;

	for (int i = 0; order[i + 1] != 0 || i == 0; i++)
		if (order[i] == current)
			return order[i + 1];
	return 0;
}

/*
 * PQprepare, inside a transaction under a savepoint: a statement the
 * server refuses must not abort the caller's transaction.
 */
static PGresult *
prepare_once(struct pg_stmt *s, const char *text, const Oid *types)
{
	PGconn *conn = s->conn->conn;
	bool guard = PQtransactionStatus(conn) == PQTRANS_INTRANS;
	PGresult *res;

	if (guard)
		PQclear(PQexec(conn, "SAVEPOINT fg_prepare"));
	res = PQprepare(conn, s->name, text, s->nparams, types);
	if (guard && PQresultStatus(res) != PGRES_COMMAND_OK)
		PQclear(PQexec(conn, "ROLLBACK TO fg_prepare"));
	if (guard)
		PQclear(PQexec(conn, "RELEASE fg_prepare"));
	return res;
}

/* Prepare text as s->name, giving parameters types where the server asks. */
static PGresult *
prepare_typed(struct pg_stmt *s, const char *text, Oid *types)
{
	PGresult *res = prepare_once(s, text, types);
	int last = 0;		/* the parameter typed last */

	for (int tries = 0; tries < 3 * s->nparams; tries++) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		int n = parameter_of(res);
		Oid next;

		/* An operator refused the type given last: try its next one. */
		if (n == 0 && state != NULL && strcmp(state, "42883") == 0)
			n = last;
		if (PQresultStatus(res) == PGRES_COMMAND_OK || n < 1 || n > s->nparams ||
		    (next = next_type(res, types[n - 1])) == 0)
			break;
		types[n - 1] = next;
		last = n;
		PQclear(res);
		res = prepare_once(s, text, types);
	}
	return res;
}

static fg_rc
pg_prepare(void *handle, const char *sql, void **out, struct fg_error *err)
{
	struct pg_conn *c = handle;
	struct pg_stmt *s = NULL;
	PGresult *res = NULL;
	char *text = NULL;
	Oid *types = NULL;
	fg_rc rc = FG_OK;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL || (text = pg_placeholders(sql, &s->nparams)) == NULL ||
	    (s->nparams > 0 && ((s->values = calloc((size_t)s->nparams, sizeof(char *))) == NULL ||
				(types = calloc((size_t)s->nparams, sizeof(Oid))) == NULL))) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory preparing a statement");
		goto out;
	}
	s->conn = c;
	s->cur = -1;
	snprintf(s->name, sizeof(s->name), "fg_%u", ++c->next_stmt);
	res = prepare_typed(s, text, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_result_error(res, c->conn, err, "prepare a database statement");
		fg_error_hint(err, "Statement: %.200s", sql);
		goto out;
	}
	*out = s;
	s = NULL;
out:
	PQclear(res);
	free(text);
	free(types);
	if (s != NULL)
		free(s->values);
	free(s);
	return rc;
}

static void
clear_values(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
}

static void
pg_reset(void *stmt)
{
	struct pg_stmt *s = stmt;

	PQclear(s->res);
	s->res = NULL;
	s->nrows = 0;
	s->cur = -1;
	s->done = false;
	clear_values(s);
}

/*
 * The store finalizes its statements when it closes the connection, which
 * ends their server-side prepared statements too: no DEALLOCATE round trips.
 */
static void
pg_finalize(void *stmt)
{
	struct pg_stmt *s = stmt;

	if (s == NULL)
		return;
	pg_reset(s);
	free(s->values);
	free(s);
}

static fg_rc
set_value(struct pg_stmt *s, int idx, const char *text)
{
	char *copy;

	if (idx < 1 || idx > s->nparams)
		return FG_MISUSE;
	copy = text ? strdup(text) : NULL;
	if (text != NULL && copy == NULL)
		return FG_NOMEM;
	free(s->values[idx - 1]);
	s->values[idx - 1] = copy;
	return FG_OK;
}

static fg_rc
pg_bind_text(void *stmt, int idx, const char *value)
{
	return set_value(stmt, idx, value);
}

static fg_rc
pg_bind_int64(void *stmt, int idx, int64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)value);
	return set_value(stmt, idx, buf);
}

static fg_rc
pg_bind_double(void *stmt, int idx, double value)
{
	char buf[40];

	if (isnan(value))
		snprintf(buf, sizeof(buf), "NaN");
	else if (isinf(value))
		snprintf(buf, sizeof(buf), "%sInfinity", value < 0 ? "-" : "");
	else
		snprintf(buf, sizeof(buf), "%.17g", value);
	return set_value(stmt, idx, buf);
}

static fg_rc
pg_bind_null(void *stmt, int idx)
{
	return set_value(stmt, idx, NULL);
}

/* Keep the result of a statement that ran; FG_OK when it succeeded. */
static fg_rc
take_result(struct pg_stmt *s, PGresult *res, struct fg_error *err)
{
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		s->res = res;
		s->nrows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
		return FG_OK;
	}
	return pg_result_error(res, s->conn->conn, err, "write to the database");
}

/* Outside a transaction: one round trip, the statement commits alone. */
static fg_rc
run_plain(struct pg_stmt *s, struct fg_error *err)
{
	PGresult *res = PQexecPrepared(s->conn->conn, s->name, s->nparams,
				       (const char *const *)s->values, NULL, NULL, 0);
	fg_rc rc = take_result(s, res, err);

	if (rc != FG_OK)
		PQclear(res);
	return rc;
}

/* Collect the results of one pipelined command, up to its NULL. */
static PGresult *
pipeline_result(PGconn *conn)
{
	PGresult *first = NULL, *r;

	while ((r = PQgetResult(conn)) != NULL) {
		if (first == NULL)
			first = r;
		else
			PQclear(r);
	}
	return first;
}

/*
 * Inside a transaction: SAVEPOINT, the statement and RELEASE in one
 * pipeline; if the statement fails, roll back to the savepoint so that the
 * transaction goes on, as SQLite's does after a failed statement.
 */
static fg_rc
run_guarded(struct pg_stmt *s, struct fg_error *err)
{
	PGconn *conn = s->conn->conn;
	PGresult *sp = NULL, *res = NULL, *rel = NULL, *sync;
	fg_rc rc;

	if (!PQenterPipelineMode(conn))
		return run_plain(s, err);
	if (!PQsendQueryParams(conn, "SAVEPOINT fg_stmt", 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQsendQueryPrepared(conn, s->name, s->nparams, (const char *const *)s->values,
				 NULL, NULL, 0) ||
	    !PQsendQueryParams(conn, "RELEASE fg_stmt", 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQpipelineSync(conn)) {
		rc = pg_result_error(NULL, conn, err, "write to the database");
		PQexitPipelineMode(conn);
		return rc;
	}
	sp = pipeline_result(conn);
	res = pipeline_result(conn);
	rel = pipeline_result(conn);
	while ((sync = PQgetResult(conn)) != NULL) {
		bool end = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;

		PQclear(sync);
		if (end)
			break;
	}
	PQexitPipelineMode(conn);
	if (PQresultStatus(sp) != PGRES_COMMAND_OK) {
		rc = pg_result_error(sp, conn, err, "write to the database");
		PQclear(res);
	} else {
		rc = take_result(s, res, err);
		if (rc != FG_OK) {
			PQclear(res);
			PQclear(PQexec(conn, "ROLLBACK TO fg_stmt; RELEASE fg_stmt"));
		}
	}
	PQclear(sp);
	PQclear(rel);
	return rc;
}

static bool
in_transaction(PGconn *conn)
{
	PGTransactionStatusType t = PQtransactionStatus(conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static fg_rc
pg_step(void *handle, void *stmt, bool *row, struct fg_error *err)
{
	struct pg_stmt *s = stmt;
	fg_rc rc;

	*row = false;
	if (s->done)
		return FG_OK;
	if (s->res == NULL) {
		rc = PQtransactionStatus(s->conn->conn) == PQTRANS_INTRANS ? run_guarded(s, err)
									  : run_plain(s, err);
		if (rc != FG_OK) {
			s->done = true;
			return rc;
		}
	}
	if (s->cur + 1 < s->nrows) {
		s->cur++;
		*row = true;
		return FG_OK;
	}
	s->done = true;
	return FG_OK;
}

static bool
current(const struct pg_stmt *s, int col)
{
	return s->res != NULL && s->cur >= 0 && s->cur < s->nrows && col >= 0 &&
	       col < PQnfields(s->res) && !PQgetisnull(s->res, s->cur, col);
}

static bool
is_bool(const struct pg_stmt *s, int col)
{
	return PQftype(s->res, col) == BOOLOID;
}

static const char *
pgs_text(void *stmt, int col)
{
	struct pg_stmt *s = stmt;
	const char *v;

	if (!current(s, col))
		return NULL;
	v = PQgetvalue(s->res, s->cur, col);
	if (is_bool(s, col))
		return v[0] == 't' ? "1" : "0";
	return v;
}

static double
pgs_double(void *stmt, int col)
{
	const char *v = pgs_text(stmt, col);

	return v ? strtod(v, NULL) : 0.0;
}

static int64_t
pgs_int64(void *stmt, int col)
{
	const char *v = pgs_text(stmt, col);
	char *end;
	long long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE)
		return (int64_t)strtod(v, NULL);	/* a real read as an integer: truncated */
	return n;
}

static bool
pg_is_null(void *stmt, int col)
{
	return !current(stmt, col);
}

static bool
pg_in_transaction(void *handle)
{
	struct pg_conn *c = handle;

	return in_transaction(c->conn);
}

const struct fg_store_backend fg_store_pg_backend = {
	.name = "postgresql",
	.begin_sql = "BEGIN",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.text = pgs_text,
	.int64 = pgs_int64,
	.dbl = pgs_double,
	.is_null = pg_is_null,
	.reset = pg_reset,
	.in_transaction = pg_in_transaction,
	.migrations = fg_sqlite_migrations,
	.translate = pg_translate_migration,
	.backup = pg_backup_to,
	.restore = pg_restore_from,
	.holds_data = pg_holds_data,
	.check = pg_check,
	.copy_rows = pg_copy_rows,
	/* The sequence found once, not for each id (ten times quicker). */
	.new_ids_sql = "WITH s AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence(CAST(?1 AS TEXT), 'id')"
		       " AS regclass) AS seq) SELECT nextval(s.seq) AS id"
		       " FROM s, generate_series(1, CAST(?2 AS INTEGER)) ORDER BY id",
	.key_arrays = true,
	/* Indexes backing no constraint and not unique, then foreign keys (checked per row by triggers). */
	.deferrable_sql = "SELECT format('DROP INDEX %s', CAST(x.indexrelid AS regclass)),"
			  " pg_get_indexdef(x.indexrelid) FROM pg_index AS x"
			  " WHERE x.indrelid = CAST(CAST(?1 AS TEXT) AS regclass) AND NOT x.indisunique"
			  " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k"
			  " WHERE k.conrelid = x.indrelid AND k.conindid = x.indexrelid)"
			  " UNION ALL SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', CAST(c.conrelid AS regclass),"
			  " c.conname), format('ALTER TABLE %s ADD CONSTRAINT %I %s', CAST(c.conrelid AS regclass),"
			  " c.conname, pg_get_constraintdef(c.oid)) FROM pg_constraint AS c"
			  " WHERE c.conrelid = CAST(CAST(?1 AS TEXT) AS regclass) AND c.contype = 'f'",
};
