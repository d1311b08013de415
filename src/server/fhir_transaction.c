/*
 * fhir_transaction.c
 *	  POST /fhir with a transaction or batch Bundle of Patients created
 *	  with POST or updated with PUT and ifMatch.  A transaction runs every
 *	  entry in one database transaction, all or nothing, with one audit
 *	  entry per resource committed in the same transaction.  A batch runs
 *	  each entry on its own, in a transaction of its own with its audit
 *	  entry, and answers each: 201/200 with its location, or the status
 *	  and OperationOutcome of its failure.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

#define MAX_ENTRIES 10000

struct entry_result {
	int64_t id, version;
	bool created;
	const char *full_url;		/* as sent (e.g. urn:uuid:...); may be NULL */
	unsigned status;		/* batch: the failure's status, 0 on success */
	json_object *outcome;		/* batch: its OperationOutcome */
};

/* A string member of obj or NULL, without replying. */
static const char *
text_of(json_object *obj, const char *name)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool
entry_error(struct request *req, size_t i, unsigned status, const char *element, const char *message)
{
	reply_error(req, status, fg_arena_printf(req->arena, "Bundle.entry[%zu].%s", i, element),
		    fg_arena_printf(req->arena, "entry %zu: %s", i, message), NULL, NULL);
	return false;
}

/* "W/\"n\"" or "\"n\"" into *version. */
static bool
parse_if_match(const char *text, int64_t *version)
{
	char digits[24];

	if (text == NULL)
		return false;
	if (strncmp(text, "W/", 2) == 0)
		text += 2;
	return sscanf(text, "\"%22[0-9]\"", digits) == 1 &&
	       fg_parse_int64(digits, "ifMatch", 1, INT64_MAX, version, NULL) == FG_OK;
}

static bool
run_put(struct request *req, size_t i, json_object *resource, const char *url, const char *if_match,
	struct entry_result *out)
{
	struct fg_person_input in;
	struct fg_person p;
	struct fg_error err;
	int64_t id, version;
	const char *rid = text_of(resource, "id");
	fg_rc rc;

	if (fg_parse_int64(url + strlen("Patient/"), "url", 1, INT64_MAX, &id, NULL) != FG_OK)
		return entry_error(req, i, 400, "request.url", "the Patient id in the URL is not valid");
	if (rid == NULL || strcmp(rid, url + strlen("Patient/")) != 0)
		return entry_error(req, i, 400, "resource.id", "Patient.id must equal the id in the URL");
	if (!parse_if_match(if_match, &version))
		return entry_error(req, i, 428, "request.ifMatch", "an update needs ifMatch with the version read");
	if (!fhir_patient_input(req, resource, &in))
		return false;
	rc = person_update_in_scope(req, id, version, &in, &p, &err);
	if (rc == FG_CONFLICT && strcmp(err.field, "version") == 0)
		return entry_error(req, i, 412, "request.ifMatch", err.message);
	if (rc != FG_OK) {
		fhir_patient_error(req, &err);
		return false;
	}
	*out = (struct entry_result){.id = p.id, .version = p.version, .created = false};
	return true;
}

static bool
run_entry(struct request *req, size_t i, json_object *entry, struct entry_result *out)
{
	json_object *request, *resource;
	const char *method, *url, *type;
	struct fg_person_input in;
	struct fg_person p;
	struct fg_error err;

	if (!json_object_is_type(entry, json_type_object) ||
	    !json_object_object_get_ex(entry, "request", &request) ||
	    !json_object_object_get_ex(entry, "resource", &resource) ||
	    !json_object_is_type(resource, json_type_object))
		return entry_error(req, i, 400, "request", "an entry needs a request and a resource");
	method = text_of(request, "method");
	url = text_of(request, "url");
	type = text_of(resource, "resourceType");
	if (method == NULL || url == NULL || type == NULL || strcmp(type, "Patient") != 0)
		return entry_error(req, i, 400, "request", "only Patient entries with a method and url are supported");
	if (strcmp(method, "PUT") == 0 && strncmp(url, "Patient/", 8) == 0)
		return run_put(req, i, resource, url, text_of(request, "ifMatch"), out);
	if (strcmp(method, "POST") != 0 || strcmp(url, "Patient") != 0)
		return entry_error(req, i, 400, "request.method", "only POST Patient and PUT Patient/id are supported");
	if (!fhir_patient_input(req, resource, &in))
		return false;
	if (person_add_in_scope(req, &in, &p, &err) != FG_OK) {
		snprintf(err.detail, sizeof(err.detail), "In entry %zu of the Bundle.", i);
		fhir_patient_error(req, &err);
		return false;
	}
	*out = (struct entry_result){.id = p.id, .version = p.version, .created = true,
				     .full_url = text_of(entry, "fullUrl")};
	return true;
}

static json_object *
response_bundle(struct request *req, const char *type, const struct entry_result *results, size_t n)
{
	json_object *b = json_object_new_object(), *entries = json_object_new_array();

	json_object_object_add(b, "resourceType", json_object_new_string("Bundle"));
	json_object_object_add(b, "type", json_object_new_string(type));
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_new_object(), *r = json_object_new_object();
		const struct entry_result *x = &results[i];

		if (x->status != 0) {
			json_object_object_add(r, "status", json_object_new_string(
				fg_arena_printf(req->arena, "%u", x->status)));
			json_object_object_add(r, "outcome", x->outcome);
			json_object_object_add(e, "response", r);
			json_object_array_add(entries, e);
			continue;
		}
		if (x->full_url != NULL)
			json_object_object_add(e, "fullUrl", json_object_new_string(x->full_url));
		json_object_object_add(r, "status", json_object_new_string(x->created ? "201 Created" : "200 OK"));
		json_object_object_add(r, "location", json_object_new_string(fg_arena_printf(
			req->arena, "Patient/%lld/_history/%lld", (long long)x->id, (long long)x->version)));
		json_object_object_add(r, "etag", json_object_new_string(fg_arena_printf(
			req->arena, "W/\"%lld\"", (long long)x->version)));
		json_object_object_add(e, "response", r);
		json_object_array_add(entries, e);
	}
	if (n > 0)
		json_object_object_add(b, "entry", entries);
	else
		json_object_put(entries);	/* FHIR JSON has no empty arrays */
	return b;
}

/* Run every entry in one transaction; false after replying with the first failure. */
static bool
run_all(struct request *req, json_object *entries, size_t n, struct entry_result *results,
	struct fg_audit_entry *log)
{
	struct fg_error err;
	size_t i;

	if (fg_store_begin(req->store, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!run_entry(req, i, json_object_array_get_idx(entries, i), &results[i]))
			break;
		audit_fill(req, &log[i], results[i].created ? "create" : "update", "ok", "Patient/%lld",
			   (long long)results[i].id);
	}
	if (i == n && fg_audit_append(req->store, log, n, &err) == FG_OK &&
	    fg_store_commit(req->store, &err) == FG_OK)
		return true;
	if (i == n) {
		fg_store_rollback(req->store);
		reply_fg_error(req, &err);
	} else
		fg_store_rollback(req->store);
	return false;
}

/*
 * Take the error reply a failed entry left in req as its result, and
 * clear the reply for the next entry.
 */
static void
keep_failure(struct request *req, struct entry_result *out)
{
	out->status = req->status ? req->status : 500;
	out->outcome = req->reply ? json_tokener_parse(req->reply) : NULL;
	if (out->outcome == NULL)
		out->outcome = fhir_outcome("error", "exception", "the entry failed", NULL);
	req->status = 0;
	req->reply = NULL;
	req->reply_len = 0;
	req->content_type = NULL;
	req->nheaders = 0;
}

/* Run entry i of a batch in a transaction of its own with its audit entry. */
static bool
run_batch_entry(struct request *req, size_t i, json_object *entry, struct entry_result *out)
{
	struct fg_audit_entry log;
	struct fg_error err;
	bool ok;

	memset(out, 0, sizeof(*out));
	server_write_lock();
	ok = fg_store_begin(req->store, &err) == FG_OK;
	if (!ok)
		reply_fg_error(req, &err);
	else if (!(ok = run_entry(req, i, entry, out)))
		fg_store_rollback(req->store);
	else {
		audit_fill(req, &log, out->created ? "create" : "update", "ok", "Patient/%lld", (long long)out->id);
		ok = fg_audit_append(req->store, &log, 1, &err) == FG_OK && fg_store_commit(req->store, &err) == FG_OK;
		if (!ok) {
			fg_store_rollback(req->store);
			reply_fg_error(req, &err);
		}
	}
	server_write_unlock();
	if (!ok)
		keep_failure(req, out);
	return ok;
}

static void
run_batch(struct request *req, json_object *entries, size_t n, struct entry_result *results)
{
	size_t done = 0;

	for (size_t i = 0; i < n; i++)
		done += run_batch_entry(req, i, json_object_array_get_idx(entries, i), &results[i]);
	audit_note(req, "batch", done == n ? "ok" : "partial", "Bundle?entries=%zu&ok=%zu", n, done);
	reply_json(req, 200, response_bundle(req, "batch-response", results, n));
}

void
fhir_transaction(struct request *req)
{
	json_object *body = req_json_body(req), *entries = NULL;
	struct entry_result *results;
	struct fg_audit_entry *log;
	const char *type;
	size_t n = 0;
	bool done;

	if (body == NULL)
		return;
	type = text_of(body, "type");
	if (text_of(body, "resourceType") == NULL || strcmp(text_of(body, "resourceType"), "Bundle") != 0) {
		reply_error(req, 400, "resourceType", "resource is not a Bundle", NULL, NULL);
		goto out;
	}
	if (type == NULL || (strcmp(type, "transaction") != 0 && strcmp(type, "batch") != 0)) {
		reply_error(req, 422, "Bundle.type", fg_arena_printf(req->arena, "cannot process a Bundle of type \"%.32s\"",
								      type ? type : ""),
			    NULL, "Send a transaction or a batch.");
		goto out;
	}
	if (json_object_object_get_ex(body, "entry", &entries) && !json_object_is_type(entries, json_type_array)) {
		reply_error(req, 400, "Bundle.entry", "Bundle.entry must be an array", NULL, NULL);
		goto out;
	}
	n = entries ? json_object_array_length(entries) : 0;
	if (n > MAX_ENTRIES) {
		reply_error(req, 413, "Bundle.entry", "too many entries", NULL, "Send at most 10000 entries a Bundle.");
		goto out;
	}
	results = fg_arena_alloc(req->arena, (n ? n : 1) * sizeof(*results));
	log = fg_arena_alloc(req->arena, (n ? n : 1) * sizeof(*log));
	if (results == NULL || log == NULL) {
		reply_error(req, 503, NULL, "out of memory", NULL, NULL);
		goto out;
	}
	memset(results, 0, (n ? n : 1) * sizeof(*results));
	if (strcmp(type, "batch") == 0) {
		run_batch(req, entries, n, results);
		goto out;
	}
	server_write_lock();
	done = run_all(req, entries, n, results, log);
	server_write_unlock();
	if (done) {
		req->audit_written = true;
		reply_json(req, 200, response_bundle(req, "transaction-response", results, n));
	} else
		audit_note(req, "transaction", "refused", "Bundle?entries=%zu", n);
out:
	json_object_put(body);
}
