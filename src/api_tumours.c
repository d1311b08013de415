/*
 * api_tumours.c
 *	  /api/tumours: register a tumour of a person in the caller's scope
 *	  (checked by the registry's rules, warnings returned with the saved
 *	  row), read one, and list a person's tumours.  Shared with the FHIR
 *	  Condition handlers: tumour_in_scope() and tumour_list_for().
 */
#include <stdio.h>
#include <string.h>

#include "fangai/registry.h"
#include "fangai/tumour.h"
#include "fangai/util.h"
#include "api_clinical.h"

static json_object *
json_tumour(const struct fg_tumour *t, const struct fg_tumour_finding_list *findings)
{
	json_object *o = json_object_new_object(), *tnm = json_object_new_object();
	char date[FG_DATE_TEXT_MAX];

	json_object_object_add(o, "id", json_object_new_int64(t->id));
	json_object_object_add(o, "person_id", json_object_new_int64(t->person_id));
	json_object_object_add(o, "institution_id", json_object_new_int64(t->institution_id));
	json_object_object_add(o, "district", json_object_new_string(t->district));
	json_object_object_add(o, "incidence_date", json_object_new_string(fg_date_format(t->incidence, date)));
	json_object_object_add(o, "topography", json_object_new_string(t->topography));
	json_object_object_add(o, "morphology", json_object_new_int(t->morphology));
	json_object_object_add(o, "behaviour", json_object_new_int(t->behaviour));
	json_object_object_add(o, "grade", t->grade < 0 ? NULL : json_object_new_int(t->grade));
	json_object_object_add(o, "laterality", json_object_new_string(t->laterality));
	json_object_object_add(o, "basis", json_object_new_int(t->basis));
	json_object_object_add(o, "icd10", t->icd10[0] ? json_object_new_string(t->icd10) : NULL);
	json_object_object_add(tnm, "edition", json_object_new_string(t->tnm_edition));
	json_object_object_add(tnm, "context", json_object_new_string(t->tnm_context));
	json_object_object_add(tnm, "t", json_object_new_string(t->t));
	json_object_object_add(tnm, "n", json_object_new_string(t->n));
	json_object_object_add(tnm, "m", json_object_new_string(t->m));
	json_object_object_add(o, "tnm", tnm);
	json_object_object_add(o, "stage", t->stage[0] ? json_object_new_string(t->stage) : NULL);
	json_object_object_add(o, "primary_seq", json_object_new_int(t->primary_seq));
	json_object_object_add(o, "source", json_object_new_string(t->source));
	if (findings != NULL) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < findings->count; i++) {
			const struct fg_tumour_finding *f = &findings->items[i];
			json_object *x = json_object_new_object();

			json_object_object_add(x, "id", json_object_new_int64(f->id));
			json_object_object_add(x, "level", json_object_new_string("warning"));
			json_object_object_add(x, "code", json_object_new_string(f->code));
			json_object_object_add(x, "field", json_object_new_string(f->field));
			json_object_object_add(x, "message", json_object_new_string(f->message));
			json_object_object_add(x, "confirmed_by", f->confirmed_by[0] ? json_object_new_string(f->confirmed_by) : NULL);
			json_object_object_add(x, "confirmed_at", f->confirmed_at[0] ? json_object_new_string(f->confirmed_at) : NULL);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "findings", a);
	}
	return o;
}

bool
tumour_in_scope(struct request *req, const char *kind, int64_t id, struct fg_tumour *out)
{
	struct fg_person p;
	struct fg_error err;
	fg_rc rc;

	rc = fg_tumour_get(req->store, id, out, &err);
	if (rc == FG_OK)
		rc = fg_scope_person_get(req->store, &req->scope, out->person_id, &p, &err);
	return read_finish(req, rc, kind, id, &err);
}

bool
tumour_list_for(struct request *req, const char *kind, const char *field, const char *person,
		struct fg_tumour_list *out)
{
	struct fg_person p;
	struct fg_error err;
	int64_t id = 0;
	fg_rc rc;

	if (person == NULL || fg_parse_int64(person, field, 1, INT64_MAX, &id, &err) != FG_OK) {
		reply_error(req, 400, field, person == NULL ? fg_arena_printf(req->arena, "%s is missing", field)
							    : err.message,
			    NULL, "Name the person whose tumours to list by its record id.");
		return false;
	}
	rc = fg_scope_person_get(req->store, &req->scope, id, &p, &err);
	if (rc == FG_OK)
		rc = fg_tumour_list(req->store, id, 1000, req->arena, out, &err);
	if (rc == FG_NOTFOUND) {
		/* A person out of scope has no tumours to show: an empty result, like one without any. */
		out->count = 0;
		rc = FG_OK;
	}
	audit_note(req, "search", audit_result(rc), "%s?person=%lld&n=%zu", kind, (long long)id,
		   rc == FG_OK ? out->count : 0);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK;
}

void
api_tumours_get(struct request *req)
{
	struct fg_tumour_finding_list findings;
	struct fg_tumour t;
	struct fg_error err;
	int64_t id;

	if (!req_param_id(req, 0, "tumour", &id) || !tumour_in_scope(req, "tumour", id, &t))
		return;
	if (fg_tumour_findings(req->store, id, req->arena, &findings, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	reply_json(req, 200, json_tumour(&t, &findings));
}

void
api_tumours_list(struct request *req)
{
	struct fg_tumour_list list;
	json_object *items;
	int64_t limit, offset;

	if (!req_query_int(req, "limit", 1, 1000, 50, &limit) ||
	    !req_query_int(req, "offset", 0, INT64_MAX / 2, 0, &offset) ||
	    !tumour_list_for(req, "tumour", "person", req_query(req, "person"), &list))
		return;
	items = json_object_new_array();
	for (int64_t i = offset; i < (int64_t)list.count && i < offset + limit; i++)
		json_object_array_add(items, json_tumour(&list.items[i], NULL));
	reply_json(req, 200, json_page(items, (int64_t)list.count, limit, offset));
}

static const char *const tumour_members[] = {
	"person", "institution", "incidence_date", "topography", "morphology", "behaviour", "grade",
	"laterality", "basis", "tnm_edition", "tnm_context", "t", "n", "m", "source", NULL,
};

/* Read the tumour fields of body; replies 400 and returns false on a wrong type. */
static bool
tumour_input(struct request *req, json_object *body, struct fg_tumour_input *in)
{
	memset(in, 0, sizeof(*in));
	return json_only_members(req, body, tumour_members) &&
	       json_get_string(req, body, "person", &in->person) &&
	       json_get_string(req, body, "institution", &in->institution) &&
	       json_get_string(req, body, "incidence_date", &in->incidence_date) &&
	       json_get_string(req, body, "topography", &in->topography) &&
	       json_get_string(req, body, "morphology", &in->morphology) &&
	       json_get_string(req, body, "behaviour", &in->behaviour) &&
	       json_get_string(req, body, "grade", &in->grade) &&
	       json_get_string(req, body, "laterality", &in->laterality) &&
	       json_get_string(req, body, "basis", &in->basis) &&
	       json_get_string(req, body, "tnm_edition", &in->tnm_edition) &&
	       json_get_string(req, body, "tnm_context", &in->tnm_context) &&
	       json_get_string(req, body, "t", &in->t) && json_get_string(req, body, "n", &in->n) &&
	       json_get_string(req, body, "m", &in->m) &&
	       json_get_string(req, body, "source", &in->source);
}

void
api_tumours_create(struct request *req)
{
	json_object *body = req_json_body(req);
	struct fg_tumour_finding_list findings = {0};
	struct fg_tumour_input in;
	struct fg_tumour t;
	struct fg_error err;
	fg_registry *reg = NULL;
	char own[24];
	fg_rc rc;

	if (body == NULL)
		return;
	if (!tumour_input(req, body, &in))
		goto out;
	fg_error_clear(&err);
	rc = write_scope_check(req, in.person, "institution", &in.institution, own, sizeof(own), &err);
	if (rc == FG_OK)
		rc = fg_registry_open(NULL, &reg, &err);
	if (rc == FG_OK && (rc = fg_store_begin(req->store, &err)) == FG_OK) {
		t.id = 0;
		rc = fg_tumour_add(req->store, reg, &in, &t, NULL, &err);
		rc = write_finish(req, rc, "create", fg_arena_printf(req->arena, "tumour/%lld", (long long)t.id),
				  "tumour", &err);
	} else
		audit_note(req, "create", audit_result(rc), "tumour");
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	if (fg_tumour_findings(req->store, t.id, req->arena, &findings, &err) != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	reply_header(req, "Location", fg_arena_printf(req->arena, "/api/tumours/%lld", (long long)t.id));
	reply_json(req, 201, json_tumour(&t, &findings));
out:
	fg_registry_free(reg);
	json_object_put(body);
}
