/*
 * api_survival.c
 *	  GET /api/stats/survival: the Kaplan-Meier curve of the registry's
 *	  malignant primary tumours (lib/survival: fg_survival_cohort and
 *	  fg_km_fit, checked against R's survival::survfit), optionally of one
 *	  site, with its quartiles and the survival at 1, 3 and 5 years, for
 *	  dashboards.  Time is in days since diagnosis.  A registry statistic
 *	  spans the region, so only the region's users may ask for it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/survival.h"
#include "api_clinical.h"

struct cohort {
	double *time;
	unsigned char *event;
	size_t n, cap;
};

static fg_rc
add_subject(const struct fg_cohort_row *row, void *userdata, struct fg_error *err)
{
	struct cohort *c = userdata;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		double *t = realloc(c->time, cap * sizeof(*t));
		unsigned char *e;

		if (t == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		c->time = t;
		if ((e = realloc(c->event, cap)) == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
		c->event = e;
		c->cap = cap;
	}
	c->time[c->n] = (double)(row->end - row->diagnosed);
	c->event[c->n] = (unsigned char)row->event;
	c->n++;
	return FG_OK;
}

/* A number, or null for NaN (R's NA). */
static json_object *
number(double v)
{
	return isnan(v) ? NULL : json_object_new_double(v);
}

static json_object *
json_point(const struct fg_surv_point *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_double(p->time));
	json_object_object_add(o, "n_risk", json_object_new_double(p->n_risk));
	json_object_object_add(o, "n_event", json_object_new_double(p->n_event));
	json_object_object_add(o, "n_censor", json_object_new_double(p->n_censor));
	json_object_object_add(o, "surv", number(p->surv));
	json_object_object_add(o, "std_err", number(p->std_err));
	json_object_object_add(o, "lower", number(p->lower));
	json_object_object_add(o, "upper", number(p->upper));
	return o;
}

static json_object *
json_km(const struct fg_km *km)
{
	static const int years[] = {1, 3, 5};
	json_object *o = json_object_new_object(), *pts = json_object_new_array();
	json_object *qs = json_object_new_array(), *at = json_object_new_array();

	json_object_object_add(o, "n", json_object_new_int64(llround(km->n)));
	json_object_object_add(o, "events", json_object_new_int64(llround(km->events)));
	for (size_t i = 0; i < FG_SURV_NQUANTILES; i++) {
		json_object *q = json_object_new_object();

		json_object_object_add(q, "p", json_object_new_double(km->quantiles[i].p));
		json_object_object_add(q, "time", number(km->quantiles[i].time));
		json_object_object_add(q, "lower", number(km->quantiles[i].lower));
		json_object_object_add(q, "upper", number(km->quantiles[i].upper));
		json_object_array_add(qs, q);
	}
	json_object_object_add(o, "quantiles", qs);
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		struct fg_surv_point p;
		json_object *x;

		if (!fg_surv_at(km->points, km->npoints, 0, years[i] * FG_DAYS_PER_YEAR, &p))
			continue;
		x = json_point(&p);
		json_object_object_add(x, "years", json_object_new_int(years[i]));
		json_object_array_add(at, x);
	}
	json_object_object_add(o, "at_years", at);
	for (size_t i = 0; i < km->npoints; i++)
		json_object_array_add(pts, json_point(&km->points[i]));
	json_object_object_add(o, "points", pts);
	return o;
}

/* Read closing, site and conf_type; replies 400 naming the parameter and returns false. */
static bool
survival_args(struct request *req, fg_date *closing, const char **site, struct fg_km_options *opts)
{
	const char *text = req_query(req, "closing"), *conf = req_query(req, "conf_type");
	struct fg_error err;
	fg_rc rc = FG_OK;

	*closing = fg_date_today();
	*site = req_query(req, "site");
	if (text != NULL)
		rc = fg_date_parse(text, "closing", closing, &err);
	if (rc == FG_OK && conf != NULL)
		rc = fg_conf_type_parse(conf, "conf_type", &opts->conf_type, &err);
	if (rc == FG_OK && *site != NULL &&
	    (strlen(*site) != 3 || (*site)[0] != 'C' || strspn(*site + 1, "0123456789") != 2))
		rc = fg_error_set(&err, FG_INVALID, "site", "invalid site \"%.16s\"", *site);
	if (rc != FG_OK)
		reply_error(req, 400, err.field, err.message, NULL,
			    err.hint[0] ? err.hint : NULL);
	return rc == FG_OK;
}

void
api_stats_survival(struct request *req)
{
	struct fg_km_options opts = {.conf_type = FG_CONF_LOG, .conf_level = 0.95};
	struct cohort c = {0};
	struct fg_error err;
	struct fg_km km;
	const char *site;
	fg_date closing;
	char date[FG_DATE_TEXT_MAX];
	json_object *o;
	fg_rc rc;

	if (!req->scope.region) {
		reply_error(req, 403, NULL, "survival spans the region", NULL,
			    "Ask the cancer centre's registry for the survival of the region.");
		return;
	}
	if (!survival_args(req, &closing, &site, &opts))
		return;
	rc = fg_survival_cohort(req->store, closing, site, add_subject, &c, &err);
	audit_note(req, "read", audit_result(rc), "stats/survival?site=%.3s&n=%zu", site ? site : "", c.n);
	if (rc == FG_OK && c.n == 0)
		rc = fg_error_set(&err, FG_NOTFOUND, "site", "no malignant tumours diagnosed by %s%s%s",
				  fg_date_format(closing, date), site ? " in site " : "", site ? site : "");
	if (rc == FG_OK)
		rc = fg_km_fit(c.time, c.event, c.n, &opts, req->arena, &km, &err);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	else {
		o = json_km(&km);
		json_object_object_add(o, "closing", json_object_new_string(fg_date_format(closing, date)));
		json_object_object_add(o, "site", site ? json_object_new_string(site) : NULL);
		json_object_object_add(o, "time_unit", json_object_new_string("days"));
		reply_json(req, 200, o);
	}
	free(c.time);
	free(c.event);
}
