/*
 * cli.h
 *	  The fangai command: the command table, option parsing, error and
 *	  result output shared by every subcommand (cmd_*.c).
 *
 * Exit status: 0 ok, 1 the data was refused (validation, conflict, not
 * found), 2 usage or system error.
 */
#ifndef FANGAI_CLI_H
#define FANGAI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/finding.h"
#include "fangai/registry.h"
#include "fangai/store.h"

enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

#define CLI_MAX_OPTIONS 32
#define CLI_MAX_POSITIONAL 64

struct cli_option {
	const char *name;	/* long name, without "--" */
	const char *metavar;	/* NULL for a flag */
	const char *help;
};

struct cli_args {
	const struct command *cmd;
	const char *path;			/* e.g. "institution add" */
	const char *values[CLI_MAX_OPTIONS];	/* by option index; flags get "" */
	const char *pos[CLI_MAX_POSITIONAL];
	int npos;
};

struct command {
	const char *name;
	const char *usage;		/* after "fangai NAME " */
	const char *summary;		/* one line, for lists */
	const char *description;	/* paragraphs for CMD --help; may be NULL */
	const struct cli_option *options;	/* ends with {NULL} */
	int min_pos, max_pos;		/* positional arguments allowed */
	int (*run)(struct cli_args *args);
	const struct command *subcommands;	/* ends with {NULL}; run is NULL then */
};

/* Options shared by commands, for use inside their option tables. */
#define CLI_OPT_DB {"db", "PATH", "database file (default $FANGAI_DB, else var/fangai.db)"}
#define CLI_OPT_FORMAT {"format", "FMT", "output as table (default), csv or json"}
#define CLI_OPT_END {NULL, NULL, NULL}

/* Value of option `name`, or NULL when not given. */
const char *cli_get(const struct cli_args *args, const char *name);

/* True if the flag or option `name` was given. */
bool cli_has(const struct cli_args *args, const char *name);

/*
 * Print err in the one style of fangai and return the exit status it
 * maps to: the message on "fangai: error:", then detail, hint and field.
 */
int cli_report(const struct fg_error *err);

/*
 * Print a usage error, with a hint to the help of the command at path
 * (NULL: none), and return EXIT_USAGE.
 */
int cli_usage_error(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print each finding of a check on stderr in the error style; returns how many. */
size_t cli_print_problems(const struct fg_findings *problems);

/* Map a return code to the exit status. */
int cli_exit_status(fg_rc rc);

/* The database named by --db, else $FANGAI_DB, else var/fangai.db. */
const char *cli_db_path(const struct cli_args *args);

/*
 * Open the database named by --db (or its defaults) and bring its schema up
 * to date.  On failure prints the error and returns NULL; *status receives
 * the exit status.
 */
fg_store *cli_open_store(const struct cli_args *args, bool create, int *status);

/*
 * Open the database named by --db as it is, without touching its schema
 * (for backup, restore and check).  On failure prints the error and
 * returns NULL; *status receives the exit status.
 */
fg_store *cli_open_store_as_is(const struct cli_args *args, bool create, int *status);

/*
 * Load the cancer registry's code and rule tables (data/icdo3, data/tnm).
 * On failure prints the error and returns NULL; *status receives the exit
 * status.  Free the handle with fg_registry_free().
 */
fg_registry *cli_open_registry(int *status);

/*
 * Parse a numeric option in [min, max]; absent gives def.  On a bad value
 * prints the error and returns false.
 */
bool cli_int_option(const struct cli_args *args, const char *name,
		    long long min, long long max, long long def, long long *out);

/* Print the help of a command (with its path, e.g. "institution add"). */
void cli_print_help(FILE *f, const char *path, const struct command *cmd);

#endif
