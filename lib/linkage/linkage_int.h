/*
 * linkage_int.h
 *	  Shared internals of record linkage: the prepared data set and the
 *	  comparison of one field of two records.
 */
#ifndef FANGAI_LINKAGE_INT_H
#define FANGAI_LINKAGE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/linkage.h"

/* A name prepared before, found again by its normalised text (data.c). */
struct name_memo {
	uint64_t h;			/* hash of the name; 0: a free slot */
	uint32_t record;		/* whose name, key and pinyin are shared */
	bool made;			/* its key was made here, not given */
};

struct fg_link_data {
	const struct fg_link_spec *spec;
	int side;
	size_t n, cap;
	const char **keys;
	/* Per field: the prepared value (NULL when missing), and for names the
	 * simplified key and the pinyin; for ID numbers whether it is valid. */
	const char **val[FG_LINK_MAX_FIELDS];
	const char **key[FG_LINK_MAX_FIELDS];
	const char **pinyin[FG_LINK_MAX_FIELDS];
	uint8_t *valid[FG_LINK_MAX_FIELDS];
	/* Per name field, the names prepared so far (open addressing), so that a
	 * name met again shares its key and pinyin instead of making them. */
	struct name_memo *memo[FG_LINK_MAX_FIELDS];
	size_t nmemo[FG_LINK_MAX_FIELDS], capmemo[FG_LINK_MAX_FIELDS];
	struct fg_arena arena;
};

/*
 * fg_link_data_add for a record whose name is given with its simplified key
 * (fg_name_key of it, as the person registry stores it), which is then not
 * made again; name_key NULL or "" makes it.
 */
fg_rc link_data_add_keyed(fg_link_data *d, const char *key, const char *const *values,
			  const char *name_key, struct fg_error *err);

/* Agreement level of field f between record i of a and record j of b. */
int link_compare(const struct fg_link_spec *spec, int f, const fg_link_data *a,
		 size_t i, const fg_link_data *b, size_t j);

/* FNV-1a (Fowler, Noll, Vo): h, from LINK_FNV_BASIS, advanced over n bytes of s. */
#define LINK_FNV_BASIS 0xCBF29CE484222325ULL
uint64_t link_fnv(uint64_t h, const char *s, size_t n);

/* splitmix64 (Steele, Lea and Flood): advance *x and return the next number. */
uint64_t link_mix(uint64_t *x);

/* The code points of s in ascending order, at most max; returns how many. */
size_t link_sorted_chars(const char *s, int32_t *out, size_t max);

/* The value of field f of record i under a blocking transform, NULL if none. */
const char *link_block_value(const fg_link_data *d, size_t i, int f,
			     enum fg_link_transform t);

#endif
