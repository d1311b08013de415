/*
 * store_pg_backup.c
 *	  The PostgreSQL backend's reliability operations: backup with pg_dump
 *	  (one consistent snapshot while others write), restore with
 *	  pg_restore and psql in one transaction, the emptiness test that
 *	  guards a restore, and the checks of indexes and foreign keys.
 *
 * The client programs are run directly (no shell), found on PATH; the
 * connection URI is passed to them as their database argument.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_pg_int.h"

extern char **environ;

/* Run argv[0] (found on PATH) with its output to /dev/null; FG_OK on exit 0. */
static fg_rc
run_tool(char *const argv[], const char *what, struct fg_error *err)
{
	posix_spawn_file_actions_t fa;
	int status = 0;
	pid_t pid;
	int rc;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory starting %s", argv[0]);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fg_error_set(err, FG_IO, NULL, "could not run %s for the %s", argv[0], what);
		fg_error_detail(err, "%s.", strerror(rc));
		fg_error_hint(err, "Install the PostgreSQL client programs (postgresql-client-15).");
		return FG_IO;
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return FG_OK;
	fg_error_set(err, FG_STORE, NULL, "could not complete the %s", what);
	fg_error_detail(err, "%s exited with status %d.", argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return FG_STORE;
}

fg_rc
pg_backup_to(void *handle, const char *dest, struct fg_error *err)
{
	struct pg_conn *c = handle;
	char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
			"--file", (char *)dest, "--dbname", c->conninfo, NULL};

	return run_tool(argv, "backup", err);
}

fg_rc
pg_restore_from(void *handle, const char *source, struct fg_error *err)
{
	struct pg_conn *c = handle;
	char script[4096];
	char *list[] = {"pg_restore", "--list", (char *)source, NULL};
	char *to_sql[] = {"pg_restore", "--no-owner", "--no-privileges", "--file", script,
			  (char *)source, NULL};
	char *load[] = {"psql", "--no-psqlrc", "--quiet", "--single-transaction",
			"--set", "ON_ERROR_STOP=1", "--dbname", c->conninfo,
			"--command", "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
			"--file", script, NULL};
	fg_rc rc;

	/* A damaged or foreign file is refused before anything changes. */
	if (run_tool(list, "restore", err) != FG_OK) {
		fg_error_set(err, FG_INVALID, "source", "\"%s\" is not a backup of a PostgreSQL database",
			     source);
		return FG_INVALID;
	}
	if ((size_t)snprintf(script, sizeof(script), "%s.sql", source) >= sizeof(script))
		return fg_error_set(err, FG_INVALID, "source", "backup file name \"%.64s...\" is too long",
				    source);
	rc = run_tool(to_sql, "restore", err);
	if (rc == FG_OK)
		rc = run_tool(load, "restore", err);
	unlink(script);
	return rc;
}

/* Run a query of one text column; *res owns its result. */
static fg_rc
query(struct pg_conn *c, const char *sql, PGresult **res, struct fg_error *err)
{
	*res = PQexec(c->conn, sql);
	if (PQresultStatus(*res) == PGRES_TUPLES_OK)
		return FG_OK;
	pg_result_error(*res, c->conn, err, "check the database");
	PQclear(*res);
	*res = NULL;
	return FG_STORE;
}

fg_rc
pg_holds_data(void *handle, char *table, size_t size, struct fg_error *err)
{
	struct pg_conn *c = handle;
	PGresult *list = NULL, *probe = NULL;
	char sql[320];
	fg_rc rc;

	table[0] = '\0';
	/* The platform's data: every row records its owning institution. */
	rc = query(c, "SELECT c.relname FROM pg_class c"
		      " WHERE c.relnamespace = current_schema()::regnamespace"
		      " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
		      " AND (c.relname = 'institution' OR EXISTS (SELECT 1 FROM pg_attribute a"
		      " WHERE a.attrelid = c.oid AND a.attname = 'institution_id'"
		      " AND NOT a.attisdropped)) ORDER BY 1", &list, err);
	for (int i = 0; rc == FG_OK && i < PQntuples(list) && table[0] == '\0'; i++) {
		const char *name = PQgetvalue(list, i, 0);

		if (strchr(name, '"') != NULL || strlen(name) > 256)
			continue;	/* not a table of fangai's schema */
		snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" LIMIT 1", name);
		rc = query(c, sql, &probe, err);
		if (rc == FG_OK && PQntuples(probe) > 0)
			snprintf(table, size, "%s", name);
		PQclear(probe);
	}
	PQclear(list);
	return rc;
}

/* One finding per index left invalid (a failed concurrent build). */
static fg_rc
invalid_indexes(struct pg_conn *c, struct fg_findings *problems, struct fg_error *err)
{
	PGresult *res;
	fg_rc rc = query(c, "SELECT i.indexrelid::regclass::text FROM pg_index i"
			    " JOIN pg_class c ON c.oid = i.indrelid"
			    " WHERE c.relnamespace = current_schema()::regnamespace"
			    " AND NOT (i.indisvalid AND i.indisready) ORDER BY 1", &res, err);

	for (int i = 0; rc == FG_OK && i < PQntuples(res); i++)
		if (fg_findings_add(problems, FG_FINDING_ERROR, "store.integrity", "",
				    "integrity check: index \"%s\" is not valid",
				    PQgetvalue(res, i, 0)) != FG_OK)
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory checking the database");
	PQclear(res);
	return rc;
}

/*
 * One finding per row whose single-column foreign key refers to a missing
 * row: possible only where the constraint was bypassed (triggers disabled
 * during a load).
 */
static fg_rc
orphans(struct pg_conn *c, struct fg_findings *problems, struct fg_error *err)
{
	PGresult *fks, *res = NULL;
	char sql[1024];
	fg_rc rc = query(c, "SELECT k.conrelid::regclass::text, a.attname, k.confrelid::regclass::text,"
			    " p.attname FROM pg_constraint k"
			    " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
			    " JOIN pg_attribute p ON p.attrelid = k.confrelid AND p.attnum = k.confkey[1]"
			    " WHERE k.contype = 'f' AND cardinality(k.conkey) = 1"
			    " AND k.connamespace = current_schema()::regnamespace ORDER BY 1, 2", &fks, err);

	for (int i = 0; rc == FG_OK && i < PQntuples(fks); i++) {
		const char *t = PQgetvalue(fks, i, 0), *col = PQgetvalue(fks, i, 1);
		const char *parent = PQgetvalue(fks, i, 2), *pcol = PQgetvalue(fks, i, 3);

		snprintf(sql, sizeof(sql), "SELECT DISTINCT c.%s FROM %s c WHERE c.%s IS NOT NULL AND"
			 " NOT EXISTS (SELECT 1 FROM %s p WHERE p.%s = c.%s) ORDER BY 1 LIMIT 100",
			 col, t, col, parent, pcol, col);
		rc = query(c, sql, &res, err);
		for (int r = 0; rc == FG_OK && r < PQntuples(res); r++)
			if (fg_findings_add(problems, FG_FINDING_ERROR, "store.foreign_key", "",
					    "rows of table \"%s\" refer by %s to missing row %s of table \"%s\"",
					    t, col, PQgetvalue(res, r, 0), parent) != FG_OK)
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory checking the database");
		PQclear(res);
		res = NULL;
	}
	PQclear(fks);
	return rc;
}

fg_rc
pg_check(void *handle, struct fg_findings *problems, struct fg_error *err)
{
	fg_rc rc = invalid_indexes(handle, problems, err);

	if (rc == FG_OK)
		rc = orphans(handle, problems, err);
	return rc;
}
