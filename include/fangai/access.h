/*
 * fangai/access.h
 *	  Who may do what and see whom: the capabilities of each role, the
 *	  scope of a user's institution, and masking of identifying numbers.
 *
 * Deny by default: a role has only the capabilities its row in the table
 * grants; a user of a cancer centre sees the region, any other user the
 * persons their institution registered or has an active screening
 * episode, referral, consultation or follow-up plan for.
 */
#ifndef FANGAI_ACCESS_H
#define FANGAI_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/account.h"
#include "fangai/error.h"
#include "fangai/person.h"
#include "fangai/store.h"

enum fg_capability {
	FG_CAN_READ_PERSONS = 1 << 0,
	FG_CAN_WRITE_PERSONS = 1 << 1,
	FG_CAN_UNMASK = 1 << 2,		/* see whole ID and phone numbers, on request */
	FG_CAN_READ_AUDIT = 1 << 3,
	FG_CAN_ADMIN_USERS = 1 << 4,
	FG_CAN_READ_STATS = 1 << 5,
	FG_CAN_READ_INSTITUTIONS = 1 << 6,
};

/* The capabilities of a role (0 for a name that is not a role). */
unsigned fg_role_capabilities(const char *role);

struct fg_scope {
	int64_t user_id;
	int64_t institution_id;
	bool region;			/* sees every person of the region */
	unsigned caps;
};

/*
 * The scope of user: its institution, whether that is a cancer centre
 * (region-wide), and its role's capabilities.  An inactive user gets no
 * capabilities.
 */
fg_rc fg_scope_for(fg_store *store, const struct fg_user *user,
		   struct fg_scope *out, struct fg_error *err);

/* True if scope holds every capability in caps. */
bool fg_scope_can(const struct fg_scope *scope, unsigned caps);

/*
 * The institution whose visibility limits person searches for this scope,
 * for fg_person_query.visible_to: 0 when the scope is the region.
 */
int64_t fg_scope_visible_to(const struct fg_scope *scope);

/*
 * Read person id if it is within scope.  A person out of scope gives
 * FG_NOTFOUND with the same message as one that does not exist.
 */
fg_rc fg_scope_person_get(fg_store *store, const struct fg_scope *scope, int64_t id,
			  struct fg_person *out, struct fg_error *err);

/*
 * Mask a resident ID number, keeping the first 3 and last 4 characters
 * ("110***********123X"); shorter numbers keep their last character only.
 * out must hold strlen(in) + 1 bytes.
 */
void fg_mask_id_number(const char *in, char *out, size_t outsz);

/* Mask a phone number, keeping the first 3 and last 4 digits ("138****1234"). */
void fg_mask_phone(const char *in, char *out, size_t outsz);

/* Mask the ID number and phone of p in place. */
void fg_person_mask(struct fg_person *p);

#endif
