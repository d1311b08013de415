/*
 * access.c
 *	  Role capabilities (a table), institution scope, and masking of
 *	  identifying numbers.
 */
#include <string.h>

#include "fangai/access.h"
#include "fangai/institution.h"
#include "fangai/util.h"

/*
 * What each role may do.  Unmasking goes to the roles that must reach or
 * link a person by number: clinicians, follow-up staff (who telephone)
 * and registry analysts (record linkage).  System administrators manage
 * accounts and see no personal data; auditors read the audit log only.
 */
static const struct {
	const char *role;
	unsigned caps;
} role_caps[] = {
	{"screening", FG_CAN_READ_PERSONS | FG_CAN_WRITE_PERSONS | FG_CAN_READ_STATS |
			      FG_CAN_READ_INSTITUTIONS},
	{"clinician", FG_CAN_READ_PERSONS | FG_CAN_WRITE_PERSONS | FG_CAN_UNMASK |
			      FG_CAN_READ_STATS | FG_CAN_READ_INSTITUTIONS},
	{"followup", FG_CAN_READ_PERSONS | FG_CAN_WRITE_PERSONS | FG_CAN_UNMASK |
			     FG_CAN_READ_STATS | FG_CAN_READ_INSTITUTIONS},
	{"registry", FG_CAN_READ_PERSONS | FG_CAN_WRITE_PERSONS | FG_CAN_UNMASK |
			     FG_CAN_READ_STATS | FG_CAN_READ_INSTITUTIONS},
	{"institution_admin", FG_CAN_READ_PERSONS | FG_CAN_ADMIN_USERS | FG_CAN_READ_STATS |
				      FG_CAN_READ_INSTITUTIONS},
	{"system_admin", FG_CAN_ADMIN_USERS | FG_CAN_READ_STATS | FG_CAN_READ_INSTITUTIONS},
	{"auditor", FG_CAN_READ_AUDIT | FG_CAN_READ_INSTITUTIONS},
};

unsigned
fg_role_capabilities(const char *role)
{
	for (size_t i = 0; role != NULL && i < sizeof(role_caps) / sizeof(role_caps[0]); i++)
		if (strcmp(role, role_caps[i].role) == 0)
			return role_caps[i].caps;
	return 0;
}

fg_rc
fg_scope_for(fg_store *store, const struct fg_user *user, struct fg_scope *out,
	     struct fg_error *err)
{
	struct fg_institution inst;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_institution_get(store, user->institution_id, &inst, err);
	if (rc != FG_OK)
		return rc;
	out->user_id = user->id;
	out->institution_id = user->institution_id;
	out->region = strcmp(inst.kind, "cancer_centre") == 0;
	out->caps = user->active ? fg_role_capabilities(user->role) : 0;
	return FG_OK;
}

bool
fg_scope_can(const struct fg_scope *scope, unsigned caps)
{
	return caps != 0 && (scope->caps & caps) == caps;
}

int64_t
fg_scope_visible_to(const struct fg_scope *scope)
{
	return scope->region ? 0 : scope->institution_id;
}

fg_rc
fg_scope_person_get(fg_store *store, const struct fg_scope *scope, int64_t id,
		    struct fg_person *out, struct fg_error *err)
{
	bool visible = false;
	fg_rc rc;

	if (!fg_scope_can(scope, FG_CAN_READ_PERSONS))
		return fg_error_set(err, FG_NOTFOUND, "person", "person %lld does not exist",
				    (long long)id);
	rc = fg_person_get(store, id, out, err);
	if (rc != FG_OK || scope->region)
		return rc;
	rc = fg_person_visible(store, id, scope->institution_id, &visible, err);
	if (rc == FG_OK && !visible)
		rc = fg_error_set(err, FG_NOTFOUND, "person", "person %lld does not exist",
				  (long long)id);
	return rc;
}

/* Copy in to out, replacing characters [keep_head, len - keep_tail) with '*'. */
static void
mask_middle(const char *in, char *out, size_t outsz, size_t keep_head, size_t keep_tail)
{
	size_t n = strlen(in);

	if (!fg_strlcpy(out, in, outsz))
		n = strlen(out);
	if (n <= keep_tail) {
		for (size_t i = 0; i < n; i++)
			out[i] = '*';
		return;
	}
	if (keep_head + keep_tail >= n)
		keep_head = 0;
	for (size_t i = keep_head; i < n - keep_tail; i++)
		out[i] = '*';
}

void
fg_mask_id_number(const char *in, char *out, size_t outsz)
{
	mask_middle(in, out, outsz, 3, strlen(in) >= 15 ? 4 : 1);
}

void
fg_mask_phone(const char *in, char *out, size_t outsz)
{
	mask_middle(in, out, outsz, 3, 4);
}

void
fg_person_mask(struct fg_person *p)
{
	char buf[sizeof(p->id_number)];

	fg_mask_id_number(p->id_number, buf, sizeof(buf));
	memcpy(p->id_number, buf, sizeof(buf));
	fg_mask_phone(p->phone, buf, sizeof(p->phone));
	memcpy(p->phone, buf, sizeof(p->phone));
}
