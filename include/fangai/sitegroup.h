/*
 * fangai/sitegroup.h
 *	  Registry site groups: the ICD-10 groupings under which registry
 *	  reports publish incidence (data/registry/site-groups.csv: the 25
 *	  sites and "other" of Chinese registry reports, and the totals).
 *
 * A table is a plain value with fixed-size members; it owns nothing.
 */
#ifndef FANGAI_SITEGROUP_H
#define FANGAI_SITEGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/error.h"

#define FG_SITE_GROUPS_MAX 64
#define FG_ICD10_SLOTS 200		/* three-character codes C00-C99 and D00-D99 */

struct fg_site_group {
	char code[16];			/* "01" ... "26", "ALL", "ALLbC44" */
	char label_en[96];
	char label_zh[96];
	bool total;			/* overlaps the others (code starting with ALL) */
};

struct fg_site_groups {
	struct fg_site_group groups[FG_SITE_GROUPS_MAX];
	size_t count;
	uint64_t members[FG_ICD10_SLOTS];	/* bit i: the code belongs to group i */
	signed char detail[FG_ICD10_SLOTS];	/* the one group that is not a total, or -1 */
};

/*
 * Load a site-group table (path NULL: data/registry/site-groups.csv under
 * fg_datadir()).  Columns code, label_en, label_zh and icd10 (codes and
 * ranges such as "C00-C10 C12-C14").  FG_INVALID naming the line for a
 * malformed range or a code that falls in two groups that are not totals.
 */
fg_rc fg_site_groups_load(const char *path, struct fg_site_groups *out,
			  struct fg_error *err);

/*
 * The slot (0..199) of an ICD-10 code given as "C16", "C16.2", "C162",
 * "c16.2" or with local extension digits ("C34.900x001"), or -1 if text is
 * not of that form.
 */
int fg_icd10_slot(const char *text);

/*
 * Classify an ICD-10 code: *group receives the index of the one group that
 * is not a total, *mask every group it belongs to.  FG_INVALID (field
 * `field`) for a malformed code, or one outside every group (outside the
 * registry's scope).
 */
fg_rc fg_site_group_classify(const struct fg_site_groups *table, const char *icd10,
			     const char *field, int *group, uint64_t *mask,
			     struct fg_error *err);

/* English label of the group with code, or "" if there is none.  Owned by the table. */
const char *fg_site_group_label(const struct fg_site_groups *table, const char *code);

#endif
