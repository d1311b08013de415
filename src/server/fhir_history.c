/*
 * fhir_history.c
 *	  FHIR R4 versions of Patients: vread of any version kept
 *	  (/fhir/Patient/{id}/_history/{vid}), and history Bundles of one
 *	  Patient (/fhir/Patient/{id}/_history) and of every Patient the
 *	  caller may see (/fhir/Patient/_history), newest first, paged with
 *	  _count and _offset, from _since.  Prior versions are those the
 *	  registry keeps (fg_person_history, migration 0009).  The same for
 *	  one referral's ServiceRequest or Task, whose actions (accept,
 *	  schedule...) each make a version (fg_referral_versions, migration
 *	  0016).  Persons and referrals are never deleted, so no version is
 *	  gone (410).
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"
#include "api_clinical.h"

void
fhir_set_version(json_object *resource, int64_t version)
{
	json_object *meta;
	char text[24];

	if (!json_object_object_get_ex(resource, "meta", &meta)) {
		meta = json_object_new_object();
		json_object_object_add(resource, "meta", meta);
	}
	snprintf(text, sizeof(text), "%lld", (long long)version);
	json_object_object_add(meta, "versionId", json_object_new_string(text));
}

/* Reply 404: version text of type/id does not exist; current is the current version. */
static void
no_version(struct request *req, const char *type, int64_t id, const char *text, int64_t current)
{
	reply_error(req, 404, "_history", fg_arena_printf(req->arena, "version \"%.32s\" of %s/%lld does not exist",
							   text, type, (long long)id),
		    fg_arena_printf(req->arena, "The current version is %lld.", (long long)current), NULL);
}

/* The route's {vid} as a version; replies 404 and returns false when it is none. */
static bool
version_param(struct request *req, const char *type, int64_t id, int64_t current, int64_t *version)
{
	if (fg_parse_int64(req->params[1], "_history", 1, INT64_MAX, version, NULL) == FG_OK)
		return true;
	no_version(req, type, id, req->params[1], current);
	return false;
}

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
	if (!version_param(req, "Patient", p.id, p.version, &version))
		return;
	rc = fg_person_get_version(req->store, p.id, version, &v, &err);
	if (rc == FG_NOTFOUND) {
		no_version(req, "Patient", p.id, req->params[1], p.version);
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
history_entry(struct request *req, struct fhir_version *v)
{
	json_object *e = json_object_new_object(), *rq = json_object_new_object();
	json_object *rs = json_object_new_object();
	long long id = (long long)v->id, version = (long long)v->version;

	json_object_object_add(e, "fullUrl", json_object_new_string(
		fg_arena_printf(req->arena, "%s/%s/%lld", fhir_base(req), v->type, id)));
	json_object_object_add(e, "resource", v->resource);
	v->resource = NULL;
	json_object_object_add(rq, "method", json_object_new_string(version == 1 ? "POST" : "PUT"));
	json_object_object_add(rq, "url", json_object_new_string(
		version == 1 ? v->type : fg_arena_printf(req->arena, "%s/%lld", v->type, id)));
	json_object_object_add(e, "request", rq);
	json_object_object_add(rs, "status", json_object_new_string(version == 1 ? "201 Created" : "200 OK"));
	json_object_object_add(rs, "location", json_object_new_string(
		fg_arena_printf(req->arena, "%s/%lld/_history/%lld", v->type, id, version)));
	json_object_object_add(rs, "etag", json_object_new_string(fg_arena_printf(req->arena, "W/\"%lld\"", version)));
	if (v->updated_at != NULL && v->updated_at[0] != '\0')
		json_object_object_add(rs, "lastModified", json_object_new_string(v->updated_at));
	json_object_object_add(e, "response", rs);
	return e;
}

json_object *
fhir_history_bundle(struct request *req, const char *path, const char *since, struct fhir_version *v,
		    size_t n, int64_t total, int64_t count, int64_t offset)
{
	json_object *b = json_object_new_object(), *entries = json_object_new_array();
	struct fhir_paging paging = {.count = count, .offset = offset, .total = true};
	const char *query = since ? fg_arena_printf(req->arena, "_since=%s", since) : "";

	json_object_object_add(b, "resourceType", json_object_new_string("Bundle"));
	json_object_object_add(b, "type", json_object_new_string("history"));
	json_object_object_add(b, "total", json_object_new_int64(total));
	json_object_object_add(b, "link", fhir_paging_links(req, path, query, total, n, &paging));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(entries, history_entry(req, &v[i]));
	if (n > 0)
		json_object_object_add(b, "entry", entries);
	else
		json_object_put(entries);
	return b;
}

static json_object *
history_bundle(struct request *req, const char *path, const struct fg_person_history *h,
	       const struct fg_person_history_query *q, bool unmask)
{
	struct fhir_version *v = fg_arena_alloc(req->arena, (h->count ? h->count : 1) * sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < h->count; i++)
		v[i] = (struct fhir_version){
			.type = "Patient", .id = h->items[i].person.id, .version = h->items[i].person.version,
			.updated_at = h->items[i].updated_at,
			.resource = fhir_patient_json(&h->items[i].person, unmask, h->items[i].updated_at),
		};
	return fhir_history_bundle(req, path, q->since, v, h->count, h->total, q->limit, q->offset);
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
	json_object *bundle = NULL;
	fg_rc rc;

	rc = fg_person_history(req->store, q, req->arena, &h, &err);
	audit_note(req, unmask ? "history-unmasked" : "history", audit_result(rc), "%s?n=%zu&first=%lld",
		   path, rc == FG_OK ? h.count : 0, rc == FG_OK && h.count ? (long long)h.items[0].person.id : 0LL);
	if (rc == FG_OK && (bundle = history_bundle(req, path, &h, q, unmask)) == NULL)
		rc = fg_error_set(&err, FG_NOMEM, NULL, "out of memory building a history");
	if (rc != FG_OK)
		reply_fg_error(req, &err);
	else
		reply_json(req, 200, bundle);
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

/* The versions of the referral of the route's {id}, within scope; replies and returns false otherwise. */
static bool
referral_versions(struct request *req, const char *type, struct fg_referral_list *out)
{
	struct fg_referral r;
	struct fg_error err;
	int64_t id;

	if (!req_param_id(req, 0, type, &id) || !referral_in_scope(req, type, id, &r))
		return false;
	req->nheaders = 0;
	if (fg_referral_versions(req->store, id, req->arena, out, &err) == FG_OK)
		return true;
	reply_fg_error(req, &err);
	return false;
}

void
fhir_referral_vread(struct request *req, const char *type,
		    json_object *(*build)(struct request *, const struct fg_referral *))
{
	struct fg_referral_list list;
	int64_t version;

	if (!referral_versions(req, type, &list) || !version_param(req, type, list.items[0].id, list.items[0].version, &version))
		return;
	for (size_t i = 0; i < list.count; i++)
		if (list.items[i].version == version) {
			reply_header(req, "ETag", fg_arena_printf(req->arena, "W/\"%lld\"", (long long)version));
			reply_json(req, 200, build(req, &list.items[i]));
			return;
		}
	no_version(req, type, list.items[0].id, req->params[1], list.items[0].version);
}

void
fhir_referral_history(struct request *req, const char *type,
		      json_object *(*build)(struct request *, const struct fg_referral *))
{
	struct fg_person_history_query q = {0};
	struct fg_referral_list list;
	struct fhir_version *v;
	int64_t total = 0;
	size_t n = 0;

	if (!history_query(req, &q) || !referral_versions(req, type, &list))
		return;
	v = fg_arena_alloc(req->arena, list.count * sizeof(*v));
	for (size_t i = 0; v != NULL && i < list.count; i++) {
		const struct fg_referral *r = &list.items[i];

		if (q.since != NULL && strcmp(r->updated_at, q.since) < 0)
			continue;	/* a version of unknown time: before any _since */
		if (total++ >= q.offset && (int64_t)n < q.limit)
			v[n++] = (struct fhir_version){.type = type, .id = r->id, .version = r->version,
						       .updated_at = r->updated_at, .resource = build(req, r)};
	}
	audit_note(req, "history", v ? "ok" : "error", "%s/%lld/_history?n=%zu", type, (long long)list.items[0].id, n);
	if (v == NULL)
		reply_error(req, 503, NULL, "out of memory", NULL, NULL);
	else
		reply_json(req, 200, fhir_history_bundle(req, fg_arena_printf(req->arena, "%s/%lld/_history", type,
									     (long long)list.items[0].id),
							 q.since, v, n, total, q.limit, q.offset));
}
