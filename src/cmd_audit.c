/*
 * cmd_audit.c
 *	  fangai audit verify|list: check the hash chain of the audit log and
 *	  read it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/audit.h"
#include "output.h"

/* Parse --anchor ID:HASH; false after a usage error. */
static bool
parse_anchor(const struct cli_args *args, struct fg_audit_anchor *anchor, bool *given)
{
	const char *text = cli_get(args, "anchor");
	long long id;
	int used = 0;

	*given = text != NULL;
	if (text == NULL)
		return true;
	if (sscanf(text, "%lld:%64[0-9a-f]%n", &id, anchor->hash, &used) == 2 && text[used] == '\0' &&
	    id > 0 && strlen(anchor->hash) == FG_SHA256_HEX - 1) {
		anchor->id = id;
		return true;
	}
	cli_usage_error(args->path, "invalid anchor \"%s\"", text);
	return false;
}

static int
run_verify(struct cli_args *args)
{
	struct fg_audit_report report;
	struct fg_audit_anchor anchor;
	struct fg_error err;
	fg_store *store;
	bool anchored;
	int status;

	if (!parse_anchor(args, &anchor, &anchored))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_audit_verify(store, anchored ? &anchor : NULL, &report, &err) != FG_OK)
		status = cli_report(&err);
	else if (report.first_bad != 0) {
		fprintf(stderr, "fangai: error: audit log is broken at row %lld\n  detail: %s.\n",
			(long long)report.first_bad, report.reason);
		status = EXIT_REFUSED;
	} else
		printf("audit log intact: %lld rows\nanchor: %lld:%s\n", (long long)report.rows,
		       (long long)report.head_id, report.head_id ? report.head_hash : "");
	fg_store_close(store);
	return status;
}

static const struct out_column columns[] = {
	{"id", true}, {"at", false}, {"user_id", true}, {"institution_id", true},
	{"action", false}, {"resource", false}, {"result", false}, {"client", false},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

static int
run_list(struct cli_args *args)
{
	struct fg_audit_query q = {.action = cli_get(args, "action")};
	struct fg_audit_list list;
	struct out_table table;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long limit, offset;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "limit", 1, 1000, 50, &limit) ||
	    !cli_int_option(args, "offset", 0, INT64_MAX, 0, &offset))
		return EXIT_USAGE;
	q.limit = limit;
	q.offset = offset;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_audit_find(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&table, &arena, columns, NCOLUMNS);
		for (size_t i = 0; i < list.count; i++) {
			const struct fg_audit_entry *e = &list.items[i];
			char id[24], user[24], inst[24];
			const char *cells[NCOLUMNS] = {id, e->at, user, inst, e->action, e->resource,
						       e->result, e->client};

			snprintf(id, sizeof(id), "%lld", (long long)e->id);
			snprintf(user, sizeof(user), "%lld", (long long)e->user_id);
			snprintf(inst, sizeof(inst), "%lld", (long long)e->institution_id);
			out_table_add(&table, cells);
		}
		out_table_print(&table, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option verify_options[] = {
	CLI_OPT_DB,
	{"anchor", "ID:HASH", "also check that row ID still has HASH (an anchor printed by an earlier verify)"},
	CLI_OPT_END,
};
static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"action", "NAME", "only entries of this action (read, search, create, login ...)"},
	{"limit", "N", "page size, 1-1000 (default 50)"},
	{"offset", "N", "skip the newest N entries"},
	CLI_OPT_END,
};

static const struct command audit_commands[] = {
	{.name = "verify", .usage = "[--anchor ID:HASH]",
	 .summary = "recompute the hash chain; exit 1 if a row was changed, removed or cut off",
	 .description = "Prints the anchor of the log (its newest row and hash).  Keep it outside the\n"
			"database; verifying later with --anchor also detects a log cut short.",
	 .options = verify_options, .run = run_verify},
	{.name = "list", .usage = "[OPTIONS]", .summary = "show the audit log, newest first",
	 .options = list_options, .run = run_list},
	{0},
};

const struct command cmd_audit_entry = {
	.name = "audit",
	.usage = "verify|list ...",
	.summary = "the hash-chained audit log",
	.subcommands = audit_commands,
};
