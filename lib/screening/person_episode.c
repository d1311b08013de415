/*
 * person_episode.c
 *	  One person's screening episodes: enrolling a single person (an
 *	  invitation, or a walk-in at a designated hospital), recording the
 *	  invitation of someone enrolled as eligible, and reading episodes back
 *	  by person, institution, programme, state and start date with paging.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/util.h"
#include "screening_episode_int.h"

/* FG_INVALID unless the person is alive and in the programme's target group on day on. */
static fg_rc
check_target_group(const fg_programme *p, const struct fg_person *person, fg_date on,
		   struct fg_error *err)
{
	const struct fg_programme_info *pi = fg_programme_info(p);
	char day[FG_DATE_TEXT_MAX], death[FG_DATE_TEXT_MAX] = "";
	int age = fg_date_age(person->birth_date, on);

	if (person->death_date != FG_DATE_NONE)
		fg_date_format(person->death_date, death);
	if (on < person->birth_date || !screening_alive_on(person->vital_status, death[0] ? death : NULL, on))
		return fg_error_set(err, FG_INVALID, "person", "person %lld was not alive on %s", (long long)person->id,
				    fg_date_format(on, day));
	if (fg_programme_eligible(p, person->sex, age))
		return FG_OK;
	fg_error_set(err, FG_INVALID, "person", "person %lld is not in the target group of programme %s",
		     (long long)person->id, pi->code);
	fg_error_detail(err, "Programme %s version %s takes %s aged %d to %d; the person is of sex %c, aged %d on %s.",
			pi->code, pi->version, pi->sex == '1' ? "men" : pi->sex == '2' ? "women" : "people",
			pi->age_min, pi->age_max, person->sex, age, fg_date_format(on, day));
	return FG_INVALID;
}

/* FG_CONFLICT when the person has an open episode of code or is not yet due. */
static fg_rc
check_round(fg_screening *s, const struct fg_person *person, const char *code, fg_date on,
	    struct fg_error *err)
{
	bool open, due;
	fg_rc rc = screening_round_due(s, person->id, code, on, &open, &due, err);

	if (rc != FG_OK)
		return rc;
	if (open)
		return fg_error_set(err, FG_CONFLICT, "person", "person %lld has an open episode of programme %s already",
				    (long long)person->id, code);
	if (!due) {
		fg_error_set(err, FG_CONFLICT, "person", "person %lld is not yet due for programme %s",
			     (long long)person->id, code);
		fg_error_detail(err, "The last episode's next round is due after the enrolment day.");
		return FG_CONFLICT;
	}
	return FG_OK;
}

fg_rc
fg_screen_enrol_person(fg_screening *s, const struct fg_screen_person_enrol *o, int64_t *episode,
		       struct fg_error *err)
{
	struct enrolment en = {.on = o->on, .invite = o->invite};
	struct fg_person person;
	const fg_programme *p;
	fg_store *store = screening_store(s);
	char day[FG_DATE_TEXT_MAX];
	fg_rc rc;

	if (o->programme == NULL || o->programme[0] == '\0')
		return fg_error_set(err, FG_INVALID, "programme", "missing value for programme");
	if (o->on > fg_date_today())
		return fg_error_set(err, FG_INVALID, "date", "enrolment date %s is in the future",
				    fg_date_format(o->on, day));
	if ((rc = screening_find_person(s, o->person, &person, err)) != FG_OK ||
	    (rc = fg_programme_load(screening_datadir(s), o->programme, o->version, screening_arena(s), &p, err)) != FG_OK ||
	    (rc = check_target_group(p, &person, o->on, err)) != FG_OK)
		return rc;
	en.institution_id = person.institution_id;
	en.district = person.district;
	if (o->institution != NULL && o->institution[0] != '\0') {
		struct fg_institution inst;

		if ((rc = fg_institution_find(store, o->institution, "institution", &inst, err)) != FG_OK)
			return rc;
		en.institution_id = inst.id;
	}
	if ((rc = fg_store_begin(store, err)) != FG_OK)
		return rc;
	rc = check_round(s, &person, fg_programme_info(p)->code, o->on, err);
	if (rc == FG_OK)
		rc = screening_programme_row(s, p, o->on, &en.programme_id, err);
	if (rc == FG_OK)
		rc = screening_insert_episode(s, &en, person.id, person.sex, fg_date_age(person.birth_date, o->on),
					      episode, err);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

fg_rc
fg_screen_invite(fg_screening *s, const char *programme, const char *person, const char *date,
		 struct fg_error *err)
{
	struct screening_episode ep;
	struct tally_key old;
	struct fg_person p;
	const char *to;
	char day[FG_DATE_TEXT_MAX];
	fg_date on;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	if (programme == NULL || programme[0] == '\0')
		return fg_error_set(err, FG_INVALID, "programme", "missing value for programme");
	if ((rc = screening_find_person(s, person, &p, err)) != FG_OK ||
	    (rc = screening_open_episode(s, programme, &p, &ep, err)) != FG_OK ||
	    (rc = screening_check_date(date, "date", &p, ep.started_on, "enrolment", &on, err)) != FG_OK ||
	    (rc = screening_transition(ep.id, "invite", ep.state, &to, err)) != FG_OK ||
	    (rc = screening_tally_key_of(screening_store(s), ep.id, &old, err)) != FG_OK)
		return rc;
	rc = fg_store_prepare(screening_store(s), "UPDATE screening_episode SET state = ?, invited_on = ?,"
			      " version = version + 1 WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, to);
	fg_stmt_bind_text(st, 2, fg_date_format(on, day));
	fg_stmt_bind_int64(st, 3, ep.id);
	if ((rc = fg_store_begin(screening_store(s), err)) != FG_OK)
		return rc;
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	if (rc == FG_OK)
		rc = screening_tally_move(screening_store(s), &old, ep.id, err);
	if (rc == FG_OK)
		return fg_store_commit(screening_store(s), err);
	fg_store_rollback(screening_store(s));
	return rc;
}

/* ---- reading episodes ---- */

#define EPISODE_WHERE \
	" FROM screening_episode e JOIN screening_programme p ON p.id = e.programme_id" \
	" WHERE (?1 = 0 OR e.id = ?1) AND (?2 = 0 OR e.person_id = ?2) AND (?3 = 0 OR e.institution_id = ?3)" \
	" AND (?4 IS NULL OR p.code = ?4) AND (?5 IS NULL OR e.state = ?5)" \
	" AND (?6 IS NULL OR e.started_on >= ?6) AND (?7 IS NULL OR e.started_on <= ?7)" \
	" AND (?8 IS NULL OR e.started_on < ?8 OR e.started_on > ?9)"

static void
bind_query(fg_stmt *st, const void *query)
{
	const struct fg_screen_episode_query *q = query;
	char from[FG_DATE_TEXT_MAX], to[FG_DATE_TEXT_MAX];

	screening_bind_exclusion(st, 8, q->exclude, q->exclude_from, q->exclude_to);
	fg_stmt_bind_int64(st, 1, q->id);
	fg_stmt_bind_int64(st, 2, q->person_id);
	fg_stmt_bind_int64(st, 3, q->institution_id);
	fg_stmt_bind_text(st, 4, q->programme && q->programme[0] ? q->programme : NULL);
	fg_stmt_bind_text(st, 5, q->state && q->state[0] ? q->state : NULL);
	fg_stmt_bind_text(st, 6, q->started_from != FG_DATE_NONE ? fg_date_format(q->started_from, from) : NULL);
	fg_stmt_bind_text(st, 7, q->started_to != FG_DATE_NONE ? fg_date_format(q->started_to, to) : NULL);
}

static fg_rc
read_episode(fg_stmt *st, struct fg_arena *arena, void *item, struct fg_error *err)
{
	struct fg_screen_episode *e = item;
	fg_date *const dates[] = {&e->started_on, &e->invited_on, &e->assessed_on, &e->booked_on, &e->screened_on,
				  &e->positive_on, &e->recalled_on, &e->referred_on, &e->diagnosed_on,
				  &e->closed_on, &e->next_due};

	memset(e, 0, sizeof(*e));
	e->id = fg_stmt_int64(st, 0);
	e->person_id = fg_stmt_int64(st, 1);
	e->institution_id = fg_stmt_int64(st, 2);
	screening_text_at(st, 3, e->district, sizeof(e->district));
	screening_text_at(st, 4, e->programme, sizeof(e->programme));
	screening_text_at(st, 5, e->version, sizeof(e->version));
	screening_text_at(st, 6, e->state, sizeof(e->state));
	screening_text_at(st, 7, e->end_code, sizeof(e->end_code));
	e->sex = fg_stmt_is_null(st, 8) ? '0' : fg_stmt_text(st, 8)[0];
	e->age = (int)fg_stmt_int64(st, 9);
	e->high_risk = fg_stmt_is_null(st, 10) ? -1 : (int)fg_stmt_int64(st, 10);
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		*dates[i] = screening_date_at(st, 11 + (int)i);
	screening_text_at(st, 22, e->diagnosis, sizeof(e->diagnosis));
	screening_text_at(st, 23, e->stage, sizeof(e->stage));
	e->early = fg_stmt_is_null(st, 24) ? -1 : (int)fg_stmt_int64(st, 24);
	e->row_version = fg_stmt_int64(st, 25);
	return FG_OK;
}

fg_rc
fg_screen_episodes_find(fg_store *store, const struct fg_screen_episode_query *q, struct fg_arena *arena,
			struct fg_screen_episode_list *out, struct fg_error *err)
{
	const struct fg_store_page pg = {
		.what = "episodes",
		.count_sql = "SELECT count(*)" EPISODE_WHERE,
		.page_sql = "SELECT e.id, e.person_id, e.institution_id, e.district, p.code, p.version,"
			    " e.state, e.end_code, e.sex, e.age, e.high_risk, e.started_on, e.invited_on,"
			    " e.assessed_on, e.booked_on, e.screened_on, e.positive_on, e.recalled_on,"
			    " e.referred_on, e.diagnosed_on, e.closed_on, e.next_due, e.diagnosis, e.stage,"
			    " e.early, e.version" EPISODE_WHERE
			    " ORDER BY e.started_on DESC, e.id DESC LIMIT ?10 OFFSET ?11",
		.limit_param = 10, .query = q, .bind = bind_query, .read = read_episode,
		.item_size = sizeof(*out->items), .limit = q->limit, .offset = q->offset,
	};
	void *items;
	fg_rc rc = fg_store_page(store, &pg, arena, &items, &out->count, &out->total, err);

	out->items = items;
	return rc;
}
