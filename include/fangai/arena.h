/*
 * fangai/arena.h
 *	  Region allocator: one arena per unit of work (a command, a request,
 *	  an import batch), freed all at once.
 *
 * Memory returned by fg_arena_* belongs to the arena and lives until
 * fg_arena_reset() or fg_arena_free(); never free() it.  Every allocating
 * call returns NULL when malloc fails or when the arena would grow past its
 * cap, so a runaway input cannot exhaust the machine.
 */
#ifndef FANGAI_ARENA_H
#define FANGAI_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "fangai/error.h"

struct fg_arena_chunk;

struct fg_arena {
	struct fg_arena_chunk *head;	/* newest chunk first */
	size_t used;			/* bytes handed out or wasted */
	size_t cap;			/* 0 for no cap */
};

/* Initialise an empty arena that refuses to grow beyond cap bytes (0: no cap). */
void fg_arena_init(struct fg_arena *a, size_t cap);

/*
 * Return n bytes aligned for any type, or NULL if out of memory or over
 * the cap.  The bytes are zeroed.
 */
void *fg_arena_alloc(struct fg_arena *a, size_t n);

/* Copy the NUL-terminated s into the arena; NULL s gives NULL. */
char *fg_arena_strdup(struct fg_arena *a, const char *s);

/* Copy n bytes of s and terminate them. */
char *fg_arena_strndup(struct fg_arena *a, const char *s, size_t n);

/* printf into a fresh arena string; NULL on failure. */
char *fg_arena_printf(struct fg_arena *a, const char *fmt, ...)
	FG_PRINTF(2, 3);

/* Release every allocation but keep the first chunk for reuse. */
void fg_arena_reset(struct fg_arena *a);

/* Release everything; the arena may be initialised again. */
void fg_arena_free(struct fg_arena *a);

#endif
