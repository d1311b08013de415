/*
 * fangai/consult.h
 *	  Remote consultation (远程会诊) and multidisciplinary team meetings
 *	  (MDT): a requesting institution asks experts at other institutions a
 *	  question about a person (and a tumour, a referral); a session is
 *	  scheduled; each expert gives an opinion; the requester concludes.
 *
 * States: requested -> scheduled -> concluded, or cancelled from either
 * open state.  Opinions are taken while open; concluding needs at least
 * one.  While open, the institutions of the invited experts may read the
 * person's records (fangai/network.h).
 */
#ifndef FANGAI_CONSULT_H
#define FANGAI_CONSULT_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/nettime.h"
#include "fangai/store.h"

#define FG_CONSULT_TEXT_MAX 8192

struct fg_consultation {
	int64_t id;
	int64_t person_id;
	char district[7];
	int64_t institution_id;		/* requesting */
	char kind[8];			/* remote, mdt */
	char state[16];			/* requested, scheduled, concluded, cancelled */
	int64_t tumour_id;		/* 0: none */
	int64_t referral_id;		/* 0: none */
	char requested_at[FG_NET_TIME_MAX];
	char session_at[FG_NET_TIME_MAX];
	char concluded_at[FG_NET_TIME_MAX];
	const char *question;		/* in the arena */
	const char *conclusion;		/* "" until concluded */
	const char *requested_by;
};

struct fg_consult_input {
	const char *person;		/* record id or resident ID number */
	const char *institution;	/* requesting institution: id or USCC */
	const char *kind;		/* remote or mdt */
	const char *question;
	const char *tumour;		/* record id; may be NULL */
	const char *referral;		/* record id; may be NULL */
	const char *actor;
	const char *at;			/* NULL: now */
};

/*
 * Request a consultation.  The person, institution, tumour and referral
 * must exist and belong together (the tumour and referral of that person).
 * *out holds the new consultation, its text in arena.
 */
fg_rc fg_consult_request(fg_store *store, const struct fg_consult_input *in,
			 struct fg_arena *arena, struct fg_consultation *out,
			 struct fg_error *err);

struct fg_consult_participant {
	int64_t id;
	int64_t institution_id;
	char expert[64];
	char specialty[64];
	char invited_at[FG_NET_TIME_MAX];
	char opinion_at[FG_NET_TIME_MAX];
	const char *opinion;		/* in the arena; "" until given */
};

/*
 * Invite an expert of another institution (id or USCC) to an open
 * consultation; *participant_id receives the participant's id.
 */
fg_rc fg_consult_invite(fg_store *store, int64_t id, const char *institution,
			const char *expert, const char *specialty, const char *at,
			int64_t *participant_id, struct fg_error *err);

/* Set (or move) the session of an open consultation; it becomes scheduled. */
fg_rc fg_consult_schedule(fg_store *store, int64_t id, const char *session_at,
			  struct fg_error *err);

/* Record participant `participant_id`'s opinion on open consultation `id`. */
fg_rc fg_consult_opinion(fg_store *store, int64_t id, int64_t participant_id,
			 const char *opinion, const char *at, struct fg_error *err);

/*
 * Conclude (needs at least one opinion) or cancel (needs a reason) an open
 * consultation; the access of the experts' institutions ends with it.
 */
fg_rc fg_consult_conclude(fg_store *store, int64_t id, const char *conclusion,
			  const char *at, struct fg_error *err);
fg_rc fg_consult_cancel(fg_store *store, int64_t id, const char *reason,
			const char *at, struct fg_error *err);

/* Read consultation `id` and its participants (text in arena). */
fg_rc fg_consult_get(fg_store *store, int64_t id, struct fg_arena *arena,
		     struct fg_consultation *out, struct fg_consult_participant **participants,
		     size_t *nparticipants, struct fg_error *err);

struct fg_consult_query {
	const char *state;		/* NULL: any */
	int64_t institution_id;		/* requesting or taking part; 0: any */
	int64_t person_id;		/* 0: any */
	int64_t limit;			/* 1..1000 */
};

struct fg_consult_list {
	struct fg_consultation *items;	/* in the arena, by id */
	size_t count;
};

/* List consultations matching q. */
fg_rc fg_consult_list(fg_store *store, const struct fg_consult_query *q,
		      struct fg_arena *arena, struct fg_consult_list *out,
		      struct fg_error *err);

#endif
