/*
 * api_tumour_create.c
 *	  POST /api/tumours: register a tumour of a person in the caller's
 *	  scope for the caller's institution.  The registry's checks run before
 *	  anything is stored: an error finding refuses the save (422 naming the
 *	  field), warnings are stored with the tumour and returned with it, so
 *	  that the registrar sees at once what to confirm.  The same steps
 *	  register a FHIR Condition (tumour_register(), fhir_condition.c).
 */
#include <string.h>

#include "fangai/registry.h"
#include "fangai/tumour.h"
#include "api_clinical.h"

static json_object *
json_findings(const struct fg_tumour_finding_list *findings)
{
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
		json_object_array_add(a, x);
	}
	return a;
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

/* fg_tumour_add() as the create step of write_create(). */
struct tumour_add {
	fg_registry *reg;
	const struct fg_tumour_input *in;
	struct fg_tumour *out;
};

static fg_rc
add_one(struct request *req, void *ctx, int64_t *id, struct fg_error *err)
{
	struct tumour_add *a = ctx;
	fg_rc rc = fg_tumour_add(req->store, a->reg, a->in, a->out, NULL, err);

	*id = a->out->id;
	return rc;
}

fg_rc
tumour_register(struct request *req, struct fg_tumour_input *in, struct fg_tumour *out, struct fg_error *err)
{
	struct tumour_add a = {NULL, in, out};
	int64_t id;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	fg_error_clear(err);
	rc = fg_registry_open(NULL, &a.reg, err);
	if (rc == FG_OK)
		rc = write_create(req, in->person, "institution", &in->institution, "tumour", add_one, &a, &id, err);
	else
		audit_note(req, "create", audit_result(rc), "tumour");
	fg_registry_free(a.reg);
	return rc;
}

void
api_tumours_create(struct request *req)
{
	json_object *body = req_json_body(req), *o;
	struct fg_tumour_finding_list findings = {0};
	struct fg_tumour_input in;
	struct fg_tumour t;
	struct fg_error err;
	fg_rc rc;

	if (body == NULL)
		return;
	if (!tumour_input(req, body, &in))
		goto out;
	rc = tumour_register(req, &in, &t, &err);
	if (rc == FG_OK)
		rc = fg_tumour_findings(req->store, t.id, req->arena, &findings, &err);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	o = json_tumour(&t);
	json_object_object_add(o, "findings", json_findings(&findings));
	reply_header(req, "Location", fg_arena_printf(req->arena, "/api/tumours/%lld", (long long)t.id));
	reply_json(req, 201, o);
out:
	json_object_put(body);
}
