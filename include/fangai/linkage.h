/*
 * fangai/linkage.h
 *	  Record linkage: find the records of one person inside one list
 *	  (deduplication) or across two (matching).
 *
 * Pairs of records that agree on a valid resident ID number are linked
 * deterministically.  Every other candidate pair is scored the
 * Fellegi-Sunter way: each field is compared into an agreement level, and
 * the probabilities m (level among true matches) and u (level among
 * non-matches) are estimated by EM over all candidate pairs.  Candidate
 * pairs come from blocking rules: two records are compared only if they
 * share the key of at least one rule.
 *
 * Memory: a data set owns its records; pairs passed to callbacks are valid
 * during the call only.  Nothing here prints or touches a database.
 */
#ifndef FANGAI_LINKAGE_H
#define FANGAI_LINKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/person.h"
#include "fangai/store.h"

#define FG_LINK_MAX_FIELDS 12
#define FG_LINK_MAX_LEVELS 5	/* agreement levels of the richest comparator */
#define FG_LINK_MAX_BLOCKS 8
#define FG_LINK_MAX_BLOCK_PARTS 4
#define FG_LINK_MISSING 255	/* level of a field missing on either side */
#define FG_LINK_NAME_MAX 64

/* How a field's two values are compared, and the levels each comparator gives. */
enum fg_link_cmp {
	FG_LINK_EXACT,		/* 0 differ, 1 equal (after trimming and case folding) */
	FG_LINK_JW,		/* 0 < 0.80, 1 >= 0.80, 2 >= 0.92 Jaro-Winkler, 3 equal */
	FG_LINK_DATE,		/* 0 differ, 1 day and month swapped, one digit wrong or two
				   adjacent digits transposed, 2 equal */
	FG_LINK_NAME,		/* 0 differ, 1 characters reordered or one of 3+ wrong,
				   2 same pinyin, 3 same simplified form, 4 identical */
	FG_LINK_DIGITS,		/* 0 differ, 1 one digit wrong or two transposed, 2 equal */
	FG_LINK_ID,		/* as DIGITS; equal valid resident ID numbers link outright */
};

/* Transforms of a field's value for blocking keys. */
enum fg_link_transform {
	FG_LINK_T_VALUE,	/* the compared value itself */
	FG_LINK_T_KEY,		/* a name's simplified key */
	FG_LINK_T_PINYIN,	/* a name's toneless pinyin */
	FG_LINK_T_YEAR,		/* a date's year */
	FG_LINK_T_SORTED,	/* a name's simplified characters in code point order */
};

struct fg_link_field {
	char name[FG_LINK_NAME_MAX];
	enum fg_link_cmp cmp;
	char column[2][FG_LINK_NAME_MAX];	/* CSV column in list A and list B */
};

struct fg_link_block {
	int nparts;
	int field[FG_LINK_MAX_BLOCK_PARTS];	/* index into fields */
	enum fg_link_transform transform[FG_LINK_MAX_BLOCK_PARTS];
};

struct fg_link_spec {
	struct fg_link_field fields[FG_LINK_MAX_FIELDS];
	int nfields;
	struct fg_link_block blocks[FG_LINK_MAX_BLOCKS];
	int nblocks;
	char key_column[FG_LINK_NAME_MAX];	/* record identifier column; "" numbers rows */
	double upper;		/* posterior probability of a match, from which pairs link */
	double lower;		/* from which pairs go to clerical review */
	int max_block;		/* blocks of more records are skipped (and counted) */
	int max_iterations;	/* of EM */
};

/*
 * The person linkage: fields id_number (id), name (name), sex (exact),
 * birth_date (date), phone (digits) and address (jw); blocking on
 * id_number, birth_date+sex, name:pinyin+birth_date:year,
 * name:sorted+birth_date:year, phone and address+sex; key column "key";
 * upper 0.9, lower 0.3, max_block 1000.
 */
void fg_link_spec_default(struct fg_link_spec *spec);

/* Start a spec with no fields and no blocking rules, the defaults otherwise. */
void fg_link_spec_empty(struct fg_link_spec *spec);

/*
 * Add (or redefine) a field from "NAME:COMPARATOR[:COLUMN-A[:COLUMN-B]]";
 * columns default to NAME.  Comparators: exact, jw, date, name, digits, id.
 * FG_INVALID naming the text otherwise.
 */
fg_rc fg_link_spec_field(struct fg_link_spec *spec, const char *text,
			 struct fg_error *err);

/*
 * Add a blocking rule from "FIELD[:TRANSFORM]+FIELD[:TRANSFORM]...";
 * transforms: value (default), key, pinyin, year, sorted.  The fields must be
 * defined first.  FG_INVALID naming the text otherwise.
 */
fg_rc fg_link_spec_block(struct fg_link_spec *spec, const char *text,
			 struct fg_error *err);

/*
 * Read a configuration file: lines "field SPEC", "block RULE", "key COLUMN",
 * "threshold UPPER LOWER", "max-block N", "reset" (drop every field and
 * rule); # starts a comment.  Directives apply on top of *spec.  FG_IO if
 * the file cannot be read, FG_INVALID naming the line otherwise.
 */
fg_rc fg_link_spec_load(struct fg_link_spec *spec, const char *path,
			struct fg_error *err);

/* Index of the field `name`, or -1. */
int fg_link_spec_find(const struct fg_link_spec *spec, const char *name);

/* Name of a comparator ("exact", "jw"...).  Static string. */
const char *fg_link_cmp_name(enum fg_link_cmp cmp);

/* Number of agreement levels of a comparator (missing excluded). */
int fg_link_cmp_levels(enum fg_link_cmp cmp);

/* Name of level `level` of a comparator ("equal", "pinyin"...; "missing").  Static. */
const char *fg_link_level_name(enum fg_link_cmp cmp, int level);

/* ---- comparators, usable on their own ---- */

/* Jaro-Winkler similarity of two UTF-8 strings, on code points, in [0, 1]. */
double fg_jaro_winkler(const char *a, const char *b);

/*
 * Toneless pinyin of a UTF-8 text into out (outsz bytes, always
 * terminated): Han characters give their most common Mandarin reading
 * (data/linkage/pinyin.csv, from Unihan), other characters are kept,
 * lower-cased.  FG_IO or FG_INVALID if the table cannot be loaded (once per
 * process); thread-safe.
 */
fg_rc fg_pinyin(const char *text, char *out, size_t outsz, struct fg_error *err);

/* ---- data sets ---- */

typedef struct fg_link_data fg_link_data;

/*
 * An empty data set for `spec` (which must outlive it), for list A (side
 * 0) or list B (side 1).  Free it with fg_link_data_free().
 */
fg_rc fg_link_data_new(const struct fg_link_spec *spec, int side,
		       fg_link_data **out, struct fg_error *err);

/*
 * Add a record: its key and one value per field of the spec (NULL or ""
 * for missing).  Values are prepared for comparison (names keyed and
 * converted to pinyin, dates and digits normalised) and copied.
 */
fg_rc fg_link_data_add(fg_link_data *data, const char *key,
		       const char *const *values, struct fg_error *err);

/*
 * Add every row of a CSV file with a header, reading the spec's columns
 * for this data set's side.  The file is UTF-8 or GB18030/GBK, named by
 * encoding or detected (NULL).  A missing column is FG_INVALID naming it;
 * malformed CSV is FG_INVALID naming the line; bytes that do not decode
 * are FG_IO naming their offset.
 */
fg_rc fg_link_data_load_csv(fg_link_data *data, const char *path, const char *encoding,
			    struct fg_error *err);

/* Number of records. */
size_t fg_link_data_count(const fg_link_data *data);

/* Key of record i (its row number when the spec names no key column). */
const char *fg_link_data_key(const fg_link_data *data, size_t i);

/* Prepared value of field f of record i, "" when missing. */
const char *fg_link_data_value(const fg_link_data *data, size_t i, int f);

/* Free a data set.  Accepts NULL. */
void fg_link_data_free(fg_link_data *data);

/* ---- linkage ---- */

enum fg_link_decision { FG_LINK_NONMATCH, FG_LINK_POSSIBLE, FG_LINK_MATCH };

/*
 * The estimated model: p, the prior probability that two records drawn at
 * random are the same person; m and u per field and level.  u comes from
 * random pairs, m from EM over each blocking rule's pairs with the rule's
 * own fields left out, p from the expected matches among all pairs.
 */
struct fg_link_model {
	double p;
	double m[FG_LINK_MAX_FIELDS][FG_LINK_MAX_LEVELS];
	double u[FG_LINK_MAX_FIELDS][FG_LINK_MAX_LEVELS];
	int iterations;
	bool converged;
	int64_t pairs;			/* candidate pairs compared */
	int64_t u_samples;		/* random pairs compared for u */
	int64_t skipped_blocks;		/* blocks over max_block, not compared */
	int64_t skipped_records;	/* records in them */
};

struct fg_link_pair {
	size_t a, b;			/* record indexes in list A and list B (or A) */
	uint8_t levels[FG_LINK_MAX_FIELDS];	/* per field; FG_LINK_MISSING */
	double weight;			/* log2 likelihood ratio */
	double probability;		/* posterior probability of a match */
	bool deterministic;		/* equal valid resident ID numbers */
	enum fg_link_decision decision;
};

/* Called for each pair passing the threshold; a non-FG_OK return stops the run. */
typedef fg_rc (*fg_link_pair_fn)(const struct fg_link_pair *pair, void *userdata,
				 struct fg_error *err);

/*
 * Compare the pairs of candidates of a (with itself when b is NULL, each
 * unordered pair once, a < b) or of a and b, estimate the model by EM
 * (into *model, which may be NULL), then call fn for every pair that is
 * linked deterministically or whose probability is at least min_probability,
 * in no particular order.  threads (1 or more) share the comparisons.
 */
fg_rc fg_link_run(const struct fg_link_spec *spec, const fg_link_data *a,
		  const fg_link_data *b, double min_probability, int threads,
		  fg_link_pair_fn fn, void *userdata, struct fg_link_model *model,
		  struct fg_error *err);

/*
 * Compare record i of a with record j of b (which may be a) and score the
 * pair with model into *pair.
 */
void fg_link_score(const struct fg_link_spec *spec, const struct fg_link_model *model,
		   const fg_link_data *a, size_t i, const fg_link_data *b, size_t j,
		   struct fg_link_pair *pair);

/* ---- the person registry ---- */

/*
 * Add every person of the registry not merged into another to data, whose
 * spec must have the default fields in their order (id_number, name, sex,
 * birth_date, phone, address); keys are person ids, in id order.
 */
fg_rc fg_link_registry_load(fg_store *store, fg_link_data *data, struct fg_error *err);

#define FG_LINK_MODEL_MIN_MATCHES 20

struct fg_link_scan_report {
	int64_t persons;		/* compared */
	int64_t merged;			/* links merged at once (merge requested) */
	int64_t queued;			/* pairs put in the review queue */
	struct fg_link_model model;
	bool model_kept;		/* as the registry's model (enough matches to estimate it) */
};

/*
 * Look for duplicate persons in the registry with spec (default fields).
 * Linked pairs are merged when `merge` is set (the lower id survives),
 * otherwise queued for review like the uncertain ones; a pair already in
 * the queue is not queued twice.  The model estimated is kept as the
 * registry's (fg_link_model_save) when EM converged on at least
 * FG_LINK_MODEL_MIN_MATCHES expected matches: a registry cleared of its
 * duplicates no longer tells what a match looks like, and the model kept
 * before stays.
 */
fg_rc fg_link_registry_scan(fg_store *store, const struct fg_link_spec *spec, bool merge,
			    const char *by, int threads, struct fg_link_scan_report *report,
			    struct fg_error *err);

/*
 * Merge person `merged` into `survivor`, in one transaction: every row of
 * a person-level table (tumours, episodes, follow-ups, death records...) and
 * every imported source record is re-pointed to the survivor, the merged
 * person's merged_into set, and the merge recorded in person_merge with the
 * ids moved, the method, probability (negative: none), who and when; open
 * reviews of the pair are closed.  *merge_id receives the merge.
 * FG_NOTFOUND for a missing person, FG_CONFLICT for one merged already.
 */
fg_rc fg_link_merge(fg_store *store, int64_t survivor, int64_t merged, const char *method,
		    double probability, const char *by, int64_t *merge_id, struct fg_error *err);

/*
 * Undo the latest merge of person `merged`: the rows it moved go back, the
 * person is active again, the merge is marked undone by `by`.  FG_NOTFOUND
 * if the person is not merged.
 */
fg_rc fg_link_unmerge(fg_store *store, int64_t merged, const char *by, int64_t *merge_id,
		      struct fg_error *err);

/*
 * Decide review `review`: the same person (merge the higher id into the
 * lower, *merge_id set) or two different persons (closed as distinct,
 * *merge_id 0).  FG_NOTFOUND if no such open review.
 */
fg_rc fg_link_review_decide(fg_store *store, int64_t review, bool same, const char *by,
			    int64_t *merge_id, struct fg_error *err);

struct fg_link_death_report {
	int64_t deaths;			/* death records not linked before */
	int64_t linked;			/* linked now */
	int64_t review;			/* pairs left for review */
	struct fg_link_model model;
};

/*
 * Link the death records that have no person to the persons of the
 * registry: both are compared with spec (default fields; death records give
 * ID number, name, sex and birth date), each death record linked to the
 * person of its most probable linked pair, in one transaction.  fn (may
 * be NULL) sees every linked or uncertain pair with the person id as key_a
 * and the death record id as key_b.
 */
typedef fg_rc (*fg_link_keyed_fn)(const char *key_a, const char *key_b,
				  const struct fg_link_pair *pair, void *userdata,
				  struct fg_error *err);

fg_rc fg_link_registry_deaths(fg_store *store, const struct fg_link_spec *spec, int threads,
			      fg_link_keyed_fn fn, void *userdata,
			      struct fg_link_death_report *report, struct fg_error *err);

struct fg_link_review {
	int64_t id, person_a, person_b;
	char name_a[FG_NAME_MAX], name_b[FG_NAME_MAX];
	double probability;
	char levels[256];
};

/*
 * The open reviews, most probable first, at most limit, allocated in
 * arena: *items and *n.
 */
fg_rc fg_link_review_list(fg_store *store, int64_t limit, struct fg_arena *arena,
			  struct fg_link_review **items, size_t *n, struct fg_error *err);

#define FG_LINK_REGISTER_MAX 20	/* possible duplicates a registration reports and queues */

struct fg_link_candidate {
	int64_t person_id;
	struct fg_link_pair pair;	/* a: the person checked, b: the candidate */
};

/*
 * The duplicate check of one person p (validated; p->id 0 if not stored):
 * the registered persons sharing its name key and year of birth, its birth
 * date and sex with the first or the last character of its name key, or its
 * phone, scored with model; those linked or for review go into out (at most
 * max), their number into *n.
 */
fg_rc fg_link_registry_check(fg_store *store, const struct fg_link_spec *spec,
			     const struct fg_link_model *model, const struct fg_person *p,
			     struct fg_link_candidate *out, size_t max, size_t *n,
			     struct fg_error *err);

/*
 * Keep model, estimated with spec, as the registry's model: the duplicate
 * check at registration (fg_link_register_check) scores with the latest
 * one kept for the same fields.  fg_link_registry_scan() keeps the model
 * it estimates.  The store's error on failure.
 */
fg_rc fg_link_model_save(fg_store *store, const struct fg_link_spec *spec,
			 const struct fg_link_model *model, struct fg_error *err);

/*
 * The latest model kept for spec's fields (name and comparator of each)
 * into *model; *found false (and *model zeroed) if none was kept.
 * FG_INVALID naming link_model if the one kept does not fit spec.
 */
fg_rc fg_link_model_load(fg_store *store, const struct fg_link_spec *spec,
			 struct fg_link_model *model, bool *found, struct fg_error *err);

/*
 * The duplicate check of person p, just registered (p->id set), inside
 * the caller's transaction: the candidates of fg_link_registry_check()
 * with the default spec and the registry's model go into out (at most
 * max, their number into *n), each queued for review against p (never
 * merged: a registrar decides).  *checked is false, and nothing is done,
 * while no model is kept (before the first fangai link scan).
 */
fg_rc fg_link_register_check(fg_store *store, const struct fg_person *p,
			     struct fg_link_candidate *out, size_t max, size_t *n, bool *checked,
			     struct fg_error *err);

/*
 * Register a person (fg_person_add(), whose arguments in, out, matched
 * and conflicts these are) and, when it is new, check it for duplicates
 * (fg_link_register_check(), into cands), in one transaction: on failure
 * nothing is stored.  The error of either.
 */
fg_rc fg_link_register(fg_store *store, const struct fg_person_input *in, struct fg_person *out,
		       bool *matched, struct fg_findings *conflicts, struct fg_link_candidate *cands,
		       size_t max, size_t *n, bool *checked, struct fg_error *err);

/*
 * The duplicate check of the persons an import added: each person the
 * persons batch `batch` created (not those it matched) is checked as at
 * registration (fg_link_register_check()), in transactions of a thousand
 * persons.  A pair of two persons of the batch is queued once, by the
 * later.  *checked counts the persons checked and *found the possible
 * duplicates found (a pair queued before is not queued again); both are
 * 0, and nothing is done, while no model is kept.  progress (may be NULL)
 * is called with userdata and *checked after each transaction.  The
 * store's error on failure: the transactions before it stay.
 */
fg_rc fg_link_check_import(fg_store *store, int64_t batch, int64_t *checked, int64_t *found,
			   void (*progress)(int64_t checked, void *userdata), void *userdata,
			   struct fg_error *err);

/* ---- synthetic duplicates with known truth ---- */

struct fg_link_synth_options {
	uint64_t seed;
	int64_t persons;
	double duplicates;		/* share of persons given a perturbed second record */
	fg_date as_of;
	const char *datadir;		/* NULL: fg_datadir() */
};

struct fg_link_synth_record {
	char key[32];			/* P<n> for a person, P<n>-dup for its duplicate */
	int64_t truth;			/* n: records of one person share it */
	char id_number[24];
	char name[128];
	char sex[2];
	char birth_date[16];
	char phone[16];
	char address[192];
	char perturbations[96];		/* "+"-separated; "" for an original */
};

typedef fg_rc (*fg_link_synth_fn)(const struct fg_link_synth_record *r,
				  void *userdata, struct fg_error *err);

/*
 * Draw the residents of the synthetic city (fg_synth_residents) and give
 * a share of them a duplicate with the errors of real registers: a missing
 * ID number or one wrong digit in it, then one or two of a typing error in
 * the name (often a homophone), two given-name characters swapped, the name
 * in traditional characters, day and month of birth swapped, one wrong
 * digit in the birth date, and a missing or mistyped phone.  The same
 * options give the same records.  Each record goes to fn, originals first
 * of each person.
 */
fg_rc fg_link_synth(const struct fg_link_synth_options *opts, fg_link_synth_fn fn,
		    void *userdata, struct fg_error *err);

#endif
