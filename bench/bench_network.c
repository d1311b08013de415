/*
 * bench_network.c
 *	  The referral network under load: bookings per second on the shared
 *	  appointment platform with BENCH_THREADS (default 8) writers, each on
 *	  its own connection to one SQLite file in WAL mode, first spread over
 *	  many slots, then all contending for one slot; and referral
 *	  transitions per second (request, accept, schedule, attend, complete).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fangai/network.h"
#include "fangai/synth.h"

#define PERSONS 20000
#define SPREAD_SLOTS 500
#define SPREAD_CAPACITY 20
#define HOT_CAPACITY 2000
#define REFERRALS 2000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
remove_db(const char *path)
{
	char aux[600];

	remove(path);
	snprintf(aux, sizeof(aux), "%s-wal", path);
	remove(aux);
	snprintf(aux, sizeof(aux), "%s-shm", path);
	remove(aux);
}

static int
fail(const struct fg_error *err)
{
	fprintf(stderr, "bench_network: %s (%s)\n", err->message, err->detail);
	return 1;
}

struct worker {
	const char *path;
	int index, threads;
	int64_t first_slot, nslots;	/* the slots this run books into */
	int64_t attempts;		/* per worker */
	int64_t booked, refused, failed;
	int64_t start_time;		/* the network time bookings are made at */
};

/* Book persons index+1, index+1+threads, ... each into a slot, until `attempts`. */
static void *
book_loop(void *arg)
{
	struct worker *w = arg;
	struct fg_store_options opts = {.create = false};
	fg_store *store = NULL;
	struct fg_error err;

	if (fg_store_open(w->path, &opts, &store, &err) != FG_OK) {
		w->failed = w->attempts;
		return NULL;
	}
	for (int64_t i = 0; i < w->attempts; i++) {
		int64_t person = 1 + (w->index + i * w->threads) % PERSONS;
		char slot[24], ref[24];
		struct fg_booking_input in = {.slot = slot, .person = ref};
		struct fg_appointment a;
		fg_rc rc;

		snprintf(slot, sizeof(slot), "%lld", (long long)(w->first_slot + (person * 7 + i) % w->nslots));
		snprintf(ref, sizeof(ref), "%lld", (long long)person);
		rc = fg_booking_book(store, &in, w->start_time, &a, &err);
		if (rc == FG_OK)
			w->booked++;
		else if (rc == FG_CONFLICT)
			w->refused++;
		else
			w->failed++;
	}
	fg_store_close(store);
	return NULL;
}

static void
run_bookers(const char *label, const char *path, int threads, int64_t first_slot,
	    int64_t nslots, int64_t attempts, int64_t at)
{
	struct worker *w = calloc((size_t)threads, sizeof(*w));
	pthread_t *t = calloc((size_t)threads, sizeof(*t));
	int64_t booked = 0, refused = 0, failed = 0;
	double t0, t1;

	if (w == NULL || t == NULL)
		goto out;
	t0 = now();
	for (int i = 0; i < threads; i++) {
		w[i] = (struct worker){.path = path, .index = i, .threads = threads,
				       .first_slot = first_slot, .nslots = nslots,
				       .attempts = attempts / threads, .start_time = at};
		pthread_create(&t[i], NULL, book_loop, &w[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		booked += w[i].booked;
		refused += w[i].refused;
		failed += w[i].failed;
	}
	t1 = now();
	printf("booking, %s: %d writers, %lld attempts in %.2f s: %.0f bookings/s, %.0f attempts/s"
	       " (%lld booked, %lld refused as full or held, %lld errors)\n",
	       label, threads, (long long)(booked + refused + failed), t1 - t0,
	       (double)booked / (t1 - t0), (double)(booked + refused + failed) / (t1 - t0),
	       (long long)booked, (long long)refused, (long long)failed);
out:
	free(w);
	free(t);
}

static int
referral_transitions(fg_store *store, int64_t when)
{
	static const char *const path[] = {"accept", "schedule", "attend", "complete"};
	struct fg_arena arena;
	struct fg_error err;
	char appt[FG_NET_TIME_MAX];
	int64_t ops = 0;
	double t0, t1;

	fg_arena_init(&arena, 0);
	fg_net_time_format(when, appt);
	t0 = now();
	for (int i = 0; i < REFERRALS; i++) {
		char person[24];
		struct fg_referral_input in = {.person = person, .from = "12", .to = "2",
					       .kind = "suspected_cancer", .reason = "LDCT 4B"};
		struct fg_referral r;

		snprintf(person, sizeof(person), "%d", 1 + i % PERSONS);
		if (fg_referral_request(store, &in, &arena, &r, &err) != FG_OK)
			return fail(&err);
		ops++;
		for (int k = 0; k < 4; k++) {
			struct fg_referral_action a = {.action = path[k], .appointment_at = appt,
						       .report = "report"};

			if (fg_referral_apply(store, r.id, &a, &arena, NULL, &err) != FG_OK)
				return fail(&err);
			ops++;
		}
		fg_arena_reset(&arena);
	}
	t1 = now();
	printf("referral: %lld transitions (request to completion, each an event in its own"
	       " transaction) in %.2f s: %.0f transitions/s\n", (long long)ops, t1 - t0,
	       (double)ops / (t1 - t0));
	fg_arena_free(&arena);
	return 0;
}

int
main(void)
{
	const char *work = getenv("BENCH_WORK");
	const char *threads_env = getenv("BENCH_THREADS");
	int threads = threads_env ? atoi(threads_env) : 8;
	struct fg_store_options opts = {.create = true};
	struct fg_synth_options sopts = {.seed = 9, .persons = PERSONS};
	struct fg_synth_report report;
	struct fg_schedule sched;
	struct fg_error err;
	char path[512], start[FG_NET_TIME_MAX];
	int64_t at = fg_net_now(), spread_first = 0, hot = 0;
	fg_store *store = NULL;
	int status = 1;

	if (threads < 1 || threads > 64)
		threads = 8;
	snprintf(path, sizeof(path), "%s/bench_network.db", work ? work : "/tmp");
	remove_db(path);
	sopts.as_of = fg_date_from_ymd(2025, 12, 31);
	if (fg_store_open(path, &opts, &store, &err) != FG_OK || fg_store_migrate(store, NULL, &err) != FG_OK)
		return fail(&err);
	fg_net_time_format(at + 7 * FG_MINUTES_PER_DAY, start);
	if (fg_synth_city(store, &sopts, &report, &err) != FG_OK ||
	    fg_schedule_add(store, "2", "ldct", "bench", &sched, &err) != FG_OK ||
	    fg_slot_add(store, &(struct fg_slot_input){.schedule_id = sched.id, .starts_at = start,
						    .minutes = 10, .count = SPREAD_SLOTS,
						    .capacity = SPREAD_CAPACITY}, &spread_first, &err) != FG_OK ||
	    fg_slot_add(store, &(struct fg_slot_input){.schedule_id = sched.id, .starts_at = start,
						    .minutes = 10, .count = 1,
						    .capacity = HOT_CAPACITY}, &hot, &err) != FG_OK) {
		status = fail(&err);
		goto out;
	}
	run_bookers("spread over 500 slots", path, threads, spread_first, SPREAD_SLOTS,
		    SPREAD_SLOTS * SPREAD_CAPACITY, at);
	run_bookers("all on one slot of 2000 places", path, threads, hot, 1, 2 * HOT_CAPACITY, at);
	status = referral_transitions(store, at + 3 * FG_MINUTES_PER_DAY);
out:
	fg_store_close(store);
	remove_db(path);
	return status;
}
