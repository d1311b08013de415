/*
 * consult.c
 *	  Remote consultation and MDT: request, invited experts, the session,
 *	  each expert's opinion and the conclusion.
 *
 * Every change but the request needs the consultation open (requested or
 * scheduled); the trigger consultation_state_check of migration 0008
 * refuses changes to a concluded or cancelled one whoever writes them.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/consult.h"
#include "fangai/institution.h"
#include "fangai/util.h"
#include "network_int.h"

#define CONSULT_COLUMNS \
	"id, person_id, district, institution_id, kind, state, coalesce(tumour_id, 0)," \
	" coalesce(referral_id, 0), requested_at, coalesce(session_at, '')," \
	" coalesce(concluded_at, ''), question, coalesce(conclusion, ''), coalesce(requested_by, '')"

static fg_rc
read_row(fg_stmt *st, struct fg_arena *arena, void *out, struct fg_error *err)
{
	struct fg_consultation *c = out;

	memset(c, 0, sizeof(*c));
	c->id = fg_stmt_int64(st, 0);
	c->person_id = fg_stmt_int64(st, 1);
	fg_strlcpy(c->district, fg_stmt_text(st, 2), sizeof(c->district));
	c->institution_id = fg_stmt_int64(st, 3);
	fg_strlcpy(c->kind, fg_stmt_text(st, 4), sizeof(c->kind));
	fg_strlcpy(c->state, fg_stmt_text(st, 5), sizeof(c->state));
	c->tumour_id = fg_stmt_int64(st, 6);
	c->referral_id = fg_stmt_int64(st, 7);
	fg_strlcpy(c->requested_at, fg_stmt_text(st, 8), sizeof(c->requested_at));
	fg_strlcpy(c->session_at, fg_stmt_text(st, 9), sizeof(c->session_at));
	fg_strlcpy(c->concluded_at, fg_stmt_text(st, 10), sizeof(c->concluded_at));
	c->question = net_column_text(st, 11, arena);
	c->conclusion = net_column_text(st, 12, arena);
	c->requested_by = net_column_text(st, 13, arena);
	if (c->question == NULL || c->conclusion == NULL || c->requested_by == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading consultation %lld",
				    (long long)c->id);
	return FG_OK;
}

static fg_rc
get_one(fg_store *store, int64_t id, struct fg_arena *arena, struct fg_consultation *out,
	struct fg_error *err)
{
	return net_fetch_one(store, "SELECT " CONSULT_COLUMNS " FROM consultation WHERE id = ?", id,
			     "consultation", read_row, arena, out, err);
}

/* A tumour or referral given as text, which must be the person's. */
static fg_rc
check_link(fg_store *store, const char *sql, const char *text, const char *field,
	   int64_t person_id, int64_t *id, struct fg_error *err)
{
	fg_rc rc = net_id_parse(text, field, true, id, err);

	return rc != FG_OK ? rc : net_check_owner(store, sql, *id, person_id, field, err);
}

/* An event time: given or now, not in the future, not before `not_before`. */
static fg_rc
event_time(const char *text, const char *not_before, int64_t *at, struct fg_error *err)
{
	int64_t now = fg_net_now(), floor = INT64_MIN;
	char a[FG_NET_TIME_MAX];
	fg_rc rc;

	rc = net_time_or_now(text, "at", now, at, err);
	if (rc == FG_OK && not_before != NULL)
		rc = fg_net_time_parse(not_before, "requested_at", &floor, err);
	if (rc != FG_OK)
		return rc;
	if (*at > now)
		return fg_error_set(err, FG_INVALID, "at", "time %s is in the future",
				    fg_net_time_format(*at, a));
	if (*at < floor)
		return fg_error_set(err, FG_INVALID, "at", "time %s is before the consultation's request at %s",
				    fg_net_time_format(*at, a), not_before);
	return FG_OK;
}

fg_rc
fg_consult_request(fg_store *store, const struct fg_consult_input *in, struct fg_arena *arena,
		   struct fg_consultation *out, struct fg_error *err)
{
	struct fg_institution inst;
	struct fg_person p;
	int64_t tumour = 0, referral = 0, at = 0, id = 0;
	char when[FG_NET_TIME_MAX], now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = net_person_find(store, in->person, "person", &p, err);
	if (rc == FG_OK)
		rc = fg_institution_find(store, in->institution, "institution", &inst, err);
	if (rc == FG_OK && (in->kind == NULL || (strcmp(in->kind, "remote") != 0 &&
						  strcmp(in->kind, "mdt") != 0))) {
		fg_error_set(err, FG_INVALID, "kind", "invalid consultation kind \"%s\"",
			     in->kind ? in->kind : "");
		fg_error_hint(err, "Use remote (远程会诊) or mdt (multidisciplinary team).");
		rc = FG_INVALID;
	}
	if (rc == FG_OK)
		rc = net_text_check(in->question, "question", true, FG_CONSULT_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = net_text_check(in->actor, "actor", false, 128, err);
	if (rc == FG_OK)
		rc = check_link(store, "SELECT person_id FROM tumour WHERE id = ?", in->tumour,
				"tumour", p.id, &tumour, err);
	if (rc == FG_OK)
		rc = check_link(store, "SELECT person_id FROM referral WHERE id = ?", in->referral,
				"referral", p.id, &referral, err);
	if (rc == FG_OK)
		rc = event_time(in->at, NULL, &at, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store,
			"INSERT INTO consultation (district, person_id, institution_id, kind, tumour_id,"
			" referral_id, question, state, requested_at, requested_by, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, p.district);
	fg_stmt_bind_int64(st, 2, p.id);
	fg_stmt_bind_int64(st, 3, inst.id);
	fg_stmt_bind_text(st, 4, in->kind);
	if (tumour)
		fg_stmt_bind_int64(st, 5, tumour);
	if (referral)
		fg_stmt_bind_int64(st, 6, referral);
	fg_stmt_bind_text(st, 7, in->question);
	fg_stmt_bind_text(st, 8, fg_net_time_format(at, when));
	fg_stmt_bind_text(st, 9, in->actor && *in->actor ? in->actor : NULL);
	fg_stmt_bind_text(st, 10, fg_utc_now(now));
	rc = fg_stmt_scalar_int64(st, &id, NULL, err);
	if (rc == FG_OK)
		rc = get_one(store, id, arena, out, err);
	return rc;
}

/* Read consultation id and require it open for `what`. */
static fg_rc
get_open(fg_store *store, int64_t id, const char *what, struct fg_arena *arena,
	 struct fg_consultation *c, struct fg_error *err)
{
	fg_rc rc = get_one(store, id, arena, c, err);

	if (rc != FG_OK)
		return rc;
	if (strcmp(c->state, "requested") == 0 || strcmp(c->state, "scheduled") == 0)
		return FG_OK;
	fg_error_set(err, FG_CONFLICT, "state", "cannot %s consultation %lld: it is %s", what,
		     (long long)id, c->state);
	fg_error_detail(err, "Only a requested or scheduled consultation can change.");
	return FG_CONFLICT;
}

/* How many participants of institution_id consultation id has. */
static fg_rc
institution_participants(fg_store *store, int64_t id, int64_t institution_id, int64_t *n,
			 struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "SELECT count(*) FROM consultation_participant"
				    " WHERE consultation_id = ? AND institution_id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	fg_stmt_bind_int64(st, 2, institution_id);
	return fg_stmt_scalar_int64(st, n, NULL, err);
}

struct invitation {
	int64_t id;
	const char *institution, *expert, *specialty, *at;
	int64_t *participant_id;
};

/* The invitation inside a transaction; the first expert of another institution grants it access. */
static fg_rc
invite_tx(fg_store *store, void *ctx, struct fg_error *err)
{
	const struct invitation *v = ctx;
	const char *expert = v->expert, *specialty = v->specialty;
	struct fg_consultation c;
	struct fg_institution inst;
	struct fg_arena arena;
	char when[FG_NET_TIME_MAX];
	bool inserted = false;
	int64_t at = 0, id = v->id, before = 0;
	fg_stmt *st;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = get_open(store, id, "invite an expert to", &arena, &c, err);
	if (rc == FG_OK)
		rc = fg_institution_find(store, v->institution, "institution", &inst, err);
	if (rc == FG_OK)
		rc = net_text_check(expert, "expert", true, 63, err);
	if (rc == FG_OK)
		rc = net_text_check(specialty, "specialty", false, 63, err);
	if (rc == FG_OK)
		rc = event_time(v->at, c.requested_at, &at, err);
	if (rc == FG_OK)
		rc = institution_participants(store, id, inst.id, &before, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "INSERT INTO consultation_participant (district,"
				      " consultation_id, institution_id, expert, specialty, invited_at)"
				      " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM"
				      " consultation_participant WHERE consultation_id = ?"
				      " AND institution_id = ? AND expert = ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		goto out;
	fg_stmt_bind_text(st, 1, c.district);
	fg_stmt_bind_int64(st, 2, id);
	fg_stmt_bind_int64(st, 3, inst.id);
	fg_stmt_bind_text(st, 4, expert);
	fg_stmt_bind_text(st, 5, specialty && *specialty ? specialty : NULL);
	fg_stmt_bind_text(st, 6, fg_net_time_format(at, when));
	fg_stmt_bind_int64(st, 7, id);
	fg_stmt_bind_int64(st, 8, inst.id);
	fg_stmt_bind_text(st, 9, expert);
	rc = fg_stmt_scalar_int64(st, v->participant_id, &inserted, err);
	if (rc == FG_OK && !inserted)
		rc = fg_error_set(err, FG_CONFLICT, "expert",
				  "expert \"%s\" of institution %lld is invited to consultation %lld already",
				  expert, (long long)inst.id, (long long)id);
	if (rc == FG_OK && before == 0 && inst.id != c.institution_id)
		rc = net_audit_access(store, inst.id, c.person_id, "consultation", id, "grant_access", 0, err);
out:
	fg_arena_free(&arena);
	return rc;
}

fg_rc
fg_consult_invite(fg_store *store, int64_t id, const char *institution, const char *expert,
		  const char *specialty, const char *at, int64_t *participant_id, struct fg_error *err)
{
	struct invitation v = {id, institution, expert, specialty, at, participant_id};

	return net_in_transaction(store, invite_tx, &v, err);
}

fg_rc
fg_consult_schedule(fg_store *store, int64_t id, const char *session_at, struct fg_error *err)
{
	struct fg_consultation c;
	struct fg_arena arena;
	char when[FG_NET_TIME_MAX], now[32];
	int64_t session = 0, requested = 0;
	fg_stmt *st;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = get_open(store, id, "schedule", &arena, &c, err);
	if (rc == FG_OK)
		rc = fg_net_time_parse(session_at, "session_at", &session, err);
	if (rc == FG_OK)
		rc = fg_net_time_parse(c.requested_at, "requested_at", &requested, err);
	if (rc == FG_OK && session < requested)
		rc = fg_error_set(err, FG_INVALID, "session_at",
				  "session time %s is before the request at %s",
				  fg_net_time_format(session, when), c.requested_at);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE consultation SET state = 'scheduled', session_at = ?,"
				      " updated_at = ? WHERE id = ?", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, fg_net_time_format(session, when));
		fg_stmt_bind_text(st, 2, fg_utc_now(now));
		fg_stmt_bind_int64(st, 3, id);
		rc = net_exec(st, err);
	}
	fg_arena_free(&arena);
	return rc;
}

fg_rc
fg_consult_opinion(fg_store *store, int64_t id, int64_t participant_id, const char *opinion,
		   const char *at_text, struct fg_error *err)
{
	struct fg_consultation c;
	struct fg_arena arena;
	char when[FG_NET_TIME_MAX];
	int64_t at = 0, changed = 0;
	bool found = false;
	fg_stmt *st;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = get_open(store, id, "record an opinion on", &arena, &c, err);
	if (rc == FG_OK)
		rc = net_text_check(opinion, "opinion", true, FG_CONSULT_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = event_time(at_text, c.requested_at, &at, err);
	if (rc == FG_OK)
		rc = net_require_row(store, "SELECT 1 FROM consultation_participant WHERE id = ?",
				     participant_id, "participant", "participant", err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE consultation_participant SET opinion = ?,"
				      " opinion_at = ? WHERE id = ? AND consultation_id = ?"
				      " AND opinion IS NULL RETURNING id", &st, err);
	if (rc != FG_OK)
		goto out;
	fg_stmt_bind_text(st, 1, opinion);
	fg_stmt_bind_text(st, 2, fg_net_time_format(at, when));
	fg_stmt_bind_int64(st, 3, participant_id);
	fg_stmt_bind_int64(st, 4, id);
	rc = fg_stmt_scalar_int64(st, &changed, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_CONFLICT, "participant",
				  "participant %lld of consultation %lld cannot give an opinion",
				  (long long)participant_id, (long long)id);
	if (rc == FG_CONFLICT)
		fg_error_detail(err, "The participant belongs to another consultation or gave an opinion already.");
out:
	fg_arena_free(&arena);
	return rc;
}

/* Audit the end of the access of each institution taking part in consultation c. */
static fg_rc
end_access(fg_store *store, const struct fg_consultation *c, struct fg_arena *arena, struct fg_error *err)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT DISTINCT institution_id FROM consultation_participant"
			      " WHERE consultation_id = ? AND institution_id <> ? ORDER BY institution_id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, c->id);
	fg_stmt_bind_int64(st, 2, c->institution_id);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)&ids, &cap, n, sizeof(*ids))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory ending consultation %lld", (long long)c->id);
			break;
		}
		ids[n++] = fg_stmt_int64(st, 0);
	}
	fg_stmt_reset(st);
	for (size_t i = 0; rc == FG_OK && i < n; i++)
		rc = net_audit_access(store, ids[i], c->person_id, "consultation", c->id, "end_access", 0, err);
	return rc;
}

struct closing {
	int64_t id;
	const char *state, *text, *at;
};

/*
 * Close an open consultation as concluded (with its conclusion) or
 * cancelled, inside a transaction; the access of the experts' institutions
 * ends with it.
 */
static fg_rc
close_tx(fg_store *store, void *ctx, struct fg_error *err)
{
	const struct closing *k = ctx;
	const char *state = k->state, *text = k->text, *at_text = k->at;
	bool conclude = strcmp(state, "concluded") == 0;
	int64_t id = k->id;
	struct fg_consultation c;
	struct fg_arena arena;
	char when[FG_NET_TIME_MAX], now[32];
	int64_t at = 0, opinions = 0;
	fg_stmt *st;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = get_open(store, id, conclude ? "conclude" : "cancel", &arena, &c, err);
	if (rc == FG_OK)
		rc = net_text_check(text, conclude ? "conclusion" : "reason", true, FG_CONSULT_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = event_time(at_text, c.requested_at, &at, err);
	if (rc == FG_OK && conclude)
		rc = fg_store_prepare(store, "SELECT count(*) FROM consultation_participant"
				      " WHERE consultation_id = ? AND opinion IS NOT NULL", &st, err);
	if (rc == FG_OK && conclude) {
		fg_stmt_bind_int64(st, 1, id);
		rc = fg_stmt_scalar_int64(st, &opinions, NULL, err);
		if (rc == FG_OK && opinions == 0)
			rc = fg_error_set(err, FG_INVALID, "conclusion",
					  "consultation %lld has no expert opinion to conclude from",
					  (long long)id);
	}
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE consultation SET state = ?1, ended_at = ?2,"
				      " concluded_at = CASE WHEN ?1 = 'concluded' THEN ?2 END,"
				      " conclusion = CASE WHEN ?1 = 'concluded' THEN ?3 END,"
				      " cancel_reason = CASE WHEN ?1 = 'cancelled' THEN ?3 END,"
				      " updated_at = ?4 WHERE id = ?5", &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, state);
		fg_stmt_bind_text(st, 2, fg_net_time_format(at, when));
		fg_stmt_bind_text(st, 3, text);
		fg_stmt_bind_text(st, 4, fg_utc_now(now));
		fg_stmt_bind_int64(st, 5, id);
		rc = net_exec(st, err);
	}
	if (rc == FG_OK)
		rc = end_access(store, &c, &arena, err);
	fg_arena_free(&arena);
	return rc;
}

fg_rc
fg_consult_conclude(fg_store *store, int64_t id, const char *conclusion, const char *at,
		    struct fg_error *err)
{
	struct closing k = {id, "concluded", conclusion, at};

	return net_in_transaction(store, close_tx, &k, err);
}

fg_rc
fg_consult_cancel(fg_store *store, int64_t id, const char *reason, const char *at,
		  struct fg_error *err)
{
	struct closing k = {id, "cancelled", reason, at};

	return net_in_transaction(store, close_tx, &k, err);
}

static fg_rc
read_participants(fg_store *store, int64_t id, struct fg_arena *arena,
		  struct fg_consult_participant **items, size_t *count, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	*items = NULL;
	*count = 0;
	rc = fg_store_prepare(store, "SELECT id, institution_id, coalesce(expert, ''),"
			      " coalesce(specialty, ''), coalesce(invited_at, ''), coalesce(opinion_at, ''),"
			      " coalesce(opinion, '') FROM consultation_participant"
			      " WHERE consultation_id = ? ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_consult_participant *p;

		if (!net_grow(arena, (void **)items, &cap, *count, sizeof(*p))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing participants");
			break;
		}
		p = &(*items)[(*count)++];
		p->id = fg_stmt_int64(st, 0);
		p->institution_id = fg_stmt_int64(st, 1);
		fg_strlcpy(p->expert, fg_stmt_text(st, 2), sizeof(p->expert));
		fg_strlcpy(p->specialty, fg_stmt_text(st, 3), sizeof(p->specialty));
		fg_strlcpy(p->invited_at, fg_stmt_text(st, 4), sizeof(p->invited_at));
		fg_strlcpy(p->opinion_at, fg_stmt_text(st, 5), sizeof(p->opinion_at));
		p->opinion = net_column_text(st, 6, arena);
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_consult_get(fg_store *store, int64_t id, struct fg_arena *arena, struct fg_consultation *out,
	       struct fg_consult_participant **participants, size_t *nparticipants,
	       struct fg_error *err)
{
	fg_rc rc = get_one(store, id, arena, out, err);

	if (rc == FG_OK && participants != NULL)
		rc = read_participants(store, id, arena, participants, nparticipants, err);
	return rc;
}

fg_rc
fg_consult_list(fg_store *store, const struct fg_consult_query *q, struct fg_arena *arena,
		struct fg_consult_list *out, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(store, "SELECT " CONSULT_COLUMNS " FROM consultation c"
			      " WHERE (?1 IS NULL OR state = ?1) AND (?2 = 0 OR person_id = ?2)"
			      " AND (?3 = 0 OR institution_id = ?3 OR EXISTS (SELECT 1 FROM"
			      " consultation_participant p WHERE p.consultation_id = c.id"
			      " AND p.institution_id = ?3)) ORDER BY id LIMIT ?4", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, q->state);
	fg_stmt_bind_int64(st, 2, q->person_id);
	fg_stmt_bind_int64(st, 3, q->institution_id);
	fg_stmt_bind_int64(st, 4, q->limit);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*out->items))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing consultations");
			break;
		}
		rc = read_row(st, arena, &out->items[out->count++], err);
		if (rc != FG_OK)
			break;
	}
	fg_stmt_reset(st);
	return rc;
}
