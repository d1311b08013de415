/*
 * api_booking.c
 *	  Booking on the network's schedules: GET /api/slots finds published
 *	  slots (no personal data); POST /api/appointments books a person in
 *	  the caller's scope into a slot for the caller's institution; GET
 *	  /api/appointments/{id} reads one (the person's phone masked unless
 *	  unmasking is asked for and allowed) and POST
 *	  /api/appointments/{id}/{action} cancels it or records attendance or
 *	  a no-show, or moves it to another slot (reschedule).  GET
 *	  /api/appointments lists the appointments an institution booked,
 *	  holds or referred the person to, and /api/appointments/reminders
 *	  the booked ones of the next days (phones unmasked on request, for
 *	  those allowed).  An
 *	  appointment is visible to the institutions that booked it or hold
 *	  the slot, and to those who may see its person.
 */
#include <string.h>

#include "fangai/booking.h"
#include "fangai/nettime.h"
#include "fangai/util.h"
#include "api_clinical.h"

json_object *
json_slot(const struct fg_slot *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(s->id));
	json_object_object_add(o, "schedule_id", json_object_new_int64(s->schedule_id));
	json_object_object_add(o, "institution_id", json_object_new_int64(s->institution_id));
	json_object_object_add(o, "service", json_object_new_string(s->service));
	json_object_object_add(o, "starts_at", json_object_new_string(s->starts_at));
	json_object_object_add(o, "ends_at", json_object_new_string(s->ends_at));
	json_object_object_add(o, "capacity", json_object_new_int64(s->capacity));
	json_object_object_add(o, "booked", json_object_new_int64(s->booked));
	return o;
}

/* A time query argument in minutes (0 when absent); replies 400 naming it and returns false. */
static bool
query_time(struct request *req, const char *name, int64_t *out)
{
	const char *text = req_query(req, name);
	struct fg_error err;

	*out = 0;
	if (text == NULL || fg_net_time_parse(text, name, out, &err) == FG_OK)
		return true;
	reply_error(req, 400, name, err.message, NULL, "Give a time as YYYY-MM-DDTHH:MM.");
	return false;
}

void
api_slots_find(struct request *req)
{
	struct fg_slot_query q = {.service = req_query(req, "service")};
	struct fg_slot_list list;
	struct fg_error err;
	json_object *items;
	bool bad = false;

	if (!req_query_int(req, "institution", 0, INT64_MAX, 0, &q.institution_id) ||
	    !req_query_int(req, "schedule", 0, INT64_MAX, 0, &q.schedule_id) ||
	    !req_query_int(req, "limit", 1, 1000, 50, &q.limit) || !query_time(req, "from", &q.from) ||
	    !query_time(req, "to", &q.to))
		return;
	q.free_only = req_query_flag(req, "free", &bad);
	if (bad)
		return;
	if (!schedule_service_arg(req, "service", q.service))
		return;
	if (fg_slot_find(req->store, &q, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_slot(&list.items[i]));
	reply_json(req, 200, json_page(items, (int64_t)list.count, q.limit, 0));
}

static json_object *
json_appointment(const struct fg_appointment *a, bool unmask)
{
	json_object *o = json_object_new_object();
	char phone[sizeof(a->phone)];

	if (unmask)
		fg_strlcpy(phone, a->phone, sizeof(phone));
	else
		fg_mask_phone(a->phone, phone, sizeof(phone));
	json_object_object_add(o, "id", json_object_new_int64(a->id));
	json_object_object_add(o, "slot_id", json_object_new_int64(a->slot_id));
	json_object_object_add(o, "person_id", json_object_new_int64(a->person_id));
	json_object_object_add(o, "person_name", json_object_new_string(a->person_name));
	json_object_object_add(o, "phone", a->phone[0] ? json_object_new_string(phone) : NULL);
	json_object_object_add(o, "institution_id", json_object_new_int64(a->institution_id));
	json_object_object_add(o, "slot_institution_id", json_object_new_int64(a->slot_institution_id));
	json_object_object_add(o, "service", json_object_new_string(a->service));
	json_object_object_add(o, "state", json_object_new_string(a->state));
	json_object_object_add(o, "starts_at", json_object_new_string(a->starts_at));
	json_object_object_add(o, "referral_id", a->referral_id ? json_object_new_int64(a->referral_id) : NULL);
	json_object_object_add(o, "episode_id", a->episode_id ? json_object_new_int64(a->episode_id) : NULL);
	json_object_object_add(o, "booked_at", json_object_new_string(a->booked_at));
	json_object_object_add(o, "masked", json_object_new_boolean(!unmask));
	return o;
}

fg_rc
appointment_scope(struct request *req, const struct fg_appointment *a, struct fg_error *err)
{
	struct fg_person p;

	if (req->scope.region || a->institution_id == req->scope.institution_id ||
	    a->slot_institution_id == req->scope.institution_id)
		return FG_OK;
	return fg_scope_person_get(req->store, &req->scope, a->person_id, &p, err);
}

bool
appointment_in_scope(struct request *req, const char *kind, int64_t id, struct fg_appointment *out)
{
	struct fg_error err;
	fg_rc rc;

	rc = fg_appointment_get(req->store, id, out, &err);
	if (rc == FG_OK)
		rc = appointment_scope(req, out, &err);
	return read_finish(req, rc, kind, id, &err);
}

void
api_appointments_get(struct request *req)
{
	struct fg_appointment a;
	bool unmask, refused;
	int64_t id;

	if (!req_param_id(req, 0, "appointment", &id))
		return;
	unmask = req_unmask(req, &refused);
	if (refused)
		return;
	if (appointment_in_scope(req, "appointment", id, &a))
		reply_json(req, 200, json_appointment(&a, unmask));
}

/* The appointments of q the request may see, as a page; audited as a search of kind. */
static void
reply_appointments(struct request *req, const char *kind, struct fg_appointment_query *q)
{
	static const char *const states[] = {"booked", "attended", "no_show", "cancelled", NULL};
	struct fg_appointment_list list;
	struct fg_error err;
	json_object *items;
	bool unmask, refused;
	size_t k = 0;
	fg_rc rc;

	while (q->state != NULL && states[k] != NULL && strcmp(states[k], q->state) != 0)
		k++;
	if (q->state != NULL && states[k] == NULL) {
		reply_error(req, 400, "state", fg_arena_printf(req->arena, "invalid appointment state \"%.32s\"",
							       q->state),
			    NULL, "Use booked, attended, no_show or cancelled.");
		return;
	}
	unmask = req_unmask(req, &refused);
	if (refused)
		return;
	if (!req->scope.region)
		q->involving = req->scope.institution_id;
	rc = fg_appointment_find(req->store, q, req->arena, &list, &err);
	audit_note(req, "search", audit_result(rc), "%s?person=%lld&institution=%lld&state=%s&n=%zu%s", kind,
		   (long long)q->person_id, (long long)q->institution_id, q->state ? q->state : "",
		   rc == FG_OK ? list.count : 0, unmask ? "&unmask=1" : "");
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_appointment(&list.items[i], unmask));
	reply_json(req, 200, json_page(items, (int64_t)list.count, q->limit, 0));
}

void
api_appointments_list(struct request *req)
{
	struct fg_appointment_query q = {.state = req_query(req, "state")};

	if (!req_query_int(req, "person", 0, INT64_MAX, 0, &q.person_id) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &q.institution_id) ||
	    !req_query_int(req, "slot", 0, INT64_MAX, 0, &q.slot_id) ||
	    !req_query_int(req, "limit", 1, 10000, 100, &q.limit) || !query_time(req, "from", &q.from) ||
	    !query_time(req, "to", &q.to))
		return;
	reply_appointments(req, "appointment", &q);
}

void
api_appointments_reminders(struct request *req)
{
	struct fg_appointment_query q = {.state = "booked"};
	int64_t days;

	if (!req_query_int(req, "days", 1, 60, 2, &days) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &q.institution_id) ||
	    !req_query_int(req, "limit", 1, 10000, 1000, &q.limit))
		return;
	q.from = fg_net_now();
	q.to = q.from + days * 24 * 60;
	reply_appointments(req, "appointment-reminders", &q);
}

static const char *const booking_members[] = {"slot", "person", "referral", "episode", "note", NULL};

/* An optional positive id member as text; 0 when absent.  FG_INVALID naming it. */
static fg_rc
optional_id(const char *text, const char *field, int64_t *out, struct fg_error *err)
{
	*out = 0;
	return text == NULL ? FG_OK : fg_parse_int64(text, field, 1, INT64_MAX, out, err);
}

struct booking {
	const struct fg_booking_input *in;
	struct fg_appointment *out;
};

static fg_rc
create_appointment(struct request *req, void *ctx, int64_t *id, struct fg_error *err)
{
	struct booking *b = ctx;
	fg_rc rc = b->in->slot == NULL ? fg_error_set(err, FG_INVALID, "slot", "slot is missing")
				       : fg_booking_book(req->store, b->in, fg_net_now(), b->out, err);

	*id = b->out->id;
	return rc;
}

fg_rc
appointment_book(struct request *req, struct fg_booking_input *in, struct fg_appointment *out,
		 struct fg_error *err)
{
	struct booking b = {in, out};
	int64_t id;

	memset(out, 0, sizeof(*out));
	return write_create(req, in->person, "institution", &in->institution, "appointment", create_appointment, &b,
			    &id, err);
}

void
api_appointments_create(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_booking_input in = {0};
	const char *referral = NULL, *episode = NULL;
	struct fg_appointment a = {0};
	struct fg_error err;
	fg_rc rc;

	if (body == NULL)
		return;
	if (!json_only_members(req, body, booking_members) || !json_get_string(req, body, "slot", &in.slot) ||
	    !json_get_string(req, body, "person", &in.person) ||
	    !json_get_string(req, body, "referral", &referral) ||
	    !json_get_string(req, body, "episode", &episode) || !json_get_string(req, body, "note", &in.note))
		goto out;
	fg_error_clear(&err);
	rc = optional_id(referral, "referral", &in.referral_id, &err);
	if (rc == FG_OK)
		rc = optional_id(episode, "episode", &in.episode_id, &err);
	if (rc == FG_OK)
		rc = appointment_book(req, &in, &a, &err);
	else
		audit_note(req, "create", audit_result(rc), "appointment");
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "/api/appointments/%lld", (long long)a.id));
	reply_json(req, 201, json_appointment(&a, false));
out:
	json_object_put(body);
}

void
api_appointments_action(struct request *req)
{
	static const char *const actions[] = {"cancel", "attend", "no_show", "reschedule", NULL};
	static const char *const members[] = {"reason", "slot", NULL};
	const char *action = req->params[1], *reason = NULL, *slot = NULL, *resource;
	json_object *body = NULL;
	struct fg_appointment a;
	struct fg_error err;
	size_t k = 0;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, "appointment", &id))
		return;
	while (actions[k] && strcmp(actions[k], action) != 0)
		k++;
	if (actions[k] == NULL) {
		reply_error(req, 404, "action", fg_arena_printf(req->arena, "appointment action \"%.32s\" does not exist",
								action),
			    NULL, "Use cancel, attend, no_show or reschedule.");
		return;
	}
	if ((body = req_json_body(req)) == NULL)
		return;
	if (!json_only_members(req, body, members) || !json_get_string(req, body, "reason", &reason) ||
	    !json_get_string(req, body, "slot", &slot))
		goto out;
	fg_error_clear(&err);
	resource = fg_arena_printf(req->arena, "appointment/%lld", (long long)id);
	rc = write_begin(req, &err);
	if (rc == FG_OK) {
		rc = fg_appointment_get(req->store, id, &a, &err);
		if (rc == FG_OK)
			rc = appointment_scope(req, &a, &err);
		if (rc == FG_OK && strcmp(action, "reschedule") == 0)
			rc = slot == NULL ? fg_error_set(&err, FG_INVALID, "slot", "slot is missing")
					  : fg_booking_reschedule(req->store, id, slot, fg_net_now(), &a, &err);
		else if (rc == FG_OK)
			rc = fg_booking_close(req->store, id, action, reason, fg_net_now(), &a, &err);
		rc = write_finish(req, rc, action, resource, resource, &err);
	}
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_json(req, 200, json_appointment(&a, false));
out:
	json_object_put(body);
}
