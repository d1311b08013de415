/*
 * model.c
 *	  The registry's linkage model, kept in link_model: the m and u
 *	  probabilities that a scan of the registry estimated, for the duplicate
 *	  check of each person registered afterwards.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fangai/linkage.h"
#include "fangai/util.h"
#include "linkage_int.h"

/* "name:comparator;..." of spec's fields: what a model was estimated for. */
static void
fields_text(const struct fg_link_spec *spec, char *out, size_t outsz)
{
	size_t n = 0;

	out[0] = '\0';
	for (int f = 0; f < spec->nfields && n < outsz; f++)
		n += (size_t)snprintf(out + n, outsz - n, "%s%s:%s", f ? ";" : "", spec->fields[f].name,
				      fg_link_cmp_name(spec->fields[f].cmp));
}

/* Per field, the probability of each agreement level, as JSON text (17 digits: read back exactly). */
static json_object *
levels_json(const struct fg_link_spec *spec, const double (*prob)[FG_LINK_MAX_LEVELS])
{
	json_object *fields = json_object_new_array();

	for (int f = 0; fields && f < spec->nfields; f++) {
		json_object *levels = json_object_new_array();

		for (int l = 0; levels && l < fg_link_cmp_levels(spec->fields[f].cmp); l++) {
			char text[32];

			snprintf(text, sizeof(text), "%.17g", prob[f][l]);
			json_object_array_add(levels, json_object_new_double_s(prob[f][l], text));
		}
		json_object_array_add(fields, levels);
	}
	return fields;
}

/* Read levels_json()'s text back into prob; false if it does not fit spec. */
static bool
read_levels(const struct fg_link_spec *spec, const char *text, double (*prob)[FG_LINK_MAX_LEVELS])
{
	json_object *fields = json_tokener_parse(text);
	bool ok = fields && json_object_is_type(fields, json_type_array) &&
		  json_object_array_length(fields) == (size_t)spec->nfields;

	for (int f = 0; ok && f < spec->nfields; f++) {
		json_object *levels = json_object_array_get_idx(fields, (size_t)f);
		int n = fg_link_cmp_levels(spec->fields[f].cmp);

		ok = json_object_is_type(levels, json_type_array) &&
		     json_object_array_length(levels) == (size_t)n;
		for (int l = 0; ok && l < n; l++) {
			json_object *v = json_object_array_get_idx(levels, (size_t)l);

			ok = json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int);
			prob[f][l] = ok ? json_object_get_double(v) : 0;
		}
	}
	json_object_put(fields);
	return ok;
}

fg_rc
fg_link_model_save(fg_store *store, const struct fg_link_spec *spec, const struct fg_link_model *model,
		   struct fg_error *err)
{
	char fields[1024], now[32];
	json_object *m = levels_json(spec, model->m), *u = levels_json(spec, model->u);
	fg_stmt *st;
	fg_rc rc;

	if (m == NULL || u == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory keeping a linkage model");
		goto out;
	}
	fields_text(spec, fields, sizeof(fields));
	rc = fg_store_prepare(store, "INSERT INTO link_model (fields, p, m, u, pairs, estimated_at)"
			      " VALUES (?, ?, ?, ?, ?, ?)", &st, err);
	if (rc != FG_OK)
		goto out;
	fg_stmt_bind_text(st, 1, fields);
	fg_stmt_bind_double(st, 2, model->p);
	fg_stmt_bind_text(st, 3, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
	fg_stmt_bind_text(st, 4, json_object_to_json_string_ext(u, JSON_C_TO_STRING_PLAIN));
	fg_stmt_bind_int64(st, 5, model->pairs);
	fg_stmt_bind_text(st, 6, fg_utc_now(now));
	rc = fg_stmt_scalar_int64(st, NULL, NULL, err);
out:
	json_object_put(m);
	json_object_put(u);
	return rc;
}

fg_rc
fg_link_model_load(fg_store *store, const struct fg_link_spec *spec, struct fg_link_model *model,
		   bool *found, struct fg_error *err)
{
	char fields[1024];
	fg_stmt *st;
	fg_rc rc;

	memset(model, 0, sizeof(*model));
	*found = false;
	fields_text(spec, fields, sizeof(fields));
	rc = fg_store_prepare(store, "SELECT id, p, m, u, pairs FROM link_model WHERE fields = ?"
			      " ORDER BY id DESC LIMIT 1", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fields);
	rc = fg_stmt_step(st, found, err);
	if (rc == FG_OK && *found) {
		model->p = fg_stmt_double(st, 1);
		model->pairs = fg_stmt_int64(st, 4);
		model->converged = true;
		if (!read_levels(spec, fg_stmt_text(st, 2), model->m) ||
		    !read_levels(spec, fg_stmt_text(st, 3), model->u))
			rc = fg_error_set(err, FG_INVALID, "link_model", "linkage model %lld does not fit its fields",
					  (long long)fg_stmt_int64(st, 0));
	}
	fg_stmt_reset(st);
	return rc;
}
