/*
 * booking.c
 *	  The shared appointment platform: schedules, slots and appointments.
 *
 * Capacity is the database's to enforce: a booking raises slot.booked with
 * "UPDATE ... SET booked = booked + 1 WHERE id = ? AND booked < capacity"
 * inside its transaction, and refuses when no row changed; CHECK (booked <=
 * capacity) and the unique index appointment_live_once (migration 0008)
 * hold whatever a caller does.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/screening.h"
#include "fangai/util.h"
#include "network_int.h"

/* Services of the platform; the trigger schedule_service_check of 0008 lists the same. */
static const char *const services[] = {
	"ldct", "endoscopy", "colonoscopy", "mammography", "ultrasound", "clinic",
};

#define SLOT_COLUMNS \
	"s.id, s.schedule_id, s.institution_id, sc.service, s.starts_at, s.ends_at, s.capacity, s.booked"
#define SLOT_FROM " FROM slot s JOIN schedule sc ON sc.id = s.schedule_id"

#define APPT_COLUMNS \
	"a.id, a.slot_id, a.person_id, a.district, a.institution_id, s.institution_id, sc.service," \
	" a.state, s.starts_at, coalesce(a.referral_id, 0), coalesce(a.episode_id, 0), a.booked_at," \
	" p.name, coalesce(p.phone, '')"
#define APPT_FROM \
	" FROM appointment a JOIN slot s ON s.id = a.slot_id JOIN schedule sc ON sc.id = s.schedule_id" \
	" JOIN person p ON p.id = a.person_id"

bool
fg_service_valid(const char *service)
{
	for (size_t i = 0; service != NULL && i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(service, services[i]) == 0)
			return true;
	return false;
}

const char *
fg_service_names(void)
{
	return "ldct, endoscopy, colonoscopy, mammography, ultrasound, clinic";
}

static fg_rc
check_service(const char *service, struct fg_error *err)
{
	if (fg_service_valid(service))
		return FG_OK;
	fg_error_set(err, FG_INVALID, "service", "invalid service \"%s\"", service ? service : "");
	fg_error_hint(err, "Use one of %s.", fg_service_names());
	return FG_INVALID;
}

fg_rc
fg_schedule_add(fg_store *store, const char *institution, const char *service,
		const char *name, struct fg_schedule *out, struct fg_error *err)
{
	struct fg_institution inst;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_institution_find(store, institution, "institution", &inst, err);
	if (rc == FG_OK)
		rc = check_service(service, err);
	if (rc == FG_OK)
		rc = net_text_check(name, "name", true, sizeof(out->name) - 1, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "INSERT INTO schedule (institution_id, service, name)"
				      " VALUES (?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, inst.id);
	fg_stmt_bind_text(st, 2, service);
	fg_stmt_bind_text(st, 3, name);
	rc = fg_stmt_scalar_int64(st, &out->id, NULL, err);
	out->institution_id = inst.id;
	fg_strlcpy(out->service, service, sizeof(out->service));
	fg_strlcpy(out->name, name, sizeof(out->name));
	out->active = true;
	return rc;
}

fg_rc
fg_schedule_list(fg_store *store, int64_t institution_id, const char *service,
		 struct fg_arena *arena, struct fg_schedule_list *out, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (service != NULL && (rc = check_service(service, err)) != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "SELECT id, institution_id, service, name, active FROM schedule"
			      " WHERE (?1 = 0 OR institution_id = ?1) AND (?2 IS NULL OR service = ?2)"
			      " ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, institution_id);
	fg_stmt_bind_text(st, 2, service);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_schedule *s;

		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*s))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing schedules");
			break;
		}
		s = &out->items[out->count++];
		s->id = fg_stmt_int64(st, 0);
		s->institution_id = fg_stmt_int64(st, 1);
		fg_strlcpy(s->service, fg_stmt_text(st, 2), sizeof(s->service));
		fg_strlcpy(s->name, fg_stmt_text(st, 3), sizeof(s->name));
		s->active = fg_stmt_int64(st, 4) != 0;
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
insert_slots(fg_store *store, const struct fg_slot_input *in, int64_t institution_id,
	     int64_t start, int64_t *first, struct fg_error *err)
{
	char a[FG_NET_TIME_MAX], b[FG_NET_TIME_MAX];
	fg_stmt *st;
	fg_rc rc = FG_OK;

	for (int64_t i = 0; rc == FG_OK && i < in->count; i++) {
		int64_t id = 0, t = start + i * in->minutes;

		rc = fg_store_prepare(store, "INSERT INTO slot (schedule_id, institution_id, starts_at,"
				      " ends_at, capacity) VALUES (?, ?, ?, ?, ?) RETURNING id", &st, err);
		if (rc != FG_OK)
			break;
		fg_stmt_bind_int64(st, 1, in->schedule_id);
		fg_stmt_bind_int64(st, 2, institution_id);
		fg_stmt_bind_text(st, 3, fg_net_time_format(t, a));
		fg_stmt_bind_text(st, 4, fg_net_time_format(t + in->minutes, b));
		fg_stmt_bind_int64(st, 5, in->capacity);
		rc = fg_stmt_scalar_int64(st, &id, NULL, err);
		if (i == 0)
			*first = id;
	}
	return rc;
}

static fg_rc
check_range(int64_t v, int64_t lo, int64_t hi, const char *field, struct fg_error *err)
{
	if (v >= lo && v <= hi)
		return FG_OK;
	fg_error_set(err, FG_INVALID, field, "%s %lld is out of range", field, (long long)v);
	fg_error_detail(err, "It must lie between %lld and %lld.", (long long)lo, (long long)hi);
	return FG_INVALID;
}

fg_rc
fg_slot_add(fg_store *store, const struct fg_slot_input *in, int64_t *first,
	    struct fg_error *err)
{
	int64_t start = 0, institution_id = 0, active = 0;
	bool found = false;
	fg_stmt *st;
	fg_rc rc;

	*first = 0;
	rc = check_range(in->minutes, 1, FG_MINUTES_PER_DAY, "minutes", err);
	if (rc == FG_OK)
		rc = check_range(in->count, 1, 1000, "count", err);
	if (rc == FG_OK)
		rc = check_range(in->capacity, 0, 10000, "capacity", err);
	if (rc == FG_OK)
		rc = fg_net_time_parse(in->starts_at, "starts_at", &start, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "SELECT institution_id, active FROM schedule WHERE id = ?",
				      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, in->schedule_id);
	rc = fg_stmt_step(st, &found, err);
	if (found) {
		institution_id = fg_stmt_int64(st, 0);
		active = fg_stmt_int64(st, 1);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !found)
		return fg_error_set(err, FG_NOTFOUND, "schedule", "schedule %lld does not exist",
				    (long long)in->schedule_id);
	if (rc == FG_OK && !active)
		return fg_error_set(err, FG_INVALID, "schedule", "schedule %lld is closed",
				    (long long)in->schedule_id);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = insert_slots(store, in, institution_id, start, first, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
	return rc;
}

static fg_rc
read_slot(fg_stmt *st, struct fg_arena *arena, void *row, struct fg_error *err)
{
	struct fg_slot *out = row;

	out->id = fg_stmt_int64(st, 0);
	out->schedule_id = fg_stmt_int64(st, 1);
	out->institution_id = fg_stmt_int64(st, 2);
	fg_strlcpy(out->service, fg_stmt_text(st, 3), sizeof(out->service));
	fg_strlcpy(out->starts_at, fg_stmt_text(st, 4), sizeof(out->starts_at));
	fg_strlcpy(out->ends_at, fg_stmt_text(st, 5), sizeof(out->ends_at));
	out->capacity = fg_stmt_int64(st, 6);
	out->booked = fg_stmt_int64(st, 7);
	return FG_OK;
}

fg_rc
fg_slot_get(fg_store *store, int64_t id, struct fg_slot *out, struct fg_error *err)
{
	return net_fetch_one(store, "SELECT " SLOT_COLUMNS SLOT_FROM " WHERE s.id = ?", id, "slot",
			     read_slot, NULL, out, err);
}

static void
bind_time_bound(fg_stmt *st, int idx, int64_t minutes)
{
	char buf[FG_NET_TIME_MAX];

	if (minutes != 0)
		fg_stmt_bind_text(st, idx, fg_net_time_format(minutes, buf));
}

fg_rc
fg_slot_find(fg_store *store, const struct fg_slot_query *q, struct fg_arena *arena,
	     struct fg_slot_list *out, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->service != NULL && (rc = check_service(q->service, err)) != FG_OK)
		return rc;
	rc = fg_store_prepare(store, "SELECT " SLOT_COLUMNS SLOT_FROM
			      " WHERE sc.active = 1 AND (?1 IS NULL OR sc.service = ?1)"
			      " AND (?2 = 0 OR s.institution_id = ?2) AND (?3 = 0 OR s.schedule_id = ?3)"
			      " AND (?4 IS NULL OR s.starts_at >= ?4) AND (?5 IS NULL OR s.starts_at < ?5)"
			      " AND (?6 = 0 OR s.booked < s.capacity)"
			      " ORDER BY s.starts_at, s.id LIMIT ?7", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, q->service);
	fg_stmt_bind_int64(st, 2, q->institution_id);
	fg_stmt_bind_int64(st, 3, q->schedule_id);
	bind_time_bound(st, 4, q->from);
	bind_time_bound(st, 5, q->to);
	fg_stmt_bind_int64(st, 6, q->free_only ? 1 : 0);
	fg_stmt_bind_int64(st, 7, q->limit);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*out->items))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing slots");
			break;
		}
		read_slot(st, NULL, &out->items[out->count++], NULL);
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
read_appointment(fg_stmt *st, struct fg_arena *arena, void *row, struct fg_error *err)
{
	struct fg_appointment *out = row;

	memset(out, 0, sizeof(*out));
	out->id = fg_stmt_int64(st, 0);
	out->slot_id = fg_stmt_int64(st, 1);
	out->person_id = fg_stmt_int64(st, 2);
	fg_strlcpy(out->district, fg_stmt_text(st, 3), sizeof(out->district));
	out->institution_id = fg_stmt_int64(st, 4);
	out->slot_institution_id = fg_stmt_int64(st, 5);
	fg_strlcpy(out->service, fg_stmt_text(st, 6), sizeof(out->service));
	fg_strlcpy(out->state, fg_stmt_text(st, 7), sizeof(out->state));
	fg_strlcpy(out->starts_at, fg_stmt_text(st, 8), sizeof(out->starts_at));
	out->referral_id = fg_stmt_int64(st, 9);
	out->episode_id = fg_stmt_int64(st, 10);
	fg_strlcpy(out->booked_at, fg_stmt_text(st, 11), sizeof(out->booked_at));
	fg_strlcpy(out->person_name, fg_stmt_text(st, 12), sizeof(out->person_name));
	fg_strlcpy(out->phone, fg_stmt_text(st, 13), sizeof(out->phone));
	return FG_OK;
}

fg_rc
fg_appointment_get(fg_store *store, int64_t id, struct fg_appointment *out,
		   struct fg_error *err)
{
	return net_fetch_one(store, "SELECT " APPT_COLUMNS APPT_FROM " WHERE a.id = ?", id,
			     "appointment", read_appointment, NULL, out, err);
}

fg_rc
fg_appointment_find(fg_store *store, const struct fg_appointment_query *q,
		    struct fg_arena *arena, struct fg_appointment_list *out, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(store, "SELECT " APPT_COLUMNS APPT_FROM
			      " WHERE (?1 = 0 OR a.person_id = ?1) AND (?2 = 0 OR s.institution_id = ?2)"
			      " AND (?3 = 0 OR a.slot_id = ?3) AND (?4 IS NULL OR a.state = ?4)"
			      " AND (?5 IS NULL OR s.starts_at >= ?5) AND (?6 IS NULL OR s.starts_at < ?6)"
			      " AND (?8 = 0 OR a.institution_id = ?8 OR s.institution_id = ?8"
			      "   OR a.referral_id IN (SELECT r.id FROM referral r WHERE r.institution_id = ?8))"
			      " ORDER BY s.starts_at, a.id LIMIT ?7", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, q->person_id);
	fg_stmt_bind_int64(st, 2, q->institution_id);
	fg_stmt_bind_int64(st, 3, q->slot_id);
	fg_stmt_bind_text(st, 4, q->state);
	bind_time_bound(st, 5, q->from);
	bind_time_bound(st, 6, q->to);
	fg_stmt_bind_int64(st, 7, q->limit);
	fg_stmt_bind_int64(st, 8, q->involving);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*out->items))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing appointments");
			break;
		}
		read_appointment(st, NULL, &out->items[out->count++], NULL);
	}
	fg_stmt_reset(st);
	return rc;
}

/* The slot must not have begun at `now`. */
static fg_rc
check_slot_open(const struct fg_slot *slot, int64_t now, struct fg_error *err)
{
	int64_t start = 0;
	char t[FG_NET_TIME_MAX];
	fg_rc rc = fg_net_time_parse(slot->starts_at, "starts_at", &start, err);

	if (rc == FG_OK && start <= now) {
		fg_error_set(err, FG_INVALID, "slot", "slot %lld began at %s", (long long)slot->id,
			     slot->starts_at);
		fg_error_detail(err, "It is now %s; only slots yet to begin can be booked.",
				fg_net_time_format(now, t));
		rc = FG_INVALID;
	}
	return rc;
}

/* Take one place of slot_id: refused (FG_CONFLICT) when the slot is full. */
static fg_rc
take_place(fg_store *store, const struct fg_slot *slot, struct fg_error *err)
{
	int64_t booked = 0;
	bool found = false;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "UPDATE slot SET booked = booked + 1"
			      " WHERE id = ? AND booked < capacity RETURNING booked", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, slot->id);
	rc = fg_stmt_scalar_int64(st, &booked, &found, err);
	if (rc == FG_OK && !found) {
		fg_error_set(err, FG_CONFLICT, "slot", "slot %lld is full", (long long)slot->id);
		fg_error_detail(err, "All %lld places of the slot at %s are booked.",
				(long long)slot->capacity, slot->starts_at);
		fg_error_hint(err, "Find a free slot with \"fangai slot find --free\".");
		rc = FG_CONFLICT;
	}
	return rc;
}

static fg_rc
free_place(fg_store *store, int64_t slot_id, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "UPDATE slot SET booked = booked - 1 WHERE id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, slot_id);
	return net_exec(st, err);
}

/* Refuse a second live appointment of the person in the slot. */
static fg_rc
check_not_booked(fg_store *store, int64_t slot_id, int64_t person_id, struct fg_error *err)
{
	int64_t id = 0;
	bool found = false;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "SELECT id FROM appointment WHERE slot_id = ? AND person_id = ?"
			      " AND state IN ('booked', 'attended', 'no_show')", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, slot_id);
	fg_stmt_bind_int64(st, 2, person_id);
	rc = fg_stmt_scalar_int64(st, &id, &found, err);
	if (rc == FG_OK && found)
		rc = fg_error_set(err, FG_CONFLICT, "person",
				  "person %lld is booked into slot %lld already (appointment %lld)",
				  (long long)person_id, (long long)slot_id, (long long)id);
	return rc;
}

static fg_rc
insert_appointment(fg_store *store, const struct fg_booking_input *in, const struct fg_person *p,
		   int64_t institution_id, int64_t slot_id, int64_t now, int64_t *id,
		   struct fg_error *err)
{
	char at[FG_NET_TIME_MAX], stamp[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "INSERT INTO appointment (district, slot_id, person_id,"
			      " institution_id, state, referral_id, episode_id, booked_at, updated_at, note)"
			      " VALUES (?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?) RETURNING id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, p->district);
	fg_stmt_bind_int64(st, 2, slot_id);
	fg_stmt_bind_int64(st, 3, p->id);
	fg_stmt_bind_int64(st, 4, institution_id);
	if (in->referral_id)
		fg_stmt_bind_int64(st, 5, in->referral_id);
	if (in->episode_id)
		fg_stmt_bind_int64(st, 6, in->episode_id);
	fg_stmt_bind_text(st, 7, fg_net_time_format(now, at));
	fg_stmt_bind_text(st, 8, fg_utc_now(stamp));
	fg_stmt_bind_text(st, 9, in->note && *in->note ? in->note : NULL);
	rc = fg_stmt_scalar_int64(st, id, NULL, err);
	if (rc == FG_CONFLICT)
		rc = fg_error_set(err, FG_CONFLICT, "person", "person %lld is booked into slot %lld already",
				  (long long)p->id, (long long)slot_id);
	return rc;
}

fg_rc
net_booking_book_tx(fg_store *store, const struct fg_booking_input *in, int64_t now,
		    struct fg_appointment *out, struct fg_error *err)
{
	struct fg_institution inst;
	struct fg_person p;
	struct fg_slot slot;
	int64_t slot_id = 0, id = 0;
	fg_rc rc;

	rc = net_id_parse(in->slot, "slot", false, &slot_id, err);
	if (rc == FG_OK)
		rc = fg_slot_get(store, slot_id, &slot, err);
	if (rc == FG_OK)
		rc = net_person_find(store, in->person, "person", &p, err);
	if (rc == FG_OK && in->institution && *in->institution)
		rc = fg_institution_find(store, in->institution, "institution", &inst, err);
	else
		inst.id = p.institution_id;
	if (rc == FG_OK)
		rc = net_text_check(in->note, "note", false, 1024, err);
	if (rc == FG_OK)
		rc = net_check_owner(store, "SELECT person_id FROM referral WHERE id = ?",
				     in->referral_id, p.id, "referral", err);
	if (rc == FG_OK)
		rc = net_check_owner(store, "SELECT person_id FROM screening_episode WHERE id = ?",
				     in->episode_id, p.id, "episode", err);
	if (rc == FG_OK)
		rc = check_slot_open(&slot, now, err);
	if (rc == FG_OK)
		rc = check_not_booked(store, slot.id, p.id, err);
	if (rc == FG_OK)
		rc = take_place(store, &slot, err);
	if (rc == FG_OK)
		rc = insert_appointment(store, in, &p, inst.id, slot.id, now, &id, err);
	if (rc == FG_OK && in->episode_id)
		rc = fg_screen_episode_book(store, in->episode_id, fg_net_time_date(now), err);
	if (rc == FG_OK)
		rc = fg_appointment_get(store, id, out, err);
	return rc;
}

/*
 * Finish a transaction that began with rc_begin and whose body returned
 * rc_body: commit it, or roll it back when the body failed.
 */
static fg_rc
in_transaction(fg_store *store, fg_rc rc_begin, fg_rc rc_body, struct fg_error *err)
{
	if (rc_begin != FG_OK)
		return rc_begin;
	if (rc_body != FG_OK) {
		fg_store_rollback(store);
		return rc_body;
	}
	return fg_store_commit(store, err);
}

fg_rc
fg_booking_book(fg_store *store, const struct fg_booking_input *in, int64_t now,
		struct fg_appointment *out, struct fg_error *err)
{
	fg_rc begun = fg_store_begin(store, err);

	return in_transaction(store, begun,
			      begun == FG_OK ? net_booking_book_tx(store, in, now, out, err) : begun,
			      err);
}

static fg_rc
require_booked(const struct fg_appointment *a, const char *action, struct fg_error *err)
{
	if (strcmp(a->state, "booked") == 0)
		return FG_OK;
	fg_error_set(err, FG_CONFLICT, "state", "cannot %s appointment %lld: it is %s", action,
		     (long long)a->id, a->state);
	fg_error_detail(err, "Only a booked appointment can be rescheduled, cancelled, attended or missed.");
	return FG_CONFLICT;
}

static fg_rc
set_appointment(fg_store *store, int64_t id, const char *state, int64_t slot_id,
		const char *note, struct fg_error *err)
{
	char stamp[32];
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(store, "UPDATE appointment SET state = ?, slot_id = ?,"
			      " note = coalesce(?, note), updated_at = ? WHERE id = ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, state);
	fg_stmt_bind_int64(st, 2, slot_id);
	fg_stmt_bind_text(st, 3, note && *note ? note : NULL);
	fg_stmt_bind_text(st, 4, fg_utc_now(stamp));
	fg_stmt_bind_int64(st, 5, id);
	return net_exec(st, err);
}

/* A scheduled referral follows its appointment to the new slot. */
static fg_rc
move_referral(fg_store *store, int64_t referral_id, const char *starts_at, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc;

	if (referral_id == 0)
		return FG_OK;
	rc = fg_store_prepare(store, "UPDATE referral SET appointment_at = ?, version = version + 1"
			      " WHERE id = ? AND state = 'scheduled'", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, starts_at);
	fg_stmt_bind_int64(st, 2, referral_id);
	return net_exec(st, err);
}

static fg_rc
reschedule_tx(fg_store *store, int64_t id, const char *slot_text, int64_t now,
	      struct fg_appointment *out, struct fg_error *err)
{
	struct fg_appointment a;
	struct fg_slot slot;
	int64_t slot_id = 0;
	fg_rc rc;

	rc = fg_appointment_get(store, id, &a, err);
	if (rc == FG_OK)
		rc = require_booked(&a, "reschedule", err);
	if (rc == FG_OK)
		rc = net_id_parse(slot_text, "slot", false, &slot_id, err);
	if (rc == FG_OK)
		rc = fg_slot_get(store, slot_id, &slot, err);
	if (rc != FG_OK)
		return rc;
	if (slot.id == a.slot_id)
		return fg_error_set(err, FG_INVALID, "slot", "appointment %lld is in slot %lld already",
				    (long long)id, (long long)slot.id);
	if (strcmp(slot.service, a.service) != 0)
		return fg_error_set(err, FG_INVALID, "slot",
				    "slot %lld is for %s, but appointment %lld is for %s",
				    (long long)slot.id, slot.service, (long long)id, a.service);
	rc = check_slot_open(&slot, now, err);
	if (rc == FG_OK)
		rc = check_not_booked(store, slot.id, a.person_id, err);
	if (rc == FG_OK)
		rc = take_place(store, &slot, err);
	if (rc == FG_OK)
		rc = free_place(store, a.slot_id, err);
	if (rc == FG_OK)
		rc = set_appointment(store, id, "booked", slot.id, NULL, err);
	if (rc == FG_OK)
		rc = move_referral(store, a.referral_id, slot.starts_at, err);
	if (rc == FG_OK)
		rc = fg_appointment_get(store, id, out, err);
	return rc;
}

fg_rc
fg_booking_reschedule(fg_store *store, int64_t appointment_id, const char *slot, int64_t now,
		      struct fg_appointment *out, struct fg_error *err)
{
	fg_rc begun = fg_store_begin(store, err);

	return in_transaction(store, begun,
			      begun == FG_OK ? reschedule_tx(store, appointment_id, slot, now, out, err)
					     : begun,
			      err);
}

/* Attending the appointment of a scheduled referral is the referral's attendance. */
static fg_rc
attend_referral(fg_store *store, int64_t referral_id, int64_t now, struct fg_error *err)
{
	bool scheduled = false;
	int64_t one = 0;
	fg_stmt *st;
	fg_rc rc;

	if (referral_id == 0)
		return FG_OK;
	rc = fg_store_prepare(store, "SELECT 1 FROM referral WHERE id = ? AND state = 'scheduled'",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, referral_id);
	rc = fg_stmt_scalar_int64(st, &one, &scheduled, err);
	if (rc == FG_OK && scheduled)
		rc = net_referral_attend_tx(store, referral_id, now, err);
	return rc;
}

static fg_rc
close_tx(fg_store *store, int64_t id, const char *action, const char *reason, int64_t now,
	 struct fg_appointment *out, struct fg_error *err)
{
	static const struct {
		const char *action, *state;
		bool after_start;
	} closes[] = {
		{"cancel", "cancelled", false},
		{"attend", "attended", true},
		{"no_show", "no_show", true},
	};
	struct fg_appointment a;
	int64_t start = 0;
	size_t k;
	fg_rc rc;

	for (k = 0; k < sizeof(closes) / sizeof(closes[0]); k++)
		if (action != NULL && strcmp(action, closes[k].action) == 0)
			break;
	if (k == sizeof(closes) / sizeof(closes[0]))
		return fg_error_set(err, FG_INVALID, "action", "invalid appointment action \"%s\"",
				    action ? action : "");
	rc = fg_appointment_get(store, id, &a, err);
	if (rc == FG_OK)
		rc = require_booked(&a, action, err);
	if (rc == FG_OK)
		rc = net_text_check(reason, "reason", false, 1024, err);
	if (rc == FG_OK)
		rc = fg_net_time_parse(a.starts_at, "starts_at", &start, err);
	if (rc != FG_OK)
		return rc;
	if (closes[k].after_start && now < start)
		return fg_error_set(err, FG_INVALID, "appointment",
				    "appointment %lld has not begun: its slot starts at %s",
				    (long long)id, a.starts_at);
	if (strcmp(action, "cancel") == 0)
		rc = free_place(store, a.slot_id, err);
	if (rc == FG_OK)
		rc = set_appointment(store, id, closes[k].state, a.slot_id, reason, err);
	if (rc == FG_OK && strcmp(action, "attend") == 0)
		rc = attend_referral(store, a.referral_id, now, err);
	if (rc == FG_OK && strcmp(action, "attend") != 0 && a.episode_id)
		rc = fg_screen_episode_unbook(store, a.episode_id, err);	/* cancelled or missed */
	if (rc == FG_OK)
		rc = fg_appointment_get(store, id, out, err);
	return rc;
}

fg_rc
fg_booking_close(fg_store *store, int64_t appointment_id, const char *action,
		 const char *reason, int64_t now, struct fg_appointment *out, struct fg_error *err)
{
	fg_rc begun = fg_store_begin(store, err);

	return in_transaction(store, begun,
			      begun == FG_OK ? close_tx(store, appointment_id, action, reason, now, out, err)
					     : begun,
			      err);
}

fg_rc
net_booking_cancel_referral_tx(fg_store *store, int64_t referral_id, int64_t now,
			       struct fg_error *err)
{
	int64_t id = 0;
	bool found = true;
	fg_stmt *st;
	fg_rc rc = FG_OK;

	while (rc == FG_OK && found) {
		struct fg_appointment a;

		rc = fg_store_prepare(store, "SELECT id FROM appointment WHERE referral_id = ?"
				      " AND state = 'booked' ORDER BY id LIMIT 1", &st, err);
		if (rc != FG_OK)
			break;
		fg_stmt_bind_int64(st, 1, referral_id);
		rc = fg_stmt_scalar_int64(st, &id, &found, err);
		if (rc == FG_OK && found)
			rc = close_tx(store, id, "cancel", "referral rescheduled or cancelled", now, &a, err);
	}
	return rc;
}
