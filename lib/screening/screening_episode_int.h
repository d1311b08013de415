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
	fg_date closed_on;		/* with end_code; NONE: stays open */
	fg_date next_due;		/* set as given (NONE clears) */
	const char *end_code;
	fg_date diagnosed_on;		/* with diagnosis, stage, early */
	const char *diagnosis, *stage;
	int early;
};

#define SCREENING_JSON_MAX 4096

/* The person, their open episode, an event's date and institution. */
struct step {
	struct fg_person person;
	struct screening_episode ep;
	const struct fg_programme_info *pi;
	fg_date date;
	int64_t institution_id;
};

/*
 * Check an exam against the step's episode and programme version: the
 * exam type, that the person is offered exams, the findings (classified
 * into *out).  The findings as JSON go to findings.  Writes nothing.
 */
fg_rc screening_check_exam(const struct step *st, const struct fg_screen_record *r,
			   const struct fg_programme_exam **exam, struct fg_screen_result *out,
			   char *findings, size_t findingssz, struct fg_error *err);

/* The statement screening_insert_exam runs (owned by the store). */
fg_rc screening_exam_stmt(fg_screening *s, fg_stmt **stmt, struct fg_error *err);

/* Insert the exam row of a checked exam with stmt from screening_exam_stmt. */
fg_rc screening_insert_exam(fg_stmt *stmt, const struct step *st, const char *exam_type,
			    const char *findings, const char *scheme,
			    const struct fg_screen_result *res, struct fg_error *err);

/*
 * The change an exam's result makes to its episode, its state from the
 * transition table; FG_CONFLICT when the episode's state takes no exam.
 */
fg_rc screening_exam_change(const struct step *st, const struct fg_screen_result *res,
			    struct episode_change *c, struct fg_error *err);

/* The error for a person without an open episode of programme code. */
fg_rc screening_not_enrolled(fg_screening *s, const char *code, const struct fg_person *person,
			     struct fg_error *err);

/*
 * The state an episode in state `from` moves to on event (see states.c),
 * into *to (static).  FG_CONFLICT naming the state when the table does
 * not allow the event there.
 */
fg_rc screening_transition(int64_t episode, const char *event, const char *from, const char **to,
			   struct fg_error *err);

/* The store of a context. */
fg_store *screening_store(fg_screening *s);

/* A change that sets only the state. */
void screening_change_init(struct episode_change *c, const char *state);

/* Apply a change to episode row `episode`, keeping the tally in step. */
fg_rc screening_change_episode(fg_screening *s, int64_t episode, const struct episode_change *c,
			       struct fg_error *err);

/* The last UPDATE of an episode a run of updates prepared: the columns it sets, a bit each. */
struct episode_update {
	unsigned mask;
	fg_stmt *stmt;			/* owned by the store; NULL: none yet */
};

/*
 * Apply a change to the open episode row `episode`, naming in its UPDATE
 * only the columns the change sets; the caller keeps the tally in step.
 * cache (NULL: none) keeps the statement for the next update of a run
 * that sets the same columns.
 */
fg_rc screening_update_episode(fg_store *store, int64_t episode, const struct episode_change *c,
			       struct episode_update *cache, struct fg_error *err);

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

/* An enrolment being made: the programme row, owner, district, day. */
struct enrolment {
	int64_t programme_id, institution_id;
	const char *district;
	fg_date on;
	bool invite;
};

/* True if a person of this vital status and death date (text) was alive on day on. */
bool screening_alive_on(const char *vital_status, const char *death_date, fg_date on);

/*
 * Whether person may start an episode of programme code on day on: *open
 * when an episode is open, *due when the last one's next round is due.
 */
fg_rc screening_round_due(fg_screening *s, int64_t person, const char *code, fg_date on, bool *open,
			  bool *due, struct fg_error *err);

/*
 * Insert the episode of an enrolment for a person of sex and age (invited
 * when en->invite); its id into *id when id is not NULL.
 */
fg_rc screening_insert_episode(fg_screening *s, const struct enrolment *en, int64_t person, char sex,
			       int age, int64_t *id, struct fg_error *err);

/* The row id of programme version p, inserting it on first use; FG_CONFLICT if its file changed. */
fg_rc screening_programme_row(fg_screening *s, const fg_programme *p, fg_date on, int64_t *id,
			      struct fg_error *err);

/* The data directory of a context (NULL: the default). */
const char *screening_datadir(fg_screening *s);

/* The arena of the context's cached programmes. */
struct fg_arena *screening_arena(fg_screening *s);

/* A date column (FG_DATE_NONE when NULL or not a date). */
fg_date screening_date_at(fg_stmt *st, int col);

/* A text column into dst ("" when NULL). */
void screening_text_at(fg_stmt *st, int col, char *dst, size_t dstsz);

/*
 * Bind the dates of an exclusion (a FHIR "ne" search) to parameters param
 * and param + 1, as text; leave them NULL when !exclude.
 */
void screening_bind_exclusion(fg_stmt *st, int param, bool exclude, fg_date from, fg_date to);

/* ---- the tally (tally.c) ---- */

/* The pathway steps an episode row has reached, as the tally's flags. */
#define TALLY_FLAGS_SQL \
	" (CASE WHEN invited_on IS NULL THEN 0 ELSE 1 END) + (CASE WHEN assessed_on IS NULL THEN 0 ELSE 2 END)" \
	" + (CASE WHEN high_risk = 1 THEN 4 ELSE 0 END) + (CASE WHEN booked_on IS NULL THEN 0 ELSE 8 END)" \
	" + (CASE WHEN screened_on IS NULL THEN 0 ELSE 16 END) + (CASE WHEN positive_on IS NULL THEN 0 ELSE 32 END)" \
	" + (CASE WHEN recalled_on IS NULL THEN 0 ELSE 64 END) + (CASE WHEN referred_on IS NULL THEN 0 ELSE 128 END)"

/*
 * The tally key columns of a screening_episode row (the start date for the
 * year), for screening_tally_key_read(); usable as a derived table.
 */
#define TALLY_KEY_SQL \
	"SELECT programme_id, institution_id, started_on, coalesce(sex, '0') AS tally_sex," \
	" coalesce(age, 0) AS tally_age," TALLY_FLAGS_SQL " AS tally_flags," \
	" coalesce(diagnosis, '') AS tally_diagnosis, coalesce(early, 0) AS tally_early"

enum {
	TALLY_INVITED = 1, TALLY_ASSESSED = 2, TALLY_HIGH_RISK = 4, TALLY_BOOKED = 8,
	TALLY_SCREENED = 16, TALLY_POSITIVE = 32, TALLY_RECALLED = 64, TALLY_REFERRED = 128
};

/* The key an episode is counted under in screening_tally. */
struct tally_key {
	int64_t programme_id, institution_id;
	int year, age, flags, early;
	char sex;
	char diagnosis[12];		/* "" before a diagnosis */
};

/* Moves of a batch: key -> change of count, an open-addressing table. */
struct tally_batch {
	struct tally_key *keys;
	int64_t *deltas;
	bool *used;
	size_t n, cap;
};

/*
 * Read a key from columns col.. of st, selected as programme_id,
 * institution_id, started_on, sex, age, flags, diagnosis, early.
 */
void screening_tally_key_read(fg_stmt *st, int col, struct tally_key *k);

/* The key episode is counted under now. */
fg_rc screening_tally_key_of(fg_store *store, int64_t episode, struct tally_key *k, struct fg_error *err);

/* Add delta to the count of key k. */
fg_rc screening_tally_add(fg_store *store, const struct tally_key *k, int64_t delta, struct fg_error *err);

/* After a write of episode, whose key was old before it: move its count to its key now. */
fg_rc screening_tally_move(fg_store *store, const struct tally_key *old, int64_t episode,
			   struct fg_error *err);

/* Note delta for key k in a batch; FG_NOMEM. */
fg_rc screening_tally_note(struct tally_batch *b, const struct tally_key *k, int64_t delta,
			   struct fg_error *err);

/* The value noted for key k in a batch, 0 if none. */
int64_t screening_tally_find(const struct tally_batch *b, const struct tally_key *k);

/* Write the moves of a batch, one statement per key. */
fg_rc screening_tally_flush(fg_store *store, const struct tally_batch *b, struct fg_error *err);

/* Free a batch's table. */
void screening_tally_batch_free(struct tally_batch *b);

/* The programme of a stored programme row, cached in the context. */
fg_rc screening_programme_by_id(fg_screening *s, int64_t id, const fg_programme **out,
				struct fg_error *err);

#endif
