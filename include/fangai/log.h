/*
 * fangai/log.h
 *	  The library's logging hook.  libfangai never writes to a stream
 *	  itself: it passes messages to the handler the program installs.
 */
#ifndef FANGAI_LOG_H
#define FANGAI_LOG_H

#include "fangai/error.h"

enum fg_log_level { FG_LOG_DEBUG, FG_LOG_INFO, FG_LOG_WARNING, FG_LOG_ERROR };

typedef void (*fg_log_fn)(enum fg_log_level level, const char *message,
			  void *userdata);

/*
 * Install fn (NULL: discard all messages) with its userdata, and the lowest
 * level passed on.  Not thread-safe: call once at start-up.
 */
void fg_log_set_handler(fg_log_fn fn, void *userdata,
			enum fg_log_level min_level);

/* Format a message and pass it to the handler, if any.  Truncates at 1 KiB. */
void fg_log(enum fg_log_level level, const char *fmt, ...) FG_PRINTF(2, 3);

#endif
