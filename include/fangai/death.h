/*
 * fangai/death.h
 *	  Death records of the cancer registry: entered or imported from CSV,
 *	  linked to persons (resident ID number first, then probabilistic
 *	  linkage on name, sex and birth date), the persons' vital status
 *	  updated, and death-certificate-only (DCO) tumours created for cancer
 *	  deaths that no registered tumour explains.
 */
#ifndef FANGAI_DEATH_H
#define FANGAI_DEATH_H

#include <stdint.h>

#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/registry.h"
#include "fangai/store.h"

/* A death record as entered: text, NULL or "" when not given. */
struct fg_death_input {
	const char *institution;	/* reporting institution: id or USCC (required) */
	const char *district;		/* GB/T 2260, six digits; default: the institution's */
	const char *id_number;		/* resident ID number, optional */
	const char *name;		/* required */
	const char *sex;		/* 1, 2 (M, F accepted), 9 */
	const char *birth_date;		/* optional */
	const char *death_date;		/* required, not in the future */
	const char *cause_icd10;	/* underlying cause, ICD-10 (C34.9, I21), required */
	const char *source;		/* death certificate number, optional */
};

/*
 * Validate and store one death record, not yet linked to a person.
 * FG_INVALID naming the field and the value (an ID number that is not
 * valid, a death in the future or before birth, a cause that is not an
 * ICD-10 code...), FG_NOTFOUND for an unknown institution.  *id (may be
 * NULL) receives the new record's id.
 */
fg_rc fg_death_add(fg_store *store, const struct fg_death_input *in, fg_date today,
		   int64_t *id, struct fg_error *err);

/*
 * Import a CSV of death records (columns name, sex, death_date and cause
 * required; id_number, birth_date, district, source and institution
 * optional; CanReg5 and common variants of the names accepted, see
 * docs/registry.md), all or nothing: one transaction, rolled back at the
 * first refused row, whose error names the line.  institution is the
 * default for rows without one.  *records receives the rows stored.
 */
fg_rc fg_death_import(fg_store *store, const char *path, const char *institution,
		      fg_date today, int64_t *records, struct fg_error *err);

struct fg_death_report {
	int64_t unlinked;		/* death records without a person before */
	int64_t linked_id;		/* linked now by resident ID number */
	int64_t linked_prob;		/* linked now by probabilistic linkage */
	int64_t review;			/* uncertain pairs left unlinked */
	int64_t persons_dead;		/* persons newly recorded dead */
	int64_t cancer_deaths;		/* linked cancer deaths with no tumour of the site */
	int64_t dco;			/* DCO tumours created for them */
	int64_t dco_refused;		/* of those, refused by the checks (e.g. sex/site) */
};

/*
 * Process the death records: link the unlinked ones to persons (by resident
 * ID number, then by fg_link_registry_deaths() with the default fields),
 * record the linked persons dead (through follow-up by record linkage where
 * they have open visits, directly otherwise), and for every linked cancer
 * death (ICD-10 C00-C96) whose person has no tumour of that site, and for
 * which no DCO tumour was made before, add a DCO tumour: incidence on the
 * date of death, basis 0, topography and morphology from the cause by
 * data/registry/dco-icd10.csv, through fg_tumour_add() and its checks.
 * Running it again does nothing new.  Linkage commits, then vital status
 * and DCO tumours commit together; a failure rolls back its step.
 */
fg_rc fg_death_process(fg_store *store, const fg_registry *reg, fg_date today,
		       struct fg_death_report *report, struct fg_error *err);

#endif
