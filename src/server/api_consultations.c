/*
 * api_consultations.c
 *	  /api/consultations: remote consultation (远程会诊) and MDT on the
 *	  JSON API.  The requesting institution asks about a person in its
 *	  scope, invites experts of other institutions, schedules the session,
 *	  and concludes or cancels; each invited institution records its
 *	  experts' opinions.  A consultation is visible to the region, its
 *	  requesting institution and the institutions taking part; while it is
 *	  open those institutions see the person's records (the access_grant
 *	  view of migration 0008, shown with the consultation).  Shared with
 *	  the FHIR handlers: consultation_in_scope() and consultation_search().
 */
#include <stdio.h>
#include <string.h>

#include "fangai/network.h"
#include "fangai/nettime.h"
#include "fangai/util.h"
#include "api_clinical.h"

static json_object *
text_or_null(const char *s)
{
	return s != NULL && s[0] ? json_object_new_string(s) : NULL;
}

static json_object *
json_consultation(const struct fg_consultation *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "person_id", json_object_new_int64(c->person_id));
	json_object_object_add(o, "district", json_object_new_string(c->district));
	json_object_object_add(o, "institution_id", json_object_new_int64(c->institution_id));
	json_object_object_add(o, "kind", json_object_new_string(c->kind));
	json_object_object_add(o, "state", json_object_new_string(c->state));
	json_object_object_add(o, "tumour_id", c->tumour_id ? json_object_new_int64(c->tumour_id) : NULL);
	json_object_object_add(o, "referral_id", c->referral_id ? json_object_new_int64(c->referral_id) : NULL);
	json_object_object_add(o, "requested_at", text_or_null(c->requested_at));
	json_object_object_add(o, "session_at", text_or_null(c->session_at));
	json_object_object_add(o, "concluded_at", text_or_null(c->concluded_at));
	json_object_object_add(o, "question", json_object_new_string(c->question ? c->question : ""));
	json_object_object_add(o, "conclusion", json_object_new_string(c->conclusion ? c->conclusion : ""));
	json_object_object_add(o, "requested_by", json_object_new_string(c->requested_by ? c->requested_by : ""));
	return o;
}

static json_object *
json_participant(const struct fg_consult_participant *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(p->id));
	json_object_object_add(o, "institution_id", json_object_new_int64(p->institution_id));
	json_object_object_add(o, "expert", json_object_new_string(p->expert));
	json_object_object_add(o, "specialty", json_object_new_string(p->specialty));
	json_object_object_add(o, "invited_at", text_or_null(p->invited_at));
	json_object_object_add(o, "opinion_at", text_or_null(p->opinion_at));
	json_object_object_add(o, "opinion", json_object_new_string(p->opinion ? p->opinion : ""));
	return o;
}

/* True if the scope may see consultation c with its participants. */
static bool
consultation_visible(const struct request *req, const struct fg_consultation *c,
		     const struct fg_consult_participant *parts, size_t nparts)
{
	if (req->scope.region || c->institution_id == req->scope.institution_id)
		return true;
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].institution_id == req->scope.institution_id)
			return true;
	return false;
}

/* Read consultation id with its participants; FG_NOTFOUND when out of scope. */
static fg_rc
consultation_get_visible(struct request *req, int64_t id, struct fg_consultation *out,
			 struct fg_consult_participant **parts, size_t *nparts, struct fg_error *err)
{
	fg_rc rc = fg_consult_get(req->store, id, req->arena, out, parts, nparts, err);

	if (rc == FG_OK && !consultation_visible(req, out, *parts, *nparts))
		rc = fg_error_set(err, FG_NOTFOUND, NULL, "consultation \"%lld\" does not exist", (long long)id);
	return rc;
}

bool
consultation_in_scope(struct request *req, const char *kind, int64_t id, struct fg_consultation *out,
		      struct fg_consult_participant **parts, size_t *nparts)
{
	struct fg_error err;

	return read_finish(req, consultation_get_visible(req, id, out, parts, nparts, &err), kind, id, &err);
}

bool
consultation_search(struct request *req, const char *kind, struct fg_consult_query *q,
		    struct fg_consult_list *out)
{
	static const char *const states[] = {"requested", "scheduled", "concluded", "cancelled", NULL};
	struct fg_error err;
	size_t k = 0;
	fg_rc rc;

	while (q->state != NULL && states[k] != NULL && strcmp(states[k], q->state) != 0)
		k++;
	if (q->state != NULL && states[k] == NULL) {
		reply_error(req, 400, "state", fg_arena_printf(req->arena, "invalid consultation state \"%.32s\"",
							       q->state),
			    NULL, "Use requested, scheduled, concluded or cancelled.");
		return false;
	}
	if (!req->scope.region)
		q->institution_id = req->scope.institution_id;
	rc = fg_consult_list(req->store, q, req->arena, out, &err);
	audit_note(req, "search", audit_result(rc), "%s?state=%s&person=%lld&n=%zu", kind,
		   q->state ? q->state : "", (long long)q->person_id, rc == FG_OK ? out->count : 0);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK;
}

void
api_consultations_list(struct request *req)
{
	struct fg_consult_query q = {.state = req_query(req, "state")};
	struct fg_consult_list list;
	json_object *items;

	if (!req_query_int(req, "limit", 1, 1000, 50, &q.limit) ||
	    !req_query_int(req, "person", 0, INT64_MAX, 0, &q.person_id) ||
	    !consultation_search(req, "consultation", &q, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_consultation(&list.items[i]));
	reply_json(req, 200, json_page(items, (int64_t)list.count, q.limit, 0));
}

/* The record access consultation c grants now: its grants from the access_grant view. */
static json_object *
json_access(struct request *req, const struct fg_consultation *c)
{
	json_object *a = json_object_new_array();
	struct fg_access_list grants;
	struct fg_error err;

	if (fg_access_list(req->store, 0, c->person_id, fg_net_now(), req->arena, &grants, &err) != FG_OK)
		return NULL;
	for (size_t i = 0; i < grants.count; i++) {
		const struct fg_access_grant *g = &grants.items[i];
		json_object *o;

		if (strcmp(g->source, "consultation") != 0 || g->source_id != c->id)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "institution_id", json_object_new_int64(g->institution_id));
		json_object_object_add(o, "granted_at", text_or_null(g->granted_at));
		json_object_object_add(o, "ends_at", text_or_null(g->ends_at));
		json_object_array_add(a, o);
	}
	return a;
}

/* Reply with consultation id as it now is: participants and the access it grants. */
static void
reply_consultation(struct request *req, unsigned status, int64_t id)
{
	struct fg_consult_participant *parts;
	struct fg_consultation c;
	struct fg_error err;
	json_object *o, *a, *access;
	size_t n;

	if (fg_consult_get(req->store, id, req->arena, &c, &parts, &n, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	if ((access = json_access(req, &c)) == NULL) {
		reply_error(req, 500, NULL, "could not read the access of the consultation", NULL, NULL);
		return;
	}
	o = json_consultation(&c);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_participant(&parts[i]));
	json_object_object_add(o, "participants", a);
	json_object_object_add(o, "access", access);
	reply_json(req, status, o);
}

void
api_consultations_get(struct request *req)
{
	struct fg_consult_participant *parts;
	struct fg_consultation c;
	size_t n;
	int64_t id;

	if (req_param_id(req, 0, "consultation", &id) && consultation_in_scope(req, "consultation", id, &c, &parts, &n))
		reply_consultation(req, 200, id);
}

static const char *const request_members[] = {
	"person", "institution", "kind", "question", "tumour", "referral", "at", NULL,
};

static fg_rc
create_consultation(struct request *req, void *in, int64_t *id, struct fg_error *err)
{
	struct fg_consultation c = {0};
	fg_rc rc = fg_consult_request(req->store, in, req->arena, &c, err);

	*id = c.id;
	return rc;
}

void
api_consultations_create(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_consult_input in = {.actor = req->session.user.username};
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (body == NULL)
		return;
	if (!json_only_members(req, body, request_members) ||
	    !json_get_string(req, body, "person", &in.person) ||
	    !json_get_string(req, body, "institution", &in.institution) ||
	    !json_get_string(req, body, "kind", &in.kind) ||
	    !json_get_string(req, body, "question", &in.question) ||
	    !json_get_string(req, body, "tumour", &in.tumour) ||
	    !json_get_string(req, body, "referral", &in.referral) || !json_get_string(req, body, "at", &in.at))
		goto out;
	fg_error_clear(&err);
	rc = write_create(req, in.person, "institution", &in.institution, "consultation", create_consultation, &in,
			  &id, &err);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "/api/consultations/%lld", (long long)id));
	reply_consultation(req, 201, id);
out:
	json_object_put(body);
}

/* The members of an action's body, as text. */
struct consult_action_body {
	const char *institution, *expert, *specialty;	/* invite */
	const char *session_at;				/* schedule */
	const char *participant, *opinion;		/* opinion */
	const char *conclusion, *reason;		/* conclude, cancel */
	const char *at;
};

struct consult_action {
	const char *name;
	bool by_participant;	/* taken by the participant's institution, not the requester */
	fg_rc (*apply)(struct request *req, int64_t id, const struct consult_action_body *b,
		       struct fg_error *err);
};

static fg_rc
do_invite(struct request *req, int64_t id, const struct consult_action_body *b, struct fg_error *err)
{
	int64_t participant;

	return fg_consult_invite(req->store, id, b->institution, b->expert, b->specialty, b->at, &participant, err);
}

static fg_rc
do_schedule(struct request *req, int64_t id, const struct consult_action_body *b, struct fg_error *err)
{
	if (b->session_at == NULL)
		return fg_error_set(err, FG_INVALID, "session_at", "session_at is missing");
	return fg_consult_schedule(req->store, id, b->session_at, err);
}

static fg_rc
do_opinion(struct request *req, int64_t id, const struct consult_action_body *b, struct fg_error *err)
{
	int64_t participant = 0;
	fg_rc rc;

	if (b->participant == NULL)
		return fg_error_set(err, FG_INVALID, "participant", "participant is missing");
	rc = fg_parse_int64(b->participant, "participant", 1, INT64_MAX, &participant, err);
	return rc != FG_OK ? rc : fg_consult_opinion(req->store, id, participant, b->opinion, b->at, err);
}

static fg_rc
do_conclude(struct request *req, int64_t id, const struct consult_action_body *b, struct fg_error *err)
{
	return fg_consult_conclude(req->store, id, b->conclusion, b->at, err);
}

static fg_rc
do_cancel(struct request *req, int64_t id, const struct consult_action_body *b, struct fg_error *err)
{
	return fg_consult_cancel(req->store, id, b->reason, b->at, err);
}

static const struct consult_action consult_actions[] = {
	{"invite", false, do_invite},
	{"schedule", false, do_schedule},
	{"opinion", true, do_opinion},
	{"conclude", false, do_conclude},
	{"cancel", false, do_cancel},
	{NULL, false, NULL},
};

/*
 * Whether the caller may take action on consultation c: the region, the
 * requesting institution, or for an opinion the institution of that
 * participant.  FG_INVALID naming "action" otherwise.
 */
static fg_rc
may_act(struct request *req, const struct consult_action *act, const struct consult_action_body *b,
	const struct fg_consultation *c, const struct fg_consult_participant *parts, size_t nparts,
	struct fg_error *err)
{
	int64_t pid = 0;

	if (req->scope.region)
		return FG_OK;
	if (!act->by_participant && c->institution_id == req->scope.institution_id)
		return FG_OK;
	if (act->by_participant && b->participant != NULL &&
	    fg_parse_int64(b->participant, "participant", 1, INT64_MAX, &pid, err) == FG_OK)
		for (size_t i = 0; i < nparts; i++)
			if (parts[i].id == pid && parts[i].institution_id == req->scope.institution_id)
				return FG_OK;
	return fg_error_set(err, FG_INVALID, act->by_participant ? "participant" : "action",
			    "institution \"%lld\" cannot %s consultation \"%lld\"",
			    (long long)req->scope.institution_id, act->name, (long long)c->id);
}

static fg_rc
apply_action(struct request *req, int64_t id, const struct consult_action *act,
	     const struct consult_action_body *b, struct fg_error *err)
{
	struct fg_consult_participant *parts;
	struct fg_consultation c;
	size_t n;
	fg_rc rc;

	rc = consultation_get_visible(req, id, &c, &parts, &n, err);
	if (rc == FG_OK)
		rc = may_act(req, act, b, &c, parts, n, err);
	return rc != FG_OK ? rc : act->apply(req, id, b, err);
}

static const char *const action_members[] = {
	"institution", "expert", "specialty", "session_at", "participant", "opinion",
	"conclusion", "reason", "at", NULL,
};

static bool
read_action_body(struct request *req, json_object *body, struct consult_action_body *b)
{
	return json_only_members(req, body, action_members) &&
	       json_get_string(req, body, "institution", &b->institution) &&
	       json_get_string(req, body, "expert", &b->expert) &&
	       json_get_string(req, body, "specialty", &b->specialty) &&
	       json_get_string(req, body, "session_at", &b->session_at) &&
	       json_get_string(req, body, "participant", &b->participant) &&
	       json_get_string(req, body, "opinion", &b->opinion) &&
	       json_get_string(req, body, "conclusion", &b->conclusion) &&
	       json_get_string(req, body, "reason", &b->reason) && json_get_string(req, body, "at", &b->at);
}

void
api_consultations_action(struct request *req)
{
	const struct consult_action *act = consult_actions;
	struct consult_action_body b = {0};
	json_object *body = NULL;
	const char *resource;
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, "consultation", &id))
		return;
	while (act->name != NULL && strcmp(act->name, req->params[1]) != 0)
		act++;
	if (act->name == NULL) {
		reply_error(req, 404, "action",
			    fg_arena_printf(req->arena, "consultation action \"%.32s\" does not exist", req->params[1]),
			    NULL, "Use invite, schedule, opinion, conclude or cancel.");
		return;
	}
	if ((body = req_json_body(req)) == NULL)
		return;
	if (!read_action_body(req, body, &b))
		goto out;
	fg_error_clear(&err);
	resource = fg_arena_printf(req->arena, "consultation/%lld", (long long)id);
	rc = write_begin(req, &err);
	if (rc == FG_OK)
		rc = write_finish(req, apply_action(req, id, act, &b, &err), act->name, resource, resource, &err);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_consultation(req, 200, id);
out:
	json_object_put(body);
}
