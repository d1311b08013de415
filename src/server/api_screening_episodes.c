/*
 * api_screening_episodes.c
 *	  Screening episodes over the JSON API: POST /api/screening/enrolments
 *	  enrols (and by default invites) one person into a programme, POST
 *	  /api/screening/invitations records the invitation of a person
 *	  enrolled as eligible, GET /api/screening/episodes lists the episodes
 *	  of a person or an institution with paging, and GET
 *	  /api/screening/episodes/{id} reads one.  Users outside the cancer
 *	  centre write for and read their own institution's episodes only.
 *	  Every call is audited.
 */
#include <string.h>

#include "fangai/screening.h"
#include "fangai/util.h"
#include "api_clinical.h"

static void
add_date(json_object *o, const char *name, fg_date d)
{
	char text[FG_DATE_TEXT_MAX];

	json_object_object_add(o, name, d == FG_DATE_NONE ? NULL : json_object_new_string(fg_date_format(d, text)));
}

static void
add_text(json_object *o, const char *name, const char *v)
{
	json_object_object_add(o, name, v[0] ? json_object_new_string(v) : NULL);
}

json_object *
json_screen_episode(const struct fg_screen_episode *e)
{
	json_object *o = json_object_new_object();
	char sex[2] = {e->sex, '\0'};

	json_object_object_add(o, "id", json_object_new_int64(e->id));
	json_object_object_add(o, "person_id", json_object_new_int64(e->person_id));
	json_object_object_add(o, "institution_id", json_object_new_int64(e->institution_id));
	json_object_object_add(o, "district", json_object_new_string(e->district));
	json_object_object_add(o, "programme", json_object_new_string(e->programme));
	json_object_object_add(o, "programme_version", json_object_new_string(e->version));
	json_object_object_add(o, "state", json_object_new_string(e->state));
	add_text(o, "end_code", e->end_code);
	json_object_object_add(o, "sex", json_object_new_string(sex));
	json_object_object_add(o, "age", json_object_new_int(e->age));
	json_object_object_add(o, "high_risk", e->high_risk < 0 ? NULL : json_object_new_boolean(e->high_risk));
	add_date(o, "started_on", e->started_on);
	add_date(o, "invited_on", e->invited_on);
	add_date(o, "assessed_on", e->assessed_on);
	add_date(o, "booked_on", e->booked_on);
	add_date(o, "screened_on", e->screened_on);
	add_date(o, "positive_on", e->positive_on);
	add_date(o, "recalled_on", e->recalled_on);
	add_date(o, "referred_on", e->referred_on);
	add_date(o, "diagnosed_on", e->diagnosed_on);
	add_text(o, "diagnosis", e->diagnosis);
	add_text(o, "stage", e->stage);
	json_object_object_add(o, "early", e->early < 0 ? NULL : json_object_new_boolean(e->early));
	add_date(o, "closed_on", e->closed_on);
	add_date(o, "next_due", e->next_due);
	json_object_object_add(o, "version", json_object_new_int64(e->row_version));
	return o;
}

void
screening_episode_scope(struct request *req, struct fg_screen_episode_query *q)
{
	if (req->scope.region)
		return;
	if (q->institution_id != 0 && q->institution_id != req->scope.institution_id)
		q->person_id = -1;	/* another institution's episodes: none visible */
	q->institution_id = req->scope.institution_id;
}

/* Read episode id into *out when the request may see it; FG_NOTFOUND otherwise. */
static fg_rc
episode_get(struct request *req, int64_t id, struct fg_screen_episode *out, struct fg_error *err)
{
	struct fg_screen_episode_query q = {.id = id, .started_from = FG_DATE_NONE, .started_to = FG_DATE_NONE};
	struct fg_screen_episode_list list;
	fg_rc rc;

	screening_episode_scope(req, &q);
	rc = fg_screen_episodes_find(req->store, &q, req->arena, &list, err);
	if (rc == FG_OK && list.count == 0)
		rc = fg_error_set(err, FG_NOTFOUND, "id", "screening episode %lld does not exist", (long long)id);
	if (rc == FG_OK)
		*out = list.items[0];
	return rc;
}

/* The bool member name of body into *out (default def); replies 400 and returns false if not a bool. */
static bool
json_get_bool(struct request *req, json_object *body, const char *name, bool def, bool *out)
{
	json_object *v;

	*out = def;
	if (!json_object_object_get_ex(body, name, &v) || v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_boolean)) {
		reply_error(req, 400, name, fg_arena_printf(req->arena, "%s must be true or false", name), NULL, NULL);
		return false;
	}
	*out = json_object_get_boolean(v);
	return true;
}

/* The enrolment of body: its members, the day (default today). Replies 400 and returns false. */
static bool
enrol_input(struct request *req, json_object *body, struct fg_screen_person_enrol *o)
{
	static const char *const members[] = {"programme", "version", "person", "institution", "date", "invite", NULL};
	const char *date;
	struct fg_error err;

	memset(o, 0, sizeof(*o));
	if (!json_only_members(req, body, members) || !json_get_string(req, body, "programme", &o->programme) ||
	    !json_get_string(req, body, "version", &o->version) || !json_get_string(req, body, "person", &o->person) ||
	    !json_get_string(req, body, "institution", &o->institution) ||
	    !json_get_string(req, body, "date", &date) || !json_get_bool(req, body, "invite", true, &o->invite))
		return false;
	o->on = fg_date_today();
	if (date != NULL && fg_date_parse(date, "date", &o->on, &err) != FG_OK) {
		reply_error(req, 400, "date", err.message, NULL, "Give a date as YYYY-MM-DD.");
		return false;
	}
	return true;
}

/* Reply with episode (status) after a write that ended with rc, or with the error. */
static void
reply_episode(struct request *req, fg_rc rc, int64_t episode, unsigned status, struct fg_error *err)
{
	struct fg_screen_episode e;

	if (rc == FG_OK)
		rc = episode_get(req, episode, &e, err);
	if (rc != FG_OK) {
		reply_fg_error(req, err);
		return;
	}
	reply_json(req, status, json_screen_episode(&e));
}

void
api_screening_enrol(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_screen_person_enrol o;
	struct fg_error err;
	fg_screening *s = NULL;
	const char *resource;
	int64_t episode = 0;
	char own[24];
	fg_rc rc;

	if (body == NULL)
		return;
	if (!enrol_input(req, body, &o))
		goto out;
	fg_error_clear(&err);
	rc = write_scope_check(req, o.person, "institution", &o.institution, own, sizeof(own), &err);
	resource = fg_arena_printf(req->arena, "screening-episode?person=%.24s&programme=%.24s", o.person ? o.person : "",
				   o.programme ? o.programme : "");
	if (rc == FG_OK && (rc = fg_screening_open(req->store, NULL, &s, &err)) == FG_OK &&
	    (rc = write_begin(req, &err)) == FG_OK) {
		rc = fg_screen_enrol_person(s, &o, &episode, &err);
		rc = write_finish(req, rc, "create", rc == FG_OK ? fg_arena_printf(req->arena, "screening-episode/%lld",
				  (long long)episode) : resource, resource, &err);
	} else
		audit_note(req, "create", audit_result(rc), "%s", resource);
	reply_episode(req, rc, episode, 201, &err);
out:
	fg_screening_close(s);
	json_object_put(body);
}

void
api_screening_invite(struct request *req)
{
	static const char *const members[] = {"programme", "person", "date", NULL};
	json_object *body = req_json_body(req);
	const char *programme, *person, *date, *institution = NULL;
	struct fg_screen_episode_query q = {.started_from = FG_DATE_NONE, .started_to = FG_DATE_NONE, .limit = 1};
	struct fg_screen_episode_list list = {0};
	struct fg_error err;
	fg_screening *s = NULL;
	const char *resource;
	char own[24], today[FG_DATE_TEXT_MAX];
	fg_rc rc;

	if (body == NULL)
		return;
	if (!json_only_members(req, body, members) || !json_get_string(req, body, "programme", &programme) ||
	    !json_get_string(req, body, "person", &person) || !json_get_string(req, body, "date", &date))
		goto out;
	if (date == NULL)
		date = fg_date_format(fg_date_today(), today);
	fg_error_clear(&err);
	rc = write_scope_check(req, person, "institution", &institution, own, sizeof(own), &err);
	resource = fg_arena_printf(req->arena, "screening-invitation?person=%.24s&programme=%.24s",
				   person ? person : "", programme ? programme : "");
	if (rc == FG_OK && (rc = fg_screening_open(req->store, NULL, &s, &err)) == FG_OK &&
	    (rc = write_begin(req, &err)) == FG_OK) {
		rc = fg_screen_invite(s, programme, person, date, &err);
		rc = write_finish(req, rc, "update", resource, resource, &err);
	} else
		audit_note(req, "update", audit_result(rc), "%s", resource);
	if (rc == FG_OK) {
		fg_parse_int64(person, "person", 1, INT64_MAX, &q.person_id, NULL);
		q.programme = programme;
		rc = fg_screen_episodes_find(req->store, &q, req->arena, &list, &err);
	}
	reply_episode(req, rc, list.count ? list.items[0].id : 0, 200, &err);
out:
	fg_screening_close(s);
	json_object_put(body);
}

/* The query of an episode search from the request; replies 400 and returns false on a bad parameter. */
static bool
episode_query(struct request *req, struct fg_screen_episode_query *q)
{
	const char *names[2] = {"from", "to"};
	fg_date *dates[2] = {&q->started_from, &q->started_to};
	struct fg_error err;

	memset(q, 0, sizeof(*q));
	q->started_from = q->started_to = FG_DATE_NONE;
	if (!req_query_int(req, "person", 0, INT64_MAX, 0, &q->person_id) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &q->institution_id) ||
	    !req_query_int(req, "limit", 1, 1000, 50, &q->limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &q->offset))
		return false;
	for (int i = 0; i < 2; i++) {
		const char *v = req_query(req, names[i]);

		if (v != NULL && fg_date_parse(v, names[i], dates[i], &err) != FG_OK) {
			reply_error(req, 400, names[i], err.message, NULL, "Give a date as YYYY-MM-DD.");
			return false;
		}
	}
	q->programme = req_query(req, "programme");
	q->state = req_query(req, "state");
	if (q->person_id == 0 && q->institution_id == 0 && req->scope.region) {
		reply_error(req, 400, "person", "an episode search needs person or institution", NULL,
			    "Use person=ID or institution=ID.");
		return false;
	}
	screening_episode_scope(req, q);
	return true;
}

void
api_screening_episodes(struct request *req)
{
	struct fg_screen_episode_query q;
	struct fg_screen_episode_list list;
	struct fg_error err;
	json_object *items;
	fg_rc rc;

	if (!episode_query(req, &q))
		return;
	rc = fg_screen_episodes_find(req->store, &q, req->arena, &list, &err);
	audit_note(req, "search", audit_result(rc), "screening-episode?person=%lld&institution=%lld&n=%zu",
		   (long long)q.person_id, (long long)q.institution_id, rc == FG_OK ? list.count : 0);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_screen_episode(&list.items[i]));
	reply_json(req, 200, json_page(items, list.total, q.limit, q.offset));
}

void
api_screening_episode_get(struct request *req)
{
	struct fg_screen_episode e;
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, "episode", &id))
		return;
	rc = episode_get(req, id, &e, &err);
	if (read_finish(req, rc, "screening-episode", id, &err))
		reply_json(req, 200, json_screen_episode(&e));
}
