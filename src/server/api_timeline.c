/*
 * api_timeline.c
 *	  GET /api/persons/{id}/timeline: a person's history for the web UI,
 *	  oldest first: screening episodes with their questionnaires and
 *	  exams, tumours with their stage and treatments, referrals,
 *	  consultations, appointments, follow-up visits due or done with their
 *	  outcome, and the vital status.  The person must
 *	  be within the request's scope (404 otherwise, as for the person).
 */
#include <stdlib.h>
#include <string.h>

#include "fangai/booking.h"
#include "fangai/consult.h"
#include "fangai/followup.h"
#include "fangai/referral.h"
#include "fangai/screening.h"
#include "fangai/tumour.h"
#include "server.h"

#define TIMELINE_MAX 200

/* A timeline event {date, kind, id, key: value...} added to events. */
static json_object *
add_event(json_object *events, const char *date, const char *kind, int64_t id)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "date", json_object_new_string(date));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_array_add(events, o);
	return o;
}

static void
add_text(json_object *o, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		json_object_object_add(o, key, json_object_new_string(value));
}

static fg_rc
add_tumours(struct request *req, int64_t person, json_object *events, struct fg_error *err)
{
	struct fg_tumour_list tl;
	struct fg_treatment_list rl;
	char date[FG_DATE_TEXT_MAX];
	fg_rc rc = fg_tumour_list(req->store, person, TIMELINE_MAX, req->arena, &tl, err);

	for (size_t i = 0; rc == FG_OK && i < tl.count; i++) {
		const struct fg_tumour *t = &tl.items[i];
		json_object *o = add_event(events, fg_date_format(t->incidence, date), "tumour", t->id);

		add_text(o, "topography", t->topography);
		add_text(o, "icd10", t->icd10);
		json_object_object_add(o, "morphology", json_object_new_int(t->morphology));
		json_object_object_add(o, "behaviour", json_object_new_int(t->behaviour));
		add_text(o, "stage", t->stage);
		json_object_object_add(o, "institution_id", json_object_new_int64(t->institution_id));
		rc = fg_treatment_list(req->store, t->id, req->arena, &rl, err);
		for (size_t j = 0; rc == FG_OK && j < rl.count; j++) {
			json_object *x = add_event(events, fg_date_format(rl.items[j].start, date), "treatment",
						   rl.items[j].id);

			add_text(x, "treatment", rl.items[j].kind);
			json_object_object_add(x, "tumour_id", json_object_new_int64(t->id));
			json_object_object_add(x, "institution_id", json_object_new_int64(rl.items[j].institution_id));
		}
	}
	return rc;
}

static fg_rc
add_network(struct request *req, int64_t person, json_object *events, struct fg_error *err)
{
	struct fg_referral_query rq = {.person_id = person, .limit = TIMELINE_MAX};
	struct fg_consult_query cq = {.person_id = person, .limit = TIMELINE_MAX};
	struct fg_appointment_query aq = {.person_id = person, .limit = TIMELINE_MAX};
	struct fg_referral_list rl;
	struct fg_consult_list cl;
	struct fg_appointment_list al;
	fg_rc rc = fg_referral_list(req->store, &rq, req->arena, &rl, err);

	for (size_t i = 0; rc == FG_OK && i < rl.count; i++) {
		const struct fg_referral *r = &rl.items[i];
		json_object *o = add_event(events, r->requested_at, "referral", r->id);

		add_text(o, "state", r->state);
		add_text(o, "referral", r->kind);
		json_object_object_add(o, "from_institution_id", json_object_new_int64(r->from_institution_id));
		json_object_object_add(o, "to_institution_id", json_object_new_int64(r->to_institution_id));
	}
	if (rc == FG_OK)
		rc = fg_consult_list(req->store, &cq, req->arena, &cl, err);
	for (size_t i = 0; rc == FG_OK && i < cl.count; i++) {
		json_object *o = add_event(events, cl.items[i].requested_at, "consultation", cl.items[i].id);

		add_text(o, "state", cl.items[i].state);
		add_text(o, "consultation", cl.items[i].kind);
		json_object_object_add(o, "institution_id", json_object_new_int64(cl.items[i].institution_id));
	}
	if (rc == FG_OK)
		rc = fg_appointment_find(req->store, &aq, req->arena, &al, err);
	for (size_t i = 0; rc == FG_OK && i < al.count; i++) {
		json_object *o = add_event(events, al.items[i].starts_at, "appointment", al.items[i].id);

		add_text(o, "state", al.items[i].state);
		add_text(o, "service", al.items[i].service);
		json_object_object_add(o, "institution_id", json_object_new_int64(al.items[i].slot_institution_id));
	}
	return rc;
}

static fg_rc
add_screening(struct request *req, int64_t person, json_object *events, struct fg_error *err)
{
	struct fg_screen_events sl;
	char date[FG_DATE_TEXT_MAX];
	fg_rc rc = fg_screen_history(req->store, person, TIMELINE_MAX, req->arena, &sl, err);

	for (size_t i = 0; rc == FG_OK && i < sl.count; i++) {
		const struct fg_screen_event *e = &sl.items[i];
		json_object *o = add_event(events, fg_date_format(e->on, date), e->kind, e->id);

		add_text(o, "programme", e->programme);
		add_text(o, "state", e->state);
		add_text(o, "exam_type", e->exam_type);
		add_text(o, "category", e->category);
		if (e->closed != FG_DATE_NONE)
			add_text(o, "closed", fg_date_format(e->closed, date));
		if (e->flag >= 0)
			json_object_object_add(o, strcmp(e->kind, "exam") == 0 ? "positive" : "high_risk",
					       json_object_new_boolean(e->flag));
		json_object_object_add(o, "episode_id", json_object_new_int64(e->episode_id));
		json_object_object_add(o, "institution_id", json_object_new_int64(e->institution_id));
	}
	return rc;
}

/* The follow-up visits closed or due by today: on the contact day when closed, else the due day. */
static fg_rc
add_followup(struct request *req, int64_t person, json_object *events, struct fg_error *err)
{
	struct fg_visit_records vl;
	char date[FG_DATE_TEXT_MAX];
	fg_rc rc = fg_followup_visits_of(req->store, person, fg_date_today(), TIMELINE_MAX, req->arena, &vl, err);

	for (size_t i = 0; rc == FG_OK && i < vl.count; i++) {
		const struct fg_visit_record *v = &vl.items[i];
		bool open = v->contacted == FG_DATE_NONE;
		json_object *o = add_event(events, fg_date_format(open ? v->due : v->contacted, date), "followup",
					   v->id);

		add_text(o, "plan", v->plan_code);
		json_object_object_add(o, "seq", json_object_new_int(v->seq));
		add_text(o, "due", fg_date_format(v->due, date));
		add_text(o, "state", open ? "open" : v->outcome);
		add_text(o, "method", v->method);
		add_text(o, "cause_icd10", v->cause_icd10);
		json_object_object_add(o, "attempts", json_object_new_int(v->attempts));
		json_object_object_add(o, "institution_id", json_object_new_int64(v->institution_id));
	}
	return rc;
}

static int
by_date(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;

	return strcmp(json_object_get_string(json_object_object_get(x, "date")),
		      json_object_get_string(json_object_object_get(y, "date")));
}

void
api_persons_timeline(struct request *req)
{
	struct fg_person p;
	struct fg_error err;
	json_object *events = json_object_new_array(), *o;
	char date[FG_DATE_TEXT_MAX];
	bool unmask;

	if (!person_read(req, "person", &p, &unmask)) {
		json_object_put(events);
		return;
	}
	add_event(events, fg_date_format(p.birth_date, date), "birth", p.id);
	if (p.death_date != FG_DATE_NONE)
		add_event(events, fg_date_format(p.death_date, date), "death", p.id);
	if (add_screening(req, p.id, events, &err) != FG_OK || add_tumours(req, p.id, events, &err) != FG_OK ||
	    add_network(req, p.id, events, &err) != FG_OK || add_followup(req, p.id, events, &err) != FG_OK) {
		json_object_put(events);
		reply_fg_error(req, &err);
		return;
	}
	json_object_array_sort(events, by_date);
	o = json_object_new_object();
	json_object_object_add(o, "person", json_person(&p, unmask));
	json_object_object_add(o, "events", events);
	reply_json(req, 200, o);
}
