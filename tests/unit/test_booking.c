/*
 * test_booking.c
 *	  Unit tests of the appointment lists: fg_appointment_find's
 *	  `involving` gives an institution the appointments it booked, those
 *	  at its slots and those of the referrals it sent, and nothing else;
 *	  the other filters combine with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fangai/network.h"
#include "fangai/synth.h"
#include "store_fixture.h"

static int
setup(void **state)
{
	struct fg_synth_options o = {.seed = 3, .persons = 30};
	struct fg_synth_report r;
	fg_store *store = NULL;

	setenv("FANGAI_TODAY", "2026-06-30", 1);
	setenv("FANGAI_NOW", "2026-06-30T09:00", 1);
	o.as_of = fg_date_from_ymd(2025, 12, 31);
	store = fixture_store(NULL);
	if (store == NULL)
		return -1;
	if (fg_synth_city(store, &o, &r, NULL) != FG_OK)
		return -1;
	*state = store;
	return 0;
}

static int
teardown(void **state)
{
	fg_store_close(*state);
	return 0;
}

/* Publish an LDCT schedule of institution inst with one slot of capacity 5 at start; its id. */
static int64_t
new_slot(fg_store *store, const char *inst, const char *start)
{
	struct fg_schedule s;
	struct fg_slot_input in = {.starts_at = start, .minutes = 30, .count = 1, .capacity = 5};
	int64_t first = 0;

	assert_int_equal(fg_schedule_add(store, inst, "ldct", "LDCT", &s, NULL), FG_OK);
	in.schedule_id = s.id;
	assert_int_equal(fg_slot_add(store, &in, &first, NULL), FG_OK);
	return first;
}

static void
book(fg_store *store, int64_t slot, const char *person, const char *inst)
{
	struct fg_booking_input in = {.person = person, .institution = inst};
	struct fg_appointment a;
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)slot);
	in.slot = text;
	assert_int_equal(fg_booking_book(store, &in, fg_net_now(), &a, NULL), FG_OK);
}

/* Referral from 12 to 2 for person, scheduled into slot (booked by institution 2). */
static void
refer_into(fg_store *store, struct fg_arena *arena, int64_t slot, const char *person)
{
	struct fg_referral_input in = {.person = person, .from = "12", .to = "2",
				       .kind = "suspected_cancer", .reason = "LDCT 4B"};
	struct fg_referral_action a = {.action = "accept"};
	struct fg_referral r;
	char text[24];

	assert_int_equal(fg_referral_request(store, &in, arena, &r, NULL), FG_OK);
	assert_int_equal(fg_referral_apply(store, r.id, &a, arena, NULL, NULL), FG_OK);
	snprintf(text, sizeof(text), "%lld", (long long)slot);
	a.action = "schedule";
	a.slot = text;
	assert_int_equal(fg_referral_apply(store, r.id, &a, arena, NULL, NULL), FG_OK);
}

static size_t
found(fg_store *store, struct fg_arena *arena, int64_t involving, int64_t at)
{
	struct fg_appointment_query q = {.involving = involving, .institution_id = at, .limit = 100};
	struct fg_appointment_list list;

	assert_int_equal(fg_appointment_find(store, &q, arena, &list, NULL), FG_OK);
	return list.count;
}

static void
test_involving(void **state)
{
	fg_store *store = *state;
	struct fg_arena arena;
	int64_t at2, at3;

	fg_arena_init(&arena, 0);
	at2 = new_slot(store, "2", "2026-07-01T08:00");
	at3 = new_slot(store, "3", "2026-07-01T09:00");
	book(store, at3, "1", "12");		/* booked by 12 at 3 */
	refer_into(store, &arena, at2, "2");	/* referred by 12, booked by 2 at 2 */
	book(store, at2, "3", "13");		/* booked by 13 at 2 */
	assert_int_equal(found(store, &arena, 0, 0), 3);
	assert_int_equal(found(store, &arena, 12, 0), 2);	/* what it booked and referred */
	assert_int_equal(found(store, &arena, 2, 0), 2);	/* its slots */
	assert_int_equal(found(store, &arena, 3, 0), 1);
	assert_int_equal(found(store, &arena, 13, 0), 1);
	assert_int_equal(found(store, &arena, 14, 0), 0);	/* uninvolved */
	assert_int_equal(found(store, &arena, 12, 2), 1);	/* and where it takes place */
	fg_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_involving, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
