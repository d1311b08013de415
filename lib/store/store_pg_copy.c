/*
 * store_pg_copy.c
 *	  Bulk append on PostgreSQL: rows streamed with COPY ... FROM STDIN in
 *	  its text format, in chunks, under a savepoint inside a transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_int.h"

#define CHUNK (256 * 1024)	/* bytes sent per PQputCopyData */

struct copybuf {
	PGconn *conn;
	char data[CHUNK];
	size_t n;
	bool failed;
};

static void
flush(struct copybuf *b)
{
	if (b->n > 0 && !b->failed && PQputCopyData(b->conn, b->data, (int)b->n) != 1)
		b->failed = true;
	b->n = 0;
}

static void
put(struct copybuf *b, const char *s, size_t len)
{
	while (len > 0) {
		size_t room = sizeof(b->data) - b->n, k = len < room ? len : room;

		memcpy(b->data + b->n, s, k);
		b->n += k;
		s += k;
		len -= k;
		if (b->n == sizeof(b->data))
			flush(b);
	}
}

/* One field in COPY's text format: \N for NULL, backslash escapes. */
static void
put_field(struct copybuf *b, const char *v)
{
	const char *run;

	if (v == NULL) {
		put(b, "\\N", 2);
		return;
	}
	for (run = v; *v; v++) {
		const char *esc = *v == '\\' ? "\\\\" : *v == '\t' ? "\\t" : *v == '\n' ? "\\n"
				  : *v == '\r' ? "\\r" : NULL;

		if (esc == NULL)
			continue;
		put(b, run, (size_t)(v - run));
		put(b, esc, 2);
		run = v + 1;
	}
	put(b, run, (size_t)(v - run));
}

/* Start COPY table (columns) FROM STDIN; FG_OK when the server waits for rows. */
static fg_rc
start_copy(PGconn *conn, const char *table, const char *const *columns, int ncolumns,
	   struct fg_error *err)
{
	char sql[2048];
	size_t n = (size_t)snprintf(sql, sizeof(sql), "COPY %s (", table);
	PGresult *res;
	fg_rc rc = FG_OK;

	for (int c = 0; c < ncolumns && n < sizeof(sql); c++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s%s", c ? ", " : "", columns[c]);
	if (n + sizeof(") FROM STDIN") >= sizeof(sql))
		return fg_error_set(err, FG_INVALID, "columns", "too many columns (%d) for table \"%s\"",
				    ncolumns, table);
	snprintf(sql + n, sizeof(sql) - n, ") FROM STDIN");
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = pg_result_error(res, conn, err, "start a bulk copy");
	PQclear(res);
	return rc;
}

/* Send the rows and end the COPY; the server's verdict. */
static fg_rc
send_rows(PGconn *conn, int ncolumns, const char *const *values, size_t nrows,
	  struct fg_error *err)
{
	struct copybuf *b = malloc(sizeof(*b));
	PGresult *res, *more;
	fg_rc rc = FG_OK;

	if (b == NULL) {
		PQputCopyEnd(conn, "out of memory");
		PQclear(PQgetResult(conn));
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory copying rows");
	}
	b->conn = conn;
	b->n = 0;
	b->failed = false;
	for (size_t r = 0; r < nrows && !b->failed; r++) {
		for (int c = 0; c < ncolumns; c++) {
			if (c > 0)
				put(b, "\t", 1);
			put_field(b, values[r * (size_t)ncolumns + (size_t)c]);
		}
		put(b, "\n", 1);
	}
	flush(b);
	if (PQputCopyEnd(conn, b->failed ? "could not send rows" : NULL) != 1)
		b->failed = true;
	free(b);
	res = PQgetResult(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_result_error(res, conn, err, "copy rows into the database");
	PQclear(res);
	while ((more = PQgetResult(conn)) != NULL)
		PQclear(more);
	return rc;
}

fg_rc
pg_copy_rows(void *handle, const char *table, const char *const *columns, int ncolumns,
	     const char *const *values, size_t nrows, struct fg_error *err)
{
	struct pg_conn *c = handle;
	bool guard = PQtransactionStatus(c->conn) == PQTRANS_INTRANS;
	fg_rc rc;

	if (guard && (rc = pg_run(c, "SAVEPOINT fg_copy", err)) != FG_OK)
		return rc;
	rc = start_copy(c->conn, table, columns, ncolumns, err);
	if (rc == FG_OK)
		rc = send_rows(c->conn, ncolumns, values, nrows, err);
	if (guard)
		pg_run(c, rc == FG_OK ? "RELEASE fg_copy" : "ROLLBACK TO fg_copy; RELEASE fg_copy", NULL);
	return rc;
}
