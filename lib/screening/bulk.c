/*
 * bulk.c
 *	  Recording many exams at once: the open episodes of the batch's
 *	  persons are read a few hundred persons per query, every exam is
 *	  checked and classified in memory with the same checks as a single
 *	  exam, then all are stored in one transaction with one update per
 *	  episode touched.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/util.h"
#include "screening_episode_int.h"

/* An open episode and what the batch has done to it. */
struct bulk_episode {
	struct step st;			/* person (id, birth date), episode, programme */
	struct episode_change change;
	struct tally_key key;		/* the tally key before the batch */
	bool touched, closed;
};

/* One checked exam, waiting to be stored. */
struct bulk_exam {
	struct bulk_episode *ep;
	fg_date date;
	int64_t institution_id;
	const char *type, *scheme, *findings;
};

/* Persons per query reading open episodes. */
#define PERSONS_PER_QUERY 256

struct batch {
	fg_screening *s;
	int64_t *persons;		/* the person id of each record, 0 if its reference does not resolve */
	struct bulk_episode *eps;
	size_t neps, cap;
	int64_t *keys;			/* person id + 1 per slot; 0 empty */
	size_t *slots;
	size_t nslots;
	struct bulk_exam *exams;
	struct fg_arena arena;		/* findings texts */
};

static size_t
slot_of(const struct batch *b, int64_t person)
{
	size_t i = ((uint64_t)person * 0x9e3779b97f4a7c15ULL >> 17) & (b->nslots - 1);

	while (b->keys[i] != 0 && b->keys[i] != person + 1)
		i = (i + 1) & (b->nslots - 1);
	return i;
}

static fg_rc
add_episode(struct batch *b, fg_stmt *st, struct fg_error *err)
{
	struct bulk_episode *e;
	fg_rc rc;

	if (b->neps == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct bulk_episode *grown = realloc(b->eps, cap * sizeof(*grown));

		if (grown == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading episodes");
		b->eps = grown;
		b->cap = cap;
	}
	e = &b->eps[b->neps++];
	memset(e, 0, sizeof(*e));
	e->st.person.id = fg_stmt_int64(st, 0);
	e->st.ep.id = fg_stmt_int64(st, 1);
	e->st.ep.programme_id = fg_stmt_int64(st, 2);
	e->st.ep.institution_id = fg_stmt_int64(st, 3);
	fg_strlcpy(e->st.ep.district, fg_stmt_text(st, 4), sizeof(e->st.ep.district));
	e->st.ep.high_risk = fg_stmt_is_null(st, 6) ? -1 : (int)fg_stmt_int64(st, 6);
	fg_strlcpy(e->st.ep.state, fg_stmt_text(st, 8), sizeof(e->st.ep.state));
	screening_tally_key_read(st, 9, &e->key);
	if (fg_date_parse(fg_stmt_text(st, 5), "started_on", &e->st.ep.started_on, err) != FG_OK ||
	    fg_date_parse(fg_stmt_text(st, 7), "birth_date", &e->st.person.birth_date, err) != FG_OK)
		return FG_INTERNAL;
	rc = screening_programme_by_id(b->s, e->st.ep.programme_id, &e->st.ep.programme, err);
	e->st.pi = rc == FG_OK ? fg_programme_info(e->st.ep.programme) : NULL;
	screening_change_init(&e->change, NULL);
	return rc;
}

static fg_rc
index_episodes(struct batch *b, struct fg_error *err)
{
	b->nslots = 1024;
	while (b->nslots < b->neps * 2)
		b->nslots *= 2;
	b->keys = calloc(b->nslots, sizeof(*b->keys));
	b->slots = calloc(b->nslots, sizeof(*b->slots));
	if (b->keys == NULL || b->slots == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory indexing episodes");
	for (size_t i = 0; i < b->neps; i++) {
		size_t k = slot_of(b, b->eps[i].st.person.id);

		if (b->keys[k] == 0 || b->eps[b->slots[k]].st.ep.id < b->eps[i].st.ep.id)
			b->slots[k] = i;	/* the newest open episode */
		b->keys[k] = b->eps[i].st.person.id + 1;
	}
	return FG_OK;
}

/* The person id a record's reference names (a record id or a resident ID number). */
static fg_rc
person_of(struct batch *b, const struct fg_screen_record *r, int64_t *id, struct fg_error *err)
{
	struct fg_person person;
	fg_rc rc;

	*id = 0;
	if (r->person != NULL && strlen(r->person) >= 15) {
		rc = fg_person_get_by_id_number(screening_store(b->s), r->person, &person, err);
		*id = rc == FG_OK ? person.id : 0;
		return rc;
	}
	if (r->person == NULL || r->person[0] == '\0')
		return fg_error_set(err, FG_INVALID, "person", "missing value for person");
	return fg_parse_int64(r->person, "person", 1, INT64_MAX, id, err);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Read the open episodes of programme code of ids[0..n) (distinct, none 0). */
static fg_rc
load_some(struct batch *b, const char *code, const int64_t *ids, size_t n, struct fg_error *err)
{
	char sql[2048 + 8 * PERSONS_PER_QUERY];
	size_t len;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	len = (size_t)snprintf(sql, sizeof(sql), "SELECT e.person_id, e.id, e.programme_id, e.institution_id,"
			       " e.district, e.started_on, e.high_risk, n.birth_date, e.state, e.programme_id,"
			       " e.institution_id, e.started_on, e.tally_sex, e.tally_age, e.tally_flags,"
			       " e.tally_diagnosis, e.tally_early FROM (" TALLY_KEY_SQL ", id, person_id, district,"
			       " high_risk, state FROM screening_episode WHERE closed_on IS NULL AND person_id IN (?2");
	for (int i = 3; i < PERSONS_PER_QUERY + 2; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", ?%d", i);
	snprintf(sql + len, sizeof(sql) - len, ")) e JOIN screening_programme p ON p.id = e.programme_id"
		 " JOIN person n ON n.id = e.person_id WHERE p.code = ?1");
	rc = fg_store_prepare(screening_store(b->s), sql, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, code);
	for (int i = 0; i < PERSONS_PER_QUERY; i++)
		fg_stmt_bind_int64(st, i + 2, (size_t)i < n ? ids[i] : 0);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		if ((rc = add_episode(b, st, err)) != FG_OK)
			break;
	fg_stmt_reset(st);
	return rc;
}

/*
 * Resolve the records' persons and read their open episodes of programme
 * code.  A reference that does not resolve is left for check_record to
 * report in its row's turn.
 */
static fg_rc
load_episodes(struct batch *b, const struct fg_screen_record *records, size_t nrec, const char *code,
	      struct fg_error *err)
{
	int64_t *ids = malloc(nrec * sizeof(*ids));
	size_t n = 0;
	fg_rc rc = FG_OK;

	b->persons = calloc(nrec, sizeof(*b->persons));
	if (ids == NULL || b->persons == NULL)
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading episodes");
	for (size_t i = 0; i < nrec && rc == FG_OK; i++) {
		if (person_of(b, &records[i], &b->persons[i], NULL) == FG_OK)
			ids[n++] = b->persons[i];
	}
	if (rc == FG_OK && n > 0) {
		size_t k = 1;

		qsort(ids, n, sizeof(*ids), cmp_id);
		for (size_t i = 1; i < n; i++)
			if (ids[i] != ids[k - 1])
				ids[k++] = ids[i];
		n = k;
	}
	for (size_t i = 0; i < n && rc == FG_OK; i += PERSONS_PER_QUERY)
		rc = load_some(b, code, ids + i, n - i < PERSONS_PER_QUERY ? n - i : PERSONS_PER_QUERY, err);
	free(ids);
	return rc == FG_OK ? index_episodes(b, err) : rc;
}

/* The batch's episode of the person record i names, or the error. */
static fg_rc
episode_of(struct batch *b, const struct fg_screen_record *r, size_t i, struct bulk_episode **out,
	   struct fg_error *err)
{
	struct fg_person person;
	size_t k;
	fg_rc rc = FG_OK;

	memset(&person, 0, sizeof(person));
	person.id = b->persons[i];
	if (person.id == 0)
		rc = person_of(b, r, &person.id, err);
	if (rc != FG_OK)
		return rc;
	k = slot_of(b, person.id);
	if (b->keys[k] == 0)
		return screening_not_enrolled(b->s, r->programme, &person, err);
	if (b->eps[b->slots[k]].closed) {
		const struct episode_change *c = &b->eps[b->slots[k]].change;
		char day[FG_DATE_TEXT_MAX];

		fg_error_set(err, FG_INVALID, "person", "person %lld is not enrolled in programme %s",
			     (long long)person.id, r->programme);
		fg_error_detail(err, "An earlier exam of this batch closed the episode on %s (%s).",
				fg_date_format(c->closed_on, day), c->end_code);
		return FG_INVALID;
	}
	*out = &b->eps[b->slots[k]];
	return FG_OK;
}

/* Fold a later change into what the batch has done to an episode. */
static void
merge_change(struct episode_change *acc, const struct episode_change *c)
{
	fg_date *const mine[] = {&acc->screened_on, &acc->positive_on, &acc->recalled_on, &acc->referred_on};
	const fg_date theirs[] = {c->screened_on, c->positive_on, c->recalled_on, c->referred_on};

	for (size_t i = 0; i < 4; i++)
		if (*mine[i] == FG_DATE_NONE)
			*mine[i] = theirs[i];
	acc->state = c->state;
	acc->closed_on = c->closed_on;
	acc->end_code = c->end_code;
	acc->next_due = c->next_due;
}

static fg_rc
check_record(struct batch *b, const struct fg_screen_record *r, const char *code, size_t i,
	     struct fg_screen_result *res, struct fg_error *err)
{
	const struct fg_programme_exam *exam;
	char findings[SCREENING_JSON_MAX];
	struct episode_change c;
	struct bulk_episode *e = NULL;
	fg_rc rc;

	if (r->programme == NULL || strcmp(r->programme, code) != 0)
		return fg_error_set(err, FG_INVALID, "programme", "programme \"%s\" differs from the batch's \"%s\"",
				    r->programme ? r->programme : "", code);
	rc = episode_of(b, r, i, &e, err);
	if (rc != FG_OK)
		return rc;
	rc = screening_check_date(r->date, "date", &e->st.person, e->st.ep.started_on, "enrolment",
				  &e->st.date, err);
	if (rc != FG_OK)
		return rc;
	e->st.institution_id = e->st.ep.institution_id;
	if (r->institution != NULL && r->institution[0] != '\0') {
		struct fg_institution inst;

		rc = fg_institution_find(screening_store(b->s), r->institution, "institution", &inst, err);
		e->st.institution_id = inst.id;
	}
	if (rc == FG_OK)
		rc = screening_check_exam(&e->st, r, &exam, res, findings, sizeof(findings), err);
	if (rc != FG_OK)
		return rc;
	b->exams[i] = (struct bulk_exam){e, e->st.date, e->st.institution_id, exam->type,
					 fg_ruleset_name(exam->scheme), fg_arena_strdup(&b->arena, findings)};
	if (b->exams[i].findings == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	rc = screening_exam_change(&e->st, res, &c, err);
	if (rc != FG_OK)
		return rc;
	merge_change(&e->change, &c);
	fg_strlcpy(e->st.ep.state, c.state, sizeof(e->st.ep.state));
	e->touched = true;
	e->closed = c.closed_on != FG_DATE_NONE;
	return FG_OK;
}

/* The steps an exam may reach: their tally flag and their date in a change. */
static const struct {
	int flag;
	size_t offset;
} exam_steps[] = {
	{TALLY_SCREENED, offsetof(struct episode_change, screened_on)},
	{TALLY_POSITIVE, offsetof(struct episode_change, positive_on)},
	{TALLY_RECALLED, offsetof(struct episode_change, recalled_on)},
	{TALLY_REFERRED, offsetof(struct episode_change, referred_on)},
};

/*
 * The change to store for an episode the batch changed, without the dates
 * of steps reached before the batch (stored already, they stay), and its
 * tally key after the change into *now.
 */
static void
batch_change(const struct bulk_episode *e, struct episode_change *c, struct tally_key *now)
{
	*c = e->change;
	*now = e->key;
	for (size_t i = 0; i < sizeof(exam_steps) / sizeof(exam_steps[0]); i++) {
		fg_date *d = (fg_date *)((char *)c + exam_steps[i].offset);

		if (e->key.flags & exam_steps[i].flag)
			*d = FG_DATE_NONE;
		else if (*d != FG_DATE_NONE)
			now->flags |= exam_steps[i].flag;
	}
}

/* Update an episode the batch changed and note its tally move. */
static fg_rc
store_episode(fg_store *store, struct tally_batch *moves, const struct bulk_episode *e,
	      struct episode_update *cache, struct fg_error *err)
{
	struct episode_change c;
	struct tally_key now;
	fg_rc rc;

	batch_change(e, &c, &now);
	rc = screening_update_episode(store, e->st.ep.id, &c, cache, err);
	if (rc != FG_OK || now.flags == e->key.flags)
		return rc;
	rc = screening_tally_note(moves, &e->key, -1, err);
	return rc == FG_OK ? screening_tally_note(moves, &now, 1, err) : rc;
}

static fg_rc
store_batch(struct batch *b, size_t n, const struct fg_screen_result *results, struct fg_error *err)
{
	fg_store *store = screening_store(b->s);
	struct tally_batch moves = {0};
	struct episode_update cache = {0, NULL};
	fg_stmt *insert = NULL;
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = screening_exam_stmt(b->s, &insert, err);
	for (size_t i = 0; i < n && rc == FG_OK; i++) {
		struct step *st = &b->exams[i].ep->st;	/* its date and institution are this exam's */

		st->date = b->exams[i].date;
		st->institution_id = b->exams[i].institution_id;
		rc = screening_insert_exam(insert, st, b->exams[i].type, b->exams[i].findings, b->exams[i].scheme,
					   &results[i], err);
	}
	for (size_t i = 0; i < b->neps && rc == FG_OK; i++)
		if (b->eps[i].touched)
			rc = store_episode(store, &moves, &b->eps[i], &cache, err);
	if (rc == FG_OK)
		rc = screening_tally_flush(store, &moves, err);
	screening_tally_batch_free(&moves);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}

fg_rc
fg_screen_exams_record(fg_screening *s, const struct fg_screen_record *records, size_t n,
		       struct fg_screen_result *results, size_t *failed, struct fg_error *err)
{
	struct batch b = {.s = s};
	const char *code = n ? records[0].programme : NULL;
	fg_rc rc = FG_OK;

	*failed = 0;
	if (n == 0)
		return FG_OK;
	if (code == NULL)
		return fg_error_set(err, FG_INVALID, "programme", "missing value for programme");
	fg_arena_init(&b.arena, 0);
	b.exams = calloc(n, sizeof(*b.exams));
	if (b.exams == NULL)
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (rc == FG_OK)
		rc = load_episodes(&b, records, n, code, err);
	for (size_t i = 0; i < n && rc == FG_OK; i++) {
		rc = check_record(&b, &records[i], code, i, &results[i], err);
		if (rc != FG_OK)
			*failed = i;
	}
	if (rc == FG_OK)
		rc = store_batch(&b, n, results, err);
	fg_arena_free(&b.arena);
	free(b.exams);
	free(b.eps);
	free(b.keys);
	free(b.slots);
	free(b.persons);
	return rc;
}
