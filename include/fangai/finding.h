/*
 * fangai/finding.h
 *	  Validation findings: data about a record, not failures of a call.
 *
 * A check that finds problems still returns FG_OK; what it found is a list
 * of findings (code, level, field, message).  The list and its texts live
 * in the arena given to fg_findings_init().
 */
#ifndef FANGAI_FINDING_H
#define FANGAI_FINDING_H

#include <stddef.h>

#include "fangai/arena.h"
#include "fangai/error.h"

enum fg_finding_level { FG_FINDING_INFO, FG_FINDING_WARNING, FG_FINDING_ERROR };

struct fg_finding {
	const char *code;		/* stable identifier of the rule, e.g. "conflict.name" */
	enum fg_finding_level level;
	const char *field;
	const char *message;		/* lower-case, names the values */
};

struct fg_findings {
	struct fg_finding *items;
	size_t count;
	size_t cap;
	struct fg_arena *arena;
};

/* Start an empty list allocating from arena. */
void fg_findings_init(struct fg_findings *list, struct fg_arena *arena);

/* Append a finding; the strings code and field must outlive the list. FG_NOMEM on failure. */
fg_rc fg_findings_add(struct fg_findings *list, enum fg_finding_level level,
		      const char *code, const char *field, const char *fmt, ...)
	FG_PRINTF(5, 6);

/* "info", "warning" or "error". */
const char *fg_finding_level_name(enum fg_finding_level level);

#endif
