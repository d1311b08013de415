/*
 * fangai/registry.h
 *	  The cancer registry's coding rules: ICD-O-3 code tables, conversion to
 *	  ICD-10, the IARC/IACR checks of a tumour record (IARC Technical Report
 *	  42), TNM stage grouping and the IARC/IACR 2004 multiple-primary rules.
 *
 * The code tables are read once from data/icdo3/ and data/tnm/ into an
 * fg_registry handle, which is immutable afterwards and may be shared by
 * threads.  Checking a record allocates nothing unless it finds something.
 */
#ifndef FANGAI_REGISTRY_H
#define FANGAI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/finding.h"

typedef struct fg_registry fg_registry;

#define FG_TOPO_MAX 810		/* topography index: C00.0 = 0 ... C80.9 = 809 */
#define FG_ICD10_MAX 6		/* "C341" and its NUL */

/*
 * Load the registry tables from datadir (NULL: fg_datadir()).  On success
 * *out owns the handle; free it with fg_registry_free().  FG_IO or
 * FG_INVALID naming the file and line when a table is missing or malformed.
 */
fg_rc fg_registry_open(const char *datadir, fg_registry **out,
		       struct fg_error *err);

/* Free the handle.  Accepts NULL. */
void fg_registry_free(fg_registry *reg);

/* A tumour's codes, parsed.  -1 (or FG_DATE_NONE) marks a value not given. */
struct fg_tumour_codes {
	int topography;		/* 0..809: C34.1 = 341 */
	int morphology;		/* 8000..9989 */
	int behaviour;		/* ICD-O-3 /0 /1 /2 /3 /6 /9 */
	int grade;		/* ICD-O-3 6th digit 1..9 */
	int basis;		/* basis of diagnosis 0..9 */
	char sex;		/* GB/T 2261.1 '1', '2', '0', '9'; '\0' not given */
	int age;		/* age at incidence when no birth date is given */
	fg_date birth, incidence, death, last_contact;
	fg_date today;		/* incidence may not be later */
};

/* The same record as entered: text fields, NULL or "" when not given. */
struct fg_tumour_text {
	const char *topography;		/* C34.1, C341 or 341 */
	const char *morphology;		/* 8140, 8140/3 or 81403 (behaviour then optional) */
	const char *behaviour;
	const char *grade;
	const char *basis;
	const char *sex;		/* 1/2/9, M/F, male/female */
	const char *birth_date;
	const char *age;		/* completed years at incidence, used without a birth date */
	const char *incidence_date;
	const char *death_date;
	const char *last_contact;
};

/*
 * Reset every code of c to "not given" and its today to `today` (the day
 * after which an incidence date is in the future; FG_DATE_NONE: no limit).
 */
void fg_tumour_codes_init(struct fg_tumour_codes *c, fg_date today);

/*
 * Parse text into codes.  Every value that is not a valid code (an unknown
 * topography or subsite, a morphology not in ICD-O-3, a behaviour other than
 * 0, 1, 2, 3, 6, 9, a day that does not exist...) and every missing required
 * value (topography, morphology, behaviour, basis, incidence date) is added
 * to findings as an error with code "validity" and the field named; the
 * field is then left "not given".  Whether ICD-O-3 permits the behaviour
 * with the morphology is the check "behaviour.histology".  Returns FG_OK, or
 * FG_NOMEM when a finding cannot be allocated.
 */
fg_rc fg_tumour_parse(const fg_registry *reg, const struct fg_tumour_text *in,
		      struct fg_tumour_codes *out, struct fg_findings *findings);

/*
 * Run the IARC/IACR checks on parsed codes and add what they find to
 * findings: dates, age/site/histology, sex/site, sex/histology,
 * site/histology, behaviour/site, behaviour/histology, grade/histology and
 * basis/histology.  Checks whose inputs are not given are skipped.  Finding
 * codes are the check names of fg_registry_checks().  Returns FG_NOMEM only.
 */
fg_rc fg_registry_check(const fg_registry *reg, const struct fg_tumour_codes *c,
			struct fg_findings *findings);

/* Count of error-level findings in a list. */
size_t fg_findings_errors(const struct fg_findings *findings);

struct fg_check_info {
	const char *code;	/* e.g. "site.histology" */
	const char *what;	/* one line */
};

/* The checks, ending with {NULL, NULL}.  Static. */
const struct fg_check_info *fg_registry_checks(void);

/*
 * ICD-10 code of a tumour (e.g. "C341", "D05"), into out (FG_ICD10_MAX
 * bytes), by IARC's ICD-O-3 to ICD-10 conversion.  Needs topography,
 * morphology and behaviour; sex where the code depends on it.  "" when no
 * ICD-10 code follows (the function still returns FG_OK).
 */
fg_rc fg_registry_icd10(const fg_registry *reg, const struct fg_tumour_codes *c,
			char *out);

/* Label of a topography index, or NULL if it is not a code. */
const char *fg_registry_topography_label(const fg_registry *reg, int topography);

/* ICD-O-3 term of morphology/behaviour, or NULL when ICD-O-3 prints none. */
const char *fg_registry_morphology_label(const fg_registry *reg, int morphology,
					 int behaviour);

/* Format a topography index as "C34.1" into buf (at least 6 bytes). */
char *fg_topography_format(int topography, char *buf);

/* Parse "C34.1", "C341" or "341" into an index; -1 if malformed. */
int fg_topography_parse(const char *text);

/* ---- TNM stage grouping ---- */

struct fg_stage_input {
	const char *site;	/* lung, breast, colorectum, stomach, oesophagus-scc,
				 * oesophagus-adeno, liver, cervix */
	const char *edition;	/* "8", "9" (lung) or "2018" (cervix, FIGO) */
	const char *context;	/* "clinical" (default) or "pathological" */
	const char *t, *n, *m;	/* categories as written: T2a, N1, M0; cervix: t = FIGO criterion */
	const char *grade;	/* G1, G2, G3 or GX (1-3, X or 9 accepted); NULL/"" = GX.
				 * Used only by tables with a grade column. */
	const char *location;	/* upper, middle, lower or X; NULL/"" = X (oesophagus
				 * squamous cell carcinoma, pathological) */
};

struct fg_stage_result {
	char stage[16];		/* "IIB" */
	char table[48];		/* the table used, e.g. "lung-ajcc8" */
	int row;		/* line of the table file that matched */
	char grade[4];		/* the grade used ("G2"), "" when the table has none */
	char location[8];	/* the location used ("lower"), "" when the table has none */
};

/*
 * Derive the stage group from the TNM categories by the table for site,
 * edition and context under data/tnm/ (the first row holding all three
 * wins).  Categories may carry a c/p/yp prefix.  Tables with grade or
 * location columns (oesophagus, pathological) also match those; an input
 * without them counts as GX / location X.  FG_NOTFOUND with field
 * "site" or "edition" when no table exists, and with field "stage" when the
 * categories are valid but no row groups them (e.g. TX N1 M0); FG_INVALID
 * naming the field ("t", "n", "m" or "context") when a category is one the
 * table does not use.
 */
fg_rc fg_registry_stage(const fg_registry *reg, const struct fg_stage_input *in,
			struct fg_stage_result *out, struct fg_error *err);

/*
 * The stage table site (e.g. "lung") for a topography and morphology, by
 * data/tnm/sites.csv, and its default edition into *edition (may be NULL).
 * NULL when no TNM table applies.  Static strings owned by reg.
 */
const char *fg_registry_stage_site(const fg_registry *reg, int topography,
				   int morphology, const char **edition);

/* ---- Multiple primaries ---- */

/* IARC/IACR 2004 histology group (1..17) of a morphology, 0 if none. */
int fg_mp_histology_group(int morphology);

/*
 * Topography group of a topography index under the IARC/IACR 2004 rules:
 * a small number shared by the sites counted as one organ (C01-C02, C00 +
 * C03-C06 ...), otherwise the 3-character site; C80 gives 80.
 */
int fg_mp_topography_group(int topography);

/*
 * True if tumours a and b (topography and morphology given) count as one
 * primary under the IARC/IACR 2004 rules.  *reason (may be NULL) receives a
 * static sentence explaining the decision.
 */
bool fg_mp_same_primary(const struct fg_tumour_codes *a,
			const struct fg_tumour_codes *b, const char **reason);

#endif
