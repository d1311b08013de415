/*
 * cmd_schedule.c
 *	  fangai schedule add|list: the schedules institutions publish on the
 *	  shared appointment platform, one per service.
 */
#include <stdio.h>

#include "cli.h"
#include "fangai/booking.h"
#include "fangai/institution.h"
#include "output.h"

static const struct out_column columns[] = {
	{"id", true}, {"institution_id", true}, {"service", false}, {"name", false},
	{"active", false},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

static int
run_add(struct cli_args *args)
{
	struct fg_schedule s;
	struct fg_error err;
	fg_store *store;
	int status;

	if (!cli_has(args, "institution") || !cli_has(args, "service") || !cli_has(args, "name"))
		return cli_usage_error(args->path, "schedule add needs --institution, --service and --name");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_schedule_add(store, cli_get(args, "institution"), cli_get(args, "service"),
			    cli_get(args, "name"), &s, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("schedule %lld published: %s at institution %lld\n", (long long)s.id,
		       s.service, (long long)s.institution_id);
	fg_store_close(store);
	return status;
}

static int
run_list(struct cli_args *args)
{
	struct fg_schedule_list list;
	struct out_table t;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long inst;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_schedule_list(store, inst, cli_get(args, "service"), &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, columns, NCOLUMNS);
		for (size_t i = 0; i < list.count; i++) {
			char id[24], in[24];
			const struct fg_schedule *s = &list.items[i];
			const char *cells[NCOLUMNS] = {id, in, s->service, s->name, s->active ? "yes" : "no"};

			snprintf(id, sizeof(id), "%lld", (long long)s->id);
			snprintf(in, sizeof(in), "%lld", (long long)s->institution_id);
			out_table_add(&t, cells);
		}
		out_table_print(&t, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option add_options[] = {
	CLI_OPT_DB,
	{"institution", "REF", "the publishing institution (id or unified social credit code)"},
	{"service", "SERVICE", "ldct, endoscopy, colonoscopy, mammography, ultrasound or clinic"},
	{"name", "TEXT", "the schedule's name, e.g. 低剂量螺旋CT 上午"},
	CLI_OPT_END,
};

static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"institution", "ID", "only this institution's"},
	{"service", "SERVICE", "only this service"},
	CLI_OPT_END,
};

static const struct command schedule_commands[] = {
	{.name = "add", .usage = "--institution REF --service SERVICE --name TEXT",
	 .summary = "publish a schedule of a service", .options = add_options, .run = run_add},
	{.name = "list", .usage = "[OPTIONS]", .summary = "list schedules",
	 .options = list_options, .run = run_list},
	{0},
};

const struct command cmd_schedule_entry = {
	.name = "schedule",
	.usage = "add|list ...",
	.summary = "schedules of services on the shared appointment platform",
	.subcommands = schedule_commands,
};
