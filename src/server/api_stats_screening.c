/*
 * api_stats_screening.c
 *	  GET /api/stats/screening?by=programme|institution[&year_from=&year_to=]:
 *	  the screening funnel and its rates (uptake, positivity, detection,
 *	  early-diagnosis rate ...) per group, computed by the screening
 *	  library.  Users outside the cancer centre get their own
 *	  institution's episodes only.
 */
#include <math.h>
#include <string.h>

#include "fangai/screening.h"
#include "server.h"

static const struct {
	const char *name;
	unsigned by;
} groupings[] = {
	{"programme", FG_BY_PROGRAMME},
	{"institution", FG_BY_PROGRAMME | FG_BY_INSTITUTION},
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

	json_object_object_add(o, "programme", json_object_new_string(facts->programmes[r->programme]));
	if (by & FG_BY_INSTITUTION)
		add_count(o, "institution_id", r->institution_id);
	add_count(o, "invited", r->invited);
	add_count(o, "assessed", r->assessed);
	add_count(o, "high_risk", r->high_risk);
	add_count(o, "offered", r->offered);
	add_count(o, "screened", r->screened);
	add_count(o, "positive", r->positive);
	add_count(o, "referred", r->referred);
	add_count(o, "cancers", r->cancers);
	add_count(o, "detected", r->detected);
	add_count(o, "early", r->early);
	add_count(o, "interval_cancers", r->interval_cancers);
	add_rate(o, "uptake", r->uptake);
	add_rate(o, "positivity", r->positivity);
	add_rate(o, "detection_per_1000", r->detection_per_1000);
	add_rate(o, "ppv", r->ppv);
	add_rate(o, "early_rate", r->early_rate);
	add_rate(o, "interval_per_1000", r->interval_per_1000);
	add_rate(o, "days_median", r->days_median);
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

/* The grouping named by ?by (default programme); replies 400 and returns false otherwise. */
static bool
grouping(struct request *req, unsigned *by)
{
	const char *name = req_query(req, "by");

	*by = FG_BY_PROGRAMME;
	if (name == NULL)
		return true;
	for (size_t i = 0; i < sizeof(groupings) / sizeof(groupings[0]); i++)
		if (strcmp(name, groupings[i].name) == 0) {
			*by = groupings[i].by;
			return true;
		}
	reply_error(req, 400, "by", fg_arena_printf(req->arena, "invalid grouping \"%.32s\"", name), NULL,
		    "Use \"programme\" or \"institution\".");
	return false;
}

void
api_stats_screening(struct request *req)
{
	struct fg_screen_facts facts = {0};
	struct fg_screen_indicators *rows = NULL;
	fg_screening *s = NULL;
	struct fg_error err;
	json_object *items;
	int64_t from, to;
	size_t n = 0;
	unsigned by;

	if (!grouping(req, &by) || !req_query_int(req, "year_from", 0, 9999, 0, &from) ||
	    !req_query_int(req, "year_to", 0, 9999, 0, &to))
		return;
	if (fg_screening_open(req->store, NULL, &s, &err) != FG_OK ||
	    fg_screen_facts_load(s, NULL, (int)from, (int)to, req->arena, &facts, &err) != FG_OK)
		goto fail;
	if (!req->scope.region)
		facts_of(&facts, req->scope.institution_id);
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
