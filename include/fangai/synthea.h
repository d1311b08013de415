/*
 * fangai/synthea.h
 *	  Import of the patient bundles Synthea writes (FHIR R4 transaction
 *	  Bundles): their Patients become persons of the registry, their
 *	  deaths (Patient.deceasedDateTime) the persons' vital status, and
 *	  their cancer Conditions, coded in SNOMED CT, tumours of the registry
 *	  through the map data/fhir/synthea-cancer.csv (SNOMED CT to ICD-O-3
 *	  topography, morphology and behaviour, and ICD-10).  What is not
 *	  imported is reported: cancer Conditions the map does not know or the
 *	  registry refuses, and the other resources by type.
 *
 * A Patient is remembered by its Synthea id (person_identifier, type 99),
 * so that importing the same bundle again adds nothing: a Patient known
 * already is matched, and its Conditions are not imported twice.
 */
#ifndef FANGAI_SYNTHEA_H
#define FANGAI_SYNTHEA_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/registry.h"
#include "fangai/store.h"

typedef struct fg_synthea_map fg_synthea_map;

/*
 * Load the SNOMED CT map from path (NULL: data/fhir/synthea-cancer.csv of
 * fg_datadir()).  On success *out owns it: free with fg_synthea_map_free().
 * FG_IO or FG_INVALID naming the file and line on a missing or bad file.
 */
fg_rc fg_synthea_map_load(const char *path, fg_synthea_map **out, struct fg_error *err);

/* Free the map.  Accepts NULL. */
void fg_synthea_map_free(fg_synthea_map *map);

struct fg_synthea_options {
	const char *institution;	/* owner of the persons and reporter of the tumours: id or USCC */
	const char *district;		/* the persons' district (Synthea's addresses are not of the region);
					   NULL: the institution's */
	const fg_synthea_map *map;
	const fg_registry *reg;
};

/* Something of the bundle that was not imported, or a note about what was. */
struct fg_synthea_issue {
	char severity[12];		/* warning, information */
	char where[48];			/* Bundle.entry[3].resource.code */
	char message[256];
};

struct fg_synthea_report {
	int64_t patients;		/* Patients in the bundle */
	int64_t patients_added;		/* new persons */
	int64_t patients_known;		/* imported before, or matched on the resident ID number */
	int64_t deaths;			/* deaths recorded */
	int64_t conditions;		/* Conditions in the bundle */
	int64_t cancers;		/* tumours registered */
	int64_t not_mapped;		/* cancer Conditions not registered (see the issues) */
	int64_t other_conditions;	/* Conditions that are not cancers */
	int64_t skipped;		/* resources of other types */
	int64_t *person_ids;		/* new or updated persons, for the audit (arena) */
	size_t nperson_ids;
	int64_t *tumour_ids;		/* tumours registered (arena) */
	size_t ntumour_ids;
	struct fg_synthea_issue *issues;	/* in the arena */
	size_t nissues;
};

/*
 * Import the bundle in json (len bytes) in one transaction of store.  A
 * bundle that is not a Bundle, or a Patient without a birth date or with
 * an unreadable field, is FG_INVALID naming the element, and nothing is
 * stored.  A cancer Condition the registry refuses (an impossible
 * combination, the same primary twice) is reported and left out; the rest
 * is stored.  On FG_OK *out says what happened, its lists in arena.
 */
fg_rc fg_synthea_import(fg_store *store, const char *json, size_t len,
			const struct fg_synthea_options *opts, struct fg_arena *arena,
			struct fg_synthea_report *out, struct fg_error *err);

#endif
