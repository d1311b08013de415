/*
 * server.h
 *	  The platform server behind "fangai serve": its configuration, the
 *	  request every handler receives, replies, the route table and the
 *	  audit of each request.
 *
 * Handlers (api_*.c, fhir_*.c) never touch HTTP directly: they read the
 * request through these helpers and answer with reply_*(); the core
 * (server.c) turns that into an HTTP response on libmicrohttpd.
 */
#ifndef FANGAI_SERVER_H
#define FANGAI_SERVER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fangai/access.h"
#include "fangai/account.h"
#include "fangai/arena.h"
#include "fangai/audit.h"
#include "fangai/error.h"
#include "fangai/store.h"
#include "fangai/tumour.h"

struct server_config {
	const char *db;
	const char *address;		/* listen address, default 127.0.0.1 */
	unsigned port;
	unsigned threads;		/* worker threads, each with its own store */
	unsigned max_connections;	/* refused beyond this */
	unsigned per_address;		/* connections from one address */
	unsigned max_inflight;		/* requests in progress before 503 */
	unsigned timeout;		/* seconds a connection may idle */
	size_t max_body;		/* bytes; larger bodies get 413 */
	size_t max_head;		/* request line and headers: 414/431 beyond */
	struct fg_session_policy policy;
	bool audit_sync_os;		/* reply once audit entries reach the OS, not the disk */
	const char *port_file;		/* write the bound port here once listening */
	const char *web_dir;		/* the web UI's static files; NULL: none */
	const char *vendor_dir;		/* npm modules for /vendor/ (server_static.c) */
};

#define REQUEST_MAX_PARAMS 4
#define REQUEST_MAX_AUDIT 4
#define REQUEST_MAX_HEADERS 6

/* What a request carries besides its path and body. */
enum request_value {
	REQUEST_HEADER,			/* names compare without case */
	REQUEST_QUERY,			/* query-string arguments, decoded */
	REQUEST_COOKIE,
};

struct request {
	const struct server_config *config;
	void *conn;			/* the MHD connection, for the core only */
	/* A header, query argument or cookie, or NULL: the core reads conn; harnesses their own. */
	const char *(*lookup)(const struct request *req, enum request_value kind, const char *name);
	/* Every query argument in order; NULL: the core reads conn. */
	void (*query_each)(const struct request *req, void (*fn)(void *ctx, const char *name, const char *value),
			   void *ctx);
	const char *method;
	const char *path;
	const char *params[REQUEST_MAX_PARAMS];	/* {placeholders} of the route, in order */
	const char *body;		/* NUL-terminated; NULL when none */
	size_t body_len;
	json_object *body_json;		/* the body parsed already (an inner request), or NULL */
	char client[64];
	bool fhir;			/* errors as OperationOutcome */
	fg_store *store;		/* this worker's connection */
	struct fg_arena *arena;		/* freed with the request */

	bool authenticated;
	struct fg_session session;
	struct fg_scope scope;

	/* The reply. */
	unsigned status;
	const char *content_type;
	char *reply;			/* in the arena */
	size_t reply_len;
	FILE *reply_file;		/* the body instead of reply, whole (an unlinked temporary
					   file), or NULL: owned by the request, see request_release() */
	const char *headers[REQUEST_MAX_HEADERS][2];
	int nheaders;
	/* What a successful FHIR write warns of (both in the arena; text NULL: nothing), for the
	   OperationOutcome of Prefer: return=OperationOutcome and of its Bundle entry. */
	struct {
		const char *code, *text;
	} warning;

	/* The audit entries of the request; written by the core unless already written. */
	struct fg_audit_entry audit[REQUEST_MAX_AUDIT];
	size_t naudit;
	bool audit_written;
	bool audit_deferred;		/* audit_write_now() leaves them to the caller: a transaction
					   Bundle writes its entries' together, in its transaction */
};

enum route_access {
	ROUTE_PUBLIC,			/* no login needed */
	ROUTE_USER,			/* a live session; caps checked before the handler */
};

struct route {
	const char *method;
	const char *pattern;		/* "/api/persons/{id}": {x} matches one segment */
	void (*handler)(struct request *req);
	enum route_access access;
	unsigned caps;			/* fg_capability bits all needed */
	bool fhir;
};

/* The route table (server_routes.c), ended by a row with a NULL method. */
extern const struct route server_routes[];

/* Run the server until SIGINT or SIGTERM; returns the exit status. */
int server_run(const struct server_config *config);

/*
 * Route req (method, path, lookup, store, arena and config set) through
 * the route table: session, capabilities, handler, or a static file.  The
 * reply is left in req; audit entries noted are not written.  The core
 * calls it for every request, the fuzz harnesses directly, and a FHIR
 * Bundle for each of its entries with the session of the Bundle's request
 * already resolved (authenticated set: the capabilities are still checked).
 */
void server_dispatch(struct request *req);

/*
 * Serialise the write transactions of the process.  SQLite has one writer
 * at a time and makes the others sleep and retry; queueing on a mutex
 * hands the database over at once.  Reads take no lock.  The lock nests
 * within a thread: a transaction Bundle holds it while the handlers of its
 * entries take it again; each lock is matched by one unlock.
 */
void server_write_lock(void);
void server_write_unlock(void);

/* --- Requests inside a request (server_inner.c) --- */

#define INNER_MAX_HEADERS 4

/* A request made inside outer, e.g. an entry of a FHIR Bundle. */
struct inner_request {
	struct request req;		/* first: handlers receive &req */
	const struct request *outer;
	const char *headers[INNER_MAX_HEADERS][2];	/* its own headers; others come from outer */
	const char *(*args)[2];		/* its query arguments, decoded, in the arena */
	size_t nargs;
};

/*
 * Prepare in as a request of method on prefix + url ("/fhir/" and
 * "Patient?name=x": the query is split and decoded) with the JSON body
 * (NULL when none; not taken: it must outlive the request), and the
 * store, arena, session and scope of outer.  Run it with
 * server_dispatch(&in->req); its audit entries and reply are left in
 * in->req.  Returns false when out of memory.
 */
bool inner_request_init(struct inner_request *in, const struct request *outer, const char *method,
			const char *prefix, const char *url, json_object *body);

/* Give in the header name: value (both outliving it); conditional headers never come from outer. */
void inner_request_header(struct inner_request *in, const char *name, const char *value);

/* The value of a reply header set with reply_header(), or NULL. */
const char *reply_header_value(const struct request *req, const char *name);

/* --- Reading the request (server_http.c) --- */

/* A query-string argument, or NULL. */
const char *req_query(const struct request *req, const char *name);

/* Call fn for every query-string argument in order (value NULL when none given). */
void req_query_each(const struct request *req, void (*fn)(void *ctx, const char *name, const char *value),
		    void *ctx);

/*
 * The session secret of the request: a bearer token from Authorization,
 * else the fg_session cookie (*cookie set); NULL when neither.
 */
const char *req_session_token(const struct request *req, bool *cookie);

/* A request header, or NULL. */
const char *req_header(const struct request *req, const char *name);

/*
 * An integer query argument in [min, max], def when absent.  On a bad
 * value replies 400 naming the argument and returns false.
 */
bool req_query_int(struct request *req, const char *name, int64_t min, int64_t max,
		   int64_t def, int64_t *out);

/* True if ?name=1 or true; a value other than 0/1/true/false replies 400 and sets *bad. */
bool req_query_flag(struct request *req, const char *name, bool *bad);

/*
 * Parse the body as a JSON object (or take a reference to body_json).  On
 * anything else replies 400 (415 for a content type other than JSON) and
 * returns NULL.  The caller puts it.
 */
json_object *req_json_body(struct request *req);

/*
 * A string member of obj: *out is NULL when absent or null.  A member of
 * another type replies 400 naming it (prefix + name) and returns false.
 */
bool json_get_string(struct request *req, json_object *obj, const char *name,
		     const char **out);

/*
 * Check that obj has no member outside the NULL-terminated list allowed;
 * otherwise replies 400 naming the first one and returns false.
 */
bool json_only_members(struct request *req, json_object *obj, const char *const *allowed);

/* The path parameter as a positive id; replies 404 and returns false otherwise. */
bool req_param_id(struct request *req, int index, const char *what, int64_t *out);

/* --- Replies --- */

/*
 * Reply with obj serialised (and put).  A successful FHIR create or update
 * asked with Prefer: return=minimal gets no body; with return=OperationOutcome,
 * reply_write_outcome(req, status) instead of obj.
 */
void reply_json(struct request *req, unsigned status, json_object *obj);

/*
 * The OperationOutcome of a successful FHIR write answered with status:
 * req->warning if set, else one issue of information.  The caller owns it.
 */
json_object *reply_write_outcome(const struct request *req, unsigned status);

/*
 * Reply with the whole of f (taken: an unlinked temporary file written by the
 * handler, sent from disk, however large) as status with content type type.
 */
void reply_file(struct request *req, unsigned status, const char *type, FILE *f);

/* Close what the request holds outside its arena (a reply file not sent).  Idempotent. */
void request_release(struct request *req);

/*
 * Create a private temporary file $TMPDIR/prefix-XXXXXX (else under /tmp),
 * its path written to path, open for writing and reading back.  The caller
 * closes and removes it.  NULL when it cannot be made.
 */
FILE *server_temp_file(const char *prefix, char *path, size_t size);

/* Add a response header (name and value must outlive the request: use the arena). */
void reply_header(struct request *req, const char *name, const char *value);

/*
 * Reply with an error: {"error": {message, detail, hint, field}} for the
 * API, an OperationOutcome for FHIR.  detail, hint and field may be NULL.
 */
void reply_error(struct request *req, unsigned status, const char *field,
		 const char *message, const char *detail, const char *hint);

/* Reply with a library error, its code mapped to 422, 404, 409 or 500. */
void reply_fg_error(struct request *req, const struct fg_error *err);

/* --- Audit --- */

/*
 * Note an audit entry for this request (user, institution and client are
 * filled in).  resource is formatted printf-style.
 */
void audit_note(struct request *req, const char *action, const char *result,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Fill e as audit_note would, for requests that write many entries themselves. */
void audit_fill(const struct request *req, struct fg_audit_entry *e, const char *action,
		const char *result, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Write the request's audit entries now with its store, inside the
 * caller's transaction if one is open.  Writes use this so that the data
 * and its audit commit together.  With audit_deferred set it writes
 * nothing and leaves them noted: the caller writes them in its own
 * transaction.
 */
fg_rc audit_write_now(struct request *req, struct fg_error *err);

/* The audit result word for a return code: ok, invalid, notfound, conflict, error. */
const char *audit_result(fg_rc rc);

/* --- Shared JSON for persons and paging (api_persons.c, server_http.c) --- */

/* {"items": items, "total": t, "limit": l, "offset": o} */
json_object *json_page(json_object *items, int64_t total, int64_t limit, int64_t offset);

/* A person as API JSON, masked unless unmask. */
json_object *json_person(const struct fg_person *p, bool unmask);

/*
 * Decide whether to unmask this request: ?unmask=1 and the capability.
 * Asking without the capability replies 403 and sets *refused.
 */
bool req_unmask(struct request *req, bool *refused);

/*
 * Run a person search for the request within its scope, with its audit
 * entry (kind names the resource: "person" or "Patient").  An unreadable
 * search text replies 400 naming field; returns false after any reply.
 */
bool person_search(struct request *req, struct fg_person_query *q, const char *kind,
		   const char *field, bool unmask, struct fg_person_list *out);

/*
 * Read the person named by the route's {id} within the request's scope,
 * with its audit entry and an ETag; ?unmask=1 is honoured if the role may.
 * Replies 404 (out of scope alike) or 403 and returns false.
 */
bool person_read(struct request *req, const char *kind, struct fg_person *out, bool *unmask);

/*
 * Register a person for the request (its own institution unless the scope
 * is the region) inside the caller's transaction, without audit, and check
 * it for duplicates (fg_link_register_check): *queued possible duplicates
 * are queued for review.  A matched ID number stores nothing and gives
 * FG_CONFLICT.
 */
fg_rc person_add_in_scope(struct request *req, struct fg_person_input *in, struct fg_person *out,
			  size_t *queued, struct fg_error *err);

/* Update person id if it is in scope and still at version, inside the caller's transaction. */
fg_rc person_update_in_scope(struct request *req, int64_t id, int64_t version,
			     const struct fg_person_input *in, struct fg_person *out,
			     struct fg_error *err);

/*
 * person_add_in_scope in a transaction of its own with the audit entry.
 * Shared by the API and FHIR.
 */
fg_rc person_register(struct request *req, struct fg_person_input *in, struct fg_person *out,
		      size_t *queued, struct fg_error *err);

/* person_update_in_scope in a transaction of its own with the audit entry. */
fg_rc person_change(struct request *req, int64_t id, int64_t version,
		    const struct fg_person_input *in, struct fg_person *out, struct fg_error *err);

/*
 * The expected version of an update: If-Match (W/"n" or "n"; *from_header
 * set) or the body's "version".  Replies 428 when neither is given, 400
 * when unreadable, and returns false.
 */
bool person_expected_version(struct request *req, json_object *body, int64_t *version,
			     bool *from_header);

/* An institution as API JSON (api_institutions.c). */
struct fg_institution;
json_object *json_institution(const struct fg_institution *in);

/*
 * Serve a static file of the web UI for a GET or HEAD outside /api and
 * /fhir (server_static.c).  Returns false, without replying, when the
 * request is not one for a static file.
 */
bool static_serve(struct request *req);

/*
 * How persons travel in one API: the JSON API's own objects or FHIR
 * Patients.  Create and update are the same steps in either.
 */
struct person_format {
	const char *kind;		/* "person" or "Patient": audit and error names */
	const char *collection;		/* "/api/persons": where new ones are */
	bool history;			/* Location ends in /_history/VERSION */
	const char *id_member;		/* body member that must repeat the URL id, or NULL */
	bool version_in_body;		/* "version" in the body may stand for If-Match */
	/* Map the body to an input; replies 400 and returns false on a structural error. */
	bool (*input)(struct request *req, json_object *body, struct fg_person_input *in);
	/* Reply with a library error. */
	void (*error)(struct request *req, const struct fg_error *err);
	/* The stored person as a reply body. */
	json_object *(*json)(const struct fg_person *p, bool unmask);
	bool duplicates;		/* a new person's body says how many duplicates were queued */
};

/* Register the person in the body: 201 with its Location and ETag. */
void person_create_as(struct request *req, const struct person_format *f);

/* Update the person of the route's {id}: 200 with its ETag; 412 for a stale If-Match. */
void person_update_as(struct request *req, const struct person_format *f);

/* What merges say of a person (api_linkage.c). */
#define PERSON_LINKS_MAX 64
struct person_links {
	int64_t merged_into;		/* the survivor it was merged into; 0 when active */
	int64_t replaces[PERSON_LINKS_MAX];	/* persons merged into it, in id order */
	size_t nreplaces;
};

/* Read the merges of person id into *out (no scope check: the caller has read the person). */
fg_rc person_merge_links(struct request *req, int64_t id, struct person_links *out, struct fg_error *err);

/* A tumour of the registry as API JSON (api_tumours.c). */
json_object *json_tumour(const struct fg_tumour *t);

/*
 * Read the tumour of the route's {id} if its person is in the request's
 * scope, with its audit entry; replies 404 alike for a tumour out of scope
 * and returns false.
 */
bool tumour_read(struct request *req, const char *kind, struct fg_tumour *out);

/*
 * The tumours of person_id if the person is in scope, with the audit
 * entry of the search.  A person out of scope gives an empty list for a
 * search, else a 404 reply and false.
 */
bool tumours_of(struct request *req, int64_t person_id, const char *kind, bool search,
		struct fg_tumour_list *out);

/* Handlers, one group per resource file. */
void api_health(struct request *req);
void api_ready(struct request *req);
void api_login(struct request *req);
void api_logout(struct request *req);
void api_me(struct request *req);
void api_persons_search(struct request *req);
void api_persons_get(struct request *req);
void api_persons_create(struct request *req);
void api_persons_update(struct request *req);
void api_persons_timeline(struct request *req);
void api_institutions_list(struct request *req);
void api_institutions_get(struct request *req);
void api_stats_summary(struct request *req);
void api_stats_screening(struct request *req);
void api_audit_list(struct request *req);
void api_import(struct request *req);
void api_deaths_link(struct request *req);
void api_export(struct request *req);
void api_link_reviews_list(struct request *req);
void api_link_review_decide(struct request *req);
void api_persons_merge(struct request *req);
void api_persons_unmerge(struct request *req);
void fhir_metadata(struct request *req);
void fhir_patient_read(struct request *req);
void fhir_patient_vread(struct request *req);
void fhir_patient_search(struct request *req);
void fhir_patient_create(struct request *req);
void fhir_patient_update(struct request *req);
void fhir_organization_read(struct request *req);
void fhir_organization_search(struct request *req);
void fhir_transaction(struct request *req);
void api_tumours_get(struct request *req);
void api_person_tumours(struct request *req);
void fhir_condition_read(struct request *req);
void fhir_condition_search(struct request *req);
void fhir_practitioner_read(struct request *req);
void fhir_practitioner_search(struct request *req);
void fhir_practitioner_role_read(struct request *req);
void fhir_practitioner_role_search(struct request *req);

#endif
