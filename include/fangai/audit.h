/*
 * fangai/audit.h
 *	  The audit trail: an append-only log of who did what to which
 *	  resource, when, from where and with what result.
 *
 * Every row carries the SHA-256 of its own content and of the row before
 * it, so that changing or removing a row breaks the chain at that row.
 * The database refuses UPDATE and DELETE on the table (0001); the chain
 * catches changes made behind its back.
 */
#ifndef FANGAI_AUDIT_H
#define FANGAI_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/crypto.h"
#include "fangai/error.h"
#include "fangai/store.h"

struct fg_audit_entry {
	int64_t id;			/* set when stored */
	char at[24];			/* UTC ISO-8601; "" means now */
	int64_t user_id;		/* 0: none (e.g. a failed login) */
	int64_t institution_id;		/* 0: none */
	char action[32];		/* read, search, create, update, login, ... */
	char resource[128];		/* e.g. "Patient/12", "person?name=王" */
	char result[16];		/* ok, denied, notfound, invalid, error */
	char client[64];		/* client address */
	char prev_hash[FG_SHA256_HEX];	/* set when stored */
	char hash[FG_SHA256_HEX];	/* set when stored */
};

/*
 * Append n entries, in order, in one transaction (nested in the caller's
 * if one is open), chaining each to the last stored row.  The ids and
 * hashes are written back into entries.  Texts too long are truncated by
 * the struct's sizes.  Nothing is stored on failure.
 */
fg_rc fg_audit_append(fg_store *store, struct fg_audit_entry *entries, size_t n,
		      struct fg_error *err);

struct fg_audit_report {
	int64_t rows;			/* rows checked */
	int64_t first_bad;		/* id of the first broken row; 0 if intact */
	char reason[128];		/* why it is broken */
	int64_t head_id;		/* the newest row checked, and its hash: */
	char head_hash[FG_SHA256_HEX];	/* keep them elsewhere as an anchor */
};

/*
 * A row id and hash recorded earlier outside the database.  A chain that
 * verifies but no longer holds that row with that hash was cut short or
 * rewritten from there on.
 */
struct fg_audit_anchor {
	int64_t id;
	char hash[FG_SHA256_HEX];
};

/*
 * Recompute the chain over the whole log and, if anchor is not NULL,
 * check that its row is still there with its hash.  Returns FG_OK whether
 * or not the log is intact: report->first_bad says.
 */
fg_rc fg_audit_verify(fg_store *store, const struct fg_audit_anchor *anchor,
		      struct fg_audit_report *report, struct fg_error *err);

struct fg_audit_query {
	int64_t user_id;		/* 0: any */
	int64_t institution_id;		/* 0: any */
	const char *action;		/* NULL: any */
	const char *resource;		/* exact; NULL: any */
	int64_t limit;			/* 1..1000 */
	int64_t offset;
};

struct fg_audit_list {
	struct fg_audit_entry *items;	/* in the arena, newest first */
	size_t count;
	int64_t total;
};

/* Search the log, newest first, paged. */
fg_rc fg_audit_find(fg_store *store, const struct fg_audit_query *q,
		    struct fg_arena *arena, struct fg_audit_list *out,
		    struct fg_error *err);

#endif
