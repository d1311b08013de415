/*
 * screening_int.h
 *	  Internals shared by the screening files: the rule-set structure, the
 *	  line-oriented rule-file reader and decimal numbers in milli-units.
 */
#ifndef FANGAI_SCREENING_INT_H
#define FANGAI_SCREENING_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "fangai/screening.h"

#define RS_NAME_MAX 32
#define RS_MAX_FIELDS 32
#define RS_MAX_VALUES 40
#define RS_VALUE_MAX 32
#define RS_MAX_CONDS 10
#define RS_MAX_OUTCOMES 40
#define RS_MAX_RULES 200
#define RS_MAX_TOKENS 24
#define RS_TEXT_MAX 1024
#define RS_SCALE 1000		/* numbers are held in thousandths */

enum rs_kind {
	RS_ENUM,	/* one of a list of values */
	RS_NUMBER,	/* a decimal in a range, with a fixed number of decimals */
	RS_DIFF,	/* derived: field a minus field b */
	RS_SUM		/* derived: sum of the points of matching point rules */
};

struct rs_field {
	char name[RS_NAME_MAX];
	enum rs_kind kind;
	char values[RS_MAX_VALUES][RS_VALUE_MAX];
	int nvalues;
	int64_t min, max;	/* RS_NUMBER, in thousandths */
	int decimals;
	int a, b;		/* RS_DIFF operands */
};

struct rs_cond {
	int field;		/* -1: the outcome so far (adjust rules) */
	uint64_t mask;		/* enumerated values or outcomes allowed */
	int64_t lo, hi;		/* inclusive, thousandths */
	bool absent;		/* matches when the field has no value */
};

enum rs_rule_kind { RS_RULE, RS_ADJUST, RS_REQUIRE, RS_REFUSE, RS_POINTS, RS_MODIFIER };

struct rs_rule {
	enum rs_rule_kind kind;
	int outcome;		/* RS_RULE, RS_ADJUST */
	int target;		/* RS_REQUIRE: required field; RS_REFUSE: field at fault; RS_POINTS: sum field */
	int64_t points;		/* RS_POINTS, thousandths */
	char suffix[FG_SCREEN_MODIFIER_MAX];	/* RS_MODIFIER: appended to the category */
	int ncond;
	struct rs_cond cond[RS_MAX_CONDS];
	int line;
	const char *text;	/* the condition text, for messages */
};

struct rs_outcome {
	char id[FG_SCREEN_CATEGORY_MAX];
	char category[FG_SCREEN_CATEGORY_MAX];
	char management[FG_SCREEN_MANAGEMENT_MAX];
	int recall_months;
	bool positive, referral, routine;
};

struct fg_ruleset {
	char name[64];
	char title[160];
	char source[RS_TEXT_MAX];
	char path[512];
	struct rs_field fields[RS_MAX_FIELDS];
	int nfields;
	int ninputs;		/* fields that are not derived */
	struct rs_outcome outcomes[RS_MAX_OUTCOMES];
	int noutcomes;
	struct rs_rule rules[RS_MAX_RULES];
	int nrules;
	int default_outcome;	/* -1: no rule matching is an error */
};

/* One line of a rule file split into words. */
struct rs_line {
	char buf[RS_TEXT_MAX];
	char *tok[RS_MAX_TOKENS];
	int ntok;
	const char *rest;	/* text after the first word, trimmed */
	int number;
};

/*
 * A handler for directives a rule file may hold beyond the rule-set ones
 * (the programme file's).  Returns FG_NOTFOUND for a word it does not know.
 */
typedef fg_rc (*rs_directive_fn)(void *ctx, struct fg_ruleset *rs,
				 const struct rs_line *line, struct fg_error *err);

/*
 * Read the rule file at path into rs (zeroed by the caller), passing
 * unknown directives to fn (may be NULL).  The whole text is copied into
 * arena and returned in *text when text is not NULL.
 */
fg_rc rs_load_file(const char *path, struct fg_ruleset *rs, rs_directive_fn fn,
		   void *ctx, struct fg_arena *arena, const char **text,
		   struct fg_error *err);

/*
 * Fill err for a malformed line of the rule file being read: FG_INVALID,
 * the message naming file and line.  Returns FG_INVALID.
 */
fg_rc rs_line_error(struct fg_error *err, const struct fg_ruleset *rs,
		    const struct rs_line *line, const char *fmt, ...)
	FG_PRINTF(4, 5);


/*
 * Parse a decimal with at most `decimals` digits after the point into
 * thousandths.  False on anything else; *ndec receives the digits given.
 */
bool rs_parse_decimal(const char *text, int64_t *out, int *ndec);

/* Format thousandths with `decimals` digits into buf; returns buf. */
char *rs_format_decimal(int64_t v, int decimals, char *buf, size_t bufsz);


#endif
