/*
 * arena.c
 *	  Chunked region allocator with a size cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/arena.h"

#define CHUNK_MIN 8192
#define ALIGN_TO (sizeof(max_align_t))

struct fg_arena_chunk {
	struct fg_arena_chunk *next;
	size_t size;	/* usable bytes in data */
	size_t off;	/* next free byte */
	_Alignas(max_align_t) unsigned char data[];
};

void
fg_arena_init(struct fg_arena *a, size_t cap)
{
	a->head = NULL;
	a->used = 0;
	a->cap = cap;
}

static struct fg_arena_chunk *
chunk_new(size_t need)
{
	size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
	struct fg_arena_chunk *c = malloc(sizeof(*c) + size);

	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->off = 0;
	return c;
}

void *
fg_arena_alloc(struct fg_arena *a, size_t n)
{
	struct fg_arena_chunk *c = a->head;
	size_t need;
	void *p;

	if (n > SIZE_MAX - ALIGN_TO)
		return NULL;
	need = (n + ALIGN_TO - 1) & ~(ALIGN_TO - 1);
	if (need == 0)
		need = ALIGN_TO;
	if (a->cap != 0 && (need > a->cap || a->used > a->cap - need))
		return NULL;
	if (c == NULL || c->size - c->off < need) {
		c = chunk_new(need);
		if (c == NULL)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->off;
	c->off += need;
	a->used += need;
	memset(p, 0, n);
	return p;
}

char *
fg_arena_strndup(struct fg_arena *a, const char *s, size_t n)
{
	char *p = fg_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
fg_arena_strdup(struct fg_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return fg_arena_strndup(a, s, strlen(s));
}

char *
fg_arena_printf(struct fg_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = fg_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
fg_arena_reset(struct fg_arena *a)
{
	struct fg_arena_chunk *c = a->head;

	if (c == NULL)
		return;
	while (c->next != NULL) {
		struct fg_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	c->off = 0;
	a->head = c;
	a->used = 0;
}

void
fg_arena_free(struct fg_arena *a)
{
	struct fg_arena_chunk *c = a->head;

	while (c != NULL) {
		struct fg_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}
