/*
 * fangai/error.h
 *	  Return codes and structured errors shared by every libfangai call.
 *
 * Every fallible function returns an fg_rc and, when given a non-NULL
 * struct fg_error, fills it the way PostgreSQL's ereport does: a short
 * lower-case primary message naming the object and the value, an optional
 * detail and hint written as full sentences, and the field at fault.
 * The struct holds fixed-size buffers: it never allocates, so it can
 * report running out of memory.
 */
#ifndef FANGAI_ERROR_H
#define FANGAI_ERROR_H

#include <stdarg.h>

typedef enum fg_rc {
	FG_OK = 0,
	FG_INVALID,	/* the data was refused by validation */
	FG_NOTFOUND,	/* the object named does not exist */
	FG_CONFLICT,	/* the change collides with stored data */
	FG_NOMEM,	/* an allocation failed */
	FG_STORE,	/* the storage backend failed */
	FG_IO,		/* a file could not be read or written */
	FG_MISUSE,	/* the API was called wrongly */
	FG_INTERNAL	/* a broken invariant */
} fg_rc;

#define FG_ERROR_MESSAGE_MAX 256
#define FG_ERROR_DETAIL_MAX 512
#define FG_ERROR_HINT_MAX 256
#define FG_ERROR_FIELD_MAX 64

struct fg_error {
	fg_rc code;
	char message[FG_ERROR_MESSAGE_MAX];
	char detail[FG_ERROR_DETAIL_MAX];
	char hint[FG_ERROR_HINT_MAX];
	char field[FG_ERROR_FIELD_MAX];
};

#if defined(__GNUC__)
#define FG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FG_PRINTF(a, b)
#endif

/*
 * Clear err (no-op for NULL) so that it reports FG_OK and empty texts.
 */
void fg_error_clear(struct fg_error *err);

/*
 * Record an error: code, the field at fault (NULL or "" for none) and the
 * primary message.  Clears any earlier detail and hint.  Returns code, so
 * that callers can write `return fg_error_set(err, FG_INVALID, ...)`.
 * err may be NULL; the code is still returned.  Texts longer than their
 * buffer are truncated.
 */
fg_rc fg_error_set(struct fg_error *err, fg_rc code, const char *field,
		   const char *fmt, ...) FG_PRINTF(4, 5);

/* As fg_error_set, with a va_list. */
fg_rc fg_error_setv(struct fg_error *err, fg_rc code, const char *field,
		    const char *fmt, va_list ap) FG_PRINTF(4, 0);

/*
 * Add the detail sentence to err, replacing any earlier one.  No-op for
 * NULL err.
 */
void fg_error_detail(struct fg_error *err, const char *fmt, ...)
	FG_PRINTF(2, 3);

/* As fg_error_detail, with a va_list. */
void fg_error_detailv(struct fg_error *err, const char *fmt, va_list ap)
	FG_PRINTF(2, 0);

/* Add the hint sentence to err, replacing any earlier one. */
void fg_error_hint(struct fg_error *err, const char *fmt, ...)
	FG_PRINTF(2, 3);

/*
 * Prefix err's message with the input file and line it concerns
 * ("FILE, line N: ..."), keeping field, detail and hint.  Returns err->code.
 */
fg_rc fg_error_at_line(struct fg_error *err, const char *path, long line);

/*
 * Return the stable lower-case name of a code ("invalid", "not found"...).
 * The string is static.
 */
const char *fg_rc_name(fg_rc code);

#endif
