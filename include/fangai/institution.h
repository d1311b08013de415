/*
 * fangai/institution.h
 *	  Member institutions of the network: the cancer centre, hospitals and
 *	  community or township health centres.
 */
#ifndef FANGAI_INSTITUTION_H
#define FANGAI_INSTITUTION_H

#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/identity.h"
#include "fangai/store.h"

struct fg_institution {
	int64_t id;
	char uscc[FG_USCC_LEN + 1];	/* 统一社会信用代码 */
	char name[128];
	char name_en[128];
	char kind[16];			/* cancer_centre, hospital, community */
	int64_t parent_id;		/* 0 for none */
	char district[7];		/* GB/T 2260 */
};

/* What a caller supplies to register an institution; text as entered. */
struct fg_institution_input {
	const char *uscc;
	const char *name;
	const char *name_en;		/* may be NULL */
	const char *kind;
	const char *parent;		/* id or USCC of the parent; may be NULL */
	const char *district;		/* may be NULL: taken from the USCC */
};

/*
 * Validate and store a new institution; on success *out holds the stored
 * row.  FG_INVALID names the field at fault; FG_CONFLICT if the USCC is
 * registered already.  Nothing is stored on failure.
 */
fg_rc fg_institution_add(fg_store *store, const struct fg_institution_input *in,
			 struct fg_institution *out, struct fg_error *err);

/*
 * Look an institution up by reference: its numeric id or its USCC.
 * FG_NOTFOUND (field `field`) if there is none.
 */
fg_rc fg_institution_find(fg_store *store, const char *ref, const char *field,
			  struct fg_institution *out, struct fg_error *err);

/* Read institution `id`; FG_NOTFOUND if absent. */
fg_rc fg_institution_get(fg_store *store, int64_t id,
			 struct fg_institution *out, struct fg_error *err);

struct fg_institution_list {
	struct fg_institution *items;	/* in the arena */
	size_t count;
};

/* Every institution, ordered by id, allocated in arena. */
fg_rc fg_institution_list(fg_store *store, struct fg_arena *arena,
			  struct fg_institution_list *out, struct fg_error *err);

/* True if kind is one of the institution kinds. */
int fg_institution_kind_valid(const char *kind);

#endif
