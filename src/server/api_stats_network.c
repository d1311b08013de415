/*
 * api_stats_network.c
 *	  GET /api/stats/network[?from=&to=&as_of=]: the referral network's
 *	  indicators, computed by the network library (fg_network_indicators,
 *	  as `fangai network indicators` prints them): referral completion and
 *	  median days per step by receiving institution, consultation
 *	  turnaround by requesting institution, slot utilisation and no-show
 *	  rate by institution and service, and the time from a positive
 *	  screen to the first diagnostic test.  Users outside the cancer
 *	  centre get the rows of their own institution, without the region's
 *	  totals and the screening figure.
 */
#include <math.h>

#include "fangai/network.h"
#include "fangai/nettime.h"
#include "api_clinical.h"

static void
add_int(json_object *o, const char *name, int64_t v)
{
	json_object_object_add(o, name, json_object_new_int64(v));
}

static void
add_real(json_object *o, const char *name, double v)
{
	json_object_object_add(o, name, isnan(v) ? NULL : json_object_new_double(v));
}

static void
add_institution(json_object *o, int64_t id, const char *name)
{
	json_object_object_add(o, "institution_id", id ? json_object_new_int64(id) : NULL);
	json_object_object_add(o, "institution", json_object_new_string(name));
}

static json_object *
json_duration(const struct fg_net_duration *d)
{
	json_object *o = json_object_new_object();

	add_int(o, "n", d->n);
	add_real(o, "median_days", d->median_days);
	add_real(o, "mean_days", d->mean_days);
	return o;
}

static json_object *
json_referral_row(const struct fg_referral_indicator *r)
{
	static const char *const steps[] = {"accept", "schedule", "attend", "complete"};
	json_object *o = json_object_new_object(), *s = json_object_new_object();

	add_institution(o, r->institution_id, r->institution);
	add_int(o, "referrals", r->referrals);
	add_int(o, "open", r->open);
	add_int(o, "completed", r->completed);
	add_int(o, "rejected", r->rejected);
	add_int(o, "cancelled", r->cancelled);
	add_int(o, "overdue", r->overdue);
	add_real(o, "completion_rate", r->completion_rate);
	for (size_t i = 0; i < 4; i++)
		json_object_object_add(s, steps[i], json_duration(&r->step[i]));
	json_object_object_add(o, "steps", s);
	add_int(o, "attended", r->attended);
	add_int(o, "within_total_target", r->within_total_target);
	add_real(o, "within_target_rate", r->attended ? (double)r->within_total_target / (double)r->attended : NAN);
	return o;
}

static json_object *
json_consult_row(const struct fg_consult_indicator *k)
{
	json_object *o = json_object_new_object();

	add_institution(o, k->institution_id, k->institution);
	add_int(o, "requested", k->requested);
	add_int(o, "concluded", k->concluded);
	add_int(o, "cancelled", k->cancelled);
	add_int(o, "open", k->open);
	json_object_object_add(o, "turnaround", json_duration(&k->turnaround));
	add_real(o, "opinions_per_consultation", k->opinions_per_consultation);
	return o;
}

static json_object *
json_booking_row(const struct fg_booking_indicator *b)
{
	json_object *o = json_object_new_object();

	add_institution(o, b->institution_id, b->institution);
	json_object_object_add(o, "service", json_object_new_string(b->service));
	add_int(o, "slots", b->slots);
	add_int(o, "capacity", b->capacity);
	add_int(o, "booked", b->booked);
	add_int(o, "attended", b->attended);
	add_int(o, "no_show", b->no_show);
	add_int(o, "cancelled", b->cancelled);
	add_real(o, "utilisation", b->utilisation);
	add_real(o, "no_show_rate", b->no_show_rate);
	return o;
}

static json_object *
json_screen(const struct fg_screen_indicator *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "available", json_object_new_boolean(s->available));
	add_int(o, "positive", s->positive);
	add_int(o, "diagnosed", s->diagnosed);
	json_object_object_add(o, "to_test", json_duration(&s->to_test));
	add_int(o, "within_28_days", s->within_28_days);
	return o;
}

/* True if the request may see a row of institution id: the region sees all, others their own. */
static bool
row_visible(const struct request *req, int64_t id)
{
	return req->scope.region || (id != 0 && id == req->scope.institution_id);
}

/* A time argument in minutes, def when absent; replies 400 naming it and returns false. */
static bool
time_arg(struct request *req, const char *name, int64_t def, int64_t *out)
{
	const char *text = req_query(req, name);
	struct fg_error err;

	*out = def;
	if (text == NULL || fg_net_time_parse(text, name, out, &err) == FG_OK)
		return true;
	reply_error(req, 400, name, err.message, NULL, "Give a time as YYYY-MM-DDTHH:MM or a date.");
	return false;
}

void
api_stats_network(struct request *req)
{
	struct fg_network_indicators ind;
	json_object *o, *a;
	struct fg_error err;
	char t[FG_NET_TIME_MAX];
	int64_t now, from, to;

	if (!time_arg(req, "as_of", fg_net_now(), &now) || !time_arg(req, "from", 0, &from) ||
	    !time_arg(req, "to", 0, &to))
		return;
	if (fg_network_indicators(req->store, now, from, to, req->arena, &ind, &err) != FG_OK) {
		reply_fg_error(req, &err);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "as_of", json_object_new_string(fg_net_time_format(ind.as_of, t)));
	a = json_object_new_array();
	for (size_t i = 0; i < ind.nreferral; i++)
		if (row_visible(req, ind.referral[i].institution_id))
			json_object_array_add(a, json_referral_row(&ind.referral[i]));
	json_object_object_add(o, "referrals", a);
	a = json_object_new_array();
	for (size_t i = 0; i < ind.nconsult; i++)
		if (row_visible(req, ind.consult[i].institution_id))
			json_object_array_add(a, json_consult_row(&ind.consult[i]));
	json_object_object_add(o, "consultations", a);
	a = json_object_new_array();
	for (size_t i = 0; i < ind.nbooking; i++)
		if (row_visible(req, ind.booking[i].institution_id))
			json_object_array_add(a, json_booking_row(&ind.booking[i]));
	json_object_object_add(o, "bookings", a);
	json_object_object_add(o, "screen_to_test", req->scope.region ? json_screen(&ind.screen) : NULL);
	reply_json(req, 200, o);
}
