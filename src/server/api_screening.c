/*
 * api_screening.c
 *	  /api/screening: the classifiers and programmes as data for the web
 *	  UI.  POST /api/screening/classify/{scheme} classifies one finding
 *	  without storing anything (the UI shows the Lung-RADS or BI-RADS
 *	  category as the user types); GET /api/screening/schemes/{scheme}
 *	  describes a classifier's fields; GET /api/screening/programmes lists
 *	  the programmes.  No personal data passes here, so nothing is audited.
 */
#include <string.h>

#include "fangai/screening.h"
#include "fangai/util.h"
#include "api_clinical.h"

/*
 * Load the rule set named by the route's {scheme}; replies 404 for one
 * that does not exist (or a name that is not a plain word) and returns NULL.
 */
static const fg_ruleset *
scheme_load(struct request *req)
{
	const char *name = req->params[0];
	const fg_ruleset *rs = NULL;
	struct fg_error err;
	fg_rc rc;

	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name) || strlen(name) > 64)
		rc = fg_error_set(&err, FG_NOTFOUND, "scheme", "scheme \"%.64s\" does not exist", name);
	else
		rc = fg_ruleset_load(NULL, name, req->arena, &rs, &err);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK ? rs : NULL;
}

static json_object *
json_scheme(const fg_ruleset *rs)
{
	json_object *o = json_object_new_object(), *fields = json_object_new_array();
	char buf[256];

	json_object_object_add(o, "name", json_object_new_string(fg_ruleset_name(rs)));
	json_object_object_add(o, "title", json_object_new_string(fg_ruleset_title(rs)));
	json_object_object_add(o, "source", json_object_new_string(fg_ruleset_source(rs)));
	for (size_t i = 0; i < fg_ruleset_field_count(rs); i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "name", json_object_new_string(fg_ruleset_field_name(rs, i)));
		json_object_object_add(f, "type", json_object_new_string(
			fg_ruleset_field_describe(rs, i, buf, sizeof(buf))));
		json_object_array_add(fields, f);
	}
	json_object_object_add(o, "fields", fields);
	return o;
}

void
api_screening_scheme(struct request *req)
{
	const fg_ruleset *rs = scheme_load(req);

	if (rs != NULL)
		reply_json(req, 200, json_scheme(rs));
}

/*
 * The values of the body's members in the order of the rule set's fields.
 * A member that is not a field, or not a string or number, replies 400
 * naming it and returns NULL.
 */
static const char **
classify_values(struct request *req, const fg_ruleset *rs, json_object *body)
{
	size_t n = fg_ruleset_field_count(rs);
	const char **values = fg_arena_alloc(req->arena, (n + 1) * sizeof(*values));

	memset(values, 0, (n + 1) * sizeof(*values));
	json_object_object_foreach(body, key, val) {
		int i = fg_ruleset_field_index(rs, key);
		enum json_type type = json_object_get_type(val);

		if (i < 0) {
			reply_error(req, 400, key, fg_arena_printf(req->arena, "scheme \"%s\" has no field \"%.64s\"",
								   fg_ruleset_name(rs), key),
				    NULL, fg_arena_printf(req->arena, "See GET /api/screening/schemes/%s.",
							  fg_ruleset_name(rs)));
			return NULL;
		}
		if (type == json_type_null)
			continue;
		if (type != json_type_string && type != json_type_int && type != json_type_double) {
			reply_error(req, 400, key, fg_arena_printf(req->arena, "%.64s must be a string or a number", key),
				    NULL, NULL);
			return NULL;
		}
		values[i] = fg_arena_strdup(req->arena, json_object_get_string(val));
	}
	return values;
}

json_object *
json_screen_result(const struct fg_screen_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "outcome", json_object_new_string(r->outcome));
	json_object_object_add(o, "category", json_object_new_string(r->category));
	json_object_object_add(o, "management", json_object_new_string(r->management));
	json_object_object_add(o, "recall_months", r->recall_months == FG_SCREEN_RECALL_NONE
							   ? NULL : json_object_new_int(r->recall_months));
	json_object_object_add(o, "positive", json_object_new_boolean(r->positive));
	json_object_object_add(o, "referral", json_object_new_boolean(r->referral));
	json_object_object_add(o, "routine", json_object_new_boolean(r->routine));
	json_object_object_add(o, "rule_line", json_object_new_int(r->rule_line));
	return o;
}

void
api_screening_classify(struct request *req)
{
	const fg_ruleset *rs = scheme_load(req);
	struct fg_screen_result r;
	struct fg_error err;
	json_object *body, *o;
	const char **values;

	if (rs == NULL || (body = req_json_body(req)) == NULL)
		return;
	values = classify_values(req, rs, body);
	json_object_put(body);
	if (values == NULL)
		return;
	fg_error_clear(&err);
	if (fg_ruleset_classify(rs, values, &r, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	o = json_screen_result(&r);
	json_object_object_add(o, "scheme", json_object_new_string(fg_ruleset_name(rs)));
	reply_json(req, 200, o);
}

void
api_screening_programmes(struct request *req)
{
	const char **codes;
	size_t n;
	struct fg_error err;
	json_object *items;

	if (fg_programme_list(NULL, req->arena, &codes, &n, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const fg_programme *p;
		const struct fg_programme_info *info;
		json_object *o, *exams;

		if (fg_programme_load(NULL, codes[i], NULL, req->arena, &p, &err) != FG_OK) {
			json_object_put(items);
			reply_fg_error(req, &err);
			return;
		}
		info = fg_programme_info(p);
		o = json_object_new_object();
		exams = json_object_new_array();
		json_object_object_add(o, "code", json_object_new_string(info->code));
		json_object_object_add(o, "version", json_object_new_string(info->version));
		json_object_object_add(o, "title", json_object_new_string(info->title));
		json_object_object_add(o, "source", json_object_new_string(info->source));
		json_object_object_add(o, "site", json_object_new_string(info->site));
		json_object_object_add(o, "age_min", json_object_new_int(info->age_min));
		json_object_object_add(o, "age_max", json_object_new_int(info->age_max));
		json_object_object_add(o, "sex", json_object_new_string_len(&info->sex, 1));
		json_object_object_add(o, "interval_months", json_object_new_int(info->interval_months));
		for (size_t j = 0; j < info->nexams; j++) {
			json_object *x = json_object_new_object();

			json_object_object_add(x, "type", json_object_new_string(info->exams[j].type));
			json_object_object_add(x, "scheme", json_object_new_string(fg_ruleset_name(info->exams[j].scheme)));
			json_object_array_add(exams, x);
		}
		json_object_object_add(o, "exams", exams);
		if (info->questionnaire != NULL)
			json_object_object_add(o, "questionnaire", json_scheme(info->questionnaire));
		json_object_array_add(items, o);
	}
	reply_json(req, 200, json_page(items, (int64_t)n, (int64_t)n, 0));
}
