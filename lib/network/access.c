/*
 * access.c
 *	  Record access granted by the network, read from the view
 *	  access_grant of migration 0008: the receiving institution of an
 *	  accepted referral, the institutions of the experts of an open
 *	  consultation.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/network.h"
#include "fangai/util.h"
#include "network_int.h"

#define GRANT_QUERY \
	"SELECT institution_id, person_id, source, source_id, coalesce(granted_at, '')," \
	" coalesce(ends_at, '') FROM access_grant" \
	" WHERE (?1 = 0 OR institution_id = ?1) AND (?2 = 0 OR person_id = ?2)" \
	" AND (ends_at IS NULL OR ends_at > ?3)"

static void
read_grant(fg_stmt *st, struct fg_access_grant *g)
{
	memset(g, 0, sizeof(*g));
	g->institution_id = fg_stmt_int64(st, 0);
	g->person_id = fg_stmt_int64(st, 1);
	fg_strlcpy(g->source, fg_stmt_text(st, 2), sizeof(g->source));
	g->source_id = fg_stmt_int64(st, 3);
	fg_strlcpy(g->granted_at, fg_stmt_text(st, 4), sizeof(g->granted_at));
	fg_strlcpy(g->ends_at, fg_stmt_text(st, 5), sizeof(g->ends_at));
}

static fg_rc
prepare_grants(fg_store *store, const char *order, int64_t institution_id, int64_t person_id,
	       int64_t now, fg_stmt **st, struct fg_error *err)
{
	char sql[512], t[FG_NET_TIME_MAX];
	fg_rc rc;

	snprintf(sql, sizeof(sql), "%s %s", GRANT_QUERY, order);
	rc = fg_store_prepare(store, sql, st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(*st, 1, institution_id);
	fg_stmt_bind_int64(*st, 2, person_id);
	fg_stmt_bind_text(*st, 3, fg_net_time_format(now, t));
	return FG_OK;
}

fg_rc
fg_access_check(fg_store *store, int64_t institution_id, int64_t person_id, int64_t now,
		bool *granted, struct fg_access_grant *grant, struct fg_error *err)
{
	struct fg_access_grant g;
	fg_stmt *st;
	fg_rc rc;

	*granted = false;
	if (institution_id <= 0 || person_id <= 0)
		return fg_error_set(err, FG_MISUSE, NULL, "access check needs an institution and a person");
	/* The grant that lasts longest: one without an end first. */
	rc = prepare_grants(store, "ORDER BY ends_at IS NULL DESC, ends_at DESC LIMIT 1",
			    institution_id, person_id, now, &st, err);
	if (rc != FG_OK)
		return rc;
	rc = fg_stmt_step(st, granted, err);
	if (rc == FG_OK && *granted) {
		read_grant(st, &g);
		if (grant != NULL)
			*grant = g;
	}
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_access_list(fg_store *store, int64_t institution_id, int64_t person_id, int64_t now,
	       struct fg_arena *arena, struct fg_access_list *out, struct fg_error *err)
{
	size_t cap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = prepare_grants(store, "ORDER BY institution_id, person_id, source, source_id",
			    institution_id, person_id, now, &st, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (!net_grow(arena, (void **)&out->items, &cap, out->count, sizeof(*out->items))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory listing access grants");
			break;
		}
		read_grant(st, &out->items[out->count++]);
	}
	fg_stmt_reset(st);
	return rc;
}
