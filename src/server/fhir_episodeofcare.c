/*
 * fhir_episodeofcare.c
 *	  FHIR R4 EpisodeOfCare of a screening episode: the programme and its
 *	  version as type, the person as patient, the owning institution as
 *	  managingOrganization, enrolment to closing as period, and the
 *	  episode's state mapped to EpisodeOfCare.status by a table (the state
 *	  and the end code themselves in extensions).  Read and search by
 *	  patient, date (the enrolment day), type (the programme) and
 *	  organization with paging.  Users outside the cancer centre see their
 *	  own institution's episodes.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

#define SYSTEM_PROGRAMME "urn:fangai:screening-programme"
#define EXT_STATE "urn:fangai:extension:screening-episode-state"
#define EXT_END_CODE "urn:fangai:extension:screening-end-code"

/*
 * Episode state -> EpisodeOfCare.status (R4 episode-of-care-status):
 * enrolled or invited, not yet begun: planned; waiting for a booked exam:
 * waitlist; waiting out an early recall: onhold; in the pathway: active;
 * closed: finished, or cancelled when the person declined.
 */
static const char *const status_map[][2] = {
	{"eligible", "planned"}, {"invited", "planned"}, {"assessed", "active"}, {"high_risk", "active"},
	{"booked", "waitlist"}, {"screened", "active"}, {"recalled", "onhold"}, {"referred", "active"},
	{"closed", "finished"},
};

static const char *
episode_status(const struct fg_screen_episode *e)
{
	if (strcmp(e->state, "closed") == 0 && strcmp(e->end_code, "declined") == 0)
		return "cancelled";
	return fhir_map(status_map, sizeof(status_map) / sizeof(status_map[0]), e->state, "active");
}

static void
add_extension(json_object *exts, const char *url, const char *code)
{
	json_object *x = json_object_new_object();

	json_object_object_add(x, "url", json_object_new_string(url));
	json_object_object_add(x, "valueCode", json_object_new_string(code));
	json_object_array_add(exts, x);
}

static json_object *
episode_json(struct request *req, const struct fg_screen_episode *e)
{
	json_object *o = json_object_new_object(), *types = json_object_new_array();
	json_object *exts = json_object_new_array(), *period = json_object_new_object();
	char id[24], start[FG_DATE_TEXT_MAX], end[FG_DATE_TEXT_MAX];

	snprintf(id, sizeof(id), "%lld", (long long)e->id);
	json_object_object_add(o, "resourceType", json_object_new_string("EpisodeOfCare"));
	json_object_object_add(o, "id", json_object_new_string(id));
	add_extension(exts, EXT_STATE, e->state);
	if (e->end_code[0])
		add_extension(exts, EXT_END_CODE, e->end_code);
	json_object_object_add(o, "extension", exts);
	json_object_object_add(o, "status", json_object_new_string(episode_status(e)));
	json_object_array_add(types, fhir_codeable(SYSTEM_PROGRAMME, e->programme, NULL,
						   fg_arena_printf(req->arena, "screening programme %s version %s",
								   e->programme, e->version)));
	json_object_object_add(o, "type", types);
	json_object_object_add(o, "patient", fhir_reference("Patient", e->person_id));
	json_object_object_add(o, "managingOrganization", fhir_reference("Organization", e->institution_id));
	json_object_object_add(period, "start", json_object_new_string(fg_date_format(e->started_on, start)));
	if (e->closed_on != FG_DATE_NONE)
		json_object_object_add(period, "end", json_object_new_string(fg_date_format(e->closed_on, end)));
	json_object_object_add(o, "period", period);
	return o;
}

/* Run the episode query q for the request within its scope; replies with the error and returns false. */
static bool
episodes_in_scope(struct request *req, struct fg_screen_episode_query *q, struct fg_screen_episode_list *out)
{
	struct fg_error err;
	fg_rc rc;

	screening_episode_scope(req, q);
	rc = fg_screen_episodes_find(req->store, q, req->arena, out, &err);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	return rc == FG_OK;
}

void
fhir_episodeofcare_read(struct request *req)
{
	struct fg_screen_episode_query q = {.started_from = FG_DATE_NONE, .started_to = FG_DATE_NONE};
	struct fg_screen_episode_list list;
	struct fg_error err;
	fg_rc rc;

	if (!req_param_id(req, 0, "EpisodeOfCare", &q.id) || !episodes_in_scope(req, &q, &list))
		return;
	rc = list.count ? FG_OK : fg_error_set(&err, FG_NOTFOUND, "id", "EpisodeOfCare %lld does not exist",
					       (long long)q.id);
	if (read_finish(req, rc, "EpisodeOfCare", q.id, &err))
		reply_json(req, 200, episode_json(req, &list.items[0]));
}

void
fhir_episodeofcare_search(struct request *req)
{
	static const char *const params[] = {"patient", "date", "type", "organization", NULL};
	struct fg_screen_episode_query q = {0};
	struct fg_screen_episode_list list;
	struct fhir_dates dates;
	struct fhir_paging paging;
	const char *type = req_query(req, "type"), *org = req_query(req, "organization");
	json_object *items;

	if (!fhir_paging_read(req, &paging) || !fhir_patient_param(req, &q.person_id) ||
	    !fhir_date_param(req, "date", true, &dates))
		return;
	q.started_from = dates.from;
	q.started_to = dates.to;
	q.exclude = dates.exclude;
	q.exclude_from = dates.exclude_from;
	q.exclude_to = dates.exclude_to;
	if (org != NULL && strncmp(org, "Organization/", 13) == 0)
		org += 13;
	if (org != NULL && fg_parse_int64(org, "organization", 1, INT64_MAX, &q.institution_id, NULL) != FG_OK) {
		reply_error(req, 400, "organization", "invalid organization reference", NULL,
			    "Use organization=Organization/ID or organization=ID.");
		return;
	}
	if (type != NULL && strncmp(type, SYSTEM_PROGRAMME "|", strlen(SYSTEM_PROGRAMME) + 1) == 0)
		type += strlen(SYSTEM_PROGRAMME) + 1;
	q.programme = type;
	q.limit = paging.count;
	q.offset = paging.offset;
	if (!episodes_in_scope(req, &q, &list))
		return;
	audit_note(req, "search", "ok", "EpisodeOfCare?patient=%lld&n=%zu", (long long)q.person_id, list.count);
	items = json_object_new_array();
	for (size_t i = 0; i < list.count; i++)
		json_object_array_add(items, episode_json(req, &list.items[i]));
	reply_json(req, 200, fhir_searchset(req, "EpisodeOfCare", items, list.total, &paging, params));
}
