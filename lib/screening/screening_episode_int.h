/*
 * screening_episode_int.h
 *	  Internals shared by the episode files: the open episode of a person,
 *	  a change to an episode, and the helpers that find and check them.
 */
#ifndef FANGAI_SCREENING_EPISODE_INT_H
#define FANGAI_SCREENING_EPISODE_INT_H

#include "fangai/person.h"
#include "fangai/screening.h"
#include "screening_int.h"

struct screening_episode {
	int64_t id, programme_id, institution_id;
	char district[7];
	char state[16];
	fg_date started_on, screened_on, referred_on;
	int high_risk;			/* -1 unknown */
	const fg_programme *programme;	/* its version */
};

/* What a step changes; FG_DATE_NONE and NULL leave a column as it is. */
struct episode_change {
	const char *state;
	fg_date assessed_on, screened_on, positive_on, recalled_on, referred_on;
	int high_risk;			/* -1: unchanged */
	fg_date closed_on, next_due;	/* set as given (NONE clears) */
	const char *end_code;
	fg_date diagnosed_on;		/* with diagnosis, stage, early */
	const char *diagnosis, *stage;
	int early;
};

/* The store of a context. */
fg_store *screening_store(fg_screening *s);

/* A change that sets only the state. */
void screening_change_init(struct episode_change *c, const char *state);

/* Apply a change to episode row `episode`. */
fg_rc screening_update_episode(fg_screening *s, int64_t episode,
			       const struct episode_change *c, struct fg_error *err);

/* Look a person up by record id or resident ID number. */
fg_rc screening_find_person(fg_screening *s, const char *ref, struct fg_person *person,
			    struct fg_error *err);

/*
 * The open episode of person in programme code, with its programme
 * version loaded.  FG_INVALID (field person) if none is open.
 */
fg_rc screening_open_episode(fg_screening *s, const char *code,
			     const struct fg_person *person,
			     struct screening_episode *ep, struct fg_error *err);

/*
 * Parse a date of an event of person: not in the future, not before
 * birth, and not before not_before (FG_DATE_NONE: no bound) described as
 * before_what.  FG_INVALID naming field and value.
 */
fg_rc screening_check_date(const char *text, const char *field,
			   const struct fg_person *person, fg_date not_before,
			   const char *before_what, fg_date *out, struct fg_error *err);

/* The programme of a stored programme row, cached in the context. */
fg_rc screening_programme_by_id(fg_screening *s, int64_t id, const fg_programme **out,
				struct fg_error *err);

#endif
