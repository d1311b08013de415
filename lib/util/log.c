/*
 * log.c
 *	  Dispatch of library log messages to the program's handler.
 */
#include <stdio.h>

#include "fangai/log.h"

static fg_log_fn log_fn;
static void *log_userdata;
static enum fg_log_level log_min = FG_LOG_INFO;

void
fg_log_set_handler(fg_log_fn fn, void *userdata, enum fg_log_level min_level)
{
	log_fn = fn;
	log_userdata = userdata;
	log_min = min_level;
}

void
fg_log(enum fg_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log_fn == NULL || level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(level, msg, log_userdata);
}
