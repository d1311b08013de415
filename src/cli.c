/*
 * cli.c
 *	  Option parsing from each command's table, help text, the one error
 *	  style, and opening the database for a command.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fangai/util.h"

#define DEFAULT_DB "var/fangai.db"

static int
option_index(const struct command *cmd, const char *name, size_t len)
{
	for (int i = 0; cmd->options && cmd->options[i].name; i++)
		if (strlen(cmd->options[i].name) == len &&
		    strncmp(cmd->options[i].name, name, len) == 0)
			return i;
	return -1;
}

const char *
cli_get(const struct cli_args *args, const char *name)
{
	int i = option_index(args->cmd, name, strlen(name));

	return i >= 0 ? args->values[i] : NULL;
}

bool
cli_has(const struct cli_args *args, const char *name)
{
	return cli_get(args, name) != NULL;
}

int
cli_exit_status(fg_rc rc)
{
	switch (rc) {
	case FG_OK:
		return EXIT_OK;
	case FG_INVALID:
	case FG_NOTFOUND:
	case FG_CONFLICT:
		return EXIT_REFUSED;
	default:
		return EXIT_USAGE;
	}
}

int
cli_report(const struct fg_error *err)
{
	fprintf(stderr, "fangai: error: %s\n", err->message[0] ? err->message : fg_rc_name(err->code));
	if (err->detail[0])
		fprintf(stderr, "  detail: %s\n", err->detail);
	if (err->hint[0])
		fprintf(stderr, "  hint: %s\n", err->hint);
	if (err->field[0])
		fprintf(stderr, "  field: %s\n", err->field);
	return cli_exit_status(err->code);
}

int
cli_usage_error(const char *path, const char *fmt, ...)
{
	va_list ap;

	fputs("fangai: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (path != NULL)
		fprintf(stderr, "  hint: Run \"fangai %s --help\" for usage.\n", path);
	return EXIT_USAGE;
}

bool
cli_int_option(const struct cli_args *args, const char *name, long long min,
	       long long max, long long def, long long *out)
{
	const char *text = cli_get(args, name);
	struct fg_error err;
	int64_t v;

	if (text == NULL) {
		*out = def;
		return true;
	}
	if (fg_parse_int64(text, name, min, max, &v, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	*out = v;
	return true;
}

const char *
cli_db_path(const struct cli_args *args)
{
	const char *db = cli_get(args, "db");

	if (db == NULL)
		db = getenv("FANGAI_DB");
	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	return db;
}

fg_store *
cli_open_store(const struct cli_args *args, bool create, int *status)
{
	/* durable: an acknowledged write survives power loss, not only a crash */
	struct fg_store_options opts = {.create = create, .durable = true};
	const char *db = cli_db_path(args);
	struct fg_error err;
	fg_store *store = NULL;
	int version = 0;

	fg_error_clear(&err);
	if (fg_store_open(db, &opts, &store, &err) != FG_OK)
		goto fail;
	if (!create && fg_store_schema_version(store, &version, &err) == FG_OK && version == 0) {
		fg_error_set(&err, FG_IO, "db", "database \"%s\" is not initialised", db);
		fg_error_hint(&err, "Run \"fangai init --db %s\" first.", db);
		goto fail;
	}
	if (fg_store_migrate(store, NULL, &err) != FG_OK)
		goto fail;
	*status = EXIT_OK;
	return store;
fail:
	fg_store_close(store);
	*status = cli_report(&err);
	return NULL;
}

fg_store *
cli_open_store_as_is(const struct cli_args *args, bool create, int *status)
{
	struct fg_store_options opts = {.create = create};
	struct fg_error err;
	fg_store *store = NULL;

	fg_error_clear(&err);
	if (fg_store_open(cli_db_path(args), &opts, &store, &err) != FG_OK) {
		*status = cli_report(&err);
		return NULL;
	}
	*status = EXIT_OK;
	return store;
}

size_t
cli_print_problems(const struct fg_findings *problems)
{
	for (size_t i = 0; i < problems->count; i++)
		fprintf(stderr, "fangai: %s: %s\n", fg_finding_level_name(problems->items[i].level),
			problems->items[i].message);
	return problems->count;
}

void
cli_print_help(FILE *f, const char *path, const struct command *cmd)
{
	fprintf(f, "usage: fangai %s %s\n\n%s\n", path, cmd->usage ? cmd->usage : "", cmd->summary);
	if (cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	if (cmd->subcommands) {
		fputs("\ncommands:\n", f);
		for (const struct command *s = cmd->subcommands; s->name; s++)
			fprintf(f, "  %-12s %s\n", s->name, s->summary);
		fprintf(f, "\nRun \"fangai %s COMMAND --help\" for the options of each.\n", path);
	}
	if (cmd->options && cmd->options[0].name) {
		fputs("\noptions:\n", f);
		for (const struct cli_option *o = cmd->options; o->name; o++) {
			char left[64];

			snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
			fprintf(f, "  %-22s %s\n", left, o->help);
		}
	}
	fputs("  --help                 show this help\n", f);
}

fg_registry *
cli_open_registry(int *status)
{
	struct fg_error err;
	fg_registry *reg;

	fg_error_clear(&err);
	if (fg_registry_open(NULL, &reg, &err) != FG_OK) {
		*status = cli_report(&err);
		return NULL;
	}
	*status = EXIT_OK;
	return reg;
}
