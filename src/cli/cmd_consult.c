/*
 * cmd_consult.c
 *	  fangai consult request|invite|schedule|opinion|conclude|cancel|show|
 *	  list: remote consultation (远程会诊) and multidisciplinary team
 *	  meetings.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/consult.h"
#include "fangai/util.h"
#include "output.h"

static const struct out_column list_columns[] = {
	{"id", true}, {"kind", false}, {"person_id", true}, {"institution_id", true},
	{"state", false}, {"tumour_id", true}, {"referral_id", true}, {"requested_at", false},
	{"session_at", false}, {"concluded_at", false},
};
#define NLIST ((int)(sizeof(list_columns) / sizeof(list_columns[0])))

static const struct out_column participant_columns[] = {
	{"participant", true}, {"institution_id", true}, {"expert", false}, {"specialty", false},
	{"opinion_at", false}, {"opinion", false},
};
#define NPART ((int)(sizeof(participant_columns) / sizeof(participant_columns[0])))

static const char *
num(char *buf, size_t size, int64_t v)
{
	if (v == 0)
		return "";
	snprintf(buf, size, "%lld", (long long)v);
	return buf;
}

static void
add_row(struct out_table *t, const struct fg_consultation *c)
{
	char id[24], person[24], inst[24], tumour[24], ref[24];
	const char *cells[NLIST] = {
		num(id, sizeof(id), c->id), c->kind, num(person, sizeof(person), c->person_id),
		num(inst, sizeof(inst), c->institution_id), c->state,
		num(tumour, sizeof(tumour), c->tumour_id), num(ref, sizeof(ref), c->referral_id),
		c->requested_at, c->session_at, c->concluded_at,
	};

	out_table_add(t, cells);
}

static bool
consultation_arg(const struct cli_args *args, int64_t *id)
{
	struct fg_error err;

	if (fg_parse_int64(args->pos[0], "consultation", 1, INT64_MAX, id, &err) == FG_OK)
		return true;
	cli_report(&err);
	return false;
}

static int
run_request(struct cli_args *args)
{
	struct fg_consult_input in = {
		.person = cli_get(args, "person"), .institution = cli_get(args, "institution"),
		.kind = cli_get(args, "kind"), .question = cli_get(args, "question"),
		.tumour = cli_get(args, "tumour"), .referral = cli_get(args, "referral"),
		.actor = cli_get(args, "actor"), .at = cli_get(args, "at"),
	};
	struct fg_consultation c;
	struct fg_arena arena;
	struct fg_error err;
	fg_store *store;
	int status;

	if (in.person == NULL || in.institution == NULL || in.kind == NULL)
		return cli_usage_error(args->path, "consult request needs --person, --institution and --kind");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_consult_request(store, &in, &arena, &c, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("consultation %lld requested (%s): person %lld, by institution %lld\n",
		       (long long)c.id, c.kind, (long long)c.person_id, (long long)c.institution_id);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

/* invite, schedule, opinion, conclude, cancel: the command's name says which. */
static fg_rc
apply(fg_store *store, const struct cli_args *args, int64_t id, int64_t *participant,
      struct fg_error *err)
{
	const char *name = args->cmd->name, *at = cli_get(args, "at");
	int64_t who = 0;

	if (strcmp(name, "invite") == 0)
		return fg_consult_invite(store, id, cli_get(args, "institution"), cli_get(args, "expert"),
					 cli_get(args, "specialty"), at, participant, err);
	if (strcmp(name, "schedule") == 0)
		return fg_consult_schedule(store, id, cli_get(args, "session"), err);
	if (strcmp(name, "opinion") == 0) {
		const char *p = cli_get(args, "participant");
		fg_rc rc = fg_parse_int64(p ? p : "", "participant", 1, INT64_MAX, &who, err);

		return rc != FG_OK ? rc : fg_consult_opinion(store, id, who, cli_get(args, "text"), at, err);
	}
	if (strcmp(name, "conclude") == 0)
		return fg_consult_conclude(store, id, cli_get(args, "text"), at, err);
	return fg_consult_cancel(store, id, cli_get(args, "reason"), at, err);
}

static int
run_change(struct cli_args *args)
{
	struct fg_consultation c;
	struct fg_arena arena;
	struct fg_error err;
	int64_t id, participant = 0;
	fg_store *store;
	int status;

	if (!consultation_arg(args, &id))
		return EXIT_REFUSED;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (apply(store, args, id, &participant, &err) != FG_OK ||
	    fg_consult_get(store, id, &arena, &c, NULL, NULL, &err) != FG_OK)
		status = cli_report(&err);
	else if (participant)
		printf("consultation %lld: participant %lld invited\n", (long long)id, (long long)participant);
	else if (strcmp(args->cmd->name, "schedule") == 0)
		printf("consultation %lld: scheduled, session at %s\n", (long long)id, c.session_at);
	else if (strcmp(args->cmd->name, "opinion") == 0)
		printf("consultation %lld: opinion recorded\n", (long long)id);
	else
		printf("consultation %lld: %s\n", (long long)id, c.state);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static void
print_participants(const struct fg_consult_participant *items, size_t n, enum out_format fmt,
		   struct fg_arena *arena)
{
	struct out_table t;

	out_table_init(&t, arena, participant_columns, NPART);
	for (size_t i = 0; i < n; i++) {
		char id[24], inst[24];
		const struct fg_consult_participant *p = &items[i];
		const char *cells[NPART] = {num(id, sizeof(id), p->id),
					    num(inst, sizeof(inst), p->institution_id), p->expert,
					    p->specialty, p->opinion_at, p->opinion};

		out_table_add(&t, cells);
	}
	out_table_print(&t, fmt, stdout);
}

static int
run_show(struct cli_args *args)
{
	struct fg_consult_participant *parts;
	struct fg_consultation c;
	struct out_table t;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	size_t nparts;
	fg_store *store;
	int64_t id;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!consultation_arg(args, &id))
		return EXIT_REFUSED;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_consult_get(store, id, &arena, &c, &parts, &nparts, &err) != FG_OK)
		status = cli_report(&err);
	else if (fmt != OUT_TABLE)
		print_participants(parts, nparts, fmt, &arena);
	else {
		out_table_init(&t, &arena, list_columns, NLIST);
		add_row(&t, &c);
		out_table_print(&t, fmt, stdout);
		printf("\nquestion: %s\n", c.question);
		if (c.requested_by[0])
			printf("requested by: %s\n", c.requested_by);
		printf("\n");
		print_participants(parts, nparts, fmt, &arena);
		if (c.conclusion[0])
			printf("\nconclusion: %s\n", c.conclusion);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static int
run_list(struct cli_args *args)
{
	struct fg_consult_query q = {.state = cli_get(args, "state")};
	struct fg_consult_list list;
	struct out_table t;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	long long inst, person, limit;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst) ||
	    !cli_int_option(args, "person", 1, INT64_MAX, 0, &person) ||
	    !cli_int_option(args, "limit", 1, 1000, 50, &limit))
		return EXIT_USAGE;
	q.institution_id = inst;
	q.person_id = person;
	q.limit = limit;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_consult_list(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, list_columns, NLIST);
		for (size_t i = 0; i < list.count; i++)
			add_row(&t, &list.items[i]);
		out_table_print(&t, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

#define OPT_AT {"at", "TIME", "when, YYYY-MM-DDTHH:MM (default now)"}

static const struct cli_option request_options[] = {
	CLI_OPT_DB,
	{"person", "REF", "the person: record id or resident ID number"},
	{"institution", "REF", "the requesting institution"},
	{"kind", "KIND", "remote (远程会诊) or mdt"},
	{"question", "TEXT", "the question put to the experts (required)"},
	{"tumour", "ID", "the tumour record concerned"},
	{"referral", "ID", "the referral it belongs to"},
	{"actor", "TEXT", "who asks (free text, until accounts exist)"},
	OPT_AT,
	CLI_OPT_END,
};

static const struct cli_option invite_options[] = {
	CLI_OPT_DB,
	{"institution", "REF", "the expert's institution"},
	{"expert", "NAME", "the expert's name"},
	{"specialty", "TEXT", "e.g. thoracic surgery, radiology, pathology"},
	OPT_AT,
	CLI_OPT_END,
};

static const struct cli_option schedule_options[] = {
	CLI_OPT_DB, {"session", "TIME", "when the session takes place"}, CLI_OPT_END,
};

static const struct cli_option opinion_options[] = {
	CLI_OPT_DB, {"participant", "ID", "the expert giving it"}, {"text", "TEXT", "the opinion"},
	OPT_AT, CLI_OPT_END,
};

static const struct cli_option conclude_options[] = {
	CLI_OPT_DB, {"text", "TEXT", "the conclusion"}, OPT_AT, CLI_OPT_END,
};

static const struct cli_option cancel_options[] = {
	CLI_OPT_DB, {"reason", "TEXT", "why (required)"}, OPT_AT, CLI_OPT_END,
};

static const struct cli_option show_options[] = {CLI_OPT_DB, CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option list_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"state", "STATE", "requested, scheduled, concluded or cancelled"},
	{"institution", "ID", "requested by or taking part"},
	{"person", "ID", "of this person"},
	{"limit", "N", "at most N (default 50)"},
	CLI_OPT_END,
};

#define CHANGE(NAME, USAGE, OPTS, SUMMARY) \
	{.name = NAME, .usage = USAGE, .summary = SUMMARY, .options = OPTS, \
	 .min_pos = 1, .max_pos = 1, .run = run_change}

static const struct command consult_commands[] = {
	{.name = "request", .usage = "--person REF --institution REF --kind remote|mdt --question TEXT",
	 .summary = "ask experts of other institutions about a person",
	 .options = request_options, .run = run_request},
	CHANGE("invite", "ID --institution REF --expert NAME [--specialty TEXT]", invite_options,
	       "invite an expert; the expert's institution may read the records meanwhile"),
	CHANGE("schedule", "ID --session TIME", schedule_options, "set or move the session"),
	CHANGE("opinion", "ID --participant ID --text TEXT", opinion_options,
	       "record an expert's opinion"),
	CHANGE("conclude", "ID --text TEXT", conclude_options,
	       "record the conclusion (needs an opinion); access ends"),
	CHANGE("cancel", "ID --reason TEXT", cancel_options, "cancel; access ends"),
	{.name = "show", .usage = "ID", .summary = "show a consultation, its experts and opinions",
	 .options = show_options, .min_pos = 1, .max_pos = 1, .run = run_show},
	{.name = "list", .usage = "[OPTIONS]", .summary = "list consultations",
	 .options = list_options, .run = run_list},
	{0},
};

const struct command cmd_consult_entry = {
	.name = "consult",
	.usage = "request|invite|schedule|opinion|conclude|cancel|show|list ...",
	.summary = "remote consultation and multidisciplinary team meetings",
	.subcommands = consult_commands,
};
