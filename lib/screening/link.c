/*
 * link.c
 *	  The link from the cancer registry to screening: a tumour of a site a
 *	  programme covers is screen-detected, an interval cancer, or a cancer
 *	  of a non-participant.
 *
 * Definitions (ours, after the usual ones of screening programme
 * evaluation): screen-detected when a positive result of the site's
 * programme came at most 365 days before the incidence date; interval
 * cancer when the last exam before the incidence date gave a routine
 * (negative) result and the incidence date falls within the programme
 * version's routine interval after it; otherwise non-participant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/util.h"
#include "screening_episode_int.h"

#define SCREEN_WINDOW_DAYS 365

static const char *const detection_names[] = {
	[FG_DETECTION_NON_PARTICIPANT] = "non_participant",
	[FG_DETECTION_SCREEN] = "screen",
	[FG_DETECTION_INTERVAL] = "interval",
};

const char *
fg_detection_name(enum fg_detection d)
{
	return detection_names[d];
}

/* True if the three-character site of topography lies in a range "C33-C34" or "C50". */
static bool
site_covers(const char *range, const char *topography)
{
	char lo[4] = "", hi[4] = "", site[4];
	const char *dash = strchr(range, '-');

	if (strlen(topography) < 3)
		return false;
	memcpy(site, topography, 3);
	site[3] = '\0';
	memcpy(lo, range, 3);
	memcpy(hi, dash ? dash + 1 : range, 3);
	return strcmp(site, lo) >= 0 && strcmp(site, hi) <= 0;
}

/* One episode's part in the decision, for the episodes read in date order. */
static void
weigh_episode(fg_stmt *st, const fg_programme *p, fg_date incidence, enum fg_detection *out,
	      int64_t *episode, fg_date *last_exam)
{
	fg_date positive = FG_DATE_NONE, closed = FG_DATE_NONE;
	const char *end = fg_stmt_text(st, 4);

	if (!fg_stmt_is_null(st, 2))
		fg_date_parse(fg_stmt_text(st, 2), "positive_on", &positive, NULL);
	if (!fg_stmt_is_null(st, 3))
		fg_date_parse(fg_stmt_text(st, 3), "closed_on", &closed, NULL);
	if (positive != FG_DATE_NONE && positive <= incidence && incidence - positive <= SCREEN_WINDOW_DAYS) {
		*out = FG_DETECTION_SCREEN;
		*episode = fg_stmt_int64(st, 0);
		*last_exam = positive;
	} else if (end != NULL && strcmp(end, "normal") == 0 && closed != FG_DATE_NONE && closed < incidence &&
		   closed >= *last_exam) {
		*last_exam = closed;
		if (incidence <= fg_date_add_months(closed, fg_programme_info(p)->interval_months)) {
			*out = FG_DETECTION_INTERVAL;
			*episode = fg_stmt_int64(st, 0);
		} else if (*out == FG_DETECTION_INTERVAL)
			*out = FG_DETECTION_NON_PARTICIPANT;
	}
}

fg_rc
fg_screen_detection(fg_screening *s, int64_t person, const char *topography, fg_date incidence,
		    enum fg_detection *out, int64_t *episode, struct fg_error *err)
{
	fg_date last_exam = FG_DATE_NONE;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*out = FG_DETECTION_NON_PARTICIPANT;
	*episode = 0;
	rc = fg_store_prepare(screening_store(s), "SELECT e.id, e.programme_id, e.positive_on, e.closed_on,"
			      " e.end_code, p.site FROM screening_episode e JOIN screening_programme p"
			      " ON p.id = e.programme_id WHERE e.person_id = ? AND e.screened_on IS NOT NULL"
			      " ORDER BY e.screened_on, e.id", &st, err);
	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_int64(st, 1, person);
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		const fg_programme *p;

		if (!site_covers(fg_stmt_text(st, 5), topography))
			continue;
		rc = screening_programme_by_id(s, fg_stmt_int64(st, 1), &p, err);
		if (rc != FG_OK)
			break;
		weigh_episode(st, p, incidence, out, episode, &last_exam);
	}
	fg_stmt_reset(st);
	return rc;
}

/* The tumours without a detection code: id, person, topography, incidence. */
struct pending {
	int64_t id, person;
	char topography[8];
	fg_date incidence;
};

static fg_rc
read_pending(fg_screening *s, struct pending **list, size_t *n, struct fg_error *err)
{
	size_t cap = 0;
	fg_stmt *st;
	bool row;
	fg_rc rc;

	*list = NULL;
	*n = 0;
	rc = fg_store_prepare(screening_store(s), "SELECT id, person_id, topography, incidence_date FROM tumour"
			      " WHERE detection IS NULL ORDER BY id", &st, err);
	if (rc != FG_OK)
		return rc;
	while ((rc = fg_stmt_step(st, &row, err)) == FG_OK && row) {
		if (*n == cap) {
			struct pending *grown = realloc(*list, (cap ? cap * 2 : 256) * sizeof(**list));

			if (grown == NULL) {
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading tumours");
				break;
			}
			*list = grown;
			cap = cap ? cap * 2 : 256;
		}
		(*list)[*n].id = fg_stmt_int64(st, 0);
		(*list)[*n].person = fg_stmt_int64(st, 1);
		fg_strlcpy((*list)[*n].topography, fg_stmt_text(st, 2), sizeof((*list)[*n].topography));
		if (fg_date_parse(fg_stmt_text(st, 3), "incidence_date", &(*list)[*n].incidence, err) != FG_OK) {
			rc = FG_INVALID;
			break;
		}
		(*n)++;
	}
	fg_stmt_reset(st);
	return rc;
}

static fg_rc
set_detection(fg_screening *s, int64_t tumour, enum fg_detection d, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(screening_store(s), "UPDATE tumour SET detection = ?, version = version + 1"
				    " WHERE id = ?", &st, err);

	if (rc != FG_OK)
		return rc;
	fg_stmt_bind_text(st, 1, fg_detection_name(d));
	fg_stmt_bind_int64(st, 2, tumour);
	rc = fg_stmt_step(st, &row, err);
	fg_stmt_reset(st);
	return rc;
}

/* True if any programme version in use covers the topography. */
static fg_rc
covered(fg_screening *s, const char *topography, bool *yes, struct fg_error *err)
{
	fg_stmt *st;
	bool row;
	fg_rc rc = fg_store_prepare(screening_store(s), "SELECT DISTINCT site FROM screening_programme", &st, err);

	*yes = false;
	while (rc == FG_OK && (rc = fg_stmt_step(st, &row, err)) == FG_OK && row)
		*yes |= site_covers(fg_stmt_text(st, 0), topography);
	fg_stmt_reset(st);
	return rc;
}

fg_rc
fg_screen_link_tumours(fg_screening *s, int64_t *linked, struct fg_error *err)
{
	fg_store *store = screening_store(s);
	struct pending *list = NULL;
	size_t n = 0;
	fg_rc rc;

	*linked = 0;
	rc = read_pending(s, &list, &n, err);
	if (rc == FG_OK && n > 0)
		rc = fg_store_begin(store, err);
	if (rc != FG_OK || n == 0) {
		free(list);
		return rc;
	}
	for (size_t i = 0; i < n && rc == FG_OK; i++) {
		enum fg_detection d;
		int64_t episode;
		bool yes;

		rc = covered(s, list[i].topography, &yes, err);
		if (rc != FG_OK || !yes)
			continue;
		rc = fg_screen_detection(s, list[i].person, list[i].topography, list[i].incidence, &d, &episode, err);
		if (rc == FG_OK)
			rc = set_detection(s, list[i].id, d, err);
		*linked += rc == FG_OK;
	}
	free(list);
	if (rc == FG_OK)
		return fg_store_commit(store, err);
	fg_store_rollback(store);
	return rc;
}
