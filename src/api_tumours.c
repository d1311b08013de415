/*
 * api_tumours.c
 *	  /api/persons/{id}/tumours and /api/tumours/{id}: the cancer
 *	  registry's tumours of a person in the caller's scope, read-only.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "server.h"

#define MAX_TUMOURS 100

json_object *
json_tumour(const struct fg_tumour *t)
{
	json_object *o = json_object_new_object();
	char date[FG_DATE_TEXT_MAX], code[8];

	json_object_object_add(o, "id", json_object_new_int64(t->id));
	json_object_object_add(o, "person_id", json_object_new_int64(t->person_id));
	json_object_object_add(o, "institution_id", json_object_new_int64(t->institution_id));
	json_object_object_add(o, "incidence_date", json_object_new_string(fg_date_format(t->incidence, date)));
	json_object_object_add(o, "topography", json_object_new_string(t->topography));
	snprintf(code, sizeof(code), "%04d", t->morphology);
	json_object_object_add(o, "morphology", json_object_new_string(code));
	json_object_object_add(o, "behaviour", json_object_new_int(t->behaviour));
	json_object_object_add(o, "grade", t->grade >= 0 ? json_object_new_int(t->grade) : NULL);
	json_object_object_add(o, "basis", json_object_new_int(t->basis));
	json_object_object_add(o, "icd10", t->icd10[0] ? json_object_new_string(t->icd10) : NULL);
	json_object_object_add(o, "tnm_edition", t->tnm_edition[0] ? json_object_new_string(t->tnm_edition) : NULL);
	json_object_object_add(o, "t", t->t[0] ? json_object_new_string(t->t) : NULL);
	json_object_object_add(o, "n", t->n[0] ? json_object_new_string(t->n) : NULL);
	json_object_object_add(o, "m", t->m[0] ? json_object_new_string(t->m) : NULL);
	json_object_object_add(o, "stage", t->stage[0] ? json_object_new_string(t->stage) : NULL);
	json_object_object_add(o, "primary_seq", json_object_new_int(t->primary_seq));
	return o;
}

bool
tumour_read(struct request *req, const char *kind, struct fg_tumour *out)
{
	struct fg_person p;
	struct fg_error err;
	int64_t id;
	fg_rc rc;

	if (!req_param_id(req, 0, kind, &id))
		return false;
	rc = fg_tumour_get(req->store, id, out, &err);
	if (rc == FG_OK)
		rc = fg_scope_person_get(req->store, &req->scope, out->person_id, &p, &err);
	if (rc == FG_NOTFOUND)
		rc = fg_error_set(&err, FG_NOTFOUND, kind, "%s %lld does not exist", kind, (long long)id);
	audit_note(req, "read", audit_result(rc), "%s/%lld", kind, (long long)id);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return false;
	}
	return true;
}

bool
tumours_of(struct request *req, int64_t person_id, const char *kind, bool search,
	   struct fg_tumour_list *out)
{
	struct fg_person p;
	struct fg_error err;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_scope_person_get(req->store, &req->scope, person_id, &p, &err);
	if (rc == FG_NOTFOUND && search)
		rc = FG_OK;		/* a search finds nothing of a person out of scope */
	else if (rc == FG_OK)
		rc = fg_tumour_list(req->store, person_id, MAX_TUMOURS, req->arena, out, &err);
	audit_note(req, "search", audit_result(rc), "%s?patient=%lld&n=%zu", kind, (long long)person_id,
		   rc == FG_OK ? out->count : 0);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return false;
	}
	return true;
}

void
api_tumours_get(struct request *req)
{
	struct fg_tumour t;

	if (tumour_read(req, "tumour", &t))
		reply_json(req, 200, json_tumour(&t));
}

void
api_person_tumours(struct request *req)
{
	struct fg_tumour_list list;
	json_object *items;
	int64_t person;

	if (!req_param_id(req, 0, "person", &person) || !tumours_of(req, person, "tumour", false, &list))
		return;
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, json_tumour(&list.items[i]));
	reply_json(req, 200, json_page(items, (int64_t)list.count, MAX_TUMOURS, 0));
}
