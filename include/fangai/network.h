/*
 * fangai/network.h
 *	  The referral network: its clock, the record access that referrals
 *	  and consultations grant, and its indicators.  Referral, consultation
 *	  and booking have their own headers, included here, so that a program
 *	  (the command, the server) can include this one.
 *
 * Times of the network are local wall-clock minutes of the region, written
 * "YYYY-MM-DDTHH:MM" so that they compare as text.  Lists live in the
 * arena the caller passes.
 */
#ifndef FANGAI_NETWORK_H
#define FANGAI_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/booking.h"
#include "fangai/consult.h"
#include "fangai/error.h"
#include "fangai/referral.h"
#include "fangai/store.h"

/*
 * Access to a person's records granted to an institution by an accepted
 * referral (until it ends, is revoked or access_until passes) or by an
 * open consultation it takes part in (until the consultation ends).
 */
struct fg_access_grant {
	int64_t institution_id;
	int64_t person_id;
	char source[16];		/* "referral" or "consultation" */
	int64_t source_id;
	char granted_at[FG_NET_TIME_MAX];
	char ends_at[FG_NET_TIME_MAX];	/* "" while the source lasts */
};

struct fg_access_list {
	struct fg_access_grant *items;	/* in the arena */
	size_t count;
};

/*
 * Whether institution_id holds a grant to person_id's records at time
 * `now` (minutes): *granted is set, and *grant (may be NULL) receives the
 * grant that lasts longest.  The institution's own records are not a
 * matter of grants: the caller decides those.  FG_STORE on failure.
 */
fg_rc fg_access_check(fg_store *store, int64_t institution_id, int64_t person_id,
		      int64_t now, bool *granted, struct fg_access_grant *grant,
		      struct fg_error *err);

/*
 * The grants in force at `now`, for one institution and/or one person
 * (0: any), ordered by institution, person and source; in arena.
 */
fg_rc fg_access_list(fg_store *store, int64_t institution_id, int64_t person_id,
		     int64_t now, struct fg_arena *arena, struct fg_access_list *out,
		     struct fg_error *err);

/* A median and a count of durations, in days. */
struct fg_net_duration {
	int64_t n;
	double median_days;		/* NAN when n == 0 */
	double mean_days;
};

/* Referral indicators of one receiving institution (institution_id 0: all). */
struct fg_referral_indicator {
	int64_t institution_id;
	char institution[128];
	int64_t referrals, open, completed, rejected, cancelled, overdue;
	double completion_rate;		/* completed / ended; NAN when none ended */
	struct fg_net_duration step[4];	/* accept, schedule, attend, complete */
	int64_t within_total_target;	/* attended within the type's total_days */
	int64_t attended;		/* referrals that reached attendance */
};

/* Consultation turnaround of one requesting institution (0: all). */
struct fg_consult_indicator {
	int64_t institution_id;
	char institution[128];
	int64_t requested, concluded, cancelled, open;
	struct fg_net_duration turnaround;	/* request to conclusion */
	double opinions_per_consultation;	/* of the concluded; NAN when none */
};

/* Use of the appointment platform by institution and service, past slots only. */
struct fg_booking_indicator {
	int64_t institution_id;
	char institution[128];
	char service[16];
	int64_t slots, capacity, booked, attended, no_show, cancelled;
	double utilisation;		/* booked / capacity; NAN without capacity */
	double no_show_rate;		/* no_show / (attended + no_show); NAN when none */
};

/*
 * Time from a positive screening exam to the first diagnostic test attended
 * (an appointment outside the screening episode, or a referral's
 * attendance) within 180 days.
 */
struct fg_screen_indicator {
	bool available;			/* false: no screening exams recorded */
	int64_t positive;		/* positive screens */
	int64_t diagnosed;		/* followed by an attended diagnostic test within 180 days */
	struct fg_net_duration to_test;
	int64_t within_28_days;
};

struct fg_network_indicators {
	int64_t as_of;				/* minutes */
	struct fg_referral_indicator *referral;	/* per institution, then the total */
	size_t nreferral;
	struct fg_consult_indicator *consult;
	size_t nconsult;
	struct fg_booking_indicator *booking;
	size_t nbooking;
	struct fg_screen_indicator screen;
};

/*
 * Compute the network's indicators as of `now` over referrals requested,
 * consultations requested and slots starting in [from, to) (minutes; 0 for
 * no bound).  Lists are in arena; each list ends with the total row
 * (institution_id 0).
 */
fg_rc fg_network_indicators(fg_store *store, int64_t now, int64_t from, int64_t to,
			    struct fg_arena *arena, struct fg_network_indicators *out,
			    struct fg_error *err);

#endif
