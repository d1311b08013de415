/*
 * api_persons.c
 *	  /api/persons: search, read, register and update persons, within the
 *	  caller's scope, masked unless unmasking is asked for and allowed.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/linkage.h"
#include "fangai/util.h"
#include "server.h"

json_object *
json_person(const struct fg_person *p, bool unmask)
{
	json_object *o = json_object_new_object();
	struct fg_person shown = *p;
	char date[FG_DATE_TEXT_MAX];

	if (!unmask)
		fg_person_mask(&shown);
	json_object_object_add(o, "id", json_object_new_int64(p->id));
	json_object_object_add(o, "id_type", json_object_new_string(p->id_type));
	json_object_object_add(o, "id_number", shown.id_number[0] ? json_object_new_string(shown.id_number) : NULL);
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "sex", json_object_new_string_len(&p->sex, 1));
	json_object_object_add(o, "birth_date", json_object_new_string(fg_date_format(p->birth_date, date)));
	json_object_object_add(o, "phone", shown.phone[0] ? json_object_new_string(shown.phone) : NULL);
	json_object_object_add(o, "address", p->address[0] ? json_object_new_string(p->address) : NULL);
	json_object_object_add(o, "district", json_object_new_string(p->district));
	json_object_object_add(o, "institution_id", json_object_new_int64(p->institution_id));
	json_object_object_add(o, "vital_status", json_object_new_string(p->vital_status));
	json_object_object_add(o, "death_date", p->death_date == FG_DATE_NONE ? NULL
				: json_object_new_string(fg_date_format(p->death_date, date)));
	json_object_object_add(o, "version", json_object_new_int64(p->version));
	json_object_object_add(o, "masked", json_object_new_boolean(!unmask));
	return o;
}

static const struct {
	const char *name;
	enum fg_person_match by;
} search_keys[] = {
	{"auto", FG_MATCH_AUTO}, {"id", FG_MATCH_ID_NUMBER}, {"name", FG_MATCH_NAME},
	{"phone", FG_MATCH_PHONE},
};

static bool
parse_by(struct request *req, enum fg_person_match *out)
{
	const char *by = req_query(req, "by");

	*out = FG_MATCH_AUTO;
	if (by == NULL)
		return true;
	for (size_t i = 0; i < sizeof(search_keys) / sizeof(search_keys[0]); i++) {
		if (strcmp(by, search_keys[i].name) == 0) {
			*out = search_keys[i].by;
			return true;
		}
	}
	reply_error(req, 400, "by", fg_arena_printf(req->arena, "invalid search key \"%.32s\"", by),
		    NULL, "Use auto, id, name or phone.");
	return false;
}

bool
person_search(struct request *req, struct fg_person_query *q, const char *kind,
	      const char *field, bool unmask, struct fg_person_list *out)
{
	struct fg_error err;
	fg_rc rc;

	q->visible_to = fg_scope_visible_to(&req->scope);
	rc = fg_person_find(req->store, q, req->arena, out, &err);
	audit_note(req, unmask ? "search-unmasked" : "search", audit_result(rc), "%s?q=%.60s&n=%zu",
		   kind, q->text ? q->text : "", rc == FG_OK ? out->count : 0);
	if (rc == FG_INVALID)
		reply_error(req, 400, field, err.message, err.detail[0] ? err.detail : NULL, NULL);
	else if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK;
}

bool
person_read(struct request *req, const char *kind, struct fg_person *out, bool *unmask)
{
	struct fg_error err;
	bool refused;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, kind, &id))
		return false;
	*unmask = req_unmask(req, &refused);
	if (refused)
		return false;
	rc = fg_scope_person_get(req->store, &req->scope, id, out, &err);
	audit_note(req, *unmask ? "read-unmasked" : "read", audit_result(rc), "%s/%lld", kind, (long long)id);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return false;
	}
	reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)out->version));
	return true;
}

void
api_persons_search(struct request *req)
{
	struct fg_person_query q = {.text = req_query(req, "q"), .district = req_query(req, "district")};
	struct fg_person_list list;
	struct fg_error err;
	json_object *items;
	bool unmask, refused;

	unmask = req_unmask(req, &refused);
	if (refused || !parse_by(req, &q.by) ||
	    !req_query_int(req, "limit", 1, 1000, 50, &q.limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &q.offset))
		return;
	if (q.district != NULL && fg_district_check(q.district, "district", &err) != FG_OK) {
		reply_error(req, 400, "district", err.message, NULL, err.hint[0] ? err.hint : NULL);
		return;
	}
	if (!person_search(req, &q, "person", "q", unmask, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_person(&list.items[i], unmask));
	reply_json(req, 200, json_page(items, list.total, q.limit, q.offset));
}

void
api_persons_get(struct request *req)
{
	struct person_links links;
	struct fg_person p;
	struct fg_error err;
	json_object *o;
	bool unmask;

	if (!person_read(req, "person", &p, &unmask))
		return;
	if (person_merge_links(req, p.id, &links, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	o = json_person(&p, unmask);
	json_object_object_add(o, "merged_into", links.merged_into ? json_object_new_int64(links.merged_into) : NULL);
	reply_json(req, 200, o);
}

static const char *const person_members[] = {
	"institution", "id_type", "id_number", "name", "sex", "birth_date", "phone", "address",
	"district", "version", "id", "institution_id", "vital_status", "death_date", "masked", "merged_into",
	NULL,
};

/* Read the person fields of body into in; replies 400 and returns false on a wrong type. */
static bool
person_input(struct request *req, json_object *body, struct fg_person_input *in)
{
	memset(in, 0, sizeof(*in));
	return json_only_members(req, body, person_members) &&
	       json_get_string(req, body, "institution", &in->institution) &&
	       json_get_string(req, body, "id_type", &in->id_type) &&
	       json_get_string(req, body, "id_number", &in->id_number) &&
	       json_get_string(req, body, "name", &in->name) &&
	       json_get_string(req, body, "sex", &in->sex) &&
	       json_get_string(req, body, "birth_date", &in->birth_date) &&
	       json_get_string(req, body, "phone", &in->phone) &&
	       json_get_string(req, body, "address", &in->address) &&
	       json_get_string(req, body, "district", &in->district);
}

fg_rc
person_add_in_scope(struct request *req, struct fg_person_input *in, struct fg_person *out,
		    size_t *queued, struct fg_error *err)
{
	char *own = fg_arena_printf(req->arena, "%lld", (long long)req->scope.institution_id);
	struct fg_link_candidate cands[FG_LINK_REGISTER_MAX];
	bool matched = false, checked;
	fg_rc rc;

	*queued = 0;
	if (own == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	if (in->institution == NULL || *in->institution == '\0')
		in->institution = own;
	else if (!req->scope.region && strcmp(in->institution, own) != 0)
		return fg_error_set(err, FG_INVALID, "institution",
				    "cannot register persons for institution \"%s\"", in->institution);
	if (in->name == NULL)
		return fg_error_set(err, FG_INVALID, "name", "name is missing");
	rc = fg_person_add(req->store, in, out, &matched, NULL, err);
	if (rc == FG_OK && matched)
		rc = fg_error_set(err, FG_CONFLICT, "id_number", "resident ID number is registered already");
	if (rc == FG_OK)
		rc = fg_link_register_check(req->store, out, cands, FG_LINK_REGISTER_MAX, queued, &checked, err);
	return rc;
}

fg_rc
person_update_in_scope(struct request *req, int64_t id, int64_t version,
		       const struct fg_person_input *in, struct fg_person *out, struct fg_error *err)
{
	struct fg_person before;
	fg_rc rc = fg_scope_person_get(req->store, &req->scope, id, &before, err);

	if (rc == FG_OK)
		rc = fg_person_update(req->store, id, version, in, out, err);
	return rc;
}

/* Commit the open transaction with the request's audit entries, or roll it back. */
static fg_rc
commit_audited(struct request *req, fg_rc rc, struct fg_error *err)
{
	if (rc == FG_OK)
		rc = audit_write_now(req, err);
	if (rc == FG_OK)
		rc = fg_store_commit(req->store, err);
	else
		fg_store_rollback(req->store);
	if (rc != FG_OK)
		req->audit_written = false;
	return rc;
}

fg_rc
person_register(struct request *req, struct fg_person_input *in, struct fg_person *out,
		size_t *queued, struct fg_error *err)
{
	fg_rc rc;

	server_write_lock();
	rc = fg_store_begin(req->store, err);
	if (rc == FG_OK) {
		rc = person_add_in_scope(req, in, out, queued, err);
		if (rc == FG_OK)
			audit_note(req, "create", "ok", "person/%lld", (long long)out->id);
		rc = commit_audited(req, rc, err);
	}
	server_write_unlock();
	if (rc != FG_OK) {
		req->naudit = 0;
		audit_note(req, "create", audit_result(rc), "person");
	}
	return rc;
}

/* Warn that the person registered may be a duplicate (FHIR says so in an OperationOutcome). */
static void
warn_duplicates(struct request *req, size_t queued)
{
	if (queued == 0)
		return;
	req->warning.code = "duplicate";
	req->warning.text = queued == 1
		? "1 possible duplicate of this person was queued for review"
		: fg_arena_printf(req->arena, "%zu possible duplicates of this person were queued for review", queued);
}

void
person_create_as(struct request *req, const struct person_format *f)
{
	json_object *body = req_json_body(req);
	struct fg_person_input in;
	struct fg_person p;
	struct fg_error err;
	json_object *reply;
	size_t queued;

	if (body == NULL)
		return;
	if (!f->input(req, body, &in))
		goto out;
	if (person_register(req, &in, &p, &queued, &err) != FG_OK) {
		f->error(req, &err);
		goto out;
	}
	reply_header(req, "Location", f->history
		     ? fg_arena_printf(req->arena, "%s/%lld/_history/%lld", f->collection, (long long)p.id,
				       (long long)p.version)
		     : fg_arena_printf(req->arena, "%s/%lld", f->collection, (long long)p.id));
	reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)p.version));
	warn_duplicates(req, queued);
	reply = f->json(&p, false);
	if (f->duplicates)
		json_object_object_add(reply, "duplicates_queued", json_object_new_int64((int64_t)queued));
	reply_json(req, 201, reply);
out:
	json_object_put(body);
}

/* The body's id member, if the format has one, must repeat the URL's id. */
static bool
same_id(struct request *req, const struct person_format *f, json_object *body)
{
	json_object *v;

	if (f->id_member == NULL)
		return true;
	if (json_object_object_get_ex(body, f->id_member, &v) && json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), req->params[0]) == 0)
		return true;
	reply_error(req, 400, fg_arena_printf(req->arena, "%s.%s", f->kind, f->id_member),
		    fg_arena_printf(req->arena, "%s.%s must equal the id in the URL", f->kind, f->id_member),
		    NULL, NULL);
	return false;
}

void
person_update_as(struct request *req, const struct person_format *f)
{
	json_object *body = NULL;
	struct fg_person_input in;
	struct fg_person p;
	struct fg_error err;
	int64_t id, version;
	bool header;
	fg_rc rc;

	if (!req_param_id(req, 0, f->kind, &id) || (body = req_json_body(req)) == NULL)
		return;
	if (!f->input(req, body, &in) || !same_id(req, f, body) ||
	    !person_expected_version(req, f->version_in_body ? body : NULL, &version, &header))
		goto out;
	rc = person_change(req, id, version, &in, &p, &err);
	if (rc == FG_CONFLICT && strcmp(err.field, "version") == 0 && header)
		reply_error(req, 412, "If-Match", err.message, err.detail, err.hint);
	else if (rc != FG_OK)
		f->error(req, &err);
	else {
		reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)p.version));
		reply_json(req, 200, f->json(&p, false));
	}
out:
	json_object_put(body);
}

static const struct person_format api_format = {
	.kind = "person", .collection = "/api/persons", .version_in_body = true,
	.input = person_input, .error = reply_fg_error, .json = json_person, .duplicates = true,
};

void
api_persons_create(struct request *req)
{
	person_create_as(req, &api_format);
}

void
api_persons_update(struct request *req)
{
	person_update_as(req, &api_format);
}

bool
person_expected_version(struct request *req, json_object *body, int64_t *version, bool *from_header)
{
	const char *match = req_header(req, "If-Match");
	json_object *v;
	char digits[24];

	*from_header = match != NULL;
	if (match != NULL) {
		if (strncmp(match, "W/", 2) == 0)
			match += 2;
		if (sscanf(match, "\"%22[0-9]\"", digits) == 1 &&
		    fg_parse_int64(digits, "If-Match", 1, INT64_MAX, version, NULL) == FG_OK)
			return true;
		reply_error(req, 400, "If-Match", "invalid If-Match header", NULL,
			    "Send the ETag of the version read, e.g. W/\"3\".");
		return false;
	}
	if (body != NULL && json_object_object_get_ex(body, "version", &v)) {
		if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0) {
			*version = json_object_get_int64(v);
			return true;
		}
		reply_error(req, 400, "version", "version must be a positive integer", NULL, NULL);
		return false;
	}
	reply_error(req, 428, "version", "the version to update is missing", NULL,
		    "Send If-Match with the ETag read, or the version in the body.");
	return false;
}

fg_rc
person_change(struct request *req, int64_t id, int64_t version,
	      const struct fg_person_input *in, struct fg_person *out, struct fg_error *err)
{
	fg_rc rc;

	server_write_lock();
	rc = fg_store_begin(req->store, err);
	if (rc == FG_OK) {
		rc = person_update_in_scope(req, id, version, in, out, err);
		if (rc == FG_OK)
			audit_note(req, "update", "ok", "person/%lld", (long long)id);
		rc = commit_audited(req, rc, err);
	}
	server_write_unlock();
	if (rc != FG_OK) {
		req->naudit = 0;
		audit_note(req, "update", audit_result(rc), "person/%lld", (long long)id);
	}
	return rc;
}
