/*
 * fhir_synthea.c
 *	  POST /fhir/$import-synthea: import a patient bundle as Synthea
 *	  writes it (fg_synthea_import) for the caller's institution, in one
 *	  transaction with an audit entry per person and tumour stored, and
 *	  answer with the import report as an OperationOutcome: a summary,
 *	  then a warning for each cancer Condition not registered and a note
 *	  for each kind of resource left out.  ?district= gives the persons'
 *	  district (default: the institution's).
 */
#include <string.h>

#include "fangai/synthea.h"
#include "fangai/util.h"
#include "fhir.h"

static json_object *
report_issue(const char *severity, const char *code, const char *text, const char *where)
{
	json_object *oo = fhir_outcome(severity, code, text, where);
	json_object *issue = json_object_get(json_object_array_get_idx(json_object_object_get(oo, "issue"), 0));

	json_object_put(oo);
	return issue;
}

static json_object *
report_json(struct request *req, const struct fg_synthea_report *rep)
{
	json_object *oo = fhir_outcome("information", "informational", fg_arena_printf(req->arena,
		"imported %lld Patients (%lld new, %lld known), %lld deaths, %lld cancer Conditions as tumours;"
		" %lld cancer Conditions not registered, %lld other Conditions and %lld other resources not imported",
		(long long)rep->patients, (long long)rep->patients_added, (long long)rep->patients_known,
		(long long)rep->deaths, (long long)rep->cancers, (long long)rep->not_mapped,
		(long long)rep->other_conditions, (long long)rep->skipped), NULL);
	json_object *issues = json_object_object_get(oo, "issue");

	for (size_t i = 0; i < rep->nissues; i++) {
		const struct fg_synthea_issue *is = &rep->issues[i];
		bool warning = strcmp(is->severity, "warning") == 0;

		json_object_array_add(issues, report_issue(is->severity, warning ? "not-supported" : "informational",
							   is->message, is->where));
	}
	return oo;
}

/* Audit entries of what the import stored, appended in its transaction. */
static fg_rc
audit_import(struct request *req, const struct fg_synthea_report *rep, struct fg_error *err)
{
	size_t n = rep->nperson_ids + rep->ntumour_ids, k = 0;
	struct fg_audit_entry *log = fg_arena_alloc(req->arena, (n ? n : 1) * sizeof(*log));

	if (log == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory auditing an import");
	for (size_t i = 0; i < rep->nperson_ids; i++)
		audit_fill(req, &log[k++], "import", "ok", "Patient/%lld", (long long)rep->person_ids[i]);
	for (size_t i = 0; i < rep->ntumour_ids; i++)
		audit_fill(req, &log[k++], "import", "ok", "Condition/%lld", (long long)rep->tumour_ids[i]);
	return n ? fg_audit_append(req->store, log, n, err) : FG_OK;
}

static fg_rc
run_import(struct request *req, const struct fg_synthea_options *opts, struct fg_synthea_report *rep,
	   struct fg_error *err)
{
	fg_rc rc;

	server_write_lock();
	rc = fg_store_begin(req->store, err);
	if (rc == FG_OK) {
		rc = fg_synthea_import(req->store, req->body, req->body_len, opts, req->arena, rep, err);
		if (rc == FG_OK)
			rc = audit_import(req, rep, err);
		if (rc == FG_OK)
			rc = fg_store_commit(req->store, err);
		else
			fg_store_rollback(req->store);
	}
	server_write_unlock();
	return rc;
}

void
fhir_import_synthea(struct request *req)
{
	struct fg_synthea_options opts = {
		.institution = fg_arena_printf(req->arena, "%lld", (long long)req->scope.institution_id),
		.district = req_query(req, "district"),
	};
	struct fg_synthea_report rep;
	fg_synthea_map *map = NULL;
	fg_registry *reg = NULL;
	struct fg_error err;
	fg_rc rc;

	if (req->body == NULL || req->body_len == 0) {
		reply_error(req, 400, "Bundle", "the import needs a Bundle in the body", NULL, NULL);
		return;
	}
	rc = fg_synthea_map_load(NULL, &map, &err);
	if (rc == FG_OK)
		rc = fg_registry_open(NULL, &reg, &err);
	opts.map = map;
	opts.reg = reg;
	if (rc == FG_OK)
		rc = run_import(req, &opts, &rep, &err);
	audit_note(req, "import", audit_result(rc), "$import-synthea?patients=%lld&cancers=%lld",
		   rc == FG_OK ? (long long)rep.patients : 0LL, rc == FG_OK ? (long long)rep.cancers : 0LL);
	if (rc == FG_OK)
		reply_json(req, 200, report_json(req, &rep));
	else
		reply_fg_error(req, &err);
	fg_registry_free(reg);
	fg_synthea_map_free(map);
}
