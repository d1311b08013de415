/*
 * cmd_slot.c
 *	  fangai slot add|find|show: the bookable slots of a schedule, with
 *	  their capacity.
 */
#include <stdio.h>

#include "cli.h"
#include "fangai/booking.h"
#include "fangai/util.h"
#include "output.h"

static const struct out_column columns[] = {
	{"id", true}, {"schedule_id", true}, {"institution_id", true}, {"service", false},
	{"starts_at", false}, {"ends_at", false}, {"capacity", true}, {"booked", true},
	{"free", true},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

static void
print_slots(const struct fg_slot *items, size_t n, enum out_format fmt, struct fg_arena *arena)
{
	struct out_table t;

	out_table_init(&t, arena, columns, NCOLUMNS);
	for (size_t i = 0; i < n; i++) {
		char id[24], sc[24], in[24], cap[24], booked[24], free_[24];
		const struct fg_slot *s = &items[i];
		const char *cells[NCOLUMNS] = {id, sc, in, s->service, s->starts_at, s->ends_at,
					       cap, booked, free_};

		snprintf(id, sizeof(id), "%lld", (long long)s->id);
		snprintf(sc, sizeof(sc), "%lld", (long long)s->schedule_id);
		snprintf(in, sizeof(in), "%lld", (long long)s->institution_id);
		snprintf(cap, sizeof(cap), "%lld", (long long)s->capacity);
		snprintf(booked, sizeof(booked), "%lld", (long long)s->booked);
		snprintf(free_, sizeof(free_), "%lld", (long long)(s->capacity - s->booked));
		out_table_add(&t, cells);
	}
	out_table_print(&t, fmt, stdout);
}

static int
run_add(struct cli_args *args)
{
	struct fg_slot_input in = {.starts_at = cli_get(args, "start")};
	long long schedule, minutes, count, capacity;
	struct fg_error err;
	fg_store *store;
	int64_t first;
	int status;

	if (!cli_has(args, "schedule") || in.starts_at == NULL || !cli_has(args, "capacity"))
		return cli_usage_error(args->path, "slot add needs --schedule, --start and --capacity");
	if (!cli_int_option(args, "schedule", 1, INT64_MAX, 0, &schedule) ||
	    !cli_int_option(args, "minutes", 1, 1440, 30, &minutes) ||
	    !cli_int_option(args, "count", 1, 1000, 1, &count) ||
	    !cli_int_option(args, "capacity", 0, 10000, 0, &capacity))
		return EXIT_USAGE;
	in.schedule_id = schedule;
	in.minutes = minutes;
	in.count = count;
	in.capacity = capacity;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_slot_add(store, &in, &first, &err) != FG_OK)
		status = cli_report(&err);
	else if (count == 1)
		printf("slot %lld published (capacity %lld)\n", (long long)first, capacity);
	else
		printf("slots %lld-%lld published (capacity %lld each)\n", (long long)first,
		       (long long)(first + count - 1), capacity);
	fg_store_close(store);
	return status;
}

static bool
time_option(const struct cli_args *args, const char *name, int64_t *out)
{
	struct fg_error err;

	*out = 0;
	if (!cli_has(args, name))
		return true;
	if (fg_net_time_parse(cli_get(args, name), name, out, &err) == FG_OK)
		return true;
	cli_report(&err);
	return false;
}

static int
run_find(struct cli_args *args)
{
	struct fg_slot_query q = {.service = cli_get(args, "service"), .free_only = cli_has(args, "free")};
	struct fg_slot_list list;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long inst, schedule, limit;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst) ||
	    !cli_int_option(args, "schedule", 1, INT64_MAX, 0, &schedule) ||
	    !cli_int_option(args, "limit", 1, 1000, 50, &limit) ||
	    !time_option(args, "from", &q.from) || !time_option(args, "to", &q.to))
		return EXIT_USAGE;
	q.institution_id = inst;
	q.schedule_id = schedule;
	q.limit = limit;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_slot_find(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else
		print_slots(list.items, list.count, fmt, &arena);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_show(struct cli_args *args)
{
	struct fg_arena arena;
	struct fg_error err;
	struct fg_slot s;
	enum out_format fmt;
	fg_store *store;
	int64_t id;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (fg_parse_int64(args->pos[0], "slot", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_slot_get(store, id, &s, &err) != FG_OK)
		status = cli_report(&err);
	else
		print_slots(&s, 1, fmt, &arena);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option add_options[] = {
	CLI_OPT_DB,
	{"schedule", "ID", "the schedule"},
	{"start", "TIME", "start of the first slot, YYYY-MM-DDTHH:MM (local time)"},
	{"minutes", "N", "length of each slot (default 30)"},
	{"count", "N", "consecutive slots to publish (default 1)"},
	{"capacity", "N", "persons each slot takes"},
	CLI_OPT_END,
};

static const struct cli_option find_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"service", "SERVICE", "only this service"},
	{"institution", "ID", "only at this institution"},
	{"schedule", "ID", "only of this schedule"},
	{"from", "TIME", "starting at or after"},
	{"to", "TIME", "starting before"},
	{"free", NULL, "only slots with a free place"},
	{"limit", "N", "at most N slots (default 50)"},
	CLI_OPT_END,
};

static const struct cli_option show_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct command slot_commands[] = {
	{.name = "add", .usage = "--schedule ID --start TIME --capacity N [--minutes N] [--count N]",
	 .summary = "publish slots of a schedule", .options = add_options, .run = run_add},
	{.name = "find", .usage = "[OPTIONS]", .summary = "find slots, e.g. free low-dose CT slots",
	 .options = find_options, .run = run_find},
	{.name = "show", .usage = "ID", .summary = "show one slot and its bookings count",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{0},
};

const struct command cmd_slot_entry = {
	.name = "slot",
	.usage = "add|find|show ...",
	.summary = "bookable slots of the shared appointment platform",
	.subcommands = slot_commands,
};
