/*
 * tally.c
 *	  The screening tally (table screening_tally): episodes counted by
 *	  programme version, institution, year, sex, age, the pathway steps
 *	  reached, diagnosis and early flag.  Every write of an episode moves
 *	  its count from its old key to its new one, in the write's
 *	  transaction, so that indicators read the tally and not every episode.
 *	  A batch of writes collects its moves in memory and writes each key
 *	  once.
 */
#include <stdlib.h>
#include <string.h>

#include "fangai/util.h"
#include "screening_episode_int.h"

#define TALLY_COLUMNS \
	"programme_id, institution_id, year, sex, age, flags, diagnosis, early"

void
screening_tally_key_read(fg_stmt *st, int col, struct tally_key *k)
{
	fg_date started = screening_date_at(st, col + 2);
	int y = 0, m, d;

	memset(k, 0, sizeof(*k));
	if (started != FG_DATE_NONE)
		fg_date_to_ymd(started, &y, &m, &d);
	k->programme_id = fg_stmt_int64(st, col);
	k->institution_id = fg_stmt_int64(st, col + 1);
	k->year = y;
	k->sex = fg_stmt_text(st, col + 3)[0];
	k->age = (int)fg_stmt_int64(st, col + 4);
	k->flags = (int)fg_stmt_int64(st, col + 5);
	fg_strlcpy(k->diagnosis, fg_stmt_text(st, col + 6), sizeof(k->diagnosis));
	k->early = (int)fg_stmt_int64(st, col + 7);
}

fg_rc
screening_tally_key_of(fg_store *store, int64_t episode, struct tally_key *k, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(store, TALLY_KEY_SQL " FROM screening_episode WHERE id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, episode);
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row)
		screening_tally_key_read(st, 0, k);
	fg_stmt_reset(st);
	if (rc == FG_OK && !row)
		rc = fg_error_set(err, FG_NOTFOUND, "episode", "screening episode %lld does not exist", (long long)episode);
	return rc;
}

fg_rc
screening_tally_add(fg_store *store, const struct tally_key *k, int64_t delta, struct fg_error *err)
{
	char sex[2] = {k->sex, '\0'};
	fg_stmt *st;
	bool row;
	fg_rc rc;

	if (delta == 0)
		return FG_OK;
	rc = fg_store_prepare(store, "INSERT INTO screening_tally (" TALLY_COLUMNS ", n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			      " ON CONFLICT (" TALLY_COLUMNS ") DO UPDATE SET n = screening_tally.n + excluded.n", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, k->programme_id);
	fg_stmt_bind_int64(st, 2, k->institution_id);
	fg_stmt_bind_int64(st, 3, k->year);
	fg_stmt_bind_text(st, 4, sex);
	fg_stmt_bind_int64(st, 5, k->age);
	fg_stmt_bind_int64(st, 6, k->flags);
	fg_stmt_bind_text(st, 7, k->diagnosis);
	fg_stmt_bind_int64(st, 8, k->early);
	fg_stmt_bind_int64(st, 9, delta);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

static bool
same_key(const struct tally_key *a, const struct tally_key *b)
{
	return a->programme_id == b->programme_id && a->institution_id == b->institution_id && a->year == b->year &&
	       a->sex == b->sex && a->age == b->age && a->flags == b->flags && a->early == b->early &&
	       strcmp(a->diagnosis, b->diagnosis) == 0;
}

fg_rc
screening_tally_move(fg_store *store, const struct tally_key *old, int64_t episode, struct fg_error *err)
{
	struct tally_key now;
	fg_rc rc = screening_tally_key_of(store, episode, &now, err);

	if (rc != FG_OK || same_key(old, &now))
		return rc;
	rc = screening_tally_add(store, old, -1, err);
	return rc == FG_OK ? screening_tally_add(store, &now, 1, err) : rc;
}

/* ---- the moves of a batch, collected in memory ---- */

static uint64_t
key_hash(const struct tally_key *k)
{
	uint64_t h = 1469598103934665603ULL;
	const int64_t parts[] = {k->programme_id, k->institution_id, k->year, k->sex, k->age, k->flags, k->early};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		h = (h ^ (uint64_t)parts[i]) * 1099511628211ULL;
	for (const char *p = k->diagnosis; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

fg_rc
screening_tally_note(struct tally_batch *b, const struct tally_key *k, int64_t delta, struct fg_error *err)
{
	size_t i;

	if (b->n * 2 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct tally_batch grown = {calloc(cap, sizeof(*grown.keys)), calloc(cap, sizeof(*grown.deltas)),
					    calloc(cap, sizeof(*grown.used)), 0, cap};

		if (grown.keys == NULL || grown.deltas == NULL || grown.used == NULL) {
			screening_tally_batch_free(&grown);
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory counting episodes");
		}
		for (size_t j = 0; j < b->cap; j++)
			if (b->used[j] && screening_tally_note(&grown, &b->keys[j], b->deltas[j], err) != FG_OK)
				return FG_NOMEM;
		screening_tally_batch_free(b);
		*b = grown;
	}
	for (i = key_hash(k) & (b->cap - 1); b->used[i] && !same_key(&b->keys[i], k); i = (i + 1) & (b->cap - 1))
		;
	if (!b->used[i]) {
		b->used[i] = true;
		b->keys[i] = *k;
		b->n++;
	}
	b->deltas[i] += delta;
	return FG_OK;
}

int64_t
screening_tally_find(const struct tally_batch *b, const struct tally_key *k)
{
	if (b->cap == 0)
		return 0;
	for (size_t i = key_hash(k) & (b->cap - 1); b->used[i]; i = (i + 1) & (b->cap - 1))
		if (same_key(&b->keys[i], k))
			return b->deltas[i];
	return 0;
}

fg_rc
screening_tally_flush(fg_store *store, const struct tally_batch *b, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (size_t i = 0; i < b->cap && rc == FG_OK; i++)
		if (b->used[i])
			rc = screening_tally_add(store, &b->keys[i], b->deltas[i], err);
	return rc;
}

void
screening_tally_batch_free(struct tally_batch *b)
{
	free(b->keys);
	free(b->deltas);
	free(b->used);
	memset(b, 0, sizeof(*b));
}

fg_rc
fg_screen_tally_rebuild(fg_store *store, struct fg_error *err)
{
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = fg_store_exec(store, "DELETE FROM screening_tally", err);
	if (rc == FG_OK)
		rc = fg_store_exec(store, "INSERT INTO screening_tally (" TALLY_COLUMNS ", n) "
				   "SELECT programme_id, institution_id, CAST(substr(started_on, 1, 4) AS INTEGER),"
				   " coalesce(sex, '0'), coalesce(age, 0)," TALLY_FLAGS_SQL ","
				   " coalesce(diagnosis, ''), coalesce(early, 0), count(*)"
				   " FROM screening_episode GROUP BY 1, 2, 3, 4, 5, 6, 7, 8", err);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}
