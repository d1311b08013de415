/*
 * fangai/person.h
 *	  The master person index: one record per resident across every
 *	  institution, matched deterministically on the resident ID number.
 *
 * Structs are plain values with fixed-size text; lists live in the arena
 * the caller passes.
 */
#ifndef FANGAI_PERSON_H
#define FANGAI_PERSON_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/date.h"
#include "fangai/error.h"
#include "fangai/finding.h"
#include "fangai/name.h"
#include "fangai/store.h"

struct fg_institution;

/* WS 364 CV02.01.101 identity document type of the resident identity card. */
#define FG_ID_TYPE_RESIDENT "01"

struct fg_person {
	int64_t id;
	char district[7];
	int64_t institution_id;
	char id_type[4];
	char id_number[33];		/* "" when unknown */
	char name[FG_NAME_MAX];
	char name_key[FG_NAME_MAX];
	char sex;			/* GB/T 2261.1: '1', '2', '0', '9' */
	fg_date birth_date;
	char phone[24];
	char address[256];
	char vital_status[8];		/* alive, dead, unknown */
	fg_date death_date;		/* FG_DATE_NONE unless dead */
	int64_t version;
};

/* A person as entered: every field is text, NULL or "" when not given. */
struct fg_person_input {
	const char *institution;	/* id or USCC of the registering institution */
	const char *id_type;		/* WS 364 code; default "01" */
	const char *id_number;
	const char *name;
	const char *sex;		/* 1/2/0/9, M/F, male/female, 男/女 */
	const char *birth_date;		/* YYYY-MM-DD; taken from the ID number if absent */
	const char *phone;
	const char *address;
	const char *district;		/* residence; default: the institution's */
};

/*
 * Validate an input into *out without storing anything.  Checks the ID
 * number (and that sex and birth date agree with it), the name, sex, birth
 * date (a real day, not in the future, age at most 130), phone and
 * district, and that the institution exists.  FG_INVALID naming the field.
 */
fg_rc fg_person_validate(fg_store *store, const struct fg_person_input *in,
			 struct fg_person *out, struct fg_error *err);

/*
 * fg_person_validate() with the registering institution already found
 * (inst, the one in->institution names): nothing is read from a database.
 * For bulk writers that check many rows of one institution.
 */
fg_rc fg_person_check(const struct fg_person_input *in, const struct fg_institution *inst,
		      struct fg_person *out, struct fg_error *err);

/*
 * Person id, or the person it was merged into (following each merge), into
 * *out.  FG_NOTFOUND if there is no person id.
 */
fg_rc fg_person_survivor(fg_store *store, int64_t id, struct fg_person *out,
			 struct fg_error *err);

/*
 * Register a person.  If the ID number is already registered, nothing is
 * stored: *out receives the existing person (the one its record was merged
 * into, if it was), *matched is set, and every field that differs from the
 * stored one is added to conflicts (which may be NULL) as a warning.  Otherwise the person is inserted, *out receives
 * the stored row and *matched is false.  Validation failures return
 * FG_INVALID and store nothing.
 */
fg_rc fg_person_add(fg_store *store, const struct fg_person_input *in,
		    struct fg_person *out, bool *matched,
		    struct fg_findings *conflicts, struct fg_error *err);

/*
 * Replace the fields of person id with those of in (the registering
 * institution stays; in->institution may be NULL), provided the stored
 * version is still `version`.  On success *out holds the stored row with
 * its version increased.  FG_INVALID naming the field; FG_NOTFOUND;
 * FG_CONFLICT (field "version") if the person was changed meanwhile, or
 * (field "id_number") if another person has the ID number.
 */
fg_rc fg_person_update(fg_store *store, int64_t id, int64_t version,
		       const struct fg_person_input *in, struct fg_person *out,
		       struct fg_error *err);

/*
 * Replace the stored fields of person `id` (the registering institution
 * included) with those of p, a person checked by fg_person_validate(),
 * whatever its version; the version is incremented.  For imports that
 * update a source record.  FG_NOTFOUND if absent; FG_CONFLICT if another
 * person holds p's ID number.
 */
fg_rc fg_person_replace(fg_store *store, int64_t id, const struct fg_person *p,
			struct fg_error *err);

/* Read person `id` into *out; FG_NOTFOUND if absent. */
fg_rc fg_person_get(fg_store *store, int64_t id, struct fg_person *out,
		    struct fg_error *err);

/*
 * Look up by resident ID number (normalised first); FG_NOTFOUND if none.
 * An invalid number gives FG_INVALID.
 */
fg_rc fg_person_get_by_id_number(fg_store *store, const char *id_number,
				 struct fg_person *out, struct fg_error *err);

/*
 * Look up by a reference as entered: a resident ID number (15 characters
 * or more) or a record id.  FG_NOTFOUND if none; FG_INVALID naming
 * "person" for an empty or malformed reference.
 */
fg_rc fg_person_get_by_ref(fg_store *store, const char *ref, struct fg_person *out,
			   struct fg_error *err);

enum fg_person_match { FG_MATCH_AUTO, FG_MATCH_ID_NUMBER, FG_MATCH_NAME, FG_MATCH_PHONE };

/* Orders of fg_person_find: by id (the default), matching key of the name, birth date, last change. */
enum fg_person_sort {
	FG_PERSON_SORT_ID,
	FG_PERSON_SORT_NAME,
	FG_PERSON_SORT_BIRTH_DATE,
	FG_PERSON_SORT_UPDATED,
};

struct fg_person_query {
	enum fg_person_match by;	/* AUTO: ID number, phone or name from the text's shape */
	const char *text;		/* for find; NULL lists */
	int64_t institution_id;		/* 0: any */
	const char *district;		/* NULL: any */
	int64_t visible_to;		/* 0: any; else only persons this institution may see */
	const char *birth_date;		/* YYYY-MM-DD; NULL: any */
	const char *birth_from, *birth_to;	/* born in [from, to], YYYY-MM-DD; NULL: open */
	char sex;			/* GB/T 2261.1 code; '\0': any */
	int64_t limit;			/* page size, 1..1000 */
	int64_t offset;
	enum fg_person_sort sort;	/* id breaks ties */
	bool descending;
	const char *updated_since;	/* changed at or after (UTC ISO 8601); NULL: any */
};

struct fg_person_list {
	struct fg_person *items;	/* in the arena */
	size_t count;
	int64_t total;			/* matches over all pages */
};

/*
 * Search or list persons not merged into another (those are read by
 * id; a search by the ID number of one finds the person it was merged
 * into).  Name searches compare matching keys, so a traditional spelling
 * finds the simplified one; a name is matched as a prefix.  Results are ordered by q->sort (id by default) and paged by
 * limit and offset.
 */
fg_rc fg_person_find(fg_store *store, const struct fg_person_query *q,
		     struct fg_arena *arena, struct fg_person_list *out,
		     struct fg_error *err);

/*
 * Whether institution_id may see person id: it registered the person, or
 * has an open screening episode, an open referral it made, an open
 * consultation it asked for, or an active follow-up plan for them, or
 * the network grants it access (an accepted referral to it, a consultation
 * it takes part in; the view access_grant) until the grant ends.
 */
fg_rc fg_person_visible(fg_store *store, int64_t id, int64_t institution_id,
			bool *visible, struct fg_error *err);

/* Parse a sex given as 1/2/0/9, M/F, male/female or 男/女 into the GB/T 2261.1 code. */
fg_rc fg_sex_parse(const char *text, char *out, struct fg_error *err);

/*
 * Normalise a Chinese phone number: mobile (11 digits from 13-19) or a
 * landline starting with 0; separators and a +86 prefix are dropped.
 */
fg_rc fg_phone_normalise(const char *text, char *out, size_t outsz,
			 struct fg_error *err);

/* --- Prior versions (FHIR history) --- */

/*
 * Keep the current row of person id as a prior version before a change
 * that increments its version; call it in the change's transaction, just
 * before the UPDATE.  Keeping the same version twice is a no-op, so a
 * change that then fails leaves nothing wrong behind.
 */
fg_rc fg_person_keep_version(fg_store *store, int64_t id, struct fg_error *err);

/* One version of a person and when it was written (UTC, ISO 8601). */
struct fg_person_version {
	struct fg_person person;	/* person.version is the version */
	char updated_at[32];
};

struct fg_person_history_query {
	int64_t person_id;		/* 0: every person */
	int64_t version;		/* 0: every version */
	const char *since;		/* versions written at or after; NULL: all */
	int64_t visible_to;		/* 0: any; else persons this institution may see now */
	int64_t limit;			/* 1..1000 */
	int64_t offset;
};

struct fg_person_history {
	struct fg_person_version *items;	/* in the arena */
	size_t count;
	int64_t total;
};

/*
 * The versions of q, current and prior, newest first (by time written,
 * then person and version).  FG_INVALID for a page out of range.
 */
fg_rc fg_person_history(fg_store *store, const struct fg_person_history_query *q,
			struct fg_arena *arena, struct fg_person_history *out,
			struct fg_error *err);

/* Read one version of person id, current or prior; FG_NOTFOUND naming "version" if none. */
fg_rc fg_person_get_version(fg_store *store, int64_t id, int64_t version,
			    struct fg_person_version *out, struct fg_error *err);

#endif
