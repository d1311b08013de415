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

enum indicator { IND_REFERRAL, IND_CONSULT, IND_BOOKING, IND_SCREEN, IND_ALL };

static const char *const indicator_names[] = {"referral", "consultation", "booking", "screening"};

static const struct out_column referral_columns[] = {
	{"institution_id", true}, {"institution", false}, {"referrals", true}, {"open", true},
	{"completed", true}, {"rejected", true}, {"cancelled", true}, {"overdue", true},
	{"completion_pct", true}, {"accept_days", true}, {"schedule_days", true},
	{"attend_days", true}, {"complete_days", true}, {"attended", true},
	{"within_target_pct", true},
};
#define NREFERRAL ((int)(sizeof(referral_columns) / sizeof(referral_columns[0])))

static const struct out_column consult_columns[] = {
	{"institution_id", true}, {"institution", false}, {"requested", true}, {"concluded", true},
	{"cancelled", true}, {"open", true}, {"turnaround_median_days", true},
	{"turnaround_mean_days", true}, {"opinions_per_consultation", true},
};
#define NCONSULT ((int)(sizeof(consult_columns) / sizeof(consult_columns[0])))

static const struct out_column booking_columns[] = {
	{"institution_id", true}, {"institution", false}, {"service", false}, {"slots", true},
	{"capacity", true}, {"booked", true}, {"attended", true}, {"no_show", true},
	{"cancelled", true}, {"utilisation_pct", true}, {"no_show_pct", true},
};
#define NBOOKING ((int)(sizeof(booking_columns) / sizeof(booking_columns[0])))

static const struct out_column screen_columns[] = {
	{"available", false}, {"positive", true}, {"diagnosed", true}, {"median_days", true},
	{"mean_days", true}, {"within_28_days", true},
};
#define NSCREEN ((int)(sizeof(screen_columns) / sizeof(screen_columns[0])))

/* Cells are formatted into a per-row buffer: up to 16 cells of 32 bytes. */
struct cells {
	char buf[16][32];
	int n;
};

static const char *
cell_int(struct cells *c, int64_t v)
{
	snprintf(c->buf[c->n], sizeof(c->buf[0]), "%lld", (long long)v);
	return c->buf[c->n++];
}

/* One decimal, scaled; "" for a value that does not exist (NAN). */
static const char *
cell_real(struct cells *c, double v, double scale)
{
	if (isnan(v))
		c->buf[c->n][0] = '\0';
	else
		snprintf(c->buf[c->n], sizeof(c->buf[0]), "%.1f", v * scale);
	return c->buf[c->n++];
}

static const char *
cell_id(struct cells *c, int64_t id)
{
	return id ? cell_int(c, id) : "";
}

static void
referral_table(const struct fg_network_indicators *ind, struct out_table *t)
{
	for (size_t i = 0; i < ind->nreferral; i++) {
		const struct fg_referral_indicator *r = &ind->referral[i];
		struct cells c = {.n = 0};
		const char *row[NREFERRAL] = {
			cell_id(&c, r->institution_id), r->institution, cell_int(&c, r->referrals),
			cell_int(&c, r->open), cell_int(&c, r->completed), cell_int(&c, r->rejected),
			cell_int(&c, r->cancelled), cell_int(&c, r->overdue),
			cell_real(&c, r->completion_rate, 100), cell_real(&c, r->step[0].median_days, 1),
			cell_real(&c, r->step[1].median_days, 1), cell_real(&c, r->step[2].median_days, 1),
			cell_real(&c, r->step[3].median_days, 1), cell_int(&c, r->attended),
			cell_real(&c, r->attended ? (double)r->within_total_target / (double)r->attended : NAN, 100),
		};

		out_table_add(t, row);
	}
}

static void
consult_table(const struct fg_network_indicators *ind, struct out_table *t)
{
	for (size_t i = 0; i < ind->nconsult; i++) {
		const struct fg_consult_indicator *k = &ind->consult[i];
		struct cells c = {.n = 0};
		const char *row[NCONSULT] = {
			cell_id(&c, k->institution_id), k->institution, cell_int(&c, k->requested),
			cell_int(&c, k->concluded), cell_int(&c, k->cancelled), cell_int(&c, k->open),
			cell_real(&c, k->turnaround.median_days, 1), cell_real(&c, k->turnaround.mean_days, 1),
			cell_real(&c, k->opinions_per_consultation, 1),
		};

		out_table_add(t, row);
	}
}

static void
booking_table(const struct fg_network_indicators *ind, struct out_table *t)
{
	for (size_t i = 0; i < ind->nbooking; i++) {
		const struct fg_booking_indicator *b = &ind->booking[i];
		struct cells c = {.n = 0};
		const char *row[NBOOKING] = {
			cell_id(&c, b->institution_id), b->institution, b->service, cell_int(&c, b->slots),
			cell_int(&c, b->capacity), cell_int(&c, b->booked), cell_int(&c, b->attended),
			cell_int(&c, b->no_show), cell_int(&c, b->cancelled),
			cell_real(&c, b->utilisation, 100), cell_real(&c, b->no_show_rate, 100),
		};

		out_table_add(t, row);
	}
}

static void
screen_table(const struct fg_network_indicators *ind, struct out_table *t)
{
	const struct fg_screen_indicator *s = &ind->screen;
	struct cells c = {.n = 0};
	const char *row[NSCREEN] = {
		s->available ? "yes" : "not available: no screening exams recorded",
		cell_int(&c, s->positive), cell_int(&c, s->diagnosed),
		cell_real(&c, s->to_test.median_days, 1), cell_real(&c, s->to_test.mean_days, 1),
		cell_int(&c, s->within_28_days),
	};

	out_table_add(t, row);
}

static const struct {
	const char *title;
	const struct out_column *columns;
	int ncolumns;
	void (*fill)(const struct fg_network_indicators *, struct out_table *);
} sections[] = {
	{"referrals by receiving institution (days: medians per step)", referral_columns, NREFERRAL,
	 referral_table},
	{"consultations by requesting institution", consult_columns, NCONSULT, consult_table},
	{"appointment platform, slots already begun", booking_columns, NBOOKING, booking_table},
	{"positive screen to first diagnostic test", screen_columns, NSCREEN, screen_table},
};

static void
print_section(const struct fg_network_indicators *ind, int k, enum out_format fmt,
	      bool title, struct fg_arena *arena)
{
	struct out_table t;

	out_table_init(&t, arena, sections[k].columns, sections[k].ncolumns);
	sections[k].fill(ind, &t);
	if (title)
		printf("%s%s\n\n", k ? "\n" : "", sections[k].title);
	out_table_print(&t, fmt, stdout);
}

static bool
parse_indicator(const char *text, enum indicator *out)
{
	*out = IND_ALL;
	for (int i = 0; text != NULL && i < IND_ALL; i++)
		if (strcmp(text, indicator_names[i]) == 0)
			*out = (enum indicator)i;
	return text == NULL || *out != IND_ALL;
}

static bool
bound_option(const struct cli_args *args, const char *name, int64_t *out)
{
	struct fg_error err;

	*out = 0;
	if (!cli_has(args, name) || fg_net_time_parse(cli_get(args, name), name, out, &err) == FG_OK)
		return true;
	cli_report(&err);
	return false;
}

static int
run_indicators(struct cli_args *args)
{
	struct fg_network_indicators ind;
	struct fg_arena arena;
	struct fg_error err;
	enum out_format fmt;
	enum indicator which;
	int64_t now, from, to;
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (!parse_indicator(cli_get(args, "indicator"), &which))
		return cli_usage_error(args->path, "invalid indicator \"%s\"", cli_get(args, "indicator"));
	if (which == IND_ALL && fmt != OUT_TABLE)
		return cli_usage_error(args->path, "CSV and JSON output need --indicator");
	if (!as_of_option(args, &now) || !bound_option(args, "from", &from) ||
	    !bound_option(args, "to", &to))
		return EXIT_USAGE;
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	if (fg_network_indicators(store, now, from, to, &arena, &ind, &err) != FG_OK)
		status = cli_report(&err);
	else if (which != IND_ALL)
		print_section(&ind, which, fmt, false, &arena);
	else
		for (int k = 0; k < IND_ALL; k++)
			print_section(&ind, k, fmt, true, &arena);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

static const struct cli_option indicator_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"indicator", "NAME", "only referral, consultation, booking or screening"},
	{"from", "TIME", "referrals and consultations requested, slots starting, exams from"},
	{"to", "TIME", "... and before this time"},
	{"as-of", "TIME", "the time to judge at (default now)"},
	CLI_OPT_END,
};

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
	{.name = "indicators", .usage = "[--indicator NAME] [--from TIME] [--to TIME] [OPTIONS]",
	 .summary = "referral completion and times, consultation turnaround, slot use, screen to test",
	 .description = "Referrals: completion (completed of those ended), median days of each step\n"
			"(request to decision, acceptance to scheduling, scheduling to attendance,\n"
			"attendance to the report back), and the share attended within the total\n"
			"target of the type.  Consultations: turnaround from request to conclusion.\n"
			"Appointments: utilisation of capacity and no-show rate of slots already\n"
			"begun.  Screening: days from a positive screening exam to the first\n"
			"diagnostic test attended (appointment or referral), when exams exist.",
	 .options = indicator_options, .run = run_indicators},
	{0},
};

const struct command cmd_network_entry = {
	.name = "network",
	.usage = "access|indicators ...",
	.summary = "record access granted by the network, and its indicators",
	.subcommands = network_commands,
};
