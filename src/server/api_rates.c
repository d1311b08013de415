/*
 * api_rates.c
 *	  GET /api/stats/rates: the registry's incidence rates from the
 *	  database (lib/stats: the population table and the tumours in scope,
 *	  as "fangai stats rates" computes them, checked against R's epitools)
 *	  broken down by site, sex, district and year, per 100,000 with the
 *	  age-standardised rates of the built-in standards and their
 *	  Fay-Feuer intervals, for dashboards.  The rates span the region, so
 *	  only the region's users may ask for them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fangai/incidence.h"
#include "fangai/population.h"
#include "fangai/rates.h"
#include "fangai/sitegroup.h"
#include "api_clinical.h"

#define PER 100000.0
#define CONF 0.95

/* The standards a request may name: the built-in ones only, never a file. */
static const char *const builtin_standards[] = {"china2000", "segi", "who2000", NULL};

/* Load the comma-separated standards of list into opts; FG_INVALID naming "standard". */
static fg_rc
standards_load(const char *list, struct fg_stdpop *std, struct fg_stdpop *trunc,
	       struct fg_rate_options *opts, struct fg_error *err)
{
	char buf[128], *save = NULL;
	fg_rc rc = FG_OK;

	snprintf(buf, sizeof(buf), "%s", list);
	opts->nstandards = 0;
	for (char *w = strtok_r(buf, ",", &save); rc == FG_OK && w; w = strtok_r(NULL, ",", &save)) {
		size_t k = 0;

		while (builtin_standards[k] && strcmp(builtin_standards[k], w) != 0)
			k++;
		if (builtin_standards[k] == NULL)
			return fg_error_set(err, FG_INVALID, "standard", "invalid standard population \"%.32s\"", w);
		if (opts->nstandards == FG_RATES_MAX_STD)
			return fg_error_set(err, FG_INVALID, "standard", "more than %d standards", FG_RATES_MAX_STD);
		rc = fg_stdpop_load(w, &std[opts->nstandards++], err);
	}
	if (rc == FG_OK && opts->nstandards == 0)
		rc = fg_error_set(err, FG_INVALID, "standard", "no standard population given");
	if (rc == FG_OK)
		rc = fg_stdpop_load("segi", trunc, err);
	opts->standards = std;
	opts->truncation = trunc;
	opts->conf = CONF;
	return rc;
}

static json_object *
json_dsr(const struct fg_dsr *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "rate", json_object_new_double(d->rate * PER));
	json_object_object_add(o, "lci", json_object_new_double(d->lci * PER));
	json_object_object_add(o, "uci", json_object_new_double(d->uci * PER));
	return o;
}

static json_object *
json_rate_row(const fg_incidence *inc, const struct fg_incidence_row *in, const struct fg_rate_row *r,
	      const struct fg_rate_options *opts)
{
	json_object *o = json_object_new_object(), *asr = json_object_new_object();

	for (int d = 0; d < FG_NDIMS; d++)
		if (in->key[d] >= 0)
			json_object_object_add(o, fg_dim_name(d),
					       json_object_new_string(fg_incidence_value_text(inc, d, in->key[d])));
	json_object_object_add(o, "cases", json_object_new_int64(llround(r->cases)));
	json_object_object_add(o, "population", json_object_new_int64(llround(r->population)));
	json_object_object_add(o, "crude", json_object_new_double(r->crude * PER));
	for (size_t s = 0; s < opts->nstandards; s++)
		json_object_object_add(asr, opts->standards[s].name, json_dsr(&r->asr[s]));
	json_object_object_add(o, "asr", asr);
	json_object_object_add(o, "truncated_35_64", json_dsr(&r->truncated));
	json_object_object_add(o, "cumulative_0_74_percent", json_object_new_double(r->cumulative * 100));
	json_object_object_add(o, "cumulative_risk_0_74_percent", json_object_new_double(r->cumulative_risk * 100));
	return o;
}

/* Compute the rates of the request into items; fills err on failure. */
static fg_rc
rates_compute(struct request *req, const bool by[FG_NDIMS], const char *standards, json_object *items,
	      struct fg_error *err)
{
	struct fg_stdpop std[FG_RATES_MAX_STD], trunc;
	struct fg_rate_options opts = {0};
	struct fg_site_groups *sites = fg_arena_alloc(req->arena, sizeof(*sites));
	struct fg_incidence_row *rows = NULL;
	fg_incidence *inc = NULL;
	size_t nrows = 0;
	fg_rc rc;

	if (sites == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	rc = standards_load(standards, std, &trunc, &opts, err);
	if (rc == FG_OK)
		rc = fg_site_groups_load(NULL, sites, err);
	if (rc == FG_OK)
		rc = fg_incidence_new(&inc, err);
	if (rc == FG_OK)
		rc = fg_incidence_read_store(inc, req->store, sites, by[FG_DIM_SITE], err);
	if (rc == FG_OK)
		rc = fg_incidence_collapse(inc, by, req->arena, &rows, &nrows, err);
	for (size_t i = 0; rc == FG_OK && i < nrows; i++) {
		struct fg_rate_row r;

		rc = fg_rates_compute(rows[i].count, rows[i].pop, &opts, &r, err);
		if (rc == FG_OK)
			json_object_array_add(items, json_rate_row(inc, &rows[i], &r, &opts));
	}
	fg_incidence_free(inc);
	return rc;
}

bool
stats_region_by(struct request *req, const char *what, const char *by_text, bool by[FG_NDIMS])
{
	struct fg_error err;

	if (!req->scope.region) {
		reply_error(req, 403, NULL, fg_arena_printf(req->arena, "%s span the region", what), NULL,
			    "Ask the cancer centre's registry for the figures of the region.");
		return false;
	}
	for (int d = 0; d < FG_NDIMS; d++)
		by[d] = false;
	if (by_text != NULL && by_text[0] && fg_dims_parse(by_text, by, &err) != FG_OK) {
		reply_error(req, 400, "by", err.message, NULL, "Use site, sex, district and year, comma-separated.");
		return false;
	}
	return true;
}

void
api_stats_rates(struct request *req)
{
	const char *by_text = req_query(req, "by"), *standards = req_query(req, "standard");
	bool by[FG_NDIMS];
	struct fg_error err;
	json_object *items, *o;
	fg_rc rc;

	if (!stats_region_by(req, "incidence rates", by_text, by))
		return;
	if (standards == NULL)
		standards = "china2000,segi";
	fg_error_clear(&err);
	items = json_object_new_array();
	rc = rates_compute(req, by, standards, items, &err);
	audit_note(req, "read", audit_result(rc), "stats/rates?by=%.40s", by_text ? by_text : "");
	if (rc != FG_OK) {
		json_object_put(items);
		if (strcmp(err.field, "standard") == 0)
			reply_error(req, 400, "standard", err.message, NULL, "Use china2000, segi or who2000.");
		else
			reply_fg_error(req, &err);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "per", json_object_new_int(100000));
	json_object_object_add(o, "conf", json_object_new_double(CONF));
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64((int64_t)json_object_array_length(items)));
	reply_json(req, 200, o);
}
