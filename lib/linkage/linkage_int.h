/*
 * linkage_int.h
 *	  Shared internals of record linkage: the prepared data set and the
 *	  comparison of one field of two records.
 */
#ifndef FANGAI_LINKAGE_INT_H
#define FANGAI_LINKAGE_INT_H

#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/linkage.h"

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

/* splitmix64 (Steele, Lea and Flood): advance *x and return the next number. */
uint64_t link_mix(uint64_t *x);

/* The code points of s in ascending order, at most max; returns how many. */
size_t link_sorted_chars(const char *s, int32_t *out, size_t max);

/* The value of field f of record i under a blocking transform, NULL if none. */
const char *link_block_value(const fg_link_data *d, size_t i, int f,
			     enum fg_link_transform t);

#endif
