/*
 * cmd_institution.c
 *	  fangai institution add|list|show: the member institutions.
 */
#include <stdio.h>

#include "cli.h"
#include "fangai/institution.h"
#include "output.h"

static const struct out_column columns[] = {
	{"id", true}, {"uscc", false}, {"name", false}, {"kind", false},
	{"parent_id", true}, {"district", false},
};

static void
add_row(struct out_table *t, const struct fg_institution *in)
{
	char id[24], parent[24];
	const char *cells[6];

	snprintf(id, sizeof(id), "%lld", (long long)in->id);
	snprintf(parent, sizeof(parent), "%lld", (long long)in->parent_id);
	cells[0] = id;
	cells[1] = in->uscc;
	cells[2] = in->name;
	cells[3] = in->kind;
	cells[4] = in->parent_id ? parent : "";
	cells[5] = in->district;
	out_table_add(t, cells);
}

/* Print institutions in the format named by --format. */
static int
print_institutions(const struct cli_args *args, const struct fg_institution *items,
		   size_t n)
{
	struct fg_arena arena;
	struct out_table table;
	enum out_format fmt;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	fg_arena_init(&arena, 0);
	out_table_init(&table, &arena, columns, 6);
	for (size_t i = 0; i < n; i++)
		add_row(&table, &items[i]);
	out_table_print(&table, fmt, stdout);
	fg_arena_free(&arena);
	return EXIT_OK;
}

static int
run_add(struct cli_args *args)
{
	struct fg_institution_input in = {
		.uscc = cli_get(args, "uscc"),
		.name = cli_get(args, "name"),
		.name_en = cli_get(args, "name-en"),
		.kind = cli_get(args, "kind"),
		.parent = cli_get(args, "parent"),
		.district = cli_get(args, "district"),
	};
	struct fg_institution out;
	struct fg_error err;
	fg_store *store;
	int status;

	if (in.uscc == NULL || in.name == NULL || in.kind == NULL)
		return cli_usage_error(args->path, "institution add needs --uscc, --name and --kind");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_institution_add(store, &in, &out, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("institution %lld registered: %s\n", (long long)out.id, out.name);
	fg_store_close(store);
	return status;
}

static int
run_list(struct cli_args *args)
{
	struct fg_institution_list list;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	int status;

	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_institution_list(store, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else
		status = print_institutions(args, list.items, list.count);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_show(struct cli_args *args)
{
	struct fg_institution inst;
	struct fg_error err;
	fg_store *store;
	int status;

	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_institution_find(store, args->pos[0], "institution", &inst, &err) != FG_OK)
		status = cli_report(&err);
	else
		status = print_institutions(args, &inst, 1);
	fg_store_close(store);
	return status;
}

static const struct cli_option add_options[] = {
	CLI_OPT_DB,
	{"uscc", "CODE", "unified social credit code (统一社会信用代码), 18 characters"},
	{"name", "NAME", "name in Chinese"},
	{"name-en", "NAME", "name in English"},
	{"kind", "KIND", "cancer_centre, hospital or community"},
	{"parent", "REF", "id or code of the parent institution"},
	{"district", "CODE", "GB/T 2260 district code (default: characters 3-8 of the code)"},
	CLI_OPT_END,
};

static const struct cli_option list_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct command institution_commands[] = {
	{.name = "add", .usage = "--uscc CODE --name NAME --kind KIND [OPTIONS]",
	 .summary = "register a member institution", .options = add_options, .run = run_add},
	{.name = "list", .usage = "[--format FMT]", .summary = "list the member institutions",
	 .options = list_options, .run = run_list},
	{.name = "show", .usage = "REF", .summary = "show one institution by id or code",
	 .options = list_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{0},
};

const struct command cmd_institution_entry = {
	.name = "institution",
	.usage = "add|list|show ...",
	.summary = "manage the member institutions of the network",
	.subcommands = institution_commands,
};
