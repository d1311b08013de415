/*
 * api_stats.c
 *	  GET /api/stats/summary: the region's summary for the cancer
 *	  centre's users; for any other institution, the count of the persons
 *	  it may see, so that no figure spans persons out of scope.
 */
#include "fangai/summary.h"
#include "server.h"

static json_object *
region_summary(const struct fg_summary *s)
{
	json_object *o = json_object_new_object(), *d = json_object_new_array();
	json_object *r = json_object_new_object();
	char date[FG_DATE_TEXT_MAX];

	json_object_object_add(o, "scope", json_object_new_string("region"));
	json_object_object_add(o, "as_of", json_object_new_string(fg_date_format(s->as_of, date)));
	json_object_object_add(o, "persons", json_object_new_int64(s->persons));
	json_object_object_add(o, "male", json_object_new_int64(s->male));
	json_object_object_add(o, "female", json_object_new_int64(s->female));
	json_object_object_add(o, "dead", json_object_new_int64(s->dead));
	json_object_object_add(o, "cancer_centres", json_object_new_int64(s->cancer_centres));
	json_object_object_add(o, "hospitals", json_object_new_int64(s->hospitals));
	json_object_object_add(o, "community_centres", json_object_new_int64(s->community_centres));
	for (size_t i = 0; i < s->ndistricts; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "district", json_object_new_string(s->districts[i].code));
		json_object_object_add(x, "persons", json_object_new_int64(s->districts[i].persons));
		json_object_array_add(d, x);
	}
	json_object_object_add(o, "districts", d);
	for (size_t i = 0; i < s->nregisters; i++)
		json_object_object_add(r, s->registers[i].name, json_object_new_int64(s->registers[i].rows));
	json_object_object_add(o, "registers", r);
	return o;
}

void
api_stats_summary(struct request *req)
{
	struct fg_person_query q = {.limit = 1};
	struct fg_person_list list;
	struct fg_summary s;
	struct fg_error err;
	json_object *o;

	if (req->scope.region) {
		if (fg_summary_build(req->store, fg_date_today(), req->arena, &s, &err) != FG_OK) {
			reply_fg_error(req, &err);
			return;
		}
		reply_json(req, 200, region_summary(&s));
		return;
	}
	q.visible_to = req->scope.institution_id;
	if (fg_person_find(req->store, &q, req->arena, &list, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "scope", json_object_new_string("institution"));
	json_object_object_add(o, "institution_id", json_object_new_int64(req->scope.institution_id));
	json_object_object_add(o, "persons", json_object_new_int64(list.total));
	reply_json(req, 200, o);
}
