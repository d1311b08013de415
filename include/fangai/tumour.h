/*
 * fangai/tumour.h
 *	  Tumour records of the cancer registry: one row per primary tumour of
 *	  a person, coded in ICD-O-3, checked by the IARC/IACR rules when saved,
 *	  with its ICD-10 code and TNM stage group derived.
 */
#ifndef FANGAI_TUMOUR_H
#define FANGAI_TUMOUR_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/finding.h"
#include "fangai/registry.h"
#include "fangai/store.h"

/* A tumour as entered: text, NULL or "" when not given. */
struct fg_tumour_input {
	const char *person;		/* record id or resident ID number */
	const char *institution;	/* reporting institution: id or USCC */
	const char *incidence_date;
	const char *topography, *morphology, *behaviour, *grade;
	const char *laterality;		/* 0 not paired, 1 right, 2 left, 3 one side NOS, 4 both, 9 unknown */
	const char *basis;
	const char *tnm_edition;	/* default 8 (FIGO 2018 for the cervix) */
	const char *tnm_context;	/* clinical (default) or pathological */
	const char *t, *n, *m;		/* cervix: the FIGO findings, see data/tnm/cervix-figo2018.csv */
	const char *source;		/* source document */
	const char *detection;		/* screen, interval, non_participant or unknown (default) */
};

struct fg_tumour {
	int64_t id, person_id, institution_id;
	char district[7];
	fg_date incidence;
	char topography[8];		/* C34.1 */
	int morphology, behaviour, grade;	/* grade -1 when not given */
	char laterality[2];
	int basis;
	char icd10[FG_ICD10_MAX];
	char tnm_edition[8], tnm_context[16], t[24], n[24], m[24];
	char stage[16];			/* "" when not derived */
	int primary_seq;
	char source[128];
	char detection[16];
};

/*
 * Validate, check and store a tumour.  The codes are parsed and checked with
 * the person's sex, birth date and date of death: an error finding (an
 * invalid code, an impossible date or combination) refuses the save with
 * FG_INVALID naming the field and the value, and nothing is stored.  The
 * ICD-10 code and, when T, N and M are given, the stage group are derived;
 * a category the stage table does not know is FG_INVALID.  A tumour that is
 * the same primary as one the person already has (IARC/IACR 2004) is
 * FG_CONFLICT.  Otherwise the tumour and its warning findings are stored in
 * one transaction; *out receives the row and warnings (may be NULL) the
 * warnings, in its arena.
 */
fg_rc fg_tumour_add(fg_store *store, const fg_registry *reg,
		    const struct fg_tumour_input *in, struct fg_tumour *out,
		    struct fg_findings *warnings, struct fg_error *err);

/*
 * Run the IARC/IACR checks again on stored tumour t, with its person's
 * current sex, birth date and date of death (which may have changed since
 * the tumour was saved), adding what they find to findings.  Stores
 * nothing.  FG_NOTFOUND if the person is missing.
 */
fg_rc fg_tumour_recheck(fg_store *store, const fg_registry *reg, const struct fg_tumour *t,
			struct fg_findings *findings, struct fg_error *err);

/* Read tumour `id`; FG_NOTFOUND if absent. */
fg_rc fg_tumour_get(fg_store *store, int64_t id, struct fg_tumour *out,
		    struct fg_error *err);

struct fg_tumour_list {
	struct fg_tumour *items;	/* in the arena */
	size_t count;
};

/* Tumours of person_id (0: all), ordered by id, at most limit. */
fg_rc fg_tumour_list(fg_store *store, int64_t person_id, int64_t limit,
		     struct fg_arena *arena, struct fg_tumour_list *out,
		     struct fg_error *err);

struct fg_tumour_finding {
	int64_t id, tumour_id;
	char code[32], field[32], message[256];
	char confirmed_by[64], confirmed_at[24], reason[256];	/* "" while open */
};

struct fg_tumour_finding_list {
	struct fg_tumour_finding *items;	/* in the arena */
	size_t count;
};

/* The stored warnings of tumour_id, ordered by id. */
fg_rc fg_tumour_findings(fg_store *store, int64_t tumour_id, struct fg_arena *arena,
			 struct fg_tumour_finding_list *out, struct fg_error *err);

/*
 * Confirm warning finding_id: the registrar `user` has verified the record
 * and gives `reason`.  FG_INVALID (field "user" or "reason") when either is
 * empty; FG_NOTFOUND when there is no such finding; FG_CONFLICT when it is
 * confirmed already.
 */
fg_rc fg_tumour_confirm(fg_store *store, int64_t finding_id, const char *user,
			const char *reason, struct fg_error *err);

/* ---- First-course treatment ---- */

struct fg_treatment {
	int64_t id, tumour_id, institution_id;
	char kind[16];			/* surgery, radiotherapy, chemotherapy, targeted, immunotherapy, endocrine, other */
	fg_date start, end;		/* end FG_DATE_NONE while ongoing or unknown */
};

/* A treatment as entered: text, NULL or "" when not given. */
struct fg_treatment_input {
	const char *tumour;		/* tumour id */
	const char *institution;	/* treating institution: id or USCC; default the reporting one */
	const char *kind;
	const char *start_date, *end_date;
};

/*
 * Record a first-course treatment of a tumour.  FG_INVALID naming the field
 * for an unknown kind, an invalid date, a start before the incidence date,
 * after the person's death or in the future, or an end before the start;
 * FG_NOTFOUND for an unknown tumour or institution.  Nothing is stored on
 * failure.
 */
fg_rc fg_treatment_add(fg_store *store, const struct fg_treatment_input *in,
		       struct fg_treatment *out, struct fg_error *err);

struct fg_treatment_list {
	struct fg_treatment *items;	/* in the arena */
	size_t count;
};

/* The treatments of tumour_id, by start date. */
fg_rc fg_treatment_list(fg_store *store, int64_t tumour_id, struct fg_arena *arena,
			struct fg_treatment_list *out, struct fg_error *err);

#endif
