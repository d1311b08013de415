/*
 * fhir_transaction.c
 *	  POST /fhir with a transaction or batch Bundle.  Each entry is a
 *	  request of its own — GET (read, vread, search, history), POST
 *	  (create) or PUT (update, with ifMatch) — of any resource and
 *	  interaction the server serves: it runs through the route table as an
 *	  inner request (server_inner.c), so that it is checked, scoped and
 *	  audited exactly as the same request sent directly.  Entries run in the
 *	  order of FHIR R4 (POST, then PUT, then GET).  A resource referring to
 *	  another entry's fullUrl (urn:uuid:...) runs once that entry is
 *	  created, the reference rewritten to the new Type/id; so are the
 *	  values of a GET entry's query.
 *
 *	  A transaction runs every entry in one database transaction, holding
 *	  the write lock, all or nothing: the entries' audit entries are
 *	  written together at its end and commit with it, and the first failure rolls everything back and is the answer, its
 *	  OperationOutcome naming the entry (Bundle.entry[i]...).  A batch runs
 *	  each entry on its own and answers each: its status, location and
 *	  etag, the resource read, or the OperationOutcome of its failure.  A
 *	  write that warns (a Patient that may be a duplicate) has the warning
 *	  as the OperationOutcome of its response, in either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/util.h"
#include "fhir.h"

#define MAX_ENTRIES 10000

/* The order of FHIR R4 transaction processing: creates, then updates, then reads. */
static const char *const phase_methods[] = {"POST", "PUT", "GET"};
#define NPHASES (sizeof(phase_methods) / sizeof(phase_methods[0]))
#define PHASE_GET 2

struct entry {
	json_object *resource;		/* the resource of a POST or PUT */
	const char *method, *url, *full_url, *if_match;
	size_t phase;
	/* The answer, once run. */
	unsigned status;		/* 0 until run */
	const char *location;		/* relative: "Patient/12/_history/1" */
	const char *target;		/* "Patient/12": what references to full_url become */
	const char *etag, *last_modified;
	json_object *body;		/* resource read, or OperationOutcome of a failure; owned */
	json_object *warning;		/* OperationOutcome of a write's warning, or NULL; owned */
};

struct bundle_run {
	struct request *req;
	struct entry *entries;
	size_t n;
	bool transaction;
	bool representation;		/* Prefer: return=representation */
	json_object *targets;		/* fullUrl -> index of the POST entry that has it */
	struct fg_audit_entry *audit;	/* audit entries of the entries not yet written (malloc) */
	size_t naudit, audit_cap;
	bool audit_lost;		/* out of memory keeping one */
};

/* A path of element names, innermost first, for naming a reference. */
struct path {
	const char *name;
	const struct path *up;
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

/* Keep the audit entries of a request that did not write them, to write with the Bundle's. */
static void
keep_audit(struct bundle_run *run, const struct request *r)
{
	if (r->audit_written || r->naudit == 0)
		return;
	if (run->naudit + r->naudit > run->audit_cap) {
		size_t cap = run->audit_cap ? 2 * run->audit_cap : 16;
		struct fg_audit_entry *grown = realloc(run->audit, cap * sizeof(*grown));

		if (grown == NULL) {
			run->audit_lost = true;
			return;
		}
		run->audit = grown;
		run->audit_cap = cap;
	}
	memcpy(run->audit + run->naudit, r->audit, r->naudit * sizeof(*r->audit));
	run->naudit += r->naudit;
}

/* A Location made relative to the FHIR base ("Patient/12/_history/1"), or NULL. */
static const char *
relative_location(const char *location)
{
	const char *base = location ? strstr(location, "/fhir/") : NULL;

	return base ? base + strlen("/fhir/") : location;
}

/* Take the reply r left as the answer of e. */
static void
take_answer(struct bundle_run *run, struct entry *e, const struct request *r)
{
	const char *history;

	e->status = r->status;
	e->location = relative_location(reply_header_value(r, "Location"));
	e->etag = reply_header_value(r, "ETag");
	e->last_modified = reply_header_value(r, "Last-Modified");
	if (e->location != NULL) {
		history = strstr(e->location, "/_history/");
		e->target = history ? fg_arena_strndup(run->req->arena, e->location, (size_t)(history - e->location))
				    : e->location;
	}
	if ((r->status >= 300 || e->phase == PHASE_GET || run->representation) && r->reply != NULL)
		e->body = json_tokener_parse(r->reply);
	if (r->status < 300 && r->warning.text != NULL)
		e->warning = reply_write_outcome(r, r->status);
	keep_audit(run, r);
}

/* Answer entry i with status and an OperationOutcome naming its element; returns false. */
static bool
entry_fail(struct bundle_run *run, size_t i, unsigned status, const char *element, const char *message,
	   const char *hint)
{
	struct request r = {.arena = run->req->arena, .fhir = true};

	reply_error(&r, status, fg_arena_printf(run->req->arena, "Bundle.entry[%zu].%s", i, element),
		    message, NULL, hint);
	take_answer(run, &run->entries[i], &r);
	return false;
}

/* The method of entry i as a phase; answers 400 and returns false for another. */
static bool
entry_phase(struct bundle_run *run, size_t i, struct entry *e)
{
	for (e->phase = 0; e->phase < NPHASES; e->phase++)
		if (strcmp(e->method, phase_methods[e->phase]) == 0)
			return true;
	return entry_fail(run, i, 400, "request.method",
			  fg_arena_printf(run->req->arena, "cannot process method \"%.16s\"", e->method),
			  "Send POST (create), PUT (update) or GET (read or search) entries.");
}

/* The url must name a resource type relative to the base, and no operation ($...). */
static bool
entry_url(struct bundle_run *run, size_t i, struct entry *e)
{
	size_t type_len = strcspn(e->url, "/?");

	if (e->url[0] < 'A' || e->url[0] > 'Z' || strchr(e->url, '$') != NULL)
		return entry_fail(run, i, 400, "request.url",
				  fg_arena_printf(run->req->arena, "cannot process url \"%.64s\"", e->url),
				  "Give a url relative to the base: Type, Type/id or Type?search.");
	if (e->phase == PHASE_GET)
		return true;
	if (e->resource == NULL)
		return entry_fail(run, i, 400, "resource", "a POST or PUT entry needs a resource", NULL);
	if (text_of(e->resource, "resourceType") == NULL ||
	    strlen(text_of(e->resource, "resourceType")) != type_len ||
	    strncmp(text_of(e->resource, "resourceType"), e->url, type_len) != 0)
		return entry_fail(run, i, 400, "resource.resourceType",
				  fg_arena_printf(run->req->arena, "the resource is not of the type of url \"%.64s\"", e->url),
				  NULL);
	return true;
}

/* Read entry i; answers its failure and returns false on a structural error. */
static bool
entry_read(struct bundle_run *run, size_t i, json_object *json)
{
	struct entry *e = &run->entries[i];
	json_object *request = NULL, *resource;

	if (!json_object_is_type(json, json_type_object) || !json_object_object_get_ex(json, "request", &request) ||
	    !json_object_is_type(request, json_type_object))
		return entry_fail(run, i, 400, "request", fg_arena_printf(run->req->arena, "entry %zu has no request", i),
				  NULL);
	e->method = text_of(request, "method");
	e->url = text_of(request, "url");
	e->if_match = text_of(request, "ifMatch");
	e->full_url = text_of(json, "fullUrl");
	if (json_object_object_get_ex(json, "resource", &resource) && json_object_is_type(resource, json_type_object))
		e->resource = resource;
	if (e->method == NULL || e->url == NULL)
		return entry_fail(run, i, 400, "request", "an entry's request needs a method and a url", NULL);
	if (!entry_phase(run, i, e) || !entry_url(run, i, e))
		return false;
	if (e->full_url == NULL || e->phase != 0)
		return true;
	if (json_object_object_get_ex(run->targets, e->full_url, NULL))
		return entry_fail(run, i, 400, "fullUrl",
				  fg_arena_printf(run->req->arena, "fullUrl \"%.64s\" is given twice", e->full_url), NULL);
	json_object_object_add(run->targets, e->full_url, json_object_new_int64((int64_t)i));
	return true;
}

enum ref_state {
	REF_READY,			/* every reference to an entry rewritten */
	REF_WAIT,			/* one names an entry not yet created */
	REF_FAILED,			/* one cannot be resolved: the entry was answered */
};

/* The element path of a reference, as "subject.reference". */
static const char *
path_text(struct bundle_run *run, const struct path *p)
{
	const char *text = "reference";

	for (; p != NULL; p = p->up)
		text = fg_arena_printf(run->req->arena, "%s.%s", p->name, text);
	return text;
}

/* Resolve one reference value of entry i at path p. */
static enum ref_state
resolve_one(struct bundle_run *run, size_t i, json_object *value, const struct path *p)
{
	const char *ref = json_object_get_string(value);
	json_object *index;
	const struct entry *target;

	if (!json_object_object_get_ex(run->targets, ref, &index)) {
		if (strncmp(ref, "urn:", 4) != 0)
			return REF_READY;
		entry_fail(run, i, 400, fg_arena_printf(run->req->arena, "resource.%s", path_text(run, p)),
			   fg_arena_printf(run->req->arena, "reference \"%.64s\" names no entry of the Bundle", ref),
			   "Give the fullUrl of a POST entry of the Bundle, or Type/id of a stored resource.");
		return REF_FAILED;
	}
	target = &run->entries[json_object_get_int64(index)];
	if (target->status == 0)
		return REF_WAIT;
	if (target->status >= 300 || target->target == NULL) {
		entry_fail(run, i, 424, fg_arena_printf(run->req->arena, "resource.%s", path_text(run, p)),
			   fg_arena_printf(run->req->arena, "reference \"%.64s\" names entry %lld, which failed", ref,
					   (long long)json_object_get_int64(index)), NULL);
		return REF_FAILED;
	}
	json_object_set_string(value, target->target);
	return REF_READY;
}

/* Rewrite the references of v (within entry i, at path up) to the entries created. */
static enum ref_state
resolve_refs(struct bundle_run *run, size_t i, json_object *v, const struct path *up)
{
	enum ref_state state = REF_READY, s;

	if (json_object_is_type(v, json_type_array)) {
		for (size_t k = 0; k < json_object_array_length(v) && state != REF_FAILED; k++)
			if ((s = resolve_refs(run, i, json_object_array_get_idx(v, k), up)) > state)
				state = s;
		return state;
	}
	if (!json_object_is_type(v, json_type_object))
		return REF_READY;
	json_object_object_foreach(v, key, member) {
		struct path p = {key, up};

		if (strcmp(key, "reference") == 0 && json_object_is_type(member, json_type_string))
			s = resolve_one(run, i, member, up);
		else
			s = resolve_refs(run, i, member, &p);
		if (s > state)
			state = s;
		if (state == REF_FAILED)
			break;
	}
	return state;
}

/* Query values naming a created entry's fullUrl become its Type/id (GET entries run after every POST). */
static void
resolve_query(struct bundle_run *run, struct inner_request *in)
{
	json_object *index;

	for (size_t k = 0; k < in->nargs; k++)
		if (in->args[k][1] != NULL && json_object_object_get_ex(run->targets, in->args[k][1], &index) &&
		    run->entries[json_object_get_int64(index)].target != NULL)
			in->args[k][1] = run->entries[json_object_get_int64(index)].target;
}

/* Run entry i as an inner request and take its answer. */
static void
run_entry(struct bundle_run *run, size_t i)
{
	struct entry *e = &run->entries[i];
	struct inner_request in;

	if (!inner_request_init(&in, run->req, e->method, "/fhir/", e->url,
				e->phase == PHASE_GET ? NULL : e->resource)) {
		entry_fail(run, i, 503, "request", "out of memory", NULL);
		return;
	}
	if (e->if_match != NULL)
		inner_request_header(&in, "If-Match", e->if_match);
	if (e->phase != PHASE_GET)	/* the response carries the resource written only when asked */
		inner_request_header(&in, "Prefer", run->representation ? "return=representation" : "return=minimal");
	else
		resolve_query(run, &in);
	in.req.audit_deferred = run->transaction;	/* written with the others, in the transaction */
	server_dispatch(&in.req);
	take_answer(run, e, &in.req);
}

/*
 * Run entry i if the entries it refers to have been run.  Returns false
 * when it must wait for them.
 */
static bool
step(struct bundle_run *run, size_t i)
{
	struct entry *e = &run->entries[i];
	enum ref_state s = e->resource && e->phase != PHASE_GET ? resolve_refs(run, i, e->resource, NULL) : REF_READY;

	if (s == REF_WAIT)
		return false;
	if (s == REF_READY)
		run_entry(run, i);
	return true;
}

/*
 * Run the entries not yet answered, phase by phase; a transaction stops at
 * its first failure.  Returns the index of that failure, or n.
 */
static size_t
run_phases(struct bundle_run *run)
{
	for (size_t phase = 0; phase < NPHASES; phase++) {
		bool progress = true;

		while (progress) {
			progress = false;
			for (size_t i = 0; i < run->n; i++) {
				if (run->entries[i].status != 0 || run->entries[i].phase != phase || !step(run, i))
					continue;
				progress = true;
				if (run->transaction && run->entries[i].status >= 300)
					return i;
			}
		}
	}
	for (size_t i = 0; i < run->n; i++) {
		if (run->entries[i].status != 0)
			continue;
		entry_fail(run, i, 400, "resource", "the entry refers to entries that refer back to it",
			   "Break the cycle of references between the entries.");
		if (run->transaction)
			return i;
	}
	return run->n;
}

/* FHIR Bundle.entry.response.status: the code and its phrase. */
static const char *
status_text(struct request *req, unsigned status)
{
	static const struct {
		unsigned status;
		const char *text;
	} phrases[] = {{200, "200 OK"}, {201, "201 Created"}};

	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (phrases[i].status == status)
			return phrases[i].text;
	return fg_arena_printf(req->arena, "%u", status);
}

static void
add_text(json_object *obj, const char *name, const char *text)
{
	if (text != NULL)
		json_object_object_add(obj, name, json_object_new_string(text));
}

static json_object *
response_entry(struct bundle_run *run, struct entry *e)
{
	json_object *entry = json_object_new_object(), *r = json_object_new_object();

	add_text(entry, "fullUrl", e->full_url);
	if (e->body != NULL && e->status < 300) {
		json_object_object_add(entry, "resource", e->body);
		e->body = NULL;
	}
	add_text(r, "status", status_text(run->req, e->status));
	add_text(r, "location", e->location);
	add_text(r, "etag", e->etag);
	add_text(r, "lastModified", e->last_modified);
	if (e->body != NULL) {	/* a failure's */
		json_object_object_add(r, "outcome", e->body);
		e->body = NULL;
	} else if (e->warning != NULL) {
		json_object_object_add(r, "outcome", e->warning);
		e->warning = NULL;
	}
	json_object_object_add(entry, "response", r);
	return entry;
}

static json_object *
response_bundle(struct bundle_run *run, const char *type)
{
	json_object *b = json_object_new_object(), *entries = json_object_new_array();

	json_object_object_add(b, "resourceType", json_object_new_string("Bundle"));
	json_object_object_add(b, "type", json_object_new_string(type));
	for (size_t i = 0; i < run->n; i++)
		json_object_array_add(entries, response_entry(run, &run->entries[i]));
	if (run->n > 0)
		json_object_object_add(b, "entry", entries);
	else
		json_object_put(entries);	/* FHIR JSON has no empty arrays */
	return b;
}

/* Where a handler's expression lies in the entry, when not in its resource. */
static const char *const request_elements[][2] = {
	{"If-Match", "request.ifMatch"}, {"version", "request.ifMatch"},
};

/* Where an issue without an expression lies in the entry, by the status. */
static const struct {
	unsigned status;
	const char *element;
} status_elements[] = {{404, "request.url"}, {405, "request.method"}, {412, "request.ifMatch"}};

/* The expression of the handler's (NULL: none) as an element of entry i. */
static const char *
entry_expression(struct bundle_run *run, size_t i, unsigned status, const char *expr)
{
	const struct entry *e = &run->entries[i];
	const char *type = e->resource ? text_of(e->resource, "resourceType") : NULL;
	const char *element = e->phase == PHASE_GET ? "request.url" : NULL;
	size_t tl = type ? strlen(type) : 0;

	if (expr != NULL && strncmp(expr, "Bundle.", 7) == 0)
		return expr;
	for (size_t k = 0; expr == NULL && k < sizeof(status_elements) / sizeof(status_elements[0]); k++)
		if (status_elements[k].status == status)
			element = status_elements[k].element;
	for (size_t k = 0; expr != NULL && k < sizeof(request_elements) / sizeof(request_elements[0]); k++)
		if (strcmp(expr, request_elements[k][0]) == 0)
			element = request_elements[k][1];
	if (element == NULL && expr != NULL)
		element = fg_arena_printf(run->req->arena, "resource.%s",
					  type && strncmp(expr, type, tl) == 0 && expr[tl] == '.' ? expr + tl + 1 : expr);
	return element ? fg_arena_printf(run->req->arena, "Bundle.entry[%zu].%s", i, element)
		       : fg_arena_printf(run->req->arena, "Bundle.entry[%zu]", i);
}

/*
 * The OperationOutcome of entry i's failure as the answer of the whole
 * transaction: each issue names the entry in its text and expression.
 */
static json_object *
transaction_outcome(struct bundle_run *run, size_t i)
{
	struct entry *e = &run->entries[i];
	json_object *oo = e->body, *issues, *issue, *details, *expr;
	size_t n;

	e->body = NULL;
	if (oo == NULL || !json_object_object_get_ex(oo, "issue", &issues) ||
	    !json_object_is_type(issues, json_type_array)) {
		json_object_put(oo);
		return fhir_outcome("error", "exception", fg_arena_printf(run->req->arena, "entry %zu failed", i),
				    entry_expression(run, i, e->status, NULL));
	}
	n = json_object_array_length(issues);
	for (size_t k = 0; k < n; k++) {
		const char *first = NULL;

		issue = json_object_array_get_idx(issues, k);
		if (json_object_object_get_ex(issue, "details", &details))
			json_object_object_add(details, "text", json_object_new_string(fg_arena_printf(
				run->req->arena, "entry %zu: %s", i, text_of(details, "text") ? text_of(details, "text") : "")));
		if (json_object_object_get_ex(issue, "expression", &expr) && json_object_array_length(expr) > 0)
			first = json_object_get_string(json_object_array_get_idx(expr, 0));
		expr = json_object_new_array();
		json_object_array_add(expr, json_object_new_string(entry_expression(run, i, e->status, first)));
		json_object_object_add(issue, "expression", expr);
	}
	return oo;
}

/* Write the audit entries the entries left, inside the caller's transaction if one is open. */
static fg_rc
write_audit(struct bundle_run *run, struct fg_error *err)
{
	if (run->audit_lost)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory keeping the audit entries of a Bundle");
	return fg_audit_append(run->req->store, run->audit, run->naudit, err);
}

/* Run every entry in one transaction holding the write lock; reply. */
static void
run_transaction(struct bundle_run *run)
{
	struct request *req = run->req;
	struct fg_error err;
	size_t failed;
	fg_rc rc;

	server_write_lock();
	rc = fg_store_begin(req->store, &err);
	if (rc != FG_OK) {
		server_write_unlock();
		reply_fg_error(req, &err);
		return;
	}
	failed = run_phases(run);
	if (failed == run->n && (rc = write_audit(run, &err)) == FG_OK && (rc = fg_store_commit(req->store, &err)) == FG_OK) {
		server_write_unlock();
		req->audit_written = true;
		reply_json(req, 200, response_bundle(run, "transaction-response"));
		return;
	}
	fg_store_rollback(req->store);
	server_write_unlock();
	audit_note(req, "transaction", "refused", "Bundle?entries=%zu", run->n);
	if (failed == run->n)
		reply_fg_error(req, &err);
	else
		reply_json(req, run->entries[failed].status, transaction_outcome(run, failed));
}

/* Run each entry on its own; write the audit entries they left; reply. */
static void
run_batch(struct bundle_run *run)
{
	struct request *req = run->req;
	struct fg_error err;
	size_t done = 0;
	fg_rc rc;

	run_phases(run);
	for (size_t i = 0; i < run->n; i++)
		done += run->entries[i].status < 300;
	server_write_lock();
	rc = fg_store_begin(req->store, &err);
	if (rc == FG_OK && (rc = write_audit(run, &err)) == FG_OK)
		rc = fg_store_commit(req->store, &err);
	else if (rc == FG_OK)
		fg_store_rollback(req->store);
	server_write_unlock();
	if (rc != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	audit_note(req, "batch", done == run->n ? "ok" : "partial", "Bundle?entries=%zu&ok=%zu", run->n, done);
	reply_json(req, 200, response_bundle(run, "batch-response"));
}

/* Check the Bundle itself; replies and returns false when it cannot be processed. */
static bool
bundle_check(struct request *req, json_object *body, json_object **entries)
{
	const char *rtype = text_of(body, "resourceType"), *type = text_of(body, "type");

	*entries = NULL;
	if (rtype == NULL || strcmp(rtype, "Bundle") != 0) {
		reply_error(req, 400, "resourceType", "resource is not a Bundle", NULL, NULL);
		return false;
	}
	if (type == NULL || (strcmp(type, "transaction") != 0 && strcmp(type, "batch") != 0)) {
		reply_error(req, 422, "Bundle.type", fg_arena_printf(req->arena, "cannot process a Bundle of type \"%.32s\"",
								      type ? type : ""),
			    NULL, "Send a transaction or a batch.");
		return false;
	}
	if (json_object_object_get_ex(body, "entry", entries) && !json_object_is_type(*entries, json_type_array)) {
		reply_error(req, 400, "Bundle.entry", "Bundle.entry must be an array", NULL, NULL);
		return false;
	}
	if (*entries != NULL && json_object_array_length(*entries) > MAX_ENTRIES) {
		reply_error(req, 413, "Bundle.entry", "too many entries", NULL, "Send at most 10000 entries a Bundle.");
		return false;
	}
	return true;
}

/* Read every entry; a transaction answers the first unreadable one and returns false. */
static bool
read_entries(struct bundle_run *run, json_object *entries)
{
	for (size_t i = 0; i < run->n; i++)
		if (!entry_read(run, i, json_object_array_get_idx(entries, i)) && run->transaction) {
			audit_note(run->req, "transaction", "refused", "Bundle?entries=%zu", run->n);
			reply_json(run->req, run->entries[i].status, transaction_outcome(run, i));
			return false;
		}
	return true;
}

void
fhir_transaction(struct request *req)
{
	json_object *body = req_json_body(req), *entries;
	const char *prefer = req_header(req, "Prefer");
	struct bundle_run run = {.req = req};

	if (body == NULL || !bundle_check(req, body, &entries))
		goto out;
	run.n = entries ? json_object_array_length(entries) : 0;
	run.transaction = strcmp(text_of(body, "type"), "transaction") == 0;
	run.representation = prefer != NULL && strstr(prefer, "return=representation") != NULL;
	run.entries = fg_arena_alloc(req->arena, (run.n ? run.n : 1) * sizeof(*run.entries));
	run.targets = json_object_new_object();
	if (run.entries == NULL || run.targets == NULL) {
		reply_error(req, 503, NULL, "out of memory", NULL, NULL);
		goto out;
	}
	memset(run.entries, 0, (run.n ? run.n : 1) * sizeof(*run.entries));
	if (!read_entries(&run, entries))
		goto out;
	if (run.transaction)
		run_transaction(&run);
	else
		run_batch(&run);
out:
	for (size_t i = 0; run.entries != NULL && i < run.n; i++) {
		json_object_put(run.entries[i].body);
		json_object_put(run.entries[i].warning);
	}
	free(run.audit);
	json_object_put(run.targets);
	json_object_put(body);
}
