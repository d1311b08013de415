/*
 * referral.c
 *	  Two-way referral as a declarative state machine: the table of legal
 *	  transitions below (the same rows as table referral_transition of
 *	  migration 0008, whose trigger refuses any other change of state),
 *	  each transition recorded as an event with time, actor and reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/util.h"
#include "network_int.h"

/* action, from, to, needs reason, needs report, ends the referral */
static const struct fg_referral_transition transitions[] = {
	{"accept", "requested", "accepted", false, false, false},
	{"reject", "requested", "rejected", true, false, true},
	{"cancel", "requested", "cancelled", true, false, true},
	{"schedule", "accepted", "scheduled", false, false, false},
	{"cancel", "accepted", "cancelled", true, false, true},
	{"schedule", "scheduled", "scheduled", false, false, false},
	{"attend", "scheduled", "attended", false, false, false},
	{"cancel", "scheduled", "cancelled", true, false, true},
	{"complete", "attended", "completed", false, true, true},
	{NULL, NULL, NULL, false, false, false},
};

static const char *const states[] = {
	"requested", "accepted", "rejected", "scheduled", "attended", "completed", "cancelled",
};

/* Levels of institutions: a referral up goes to a level at least as high. */
static const struct {
	const char *kind;
	int level;
} levels[] = {{"community", 1}, {"hospital", 2}, {"cancer_centre", 3}};

#define REFERRAL_COLUMNS \
	"id, person_id, district, institution_id, to_institution_id, direction, kind, state," \
	" coalesce(tumour_id, 0), requested_at, coalesce(state_at, ''), coalesce(accepted_at, '')," \
	" coalesce(appointment_at, ''), coalesce(ended_at, ''), coalesce(access_until, '')," \
	" coalesce(access_revoked_at, ''), coalesce(reason, ''), coalesce(report, ''), version," \
	" coalesce(updated_at, '')"

/* The columns of referral that a version keeps (migration 0016: the same names in referral_version). */
#define VERSION_COLUMNS \
	"id, version, district, person_id, institution_id, to_institution_id, direction, kind, state," \
	" reason, report, tumour_id, requested_at, updated_at, state_at, accepted_at, ended_at," \
	" appointment_at, access_until, access_revoked_at, access_revoked_reason"

#define EVENT_INSERT \
	"INSERT INTO referral_event (district, referral_id, institution_id, user_id, state, at," \
	" action, from_state, actor, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

const struct fg_referral_transition *
fg_referral_transitions(void)
{
	return transitions;
}

static bool
state_valid(const char *state)
{
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i]) == 0)
			return true;
	return false;
}

static int
level_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(kind, levels[i].kind) == 0)
			return levels[i].level;
	return 0;
}

static fg_rc
read_row(fg_stmt *st, struct fg_arena *arena, void *row, struct fg_error *err)
{
	struct fg_referral *out = row;

	memset(out, 0, sizeof(*out));
	out->id = fg_stmt_int64(st, 0);
	out->person_id = fg_stmt_int64(st, 1);
	fg_strlcpy(out->district, fg_stmt_text(st, 2), sizeof(out->district));
	out->from_institution_id = fg_stmt_int64(st, 3);
	out->to_institution_id = fg_stmt_int64(st, 4);
	fg_strlcpy(out->direction, fg_stmt_text(st, 5), sizeof(out->direction));
	fg_strlcpy(out->kind, fg_stmt_text(st, 6), sizeof(out->kind));
	fg_strlcpy(out->state, fg_stmt_text(st, 7), sizeof(out->state));
	out->tumour_id = fg_stmt_int64(st, 8);
	fg_strlcpy(out->requested_at, fg_stmt_text(st, 9), sizeof(out->requested_at));
	fg_strlcpy(out->state_at, fg_stmt_text(st, 10), sizeof(out->state_at));
	fg_strlcpy(out->accepted_at, fg_stmt_text(st, 11), sizeof(out->accepted_at));
	fg_strlcpy(out->appointment_at, fg_stmt_text(st, 12), sizeof(out->appointment_at));
	fg_strlcpy(out->ended_at, fg_stmt_text(st, 13), sizeof(out->ended_at));
	fg_strlcpy(out->access_until, fg_stmt_text(st, 14), sizeof(out->access_until));
	fg_strlcpy(out->access_revoked_at, fg_stmt_text(st, 15), sizeof(out->access_revoked_at));
	out->reason = net_column_text(st, 16, arena);
	out->report = net_column_text(st, 17, arena);
	out->version = fg_stmt_int64(st, 18);
	fg_strlcpy(out->updated_at, fg_stmt_text(st, 19), sizeof(out->updated_at));
	if (out->reason == NULL || out->report == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading referral %lld",
				    (long long)out->id);
	return FG_OK;
}

fg_rc
fg_referral_get(fg_store *store, int64_t id, struct fg_arena *arena,
		struct fg_referral *out, struct fg_error *err)
{
	return net_fetch_one(store, "SELECT " REFERRAL_COLUMNS " FROM referral WHERE id = ?", id,
			     "referral", read_row, arena, out, err);
}

fg_rc
fg_referral_versions(fg_store *store, int64_t id, struct fg_arena *arena, struct fg_referral_list *out,
		     struct fg_error *err)
{
	struct fg_referral current;
	bool row = false;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_referral_get(store, id, arena, &current, err);
	if (rc != FG_OK)
		return rc;
	out->items = fg_arena_alloc(arena, (size_t)current.version * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory reading referral %lld", (long long)id);
	out->items[out->count++] = current;
	rc = fg_store_prepare(store, "SELECT " REFERRAL_COLUMNS " FROM referral_version WHERE id = ?"
			      " ORDER BY version DESC", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	while (out->count < (size_t)current.version && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		rc = read_row(st, arena, &out->items[out->count++], err);
	fg_stmt_reset(st);
	out->total = (int64_t)out->count;
	return rc;
}

struct event {
	const struct fg_referral *r;
	const char *action;
	const char *from_state;		/* NULL for the request */
	const char *to_state;
	int64_t institution_id;
	int64_t user_id;
	const char *actor;
	const char *reason;
	int64_t at;
};

static fg_rc
insert_event(fg_store *store, const struct event *e, struct fg_error *err)
{
	char at[FG_NET_TIME_MAX], now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, EVENT_INSERT, &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, e->r->district);
	fg_stmt_bind_int64(st, 2, e->r->id);
	fg_stmt_bind_int64(st, 3, e->institution_id);
	if (e->user_id)
		fg_stmt_bind_int64(st, 4, e->user_id);
	fg_stmt_bind_text(st, 5, e->to_state);
	fg_stmt_bind_text(st, 6, fg_net_time_format(e->at, at));
	fg_stmt_bind_text(st, 7, e->action);
	fg_stmt_bind_text(st, 8, e->from_state);
	fg_stmt_bind_text(st, 9, e->actor && *e->actor ? e->actor : NULL);
	fg_stmt_bind_text(st, 10, e->reason && *e->reason ? e->reason : NULL);
	fg_stmt_bind_text(st, 11, fg_utc_now(now));
	return net_exec(st, err);
}

static fg_rc
check_user(fg_store *store, int64_t user_id, struct fg_error *err)
{
	if (user_id == 0)
		return FG_OK;
	return net_require_row(store, "SELECT 1 FROM app_user WHERE id = ?", user_id, "user",
			       "user", err);
}

/* The event time: given or now, never in the future, never before `not_before`. */
static fg_rc
event_time(const char *text, int64_t not_before, int64_t *at, struct fg_error *err)
{
	int64_t now = fg_net_now();
	char a[FG_NET_TIME_MAX], b[FG_NET_TIME_MAX];
	fg_rc rc = net_time_or_now(text, "at", now, at, err);

	if (rc != FG_OK)
		return rc;
	if (*at > now) {
		fg_error_set(err, FG_INVALID, "at", "time %s is in the future", fg_net_time_format(*at, a));
		fg_error_detail(err, "It is now %s.", fg_net_time_format(now, b));
		return FG_INVALID;
	}
	if (*at < not_before) {
		fg_error_set(err, FG_INVALID, "at", "time %s is before the referral's last event at %s",
			     fg_net_time_format(*at, a), fg_net_time_format(not_before, b));
		return FG_INVALID;
	}
	return FG_OK;
}

static fg_rc
check_direction(const struct fg_referral_type *type, const struct fg_institution *from,
		const struct fg_institution *to, struct fg_error *err)
{
	int a = level_of(from->kind), b = level_of(to->kind);
	bool up = strcmp(type->direction, "up") == 0;

	if ((up && b >= a) || (!up && b <= a))
		return FG_OK;
	fg_error_set(err, FG_INVALID, "to", "a %s referral goes %s, but institution %lld (%s) is %s institution %lld (%s)",
		     type->kind, type->direction, (long long)to->id, to->kind, up ? "below" : "above",
		     (long long)from->id, from->kind);
	fg_error_hint(err, "Refer up to a hospital or the cancer centre, down to a hospital or a community centre.");
	return FG_INVALID;
}

static fg_rc
check_tumour(fg_store *store, const char *text, int64_t person_id, int64_t *tumour_id,
	     struct fg_error *err)
{
	fg_rc rc = net_id_parse(text, "tumour", true, tumour_id, err);

	if (rc != FG_OK)
		return rc;
	return net_check_owner(store, "SELECT person_id FROM tumour WHERE id = ?", *tumour_id,
			       person_id, "tumour", err);
}

struct request {
	struct fg_person person;
	struct fg_institution from, to;
	struct fg_referral_type type;
	int64_t tumour_id;
	int64_t at;
};

static fg_rc
validate_request(fg_store *store, const struct fg_referral_input *in, struct request *q,
		 struct fg_error *err)
{
	fg_rc rc;

	rc = net_person_find(store, in->person, "person", &q->person, err);
	if (rc == FG_OK)
		rc = fg_institution_find(store, in->from, "from", &q->from, err);
	if (rc == FG_OK)
		rc = fg_institution_find(store, in->to, "to", &q->to, err);
	if (rc != FG_OK)
		return rc;
	if (q->from.id == q->to.id)
		return fg_error_set(err, FG_INVALID, "to", "institution %lld cannot refer to itself",
				    (long long)q->from.id);
	rc = fg_referral_type_get(NULL, in->kind, &q->type, err);
	if (rc == FG_OK)
		rc = check_direction(&q->type, &q->from, &q->to, err);
	if (rc == FG_OK)
		rc = net_text_check(in->reason, "reason", true, FG_REFERRAL_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = net_text_check(in->report, "report", false, FG_REFERRAL_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = net_text_check(in->actor, "actor", false, 128, err);
	if (rc == FG_OK)
		rc = check_tumour(store, in->tumour, q->person.id, &q->tumour_id, err);
	if (rc == FG_OK)
		rc = check_user(store, in->user_id, err);
	if (rc == FG_OK)
		rc = event_time(in->at, INT64_MIN, &q->at, err);
	return rc;
}

static fg_rc
insert_referral(fg_store *store, const struct fg_referral_input *in, const struct request *q,
		int64_t *id, struct fg_error *err)
{
	char at[FG_NET_TIME_MAX], now[32];
	fg_stmt *st;

	fg_rc rc = fg_store_prepare(store,
		"INSERT INTO referral (district, person_id, institution_id, to_institution_id, direction,"
		" kind, state, reason, report, tumour_id, requested_at, state_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_net_time_format(q->at, at);
	fg_stmt_bind_text(st, 1, q->person.district);
	fg_stmt_bind_int64(st, 2, q->person.id);
	fg_stmt_bind_int64(st, 3, q->from.id);
	fg_stmt_bind_int64(st, 4, q->to.id);
	fg_stmt_bind_text(st, 5, q->type.direction);
	fg_stmt_bind_text(st, 6, q->type.kind);
	fg_stmt_bind_text(st, 7, in->reason);
	fg_stmt_bind_text(st, 8, in->report && *in->report ? in->report : NULL);
	if (q->tumour_id)
		fg_stmt_bind_int64(st, 9, q->tumour_id);
	fg_stmt_bind_text(st, 10, at);
	fg_stmt_bind_text(st, 11, at);
	fg_stmt_bind_text(st, 12, fg_utc_now(now));
	return fg_stmt_scalar_int64(st, id, NULL, err);
}

fg_rc
fg_referral_request(fg_store *store, const struct fg_referral_input *in,
		    struct fg_arena *arena, struct fg_referral *out, struct fg_error *err)
{
	struct request q;
	struct event e;
	int64_t id = 0;
	fg_rc rc;

	memset(&q, 0, sizeof(q));
	rc = validate_request(store, in, &q, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = insert_referral(store, in, &q, &id, err);
	if (rc == FG_OK)
		rc = fg_referral_get(store, id, arena, out, err);
	if (rc == FG_OK) {
		e = (struct event){.r = out, .action = "request", .to_state = "requested",
				   .institution_id = q.from.id, .user_id = in->user_id,
				   .actor = in->actor, .reason = in->reason, .at = q.at};
		rc = insert_event(store, &e, err);
	}
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	return rc;
}

/* The legal actions from state, as "a, b and c" (or "none"). */
static void
legal_actions(const char *state, char *buf, size_t size)
{
	const char *found[8];
	size_t n = 0, used = 0;

	for (const struct fg_referral_transition *t = transitions; t->action && n < 8; t++)
		if (strcmp(t->from, state) == 0)
			found[n++] = t->action;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? " and " : ", ", found[i]);
}

static bool
action_exists(const char *action)
{
	for (const struct fg_referral_transition *t = transitions; t->action; t++)
		if (strcmp(t->action, action) == 0)
			return true;
	return false;
}

static fg_rc
find_transition(const struct fg_referral *r, const char *action,
		const struct fg_referral_transition **out, struct fg_error *err)
{
	char legal[128];

	if (action == NULL || !action_exists(action)) {
		fg_error_set(err, FG_INVALID, "action", "invalid referral action \"%s\"",
			     action ? action : "");
		fg_error_hint(err, "Use accept, reject, schedule, attend, complete or cancel.");
		return FG_INVALID;
	}
	for (const struct fg_referral_transition *t = transitions; t->action; t++)
		if (strcmp(t->from, r->state) == 0 && strcmp(t->action, action) == 0) {
			*out = t;
			return FG_OK;
		}
	legal_actions(r->state, legal, sizeof(legal));
	fg_error_set(err, FG_CONFLICT, "state", "cannot %s referral %lld: it is %s", action,
		     (long long)r->id, r->state);
	if (legal[0])
		fg_error_detail(err, "The actions allowed in state %s are %s.", r->state, legal);
	else
		fg_error_detail(err, "State %s ends a referral; no action is allowed.", r->state);
	return FG_CONFLICT;
}

/* What a transition changes besides its state. */
struct change {
	const struct fg_referral_transition *t;
	int64_t at;
	int64_t appointment_at;		/* schedule: 0 otherwise */
	int64_t access_until;		/* accept: 0 otherwise */
};

static fg_rc
schedule_slot(fg_store *store, const struct fg_referral *r, const struct fg_referral_action *a,
	      struct change *c, struct fg_error *err)
{
	struct fg_booking_input b = {.slot = a->slot, .referral_id = r->id};
	struct fg_appointment appt;
	struct fg_slot slot;
	char person[24], from[24];
	int64_t slot_id;
	fg_rc rc;

	rc = net_id_parse(a->slot, "slot", false, &slot_id, err);
	if (rc == FG_OK)
		rc = fg_slot_get(store, slot_id, &slot, err);
	if (rc != FG_OK)
		return rc;
	if (slot.institution_id != r->to_institution_id)
		return fg_error_set(err, FG_INVALID, "slot",
				    "slot %lld is at institution %lld, not at institution %lld that receives referral %lld",
				    (long long)slot.id, (long long)slot.institution_id,
				    (long long)r->to_institution_id, (long long)r->id);
	rc = net_booking_cancel_referral_tx(store, r->id, c->at, err);
	if (rc != FG_OK)
		return rc;
	snprintf(person, sizeof(person), "%lld", (long long)r->person_id);
	snprintf(from, sizeof(from), "%lld", (long long)r->to_institution_id);
	b.person = person;
	b.institution = from;
	rc = net_booking_book_tx(store, &b, c->at, &appt, err);
	if (rc == FG_OK)
		rc = fg_net_time_parse(appt.starts_at, "slot", &c->appointment_at, err);
	return rc;
}

static fg_rc
prepare_schedule(fg_store *store, const struct fg_referral *r, const struct fg_referral_action *a,
		 struct change *c, struct fg_error *err)
{
	bool has_time = a->appointment_at && *a->appointment_at, has_slot = a->slot && *a->slot;
	char when[FG_NET_TIME_MAX];
	fg_rc rc;

	if (has_time == has_slot)
		return fg_error_set(err, FG_INVALID, "appointment_at",
				    "scheduling referral %lld needs either an appointment time or a slot",
				    (long long)r->id);
	if (has_slot)
		return schedule_slot(store, r, a, c, err);
	rc = fg_net_time_parse(a->appointment_at, "appointment_at", &c->appointment_at, err);
	if (rc == FG_OK && c->appointment_at < c->at)
		rc = fg_error_set(err, FG_INVALID, "appointment_at",
				  "appointment time %s is before the scheduling itself",
				  fg_net_time_format(c->appointment_at, when));
	if (rc == FG_OK)
		rc = net_booking_cancel_referral_tx(store, r->id, c->at, err);
	return rc;
}

/* Attendance of a referral is attendance of its booked appointment, if any. */
static fg_rc
mark_appointment_attended(fg_store *store, int64_t referral_id, struct fg_error *err)
{
	char now[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "UPDATE appointment SET state = 'attended', updated_at = ?"
			      " WHERE referral_id = ? AND state = 'booked'", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_utc_now(now));
	fg_stmt_bind_int64(st, 2, referral_id);
	return net_exec(st, err);
}

static fg_rc
prepare_change(fg_store *store, const struct fg_referral *r, const struct fg_referral_action *a,
	       struct change *c, struct fg_error *err)
{
	struct fg_referral_type type;
	int64_t since = 0;
	fg_rc rc;

	rc = find_transition(r, a->action, &c->t, err);
	if (rc == FG_OK && c->t->needs_reason)
		rc = net_text_check(a->reason, "reason", true, FG_REFERRAL_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = net_text_check(a->report, "report", c->t->needs_report, FG_REFERRAL_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = net_text_check(a->actor, "actor", false, 128, err);
	if (rc == FG_OK)
		rc = check_user(store, a->user_id, err);
	if (rc == FG_OK && r->state_at[0])
		rc = fg_net_time_parse(r->state_at, "state_at", &since, err);
	if (rc == FG_OK)
		rc = event_time(a->at, since, &c->at, err);
	if (rc != FG_OK)
		return rc;
	if (strcmp(c->t->action, "accept") == 0) {
		rc = fg_referral_type_get(NULL, r->kind, &type, err);
		c->access_until = c->at + (int64_t)type.access_days * FG_MINUTES_PER_DAY;
	} else if (strcmp(c->t->action, "schedule") == 0)
		rc = prepare_schedule(store, r, a, c, err);
	else if (strcmp(c->t->action, "cancel") == 0)
		rc = net_booking_cancel_referral_tx(store, r->id, c->at, err);
	else if (strcmp(c->t->action, "attend") == 0)
		rc = mark_appointment_attended(store, r->id, err);
	return rc;
}

static void
bind_time_or_null(fg_stmt *st, int idx, int64_t minutes)
{
	char buf[FG_NET_TIME_MAX];

	if (minutes)
		fg_stmt_bind_text(st, idx, fg_net_time_format(minutes, buf));
}

/*
 * Copy version `version` of referral id into referral_version before a
 * change replaces it; nothing when the referral is at another version
 * (the change then finds it changed meanwhile).
 */
static fg_rc
keep_version(fg_store *store, int64_t id, int64_t version, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "INSERT INTO referral_version (" VERSION_COLUMNS ") SELECT " VERSION_COLUMNS
			      " FROM referral WHERE id = ? AND version = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	fg_stmt_bind_int64(st, 2, version);
	return net_exec(st, err);
}

static fg_rc
update_referral(fg_store *store, const struct fg_referral *r, const struct fg_referral_action *a,
		const struct change *c, struct fg_error *err)
{
	char at[FG_NET_TIME_MAX], now[32];
	bool found = false;
	int64_t id = 0;
	fg_stmt *st;
	fg_rc rc;

	rc = keep_version(store, r->id, r->version, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_store_prepare(store,
		"UPDATE referral SET state = ?1, state_at = ?2, updated_at = ?3, version = version + 1,"
		" accepted_at = coalesce(?4, accepted_at), access_until = coalesce(?5, access_until),"
		" ended_at = coalesce(?6, ended_at), appointment_at = coalesce(?7, appointment_at),"
		" report = coalesce(?8, report)"
		" WHERE id = ?9 AND version = ?10 RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_net_time_format(c->at, at);
	fg_stmt_bind_text(st, 1, c->t->to);
	fg_stmt_bind_text(st, 2, at);
	fg_stmt_bind_text(st, 3, fg_utc_now(now));
	if (c->access_until)
		fg_stmt_bind_text(st, 4, at);
	bind_time_or_null(st, 5, c->access_until);
	if (c->t->ends)
		fg_stmt_bind_text(st, 6, at);
	bind_time_or_null(st, 7, c->appointment_at);
	fg_stmt_bind_text(st, 8, a->report && *a->report ? a->report : NULL);
	fg_stmt_bind_int64(st, 9, r->id);
	fg_stmt_bind_int64(st, 10, r->version);
	rc = fg_stmt_scalar_int64(st, &id, &found, err);
	if (rc == FG_OK && !found)
		rc = fg_error_set(err, FG_CONFLICT, "version", "referral %lld was changed meanwhile",
				  (long long)r->id);
	return rc;
}

/*
 * Record in the audit trail that the receiving institution's access to the
 * person's records begins (grant_access) or ends (end_access,
 * revoke_access) with referral r, in the caller's transaction.
 */
static fg_rc
audit_access(fg_store *store, const struct fg_referral *r, const char *action, int64_t user_id,
	     struct fg_error *err)
{
	return net_audit_access(store, r->to_institution_id, r->person_id, "referral", r->id, action, user_id,
				err);
}

/* The transition inside the caller's transaction. */
static fg_rc
apply_tx(fg_store *store, int64_t id, const struct fg_referral_action *a,
	 struct fg_arena *arena, struct fg_referral *out, struct fg_error *err)
{
	struct fg_referral r;
	struct change c = {0};
	struct event e;
	fg_rc rc;

	rc = fg_referral_get(store, id, arena, &r, err);
	if (rc == FG_OK)
		rc = prepare_change(store, &r, a, &c, err);
	if (rc == FG_OK)
		rc = update_referral(store, &r, a, &c, err);
	if (rc != FG_OK)
		return rc;
	e = (struct event){
		.r = &r, .action = c.t->action, .from_state = r.state, .to_state = c.t->to,
		.institution_id = strcmp(c.t->action, "cancel") == 0 ? r.from_institution_id
								      : r.to_institution_id,
		.user_id = a->user_id, .actor = a->actor, .reason = a->reason, .at = c.at,
	};
	rc = insert_event(store, &e, err);
	if (rc == FG_OK && c.access_until)
		rc = audit_access(store, &r, "grant_access", a->user_id, err);
	else if (rc == FG_OK && c.t->ends && r.accepted_at[0] && !r.access_revoked_at[0])
		rc = audit_access(store, &r, "end_access", a->user_id, err);
	if (rc == FG_OK && out != NULL)
		rc = fg_referral_get(store, id, arena, out, err);
	return rc;
}

fg_rc
fg_referral_apply(fg_store *store, int64_t id, const struct fg_referral_action *a,
		  struct fg_arena *arena, struct fg_referral *out, struct fg_error *err)
{
	fg_rc rc = fg_store_begin(store, err);

	if (rc != FG_OK)
		return rc;
	rc = apply_tx(store, id, a, arena, out, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	return rc;
}

fg_rc
net_referral_attend_tx(fg_store *store, int64_t referral_id, int64_t now, struct fg_error *err)
{
	struct fg_referral_action a = {.action = "attend", .actor = "appointment platform"};
	char at[FG_NET_TIME_MAX];
	struct fg_arena arena;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	a.at = fg_net_time_format(now, at);
	rc = apply_tx(store, referral_id, &a, &arena, NULL, err);
	fg_arena_free(&arena);
	return rc;
}

fg_rc
fg_referral_revoke_access(fg_store *store, int64_t id, const char *reason, const char *actor,
			  int64_t user_id, const char *at_text, struct fg_error *err)
{
	struct fg_referral r;
	struct fg_arena arena;
	struct event e;
	char at[FG_NET_TIME_MAX], now[32];
	int64_t when = 0, until = 0;
	fg_stmt *st;
	fg_rc rc;

	fg_arena_init(&arena, 0);
	rc = net_text_check(reason, "reason", true, FG_REFERRAL_TEXT_MAX, err);
	if (rc == FG_OK)
		rc = net_text_check(actor, "actor", false, 128, err);
	if (rc == FG_OK)
		rc = check_user(store, user_id, err);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		goto out;
	rc = fg_referral_get(store, id, &arena, &r, err);
	if (rc == FG_OK)
		rc = event_time(at_text, INT64_MIN, &when, err);
	if (rc == FG_OK && r.access_until[0])
		rc = fg_net_time_parse(r.access_until, "access_until", &until, err);
	if (rc == FG_OK && (r.accepted_at[0] == '\0' || r.ended_at[0] || r.access_revoked_at[0] ||
			    until <= when)) {
		fg_error_set(err, FG_CONFLICT, "state",
			     "referral %lld grants no access to revoke: it is %s", (long long)id, r.state);
		fg_error_detail(err, "%s", r.access_revoked_at[0] ? "Its access was revoked already."
				: "Access is granted from acceptance until the referral ends.");
		rc = FG_CONFLICT;
	}
	if (rc == FG_OK)
		rc = keep_version(store, id, r.version, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "UPDATE referral SET access_revoked_at = ?,"
				      " access_revoked_reason = ?, updated_at = ?, version = version + 1 WHERE id = ?",
				      &st, err);
	if (rc == FG_OK) {
		fg_stmt_bind_text(st, 1, fg_net_time_format(when, at));
		fg_stmt_bind_text(st, 2, reason);
		fg_stmt_bind_text(st, 3, fg_utc_now(now));
		fg_stmt_bind_int64(st, 4, id);
		rc = net_exec(st, err);
	}
	if (rc == FG_OK) {
		e = (struct event){.r = &r, .action = "revoke_access", .from_state = r.state,
				   .to_state = r.state, .institution_id = r.from_institution_id,
				   .user_id = user_id, .actor = actor, .reason = reason, .at = when};
		rc = insert_event(store, &e, err);
	}
	if (rc == FG_OK)
		rc = audit_access(store, &r, "revoke_access", user_id, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
out:
	fg_arena_free(&arena);
	return rc;
}

fg_rc
fg_referral_events(fg_store *store, int64_t id, struct fg_arena *arena,
		   struct fg_referral_event_list *out, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(store,
		"SELECT id, coalesce(action, ''), coalesce(from_state, ''), state, at, institution_id,"
		" coalesce(user_id, 0), coalesce(actor, ''), coalesce(reason, note, '')"
		" FROM referral_event WHERE referral_id = ? ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, id);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_referral_event *e;

		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*e))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing events");
			break;
		}
		e = &out->items[out->count++];
		e->id = fg_stmt_int64(st, 0);
		fg_strlcpy(e->action, fg_stmt_text(st, 1), sizeof(e->action));
		fg_strlcpy(e->from_state, fg_stmt_text(st, 2), sizeof(e->from_state));
		fg_strlcpy(e->to_state, fg_stmt_text(st, 3), sizeof(e->to_state));
		fg_strlcpy(e->at, fg_stmt_text(st, 4), sizeof(e->at));
		e->institution_id = fg_stmt_int64(st, 5);
		e->user_id = fg_stmt_int64(st, 6);
		e->actor = net_column_text(st, 7, arena);
		e->reason = net_column_text(st, 8, arena);
	}
	fg_stmt_reset(st);
	return rc;
}

#define LIST_WHERE \
	" WHERE (?1 IS NULL OR state = ?1) AND (?2 = 0 OR institution_id = ?2)" \
	" AND (?3 = 0 OR to_institution_id = ?3) AND (?4 = 0 OR person_id = ?4)"

static void
bind_query(fg_stmt *st, const struct fg_referral_query *q)
{
	fg_stmt_bind_text(st, 1, q->state);
	fg_stmt_bind_int64(st, 2, q->from_institution_id);
	fg_stmt_bind_int64(st, 3, q->to_institution_id);
	fg_stmt_bind_int64(st, 4, q->person_id);
}

/* Append every row of a bound statement over REFERRAL_COLUMNS to out. */
static fg_rc
collect(fg_stmt *st, struct fg_arena *arena, struct fg_referral **items, size_t *count,
	struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_rc rc;

	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)items, &cap, *count, sizeof(**items))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing referrals");
			break;
		}
		rc = read_row(st, arena, &(*items)[*count], err);
		if (rc != FG_OK)
			break;
		(*count)++;
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_referral_list(fg_store *store, const struct fg_referral_query *q, struct fg_arena *arena,
		 struct fg_referral_list *out, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->state != NULL && !state_valid(q->state)) {
		fg_error_set(err, FG_INVALID, "state", "invalid referral state \"%s\"", q->state);
		fg_error_hint(err, "Use requested, accepted, rejected, scheduled, attended, completed or cancelled.");
		return FG_INVALID;
	}
	rc = fg_store_prepare(store, "SELECT count(*) FROM referral" LIST_WHERE, &st, err);
	if (rc != FG_OK)
		return rc;
	bind_query(st, q);
	rc = fg_stmt_scalar_int64(st, &out->total, NULL, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "SELECT " REFERRAL_COLUMNS " FROM referral" LIST_WHERE
				      " ORDER BY id LIMIT ?5 OFFSET ?6", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_query(st, q);
	fg_stmt_bind_int64(st, 5, q->limit);
	fg_stmt_bind_int64(st, 6, q->offset);
	return collect(st, arena, &out->items, &out->count, err);
}

static const struct fg_referral_type *
type_of(const struct fg_referral_type *types, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(types[i].kind, kind) == 0)
			return &types[i];
	return NULL;
}

/* When the step awaited by an open referral falls due, in minutes; 0 if never. */
static int64_t
due_of(const struct fg_referral *r, const struct fg_referral_type *t, const char **step)
{
	const char *since = r->state_at;
	int64_t from = 0, days;

	if (strcmp(r->state, "requested") == 0)
		*step = "accept", days = t->accept_days;
	else if (strcmp(r->state, "accepted") == 0)
		*step = "schedule", days = t->schedule_days;
	else if (strcmp(r->state, "scheduled") == 0)
		*step = "attend", days = t->attend_grace_days, since = r->appointment_at;
	else if (strcmp(r->state, "attended") == 0)
		*step = "complete", days = t->complete_days;
	else
		return 0;
	if (fg_net_time_parse(since, "state_at", &from, NULL) != FG_OK)
		return 0;
	return from + days * FG_MINUTES_PER_DAY;
}

static int
cmp_overdue(const void *a, const void *b)
{
	const struct fg_referral_overdue *x = a, *y = b;

	if (x->days_overdue != y->days_overdue)
		return x->days_overdue < y->days_overdue ? 1 : -1;
	return (x->referral.id > y->referral.id) - (x->referral.id < y->referral.id);
}

fg_rc
fg_referral_overdue(fg_store *store, int64_t now, int64_t institution_id,
		    struct fg_arena *arena, struct fg_referral_overdue_list *out,
		    struct fg_error *err)
{
	struct fg_referral *open = NULL;
	struct fg_referral_type *types;
	size_t nopen = 0, ntypes, cap = 0;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = net_referral_types(NULL, arena, &types, &ntypes, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "SELECT " REFERRAL_COLUMNS " FROM referral"
				      " WHERE state IN ('requested', 'accepted', 'scheduled', 'attended')"
				      " AND (?1 = 0 OR to_institution_id = ?1) ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, institution_id);
	rc = collect(st, arena, &open, &nopen, err);
	for (size_t i = 0; rc == FG_OK && i < nopen; i++) {
		const struct fg_referral_type *t = type_of(types, ntypes, open[i].kind);
		const char *step = "";
		int64_t due = t ? due_of(&open[i], t, &step) : 0;
		struct fg_referral_overdue *o;

		if (due == 0 || now <= due)
			continue;
		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*o)))
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing overdue referrals");
		o = &out->items[out->count++];
		o->referral = open[i];
		fg_strlcpy(o->step, step, sizeof(o->step));
		fg_net_time_format(due, o->due_at);
		o->days_overdue = (double)(now - due) / FG_MINUTES_PER_DAY;
	}
	if (rc == FG_OK && out->count > 1)
		qsort(out->items, out->count, sizeof(*out->items), cmp_overdue);
	return rc;
}
