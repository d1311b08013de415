/*
 * cmd_backup.c
 *	  fangai backup FILE: a consistent snapshot of the database, taken
 *	  while the server or an import goes on writing.
 *	  fangai restore FILE: put a backup back into an empty or new database.
 */
#include <stdio.h>

#include "cli.h"
#include "fangai/backup.h"

static int
run_backup(struct cli_args *args)
{
	struct fg_backup_report report;
	struct fg_error err;
	fg_store *store;
	int status;

	store = cli_open_store_as_is(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_store_backup(store, args->pos[0], &report, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("backup written: %s (%lld bytes, schema version %d)\n", args->pos[0],
		       (long long)report.bytes, report.schema_version);
	fg_store_close(store);
	return status;
}

static int
run_restore(struct cli_args *args)
{
	struct fg_findings problems;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	int status, version = 0;

	store = cli_open_store_as_is(args, true, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_findings_init(&problems, &arena);
	if (fg_store_restore(store, args->pos[0], cli_has(args, "force"), &version, &problems,
			     &err) != FG_OK) {
		cli_print_problems(&problems);
		status = cli_report(&err);
	} else
		printf("restored %s into %s: schema version %d, consistency check clean\n",
		       args->pos[0], cli_db_path(args), version);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option backup_options[] = {CLI_OPT_DB, CLI_OPT_END};

static const struct cli_option restore_options[] = {
	CLI_OPT_DB,
	{"force", NULL, "replace the contents of a database that holds data"},
	CLI_OPT_END,
};

const struct command cmd_backup_entry = {
	.name = "backup",
	.usage = "FILE [--db PATH]",
	.summary = "write a consistent snapshot of the database to a new file",
	.description =
		"Safe while the server, an import or another command is writing: the\n"
		"snapshot holds every transaction committed before it started and none\n"
		"after. FILE must not exist; it appears only once complete, checked and\n"
		"synced to disk. Restore it with \"fangai restore FILE\".",
	.options = backup_options,
	.min_pos = 1,
	.max_pos = 1,
	.run = run_backup,
};

const struct command cmd_restore_entry = {
	.name = "restore",
	.usage = "FILE [--db PATH] [--force]",
	.summary = "restore a backup into an empty or new database",
	.description =
		"Checks FILE before anything changes, replaces the database's contents\n"
		"with it in one transaction, and checks the result (integrity and\n"
		"foreign keys). A database that holds data is refused unless --force\n"
		"is given. Stop the server while restoring.",
	.options = restore_options,
	.min_pos = 1,
	.max_pos = 1,
	.run = run_restore,
};
