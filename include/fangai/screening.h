/*
 * fangai/screening.h
 *	  Cancer screening: result classifiers (Lung-RADS, C-Lung-RADS, BI-RADS,
 *	  FIT, HPV with cytology, endoscopy, colonoscopy, liver ultrasound with
 *	  AFP), programme definitions with their risk questionnaires, screening
 *	  episodes in the store, worklists and indicators.
 *
 * Clinical rules are data: every classifier is a rule file under
 * data/screening/schemes/ and every programme a file under
 * data/screening/programmes/, each citing its guideline and edition (the
 * format is described in docs/screening.md).  Loaded rule sets and
 * programmes live in the arena passed to the loader and are read-only.
 */
#ifndef FANGAI_SCREENING_H
#define FANGAI_SCREENING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/store.h"

/* ---- rule sets (classification schemes and questionnaires) ---- */

typedef struct fg_ruleset fg_ruleset;

#define FG_SCREEN_CATEGORY_MAX 24
#define FG_SCREEN_MANAGEMENT_MAX 48
#define FG_SCREEN_RECALL_NONE (-1)	/* no fixed recall: referral or more imaging */

/* The result of classifying one finding (or one questionnaire). */
struct fg_screen_result {
	char outcome[FG_SCREEN_CATEGORY_MAX];		/* the rule set's outcome id */
	char category[FG_SCREEN_CATEGORY_MAX];		/* e.g. "4A" */
	char management[FG_SCREEN_MANAGEMENT_MAX];	/* our own code, e.g. "ldct_in_3_months" */
	int recall_months;		/* FG_SCREEN_RECALL_NONE when not a timed recall */
	bool positive;			/* counts as a positive screen */
	bool referral;			/* needs a diagnostic outcome (failsafe) */
	int rule_line;			/* line of the deciding rule in the file */
};

/*
 * Load the rule set NAME from DATADIR/screening/schemes/NAME.rules
 * (datadir NULL: fg_datadir()).  The rule set lives in arena.  FG_NOTFOUND
 * if there is no such scheme; FG_INVALID naming file and line for a
 * malformed file; FG_IO if it cannot be read.
 */
fg_rc fg_ruleset_load(const char *datadir, const char *name,
		      struct fg_arena *arena, const fg_ruleset **out,
		      struct fg_error *err);

/* Name, title and cited source of a rule set.  Strings owned by it. */
const char *fg_ruleset_name(const fg_ruleset *rs);
const char *fg_ruleset_title(const fg_ruleset *rs);
const char *fg_ruleset_source(const fg_ruleset *rs);

/* Number of input fields (derived fields excluded) and their names. */
size_t fg_ruleset_field_count(const fg_ruleset *rs);
const char *fg_ruleset_field_name(const fg_ruleset *rs, size_t i);

/*
 * A one-line description of input field i ("enum: baseline new existing",
 * "number 0.0-300.0") written into buf; returns buf.
 */
char *fg_ruleset_field_describe(const fg_ruleset *rs, size_t i, char *buf,
				size_t bufsz);

/* Index of the input field `name`, or -1. */
int fg_ruleset_field_index(const fg_ruleset *rs, const char *name);

/*
 * Classify one finding.  values[i] is the text of input field i (NULL or
 * "" when absent).  Each value is validated (an enumerated value must be
 * one of the field's, a number must be in range and not more precise than
 * the field), required fields are checked, then the rules are tried in
 * order and the first match decides; adjustment rules may then raise the
 * result.  FG_INVALID naming the field and the value, or "no rule
 * matches", on failure; *out is unspecified then.
 */
fg_rc fg_ruleset_classify(const fg_ruleset *rs, const char *const *values,
			  struct fg_screen_result *out, struct fg_error *err);

/* ---- programmes ---- */

typedef struct fg_programme fg_programme;

#define FG_PROGRAMME_MAX_EXAMS 8

struct fg_programme_exam {
	char type[24];			/* exam type, e.g. "ldct" */
	const fg_ruleset *scheme;	/* its classifier */
};

/* What a loaded programme says; text owned by the programme. */
struct fg_programme_info {
	const char *code;		/* lung, colorectum ... */
	const char *version;
	const char *title;
	const char *source;		/* guidelines and editions */
	const char *site;		/* ICD-10 site range, e.g. "C34" */
	int age_min, age_max;		/* inclusive, completed years at enrolment */
	char sex;			/* '0' both, '1' men, '2' women */
	int interval_months;		/* routine round interval */
	int failsafe_days;		/* positives without a diagnosis after this appear */
	bool offer_all;			/* exams offered to everyone eligible, not only the high-risk */
	const char *early_definition;	/* e.g. "stages 0 I; precursors" */
	size_t nexams;
	struct fg_programme_exam exams[FG_PROGRAMME_MAX_EXAMS];
	const fg_ruleset *questionnaire;	/* its risk assessment */
};

/*
 * Load programme CODE: the newest version found under
 * DATADIR/screening/programmes/ when version is NULL, else that version
 * (files are named CODE-VERSION.programme).  The programme and its
 * classifiers live in arena.  FG_NOTFOUND if absent; FG_INVALID naming
 * the file and line if malformed.
 */
fg_rc fg_programme_load(const char *datadir, const char *code,
			const char *version, struct fg_arena *arena,
			const fg_programme **out, struct fg_error *err);

/* The description of a loaded programme. */
const struct fg_programme_info *fg_programme_info(const fg_programme *p);

/* The whole text of the programme file as loaded (stored with episodes). */
const char *fg_programme_text(const fg_programme *p);

/* The exam entry of type `type`, or NULL. */
const struct fg_programme_exam *fg_programme_exam(const fg_programme *p,
						  const char *type);

/* True if someone of this sex and age is in the programme's target group. */
bool fg_programme_eligible(const fg_programme *p, char sex, int age);

/*
 * True if a diagnosis counts as early under the programme's versioned
 * definition: a precursor ("precursor", e.g. high-grade intraepithelial
 * neoplasia) when the programme counts precursors, or a cancer whose stage
 * group ("0", "I", "IA2", "IIB" ...) is one of the programme's early stages
 * (the Roman numeral decides: "IA2" is stage I).
 */
bool fg_programme_is_early(const fg_programme *p, const char *diagnosis,
			   const char *stage);

/*
 * Assess a risk questionnaire: answers[i] is the text of questionnaire
 * item i (see fg_programme_info()->questionnaire; NULL or "" absent).  The
 * items named "age" and "sex" are filled from age and sex when the
 * questionnaire declares them.  *high_risk receives the decision.
 * FG_INVALID naming the item and the value for a refused answer.
 */
fg_rc fg_programme_assess(const fg_programme *p, const char *const *answers,
			  int age, char sex, bool *high_risk,
			  struct fg_error *err);

/* The codes of every programme under DATADIR (newest versions), in arena. */
fg_rc fg_programme_list(const char *datadir, struct fg_arena *arena,
			const char ***codes, size_t *count, struct fg_error *err);

#endif
