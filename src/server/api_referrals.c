/*
 * api_referrals.c
 *	  /api/referrals: request a two-way referral for a person in scope,
 *	  list the referrals an institution sent or received, read one with its
 *	  events, and move it through its states (accept, reject, schedule,
 *	  attend, complete, cancel, revoke-access) with optimistic versioning.
 *	  Shared with the FHIR ServiceRequest and Task handlers:
 *	  referral_in_scope() and referral_search().
 */
#include <stdio.h>
#include <string.h>

#include "fangai/referral.h"
#include "fangai/util.h"
#include "api_clinical.h"

static json_object *
json_referral(const struct fg_referral *r)
{
	json_object *o = json_object_new_object();

#define TEXT_OR_NULL(s) ((s)[0] ? json_object_new_string(s) : NULL)
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	json_object_object_add(o, "person_id", json_object_new_int64(r->person_id));
	json_object_object_add(o, "district", json_object_new_string(r->district));
	json_object_object_add(o, "from_institution_id", json_object_new_int64(r->from_institution_id));
	json_object_object_add(o, "to_institution_id", json_object_new_int64(r->to_institution_id));
	json_object_object_add(o, "direction", json_object_new_string(r->direction));
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "state", json_object_new_string(r->state));
	json_object_object_add(o, "tumour_id", r->tumour_id ? json_object_new_int64(r->tumour_id) : NULL);
	json_object_object_add(o, "requested_at", TEXT_OR_NULL(r->requested_at));
	json_object_object_add(o, "state_at", TEXT_OR_NULL(r->state_at));
	json_object_object_add(o, "accepted_at", TEXT_OR_NULL(r->accepted_at));
	json_object_object_add(o, "appointment_at", TEXT_OR_NULL(r->appointment_at));
	json_object_object_add(o, "ended_at", TEXT_OR_NULL(r->ended_at));
	json_object_object_add(o, "access_until", TEXT_OR_NULL(r->access_until));
	json_object_object_add(o, "access_revoked_at", TEXT_OR_NULL(r->access_revoked_at));
	json_object_object_add(o, "reason", json_object_new_string(r->reason ? r->reason : ""));
	json_object_object_add(o, "report", json_object_new_string(r->report ? r->report : ""));
	json_object_object_add(o, "version", json_object_new_int64(r->version));
#undef TEXT_OR_NULL
	return o;
}

/* True if the scope may see referral r: the region, or one of its two institutions. */
bool
referral_visible(const struct request *req, const struct fg_referral *r)
{
	return req->scope.region || r->from_institution_id == req->scope.institution_id ||
	       r->to_institution_id == req->scope.institution_id;
}

bool
referral_in_scope(struct request *req, const char *kind, int64_t id, struct fg_referral *out)
{
	struct fg_error err;
	fg_rc rc;

	rc = fg_referral_get(req->store, id, req->arena, out, &err);
	if (rc == FG_OK && !referral_visible(req, out))
		rc = FG_NOTFOUND;
	return read_finish(req, rc, kind, id, &err);
}

bool
referral_search(struct request *req, const char *kind, const char *box, struct fg_referral_query *q,
		struct fg_referral_list *out)
{
	struct fg_error err;
	fg_rc rc;

	if (box != NULL && strcmp(box, "incoming") != 0 && strcmp(box, "outgoing") != 0) {
		reply_error(req, 400, "box", fg_arena_printf(req->arena, "invalid box \"%.32s\"", box), NULL,
			    "Use incoming (referrals received) or outgoing (referrals sent).");
		return false;
	}
	if (!req->scope.region || box != NULL) {
		if (box != NULL && strcmp(box, "outgoing") == 0)
			q->from_institution_id = req->scope.institution_id;
		else
			q->to_institution_id = req->scope.institution_id;
	}
	rc = fg_referral_list(req->store, q, req->arena, out, &err);
	audit_note(req, "search", audit_result(rc), "%s?box=%s&n=%zu", kind, box ? box : "",
		   rc == FG_OK ? out->count : 0);
	if (rc == FG_INVALID)
		reply_error(req, 400, "state", err.message, err.detail[0] ? err.detail : NULL,
			    err.hint[0] ? err.hint : NULL);
	else if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK;
}

void
api_referrals_list(struct request *req)
{
	struct fg_referral_query q = {.state = req_query(req, "state")};
	struct fg_referral_list list;
	json_object *items;

	if (!req_query_int(req, "limit", 1, 1000, 50, &q.limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &q.offset) ||
	    !req_query_int(req, "person", 0, INT64_MAX, 0, &q.person_id) ||
	    !referral_search(req, "referral", req_query(req, "box"), &q, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_referral(&list.items[i]));
	reply_json(req, 200, json_page(items, list.total, q.limit, q.offset));
}

static json_object *
json_event(const struct fg_referral_event *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "action", json_object_new_string(e->action));
	json_object_object_add(o, "from_state", e->from_state[0] ? json_object_new_string(e->from_state) : NULL);
	json_object_object_add(o, "to_state", json_object_new_string(e->to_state));
	json_object_object_add(o, "at", json_object_new_string(e->at));
	json_object_object_add(o, "institution_id", json_object_new_int64(e->institution_id));
	json_object_object_add(o, "user_id", e->user_id ? json_object_new_int64(e->user_id) : NULL);
	json_object_object_add(o, "actor", json_object_new_string(e->actor));
	json_object_object_add(o, "reason", json_object_new_string(e->reason));
	return o;
}

/* Reply with referral id as it now is, with its events and ETag. */
static void
reply_referral(struct request *req, unsigned status, int64_t id)
{
	struct fg_referral_event_list events;
	struct fg_referral r;
	struct fg_error err;
	json_object *o, *a;

	if (fg_referral_get(req->store, id, req->arena, &r, &err) != FG_OK ||
	    fg_referral_events(req->store, id, req->arena, &events, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	o = json_referral(&r);
	a = json_object_new_array();
	for (size_t i = 0; i < events.count; i++)
		json_object_array_add(a, json_event(&events.items[i]));
	json_object_object_add(o, "events", a);
	reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)r.version));
	reply_json(req, status, o);
}

void
api_referrals_get(struct request *req)
{
	struct fg_referral r;
	int64_t id;

	if (req_param_id(req, 0, "referral", &id) && referral_in_scope(req, "referral", id, &r))
		reply_referral(req, 200, id);
}

static const char *const request_members[] = {
	"person", "from", "to", "kind", "reason", "report", "tumour", NULL,
};

static fg_rc
create_referral(struct request *req, void *in, int64_t *id, struct fg_error *err)
{
	struct fg_referral r = {0};
	fg_rc rc = fg_referral_request(req->store, in, req->arena, &r, err);

	*id = r.id;
	return rc;
}

void
api_referrals_create(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_referral_input in = {.user_id = req->scope.user_id,
				       .actor = req->session.user.username};
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (body == NULL)
		return;
	if (!json_only_members(req, body, request_members) ||
	    !json_get_string(req, body, "person", &in.person) ||
	    !json_get_string(req, body, "from", &in.from) || !json_get_string(req, body, "to", &in.to) ||
	    !json_get_string(req, body, "kind", &in.kind) ||
	    !json_get_string(req, body, "reason", &in.reason) ||
	    !json_get_string(req, body, "report", &in.report) ||
	    !json_get_string(req, body, "tumour", &in.tumour))
		goto out;
	fg_error_clear(&err);
	rc = write_create(req, in.person, "from", &in.from, "referral", create_referral, &in, &id, &err);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "/api/referrals/%lld", (long long)id));
	reply_referral(req, 201, id);
out:
	json_object_put(body);
}

/* The institution that takes action on r: the referring one cancels and revokes, the receiving one the rest. */
static int64_t
acting_institution(const struct fg_referral *r, const char *action)
{
	return strcmp(action, "cancel") == 0 || strcmp(action, "revoke-access") == 0
		       ? r->from_institution_id
		       : r->to_institution_id;
}

/* True if action is a transition of the table or revoke-access. */
static bool
known_action(const char *action)
{
	if (strcmp(action, "revoke-access") == 0)
		return true;
	for (const struct fg_referral_transition *t = fg_referral_transitions(); t->action; t++)
		if (strcmp(t->action, action) == 0)
			return true;
	return false;
}

static const char *const action_members[] = {
	"version", "reason", "report", "appointment_at", "slot", "at", NULL,
};

/* Apply the action to referral id at version inside an open transaction. */
static fg_rc
apply_action(struct request *req, int64_t id, int64_t version, struct fg_referral_action *a,
	     struct fg_error *err)
{
	struct fg_referral r;
	fg_rc rc;

	rc = fg_referral_get(req->store, id, req->arena, &r, err);
	if (rc == FG_OK && !referral_visible(req, &r))
		rc = fg_error_set(err, FG_NOTFOUND, NULL, "referral \"%lld\" does not exist", (long long)id);
	if (rc == FG_OK && !req->scope.region && acting_institution(&r, a->action) != req->scope.institution_id)
		rc = fg_error_set(err, FG_INVALID, "action",
				  "institution \"%lld\" cannot %s referral \"%lld\"",
				  (long long)req->scope.institution_id, a->action, (long long)id);
	if (rc == FG_OK && r.version != version)
		rc = fg_error_set(err, FG_CONFLICT, "version",
				  "referral \"%lld\" is at version %lld, not %lld", (long long)id,
				  (long long)r.version, (long long)version);
	if (rc != FG_OK)
		return rc;
	if (strcmp(a->action, "revoke-access") == 0)
		return fg_referral_revoke_access(req->store, id, a->reason, a->actor, a->user_id, a->at, err);
	return fg_referral_apply(req->store, id, a, req->arena, NULL, err);
}

void
api_referrals_action(struct request *req)
{
	struct fg_referral_action a = {.action = req->params[1], .user_id = req->scope.user_id,
				       .actor = req->session.user.username};
	json_object *body = NULL;
	const char *resource;
	struct fg_error err;
	int64_t id, version;
	bool header;
	fg_rc rc;

	if (!req_param_id(req, 0, "referral", &id))
		return;
	if (!known_action(a.action)) {
		reply_error(req, 404, "action", fg_arena_printf(req->arena, "referral action \"%.32s\" does not exist",
								a.action),
			    NULL, "Use accept, reject, schedule, attend, complete, cancel or revoke-access.");
		return;
	}
	if ((body = req_json_body(req)) == NULL)
		return;
	if (!json_only_members(req, body, action_members) ||
	    !json_get_string(req, body, "reason", &a.reason) ||
	    !json_get_string(req, body, "report", &a.report) ||
	    !json_get_string(req, body, "appointment_at", &a.appointment_at) ||
	    !json_get_string(req, body, "slot", &a.slot) || !json_get_string(req, body, "at", &a.at) ||
	    !person_expected_version(req, body, &version, &header))
		goto out;
	fg_error_clear(&err);
	resource = fg_arena_printf(req->arena, "referral/%lld", (long long)id);
	rc = write_begin(req, &err);
	if (rc == FG_OK)
		rc = write_finish(req, apply_action(req, id, version, &a, &err), a.action, resource, resource, &err);
	if (rc == FG_CONFLICT && strcmp(err.field, "version") == 0 && header)
		reply_error(req, 412, "If-Match", err.message, NULL, NULL);
	else if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_referral(req, 200, id);
out:
	json_object_put(body);
}
