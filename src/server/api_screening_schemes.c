/*
 * api_screening_schemes.c
 *	  The screening classifiers for the exam forms, without storing
 *	  anything: GET /api/screening/schemes/{name} (title, source and input
 *	  fields), POST /api/screening/schemes/{name}/classify with the
 *	  findings as a JSON object of strings, answered with the category
 *	  (Lung-RADS, BI-RADS ...), its management and recall, or a 422
 *	  naming the field at fault.
 */
#include <string.h>

#include "fangai/screening.h"
#include "server.h"

#define FIELD_DESC_MAX 512

/* Load the scheme named by the route; replies 404 and returns NULL when there is none. */
static const fg_ruleset *
scheme_load(struct request *req)
{
	const fg_ruleset *rs = NULL;
	struct fg_error err;
	const char *name = req->params[0];

	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
			reply_error(req, 404, "scheme", "no such screening scheme", NULL, NULL);
			return NULL;
		}
	if (fg_ruleset_load(NULL, name, req->arena, &rs, &err) != FG_OK) {
		if (err.code == FG_NOTFOUND)
			reply_error(req, 404, "scheme", err.message, NULL, NULL);
		else
			reply_fg_error(req, &err);
		return NULL;
	}
	return rs;
}

void
api_screening_scheme_get(struct request *req)
{
	const fg_ruleset *rs = scheme_load(req);
	json_object *o, *fields;
	char desc[FIELD_DESC_MAX];

	if (rs == NULL)
		return;
	o = json_object_new_object();
	fields = json_object_new_array();
	json_object_object_add(o, "name", json_object_new_string(fg_ruleset_name(rs)));
	json_object_object_add(o, "title", json_object_new_string(fg_ruleset_title(rs)));
	json_object_object_add(o, "source", json_object_new_string(fg_ruleset_source(rs)));
	for (size_t i = 0; i < fg_ruleset_field_count(rs); i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "name", json_object_new_string(fg_ruleset_field_name(rs, i)));
		json_object_object_add(f, "values",
				       json_object_new_string(fg_ruleset_field_describe(rs, i, desc, sizeof(desc))));
		json_object_array_add(fields, f);
	}
	json_object_object_add(o, "fields", fields);
	reply_json(req, 200, o);
}

/* The values of the body in field order; replies 400/422 and returns false on a bad member. */
static bool
scheme_values(struct request *req, const fg_ruleset *rs, json_object *body, const char **values)
{
	json_object_object_foreach(body, key, val) {
		int i = fg_ruleset_field_index(rs, key);

		(void)val;		/* read through json_get_string, which checks its type */
		if (i < 0) {
			reply_error(req, 422, key, fg_arena_printf(req->arena, "unknown field \"%.64s\"", key),
				    NULL, "Use the fields of GET /api/screening/schemes/{name}.");
			return false;
		}
		if (!json_get_string(req, body, key, &values[i]))
			return false;
	}
	return true;
}

void
api_screening_classify(struct request *req)
{
	const fg_ruleset *rs = scheme_load(req);
	json_object *body, *o;
	struct fg_screen_result r;
	struct fg_error err;
	const char **values;

	if (rs == NULL || (body = req_json_body(req)) == NULL)
		return;
	values = fg_arena_alloc(req->arena, (fg_ruleset_field_count(rs) + 1) * sizeof(*values));
	if (values == NULL) {
		reply_error(req, 500, NULL, "out of memory", NULL, NULL);
		goto out;
	}
	memset(values, 0, (fg_ruleset_field_count(rs) + 1) * sizeof(*values));
	if (!scheme_values(req, rs, body, values))
		goto out;
	if (fg_ruleset_classify(rs, values, &r, &err) != FG_OK) {
		reply_fg_error(req, &err);
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "scheme", json_object_new_string(fg_ruleset_name(rs)));
	json_object_object_add(o, "category", json_object_new_string(r.category));
	json_object_object_add(o, "outcome", json_object_new_string(r.outcome));
	json_object_object_add(o, "management", json_object_new_string(r.management));
	json_object_object_add(o, "recall_months",
			       r.recall_months == FG_SCREEN_RECALL_NONE ? NULL : json_object_new_int(r.recall_months));
	json_object_object_add(o, "positive", json_object_new_boolean(r.positive));
	json_object_object_add(o, "referral", json_object_new_boolean(r.referral));
	reply_json(req, 200, o);
out:
	json_object_put(body);
}
