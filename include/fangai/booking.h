/*
 * fangai/booking.h
 *	  The shared appointment platform (集中预约): institutions publish
 *	  schedules of a service and slots with a capacity; any member
 *	  institution books persons into them.
 *
 * No person is booked twice into one slot and no slot is booked past its
 * capacity, whatever the concurrency: the booking transaction raises
 * slot.booked with a conditional UPDATE (booked < capacity), a CHECK bounds
 * it, and a unique index allows one live appointment of a person per slot.
 * An appointment goes booked -> attended, no_show or cancelled.
 */
#ifndef FANGAI_BOOKING_H
#define FANGAI_BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fangai/arena.h"
#include "fangai/error.h"
#include "fangai/nettime.h"
#include "fangai/store.h"

/* True if service is one of ldct, endoscopy, colonoscopy, mammography, ultrasound, clinic. */
bool fg_service_valid(const char *service);

/* The services, as a comma-separated static string, for hints and help. */
const char *fg_service_names(void);

struct fg_schedule {
	int64_t id;
	int64_t institution_id;
	char service[16];
	char name[128];
	bool active;
};

/*
 * Publish a schedule of institution `institution` (id or USCC) for a
 * service.  FG_INVALID / FG_NOTFOUND naming the field.
 */
fg_rc fg_schedule_add(fg_store *store, const char *institution, const char *service,
		      const char *name, struct fg_schedule *out, struct fg_error *err);

struct fg_schedule_list {
	struct fg_schedule *items;	/* in the arena, by id */
	size_t count;
};

/* Schedules of one institution and/or service (0 / NULL: any). */
fg_rc fg_schedule_list(fg_store *store, int64_t institution_id, const char *service,
		       struct fg_arena *arena, struct fg_schedule_list *out,
		       struct fg_error *err);

struct fg_slot {
	int64_t id;
	int64_t schedule_id;
	int64_t institution_id;
	char service[16];
	char starts_at[FG_NET_TIME_MAX];
	char ends_at[FG_NET_TIME_MAX];
	int64_t capacity;
	int64_t booked;
};

/* Slots to publish: `count` consecutive slots of `minutes` each from `starts_at`. */
struct fg_slot_input {
	int64_t schedule_id;
	const char *starts_at;
	int64_t minutes;		/* 1..1440 */
	int64_t count;			/* 1..1000 */
	int64_t capacity;		/* 0..10000 */
};

/*
 * Publish slots of a schedule; *first receives the id of the first and
 * the rest follow in order.  All or nothing.
 */
fg_rc fg_slot_add(fg_store *store, const struct fg_slot_input *in, int64_t *first,
		  struct fg_error *err);

/* Read slot `id`; FG_NOTFOUND if absent. */
fg_rc fg_slot_get(fg_store *store, int64_t id, struct fg_slot *out, struct fg_error *err);

struct fg_slot_query {
	const char *service;		/* NULL: any */
	int64_t institution_id;		/* 0: any */
	int64_t schedule_id;		/* 0: any */
	int64_t from, to;		/* start in [from, to), minutes; 0: no bound */
	bool free_only;			/* only slots with room */
	int64_t limit;			/* 1..1000 */
};

struct fg_slot_list {
	struct fg_slot *items;		/* in the arena, by start then id */
	size_t count;
};

/* Find slots, e.g. the free low-dose CT slots of next week. */
fg_rc fg_slot_find(fg_store *store, const struct fg_slot_query *q, struct fg_arena *arena,
		   struct fg_slot_list *out, struct fg_error *err);

struct fg_appointment {
	int64_t id;
	int64_t slot_id;
	int64_t person_id;
	char district[7];
	int64_t institution_id;		/* booking institution */
	int64_t slot_institution_id;	/* where it takes place */
	char service[16];
	char state[16];			/* booked, attended, no_show, cancelled */
	char starts_at[FG_NET_TIME_MAX];
	int64_t referral_id;		/* 0 for none */
	int64_t episode_id;		/* screening episode, 0 for none */
	char booked_at[FG_NET_TIME_MAX];
	char person_name[64];
	char phone[24];
};

struct fg_booking_input {
	const char *slot;		/* slot id */
	const char *person;		/* record id or resident ID number */
	const char *institution;	/* booking institution; NULL: the person's own */
	int64_t referral_id;		/* 0: none */
	int64_t episode_id;		/* screening recall, 0: none */
	const char *note;
};

/*
 * Book a person into a slot at `now` (minutes).  Refused with FG_CONFLICT
 * when the slot is full or the person holds it already, FG_INVALID when
 * the slot has begun; nothing stored then.  Safe against concurrent
 * bookers: the capacity is enforced by the database.
 */
fg_rc fg_booking_book(fg_store *store, const struct fg_booking_input *in, int64_t now,
		      struct fg_appointment *out, struct fg_error *err);

/*
 * Move a booked appointment to another slot of the same service, in one
 * transaction: the new slot must have room, the old one is freed.
 */
fg_rc fg_booking_reschedule(fg_store *store, int64_t appointment_id, const char *slot,
			    int64_t now, struct fg_appointment *out, struct fg_error *err);

/*
 * Close a booked appointment: "cancel" (frees the place), "attend" or
 * "no_show" (only once the slot has begun at `now`).  Attending the
 * appointment of a scheduled referral records the referral's attendance.
 * FG_CONFLICT naming the appointment and its state if it is not booked.
 */
fg_rc fg_booking_close(fg_store *store, int64_t appointment_id, const char *action,
		       const char *reason, int64_t now, struct fg_appointment *out,
		       struct fg_error *err);

/* Read appointment `id`; FG_NOTFOUND if absent. */
fg_rc fg_appointment_get(fg_store *store, int64_t id, struct fg_appointment *out,
			 struct fg_error *err);

struct fg_appointment_query {
	int64_t person_id;		/* 0: any */
	int64_t institution_id;		/* where it takes place; 0: any */
	int64_t slot_id;		/* 0: any */
	const char *state;		/* NULL: any */
	int64_t from, to;		/* slot start in [from, to), minutes; 0: no bound */
	int64_t limit;			/* 1..10000 */
	int64_t involving;		/* booked by, taking place at, or referring; 0: any */
};

struct fg_appointment_list {
	struct fg_appointment *items;	/* in the arena, by start then id */
	size_t count;
};

/* List appointments, e.g. the reminder list: booked ones of the next days. */
fg_rc fg_appointment_find(fg_store *store, const struct fg_appointment_query *q,
			  struct fg_arena *arena, struct fg_appointment_list *out,
			  struct fg_error *err);

#endif
