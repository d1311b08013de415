/*
 * fangai/referral.h
 *	  Two-way referral (双向转诊) between member institutions: upward for
 *	  diagnosis and treatment, downward for rehabilitation and follow-up.
 *
 * A referral is a state machine declared as a table of legal transitions:
 *
 *	requested --accept--> accepted --schedule--> scheduled --attend--> attended
 *	    |  \--reject--> rejected                    |  ^ (schedule again)    |
 *	    \------cancel (also from accepted, scheduled)--> cancelled   complete
 *	                                                                         v
 *	                                                                    completed
 *
 * Every transition is an event with its time, the user or free-text actor
 * and a reason.  Each referral type (data/network/referral-types.csv) sets
 * a time target per step; fg_referral_overdue() is the failsafe list of
 * referrals that missed one.  An accepted referral grants the receiving
 * institution access to the person's records (fangai/network.h) until it
 * ends, its access is revoked or the type's access period passes.
 *
 * Structs hold fixed-size text, except free text (reasons, report), which
 * lives in the arena the caller passes.
 */
#ifndef FANGAI_REFERRAL_H
#define FANGAI_REFERRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/nettime.h"
#include "fangai/store.h"

#define FG_REFERRAL_TEXT_MAX 8192	/* bytes of a reason or report */

struct fg_referral {
	int64_t id;
	int64_t person_id;
	char district[7];
	int64_t from_institution_id;
	int64_t to_institution_id;
	char direction[8];		/* up, down */
	char kind[32];			/* a type of referral-types.csv */
	char state[16];
	int64_t tumour_id;		/* 0 for none */
	char requested_at[FG_NET_TIME_MAX];
	char state_at[FG_NET_TIME_MAX];	/* when the current state was entered */
	char accepted_at[FG_NET_TIME_MAX];
	char appointment_at[FG_NET_TIME_MAX];
	char ended_at[FG_NET_TIME_MAX];
	char access_until[FG_NET_TIME_MAX];
	char access_revoked_at[FG_NET_TIME_MAX];
	const char *reason;		/* in the arena; "" when none */
	const char *report;
	int64_t version;
	char updated_at[32];		/* when this version was written (UTC); "" when not known */
};

/* What a caller supplies to request a referral; text as entered. */
struct fg_referral_input {
	const char *person;		/* record id or resident ID number */
	const char *from;		/* referring institution: id or USCC */
	const char *to;			/* receiving institution */
	const char *kind;		/* referral type */
	const char *reason;		/* required: the clinical question */
	const char *report;		/* attached report text; may be NULL */
	const char *tumour;		/* tumour record id; may be NULL */
	const char *actor;		/* free-text actor; may be NULL */
	int64_t user_id;		/* app_user id, 0 for none */
	const char *at;			/* time; NULL: now */
};

/* A transition asked for; text as entered. */
struct fg_referral_action {
	const char *action;		/* accept, reject, schedule, attend, complete, cancel */
	const char *reason;		/* required for reject and cancel */
	const char *report;		/* required for complete; replaces the report */
	const char *appointment_at;	/* schedule: when the person is expected */
	const char *slot;		/* schedule: book this slot of the platform instead */
	const char *actor;
	int64_t user_id;
	const char *at;			/* time of the event; NULL: now */
};

/* One row of the table of legal transitions. */
struct fg_referral_transition {
	const char *action;
	const char *from;
	const char *to;
	bool needs_reason;
	bool needs_report;
	bool ends;			/* the referral ends: access is withdrawn */
};

/*
 * The table of legal transitions, terminated by a row of NULLs.  Static.
 */
const struct fg_referral_transition *fg_referral_transitions(void);

/*
 * Request a referral: the person and both institutions must exist and
 * differ, the type must be one of referral-types.csv, and the direction of
 * the type must agree with the levels of the institutions (community <
 * hospital < cancer centre).  On success *out (arena text) holds the new
 * referral in state requested.  FG_INVALID or FG_NOTFOUND naming the
 * field; nothing stored on failure.
 */
fg_rc fg_referral_request(fg_store *store, const struct fg_referral_input *in,
			  struct fg_arena *arena, struct fg_referral *out,
			  struct fg_error *err);

/*
 * Apply a transition to referral `id`.  An action that is not legal in the
 * referral's state is refused with FG_CONFLICT naming the referral, its
 * state and the action, and a detail listing the legal actions; nothing
 * changes.  Scheduling with a slot books it on the platform in the same
 * transaction; cancelling cancels the referral's live appointment.  On
 * success *out (may be NULL) receives the referral as it now is.
 */
fg_rc fg_referral_apply(fg_store *store, int64_t id,
			const struct fg_referral_action *a, struct fg_arena *arena,
			struct fg_referral *out, struct fg_error *err);

/*
 * Withdraw the record access of an accepted referral before it ends (the
 * referral itself goes on).  Recorded as an event with the actor and
 * reason (required).  FG_CONFLICT if the referral grants no access now.
 */
fg_rc fg_referral_revoke_access(fg_store *store, int64_t id, const char *reason,
				const char *actor, int64_t user_id, const char *at,
				struct fg_error *err);

/* Read referral `id` (free text in arena); FG_NOTFOUND if absent. */
fg_rc fg_referral_get(fg_store *store, int64_t id, struct fg_arena *arena,
		      struct fg_referral *out, struct fg_error *err);

struct fg_referral_event {
	int64_t id;
	char action[16];		/* request, accept ..., revoke_access */
	char from_state[16];		/* "" for the request */
	char to_state[16];
	char at[FG_NET_TIME_MAX];
	int64_t institution_id;		/* institution acting */
	int64_t user_id;		/* 0 for none */
	const char *actor;		/* in the arena; "" when none */
	const char *reason;
};

struct fg_referral_event_list {
	struct fg_referral_event *items;	/* in the arena, oldest first */
	size_t count;
};

/* The events of referral `id`, oldest first. */
fg_rc fg_referral_events(fg_store *store, int64_t id, struct fg_arena *arena,
			 struct fg_referral_event_list *out, struct fg_error *err);

struct fg_referral_query {
	const char *state;		/* NULL: any */
	int64_t from_institution_id;	/* 0: any */
	int64_t to_institution_id;	/* 0: any */
	int64_t person_id;		/* 0: any */
	int64_t limit;			/* 1..1000 */
	int64_t offset;
};

struct fg_referral_list {
	struct fg_referral *items;	/* in the arena, by id */
	size_t count;
	int64_t total;			/* matches over all pages */
};

/*
 * Every version of referral `id` kept (migration 0016), newest first: the
 * current one, then those it replaced, in out (items in arena; total the
 * count).  A referral changed before the versions were kept has fewer
 * versions than its number.  FG_NOTFOUND if the referral does not exist.
 */
fg_rc fg_referral_versions(fg_store *store, int64_t id, struct fg_arena *arena,
			   struct fg_referral_list *out, struct fg_error *err);

/* List referrals matching q, paged.  FG_INVALID for an unknown state. */
fg_rc fg_referral_list(fg_store *store, const struct fg_referral_query *q,
		       struct fg_arena *arena, struct fg_referral_list *out,
		       struct fg_error *err);

struct fg_referral_overdue {
	struct fg_referral referral;
	char step[16];			/* the action awaited: accept, schedule, attend, complete */
	char due_at[FG_NET_TIME_MAX];
	double days_overdue;
};

struct fg_referral_overdue_list {
	struct fg_referral_overdue *items;	/* in the arena, most overdue first */
	size_t count;
};

/*
 * The failsafe list: open referrals that stayed in their state past the
 * target of their type at `now` (minutes), for one receiving institution
 * (0: all).
 */
fg_rc fg_referral_overdue(fg_store *store, int64_t now, int64_t institution_id,
			  struct fg_arena *arena, struct fg_referral_overdue_list *out,
			  struct fg_error *err);

/* The targets of one referral type (referral-types.csv). */
struct fg_referral_type {
	char kind[32];
	char direction[8];
	char name[64];
	int accept_days, schedule_days, attend_grace_days, complete_days;
	int total_days, access_days;
};

/*
 * Look up referral type `kind` in datadir/network/referral-types.csv
 * (datadir NULL: fg_datadir()).  FG_INVALID naming the type and listing
 * the known ones if absent; FG_IO if the file cannot be read.
 */
fg_rc fg_referral_type_get(const char *datadir, const char *kind,
			   struct fg_referral_type *out, struct fg_error *err);

#endif
