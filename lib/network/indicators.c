/*
 * indicators.c
 *	  Indicators of the referral network: referral completion and time per
 *	  step by receiving institution; consultation turnaround by requesting
 *	  institution; slot utilisation and no-show rate by institution and
 *	  service; time from a positive screen to the first diagnostic test.
 *
 * Durations are in days (minutes / 1440) and summarised by count, median
 * and mean.  Each list ends with a total row (institution_id 0).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fangai/network.h"
#include "fangai/util.h"
#include "network_int.h"

#define NSTEPS 4
#define SCREEN_TARGET_DAYS 28	/* as the Faster Diagnosis Standard of referral-types.csv */
#define SCREEN_WINDOW_DAYS 180	/* a later test is not counted as the screen's follow-up */

/* Durations collected for one group, in the arena. */
struct series {
	double *v;
	size_t n, cap;
};

static bool
series_add(struct fg_arena *arena, struct series *s, double days)
{
	if (!net_grow(arena, (void **)&s->v, &s->cap, s->n, sizeof(double)))
		return false;
	s->v[s->n++] = days;
	return true;
}

static struct fg_net_duration
summarise(struct series *s)
{
	struct fg_net_duration d = {.n = (int64_t)s->n, .median_days = NAN, .mean_days = NAN};
	double sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	if (s->n > 0)
		d.mean_days = sum / (double)s->n;
	d.median_days = net_median(s->v, s->n);
	return d;
}

static double
ratio(int64_t num, int64_t den)
{
	return den > 0 ? (double)num / (double)den : NAN;
}

/* Days between two network times given as text; false if either is missing. */
static bool
days_between(const char *from, const char *to, double *days)
{
	int64_t a, b;

	if (from == NULL || to == NULL || !*from || !*to ||
	    fg_net_time_parse(from, "from", &a, NULL) != FG_OK ||
	    fg_net_time_parse(to, "to", &b, NULL) != FG_OK)
		return false;
	*days = (double)(b - a) / FG_MINUTES_PER_DAY;
	return true;
}

static void
bind_bounds(fg_stmt *st, int first, int64_t from, int64_t to)
{
	char a[FG_NET_TIME_MAX], b[FG_NET_TIME_MAX];

	if (from)
		fg_stmt_bind_text(st, first, fg_net_time_format(from, a));
	if (to)
		fg_stmt_bind_text(st, first + 1, fg_net_time_format(to, b));
}

/* ---- referrals ---- */

struct referral_group {
	struct fg_referral_indicator ind;
	struct series step[NSTEPS];
};

/* Start a new group row in out, the list growing in arena. */
static struct referral_group *
referral_group(struct fg_arena *arena, struct referral_group **groups, size_t *n, size_t *cap,
	       int64_t institution_id, const char *name)
{
	struct referral_group *g;

	if (!net_grow(arena, (void **)groups, cap, *n, sizeof(**groups)))
		return NULL;
	g = &(*groups)[(*n)++];
	memset(g, 0, sizeof(*g));
	g->ind.institution_id = institution_id;
	fg_strlcpy(g->ind.institution, name, sizeof(g->ind.institution));
	return g;
}

/* Add one referral (a row of the query below) to group g. */
static bool
referral_add(struct fg_arena *arena, struct referral_group *g, fg_stmt *st,
	     const struct fg_referral_type *types, size_t ntypes)
{
	const char *state = fg_stmt_text(st, 3), *kind = fg_stmt_text(st, 4);
	const char *t[NSTEPS + 1];
	double days;

	for (int i = 0; i <= NSTEPS; i++)
		t[i] = fg_stmt_text(st, 5 + i);
	g->ind.referrals++;
	if (strcmp(state, "completed") == 0)
		g->ind.completed++;
	else if (strcmp(state, "rejected") == 0)
		g->ind.rejected++;
	else if (strcmp(state, "cancelled") == 0)
		g->ind.cancelled++;
	else
		g->ind.open++;
	for (int i = 0; i < NSTEPS; i++)
		if (days_between(t[i], t[i + 1], &days) && !series_add(arena, &g->step[i], days))
			return false;
	if (days_between(t[0], t[3], &days)) {
		g->ind.attended++;
		for (size_t k = 0; k < ntypes; k++)
			if (strcmp(types[k].kind, kind) == 0 && days <= types[k].total_days)
				g->ind.within_total_target++;
	}
	return true;
}

static void
referral_finish(struct referral_group *g)
{
	for (int i = 0; i < NSTEPS; i++)
		g->ind.step[i] = summarise(&g->step[i]);
	g->ind.completion_rate = ratio(g->ind.completed,
				       g->ind.completed + g->ind.rejected + g->ind.cancelled);
}

/* Overdue referrals of the group, among those requested in [from, to). */
static void
count_overdue(const struct fg_referral_overdue_list *od, int64_t from, int64_t to,
	      struct fg_referral_indicator *ind)
{
	char a[FG_NET_TIME_MAX] = "", b[FG_NET_TIME_MAX] = "";

	if (from)
		fg_net_time_format(from, a);
	if (to)
		fg_net_time_format(to, b);
	for (size_t i = 0; i < od->count; i++) {
		const struct fg_referral *r = &od->items[i].referral;

		if ((ind->institution_id == 0 || r->to_institution_id == ind->institution_id) &&
		    strcmp(r->requested_at, a) >= 0 && (!to || strcmp(r->requested_at, b) < 0))
			ind->overdue++;
	}
}

static fg_rc
referral_indicators(fg_store *store, int64_t now, int64_t from, int64_t to,
		    struct fg_arena *arena, struct fg_network_indicators *out, struct fg_error *err)
{
	struct referral_group *groups = NULL, *g = NULL, *total;
	struct fg_referral_overdue_list od;
	struct fg_referral_type *types;
	size_t n = 0, cap = 0, ntypes;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	rc = net_referral_types(NULL, arena, &types, &ntypes, err);
	if (rc == FG_OK)
		rc = fg_referral_overdue(store, now, 0, arena, &od, err);
	if (rc == FG_OK)
		rc = fg_store_prepare(store,
			"SELECT r.id, r.to_institution_id, i.name, r.state, r.kind, r.requested_at,"
			" (SELECT min(at) FROM referral_event e WHERE e.referral_id = r.id"
			"  AND e.action IN ('accept', 'reject')),"
			" (SELECT min(at) FROM referral_event e WHERE e.referral_id = r.id AND e.action = 'schedule'),"
			" (SELECT min(at) FROM referral_event e WHERE e.referral_id = r.id AND e.action = 'attend'),"
			" (SELECT min(at) FROM referral_event e WHERE e.referral_id = r.id AND e.action = 'complete')"
			" FROM referral r JOIN institution i ON i.id = r.to_institution_id"
			" WHERE (?1 IS NULL OR r.requested_at >= ?1) AND (?2 IS NULL OR r.requested_at < ?2)"
			" ORDER BY r.to_institution_id, r.id", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_bounds(st, 1, from, to);
	total = referral_group(arena, &groups, &n, &cap, 0, "all");
	while (total != NULL && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		int64_t inst = fg_stmt_int64(st, 1);

		if (g == NULL || g->ind.institution_id != inst) {
			g = referral_group(arena, &groups, &n, &cap, inst, fg_stmt_text(st, 2));
			total = &groups[0];	/* the list may have moved */
		}
		if (g == NULL || !referral_add(arena, g, st, types, ntypes) ||
		    !referral_add(arena, total, st, types, ntypes)) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing referral indicators");
			break;
		}
	}
	fg_stmt_reset(st);
	if (total == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing referral indicators");
	if (rc != FG_OK)
		return rc;
	out->referral = fg_arena_alloc(arena, n * sizeof(*out->referral));
	if (out->referral == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing referral indicators");
	/* Institutions first, the total last. */
	for (size_t i = 0; i < n; i++) {
		struct referral_group *src = &groups[(i + 1) % n];

		referral_finish(src);
		count_overdue(&od, from, to, &src->ind);
		out->referral[i] = src->ind;
	}
	out->nreferral = n;
	return FG_OK;
}

/* ---- consultations ---- */

static void
consult_add(struct fg_consult_indicator *c, const char *state, int64_t opinions,
	    int64_t *concluded_opinions)
{
	c->requested++;
	if (strcmp(state, "concluded") == 0) {
		c->concluded++;
		*concluded_opinions += opinions;
	} else if (strcmp(state, "cancelled") == 0)
		c->cancelled++;
	else
		c->open++;
}

static fg_rc
consult_indicators(fg_store *store, int64_t from, int64_t to, struct fg_arena *arena,
		   struct fg_network_indicators *out, struct fg_error *err)
{
	struct fg_consult_indicator *items = NULL;
	struct series *turn = NULL;
	int64_t *opinions = NULL;
	size_t n = 1, cap = 0, scap = 0, ocap = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	if (!net_grow(arena, (void **)&items, &cap, 0, sizeof(*items)) ||
	    !net_grow(arena, (void **)&turn, &scap, 0, sizeof(*turn)) ||
	    !net_grow(arena, (void **)&opinions, &ocap, 0, sizeof(*opinions)))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing consultation indicators");
	memset(&items[0], 0, sizeof(items[0]));
	memset(&turn[0], 0, sizeof(turn[0]));
	opinions[0] = 0;
	fg_strlcpy(items[0].institution, "all", sizeof(items[0].institution));
	rc = fg_store_prepare(store,
		"SELECT c.institution_id, i.name, c.state, c.requested_at, coalesce(c.concluded_at, ''),"
		" (SELECT count(*) FROM consultation_participant p WHERE p.consultation_id = c.id"
		"  AND p.opinion IS NOT NULL)"
		" FROM consultation c JOIN institution i ON i.id = c.institution_id"
		" WHERE (?1 IS NULL OR c.requested_at >= ?1) AND (?2 IS NULL OR c.requested_at < ?2)"
		" ORDER BY c.institution_id, c.id", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_bounds(st, 1, from, to);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		int64_t inst = fg_stmt_int64(st, 0), nop = fg_stmt_int64(st, 5);
		const char *state = fg_stmt_text(st, 2);
		double days;

		if (items[n - 1].institution_id != inst || n == 1) {
			if (!net_grow(arena, (void **)&items, &cap, n, sizeof(*items)) ||
			    !net_grow(arena, (void **)&turn, &scap, n, sizeof(*turn)) ||
			    !net_grow(arena, (void **)&opinions, &ocap, n, sizeof(*opinions))) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing consultation indicators");
				break;
			}
			memset(&items[n], 0, sizeof(items[n]));
			memset(&turn[n], 0, sizeof(turn[n]));
			opinions[n] = 0;
			items[n].institution_id = inst;
			fg_strlcpy(items[n].institution, fg_stmt_text(st, 1), sizeof(items[n].institution));
			n++;
		}
		consult_add(&items[n - 1], state, nop, &opinions[n - 1]);
		consult_add(&items[0], state, nop, &opinions[0]);
		if (days_between(fg_stmt_text(st, 3), fg_stmt_text(st, 4), &days) &&
		    (!series_add(arena, &turn[n - 1], days) || !series_add(arena, &turn[0], days))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing consultation indicators");
			break;
		}
	}
	fg_stmt_reset(st);
	if (rc != FG_OK)
		return rc;
	out->consult = fg_arena_alloc(arena, n * sizeof(*out->consult));
	if (out->consult == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory computing consultation indicators");
	for (size_t i = 0; i < n; i++) {
		size_t k = (i + 1) % n;

		items[k].turnaround = summarise(&turn[k]);
		items[k].opinions_per_consultation = ratio(opinions[k], items[k].concluded);
		out->consult[i] = items[k];
	}
	out->nconsult = n;
	return FG_OK;
}

/* ---- the appointment platform ---- */

static void
booking_add(struct fg_booking_indicator *to, fg_stmt *st)
{
	to->slots += fg_stmt_int64(st, 3);
	to->capacity += fg_stmt_int64(st, 4);
	to->booked += fg_stmt_int64(st, 5);
	to->attended += fg_stmt_int64(st, 6);
	to->no_show += fg_stmt_int64(st, 7);
	to->cancelled += fg_stmt_int64(st, 8);
}

static void
booking_finish(struct fg_booking_indicator *b)
{
	b->utilisation = ratio(b->booked, b->capacity);
	b->no_show_rate = ratio(b->no_show, b->attended + b->no_show);
}

static fg_rc
booking_indicators(fg_store *store, int64_t now, int64_t from, int64_t to,
		   struct fg_arena *arena, struct fg_network_indicators *out, struct fg_error *err)
{
	struct fg_booking_indicator total = {.institution_id = 0};
	size_t cap = 0;
	char t[FG_NET_TIME_MAX];
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	fg_strlcpy(total.institution, "all", sizeof(total.institution));
	rc = fg_store_prepare(store,
		"SELECT s.institution_id, i.name, sc.service, count(*), sum(s.capacity), sum(s.booked),"
		" sum(a.attended), sum(a.no_show), sum(a.cancelled)"
		" FROM slot s JOIN schedule sc ON sc.id = s.schedule_id"
		" JOIN institution i ON i.id = s.institution_id"
		" LEFT JOIN (SELECT slot_id,"
		"  sum(CASE WHEN state = 'attended' THEN 1 ELSE 0 END) AS attended,"
		"  sum(CASE WHEN state = 'no_show' THEN 1 ELSE 0 END) AS no_show,"
		"  sum(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled"
		"  FROM appointment GROUP BY slot_id) a ON a.slot_id = s.id"
		" WHERE s.starts_at < ?3 AND (?1 IS NULL OR s.starts_at >= ?1) AND (?2 IS NULL OR s.starts_at < ?2)"
		" GROUP BY s.institution_id, i.name, sc.service ORDER BY s.institution_id, sc.service",
		&st, err);
	if (rc != FG_OK)
		return rc;
	bind_bounds(st, 1, from, to);
	fg_stmt_bind_text(st, 3, fg_net_time_format(now, t));
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		struct fg_booking_indicator *b;

		if (!net_grow(arena, (void **)&out->booking, &cap, out->nbooking + 1, sizeof(*b))) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing booking indicators");
			break;
		}
		b = &out->booking[out->nbooking++];
		memset(b, 0, sizeof(*b));
		b->institution_id = fg_stmt_int64(st, 0);
		fg_strlcpy(b->institution, fg_stmt_text(st, 1), sizeof(b->institution));
		fg_strlcpy(b->service, fg_stmt_text(st, 2), sizeof(b->service));
		booking_add(b, st);
		booking_add(&total, st);
		booking_finish(b);
	}
	fg_stmt_reset(st);
	if (rc == FG_OK && !net_grow(arena, (void **)&out->booking, &cap, out->nbooking, sizeof(total)))
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing booking indicators");
	if (rc != FG_OK)
		return rc;
	booking_finish(&total);
	out->booking[out->nbooking++] = total;
	return FG_OK;
}

/* ---- positive screen to diagnostic test ---- */

static fg_rc
screen_indicator(fg_store *store, int64_t from, int64_t to, struct fg_arena *arena,
		 struct fg_screen_indicator *out, struct fg_error *err)
{
	struct series s = {0};
	int64_t exams = 0;
	bool row = true;
	fg_stmt *st;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	rc = fg_store_prepare(store, "SELECT count(*) FROM screening_exam", &st, err);
	if (rc == FG_OK)
		rc = fg_stmt_scalar_int64(st, &exams, NULL, err);
	if (rc != FG_OK || exams == 0) {
		out->to_test = summarise(&s);
		return rc;
	}
	out->available = true;
	/* The first diagnostic test after the exam: an attended appointment that does not
	 * belong to the screening episode itself, or the attendance of a referral. */
	rc = fg_store_prepare(store,
		"SELECT x.exam_date,"
		" (SELECT min(sl.starts_at) FROM appointment a JOIN slot sl ON sl.id = a.slot_id"
		"  WHERE a.person_id = x.person_id AND a.state = 'attended' AND sl.starts_at >= x.exam_date"
		"  AND coalesce(a.episode_id, 0) <> x.episode_id),"
		" (SELECT min(e.at) FROM referral_event e JOIN referral r ON r.id = e.referral_id"
		"  WHERE r.person_id = x.person_id AND e.action = 'attend' AND e.at >= x.exam_date)"
		" FROM screening_exam x WHERE x.positive = 1"
		" AND (?1 IS NULL OR x.exam_date >= substr(?1, 1, 10))"
		" AND (?2 IS NULL OR x.exam_date < substr(?2, 1, 10))", &st, err);
	if (rc != FG_OK)
		return rc;
	bind_bounds(st, 1, from, to);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		const char *exam = fg_stmt_text(st, 0), *appt = fg_stmt_text(st, 1), *ref = fg_stmt_text(st, 2);
		const char *first = appt && ref ? (strcmp(appt, ref) < 0 ? appt : ref) : appt ? appt : ref;
		double days;

		out->positive++;
		if (first == NULL || !days_between(exam, first, &days) || days > SCREEN_WINDOW_DAYS)
			continue;
		out->diagnosed++;
		if (days <= SCREEN_TARGET_DAYS)
			out->within_28_days++;
		if (!series_add(arena, &s, days)) {
			rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory computing the screening indicator");
			break;
		}
	}
	fg_stmt_reset(st);
	out->to_test = summarise(&s);
	return rc;
}

fg_rc
fg_network_indicators(fg_store *store, int64_t now, int64_t from, int64_t to,
		      struct fg_arena *arena, struct fg_network_indicators *out,
		      struct fg_error *err)
{
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	out->as_of = now;
	rc = referral_indicators(store, now, from, to, arena, out, err);
	if (rc == FG_OK)
		rc = consult_indicators(store, from, to, arena, out, err);
	if (rc == FG_OK)
		rc = booking_indicators(store, now, from, to, arena, out, err);
	if (rc == FG_OK)
		rc = screen_indicator(store, from, to, arena, &out->screen, err);
	return rc;
}
