/*
 * episode.c
 *	  Screening episodes in the store: enrolling a district's eligible
 *	  residents, recording questionnaires, exams and diagnostic outcomes,
 *	  and moving each episode along its pathway.
 *
 * Every record is validated in full before the first write, and each
 * call's writes happen in one transaction: nothing is stored half-way.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/util.h"
#include "screening_episode_int.h"

#define MAX_CACHED 32

struct cached_programme {
	int64_t id;
	const fg_programme *p;
};

struct fg_screening {
	fg_store *store;
	const char *datadir;
	struct fg_arena arena;		/* the cached programmes */
	struct cached_programme cache[MAX_CACHED];
	int ncached;
};

fg_rc
fg_screening_open(fg_store *store, const char *datadir, fg_screening **out,
		  struct fg_error *err)
{
	fg_screening *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	s->store = store;
	s->datadir = datadir;
	fg_arena_init(&s->arena, 0);
	*out = s;
	return FG_OK;
}

void
fg_screening_close(fg_screening *s)
{
	if (s == NULL)
		return;
	fg_arena_free(&s->arena);
	free(s);
}

fg_store *
screening_store(fg_screening *s)
{
	return s->store;
}

const char *
screening_datadir(fg_screening *s)
{
	return s->datadir;
}

struct fg_arena *
screening_arena(fg_screening *s)
{
	return &s->arena;
}

/* ---- programme versions in the store ---- */

fg_rc
screening_programme_row(fg_screening *s, const fg_programme *p, fg_date on, int64_t *id,
	      struct fg_error *err)
{
	const struct fg_programme_info *pi = fg_programme_info(p);
	char day[FG_DATE_TEXT_MAX];
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(s->store, "SELECT id, definition FROM screening_programme"
			      " WHERE code = ? AND version = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, pi->code);
	fg_stmt_bind_text(st, 2, pi->version);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		*id = fg_stmt_int64(st, 0);
		if (strcmp(fg_stmt_text(st, 1), fg_programme_text(p)) != 0) {
			fg_error_set(err, FG_CONFLICT, "programme",
				     "programme %s version %s differs from the version in use", pi->code, pi->version);
			fg_error_detail(err, "Its file was changed after episodes were recorded under it.");
			fg_error_hint(err, "Give the changed programme a new version number and file.");
			rc = FG_CONFLICT;
		}
	}
	fg_stmt_reset(st);
	if (rc != FG_OK || row)
		return rc;
	rc = fg_store_prepare(s->store, "INSERT INTO screening_programme (code, version, site, name,"
			      " definition, valid_from) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, pi->code);
	fg_stmt_bind_text(st, 2, pi->version);
	fg_stmt_bind_text(st, 3, pi->site);
	fg_stmt_bind_text(st, 4, pi->title);
	fg_stmt_bind_text(st, 5, fg_programme_text(p));
	fg_stmt_bind_text(st, 6, fg_date_format(on, day));
	return fg_stmt_scalar_int64(st, id, &row, err);
}

/* The programme of row id (code and version from the store), cached. */
fg_rc
screening_programme_by_id(fg_screening *s, int64_t id, const fg_programme **out,
			  struct fg_error *err)
{
	char code[32], version[32];
	fg_stmt *st;
	bool row;
	fg_rc rc;

	for (int i = 0; i < s->ncached; i++)
		if (s->cache[i].id == id) {
			*out = s->cache[i].p;
			return FG_OK;
		}
	rc = fg_store_prepare(s->store, "SELECT code, version FROM screening_programme WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		fg_strlcpy(code, fg_stmt_text(st, 0), sizeof(code));
		fg_strlcpy(version, fg_stmt_text(st, 1), sizeof(version));
	}
	fg_stmt_reset(st);
	if (rc != FG_OK)
		return rc;
	if (!row)
		return fg_error_set(err, FG_NOTFOUND, "programme", "programme row %lld does not exist", (long long)id);
	rc = fg_programme_load(s->datadir, code, version, &s->arena, out, err);
	if (rc == FG_OK && s->ncached < MAX_CACHED)
		s->cache[s->ncached++] = (struct cached_programme){id, *out};
	return rc;
}

/* ---- enrolment ---- */

bool
screening_alive_on(const char *vital_status, const char *death_date, fg_date on)
{
	fg_date d;

	if (strcmp(vital_status, "dead") != 0)
		return true;
	return death_date != NULL && fg_date_parse(death_date, "death_date", &d, NULL) == FG_OK && d > on;
}

fg_rc
screening_round_due(fg_screening *s, int64_t person, const char *code, fg_date on, bool *open,
	  bool *due, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(s->store, "SELECT e.closed_on, e.next_due FROM screening_episode e"
			      " JOIN screening_programme p ON p.id = e.programme_id"
			      " WHERE e.person_id = ? AND p.code = ? ORDER BY e.id DESC LIMIT 1", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person);
	fg_stmt_bind_text(st, 2, code);
	rc = fg_stmt_step(st, &row, err);
	*open = rc == FG_OK && row && fg_stmt_is_null(st, 0);
	*due = true;
	if (rc == FG_OK && row && !*open && !fg_stmt_is_null(st, 1)) {
		fg_date next;

		*due = fg_date_parse(fg_stmt_text(st, 1), "next_due", &next, NULL) != FG_OK || next <= on;
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
screening_insert_episode(fg_screening *s, const struct enrolment *en, int64_t person, char sex, int age,
			 int64_t *id, struct fg_error *err)
{
	char day[FG_DATE_TEXT_MAX], sextext[2] = {sex, '\0'};
	fg_stmt *st;
	int64_t newid;
	fg_rc rc;

	rc = fg_store_prepare(s->store, "INSERT INTO screening_episode (district, person_id, institution_id,"
			      " programme_id, state, started_on, sex, age, invited_on)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_date_format(en->on, day);
	fg_stmt_bind_text(st, 1, en->district);
	fg_stmt_bind_int64(st, 2, person);
	fg_stmt_bind_int64(st, 3, en->institution_id);
	fg_stmt_bind_int64(st, 4, en->programme_id);
	fg_stmt_bind_text(st, 5, en->invite ? "invited" : "eligible");
	fg_stmt_bind_text(st, 6, day);
	fg_stmt_bind_text(st, 7, sextext);
	fg_stmt_bind_int64(st, 8, age);
	if (en->invite)
		fg_stmt_bind_text(st, 9, day);
	rc = fg_stmt_scalar_int64(st, &newid, NULL, err);
	if (rc == FG_OK && id != NULL)
		*id = newid;
	if (rc == FG_OK) {
		struct tally_key k = {.programme_id = en->programme_id, .institution_id = en->institution_id,
				      .age = age, .flags = en->invite ? TALLY_INVITED : 0, .sex = sex};
		int m, d;

		fg_date_to_ymd(en->on, &k.year, &m, &d);
		rc = screening_tally_add(s->store, &k, 1, err);
	}
	return rc;
}

/* Candidates of the district, read in full before any insert. */
struct candidate {
	int64_t id;
	char sex;
	int age;
};

static fg_rc
district_residents(fg_screening *s, const struct enrolment *en, const fg_programme *p,
		   struct candidate **list, size_t *n, struct fg_screen_enrol_report *rep,
		   struct fg_error *err)
{
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*list = NULL;
	*n = 0;
	rc = fg_store_prepare(s->store, "SELECT id, sex, birth_date, vital_status, death_date FROM person"
			      " WHERE district = ? AND merged_into IS NULL ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, en->district);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		fg_date birth;
		int age;

		if (!screening_alive_on(fg_stmt_text(st, 3), fg_stmt_text(st, 4), en->on) ||
		    fg_date_parse(fg_stmt_text(st, 2), "birth_date", &birth, NULL) != FG_OK || birth > en->on)
			continue;
		rep->residents++;
		age = fg_date_age(birth, en->on);
		if (!fg_programme_eligible(p, fg_stmt_text(st, 1)[0], age))
			continue;
		rep->eligible++;
		if (*n == cap) {
			struct candidate *grown = realloc(*list, (cap ? cap * 2 : 1024) * sizeof(**list));

			if (grown == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory enrolling");
				break;
			}
			*list = grown;
			cap = cap ? cap * 2 : 1024;
		}
		(*list)[(*n)++] = (struct candidate){fg_stmt_int64(st, 0), fg_stmt_text(st, 1)[0], age};
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
enrol_candidates(fg_screening *s, const struct enrolment *en, const char *code,
		 const struct candidate *list, size_t n, struct fg_screen_enrol_report *rep,
		 struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (size_t i = 0; i < n && rc == FG_OK; i++) {
		bool open, due;

		rc = screening_round_due(s, list[i].id, code, en->on, &open, &due, err);
		if (rc != FG_OK)
			break;
		if (open)
			rep->open_already++;
		else if (!due)
			rep->not_due++;
		else {
			rc = screening_insert_episode(s, en, list[i].id, list[i].sex, list[i].age, NULL, err);
			rep->enrolled++;
		}
	}
	return rc;
}

fg_rc
fg_screen_enrol(fg_screening *s, const struct fg_screen_enrol_options *o,
		struct fg_screen_enrol_report *rep, struct fg_error *err)
{
	struct enrolment en = {.district = o->district, .on = o->on, .invite = o->invite};
	struct fg_institution inst;
	struct candidate *list = NULL;
	const fg_programme *p;
	size_t n = 0;
	fg_rc rc;

	memset(rep, 0, sizeof(*rep));
	if (o->on > fg_date_today()) {
		char day[FG_DATE_TEXT_MAX];

		return fg_error_set(err, FG_INVALID, "date", "enrolment date %s is in the future",
				    fg_date_format(o->on, day));
	}
	if ((rc = fg_district_check(o->district, "district", err)) != FG_OK ||
	    (rc = fg_institution_find(s->store, o->institution, "institution", &inst, err)) != FG_OK ||
	    (rc = fg_programme_load(s->datadir, o->programme, o->version, &s->arena, &p, err)) != FG_OK)
		return rc;
	en.institution_id = inst.id;
	if ((rc = fg_store_begin(s->store, err)) != FG_OK)
		return rc;
	rc = screening_programme_row(s, p, o->on, &en.programme_id, err);
	if (rc == FG_OK)
		rc = district_residents(s, &en, p, &list, &n, rep, err);
	if (rc == FG_OK)
		rc = enrol_candidates(s, &en, fg_programme_info(p)->code, list, n, rep, err);
	free(list);
	rep->programme_id = en.programme_id;
	if (rc == FG_OK)
		return fg_store_commit(s->store, err);
	fg_store_rollback(s->store);
	return rc;
}

/* ---- the open episode of a person ---- */

fg_rc
screening_find_person(fg_screening *s, const char *ref, struct fg_person *person,
		      struct fg_error *err)
{
	int64_t id;

	if (ref == NULL || ref[0] == '\0')
		return fg_error_set(err, FG_INVALID, "person", "missing value for person");
	if (strlen(ref) >= 15)
		return fg_person_get_by_id_number(s->store, ref, person, err);
	if (fg_parse_int64(ref, "person", 1, INT64_MAX, &id, err) != FG_OK)
		return FG_INVALID;
	return fg_person_get(s->store, id, person, err);
}

/* The error for a person without an open episode, saying how the last one ended. */
fg_rc
screening_not_enrolled(fg_screening *s, const char *code, const struct fg_person *person,
		       struct fg_error *err)
{
	fg_stmt *st;
	bool row;

	fg_error_set(err, FG_INVALID, "person", "person %lld is not enrolled in programme %s",
		     (long long)person->id, code);
	fg_error_detail(err, "No episode of the programme is open for this person.");
	fg_error_hint(err, "Enrol the district with \"fangai screen enrol\" first.");
	if (fg_store_prepare(s->store, "SELECT e.closed_on, e.end_code FROM screening_episode e"
			     " JOIN screening_programme p ON p.id = e.programme_id"
			     " WHERE e.person_id = ? AND p.code = ? ORDER BY e.id DESC LIMIT 1", &st, NULL) != FG_OK)
		return FG_INVALID;
	fg_stmt_bind_int64(st, 1, person->id);
	fg_stmt_bind_text(st, 2, code);
	if (fg_stmt_step(st, &row, NULL) == FG_OK && row && !fg_stmt_is_null(st, 0)) {
		fg_error_detail(err, "Its last episode of the programme was closed on %s (%s).",
				fg_stmt_text(st, 0), fg_stmt_text(st, 1));
		fg_error_hint(err, "A new episode opens when the district is enrolled after the next round is due.");
	}
	fg_stmt_reset(st);
	return FG_INVALID;
}

fg_rc
screening_open_episode(fg_screening *s, const char *code, const struct fg_person *person,
		       struct screening_episode *ep, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(s->store, "SELECT e.id, e.programme_id, e.institution_id, e.district,"
			      " e.started_on, e.high_risk, e.screened_on, e.referred_on, e.state"
			      " FROM screening_episode e JOIN screening_programme p ON p.id = e.programme_id"
			      " WHERE e.person_id = ? AND p.code = ? AND e.closed_on IS NULL"
			      " ORDER BY e.id DESC LIMIT 1", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person->id);
	fg_stmt_bind_text(st, 2, code);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		ep->id = fg_stmt_int64(st, 0);
		ep->programme_id = fg_stmt_int64(st, 1);
		ep->institution_id = fg_stmt_int64(st, 2);
		fg_strlcpy(ep->district, fg_stmt_text(st, 3), sizeof(ep->district));
		ep->started_on = screening_date_at(st, 4);
		ep->high_risk = fg_stmt_is_null(st, 5) ? -1 : (int)fg_stmt_int64(st, 5);
		ep->screened_on = screening_date_at(st, 6);
		ep->referred_on = screening_date_at(st, 7);
		fg_strlcpy(ep->state, fg_stmt_text(st, 8), sizeof(ep->state));
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		return screening_not_enrolled(s, code, person, err);
	if (rc == FG_OK)
		rc = screening_programme_by_id(s, ep->programme_id, &ep->programme, err);
	return rc;
}

fg_rc
screening_check_date(const char *text, const char *field, const struct fg_person *person,
		     fg_date not_before, const char *before_what, fg_date *out, struct fg_error *err)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];

	if (text == NULL || text[0] == '\0')
		return fg_error_set(err, FG_INVALID, field, "missing value for %s", field);
	if (fg_date_parse(text, field, out, err) != FG_OK)
		return FG_INVALID;
	if (*out > fg_date_today())
		return fg_error_set(err, FG_INVALID, field, "%s %s is in the future", field, fg_date_format(*out, a));
	if (*out < person->birth_date) {
		fg_error_set(err, FG_INVALID, field, "%s %s is before the birth of person %lld",
			     field, fg_date_format(*out, a), (long long)person->id);
		fg_error_detail(err, "The person was born on %s.", fg_date_format(person->birth_date, b));
		return FG_INVALID;
	}
	if (not_before != FG_DATE_NONE && *out < not_before) {
		fg_error_set(err, FG_INVALID, field, "%s %s is before the %s (%s)", field,
			     fg_date_format(*out, a), before_what, fg_date_format(not_before, b));
		return FG_INVALID;
	}
	return FG_OK;
}

/* ---- updating an episode ---- */

/*
 * The columns an episode update may set, in the order of its SET clause.
 * An UPDATE names only the columns its change sets (SQLite rewrites every
 * index over a column named in SET, whether its value changes or not);
 * the first-reached dates are kept when already set.
 */
enum set_column {
	SET_STATE, SET_NEXT_DUE, SET_ASSESSED, SET_SCREENED, SET_POSITIVE, SET_RECALLED, SET_REFERRED,
	SET_HIGH_RISK, SET_CLOSED, SET_END_CODE, SET_DIAGNOSED, SET_DIAGNOSIS, SET_STAGE, SET_EARLY, NSET
};

static const char *const assignments[NSET] = {
	[SET_STATE] = "state = ?",
	[SET_NEXT_DUE] = "next_due = ?",
	[SET_ASSESSED] = "assessed_on = coalesce(assessed_on, ?)",
	[SET_SCREENED] = "screened_on = coalesce(screened_on, ?)",
	[SET_POSITIVE] = "positive_on = coalesce(positive_on, ?)",
	[SET_RECALLED] = "recalled_on = coalesce(recalled_on, ?)",
	[SET_REFERRED] = "referred_on = coalesce(referred_on, ?)",
	[SET_HIGH_RISK] = "high_risk = ?",
	[SET_CLOSED] = "closed_on = ?",
	[SET_END_CODE] = "end_code = ?",
	[SET_DIAGNOSED] = "diagnosed_on = ?",
	[SET_DIAGNOSIS] = "diagnosis = ?",
	[SET_STAGE] = "stage = ?",
	[SET_EARLY] = "early = ?",
};

/* The first-reached dates of a change and their columns. */
static const struct {
	enum set_column column;
	size_t offset;
} first_dates[] = {
	{SET_ASSESSED, offsetof(struct episode_change, assessed_on)},
	{SET_SCREENED, offsetof(struct episode_change, screened_on)},
	{SET_POSITIVE, offsetof(struct episode_change, positive_on)},
	{SET_RECALLED, offsetof(struct episode_change, recalled_on)},
	{SET_REFERRED, offsetof(struct episode_change, referred_on)},
};

/* The values of an update: the columns set (a bit each) and their values. */
struct set_list {
	unsigned mask;
	const char *text[NSET];
	int64_t num[NSET];
	bool is_num[NSET];
	char day[NSET][FG_DATE_TEXT_MAX];
};

static void
set_text(struct set_list *l, enum set_column col, const char *text)
{
	l->mask |= 1u << col;
	l->text[col] = text;
}

static void
set_date(struct set_list *l, enum set_column col, fg_date d)
{
	set_text(l, col, d == FG_DATE_NONE ? NULL : fg_date_format(d, l->day[col]));
}

static void
set_num(struct set_list *l, enum set_column col, int64_t v)
{
	l->mask |= 1u << col;
	l->num[col] = v;
	l->is_num[col] = true;
}

/*
 * The columns a change sets.  A change applies to an open episode, whose
 * closing and diagnosis columns are empty: they are named only when the
 * change fills them.
 */
static void
change_columns(const struct episode_change *c, struct set_list *l)
{
	set_text(l, SET_STATE, c->state);
	set_date(l, SET_NEXT_DUE, c->next_due);
	for (size_t i = 0; i < sizeof(first_dates) / sizeof(first_dates[0]); i++) {
		fg_date d = *(const fg_date *)((const char *)c + first_dates[i].offset);

		if (d != FG_DATE_NONE)
			set_date(l, first_dates[i].column, d);
	}
	if (c->high_risk >= 0)
		set_num(l, SET_HIGH_RISK, c->high_risk);
	if (c->closed_on != FG_DATE_NONE) {
		set_date(l, SET_CLOSED, c->closed_on);
		set_text(l, SET_END_CODE, c->end_code);
	}
	if (c->diagnosed_on != FG_DATE_NONE) {
		set_date(l, SET_DIAGNOSED, c->diagnosed_on);
		set_text(l, SET_DIAGNOSIS, c->diagnosis);
		set_text(l, SET_STAGE, c->stage);
		set_num(l, SET_EARLY, c->early);
	}
}

/* The UPDATE of the columns in mask, from the cache when it holds that one. */
static fg_rc
update_stmt(fg_store *store, unsigned mask, struct episode_update *cache, fg_stmt **st, struct fg_error *err)
{
	char sql[640] = "UPDATE screening_episode SET ";
	size_t n = strlen(sql);
	fg_rc rc;

	if (cache != NULL && cache->stmt != NULL && cache->mask == mask) {
		*st = cache->stmt;
		return FG_OK;
	}
	for (int col = 0; col < NSET; col++)
		if (mask & (1u << col))
			n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s, ", assignments[col]);
	snprintf(sql + n, sizeof(sql) - n, "version = version + 1 WHERE id = ?");
	rc = fg_store_prepare(store, sql, st, err);
	if (rc == FG_OK && cache != NULL)
		*cache = (struct episode_update){mask, *st};
	return rc;
}

fg_rc
screening_update_episode(fg_store *store, int64_t episode, const struct episode_change *c,
			 struct episode_update *cache, struct fg_error *err)
{
	struct set_list l;
	fg_stmt *st;
	int k = 0;
	bool row;
	fg_rc rc;

	memset(&l, 0, sizeof(l));
	change_columns(c, &l);
	rc = update_stmt(store, l.mask, cache, &st, err);
	if (rc != FG_OK)
		return rc;
	for (int col = 0; col < NSET; col++) {
		if (!(l.mask & (1u << col)))
			continue;
		if (l.is_num[col])
			fg_stmt_bind_int64(st, ++k, l.num[col]);
		else
			fg_stmt_bind_text(st, ++k, l.text[col]);
	}
	fg_stmt_bind_int64(st, k + 1, episode);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
screening_change_episode(fg_screening *s, int64_t episode, const struct episode_change *c,
			 struct fg_error *err)
{
	struct tally_key old;
	fg_rc rc = screening_tally_key_of(s->store, episode, &old, err);

	if (rc == FG_OK)
		rc = screening_update_episode(s->store, episode, c, NULL, err);
	return rc == FG_OK ? screening_tally_move(s->store, &old, episode, err) : rc;
}

void
screening_change_init(struct episode_change *c, const char *state)
{
	memset(c, 0, sizeof(*c));
	c->state = state;
	c->high_risk = -1;
	c->assessed_on = c->screened_on = c->positive_on = c->recalled_on = FG_DATE_NONE;
	c->referred_on = c->closed_on = c->next_due = c->diagnosed_on = FG_DATE_NONE;
}
