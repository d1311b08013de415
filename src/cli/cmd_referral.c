/*
 * cmd_referral.c
 *	  fangai referral request|accept|reject|schedule|attend|complete|cancel|
 *	  revoke|show|events|list|overdue: two-way referral between member
 *	  institutions.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/network.h"
#include "fangai/util.h"
#include "output.h"

#define DEFAULT_PAGE 50

static const struct out_column list_columns[] = {
	{"id", true}, {"person_id", true}, {"from", true}, {"to", true}, {"direction", false},
	{"type", false}, {"state", false}, {"requested_at", false}, {"state_at", false},
	{"appointment_at", false},
};
#define NLIST ((int)(sizeof(list_columns) / sizeof(list_columns[0])))

static const struct out_column overdue_columns[] = {
	{"id", true}, {"person_id", true}, {"from", true}, {"to", true}, {"type", false},
	{"state", false}, {"awaiting", false}, {"due_at", false}, {"days_overdue", true},
};
#define NOVERDUE ((int)(sizeof(overdue_columns) / sizeof(overdue_columns[0])))

static const struct out_column event_columns[] = {
	{"at", false}, {"action", false}, {"from_state", false}, {"to_state", false},
	{"institution", true}, {"actor", false}, {"reason", false},
};
#define NEVENT ((int)(sizeof(event_columns) / sizeof(event_columns[0])))

static const struct out_column field_columns[] = {{"field", false}, {"value", false}};

static bool
parse_format(const struct cli_args *args, enum out_format *fmt)
{
	if (out_format_parse(cli_get(args, "format"), fmt))
		return true;
	cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	return false;
}

static const char *
num(char *buf, size_t size, int64_t v)
{
	if (v == 0)
		return "";
	snprintf(buf, size, "%lld", (long long)v);
	return buf;
}

static void
add_list_row(struct out_table *t, const struct fg_referral *r)
{
	char id[24], person[24], from[24], to[24];
	const char *cells[NLIST] = {
		num(id, sizeof(id), r->id), num(person, sizeof(person), r->person_id),
		num(from, sizeof(from), r->from_institution_id),
		num(to, sizeof(to), r->to_institution_id), r->direction, r->kind, r->state,
		r->requested_at, r->state_at, r->appointment_at,
	};

	out_table_add(t, cells);
}

static void
add_field(struct out_table *t, const char *name, const char *value)
{
	const char *cells[2] = {name, value};

	if (value != NULL && *value)
		out_table_add(t, cells);
}

static void
print_referral(const struct fg_referral *r, enum out_format fmt, struct fg_arena *arena)
{
	char id[24], person[24], from[24], to[24], tumour[24];
	struct out_table t;

	out_table_init(&t, arena, field_columns, 2);
	add_field(&t, "id", num(id, sizeof(id), r->id));
	add_field(&t, "person", num(person, sizeof(person), r->person_id));
	add_field(&t, "from", num(from, sizeof(from), r->from_institution_id));
	add_field(&t, "to", num(to, sizeof(to), r->to_institution_id));
	add_field(&t, "direction", r->direction);
	add_field(&t, "type", r->kind);
	add_field(&t, "state", r->state);
	add_field(&t, "tumour", num(tumour, sizeof(tumour), r->tumour_id));
	add_field(&t, "requested_at", r->requested_at);
	add_field(&t, "state_at", r->state_at);
	add_field(&t, "accepted_at", r->accepted_at);
	add_field(&t, "appointment_at", r->appointment_at);
	add_field(&t, "ended_at", r->ended_at);
	add_field(&t, "access_until", r->access_until);
	add_field(&t, "access_revoked_at", r->access_revoked_at);
	add_field(&t, "reason", r->reason);
	add_field(&t, "report", r->report);
	out_table_print(&t, fmt, stdout);
}

static void
print_events(const struct fg_referral_event_list *ev, enum out_format fmt, struct fg_arena *arena)
{
	struct out_table t;

	out_table_init(&t, arena, event_columns, NEVENT);
	for (size_t i = 0; i < ev->count; i++) {
		char inst[24];
		const struct fg_referral_event *e = &ev->items[i];
		const char *cells[NEVENT] = {
			e->at, e->action, e->from_state, e->to_state,
			num(inst, sizeof(inst), e->institution_id), e->actor, e->reason,
		};

		out_table_add(&t, cells);
	}
	out_table_print(&t, fmt, stdout);
}

/* The user id of --user, 0 when absent; false (status printed) on a bad value. */
static bool
user_option(const struct cli_args *args, int64_t *user_id)
{
	long long v;

	if (!cli_int_option(args, "user", 1, INT64_MAX, 0, &v))
		return false;
	*user_id = v;
	return true;
}

static int
run_request(struct cli_args *args)
{
	struct fg_referral_input in = {
		.person = cli_get(args, "person"), .from = cli_get(args, "from"),
		.to = cli_get(args, "to"), .kind = cli_get(args, "type"),
		.reason = cli_get(args, "reason"), .report = cli_get(args, "report"),
		.tumour = cli_get(args, "tumour"), .actor = cli_get(args, "actor"),
		.at = cli_get(args, "at"),
	};
	struct fg_referral r;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	int status;

	if (in.person == NULL || in.from == NULL || in.to == NULL || in.kind == NULL)
		return cli_usage_error(args->path, "referral request needs --person, --from, --to and --type");
	if (!user_option(args, &in.user_id))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_referral_request(store, &in, &arena, &r, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("referral %lld requested: person %lld from institution %lld to institution %lld (%s, %s)\n",
		       (long long)r.id, (long long)r.person_id, (long long)r.from_institution_id,
		       (long long)r.to_institution_id, r.kind, r.direction);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

/* accept, reject, schedule, attend, complete, cancel: the action is the command's name. */
static int
run_transition(struct cli_args *args)
{
	struct fg_referral_action a = {
		.action = args->cmd->name, .reason = cli_get(args, "reason"),
		.report = cli_get(args, "report"), .appointment_at = cli_get(args, "appointment"),
		.slot = cli_get(args, "slot"), .actor = cli_get(args, "actor"),
		.at = cli_get(args, "at"),
	};
	struct fg_referral before, after;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	int64_t id;
	int status;

	if (fg_parse_int64(args->pos[0], "referral", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	if (!user_option(args, &a.user_id))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_referral_get(store, id, &arena, &before, &err) != FG_OK ||
	    fg_referral_apply(store, id, &a, &arena, &after, &err) != FG_OK)
		status = cli_report(&err);
	else if (after.appointment_at[0] && strcmp(a.action, "schedule") == 0)
		printf("referral %lld: %s -> %s, appointment at %s\n", (long long)id, before.state,
		       after.state, after.appointment_at);
	else
		printf("referral %lld: %s -> %s\n", (long long)id, before.state, after.state);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_revoke(struct cli_args *args)
{
	struct fg_error err;
	fg_store *store;
	int64_t id, user_id;
	int status;

	if (fg_parse_int64(args->pos[0], "referral", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	if (!user_option(args, &user_id))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_referral_revoke_access(store, id, cli_get(args, "reason"), cli_get(args, "actor"),
				      user_id, cli_get(args, "at"), &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("referral %lld: record access revoked\n", (long long)id);
	fg_store_close(store);
	return status;
}

static int
run_show(struct cli_args *args)
{
	struct fg_referral_event_list events;
	struct fg_referral r;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	fg_store *store;
	int64_t id;
	int status;
	bool events_only = strcmp(args->cmd->name, "events") == 0;

	if (!parse_format(args, &fmt))
		return EXIT_USAGE;
	if (fg_parse_int64(args->pos[0], "referral", 1, INT64_MAX, &id, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_referral_get(store, id, &arena, &r, &err) != FG_OK ||
	    fg_referral_events(store, id, &arena, &events, &err) != FG_OK)
		status = cli_report(&err);
	else if (events_only)
		print_events(&events, fmt, &arena);
	else {
		print_referral(&r, fmt, &arena);
		if (fmt == OUT_TABLE) {
			printf("\n");
			print_events(&events, fmt, &arena);
		}
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_list(struct cli_args *args)
{
	struct fg_referral_query q = {.state = cli_get(args, "state")};
	struct fg_referral_list list;
	struct out_table t;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long limit, offset, from, to, person;
	fg_store *store;
	int status;

	if (!parse_format(args, &fmt) ||
	    !cli_int_option(args, "limit", 1, 1000, DEFAULT_PAGE, &limit) ||
	    !cli_int_option(args, "offset", 0, INT64_MAX, 0, &offset) ||
	    !cli_int_option(args, "from", 1, INT64_MAX, 0, &from) ||
	    !cli_int_option(args, "to", 1, INT64_MAX, 0, &to) ||
	    !cli_int_option(args, "person", 1, INT64_MAX, 0, &person))
		return EXIT_USAGE;
	q.limit = limit;
	q.offset = offset;
	q.from_institution_id = from;
	q.to_institution_id = to;
	q.person_id = person;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_referral_list(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, list_columns, NLIST);
		for (size_t i = 0; i < list.count; i++)
			add_list_row(&t, &list.items[i]);
		out_table_print(&t, fmt, stdout);
		if (fmt == OUT_TABLE)
			printf("(%zu of %lld)\n", list.count, (long long)list.total);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static void
add_overdue_row(struct out_table *t, const struct fg_referral_overdue *o)
{
	char id[24], person[24], from[24], to[24], days[32];
	const struct fg_referral *r = &o->referral;
	const char *cells[NOVERDUE] = {
		num(id, sizeof(id), r->id), num(person, sizeof(person), r->person_id),
		num(from, sizeof(from), r->from_institution_id),
		num(to, sizeof(to), r->to_institution_id), r->kind, r->state, o->step, o->due_at,
		days,
	};

	snprintf(days, sizeof(days), "%.1f", o->days_overdue);
	out_table_add(t, cells);
}

static int
run_overdue(struct cli_args *args)
{
	struct fg_referral_overdue_list list;
	struct out_table t;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	int64_t now = fg_net_now();
	long long inst;
	fg_store *store;
	int status;

	if (!parse_format(args, &fmt) || !cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst))
		return EXIT_USAGE;
	if (cli_has(args, "as-of") &&
	    fg_net_time_parse(cli_get(args, "as-of"), "as-of", &now, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_referral_overdue(store, now, inst, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, overdue_columns, NOVERDUE);
		for (size_t i = 0; i < list.count; i++)
			add_overdue_row(&t, &list.items[i]);
		out_table_print(&t, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

#define OPT_WHO \
	{"actor", "TEXT", "who acts (free text, until accounts exist)"}, \
	{"user", "ID", "the user account acting"}, \
	{"at", "TIME", "when it happened, YYYY-MM-DDTHH:MM (default now)"}

static const struct cli_option request_options[] = {
	CLI_OPT_DB,
	{"person", "REF", "the person: record id or resident ID number"},
	{"from", "REF", "referring institution (id or unified social credit code)"},
	{"to", "REF", "receiving institution"},
	{"type", "TYPE", "referral type of data/network/referral-types.csv, e.g. suspected_cancer"},
	{"reason", "TEXT", "the clinical question (required)"},
	{"report", "TEXT", "attached report text"},
	{"tumour", "ID", "the tumour record concerned"},
	OPT_WHO,
	CLI_OPT_END,
};

static const struct cli_option plain_options[] = {
	CLI_OPT_DB, {"reason", "TEXT", "why"}, OPT_WHO, CLI_OPT_END,
};

static const struct cli_option reason_options[] = {
	CLI_OPT_DB, {"reason", "TEXT", "why (required)"}, OPT_WHO, CLI_OPT_END,
};

static const struct cli_option schedule_options[] = {
	CLI_OPT_DB,
	{"appointment", "TIME", "when the person is expected, YYYY-MM-DDTHH:MM"},
	{"slot", "ID", "or: book this slot of the appointment platform"},
	{"reason", "TEXT", "why (e.g. for a new appointment)"},
	OPT_WHO,
	CLI_OPT_END,
};

static const struct cli_option complete_options[] = {
	CLI_OPT_DB, {"report", "TEXT", "the report back to the referring institution (required)"},
	{"reason", "TEXT", "a note"}, OPT_WHO, CLI_OPT_END,
};

static const struct cli_option show_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"state", "STATE", "only referrals in this state"},
	{"from", "ID", "only from this institution"},
	{"to", "ID", "only to this institution"},
	{"person", "ID", "only of this person"},
	{"limit", "N", "page size, 1-1000 (default 50)"},
	{"offset", "N", "skip the first N"},
	CLI_OPT_END,
};

static const struct cli_option overdue_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"institution", "ID", "only referrals to this institution"},
	{"as-of", "TIME", "the time to judge at (default now)"},
	CLI_OPT_END,
};

#define TRANSITION(NAME, OPTS, SUMMARY) \
	{.name = NAME, .usage = "ID [OPTIONS]", .summary = SUMMARY, .options = OPTS, \
	 .min_pos = 1, .max_pos = 1, .run = run_transition}

static const struct command referral_commands[] = {
	{.name = "request", .usage = "--person REF --from REF --to REF --type TYPE --reason TEXT [OPTIONS]",
	 .summary = "refer a person to another institution",
	 .description = "Upward types (suspected_cancer, diagnosis, treatment) go to an institution\n"
			"at least as high (community < hospital < cancer centre); downward types\n"
			"(rehabilitation, followup) to one at most as high.",
	 .options = request_options, .run = run_request},
	TRANSITION("accept", plain_options,
		   "accept a requested referral: grants the receiving institution record access"),
	TRANSITION("reject", reason_options, "reject a requested referral, with the reason"),
	TRANSITION("schedule", schedule_options,
		   "give an accepted (or scheduled) referral its appointment or slot"),
	TRANSITION("attend", plain_options, "record that the person attended"),
	TRANSITION("complete", complete_options, "complete an attended referral with the report back"),
	TRANSITION("cancel", reason_options, "cancel an open referral, with the reason"),
	{.name = "revoke", .usage = "ID --reason TEXT [OPTIONS]",
	 .summary = "withdraw the record access of a referral before it ends",
	 .options = reason_options, .min_pos = 1, .max_pos = 1, .run = run_revoke},
	{.name = "show", .usage = "ID", .summary = "show a referral and its events",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{.name = "events", .usage = "ID", .summary = "the events of a referral",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{.name = "list", .usage = "[OPTIONS]", .summary = "list referrals, paged",
	 .options = list_options, .run = run_list},
	{.name = "overdue", .usage = "[OPTIONS]",
	 .summary = "the failsafe list: open referrals past the target of their step",
	 .description = "Targets per referral type and step are in data/network/referral-types.csv.",
	 .options = overdue_options, .run = run_overdue},
	{0},
};

const struct command cmd_referral_entry = {
	.name = "referral",
	.usage = "request|accept|reject|schedule|attend|complete|cancel|revoke|show|events|list|overdue ...",
	.summary = "two-way referral between member institutions",
	.subcommands = referral_commands,
};
