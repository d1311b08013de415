/*
 * cmd_followup.c
 *	  fangai followup plans|enrol|replan|worklist|attempt|record|link-deaths|rates:
 *	  the follow-up centre.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fangai/followup.h"
#include "fangai/util.h"
#include "output.h"

#define NUM_MAX 32

/* Load the plans of data/followup/plans.csv; prints the error on failure. */
static bool
load_plans(struct fg_arena *arena, struct fg_plans *plans)
{
	struct fg_error err;
	char path[1024];

	snprintf(path, sizeof(path), "%s/followup/plans.csv", fg_datadir());
	if (fg_plans_load(path, arena, plans, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	return true;
}

/* Parse a date option (default: today); prints the error on failure. */
static bool
date_option(const struct cli_args *args, const char *name, fg_date *out)
{
	const char *text = cli_get(args, name);
	struct fg_error err;

	if (text == NULL) {
		*out = fg_date_today();
		return true;
	}
	if (fg_date_parse(text, name, out, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	return true;
}

static bool
format_option(const struct cli_args *args, enum out_format *fmt)
{
	if (out_format_parse(cli_get(args, "format"), fmt))
		return true;
	cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	return false;
}

static int
run_plans(struct cli_args *args)
{
	static const struct out_column columns[] = {
		{"plan", false}, {"from_month", true}, {"to_month", true}, {"every_months", true}, {"name", false},
	};
	struct fg_plans plans;
	struct fg_arena arena;
	struct out_table t;
	enum out_format fmt;
	int status = EXIT_OK;

	if (!format_option(args, &fmt))
		return EXIT_USAGE;
	fg_arena_init(&arena, 0);
	if (!load_plans(&arena, &plans))
		status = EXIT_USAGE;
	out_table_init(&t, &arena, columns, 5);
	for (size_t i = 0; status == EXIT_OK && i < plans.count; i++)
		for (int k = 0; k < plans.items[i].nstretches; k++) {
			const struct fg_plan_stretch *s = &plans.items[i].stretches[k];
			char from[NUM_MAX], to[NUM_MAX], every[NUM_MAX];
			const char *cells[5] = {plans.items[i].code, from, to, every, k ? "" : plans.items[i].name};

			snprintf(from, sizeof(from), "%d", s->from);
			to[0] = '\0';
			if (s->to >= 0)
				snprintf(to, sizeof(to), "%d", s->to);
			snprintf(every, sizeof(every), "%d", s->every);
			out_table_add(&t, cells);
		}
	if (status == EXIT_OK)
		out_table_print(&t, fmt, stdout);
	fg_arena_free(&arena);
	return status;
}

typedef int (*plans_fn)(fg_store *store, const struct fg_plans *plans, void *ctx);

/* Load the plans, open the database and run fn with both. */
static int
with_plans(const struct cli_args *args, plans_fn fn, void *ctx)
{
	struct fg_plans plans;
	struct fg_arena arena;
	fg_store *store;
	int status = EXIT_USAGE;

	fg_arena_init(&arena, 0);
	if (load_plans(&arena, &plans)) {
		store = cli_open_store(args, false, &status);
		if (store != NULL) {
			status = fn(store, &plans, ctx);
			fg_store_close(store);
		}
	}
	fg_arena_free(&arena);
	return status;
}

static int
enrol(fg_store *store, const struct fg_plans *plans, void *ctx)
{
	const struct fg_enrolment *in = ctx;
	struct fg_error err;
	int64_t plan_id;
	size_t visits;

	if (fg_followup_enrol(store, plans, in, &plan_id, &visits, &err) != FG_OK)
		return cli_report(&err);
	printf("plan %lld: person %lld follows %s, %zu visits scheduled\n", (long long)plan_id,
	       (long long)in->person_id, in->plan, visits);
	return EXIT_OK;
}

static int
run_enrol(struct cli_args *args)
{
	struct fg_enrolment in = {.institution = cli_get(args, "institution"), .plan = cli_get(args, "plan")};
	long long person, tumour, years, user;

	if (in.plan == NULL || !cli_has(args, "person"))
		return cli_usage_error(args->path, "followup enrol needs --person and --plan");
	if (!cli_int_option(args, "person", 1, INT64_MAX, 0, &person) ||
	    !cli_int_option(args, "tumour", 1, INT64_MAX, 0, &tumour) ||
	    !cli_int_option(args, "years", 1, 50, 0, &years) ||
	    !cli_int_option(args, "user", 1, INT64_MAX, 0, &user) || !date_option(args, "start", &in.start))
		return EXIT_USAGE;
	in.person_id = person;
	in.tumour_id = tumour;
	in.years = (int)years;
	in.assigned_user_id = user;
	return with_plans(args, enrol, &in);
}

/* A change of plan: the plan ended, the new code and start. */
struct replan {
	int64_t plan_id;
	const char *code;
	fg_date start;
};

static int
replan(fg_store *store, const struct fg_plans *plans, void *ctx)
{
	const struct replan *r = ctx;
	struct fg_error err;
	int64_t new_id;
	size_t visits;

	if (fg_followup_replan(store, plans, r->plan_id, r->code, r->start, fg_date_today(), &new_id, &visits,
			       &err) != FG_OK)
		return cli_report(&err);
	printf("plan %lld ended; plan %lld follows %s, %zu visits scheduled\n", (long long)r->plan_id,
	       (long long)new_id, r->code, visits);
	return EXIT_OK;
}

static int
run_replan(struct cli_args *args)
{
	struct replan r = {.code = cli_get(args, "plan"), .start = FG_DATE_NONE};
	struct fg_error err;

	if (r.code == NULL)
		return cli_usage_error(args->path, "followup replan needs --plan CODE");
	if (fg_parse_int64(args->pos[0], "plan", 1, INT64_MAX, &r.plan_id, &err) != FG_OK)
		return cli_report(&err);
	if (cli_has(args, "start") && !date_option(args, "start", &r.start))
		return EXIT_USAGE;
	return with_plans(args, replan, &r);
}

static void
add_visit(struct out_table *t, const struct fg_visit *v)
{
	char b[6][NUM_MAX], due[FG_DATE_TEXT_MAX];
	const char *cells[10] = {
		b[0], fg_date_format(v->due, due), b[1], b[2], v->person_name, v->phone, v->plan_code,
		b[3], b[4], b[5],
	};

	snprintf(b[0], NUM_MAX, "%lld", (long long)v->id);
	snprintf(b[1], NUM_MAX, "%d", v->days_overdue);
	snprintf(b[2], NUM_MAX, "%lld", (long long)v->person_id);
	snprintf(b[3], NUM_MAX, "%d", v->seq);
	snprintf(b[4], NUM_MAX, "%lld", (long long)v->institution_id);
	snprintf(b[5], NUM_MAX, "%d", v->attempts);
	out_table_add(t, cells);
}

static int
run_worklist(struct cli_args *args)
{
	static const struct out_column columns[] = {
		{"visit", true}, {"due", false}, {"days_overdue", true}, {"person", true}, {"name", false},
		{"phone", false}, {"plan", false}, {"seq", true}, {"institution", true}, {"attempts", true},
	};
	struct fg_worklist_query q = {.overdue_only = cli_has(args, "overdue")};
	long long inst, user, window, limit;
	struct fg_visit_list list;
	struct fg_arena arena;
	struct out_table t;
	struct fg_error err;
	enum out_format fmt;
	fg_store *store;
	int status;

	if (!format_option(args, &fmt) || !date_option(args, "as-of", &q.as_of) ||
	    !cli_int_option(args, "institution", 1, INT64_MAX, 0, &inst) ||
	    !cli_int_option(args, "user", 1, INT64_MAX, 0, &user) ||
	    !cli_int_option(args, "window", 0, 366, 7, &window) ||
	    !cli_int_option(args, "limit", 1, 10000, 100, &limit))
		return EXIT_USAGE;
	q.institution_id = inst;
	q.assigned_user_id = user;
	q.window_days = (int)window;
	q.limit = limit;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_followup_worklist(store, &q, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, columns, 10);
		for (size_t i = 0; i < list.count; i++)
			add_visit(&t, &list.items[i]);
		out_table_print(&t, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

/* The visit id of the first argument; prints the error on failure. */
static bool
visit_argument(const struct cli_args *args, int64_t *id)
{
	struct fg_error err;

	if (fg_parse_int64(args->pos[0], "visit", 1, INT64_MAX, id, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	return true;
}

static int
run_attempt(struct cli_args *args)
{
	struct fg_error err;
	int64_t visit;
	fg_date on;
	fg_store *store;
	int status;

	if (!visit_argument(args, &visit) || !date_option(args, "date", &on))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_followup_attempt(store, visit, on, cli_get(args, "method"), cli_get(args, "note"), &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("visit %lld: attempt by %s recorded\n", (long long)visit, cli_get(args, "method"));
	fg_store_close(store);
	return status;
}

static int
run_record(struct cli_args *args)
{
	struct fg_contact c = {
		.method = cli_get(args, "method"), .outcome = cli_get(args, "outcome"),
		.cause_icd10 = cli_get(args, "cause"), .lost_reason = cli_get(args, "reason"),
		.note = cli_get(args, "note"), .death_date = FG_DATE_NONE,
	};
	struct fg_contact_effect effect;
	struct fg_error err;
	fg_store *store;
	int status;

	if (c.outcome == NULL || c.method == NULL)
		return cli_usage_error(args->path, "followup record needs --method and --outcome");
	if (!visit_argument(args, &c.visit_id) || !date_option(args, "date", &c.on) ||
	    (cli_has(args, "death-date") && !date_option(args, "death-date", &c.death_date)))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_followup_record(store, &c, &effect, &err) != FG_OK)
		status = cli_report(&err);
	else {
		printf("visit %lld: %s; vital status %s", (long long)c.visit_id, c.outcome, effect.vital_status);
		if (effect.plan_closed)
			printf("; follow-up ended, %zu open visit(s) cancelled", effect.visits_cancelled);
		putchar('\n');
	}
	fg_store_close(store);
	return status;
}

static int
run_link_deaths(struct cli_args *args)
{
	struct fg_error err;
	int64_t linked;
	fg_date as_of;
	fg_store *store;
	int status;

	if (!date_option(args, "as-of", &as_of))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_followup_link_deaths(store, as_of, &linked, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("%lld person(s) found dead in death records\n", (long long)linked);
	fg_store_close(store);
	return status;
}

/* A percentage of num over den, or "" when den is 0. */
static const char *
percent(char *buf, int64_t num, int64_t den)
{
	if (den <= 0)
		buf[0] = '\0';
	else
		snprintf(buf, NUM_MAX, "%.1f", 100.0 * (double)num / (double)den);
	return buf;
}

static int
run_rates(struct cli_args *args)
{
	static const struct out_column columns[] = {
		{"institution", true}, {"persons", true}, {"due", true}, {"done", true}, {"overdue", true},
		{"overdue_pct", true}, {"lost", true}, {"lost_pct", true}, {"dead", true},
	};
	struct fg_followup_rates_list list;
	struct fg_arena arena;
	struct out_table t;
	struct fg_error err;
	enum out_format fmt;
	long long grace;
	fg_date as_of;
	fg_store *store;
	int status;

	if (!format_option(args, &fmt) || !date_option(args, "as-of", &as_of) ||
	    !cli_int_option(args, "grace", 0, 366, 30, &grace))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_followup_rates(store, as_of, (int)grace, &arena, &list, &err) != FG_OK)
		status = cli_report(&err);
	else {
		out_table_init(&t, &arena, columns, 9);
		for (size_t i = 0; i < list.count; i++) {
			const struct fg_followup_rates *r = &list.items[i];
			char b[9][NUM_MAX];
			const char *cells[9];

			snprintf(b[0], NUM_MAX, "%lld", (long long)r->institution_id);
			snprintf(b[1], NUM_MAX, "%lld", (long long)r->persons);
			snprintf(b[2], NUM_MAX, "%lld", (long long)r->due);
			snprintf(b[3], NUM_MAX, "%lld", (long long)r->done);
			snprintf(b[4], NUM_MAX, "%lld", (long long)r->overdue);
			snprintf(b[6], NUM_MAX, "%lld", (long long)r->lost);
			snprintf(b[8], NUM_MAX, "%lld", (long long)r->dead);
			for (int k = 0; k < 9; k++)
				cells[k] = b[k];
			cells[5] = percent(b[5], r->overdue, r->due);
			cells[7] = percent(b[7], r->lost, r->persons);
			out_table_add(&t, cells);
		}
		out_table_print(&t, fmt, stdout);
	}
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option plans_options[] = {CLI_OPT_FORMAT, CLI_OPT_END};

static const struct cli_option enrol_options[] = {
	CLI_OPT_DB,
	{"person", "ID", "person record id"},
	{"plan", "CODE", "follow-up plan (see \"fangai followup plans\")"},
	{"start", "DATE", "end of treatment or enrolment, YYYY-MM-DD (default today)"},
	{"institution", "REF", "institution doing the follow-up (default: the person's)"},
	{"tumour", "ID", "the tumour followed up"},
	{"user", "ID", "staff member the visits are assigned to"},
	{"years", "N", "schedule visits for N years (default 10)"},
	CLI_OPT_END,
};

static const struct cli_option replan_options[] = {
	CLI_OPT_DB,
	{"plan", "CODE", "the new plan"},
	{"start", "DATE", "start of the new plan (default: the old plan's start)"},
	CLI_OPT_END,
};

static const struct cli_option worklist_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"institution", "ID", "only this institution's visits"},
	{"user", "ID", "only visits assigned to this staff member"},
	{"as-of", "DATE", "the day the list is for (default today)"},
	{"window", "DAYS", "also list visits due within DAYS (default 7)"},
	{"overdue", NULL, "only visits past their due date"},
	{"limit", "N", "at most N visits (default 100)"},
	CLI_OPT_END,
};

static const struct cli_option attempt_options[] = {
	CLI_OPT_DB,
	{"date", "DATE", "day of the attempt (default today)"},
	{"method", "METHOD", "phone, visit or message"},
	{"note", "TEXT", "what happened"},
	CLI_OPT_END,
};

static const struct cli_option record_options[] = {
	CLI_OPT_DB,
	{"date", "DATE", "day of the contact (default today)"},
	{"method", "METHOD", "phone, visit, message or record_linkage"},
	{"outcome", "OUTCOME", "alive, recurrence, metastasis, dead or lost"},
	{"death-date", "DATE", "for dead: the date of death"},
	{"cause", "ICD10", "for dead: the underlying cause, e.g. C34.9"},
	{"reason", "TEXT", "for lost: why (moved away, refused, no valid contact...)"},
	{"note", "TEXT", "free text"},
	CLI_OPT_END,
};

static const struct cli_option link_options[] = {
	CLI_OPT_DB, {"as-of", "DATE", "day of the linkage (default today)"}, CLI_OPT_END,
};

static const struct cli_option rates_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"as-of", "DATE", "the day the rates are for (default today)"},
	{"grace", "DAYS", "a visit is overdue this many days after its due date (default 30)"},
	CLI_OPT_END,
};

static const struct command followup_commands[] = {
	{.name = "plans", .usage = "[--format FMT]", .summary = "list the follow-up plans (data/followup/plans.csv)",
	 .options = plans_options, .run = run_plans},
	{.name = "enrol", .usage = "--person ID --plan CODE [--start DATE] [OPTIONS]",
	 .summary = "enrol a person in a plan and schedule its visits",
	 .description = "Due dates count whole months from the start date: a plan started on 31 January\n"
			"is due on 30 April, 31 July and so on (the last day when a month is shorter).",
	 .options = enrol_options, .run = run_enrol},
	{.name = "replan", .usage = "PLAN --plan CODE [--start DATE]",
	 .summary = "change a patient's plan: end it and schedule the new plan's visits from today",
	 .options = replan_options, .min_pos = 1, .max_pos = 1, .run = run_replan},
	{.name = "worklist", .usage = "[--institution ID] [--user ID] [--as-of DATE] [--overdue]",
	 .summary = "open visits that are due or overdue, oldest first",
	 .options = worklist_options, .run = run_worklist},
	{.name = "attempt", .usage = "VISIT --method METHOD [--date DATE] [--note TEXT]",
	 .summary = "record an attempt that did not reach the patient",
	 .options = attempt_options, .min_pos = 1, .max_pos = 1, .run = run_attempt},
	{.name = "record", .usage = "VISIT --method METHOD --outcome OUTCOME [OPTIONS]",
	 .summary = "record the contact that closes a visit, and its outcome",
	 .description = "alive, recurrence and metastasis keep the patient alive; dead (with\n"
			"--death-date and --cause) records the death and ends follow-up; lost (with\n"
			"--reason) sets the vital status to unknown and ends follow-up.",
	 .options = record_options, .min_pos = 1, .max_pos = 1, .run = run_record},
	{.name = "link-deaths", .usage = "[--as-of DATE]",
	 .summary = "passive follow-up: apply linked death records to open visits",
	 .options = link_options, .run = run_link_deaths},
	{.name = "rates", .usage = "[--as-of DATE] [--grace DAYS]",
	 .summary = "overdue and lost-to-follow-up rates per institution",
	 .options = rates_options, .run = run_rates},
	{0},
};

const struct command cmd_followup_entry = {
	.name = "followup",
	.usage = "plans|enrol|replan|worklist|attempt|record|link-deaths|rates ...",
	.summary = "the follow-up centre: plans, worklists, contacts and vital status",
	.subcommands = followup_commands,
};
