/*
 * states.c
 *	  The states of a screening episode and the transitions between them,
 *	  as one table: every step that moves an episode (questionnaire,
 *	  booking, exam, outcome, closing) names its event and takes its next
 *	  state from here, and a step the table does not allow from the
 *	  episode's state is refused.
 *
 * The pathway of the national urban programme (城市癌症早诊早治项目):
 * eligible -> invited -> questionnaire done (assessed) or high risk ->
 * booked -> screened -> result -> recalled or referred -> diagnosed ->
 * closed with an end code.  An exam is recorded with its findings, so it
 * is screened and has its result in the same step: the stored state is
 * where the result leads (referred, recalled, or closed "normal").  A
 * diagnostic outcome closes the episode with its diagnosis (end code
 * normal, precursor or cancer) and the diagnosis date.
 */
#include <string.h>

#include "fangai/util.h"
#include "screening_episode_int.h"

#define OPEN_BEFORE_EXAM "eligible invited assessed high_risk booked recalled referred"

/* from: the states the event may happen in, space-separated; to NULL: the state stays. */
static const struct fg_screen_transition transitions[] = {
	{"invite", "eligible", "invited"},
	{"questionnaire_high_risk", "eligible invited booked", "high_risk"},
	{"questionnaire_low_risk", "eligible invited booked", "assessed"},	/* exams offered to all */
	{"questionnaire_low_risk_close", "eligible invited booked", "closed"},	/* end code low_risk */
	{"book", "eligible invited assessed high_risk recalled", "booked"},
	{"book", "booked referred", NULL},	/* a diagnostic visit or a second booking */
	/* the last live booking cancelled or missed: back to the furthest step before booking */
	{"unbook_recalled", "booked", "recalled"},
	{"unbook_high_risk", "booked", "high_risk"},
	{"unbook_assessed", "booked", "assessed"},
	{"unbook_invited", "booked", "invited"},
	{"unbook_eligible", "booked", "eligible"},
	{"exam_referral", OPEN_BEFORE_EXAM, "referred"},
	{"exam_recall", OPEN_BEFORE_EXAM, "recalled"},
	{"exam_routine", OPEN_BEFORE_EXAM, "closed"},	/* end code normal */
	{"outcome", "booked recalled referred", "closed"},	/* diagnosed: normal, precursor, cancer */
	{"close", OPEN_BEFORE_EXAM, "closed"},	/* lost, declined, moved, died */
};

const struct fg_screen_transition *
fg_screen_transitions(size_t *count)
{
	*count = sizeof(transitions) / sizeof(transitions[0]);
	return transitions;
}

/* Whether the space-separated list holds word. */
static bool
list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

fg_rc
screening_transition(int64_t episode, const char *event, const char *from, const char **to,
		     struct fg_error *err)
{
	bool known = false;

	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		if (strcmp(transitions[i].event, event) != 0)
			continue;
		known = true;
		if (list_has(transitions[i].from, from)) {
			*to = transitions[i].to ? transitions[i].to : from;
			return FG_OK;
		}
	}
	if (!known)
		return fg_error_set(err, FG_INTERNAL, NULL, "episode event \"%s\" does not exist", event);
	fg_error_set(err, FG_CONFLICT, "state", "cannot record %s in screening episode %lld: it is %s",
		     event, (long long)episode, from);
	fg_error_detail(err, "The transitions of a screening episode are listed in docs/screening.md.");
	return FG_CONFLICT;
}

/* The state and booked_on (text, "" when none) of an episode; FG_NOTFOUND. */
static fg_rc
booking_state(fg_store *store, int64_t episode, char *state, size_t statesz, char *booked_on,
	      size_t bookedsz, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(store, "SELECT state, coalesce(booked_on, '') FROM screening_episode WHERE id = ?",
				    &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, episode);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		fg_strlcpy(state, fg_stmt_text(st, 0), statesz);
		fg_strlcpy(booked_on, fg_stmt_text(st, 1), bookedsz);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, "episode", "screening episode %lld does not exist",
				  (long long)episode);
	return rc;
}

/* Set an episode's state and booked_on (sql: ?1 the state, ?2 the day, ?3 the episode), moving its tally count. */
static fg_rc
set_booking_state(fg_store *store, int64_t episode, const char *sql, const char *to, const char *day,
		  struct fg_error *err)
{
	struct tally_key old;
	fg_stmt *st;
	bool row;
	fg_rc rc = screening_tally_key_of(store, episode, &old, err);

	if (rc == FG_OK)
		rc = fg_store_prepare(store, sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, to);
	fg_stmt_bind_text(st, 2, day);
	fg_stmt_bind_int64(st, 3, episode);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc == FG_OK ? screening_tally_move(store, &old, episode, err) : rc;
}

fg_rc
fg_screen_episode_book(fg_store *store, int64_t episode, fg_date on, struct fg_error *err)
{
	char state[16] = "", booked_on[FG_DATE_TEXT_MAX] = "", day[FG_DATE_TEXT_MAX];
	const char *to;
	fg_rc rc = booking_state(store, episode, state, sizeof(state), booked_on, sizeof(booked_on), err);

	if (rc == FG_OK)
		rc = screening_transition(episode, "book", state, &to, err);
	if (rc != FG_OK || strcmp(to, state) == 0)
		return rc;
	return set_booking_state(store, episode, "UPDATE screening_episode SET state = ?1,"
				 " booked_on = coalesce(booked_on, ?2), version = version + 1 WHERE id = ?3",
				 to, fg_date_format(on, day), err);
}

/*
 * The event of a booking cancelled or missed, by the furthest step the
 * episode reached before it was booked: the state it returns to.
 */
static const struct {
	int flag;
	const char *event;
} unbook_events[] = {
	{TALLY_RECALLED, "unbook_recalled"},
	{TALLY_HIGH_RISK, "unbook_high_risk"},
	{TALLY_ASSESSED, "unbook_assessed"},
	{TALLY_INVITED, "unbook_invited"},
	{0, "unbook_eligible"},
};

/* The episode's appointments still booked, and those not cancelled. */
static fg_rc
episode_appointments(fg_store *store, int64_t episode, int64_t *live, int64_t *kept, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(store, "SELECT coalesce(sum(CASE WHEN state = 'booked' THEN 1 ELSE 0 END), 0),"
				    " count(*) FROM appointment WHERE episode_id = ?1 AND state <> 'cancelled'"
				    " AND person_id = (SELECT person_id FROM screening_episode WHERE id = ?1)", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, episode);
	rc = fg_stmt_step(st, &row, err);
	*live = row ? fg_stmt_int64(st, 0) : 0;
	*kept = row ? fg_stmt_int64(st, 1) : 0;
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_screen_episode_unbook(fg_store *store, int64_t episode, struct fg_error *err)
{
	char state[16] = "", booked_on[FG_DATE_TEXT_MAX] = "";
	struct tally_key key;
	int64_t live = 0, kept = 0;
	const char *to;
	size_t k = 0;
	fg_rc rc = booking_state(store, episode, state, sizeof(state), booked_on, sizeof(booked_on), err);

	if (rc != FG_OK || strcmp(state, "booked") != 0)
		return rc;
	rc = episode_appointments(store, episode, &live, &kept, err);
	if (rc != FG_OK || live > 0)
		return rc;
	rc = screening_tally_key_of(store, episode, &key, err);
	while (rc == FG_OK && unbook_events[k].flag != 0 && !(key.flags & unbook_events[k].flag))
		k++;
	if (rc == FG_OK)
		rc = screening_transition(episode, unbook_events[k].event, state, &to, err);
	if (rc != FG_OK)
		return rc;
	return set_booking_state(store, episode, "UPDATE screening_episode SET state = ?1, booked_on = ?2,"
				 " version = version + 1 WHERE id = ?3", to, kept > 0 ? booked_on : NULL, err);
}
