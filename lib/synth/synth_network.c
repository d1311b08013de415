/*
 * synth_network.c
 *	  The referral network of the synthetic city: schedules and slots of
 *	  the hospitals and the cancer centre, bookings by community centres,
 *	  two-way referrals through every state, and consultations with
 *	  expert opinions, over the 90 days before the as-of day.
 *
 * Everything goes through the public network API, so the generated data
 * obeys the state machine, the capacity of slots and the time rules; the
 * same seed and city give the same network.
 */
#include <stdio.h>
#include <string.h>

#include "fangai/institution.h"
#include "fangai/network.h"
#include "fangai/person.h"
#include "fangai/synth.h"
#include "synth_int.h"

#define HISTORY_DAYS 90		/* referrals and bookings over the last 90 days */
#define AHEAD_DAYS 14		/* slots published ahead of the as-of day */
#define SESSION_MINUTES 240	/* one morning session a weekday, 08:00-12:00 */
#define PERSONS_PER_REFERRAL 100
#define PERSONS_PER_BOOKING 10
#define BOOKED_SHARE 0.6	/* screening bookings fill at most this share of the places */
#define PERSONS_PER_CONSULT 1000
#define MIN_REFERRALS 20
#define MAX_SCREEN_REFERRALS 2000	/* referrals of positive screens, at most */
#define DAY FG_MINUTES_PER_DAY

/* Services each kind of institution publishes, with the places per slot. */
static const struct {
	const char *kind, *service, *name;
	int capacity;
} offers[] = {
	{"cancer_centre", "ldct", "低剂量螺旋CT", 6},
	{"cancer_centre", "endoscopy", "胃镜", 4},
	{"cancer_centre", "colonoscopy", "结肠镜", 3},
	{"cancer_centre", "mammography", "乳腺X线摄影", 4},
	{"cancer_centre", "clinic", "肿瘤专科门诊", 8},
	{"hospital", "ldct", "低剂量螺旋CT", 4},
	{"hospital", "endoscopy", "胃镜", 3},
	{"hospital", "colonoscopy", "结肠镜", 2},
	{"hospital", "ultrasound", "超声", 5},
	{"hospital", "clinic", "专科门诊", 6},
};

/* Types of referral drawn, with their weight and the service they book. */
static const struct {
	const char *type;
	double weight;
	const char *service;		/* NULL: an appointment time, not a slot */
} mix[] = {
	{"suspected_cancer", 0.45, "ldct"},
	{"suspected_cancer", 0.10, "endoscopy"},
	{"diagnosis", 0.15, "colonoscopy"},
	{"diagnosis", 0.05, "ultrasound"},
	{"treatment", 0.10, "clinic"},
	{"rehabilitation", 0.08, NULL},
	{"followup", 0.07, NULL},
};

struct net {
	fg_store *store;
	struct synth_rng rng;
	struct fg_institution_list inst;
	int64_t persons;
	int64_t start, end;		/* minutes: the history window, end = as-of 18:00 */
	int64_t places;			/* capacity of the slots published */
	struct fg_synth_network_report *report;
	struct fg_arena *arena;
};

static double
draw_days(struct net *n, double lo, double hi)
{
	return lo + (hi - lo) * synth_rng_unit(&n->rng);
}

static const struct fg_institution *
institution(const struct net *n, int64_t id)
{
	for (size_t i = 0; i < n->inst.count; i++)
		if (n->inst.items[i].id == id)
			return &n->inst.items[i];
	return NULL;
}

static fg_rc
publish_schedules(struct net *n, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (size_t i = 0; rc == FG_OK && i < n->inst.count; i++) {
		const struct fg_institution *in = &n->inst.items[i];
		char ref[24];

		snprintf(ref, sizeof(ref), "%lld", (long long)in->id);
		for (size_t k = 0; rc == FG_OK && k < sizeof(offers) / sizeof(offers[0]); k++) {
			struct fg_schedule s;
			char start[FG_NET_TIME_MAX];

			if (strcmp(offers[k].kind, in->kind) != 0)
				continue;
			rc = fg_schedule_add(n->store, ref, offers[k].service, offers[k].name, &s, err);
			n->report->schedules += rc == FG_OK;
			for (int64_t d = n->start / DAY; rc == FG_OK && d <= n->end / DAY + AHEAD_DAYS; d++) {
				struct fg_slot_input si = {.schedule_id = s.id, .minutes = SESSION_MINUTES,
							   .count = 1, .capacity = offers[k].capacity};
				int64_t first;

				if ((d + 4) % 7 >= 5)	/* 1970-01-01 was a Thursday: skip weekends */
					continue;
				si.starts_at = fg_net_time_format(d * DAY + 8 * 60, start);
				rc = fg_slot_add(n->store, &si, &first, err);
				n->report->slots += rc == FG_OK;
				n->places += rc == FG_OK ? offers[k].capacity : 0;
			}
		}
	}
	return rc;
}

/* The first slot of service at institution with room in the 14 days after `after`; 0 if none. */
static fg_rc
free_slot(struct net *n, int64_t institution_id, const char *service, int64_t after,
	  int64_t *slot_id, int64_t *starts, struct fg_error *err)
{
	struct fg_slot_query q = {.service = service, .institution_id = institution_id,
				  .from = after + 1, .to = after + AHEAD_DAYS * DAY, .free_only = true,
				  .limit = 1};
	struct fg_slot_list list;
	fg_rc rc;

	*slot_id = 0;
	rc = fg_slot_find(n->store, &q, n->arena, &list, err);
	if (rc == FG_OK && list.count == 1) {
		*slot_id = list.items[0].id;
		rc = fg_net_time_parse(list.items[0].starts_at, "starts_at", starts, err);
	}
	return rc;
}

/* Close a booked appointment whose slot has begun: attended, or not. */
static fg_rc
close_appointment(struct net *n, int64_t appointment_id, int64_t starts, struct fg_error *err)
{
	struct fg_appointment a;

	if (starts + 60 > n->end)
		return FG_OK;
	return fg_booking_close(n->store, appointment_id,
				synth_rng_unit(&n->rng) < 0.9 ? "attend" : "no_show", NULL, starts + 30,
				&a, err);
}

/* Services a screening booking asks for (mammography at the cancer centre). */
static const char *const screening_services[] = {
	"ldct", "ldct", "ldct", "endoscopy", "colonoscopy", "ultrasound", "mammography",
};

/* Screening-type bookings by community centres into the slots of their hospital. */
static fg_rc
book_screenings(struct net *n, struct fg_error *err)
{
	int64_t count = n->persons / PERSONS_PER_BOOKING;
	fg_rc rc = FG_OK;

	if (count > (int64_t)((double)n->places * BOOKED_SHARE))
		count = (int64_t)((double)n->places * BOOKED_SHARE);
	for (int64_t i = 0; rc == FG_OK && i < count; i++) {
		int64_t when = n->start + (int64_t)draw_days(n, 0, HISTORY_DAYS + AHEAD_DAYS - 2) * DAY;
		int64_t booked_at = when < n->end ? when : n->end - DAY;
		int64_t pid = 1 + (int64_t)synth_rng_below(&n->rng, (uint64_t)n->persons);
		const struct fg_institution *home;
		struct fg_booking_input in = {0};
		struct fg_appointment a;
		struct fg_person p;
		int64_t slot = 0, starts = 0;
		char ref[24], slot_ref[24];

		const char *service = screening_services[synth_rng_below(&n->rng, 7)];
		const struct fg_institution *hospital;

		rc = fg_person_get(n->store, pid, &p, err);
		home = rc == FG_OK ? institution(n, p.institution_id) : NULL;
		hospital = home ? institution(n, home->parent_id) : NULL;
		if (hospital != NULL && strcmp(service, "mammography") == 0)
			hospital = institution(n, hospital->parent_id);
		if (rc == FG_OK && hospital != NULL)
			rc = free_slot(n, hospital->id, service, when, &slot, &starts, err);
		if (rc != FG_OK || slot == 0)
			continue;
		snprintf(ref, sizeof(ref), "%lld", (long long)pid);
		snprintf(slot_ref, sizeof(slot_ref), "%lld", (long long)slot);
		in.slot = slot_ref;
		in.person = ref;
		rc = fg_booking_book(n->store, &in, booked_at < starts ? booked_at : starts - 60, &a, err);
		if (rc == FG_CONFLICT) {	/* the person holds the slot already */
			rc = FG_OK;
			continue;
		}
		n->report->appointments += rc == FG_OK;
		if (rc == FG_OK && synth_rng_unit(&n->rng) < 0.05)
			rc = fg_booking_close(n->store, a.id, "cancel", "the person asked", booked_at, &a, err);
		else if (rc == FG_OK)
			rc = close_appointment(n, a.id, starts, err);
	}
	return rc;
}

/* A referral drawn: its path between institutions and the service it books. */
struct drawn {
	int64_t person_id;
	const struct fg_institution *from, *to;
	const char *type, *service;
	int64_t id;			/* once requested */
	int64_t accepted_at;		/* 0 unless accepted */
};

static bool
draw_referral(struct net *n, struct drawn *d)
{
	double u = synth_rng_unit(&n->rng), acc = 0;
	const struct fg_institution *home, *hospital, *centre;
	struct fg_person p;
	size_t k = 0;

	memset(d, 0, sizeof(*d));
	d->person_id = 1 + (int64_t)synth_rng_below(&n->rng, (uint64_t)n->persons);
	for (k = 0; k + 1 < sizeof(mix) / sizeof(mix[0]); k++) {
		acc += mix[k].weight;
		if (u < acc)
			break;
	}
	if (fg_person_get(n->store, d->person_id, &p, NULL) != FG_OK)
		return false;
	home = institution(n, p.institution_id);
	hospital = home ? institution(n, home->parent_id) : NULL;
	centre = hospital ? institution(n, hospital->parent_id) : NULL;
	if (home == NULL || hospital == NULL || centre == NULL || strcmp(home->kind, "community") != 0)
		return false;
	d->type = mix[k].type;
	d->service = mix[k].service;
	if (strcmp(d->type, "treatment") == 0)
		d->from = hospital, d->to = centre;
	else if (mix[k].service == NULL)
		d->from = hospital, d->to = home;
	else
		d->from = home, d->to = hospital;
	return true;
}

/* An event time moved into working hours (08:00-18:00 of its day, order kept). */
static const char *
at_text(const struct net *n, int64_t t, char *buf)
{
	int64_t day = t / DAY, work = day * DAY + 8 * 60 + (t - day * DAY) * 600 / DAY;

	return fg_net_time_format(work <= n->end ? work : t, buf);
}

static fg_rc
step(struct net *n, struct drawn *d, const char *action, int64_t at, const char *reason,
     const char *appointment, const char *slot, struct fg_error *err)
{
	struct fg_referral_action a = {.action = action, .reason = reason, .appointment_at = appointment,
				       .slot = slot, .actor = "synthetic city"};
	char t[FG_NET_TIME_MAX];

	a.at = at_text(n, at, t);
	if (strcmp(action, "complete") == 0)
		a.report = "诊疗结果已反馈转出机构 (synthetic)";
	return fg_referral_apply(n->store, d->id, &a, n->arena, NULL, err);
}

/* Schedule an accepted referral at time t; *appointment receives when it takes place. */
static fg_rc
schedule_referral(struct net *n, struct drawn *d, int64_t t, int64_t *appointment, bool *booked,
		  struct fg_error *err)
{
	char slot_ref[24], when[FG_NET_TIME_MAX];
	int64_t slot = 0;
	fg_rc rc = FG_OK;

	*booked = false;
	if (d->service != NULL)
		rc = free_slot(n, d->to->id, d->service, t + DAY / 2, &slot, appointment, err);
	if (rc != FG_OK)
		return rc;
	if (slot != 0) {
		snprintf(slot_ref, sizeof(slot_ref), "%lld", (long long)slot);
		rc = step(n, d, "schedule", t, NULL, NULL, slot_ref, err);
		*booked = rc == FG_OK;
		if (rc != FG_CONFLICT)	/* the person holds that slot already: a time instead */
			return rc;
	}
	*appointment = t + (int64_t)draw_days(n, 1, 10) * DAY;
	return step(n, d, "schedule", t, NULL, at_text(n, *appointment, when), NULL, err);
}

/* Attend (or miss) the appointment of a scheduled referral. */
static fg_rc
attend_referral(struct net *n, struct drawn *d, int64_t appointment, bool booked, bool *attended,
		struct fg_error *err)
{
	struct fg_appointment_query q = {.state = "booked", .limit = 1};
	struct fg_appointment_list list;
	fg_rc rc;

	*attended = synth_rng_unit(&n->rng) < 0.9;
	if (!booked)
		return *attended ? step(n, d, "attend", appointment + 15, NULL, NULL, NULL, err) : FG_OK;
	q.person_id = d->person_id;
	q.from = appointment;
	q.to = appointment + 1;
	rc = fg_appointment_find(n->store, &q, n->arena, &list, err);
	for (size_t i = 0; rc == FG_OK && i < list.count; i++)
		if (list.items[i].referral_id == d->id) {
			struct fg_appointment a;

			rc = fg_booking_close(n->store, list.items[i].id, *attended ? "attend" : "no_show",
					      NULL, appointment + 15, &a, err);
		}
	return rc;
}

/* Take a requested referral as far as the time allows. */
static fg_rc
advance(struct net *n, struct drawn *d, int64_t t, struct fg_error *err)
{
	double u = synth_rng_unit(&n->rng);
	int64_t appointment = 0;
	bool booked, attended;
	fg_rc rc;

	t += (int64_t)(draw_days(n, 0.1, 3) * DAY);
	if (t > n->end)
		return FG_OK;
	if (u >= 0.88)
		return step(n, d, u < 0.96 ? "reject" : "cancel", t,
			    u < 0.96 ? "no capacity for this service; refer elsewhere" : "the person declined",
			    NULL, NULL, err);
	rc = step(n, d, "accept", t, NULL, NULL, NULL, err);
	d->accepted_at = t;
	t += (int64_t)(draw_days(n, 0.2, 4) * DAY);
	if (rc != FG_OK || t > n->end)
		return rc;
	rc = schedule_referral(n, d, t, &appointment, &booked, err);
	if (rc != FG_OK || appointment + 60 > n->end)
		return rc;
	rc = attend_referral(n, d, appointment, booked, &attended, err);
	t = appointment + (int64_t)(draw_days(n, 0.5, 9) * DAY);
	if (rc != FG_OK || !attended || t > n->end)
		return rc;
	return step(n, d, "complete", t, NULL, NULL, NULL, err);
}

/* Keep an accepted referral for the consultations; false when out of memory. */
static bool
keep(struct fg_arena *arena, struct drawn **list, size_t *cap, size_t *n, const struct drawn *d)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct drawn *bigger = fg_arena_alloc(arena, ncap * sizeof(*bigger));

		if (bigger == NULL)
			return false;
		if (*n)
			memcpy(bigger, *list, *n * sizeof(*bigger));
		*list = bigger;
		*cap = ncap;
	}
	(*list)[(*n)++] = *d;
	return true;
}

/* Request the drawn referral at time t and take it as far as time allows. */
static fg_rc
request_referral(struct net *n, struct drawn *d, int64_t t, const char *reason,
		 struct fg_error *err)
{
	char person[24], from[24], to[24], at[FG_NET_TIME_MAX];
	struct fg_referral_input in;
	struct fg_referral r;
	fg_rc rc;

	snprintf(person, sizeof(person), "%lld", (long long)d->person_id);
	snprintf(from, sizeof(from), "%lld", (long long)d->from->id);
	snprintf(to, sizeof(to), "%lld", (long long)d->to->id);
	in = (struct fg_referral_input){.person = person, .from = from, .to = to, .kind = d->type,
					.reason = reason, .actor = "synthetic city",
					.at = at_text(n, t, at)};
	rc = fg_referral_request(n->store, &in, n->arena, &r, err);
	if (rc != FG_OK)
		return rc;
	d->id = r.id;
	n->report->referrals++;
	return advance(n, d, t, err);
}

static fg_rc
make_referrals(struct net *n, struct drawn **out, size_t *nout, size_t *cap,
	       struct fg_error *err)
{
	int64_t count = n->persons / PERSONS_PER_REFERRAL;
	fg_rc rc = FG_OK;

	if (count < MIN_REFERRALS)
		count = MIN_REFERRALS;
	for (int64_t i = 0; rc == FG_OK && i < count; i++) {
		int64_t t = n->start + (int64_t)(draw_days(n, 0, HISTORY_DAYS) * DAY);
		struct drawn d;

		if (!draw_referral(n, &d) || t > n->end)
			continue;
		rc = request_referral(n, &d, t, d.service ? "筛查阳性，需进一步检查 (synthetic)"
							  : "治疗后康复与随访 (synthetic)", err);
		if (rc == FG_OK && d.accepted_at && !keep(n->arena, out, cap, nout, &d))
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory generating referrals");
	}
	return rc;
}

/*
 * Persons with a positive screening exam (when the city has screening
 * histories) are referred up by their community centre a few days later,
 * so that the time from a positive screen to the diagnostic test exists.
 */
static fg_rc
refer_positive_screens(struct net *n, struct drawn **out, size_t *nout, size_t *cap,
		       struct fg_error *err)
{
	struct screen { int64_t person_id, exam; } *list = NULL;
	size_t count = 0, lcap = 0;
	char end[FG_NET_TIME_MAX];
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	rc = fg_store_prepare(n->store, "SELECT person_id, exam_date FROM screening_exam"
			      " WHERE positive = 1 AND exam_date < ? ORDER BY id LIMIT ?", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_net_time_format(n->end - 10 * DAY, end));
	fg_stmt_bind_int64(st, 2, MAX_SCREEN_REFERRALS);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (count == lcap) {
			struct screen *bigger = fg_arena_alloc(n->arena, (lcap ? 2 * lcap : 64) * sizeof(*bigger));

			if (bigger == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading screening exams");
				break;
			}
			if (count)
				memcpy(bigger, list, count * sizeof(*bigger));
			list = bigger;
			lcap = lcap ? 2 * lcap : 64;
		}
		list[count].person_id = fg_stmt_int64(st, 0);
		if (fg_net_time_parse(fg_stmt_text(st, 1), "exam_date", &list[count].exam, NULL) == FG_OK)
			count++;
	}
	fg_stmt_reset(st);
	for (size_t i = 0; rc == FG_OK && i < count; i++) {
		struct drawn d = {.person_id = list[i].person_id, .type = "suspected_cancer"};
		struct fg_person p;

		if (fg_person_get(n->store, d.person_id, &p, NULL) != FG_OK ||
		    (d.from = institution(n, p.institution_id)) == NULL ||
		    (d.to = institution(n, d.from->parent_id)) == NULL || d.to->id == d.from->id)
			continue;
		rc = request_referral(n, &d, list[i].exam + (int64_t)(draw_days(n, 1, 10) * DAY),
				      "筛查阳性，转诊确诊 (synthetic)", err);
		if (rc == FG_OK && d.accepted_at && !keep(n->arena, out, cap, nout, &d))
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory generating referrals");
	}
	return rc;
}

static const char *const experts[][2] = {
	{"陈志强", "胸外科"}, {"林晓东", "影像科"}, {"黄丽华", "病理科"}, {"张建国", "肿瘤内科"},
	{"吴敏", "放疗科"}, {"刘洋", "消化内科"},
};
#define NEXPERTS (sizeof(experts) / sizeof(experts[0]))

/* Invite two or three experts of institutions other than the requester. */
static fg_rc
invite_experts(struct net *n, int64_t id, int64_t requester, int64_t t, int64_t *participants,
	       int *count, struct fg_error *err)
{
	int want = 2 + (int)synth_rng_below(&n->rng, 2);
	char at[FG_NET_TIME_MAX];
	fg_rc rc = FG_OK;

	*count = 0;
	for (int tries = 0; rc == FG_OK && *count < want && tries < 20; tries++) {
		const struct fg_institution *in = &n->inst.items[synth_rng_below(&n->rng, n->inst.count)];
		size_t e = (size_t)synth_rng_below(&n->rng, NEXPERTS);
		char ref[24];

		if (in->id == requester || strcmp(in->kind, "community") == 0)
			continue;
		snprintf(ref, sizeof(ref), "%lld", (long long)in->id);
		rc = fg_consult_invite(n->store, id, ref, experts[e][0], experts[e][1], at_text(n, t, at),
				       &participants[*count], err);
		if (rc == FG_CONFLICT)	/* the same expert drawn twice */
			rc = FG_OK;
		else if (rc == FG_OK)
			(*count)++;
	}
	return rc;
}

static fg_rc
run_consultation(struct net *n, const struct drawn *d, struct fg_error *err)
{
	struct fg_consult_input in = {.question = "影像与病理是否支持手术？请会诊 (synthetic)",
				      .actor = "synthetic city"};
	char person[24], inst[24], ref[24], at[FG_NET_TIME_MAX];
	int64_t t = d->accepted_at + (int64_t)(draw_days(n, 0.5, 5) * DAY), participants[3];
	struct fg_consultation c;
	int count;
	fg_rc rc;

	if (t > n->end)
		return FG_OK;
	snprintf(person, sizeof(person), "%lld", (long long)d->person_id);
	snprintf(inst, sizeof(inst), "%lld", (long long)d->to->id);
	snprintf(ref, sizeof(ref), "%lld", (long long)d->id);
	in.person = person;
	in.institution = inst;
	in.referral = ref;
	in.kind = synth_rng_unit(&n->rng) < 0.6 ? "mdt" : "remote";
	in.at = at_text(n, t, at);
	rc = fg_consult_request(n->store, &in, n->arena, &c, err);
	if (rc == FG_OK)
		rc = invite_experts(n, c.id, d->to->id, t, participants, &count, err);
	n->report->consultations += rc == FG_OK;
	t += (int64_t)(draw_days(n, 1, 5) * DAY);
	if (rc != FG_OK || t > n->end || count == 0)
		return rc;
	rc = fg_consult_schedule(n->store, c.id, at_text(n, t, at), err);
	for (int i = 0; rc == FG_OK && i < count; i++) {
		t += (int64_t)(draw_days(n, 0.02, 0.3) * DAY);
		if (t > n->end)
			return FG_OK;
		rc = fg_consult_opinion(n->store, c.id, participants[i], "同意手术，术前完善分期 (synthetic)",
					at_text(n, t, at), err);
	}
	t += (int64_t)(draw_days(n, 0.05, 2) * DAY);
	if (rc != FG_OK || t > n->end)
		return rc;
	return fg_consult_conclude(n->store, c.id, "多学科讨论：建议手术治疗 (synthetic)", at_text(n, t, at), err);
}

static fg_rc
make_consultations(struct net *n, const struct drawn *accepted, size_t naccepted,
		   struct fg_error *err)
{
	int64_t count = n->persons / PERSONS_PER_CONSULT;
	fg_rc rc = FG_OK;

	if (count < 5)
		count = 5;
	for (int64_t i = 0; rc == FG_OK && i < count && naccepted > 0; i++)
		rc = run_consultation(n, &accepted[synth_rng_below(&n->rng, naccepted)], err);
	return rc;
}

static fg_rc
count_persons(fg_store *store, int64_t *persons, struct fg_error *err)
{
	fg_stmt *st;
	fg_rc rc = fg_store_prepare(store, "SELECT count(*) FROM person", &st, err);

	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, persons, NULL, err);
	if (rc == FG_OK && *persons == 0)
		rc = fg_error_set(err, FG_INVALID, "persons", "the synthetic network needs residents");
	return rc;
}

fg_rc
fg_synth_network(fg_store *store, const struct fg_synth_options *opts,
		 struct fg_synth_network_report *report, struct fg_error *err)
{
	struct drawn *accepted = NULL;
	struct fg_arena arena;
	size_t naccepted = 0, cap = 0;
	int64_t now = fg_net_now();
	struct net n;
	fg_rc rc;

	memset(report, 0, sizeof(*report));
	memset(&n, 0, sizeof(n));
	fg_arena_init(&arena, 0);
	n.store = store;
	n.report = report;
	n.arena = &arena;
	synth_rng_seed(&n.rng, opts->seed ^ 0x6e6574776f726bULL);	/* "network" */
	n.end = (int64_t)opts->as_of * DAY + 18 * 60;
	if (n.end > now)
		n.end = now;
	n.start = (n.end / DAY - HISTORY_DAYS) * DAY;
	rc = count_persons(store, &n.persons, err);
	if (rc == FG_OK)
		rc = fg_institution_list(store, &arena, &n.inst, err);
	if (rc == FG_OK)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK)
		goto out;
	rc = publish_schedules(&n, err);
	if (rc == FG_OK)
		rc = book_screenings(&n, err);
	if (rc == FG_OK)
		rc = refer_positive_screens(&n, &accepted, &naccepted, &cap, err);
	if (rc == FG_OK)
		rc = make_referrals(&n, &accepted, &naccepted, &cap, err);
	if (rc == FG_OK)
		rc = make_consultations(&n, accepted, naccepted, err);
	if (rc == FG_OK)
		rc = fg_store_commit(store, err);
	else
		fg_store_rollback(store);
out:
	fg_arena_free(&arena);
	return rc;
}
