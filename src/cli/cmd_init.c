/*
 * cmd_init.c
 *	  fangai init: create a database and apply the schema.
 *	  fangai migrate: bring an existing database's schema up to date.
 */
#include "cli.h"

static int
report_schema(const struct cli_args *args, bool create)
{
	struct fg_error err;
	fg_store *store;
	int status, version = 0;

	store = cli_open_store(args, create, &status);
	if (store == NULL)
		return status;
	if (fg_store_schema_version(store, &version, &err) != FG_OK) {
		status = cli_report(&err);
		goto out;
	}
	printf("database ready: schema version %d (%s)\n", version, fg_store_backend(store));
out:
	fg_store_close(store);
	return status;
}

static int
run_init(struct cli_args *args)
{
	return report_schema(args, true);
}

static int
run_migrate(struct cli_args *args)
{
	return report_schema(args, false);
}

static const struct cli_option db_only[] = {CLI_OPT_DB, CLI_OPT_END};

const struct command cmd_init_entry = {
	.name = "init",
	.usage = "[--db PATH]",
	.summary = "create a database with the current schema",
	.description = "Creates the database file if it does not exist and applies every\n"
		       "migration. Running it on an existing database is harmless.",
	.options = db_only,
	.run = run_init,
};

const struct command cmd_migrate_entry = {
	.name = "migrate",
	.usage = "[--db PATH]",
	.summary = "apply pending schema migrations to a database",
	.description = "Each migration runs in its own transaction; a failed migration leaves\n"
		       "the database at the previous version.",
	.options = db_only,
	.run = run_migrate,
};
