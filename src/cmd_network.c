/*
 * cmd_network.c
 *	  fangai network access|indicators: the record access the network
 *	  grants, and its indicators.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/network.h"
#include "output.h"

static const struct out_column access_columns[] = {
	{"institution_id", true}, {"person_id", true}, {"source", false}, {"source_id", true},
	{"granted_at", false}, {"ends_at", false},
};
#define NACCESS ((int)(sizeof(access_columns) / sizeof(access_columns[0])))

static bool
as_of_option(const struct cli_args *args, int64_t *now)
{
	struct fg_error err;

	*now = fg_net_now();
	if (!cli_has(args, "as-of") ||
	    fg_net_time_parse(cli_get(args, "as-of"), "as-of", now, &err) == FG_OK)
		return true;
	cli_report(&err);
	return false;
}

static int
run_access(struct cli_args *args)
{
	struct fg_access_list list;
	struct out_table t;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long inst, person;
	int64_t now;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst) ||
	    !cli_int_option(args, "person", 1, INT64_MAX, 0, &person) || !as_of_option(args, &now))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_access_list(store, inst, person, now, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, access_columns, NACCESS);
		for (size_t i = 0; i < list.count; i++) {
			const struct fg_access_grant *g = &list.items[i];
			char in[24], pe[24], src[24];
			const char *cells[NACCESS] = {in, pe, g->source, src, g->granted_at, g->ends_at};

			snprintf(in, sizeof(in), "%lld", (long long)g->institution_id);
			snprintf(pe, sizeof(pe), "%lld", (long long)g->person_id);
			snprintf(src, sizeof(src), "%lld", (long long)g->source_id);
			out_table_add(&t, cells);
		}
		out_table_print(&t, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option access_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"institution", "ID", "grants to this institution"},
	{"person", "ID", "grants over this person's records"},
	{"as-of", "TIME", "grants in force at this time (default now)"},
	CLI_OPT_END,
};

static const struct command network_commands[] = {
	{.name = "access", .usage = "[--institution ID] [--person ID] [OPTIONS]",
	 .summary = "record access granted by referrals and consultations, in force now",
	 .description = "The receiving institution of an accepted referral may read the person's\n"
			"records until the referral ends, its access is revoked or the access\n"
			"period of its type passes; the institutions of the experts of an open\n"
			"consultation until the consultation ends.",
	 .options = access_options, .run = run_access},
	{0},
};

const struct command cmd_network_entry = {
	.name = "network",
	.usage = "access|indicators ...",
	.summary = "record access granted by the network, and its indicators",
	.subcommands = network_commands,
};
