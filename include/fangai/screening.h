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
#define FG_SCREEN_MODIFIER_MAX 4
#define FG_SCREEN_RECALL_NONE (-1)	/* no fixed recall: referral or more imaging */

/* The result of classifying one finding (or one questionnaire). */
struct fg_screen_result {
	char outcome[FG_SCREEN_CATEGORY_MAX];		/* the rule set's outcome id */
	char category[FG_SCREEN_CATEGORY_MAX];		/* e.g. "4A", or "4AS" with a modifier */
	char modifiers[FG_SCREEN_MODIFIER_MAX * 2];	/* the modifiers appended, e.g. "S" */
	char management[FG_SCREEN_MANAGEMENT_MAX];	/* our own code, e.g. "ldct_in_3_months" */
	int recall_months;		/* FG_SCREEN_RECALL_NONE when not a timed recall */
	bool positive;			/* counts as a positive screen */
	bool referral;			/* needs a diagnostic outcome (failsafe) */
	bool routine;			/* back to routine screening: the episode ends */
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
 * result, and modifier rules append their suffix to the category (the
 * Lung-RADS S modifier).  FG_INVALID naming the field and the value, or "no rule
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

/* ---- episodes ---- */

/*
 * A working context over a store: programme versions are loaded from the
 * data directory once and cached.  Used by one thread at a time; free it
 * with fg_screening_close().
 */
typedef struct fg_screening fg_screening;

/* Open a context over store (datadir NULL: fg_datadir()).  FG_NOMEM only. */
fg_rc fg_screening_open(fg_store *store, const char *datadir,
			fg_screening **out, struct fg_error *err);

/* Free the context (not the store).  Accepts NULL. */
void fg_screening_close(fg_screening *s);

struct fg_screen_enrol_options {
	const char *programme;		/* code */
	const char *version;		/* NULL: the newest */
	const char *district;		/* GB/T 2260 district of residence */
	const char *institution;	/* id or USCC of the owning institution */
	fg_date on;			/* the enrolment (and invitation) day */
	bool invite;			/* record the invitation on that day */
};

struct fg_screen_enrol_report {
	int64_t programme_id;
	int64_t residents;		/* living residents of the district */
	int64_t eligible;		/* in the target group on that day */
	int64_t enrolled;		/* new episodes */
	int64_t open_already;		/* an episode of the programme is open */
	int64_t not_due;		/* the previous round's next due date is later */
};

/*
 * Enrol the eligible residents of a district: one new episode per living
 * person of the programme's sex and ages on `on`, unless an episode of
 * the programme is open or not yet due.  The programme version is stored
 * on first use; FG_CONFLICT if its file has changed since (a version is
 * fixed once used).  All or nothing, in one transaction.
 */
fg_rc fg_screen_enrol(fg_screening *s, const struct fg_screen_enrol_options *o,
		      struct fg_screen_enrol_report *report, struct fg_error *err);

/* One answer or finding, as entered. */
struct fg_screen_item {
	const char *name;
	const char *value;
};

/* A questionnaire or an exam as entered: all text, validated by the call. */
struct fg_screen_record {
	const char *programme;		/* code */
	const char *person;		/* record id or resident ID number */
	const char *date;		/* YYYY-MM-DD */
	const char *institution;	/* id or USCC; NULL: the episode's */
	const char *exam_type;		/* exams only */
	const struct fg_screen_item *items;
	size_t nitems;
};

/*
 * Record a risk questionnaire in the person's open episode and decide the
 * risk with the episode's programme version.  Not high risk (in a
 * programme offering exams to the high-risk only) closes the episode with
 * end code "low_risk" and the next round due.  FG_INVALID naming the field
 * and value for an unknown item or answer, a person not enrolled, a date
 * before birth, before enrolment or in the future; nothing is stored then.
 */
fg_rc fg_screen_questionnaire_record(fg_screening *s, const struct fg_screen_record *r,
				     bool *high_risk, struct fg_error *err);

/*
 * Record an exam in the person's open episode: classify the findings with
 * the scheme of the exam type in the episode's programme version, store
 * the exam with its result, and move the episode on (referred, recalled
 * with the next due date, or closed "normal" with the next round due).
 * Refused (FG_INVALID naming field and value, nothing stored): an exam
 * type the programme lacks, a finding out of range, a person not enrolled
 * or not offered exams, a date before birth, before enrolment or in the
 * future.
 */
fg_rc fg_screen_exam_record(fg_screening *s, const struct fg_screen_record *r,
			    struct fg_screen_result *out, struct fg_error *err);

/*
 * Record many exams of one programme at once, as fg_screen_exam_record
 * would one after the other (an episode closed by an earlier record takes
 * no later one), but all or nothing: every record is validated and
 * classified first, then all are stored in one transaction, each episode
 * touched updated once.  results[i] receives record i's result.  On a
 * refused record returns FG_INVALID with *failed its index; nothing is
 * stored.
 */
fg_rc fg_screen_exams_record(fg_screening *s, const struct fg_screen_record *records,
			     size_t n, struct fg_screen_result *results, size_t *failed,
			     struct fg_error *err);

struct fg_screen_outcome {
	const char *programme;
	const char *person;
	const char *date;		/* day of the diagnosis */
	const char *diagnosis;		/* negative, benign, precursor, cancer */
	const char *stage;		/* stage group of a cancer: 0, I, IIA ... */
};

/*
 * Record the diagnostic outcome of a screened person's open episode and
 * close it (end code normal, precursor or cancer); *early says whether it
 * counts as an early diagnosis under the episode's programme version.
 */
fg_rc fg_screen_outcome_record(fg_screening *s, const struct fg_screen_outcome *o,
			       bool *early, struct fg_error *err);

/*
 * Close the person's open episode with end code lost, declined, moved or
 * died on date.  FG_INVALID for another code or a bad date.
 */
fg_rc fg_screen_close(fg_screening *s, const char *programme, const char *person,
		      const char *date, const char *end_code, struct fg_error *err);

/* Enrolling one person (an invitation, or a walk-in at a designated hospital). */
struct fg_screen_person_enrol {
	const char *programme;		/* code */
	const char *version;		/* NULL: the newest */
	const char *person;		/* record id or resident ID number */
	const char *institution;	/* id or USCC; NULL or "": the person's own */
	fg_date on;			/* enrolment day */
	bool invite;			/* record the invitation on that day */
};

/*
 * Enrol one person in a programme: a new episode (invited when o->invite)
 * if the person is alive, of the programme's sex and ages on o->on, has
 * no open episode of the programme and the last one's next round is due.
 * *episode receives its id.  FG_INVALID naming the field and value when
 * refused (a person outside the target group, a date in the future),
 * FG_CONFLICT when an episode is open or not yet due; nothing stored then.
 * Runs in the caller's transaction when one is open.
 */
fg_rc fg_screen_enrol_person(fg_screening *s, const struct fg_screen_person_enrol *o,
			     int64_t *episode, struct fg_error *err);

/*
 * Record the invitation of a person enrolled as eligible (the "invite"
 * transition) on date.  FG_CONFLICT when the open episode is past that.
 */
fg_rc fg_screen_invite(fg_screening *s, const char *programme, const char *person,
		       const char *date, struct fg_error *err);

/* A stored episode as read back (dates FG_DATE_NONE when not reached). */
struct fg_screen_episode {
	int64_t id, person_id, institution_id;
	char district[7];
	char programme[24], version[16];
	char state[16], end_code[16];
	char sex;
	int age;
	int high_risk;			/* -1: no questionnaire yet */
	fg_date started_on, invited_on, assessed_on, booked_on, screened_on, positive_on,
		recalled_on, referred_on, diagnosed_on, closed_on, next_due;
	char diagnosis[12], stage[8];
	int early;			/* -1: no diagnosis */
	int64_t row_version;
};

/* Which episodes to list: 0 / NULL / FG_DATE_NONE for a criterion not used. */
struct fg_screen_episode_query {
	int64_t id, person_id, institution_id;
	const char *programme;		/* code */
	const char *state;
	fg_date started_from, started_to;	/* inclusive */
	bool exclude;			/* leave out episodes started in [exclude_from, exclude_to] */
	fg_date exclude_from, exclude_to;
	int64_t limit, offset;		/* limit 0: all */
};

struct fg_screen_episode_list {
	struct fg_screen_episode *items;	/* in the arena */
	size_t count;
	int64_t total;			/* matches before limit and offset */
};

/*
 * The episodes matching q, newest first (by start, then id), a page of
 * them in out (in arena) with the total count.  FG_STORE on failure.
 */
fg_rc fg_screen_episodes_find(fg_store *store, const struct fg_screen_episode_query *q,
			      struct fg_arena *arena, struct fg_screen_episode_list *out,
			      struct fg_error *err);

/* A stored exam with its result, as read back. */
struct fg_screen_exam {
	int64_t id, episode_id, person_id, institution_id;
	char programme[24];
	char exam_type[24];
	fg_date exam_date;
	const char *findings;		/* JSON object as entered, in the arena */
	char scheme[64];		/* classification scheme (rule set name) */
	char category[FG_SCREEN_CATEGORY_MAX];
	char management[FG_SCREEN_MANAGEMENT_MAX];
	int recall_months;		/* FG_SCREEN_RECALL_NONE when none */
	bool positive, referral;
};

/* Which exams to list: 0 / NULL / FG_DATE_NONE for a criterion not used. */
struct fg_screen_exam_query {
	int64_t id, person_id, institution_id;
	const char *exam_type;
	fg_date from, to;		/* exam date, inclusive */
	bool exclude;			/* leave out exams dated in [exclude_from, exclude_to] */
	fg_date exclude_from, exclude_to;
	int64_t limit, offset;		/* limit 0: all */
};

struct fg_screen_exam_list {
	struct fg_screen_exam *items;	/* in the arena */
	size_t count;
	int64_t total;			/* matches before limit and offset */
};

/*
 * The exams matching q, newest first (by date, then id), a page of them
 * in out (in arena) with the total count.  FG_STORE on failure.
 */
fg_rc fg_screen_exams_find(fg_store *store, const struct fg_screen_exam_query *q,
			   struct fg_arena *arena, struct fg_screen_exam_list *out,
			   struct fg_error *err);

/* ---- episode states ---- */

/* One row of the episode transition table: event, the states it may happen in, the next state. */
struct fg_screen_transition {
	const char *event;		/* invite, questionnaire_high_risk, book, exam_referral ... */
	const char *from;		/* space-separated states */
	const char *to;			/* NULL: the state stays as it is */
};

/* The transition table (static, count rows in *count). */
const struct fg_screen_transition *fg_screen_transitions(size_t *count);

/*
 * Move episode to "booked" after an appointment for its screening exam
 * was made on day `on` (booked_on keeps the first booking); a booking of
 * a booked or referred episode leaves it as it is.  Called inside the
 * booking's transaction.  FG_NOTFOUND for no such episode, FG_CONFLICT
 * for a closed one.
 */
fg_rc fg_screen_episode_book(fg_store *store, int64_t episode, fg_date on, struct fg_error *err);

/*
 * After an appointment of episode was cancelled or missed (inside that
 * change's transaction): a booked episode left with no live booking moves
 * back to the furthest step it reached before booking (recalled,
 * high_risk, assessed, invited or eligible, by the transition table), and
 * its booked_on is cleared when none of its appointments was kept
 * (attended or missed).  An episode in any other state, or with another
 * live booking, stays as it is.  FG_NOTFOUND for no such episode.
 */
fg_rc fg_screen_episode_unbook(fg_store *store, int64_t episode, struct fg_error *err);

/* ---- link to the cancer registry ---- */

enum fg_detection {
	FG_DETECTION_NON_PARTICIPANT,	/* never screened for the site in the window */
	FG_DETECTION_SCREEN,		/* after a positive screen, within a year */
	FG_DETECTION_INTERVAL		/* after a negative screen, within the programme's interval */
};

/* "non_participant", "screen" or "interval" (the tumour.detection codes). Static. */
const char *fg_detection_name(enum fg_detection d);

/*
 * How a tumour of topography (ICD-O-3, e.g. "C34.1") diagnosed on
 * `incidence` in person relates to the screening programmes covering the
 * site: screen-detected if a positive result of the site's programme came
 * 0-365 days before; an interval cancer if the last exam before it was a
 * routine (negative) result within the programme version's interval;
 * otherwise non-participant.  *episode receives the deciding episode (0:
 * none).
 */
fg_rc fg_screen_detection(fg_screening *s, int64_t person, const char *topography,
			  fg_date incidence, enum fg_detection *out, int64_t *episode,
			  struct fg_error *err);

/*
 * Set tumour.detection for every tumour whose site a programme covers and
 * whose detection is not yet set; *linked receives how many.  One
 * transaction.
 */
fg_rc fg_screen_link_tumours(fg_screening *s, int64_t *linked, struct fg_error *err);

/* ---- worklists ---- */

enum fg_worklist_kind {
	FG_WORKLIST_RECALLS,	/* recalls due within the window, or overdue */
	FG_WORKLIST_FAILSAFE	/* referred, no diagnosis after the programme's delay */
};

struct fg_screen_work_item {
	int64_t episode_id, person_id, institution_id;
	char programme[24];
	char name[128];
	char category[FG_SCREEN_CATEGORY_MAX];	/* the last exam's */
	fg_date since;		/* recall: the due date; failsafe: the referral */
	int days;		/* recall: days overdue (negative: not yet); failsafe: days waiting */
	bool overdue;
};

struct fg_screen_worklist {
	struct fg_screen_work_item *items;	/* in the arena */
	size_t count;
};

/*
 * The worklist of one institution (0: all) as of a day: recalls due within
 * `within_days` or overdue, or failsafe items (referred more than the
 * programme's failsafe days ago, no diagnosis), ordered by date.
 */
fg_rc fg_screen_worklist(fg_screening *s, enum fg_worklist_kind kind,
			 int64_t institution_id, fg_date as_of, int within_days,
			 struct fg_arena *arena, struct fg_screen_worklist *out,
			 struct fg_error *err);

/* ---- indicators ---- */

/* One episode reduced to what indicators need. */
struct fg_screen_fact {
	int64_t institution_id;
	int32_t programme;		/* index into fg_screen_facts.programmes */
	int16_t year;			/* year the episode started */
	char sex;
	uint8_t age;
	bool invited, assessed, high_risk, offered, booked, screened, positive, recalled, referred;
	int8_t diagnosis;		/* FG_DX_* */
	bool early;
	bool interval_cancer;		/* a negative screen followed by an interval cancer of the site */
	int32_t days_to_diagnosis;	/* from the first positive result; -1 if none */
	int64_t weight;			/* episodes the fact stands for (0 when added: 1) */
};

enum { FG_DX_NONE, FG_DX_NEGATIVE, FG_DX_BENIGN, FG_DX_PRECURSOR, FG_DX_CANCER };

struct fg_screen_facts {
	struct fg_screen_fact *items;	/* malloc'd: free with fg_screen_facts_free */
	size_t count, cap;
	const char *programmes[32];	/* codes, in the arena */
	bool precursors_count[32];	/* precursors are detections under that programme */
	size_t nprogrammes;
};

/*
 * Read the episodes of a programme (NULL: all) started in years
 * [year_from, year_to] (0: open) into out, whose codes live in arena:
 * from the screening tally, one fact per key weighted by its count, and
 * one fact per episode for the diagnosed positives (time to diagnosis)
 * and the episodes followed by an interval cancer.  FG_INTERNAL when the
 * tally is out of step (see fg_screen_tally_rebuild()).
 * An episode closed "normal" has an interval cancer when a tumour of the
 * programme's site, marked "interval" by fg_screen_link_tumours(), arose
 * after it and no later than its next due date.
 */
fg_rc fg_screen_facts_load(fg_screening *s, const char *programme, int year_from,
			   int year_to, struct fg_arena *arena,
			   struct fg_screen_facts *out, struct fg_error *err);

/*
 * Recount the screening tally (the episode counts indicators read) from
 * the stored episodes, in one transaction.  The library keeps the tally
 * in step with every episode it writes; this is for episodes written to
 * the store by other means.
 */
fg_rc fg_screen_tally_rebuild(fg_store *store, struct fg_error *err);

/* Release the items of a facts list. */
void fg_screen_facts_free(struct fg_screen_facts *facts);

/* Append one fact (for callers building populations by hand; weight 0 counts as 1).  FG_NOMEM. */
fg_rc fg_screen_facts_add(struct fg_screen_facts *facts,
			  const struct fg_screen_fact *fact, struct fg_error *err);

/* Grouping dimensions of indicators, ORed. */
enum {
	FG_BY_PROGRAMME = 1, FG_BY_INSTITUTION = 2, FG_BY_YEAR = 4,
	FG_BY_SEX = 8, FG_BY_AGE = 16
};

struct fg_screen_indicators {
	/* the group: -1 / 0 / '\0' for a dimension not grouped on */
	int programme;
	int64_t institution_id;
	int year;
	char sex;
	int age_group;			/* fg_age_group() index */
	/* counts */
	int64_t eligible, invited, assessed, high_risk, offered, booked, screened, positive,
		recalled, referred, referred_diagnosed, cancers, precursors, detected, early,
		positive_cancers, negative_screens, interval_cancers;
	/* rates; NAN when the denominator is 0 */
	double questionnaire_rate;	/* assessed / invited */
	double high_risk_rate;		/* high_risk / assessed */
	double uptake;			/* screened / offered */
	double diagnostic_compliance;	/* referred with a diagnostic outcome / referred */
	double positivity;		/* positive / screened */
	double recall_rate;		/* recalled / screened */
	double detection_per_1000;	/* cancers / screened x 1000 */
	double ppv;			/* cancers among positives / positives */
	double early_rate;		/* early / detected */
	double interval_per_1000;	/* interval cancers / negative screens x 1000 */
	double days_median, days_p90;	/* positive -> diagnosis, R type 7 quantiles */
};

/*
 * Compute indicators over facts grouped by the FG_BY_* bits in `by`,
 * ordered by the group.  Rows live in arena.  "offered" is the high-risk,
 * or everyone invited where the programme offers exams to all; "detected"
 * counts cancers, plus precursors where the programme's early definition
 * includes them.
 */
fg_rc fg_screen_indicators_compute(const struct fg_screen_facts *facts, unsigned by,
				   struct fg_arena *arena,
				   struct fg_screen_indicators **rows, size_t *count,
				   struct fg_error *err);

/* ---- a person's screening history ---- */

/* One episode, questionnaire or exam of a person, for the timeline. */
struct fg_screen_event {
	char kind[16];			/* episode, questionnaire, exam */
	int64_t id, episode_id, institution_id;
	char programme[32];		/* programme code */
	fg_date on;			/* started, answered or examined */
	fg_date closed;			/* episode: closed on, else FG_DATE_NONE */
	char state[24];			/* episode: state, then end code after a space */
	char exam_type[32];		/* exam */
	char category[FG_SCREEN_CATEGORY_MAX];	/* exam: the classified category */
	int flag;			/* exam: positive; questionnaire: high risk; -1 unknown */
};

struct fg_screen_events {
	struct fg_screen_event *items;	/* in the arena */
	size_t count;
};

/*
 * The screening episodes of a person with their questionnaires and exams,
 * at most max, in date order.  The list is in the caller's arena; FG_NOMEM
 * or a store error otherwise.
 */
fg_rc fg_screen_history(fg_store *store, int64_t person_id, size_t max, struct fg_arena *arena,
			struct fg_screen_events *out, struct fg_error *err);

#endif
