/*
 * api_stats_screening.c
 *	  GET /api/stats/screening?by=programme,institution,year,sex,age
 *	  [&programme=CODE][&institution=ID][&year_from=&year_to=]: the
 *	  screening funnel and its rates (participation, high-risk rate,
 *	  uptake, compliance with the diagnostic test, positivity, detection,
 *	  early-diagnosis rate ...) per group, computed by the screening
 *	  library.  Users outside the cancer centre get their own
 *	  institution's episodes only.
 */
#include <math.h>
#include <string.h>

#include "fangai/screening.h"
#include "fangai/summary.h"
#include "server.h"

static const struct {
	const char *name;
	unsigned by;
} groupings[] = {
	{"programme", FG_BY_PROGRAMME},
	{"institution", FG_BY_INSTITUTION},
	{"year", FG_BY_YEAR},
	{"sex", FG_BY_SEX},
	{"age", FG_BY_AGE},
};

static void
add_count(json_object *o, const char *name, int64_t v)
{
	json_object_object_add(o, name, json_object_new_int64(v));
}

static void
add_rate(json_object *o, const char *name, double v)
{
	json_object_object_add(o, name, isnan(v) ? NULL : json_object_new_double(v));
}

static json_object *
json_indicators(const struct fg_screen_indicators *r, const struct fg_screen_facts *facts, unsigned by)
{
	json_object *o = json_object_new_object();
	const struct {
		const char *name;
		int64_t v;
	} counts[] = {
		{"eligible", r->eligible}, {"invited", r->invited}, {"assessed", r->assessed},
		{"high_risk", r->high_risk}, {"offered", r->offered}, {"booked", r->booked},
		{"screened", r->screened}, {"positive", r->positive}, {"recalled", r->recalled},
		{"referred", r->referred}, {"referred_diagnosed", r->referred_diagnosed}, {"cancers", r->cancers},
		{"precursors", r->precursors}, {"detected", r->detected}, {"early", r->early},
		{"interval_cancers", r->interval_cancers},
	};
	const struct {
		const char *name;
		double v;
	} rates[] = {
		{"participation_rate", r->questionnaire_rate}, {"high_risk_rate", r->high_risk_rate},
		{"uptake", r->uptake}, {"diagnostic_compliance", r->diagnostic_compliance},
		{"positivity", r->positivity}, {"recall_rate", r->recall_rate},
		{"detection_per_1000", r->detection_per_1000}, {"ppv", r->ppv}, {"early_rate", r->early_rate},
		{"interval_per_1000", r->interval_per_1000}, {"days_median", r->days_median},
		{"days_p90", r->days_p90},
	};

	json_object_object_add(o, "programme", json_object_new_string(facts->programmes[r->programme]));
	if (by & FG_BY_INSTITUTION)
		add_count(o, "institution_id", r->institution_id);
	if (by & FG_BY_YEAR)
		add_count(o, "year", r->year);
	if (by & FG_BY_SEX)
		json_object_object_add(o, "sex", json_object_new_string_len(&r->sex, 1));
	if (by & FG_BY_AGE)
		json_object_object_add(o, "age_group", json_object_new_string(fg_age_group_label(r->age_group)));
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		add_count(o, counts[i].name, counts[i].v);
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		add_rate(o, rates[i].name, rates[i].v);
	return o;
}

/* Keep only the facts of institution in facts, in place. */
static void
facts_of(struct fg_screen_facts *facts, int64_t institution)
{
	size_t n = 0;

	for (size_t i = 0; i < facts->count; i++)
		if (facts->items[i].institution_id == institution)
			facts->items[n++] = facts->items[i];
	facts->count = n;
}

/*
 * The grouping of ?by, a comma-separated list; always by programme, as
 * the rates of different programmes do not add up.  Replies 400 and
 * returns false for an unknown name.
 */
static bool
grouping(struct request *req, unsigned *by)
{
	const char *list = req_query(req, "by");

	*by = FG_BY_PROGRAMME;
	for (const char *p = list; p != NULL && *p;) {
		size_t n = strcspn(p, ","), i = 0;

		while (i < sizeof(groupings) / sizeof(groupings[0]) &&
		       (strlen(groupings[i].name) != n || strncmp(p, groupings[i].name, n) != 0))
			i++;
		if (i == sizeof(groupings) / sizeof(groupings[0])) {
			reply_error(req, 400, "by", fg_arena_printf(req->arena, "invalid grouping \"%.*s\"",
				    (int)(n < 32 ? n : 32), p), NULL,
				    "Use a comma-separated list of programme, institution, year, sex and age.");
			return false;
		}
		*by |= groupings[i].by;
		p += n + (p[n] == ',');
	}
	return true;
}

void
api_stats_screening(struct request *req)
{
	struct fg_screen_facts facts = {0};
	struct fg_screen_indicators *rows = NULL;
	fg_screening *s = NULL;
	struct fg_error err;
	json_object *items;
	int64_t from, to, institution;
	size_t n = 0;
	unsigned by;

	if (!grouping(req, &by) || !req_query_int(req, "year_from", 0, 9999, 0, &from) ||
	    !req_query_int(req, "year_to", 0, 9999, 0, &to) ||
	    !req_query_int(req, "institution", 0, INT64_MAX, 0, &institution))
		return;
	if (!req->scope.region)
		institution = req->scope.institution_id;
	if (fg_screening_open(req->store, NULL, &s, &err) != FG_OK ||
	    fg_screen_facts_load(s, req_query(req, "programme"), (int)from, (int)to, req->arena, &facts, &err) != FG_OK)
		goto fail;
	if (institution != 0)
		facts_of(&facts, institution);
	if (fg_screen_indicators_compute(&facts, by, req->arena, &rows, &n, &err) != FG_OK)
		goto fail;
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, json_indicators(&rows[i], &facts, by));
	reply_json(req, 200, json_page(items, (int64_t)n, (int64_t)n, 0));
	goto out;
fail:
	reply_fg_error(req, &err);
out:
	fg_screen_facts_free(&facts);
	fg_screening_close(s);
}
