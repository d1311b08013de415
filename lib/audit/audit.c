/*
 * audit.c
 *	  The hash-chained audit log: appending, verifying and searching.
 *
 * A row's hash is SHA-256 over its fields, each written as its length, a
 * colon and its bytes (so that no two rows can encode alike), ending with
 * the previous row's hash.  The first row chains to 64 zeros.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/audit.h"
#include "fangai/util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_COLUMNS "id, at, coalesce(user_id, 0), coalesce(institution_id, 0), action," \
	" resource, result, coalesce(client, ''), prev_hash, hash"

static void
put_field(char *buf, size_t size, size_t *pos, const char *text)
{
	int n = snprintf(buf + *pos, size - *pos, "%zu:%s;", strlen(text), text);

	if (n > 0)
		*pos += (size_t)n < size - *pos ? (size_t)n : size - *pos - 1;
}

static void
entry_hash(const struct fg_audit_entry *e, char out[FG_SHA256_HEX])
{
	char buf[1024], num[3][24];
	size_t pos = 0;

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)e->id);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)e->user_id);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)e->institution_id);
	put_field(buf, sizeof(buf), &pos, num[0]);
	put_field(buf, sizeof(buf), &pos, e->at);
	put_field(buf, sizeof(buf), &pos, num[1]);
	put_field(buf, sizeof(buf), &pos, num[2]);
	put_field(buf, sizeof(buf), &pos, e->action);
	put_field(buf, sizeof(buf), &pos, e->resource);
	put_field(buf, sizeof(buf), &pos, e->result);
	put_field(buf, sizeof(buf), &pos, e->client);
	put_field(buf, sizeof(buf), &pos, e->prev_hash);
	fg_sha256_hex(buf, pos, out);
}

/* The id and hash of the newest row, or 0 and the genesis hash. */
static fg_rc
chain_head(fg_store *store, int64_t *id, char hash[FG_SHA256_HEX], struct fg_error *err)
{
	fg_stmt *st;
	bool row = false;
	fg_rc rc;

	*id = 0;
	fg_strlcpy(hash, GENESIS, FG_SHA256_HEX);
	rc = fg_store_prepare(store, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
			      &st, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_stmt_step(st, &row, err);
	if (rc == FG_OK && row) {
		*id = fg_stmt_int64(st, 0);
		fg_strlcpy(hash, fg_stmt_text(st, 1), FG_SHA256_HEX);
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
insert_entry(fg_store *store, const struct fg_audit_entry *e, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc;

	rc = fg_store_prepare(store, "INSERT INTO audit_log (id, at, user_id, institution_id, action,"
			      " resource, result, client, prev_hash, hash)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, e->id);
	fg_stmt_bind_text(st, 2, e->at);
	if (e->user_id > 0)
		fg_stmt_bind_int64(st, 3, e->user_id);
	if (e->institution_id > 0)
		fg_stmt_bind_int64(st, 4, e->institution_id);
	fg_stmt_bind_text(st, 5, e->action);
	fg_stmt_bind_text(st, 6, e->resource);
	fg_stmt_bind_text(st, 7, e->result);
	fg_stmt_bind_text(st, 8, e->client[0] ? e->client : NULL);
	fg_stmt_bind_text(st, 9, e->prev_hash);
	fg_stmt_bind_text(st, 10, e->hash);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_audit_append(fg_store *store, struct fg_audit_entry *entries, size_t n,
		struct fg_error *err)
{
	char prev[FG_SHA256_HEX], now[32];
	int64_t id;
	fg_rc rc;

	if (n == 0)
		return FG_OK;
	rc = fg_crypto_init(err);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		return rc;
	rc = chain_head(store, &id, prev, err);
	fg_utc_now(now);
	for (size_t i = 0; rc == FG_OK && i < n; i++) {
		struct fg_audit_entry *e = &entries[i];

		if (e->at[0] == '\0')
			fg_strlcpy(e->at, now, sizeof(e->at));
		e->id = ++id;
		fg_strlcpy(e->prev_hash, prev, sizeof(e->prev_hash));
		entry_hash(e, e->hash);
		rc = insert_entry(store, e, err);
		fg_strlcpy(prev, e->hash, sizeof(prev));
	}
	if (rc != FG_OK) {
		fg_store_rollback(store);
		return rc;
	}
	return fg_store_commit(store, err);
}

static void
read_entry(fg_stmt *st, struct fg_audit_entry *e)
{
	e->id = fg_stmt_int64(st, 0);
	fg_strlcpy(e->at, fg_stmt_text(st, 1), sizeof(e->at));
	e->user_id = fg_stmt_int64(st, 2);
	e->institution_id = fg_stmt_int64(st, 3);
	fg_strlcpy(e->action, fg_stmt_text(st, 4), sizeof(e->action));
	fg_strlcpy(e->resource, fg_stmt_text(st, 5), sizeof(e->resource));
	fg_strlcpy(e->result, fg_stmt_text(st, 6), sizeof(e->result));
	fg_strlcpy(e->client, fg_stmt_text(st, 7), sizeof(e->client));
	fg_strlcpy(e->prev_hash, fg_stmt_text(st, 8), sizeof(e->prev_hash));
	fg_strlcpy(e->hash, fg_stmt_text(st, 9), sizeof(e->hash));
}

/* Check one row against the hash of the row before it; false with a reason if broken. */
static bool
check_entry(const struct fg_audit_entry *e, const char *prev, char *reason, size_t size)
{
	char hash[FG_SHA256_HEX];

	if (strcmp(e->prev_hash, prev) != 0) {
		snprintf(reason, size, "row %lld does not chain to the row before it", (long long)e->id);
		return false;
	}
	entry_hash(e, hash);
	if (strcmp(hash, e->hash) != 0) {
		snprintf(reason, size, "row %lld does not match its hash", (long long)e->id);
		return false;
	}
	return true;
}

/* Check the anchor against the row just read; false with a reason if it differs. */
static bool
check_anchor(const struct fg_audit_anchor *anchor, const struct fg_audit_entry *e,
	     char *reason, size_t size)
{
	if (anchor == NULL || anchor->id != e->id || strcmp(anchor->hash, e->hash) == 0)
		return true;
	snprintf(reason, size, "row %lld differs from its anchor", (long long)e->id);
	return false;
}

fg_rc
fg_audit_verify(fg_store *store, const struct fg_audit_anchor *anchor,
		struct fg_audit_report *report, struct fg_error *err)
{
	char prev[FG_SHA256_HEX] = GENESIS;
	struct fg_audit_entry e;
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	rc = fg_crypto_init(err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store, "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY id",
				      &st, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		memset(&e, 0, sizeof(e));
		read_entry(st, &e);
		report->rows++;
		if (!check_entry(&e, prev, report->reason, sizeof(report->reason)) ||
		    !check_anchor(anchor, &e, report->reason, sizeof(report->reason))) {
			report->first_bad = e.id;
			break;
		}
		fg_strlcpy(prev, e.hash, sizeof(prev));
		report->head_id = e.id;
		fg_strlcpy(report->head_hash, e.hash, sizeof(report->head_hash));
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && report->first_bad == 0 && anchor != NULL && anchor->id > report->head_id) {
		report->first_bad = anchor->id;
		snprintf(report->reason, sizeof(report->reason),
			 "row %lld of the anchor is missing: the log was cut short", (long long)anchor->id);
	}
	return rc;
}

/* Parameters of the search: ?1 user, ?2 institution, ?3 action, ?4 resource. */
#define AUDIT_WHERE " WHERE (?1 = 0 OR user_id = ?1) AND (?2 = 0 OR institution_id = ?2)" \
	" AND (?3 IS NULL OR action = ?3) AND (?4 IS NULL OR resource = ?4)"

static void
bind_query(fg_stmt *st, const struct fg_audit_query *q)
{
	fg_stmt_bind_int64(st, 1, q->user_id);
	fg_stmt_bind_int64(st, 2, q->institution_id);
	fg_stmt_bind_text(st, 3, q->action);
	fg_stmt_bind_text(st, 4, q->resource);
}

fg_rc
fg_audit_find(fg_store *store, const struct fg_audit_query *q, struct fg_arena *arena,
	      struct fg_audit_list *out, struct fg_error *err)
{
	fg_stmt *st;
	bool row = true;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->limit < 1 || q->limit > 1000)
		return fg_error_set(err, FG_INVALID, "limit", "page size %lld out of range",
				    (long long)q->limit);
	if (q->offset < 0)
		return fg_error_set(err, FG_INVALID, "offset", "page offset %lld is negative",
				    (long long)q->offset);
	rc = fg_store_prepare(store, "SELECT count(*) FROM audit_log" AUDIT_WHERE, &st, err);
	if (rc != FG_OK)
		return rc;
	bind_query(st, q);
	rc = fg_stmt_scalar_int64(st, &out->total, NULL, err);
	if (rc != FG_OK || out->total == 0)
		return rc;
	out->items = fg_arena_alloc(arena, (size_t)q->limit * sizeof(*out->items));
	if (out->items == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing the audit log");
	rc = fg_store_prepare(store, "SELECT " AUDIT_COLUMNS " FROM audit_log" AUDIT_WHERE
			      " ORDER BY id DESC LIMIT ?5 OFFSET ?6", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_query(st, q);
	fg_stmt_bind_int64(st, 5, q->limit);
	fg_stmt_bind_int64(st, 6, q->offset);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row && out->count < (size_t)q->limit)
		read_entry(st, &out->items[out->count++]);
	fg_stmt_reset(st);
	return rc;
}
