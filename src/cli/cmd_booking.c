/*
 * cmd_booking.c
 *	  fangai booking book|reschedule|cancel|attend|no-show|show|list|
 *	  reminders: appointments on the shared appointment platform.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/booking.h"
#include "fangai/util.h"
#include "output.h"

static const struct out_column columns[] = {
	{"id", true}, {"slot_id", true}, {"starts_at", false}, {"service", false},
	{"at_institution", true}, {"person_id", true}, {"name", false}, {"phone", false},
	{"state", false}, {"referral_id", true}, {"booked_by", true},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

static void
print_appointments(const struct fg_appointment *items, size_t n, enum out_format fmt,
		   struct fg_arena *arena)
{
	struct out_table t;

	out_table_init(&t, arena, columns, NCOLUMNS);
	for (size_t i = 0; i < n; i++) {
		char id[24], slot[24], at[24], person[24], ref[24] = "", by[24];
		const struct fg_appointment *a = &items[i];
		const char *cells[NCOLUMNS] = {id, slot, a->starts_at, a->service, at, person,
					       a->person_name, a->phone, a->state, ref, by};

		snprintf(id, sizeof(id), "%lld", (long long)a->id);
		snprintf(slot, sizeof(slot), "%lld", (long long)a->slot_id);
		snprintf(at, sizeof(at), "%lld", (long long)a->slot_institution_id);
		snprintf(person, sizeof(person), "%lld", (long long)a->person_id);
		if (a->referral_id)
			snprintf(ref, sizeof(ref), "%lld", (long long)a->referral_id);
		snprintf(by, sizeof(by), "%lld", (long long)a->institution_id);
		out_table_add(&t, cells);
	}
	out_table_print(&t, fmt, stdout);
}

static int
run_book(struct cli_args *args)
{
	struct fg_booking_input in = {
		.slot = cli_get(args, "slot"), .person = cli_get(args, "person"),
		.institution = cli_get(args, "institution"), .note = cli_get(args, "note"),
	};
	struct fg_appointment a;
	struct fg_error err;
	long long referral, episode;
	fg_store *store;
	int status;

	if (in.slot == NULL || in.person == NULL)
		return cli_usage_error(args->path, "booking book needs --slot and --person");
	if (!cli_int_option(args, "referral", 1, INT64_MAX, 0, &referral) ||
	    !cli_int_option(args, "episode", 1, INT64_MAX, 0, &episode))
		return EXIT_USAGE;
	in.referral_id = referral;
	in.episode_id = episode;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_booking_book(store, &in, fg_net_now(), &a, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("appointment %lld booked: person %lld, %s at institution %lld, %s\n",
		       (long long)a.id, (long long)a.person_id, a.service,
		       (long long)a.slot_institution_id, a.starts_at);
	fg_store_close(store);
	return status;
}

/* reschedule, cancel, attend, no-show: the command's name is the action. */
static int
run_change(struct cli_args *args)
{
	const char *name = args->cmd->name;
	struct fg_appointment a;
	struct fg_error err;
	fg_store *store;
	int64_t id;
	int status;
	fg_rc rc;

	if (fg_parse_int64(args->pos[0], "appointment", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	if (strcmp(name, "reschedule") == 0 && !cli_has(args, "slot"))
		return cli_usage_error(args->path, "booking reschedule needs --slot");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (strcmp(name, "reschedule") == 0)
		rc = fg_booking_reschedule(store, id, cli_get(args, "slot"), fg_net_now(), &a, &err);
	else
		rc = fg_booking_close(store, id, strcmp(name, "no-show") == 0 ? "no_show" : name,
				      cli_get(args, "reason"), fg_net_now(), &a, &err);
	if (rc != FG_OK)
		status = cli_report(&err);
	else
		printf("appointment %lld: %s, slot %lld at %s\n", (long long)a.id, a.state,
		       (long long)a.slot_id, a.starts_at);
	fg_store_close(store);
	return status;
}

static int
run_show(struct cli_args *args)
{
	struct fg_appointment a;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	fg_store *store;
	int64_t id;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (fg_parse_int64(args->pos[0], "appointment", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_appointment_get(store, id, &a, &err) != FG_OK)
		status = cli_report(&err);
	else
		print_appointments(&a, 1, fmt, &arena);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

/* list, and reminders: the booked appointments of the next --days days. */
static int
run_list(struct cli_args *args)
{
	struct fg_appointment_query q = {.state = cli_get(args, "state")};
	struct fg_appointment_list list;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long person, inst, slot, limit, days;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "person", 1, INT64_MAX, 0, &person) ||
	    !cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst) ||
	    !cli_int_option(args, "slot", 1, INT64_MAX, 0, &slot) ||
	    !cli_int_option(args, "limit", 1, 10000, 200, &limit) ||
	    !cli_int_option(args, "days", 1, 60, 2, &days))
		return EXIT_USAGE;
	q.person_id = person;
	q.institution_id = inst;
	q.slot_id = slot;
	q.limit = limit;
	if (strcmp(args->cmd->name, "reminders") == 0) {
		q.state = "booked";
		q.from = fg_net_now();
		q.to = q.from + days * FG_MINUTES_PER_DAY;
	}
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_appointment_find(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else
		print_appointments(list.items, list.count, fmt, &arena);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option book_options[] = {
	CLI_OPT_DB,
	{"slot", "ID", "the slot"},
	{"person", "REF", "the person: record id or resident ID number"},
	{"institution", "REF", "the booking institution (default: the person's registering one)"},
	{"referral", "ID", "the referral the appointment serves"},
	{"episode", "ID", "the screening episode (recall) it serves"},
	{"note", "TEXT", "a note for the institution"},
	CLI_OPT_END,
};

static const struct cli_option reschedule_options[] = {
	CLI_OPT_DB, {"slot", "ID", "the new slot, of the same service"}, CLI_OPT_END,
};

static const struct cli_option close_options[] = {
	CLI_OPT_DB, {"reason", "TEXT", "a note on why"}, CLI_OPT_END,
};

static const struct cli_option show_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"person", "ID", "only this person's"},
	{"institution", "ID", "only those taking place at this institution"},
	{"slot", "ID", "only in this slot"},
	{"state", "STATE", "booked, attended, no_show or cancelled"},
	{"limit", "N", "at most N (default 200)"},
	CLI_OPT_END,
};

static const struct cli_option reminder_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"days", "N", "appointments of the next N days (default 2)"},
	{"institution", "ID", "only those taking place at this institution"},
	{"person", "ID", "only this person's"},
	{"slot", "ID", "only in this slot"},
	{"limit", "N", "at most N (default 200)"},
	CLI_OPT_END,
};

#define CHANGE(NAME, OPTS, SUMMARY) \
	{.name = NAME, .usage = "ID [OPTIONS]", .summary = SUMMARY, .options = OPTS, \
	 .min_pos = 1, .max_pos = 1, .run = run_change}

static const struct command booking_commands[] = {
	{.name = "book", .usage = "--slot ID --person REF [OPTIONS]",
	 .summary = "book a person into a slot (refused when full or booked already)",
	 .options = book_options, .run = run_book},
	CHANGE("reschedule", reschedule_options, "move an appointment to another slot"),
	CHANGE("cancel", close_options, "cancel an appointment, freeing its place"),
	CHANGE("attend", close_options, "record attendance (also of the referral it serves)"),
	CHANGE("no-show", close_options, "record that the person did not come"),
	{.name = "show", .usage = "ID", .summary = "show one appointment",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{.name = "list", .usage = "[OPTIONS]", .summary = "list appointments",
	 .options = list_options, .run = run_list},
	{.name = "reminders", .usage = "[--days N] [OPTIONS]",
	 .summary = "booked appointments of the next days, with phones, to remind",
	 .options = reminder_options, .run = run_list},
	{0},
};

const struct command cmd_booking_entry = {
	.name = "booking",
	.usage = "book|reschedule|cancel|attend|no-show|show|list|reminders ...",
	.summary = "appointments on the shared appointment platform",
	.subcommands = booking_commands,
};
