/*
 * api_write.c
 *	  What every write of the clinical resources does the same way: check
 *	  that the person it is about is in the caller's scope and that it
 *	  acts for the caller's own institution, and commit the write together
 *	  with its audit entry (or roll back and audit the refusal); and how a
 *	  read in scope ends.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/util.h"
#include "api_clinical.h"

fg_rc
write_scope_check(struct request *req, const char *person, const char *field,
		  const char **institution, char *own, size_t ownsz, struct fg_error *err)
{
	struct fg_person p;
	int64_t id;
	fg_rc rc;

	if (person == NULL)
		return fg_error_set(err, FG_INVALID, "person", "person is missing");
	rc = fg_parse_int64(person, "person", 1, INT64_MAX, &id, err);
	if (rc == FG_OK && fg_scope_person_get(req->store, &req->scope, id, &p, err) != FG_OK)
		rc = fg_error_set(err, FG_INVALID, "person", "person \"%s\" does not exist", person);
	if (rc != FG_OK)
		return rc;
	snprintf(own, ownsz, "%lld", (long long)req->scope.institution_id);
	if (*institution == NULL || **institution == '\0')
		*institution = own;
	else if (!req->scope.region && strcmp(*institution, own) != 0)
		return fg_error_set(err, FG_INVALID, field, "cannot act for institution \"%s\"", *institution);
	return FG_OK;
}

fg_rc
write_create(struct request *req, const char *person, const char *field, const char **institution,
	     const char *kind, write_create_fn create, void *ctx, int64_t *id, struct fg_error *err)
{
	char *own = fg_arena_alloc(req->arena, 24);
	fg_rc rc;

	*id = 0;
	rc = own == NULL ? fg_error_set(err, FG_NOMEM, NULL, "out of memory creating %s", kind)
			 : write_scope_check(req, person, field, institution, own, 24, err);
	if (rc == FG_OK && (rc = write_begin(req, err)) == FG_OK) {
		rc = create(req, ctx, id, err);
		return write_finish(req, rc, "create", fg_arena_printf(req->arena, "%s/%lld", kind, (long long)*id),
				    kind, err);
	}
	audit_note(req, "create", audit_result(rc), "%s", kind);
	return rc;
}

fg_rc
write_begin(struct request *req, struct fg_error *err)
{
	fg_rc rc;

	server_write_lock();
	rc = fg_store_begin(req->store, err);
	if (rc != FG_OK)
		server_write_unlock();
	return rc;
}

fg_rc
write_finish(struct request *req, fg_rc rc, const char *action, const char *resource,
	     const char *refused, struct fg_error *err)
{
	if (rc == FG_OK) {
		audit_note(req, action, "ok", "%s", resource);
		rc = audit_write_now(req, err);
	}
	if (rc == FG_OK)
		rc = fg_store_commit(req->store, err);
	else
		fg_store_rollback(req->store);
	server_write_unlock();
	if (rc != FG_OK) {
		req->naudit = 0;
		req->audit_written = false;
		audit_note(req, action, audit_result(rc), "%s", refused);
	}
	return rc;
}

bool
read_finish(struct request *req, fg_rc rc, const char *kind, int64_t id, const struct fg_error *err)
{
	audit_note(req, "read", audit_result(rc), "%s/%lld", kind, (long long)id);
	if (rc == FG_NOTFOUND)
		reply_error(req, 404, NULL, fg_arena_printf(req->arena, "%s \"%lld\" does not exist",
							    kind, (long long)id), NULL, NULL);
	else if (rc != FG_OK)
		reply_fg_error(req, err);
	return rc == FG_OK;
}
