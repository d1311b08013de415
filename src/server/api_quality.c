/*
 * api_quality.c
 *	  GET /api/stats/quality: the registry's data-quality indicators from
 *	  the database (lib/stats, as "fangai stats quality" counts them): the
 *	  share of cases microscopically verified (MV%), known by death
 *	  certificate only (DCO%), of unknown basis, of unknown primary site and
 *	  with a morphology NOS, and the mortality-to-incidence ratio (M:I), by
 *	  site, sex, district and year, for dashboards.  Region users only.
 */
#include <math.h>

#include "fangai/quality.h"
#include "fangai/sitegroup.h"
#include "api_clinical.h"

/* part as a percentage of whole, or null when whole is 0. */
static json_object *
percent(double part, double whole)
{
	return whole > 0 ? json_object_new_double(100.0 * part / whole) : NULL;
}

static json_object *
json_quality_row(const fg_quality *q, const struct fg_quality_row *r)
{
	json_object *o = json_object_new_object();

	for (int d = 0; d < FG_NDIMS; d++)
		if (r->key[d] >= 0)
			json_object_object_add(o, fg_dim_name(d),
					       json_object_new_string(fg_quality_value_text(q, d, r->key[d])));
	json_object_object_add(o, "cases", json_object_new_int64(llround(r->cases)));
	json_object_object_add(o, "mv_percent", percent(r->mv, r->cases));
	json_object_object_add(o, "dco_percent", percent(r->dco, r->cases));
	json_object_object_add(o, "unknown_basis_percent", percent(r->unknown_basis, r->cases));
	json_object_object_add(o, "unknown_site_percent", percent(r->unknown_site, r->cases));
	json_object_object_add(o, "morphology_nos_percent", percent(r->morph_nos, r->cases));
	json_object_object_add(o, "deaths", json_object_new_int64(llround(r->deaths)));
	json_object_object_add(o, "mi_ratio", r->cases > 0 ? json_object_new_double(r->deaths / r->cases) : NULL);
	return o;
}

/* Count the database's tumours and deaths by by[] into items; fills err on failure. */
static fg_rc
quality_compute(struct request *req, const bool by[FG_NDIMS], json_object *items, struct fg_error *err)
{
	struct fg_site_groups *sites = fg_arena_alloc(req->arena, sizeof(*sites));
	struct fg_quality_codes *codes = fg_arena_alloc(req->arena, sizeof(*codes));
	struct fg_quality_row *rows = NULL;
	fg_quality *q = NULL;
	size_t nrows = 0;
	fg_rc rc;

	if (sites == NULL || codes == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	rc = fg_site_groups_load(NULL, sites, err);
	if (rc == FG_OK)
		rc = fg_quality_codes_load(NULL, codes, err);
	if (rc == FG_OK)
		rc = fg_quality_new(by, sites, codes, &q, err);
	if (rc == FG_OK)
		rc = fg_quality_read_store(q, req->store, err);
	if (rc == FG_OK)
		rc = fg_quality_rows(q, req->arena, &rows, &nrows, err);
	for (size_t i = 0; rc == FG_OK && i < nrows; i++)
		json_object_array_add(items, json_quality_row(q, &rows[i]));
	fg_quality_free(q);
	return rc;
}

void
api_stats_quality(struct request *req)
{
	const char *by_text = req_query(req, "by");
	bool by[FG_NDIMS];
	struct fg_error err;
	json_object *items, *o;
	fg_rc rc;

	if (!stats_region_by(req, "quality indicators", by_text, by))
		return;
	fg_error_clear(&err);
	items = json_object_new_array();
	rc = quality_compute(req, by, items, &err);
	audit_note(req, "read", audit_result(rc), "stats/quality?by=%.40s", by_text ? by_text : "");
	if (rc != FG_OK) {
		json_object_put(items);
		reply_fg_error(req, &err);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64((int64_t)json_object_array_length(items)));
	reply_json(req, 200, o);
}
