/*
 * api_deaths.c
 *	  POST /api/deaths/link: the death records stored (by an upload of
 *	  deaths, or "fangai import deaths") linked to persons as "fangai
 *	  registry deaths" does: by resident ID number, then by probabilistic
 *	  linkage; the persons linked recorded dead; a linked cancer death whose
 *	  person has no tumour of its site made a death-certificate-only tumour.
 *	  The cancer centre's work: it changes persons of every institution.
 *	  Answers the counts; audited with them.
 */
#include "fangai/date.h"
#include "fangai/death.h"
#include "fangai/registry.h"
#include "server.h"

static json_object *
json_death_report(const struct fg_death_report *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "unlinked", json_object_new_int64(r->unlinked));
	json_object_object_add(o, "linked_by_id_number", json_object_new_int64(r->linked_id));
	json_object_object_add(o, "linked_by_linkage", json_object_new_int64(r->linked_prob));
	json_object_object_add(o, "left_for_review", json_object_new_int64(r->review));
	json_object_object_add(o, "persons_recorded_dead", json_object_new_int64(r->persons_dead));
	json_object_object_add(o, "cancer_deaths_without_tumour", json_object_new_int64(r->cancer_deaths));
	json_object_object_add(o, "dco_tumours", json_object_new_int64(r->dco));
	json_object_object_add(o, "dco_refused", json_object_new_int64(r->dco_refused));
	return o;
}

void
api_deaths_link(struct request *req)
{
	struct fg_death_report report = {0};
	fg_registry *reg = NULL;
	struct fg_error err;
	fg_rc rc;

	if (!req->scope.region) {
		reply_error(req, 403, NULL, "only the cancer centre links death records", NULL, NULL);
		audit_note(req, "link-deaths", "denied", "deaths");
		return;
	}
	rc = fg_registry_open(NULL, &reg, &err);
	if (rc == FG_OK)
		rc = fg_death_process(req->store, reg, fg_date_today(), &report, &err);
	fg_registry_free(reg);
	audit_note(req, "link-deaths", audit_result(rc), "deaths?linked=%lld&dead=%lld&dco=%lld",
		   (long long)(report.linked_id + report.linked_prob), (long long)report.persons_dead,
		   (long long)report.dco);
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	reply_json(req, 200, json_death_report(&report));
}
