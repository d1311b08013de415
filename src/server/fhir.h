/*
 * fhir.h
 *	  Pieces shared by the HL7 FHIR R4 handlers (fhir_*.c): the common
 *	  search parameters, searchset Bundles with paging links and
 *	  includes, and the resident ID number system.
 */
#ifndef FANGAI_FHIR_H
#define FANGAI_FHIR_H

#include <json-c/json.h>
#include <stdint.h>

#include "fangai/date.h"
#include "server.h"

/* OID of the resident identity card number (WS 364 / GB 11643). */
#define FHIR_SYSTEM_RESIDENT_ID "urn:oid:2.16.156.10011.1.3"

enum fhir_total {
	FHIR_TOTAL_ACCURATE,		/* the default */
	FHIR_TOTAL_ESTIMATE,		/* answered accurately too */
	FHIR_TOTAL_NONE,
};

/* A _sort parameter and the element of the resource it compares. */
struct fhir_sort_key {
	const char *param;		/* "birthdate", "_id" */
	const char *element;		/* top-level member: "birthDate", "id" */
};

/* An _include value and the reference element it follows. */
struct fhir_include {
	const char *name;		/* "Condition:subject" */
	const char *element;		/* "subject": a Reference or an array of them;
					   "participant.actor": one in each of an array */
	const char *target;		/* "Patient"; NULL: any type fhir_resolve() knows */
};

#define FHIR_MAX_INCLUDES 4
#define FHIR_MAX_IGNORED 8

/*
 * What a search type understands beyond the common parameters (_count,
 * _offset, _total, _sort, _include, _revinclude and their :iterate,
 * _summary, _elements, _format).  Lists are ended by a NULL name.
 */
struct fhir_search_spec {
	const char *type;
	const char *const *params;		/* its own search parameters */
	const struct fhir_sort_key *sorts;	/* NULL: no _sort */
	const struct fhir_include *includes;	/* NULL: no _include */
	const char *const *revincludes;		/* NULL: no _revinclude */
	/* Add the resources of _revinclude name pointing at matches to out (an array). */
	void (*revinclude)(struct request *req, const char *name, json_object *matches, json_object *out);
};

struct fhir_paging {
	const struct fhir_search_spec *spec;	/* NULL: read by fhir_paging_read() */
	int64_t count;				/* _count */
	int64_t offset;				/* _offset */
	bool total;				/* _total is not "none" */
	bool summary_count;			/* _summary=count: the total only */
	const struct fhir_sort_key *sort;	/* NULL: the resource's own order */
	bool descending;
	const struct fhir_include *include[FHIR_MAX_INCLUDES];
	size_t ninclude;
	const char *revinclude[FHIR_MAX_INCLUDES];
	size_t nrevinclude;
	/* _include:iterate and _revinclude:iterate: applied to the included resources too */
	const struct fhir_include *include_iterate[FHIR_MAX_INCLUDES];
	size_t ninclude_iterate;
	const struct fhir_search_spec *revinclude_iterate_spec[FHIR_MAX_INCLUDES];	/* whose revinclude */
	const char *revinclude_iterate[FHIR_MAX_INCLUDES];
	size_t nrevinclude_iterate;
	const char *elements;			/* _elements, or NULL */
	const char *ignored[FHIR_MAX_IGNORED];	/* parameters ignored (Prefer: handling=lenient) */
	size_t nignored;
};

/*
 * The searches of the resources an _include or _revinclude can bring into
 * a Bundle, whose includes and revincludes :iterate may follow from there
 * (fhir_patient.c, fhir_condition.c, fhir_servicerequest.c, fhir_task.c).
 */
extern const struct fhir_search_spec fhir_patient_spec;
extern const struct fhir_search_spec fhir_condition_spec;
extern const struct fhir_search_spec fhir_servicerequest_spec;
extern const struct fhir_search_spec fhir_task_spec;

/*
 * Read the common search parameters for spec and check every other one is
 * among spec->params.  A parameter the server does not understand (or a
 * _sort, _include or _revinclude value it cannot apply) is refused with
 * 400 under "Prefer: handling=strict" and otherwise ignored and reported
 * in the Bundle.  Replies 400 and returns false on a refused or bad one.
 */
bool fhir_search_read(struct request *req, const struct fhir_search_spec *spec, struct fhir_paging *out);

/*
 * Read only _count (1..1000, default 20), _offset and _total, for a
 * search without a spec; replies 400 and returns false on a bad one.
 */
bool fhir_paging_read(struct request *req, struct fhir_paging *out);

/* The days a FHIR date search keeps: [from, to] (FG_DATE_NONE: open), less an "ne" range. */
struct fhir_dates {
	fg_date from, to;
	bool exclude;
	fg_date exclude_from, exclude_to;
};

/*
 * Every value of the FHIR date search parameter name (a day, month or
 * year with an optional prefix eq, ne, lt, gt, le, ge, sa, eb or ap; all
 * must hold) as the days they keep, into *out (fhir_date.c).  ne only
 * when allow_ne, once.  Replies 400 naming the parameter and the value and
 * returns false on a bad one.
 */
bool fhir_date_param(struct request *req, const char *name, bool allow_ne, struct fhir_dates *out);

/*
 * Count one more match of an in-memory search in *total and say whether
 * it falls on the requested page.
 */
bool fhir_page_take(const struct fhir_paging *paging, int64_t *total);

/*
 * The page of all (every match of an in-memory search, taken) in the
 * order of paging's _sort, as a new array; *total receives the count.
 */
json_object *fhir_page_sorted(const struct fhir_paging *paging, json_object *all, int64_t *total);

/*
 * A searchset Bundle of entries (an array of resources, taken) of type,
 * with total and self/first/next/previous links.  Links repeat the search
 * parameters named in params (NULL-terminated), or with a spec every
 * parameter understood.  With a spec, _include and _revinclude add their
 * resources (mode include, within the caller's scope, audited), _elements
 * trims the matches, _summary=count leaves entries out, and ignored
 * parameters are reported in an OperationOutcome entry (mode outcome).
 */
json_object *fhir_searchset(struct request *req, const char *type, json_object *resources,
			    int64_t total, const struct fhir_paging *paging,
			    const char *const *params);

/*
 * The paging links of a Bundle of n entries on the page of paging out of
 * total, at base/path?query: self, first, previous, next and last.
 */
json_object *fhir_paging_links(struct request *req, const char *path, const char *query, int64_t total,
			       size_t n, const struct fhir_paging *paging);

/*
 * The resource type/id as the request may see it, for an _include, or
 * NULL if it does not exist or is out of scope (not audited: the caller
 * audits the includes).  Patient, Organization, ServiceRequest,
 * Observation and Condition.
 */
json_object *fhir_resolve(struct request *req, const char *type, int64_t id);

/*
 * Finders of fhir_resolve(), one per resource file: the resource id if
 * the request may see it, else NULL.  Not audited.
 */
json_object *fhir_patient_lookup(struct request *req, int64_t id);
json_object *fhir_organization_lookup(struct request *req, int64_t id);
json_object *fhir_servicerequest_lookup(struct request *req, int64_t id);
json_object *fhir_observation_lookup(struct request *req, int64_t id);
json_object *fhir_condition_lookup(struct request *req, int64_t id);

/*
 * _revinclude of a Patient search: the Conditions (Condition:subject or
 * Condition:patient) of the Patients in matches, added to out, audited.
 */
void fhir_condition_revinclude(struct request *req, const char *name, json_object *matches, json_object *out);

/* _revinclude of a ServiceRequest search: the Task (Task:focus) of each match, added to out. */
void fhir_task_revinclude(struct request *req, const char *name, json_object *matches, json_object *out);

/* A Patient resource of p, masked unless unmask; lastUpdated may be NULL. */
json_object *fhir_patient_json(const struct fg_person *p, bool unmask, const char *last_updated);

/* An OperationOutcome of one issue (severity, code, text, expression may be NULL). */
json_object *fhir_outcome(const char *severity, const char *code, const char *text, const char *expression);

/*
 * Map a Patient resource to a person input (strings point into body).
 * Replies 400 naming the element on a structural error and returns false.
 */
bool fhir_patient_input(struct request *req, json_object *body, struct fg_person_input *in);

/* Reply with a library error about a Patient, its field named as a FHIR element. */
void fhir_patient_error(struct request *req, const struct fg_error *err);

/* The absolute base URL of FHIR for this request ("http://HOST/fhir"), in the arena. */
const char *fhir_base(struct request *req);

/* {"reference": "Type/id"} */
json_object *fhir_reference(const char *type, int64_t id);

/* A Condition resource of tumour t (fhir_condition.c). */
json_object *fhir_condition_json(const struct fg_tumour *t);

/* One version of a resource, for a history Bundle. */
struct fhir_version {
	const char *type;
	int64_t id, version;
	const char *updated_at;		/* lastModified; NULL or "": none known */
	json_object *resource;		/* taken by fhir_history_bundle() */
};

/*
 * A history Bundle of the versions v[0..n) (newest first), the page at
 * offset of count out of total, with paging links at path (repeating
 * _since when not NULL).
 */
json_object *fhir_history_bundle(struct request *req, const char *path, const char *since, struct fhir_version *v,
				 size_t n, int64_t total, int64_t count, int64_t offset);

/* Set resource.meta.versionId to version. */
void fhir_set_version(json_object *resource, int64_t version);

/* Handlers of the FHIR files that the route table names (the others are in server.h). */
void fhir_condition_create(struct request *req);
void fhir_patient_history(struct request *req);
void fhir_patient_type_history(struct request *req);
void fhir_export_system(struct request *req);
void fhir_export_patient(struct request *req);
void fhir_export_status(struct request *req);
void fhir_export_cancel(struct request *req);
void fhir_export_file(struct request *req);
void fhir_import_synthea(struct request *req);

#endif
