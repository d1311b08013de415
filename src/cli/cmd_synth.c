/*
 * cmd_synth.c
 *	  fangai synth: generate the synthetic city into a database.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fangai/synth.h"

static double
seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	double start;
};

static void
show_progress(int64_t done, int64_t total, void *userdata)
{
	struct progress *p = userdata;
	double elapsed = seconds_now() - p->start;
	double rate = elapsed > 0 ? (double)done / elapsed : 0;

	fprintf(stderr, "\rsynth: %lld/%lld persons (%.0f%%), %.0f/s, %.0f s left   ",
		(long long)done, (long long)total, 100.0 * (double)done / (double)total, rate,
		rate > 0 ? (double)(total - done) / rate : 0.0);
	if (done == total)
		fputc('\n', stderr);
}

/* Screening histories for the city just generated. */
static int
synth_screening(fg_store *store, const struct fg_synth_options *city)
{
	struct fg_synth_screening_options opts = {.seed = city->seed, .as_of = city->as_of};
	struct fg_synth_screening_report rep;
	struct fg_error err;
	double start = seconds_now();

	if (fg_synth_screening(store, &opts, &rep, &err) != FG_OK)
		return cli_report(&err);
	printf("screening histories: %lld episodes, %lld questionnaires, %lld exams, %lld diagnoses in %.1f s\n",
	       (long long)rep.episodes, (long long)rep.questionnaires, (long long)rep.exams,
	       (long long)rep.outcomes, seconds_now() - start);
	return EXIT_OK;
}

static int
synth_network(fg_store *store, const struct fg_synth_options *opts)
{
	struct fg_synth_network_report net;
	struct fg_error err;
	double start = seconds_now();

	if (fg_synth_network(store, opts, &net, &err) != FG_OK)
		return cli_report(&err);
	printf("referral network: %lld schedules, %lld slots, %lld bookings, %lld referrals,"
	       " %lld consultations in %.1f s\n", (long long)net.schedules, (long long)net.slots,
	       (long long)net.appointments, (long long)net.referrals, (long long)net.consultations,
	       seconds_now() - start);
	return EXIT_OK;
}

static int
synth_registry(fg_store *store, const struct fg_synth_options *city)
{
	struct fg_synth_registry_options opts = {.seed = city->seed, .as_of = city->as_of};
	struct fg_synth_registry_report rep;
	struct fg_error err;
	double start = seconds_now();

	if (fg_synth_registry(store, &opts, &rep, &err) != FG_OK)
		return cli_report(&err);
	printf("cancer registry: %lld tumours (%lld refused by the checks), %lld treatments, %lld DCO,"
	       " %lld death records, %lld follow-up contacts, %lld population rows, life table \"%s\""
	       " (%zu cells) in %.1f s\n",
	       (long long)rep.tumours, (long long)rep.refused, (long long)rep.treatments, (long long)rep.dco,
	       (long long)rep.deaths, (long long)rep.contacts, (long long)rep.population_rows,
	       FG_SYNTH_LIFE_TABLE, rep.life_table_cells, seconds_now() - start);
	return EXIT_OK;
}

static int
run_synth(struct cli_args *args)
{
	struct fg_synth_options opts = {0};
	struct fg_synth_report report;
	struct progress progress;
	struct fg_error err;
	long long persons, seed, batch;
	fg_store *store;
	int status;
	double took;

	if (!cli_int_option(args, "persons", 0, 100000000, 10000, &persons) ||
	    !cli_int_option(args, "seed", 0, INT64_MAX, 1, &seed) ||
	    !cli_int_option(args, "batch", 1, 1000000, 20000, &batch))
		return EXIT_USAGE;
	opts.persons = persons;
	opts.batch = batch;
	opts.seed = (uint64_t)seed;
	if (cli_has(args, "as-of")) {
		if (fg_date_parse(cli_get(args, "as-of"), "as-of", &opts.as_of, &err) != FG_OK)
			return cli_report(&err);
	} else
		opts.as_of = fg_date_from_ymd(2025, 12, 31);
	if (isatty(STDERR_FILENO) && !cli_has(args, "quiet")) {
		opts.progress = show_progress;
		opts.userdata = &progress;
	}
	store = cli_open_store(args, true, &status);
	if (store == NULL)
		return status;
	progress.start = seconds_now();
	if (fg_synth_city(store, &opts, &report, &err) != FG_OK)
		status = cli_report(&err);
	took = seconds_now() - progress.start;
	printf("synthetic city: %lld institutions, %lld persons in %.1f s (seed %llu)\n",
	       (long long)report.institutions, (long long)report.persons, took,
	       (unsigned long long)opts.seed);
	if (status == EXIT_OK && cli_has(args, "screening"))
		status = synth_screening(store, &opts);
	if (status == EXIT_OK && cli_has(args, "network"))
		status = synth_network(store, &opts);
	if (status == EXIT_OK && cli_has(args, "registry"))
		status = synth_registry(store, &opts);
	fg_store_close(store);
	return status;
}

static const struct cli_option options[] = {
	CLI_OPT_DB,
	{"persons", "N", "residents to generate (default 10000)"},
	{"seed", "N", "random seed; the same seed gives the same city (default 1)"},
	{"as-of", "DATE", "the day the city is generated for (default 2025-12-31)"},
	{"network", NULL, "also the referral network: schedules, slots, bookings, referrals, consultations"},
	{"batch", "N", "persons per transaction (default 20000)"},
	{"quiet", NULL, "no progress display"},
	{"registry", NULL, "also the cancer registry: ten years of tumours, follow-up, deaths, DCO, population"},
	{"screening", NULL, "also give residents screening histories (data/synth/screening.csv)"},
	CLI_OPT_END,
};

const struct command cmd_synth_entry = {
	.name = "synth",
	.usage = "[--persons N] [--seed N] [--screening] [--network] [--registry] [--db PATH]",
	.summary = "generate a synthetic city for demonstration and testing",
	.description =
		"Creates the institutions of the demo city (a cancer centre, hospitals and\n"
		"community health centres in eleven districts) and residents following the\n"
		"2020 census age/sex pyramid, with valid resident ID numbers, names drawn from\n"
		"national surname and given-name frequencies, phones and addresses. The\n"
		"database must not hold institutions yet. Reference tables: data/synth/.",
	.options = options,
	.run = run_synth,
};
