/*
 * finding.c
 *	  Growable, arena-backed lists of validation findings.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/finding.h"

void
fg_findings_init(struct fg_findings *list, struct fg_arena *arena)
{
	list->items = NULL;
	list->count = list->cap = 0;
	list->arena = arena;
}

fg_rc
fg_findings_add(struct fg_findings *list, enum fg_finding_level level,
		const char *code, const char *field, const char *fmt, ...)
{
	struct fg_finding *f;
	char msg[512];
	va_list ap;

	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct fg_finding *items = fg_arena_alloc(list->arena, cap * sizeof(*items));

		if (items == NULL)
			return FG_NOMEM;
		if (list->count > 0)
			memcpy(items, list->items, list->count * sizeof(*items));
		list->items = items;
		list->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f = &list->items[list->count];
	f->message = fg_arena_strdup(list->arena, msg);
	if (f->message == NULL)
		return FG_NOMEM;
	f->code = code;
	f->level = level;
	f->field = field;
	list->count++;
	return FG_OK;
}

const char *
fg_finding_level_name(enum fg_finding_level level)
{
	switch (level) {
	case FG_FINDING_INFO:
		return "info";
	case FG_FINDING_WARNING:
		return "warning";
	case FG_FINDING_ERROR:
		return "error";
	}
	return "error";
}
