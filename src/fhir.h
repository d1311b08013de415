/*
 * fhir.h
 *	  Pieces shared by the HL7 FHIR R4 handlers (fhir_*.c): searchset
 *	  Bundles with paging links, and the resident ID number system.
 */
#ifndef FANGAI_FHIR_H
#define FANGAI_FHIR_H

#include <json-c/json.h>
#include <stdint.h>

#include "server.h"

/* OID of the resident identity card number (WS 364 / GB 11643). */
#define FHIR_SYSTEM_RESIDENT_ID "urn:oid:2.16.156.10011.1.3"

struct fhir_paging {
	int64_t count;			/* _count */
	int64_t offset;			/* _offset */
	bool total;			/* _total is not "none" */
};

/* Read _count (1..1000, default 20), _offset and _total; replies 400 and returns false on a bad one. */
bool fhir_paging_read(struct request *req, struct fhir_paging *out);

/*
 * Count one more match of an in-memory search in *total and say whether
 * it falls on the requested page.
 */
bool fhir_page_take(const struct fhir_paging *paging, int64_t *total);

/*
 * A searchset Bundle of entries (an array of resources, taken) of type,
 * with total and self/next/previous links that repeat the search
 * parameters named in params (NULL-terminated).
 */
json_object *fhir_searchset(struct request *req, const char *type, json_object *resources,
			    int64_t total, const struct fhir_paging *paging,
			    const char *const *params);

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

#endif
