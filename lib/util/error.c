/*
 * error.c
 *	  Structured errors: setting message, detail, hint and field.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/error.h"

void
fg_error_clear(struct fg_error *err)
{
	if (err == NULL)
		return;
	err->code = FG_OK;
	err->message[0] = '\0';
	err->detail[0] = '\0';
	err->hint[0] = '\0';
	err->field[0] = '\0';
}

fg_rc
fg_error_setv(struct fg_error *err, fg_rc code, const char *field,
	      const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	fg_error_clear(err);
	err->code = code;
	if (field != NULL)
		snprintf(err->field, sizeof(err->field), "%s", field);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return code;
}

fg_rc
fg_error_set(struct fg_error *err, fg_rc code, const char *field,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fg_error_setv(err, code, field, fmt, ap);
	va_end(ap);
	return code;
}

void
fg_error_detailv(struct fg_error *err, const char *fmt, va_list ap)
{
	if (err != NULL)
		vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
}

void
fg_error_detail(struct fg_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fg_error_detailv(err, fmt, ap);
	va_end(ap);
}

void
fg_error_hint(struct fg_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

const char *
fg_rc_name(fg_rc code)
{
	static const char *const names[] = {
		[FG_OK] = "ok",
		[FG_INVALID] = "invalid",
		[FG_NOTFOUND] = "not found",
		[FG_CONFLICT] = "conflict",
		[FG_NOMEM] = "out of memory",
		[FG_STORE] = "storage error",
		[FG_IO] = "i/o error",
		[FG_MISUSE] = "misuse",
		[FG_INTERNAL] = "internal error",
	};

	if ((unsigned)code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "internal error";
}

fg_rc
fg_error_at_line(struct fg_error *err, const char *path, long line)
{
	char msg[FG_ERROR_MESSAGE_MAX];

	snprintf(msg, sizeof(msg), "%s", err->message);
	snprintf(err->message, sizeof(err->message), "%.120s, line %ld: %.120s", path, line, msg);
	return err->code;
}
