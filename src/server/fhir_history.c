/*
 * fhir_history.c
 *	  FHIR R4 versions of Patients: vread of any version kept
 *	  (/fhir/Patient/{id}/_history/{vid}), and history Bundles of one
 *	  Patient (/fhir/Patient/{id}/_history) and of every Patient the
 *	  caller may see (/fhir/Patient/_history), newest first, paged with
 *	  _count and _offset, from _since.  Prior versions are those the
 *	  registry keeps (fg_person_history, migration 0009).  Persons are
 *	  never deleted, so no version is gone (410).
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

void
fhir_patient_vread(struct request *req)
{
	struct fg_person p;
	struct fg_person_version v;
	struct fg_error err;
	int64_t version;
	bool unmask;
	fg_rc rc;

	if (!person_read(req, "Patient", &p, &unmask))
		return;
	req->nheaders = 0;		/* the ETag of the version read, not the current one */
	if (fg_parse_int64(req->params[1], "_history", 1, INT64_MAX, &version, NULL) != FG_OK) {
		reply_error(req, 404, "_history", fg_arena_printf(req->arena, "version \"%.32s\" of Patient/%lld does not exist",
								   req->params[1], (long long)p.id), NULL, NULL);
		return;
	}
	rc = fg_person_get_version(req->store, p.id, version, &v, &err);
	if (rc == FG_NOTFOUND) {
		reply_error(req, 404, "_history", fg_arena_printf(req->arena, "version %lld of Patient/%lld does not exist",
								   (long long)version, (long long)p.id),
			    fg_arena_printf(req->arena, "The current version is %lld.", (long long)p.version), NULL);
		return;
	}
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)version));
	reply_json(req, 200, fhir_patient_json(&v.person, unmask, v.updated_at));
}

/* One entry of a history Bundle: the version, and the interaction that wrote it. */
static json_object *
history_entry(struct request *req, const struct fg_person_version *v, bool unmask)
{
	json_object *e = json_object_new_object(), *rq = json_object_new_object();
	json_object *rs = json_object_new_object();
	long long id = (long long)v->person.id, version = (long long)v->person.version;

	json_object_object_add(e, "fullUrl", json_object_new_string(
		fg_arena_printf(req->arena, "%s/Patient/%lld", fhir_base(req), id)));
	json_object_object_add(e, "resource", fhir_patient_json(&v->person, unmask, v->updated_at));
	json_object_object_add(rq, "method", json_object_new_string(version == 1 ? "POST" : "PUT"));
	json_object_object_add(rq, "url", json_object_new_string(
		version == 1 ? "Patient" : fg_arena_printf(req->arena, "Patient/%lld", id)));
	json_object_object_add(e, "request", rq);
	json_object_object_add(rs, "status", json_object_new_string(version == 1 ? "201 Created" : "200 OK"));
	json_object_object_add(rs, "location", json_object_new_string(
		fg_arena_printf(req->arena, "Patient/%lld/_history/%lld", id, version)));
	json_object_object_add(rs, "etag", json_object_new_string(fg_arena_printf(req->arena, "W/\"%lld\"", version)));
	json_object_object_add(rs, "lastModified", json_object_new_string(v->updated_at));
	json_object_object_add(e, "response", rs);
	return e;
}

static json_object *
history_bundle(struct request *req, const char *path, const struct fg_person_history *h,
	       const struct fg_person_history_query *q, bool unmask)
{
	json_object *b = json_object_new_object(), *entries = json_object_new_array();
	struct fhir_paging paging = {.count = q->limit, .offset = q->offset, .total = true};
	const char *query = q->since ? fg_arena_printf(req->arena, "_since=%s", q->since) : "";

	json_object_object_add(b, "resourceType", json_object_new_string("Bundle"));
	json_object_object_add(b, "type", json_object_new_string("history"));
	json_object_object_add(b, "total", json_object_new_int64(h->total));
	json_object_object_add(b, "link", fhir_paging_links(req, path, query, h->total, h->count, &paging));
	for (size_t i = 0; i < h->count; i++)
		json_object_array_add(entries, history_entry(req, &h->items[i], unmask));
	if (h->count > 0)
		json_object_object_add(b, "entry", entries);
	else
		json_object_put(entries);
	return b;
}

/* _count, _offset and _since (an instant, compared as UTC text); replies 400 on a bad one. */
static bool
history_query(struct request *req, struct fg_person_history_query *q)
{
	const char *since = req_query(req, "_since");

	if (!req_query_int(req, "_count", 1, 1000, 20, &q->limit) ||
	    !req_query_int(req, "_offset", 0, INT64_MAX / 2, 0, &q->offset))
		return false;
	if (since != NULL && (strlen(since) != 20 || since[10] != 'T' || since[19] != 'Z' ||
			      strspn(since, "0123456789-:TZ") != 20)) {
		reply_error(req, 400, "_since", fg_arena_printf(req->arena, "invalid _since \"%.40s\"", since),
			    NULL, "Give an instant in UTC: YYYY-MM-DDThh:mm:ssZ.");
		return false;
	}
	q->since = since;
	return true;
}

static void
reply_history(struct request *req, const char *path, struct fg_person_history_query *q, bool unmask)
{
	struct fg_person_history h;
	struct fg_error err;
	fg_rc rc;

	rc = fg_person_history(req->store, q, req->arena, &h, &err);
	audit_note(req, unmask ? "history-unmasked" : "history", audit_result(rc), "%s?n=%zu&first=%lld",
		   path, rc == FG_OK ? h.count : 0, rc == FG_OK && h.count ? (long long)h.items[0].person.id : 0LL);
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_json(req, 200, history_bundle(req, path, &h, q, unmask));
}

void
fhir_patient_history(struct request *req)
{
	struct fg_person_history_query q = {0};
	struct fg_person p;
	bool unmask;

	if (!person_read(req, "Patient", &p, &unmask) || !history_query(req, &q))
		return;
	req->nheaders = 0;
	q.person_id = p.id;
	reply_history(req, fg_arena_printf(req->arena, "Patient/%lld/_history", (long long)p.id), &q, unmask);
}

void
fhir_patient_type_history(struct request *req)
{
	struct fg_person_history_query q = {0};
	bool unmask, refused;

	unmask = req_unmask(req, &refused);
	if (refused || !history_query(req, &q))
		return;
	q.visible_to = fg_scope_visible_to(&req->scope);
	reply_history(req, "Patient/_history", &q, unmask);
}
