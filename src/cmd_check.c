/*
 * cmd_check.c
 *	  fangai check: the database's consistency checks (SQLite:
 *	  integrity_check and foreign_key_check).
 */
#include <stdio.h>

#include "cli.h"
#include "fangai/backup.h"

static int
run_check(struct cli_args *args)
{
	struct fg_findings problems;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	int status;

	store = cli_open_store_as_is(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	fg_findings_init(&problems, &arena);
	if (fg_store_check(store, &problems, &err) != FG_OK)
		status = cli_report(&err);
	else if (cli_print_problems(&problems) > 0) {
		fprintf(stderr, "fangai: error: database \"%s\" failed its consistency check\n"
				"  detail: %zu problem(s) found.\n"
				"  hint: Restore the latest backup with \"fangai restore\".\n",
			cli_db_path(args), problems.count);
		status = EXIT_REFUSED;
	} else
		printf("database %s is consistent: integrity and foreign keys checked\n",
		       cli_db_path(args));
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option options[] = {CLI_OPT_DB, CLI_OPT_END};

const struct command cmd_check_entry = {
	.name = "check",
	.usage = "[--db PATH]",
	.summary = "check the database's integrity and foreign keys",
	.description =
		"Runs the storage engine's full consistency checks: every page, index\n"
		"and constraint (SQLite's integrity_check) and every reference between\n"
		"tables (foreign_key_check). Exit status 1 when a problem is found.",
	.options = options,
	.run = run_check,
};
