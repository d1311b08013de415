/*
 * standardise.c
 *	  Age-standardised survival with the International Cancer Survival
 *	  Standards (Corazziari, Quinn and Capocaccia, Eur J Cancer 2004).
 */
#include <math.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/util.h"
#include "survival_int.h"

/* Lower bounds of the ICSS groups, in years; the last is open. */
static const int icss_lower[FG_ICSS_GROUPS] = {15, 45, 55, 65, 75};
static const char *const icss_labels[FG_ICSS_GROUPS] = {"15-44", "45-54", "55-64", "65-74", "75+"};

int
fg_icss_group(double age_years)
{
	for (int g = FG_ICSS_GROUPS - 1; g >= 0; g--)
		if (age_years >= icss_lower[g])
			return g;
	return -1;
}

const char *
fg_icss_label(int g)
{
	return g >= 0 && g < FG_ICSS_GROUPS ? icss_labels[g] : "";
}

fg_rc
fg_icss_weights_load(const char *path, int standard, double weights[FG_ICSS_GROUPS],
		     struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	char column[8];
	double total = 0.0;
	fg_csv *csv = NULL;
	int col, agecol;
	bool row;
	fg_rc rc;

	memset(weights, 0, FG_ICSS_GROUPS * sizeof(double));
	if (standard < 1 || standard > 3)
		return fg_error_set(err, FG_INVALID, "standard", "invalid ICSS standard %d", standard);
	snprintf(column, sizeof(column), "ICSS%d", standard);
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK)
		return rc;
	col = fg_csv_column(csv, column);
	agecol = fg_csv_column(csv, "age");
	if (col < 0 || agecol < 0) {
		rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" has no columns age and %s", path, column);
		goto out;
	}
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		int64_t age, w;
		int g;

		if (fg_parse_int64(fg_csv_field(csv, (size_t)agecol), "age", 0, 150, &age, err) != FG_OK ||
		    fg_parse_int64(fg_csv_field(csv, (size_t)col), column, 0, 1000000, &w, err) != FG_OK) {
			rc = fg_error_at_line(err, path, fg_csv_line(csv));
			goto out;
		}
		g = fg_icss_group((double)age);
		if (g >= 0) {
			weights[g] += (double)w;
			total += (double)w;
		}
	}
	if (rc == FG_OK && total <= 0.0)
		rc = fg_error_set(err, FG_INVALID, "file", "file \"%s\" gives no %s weights", path, column);
	for (int g = 0; rc == FG_OK && g < FG_ICSS_GROUPS; g++)
		weights[g] /= total;
out:
	fg_csv_close(csv);
	return rc;
}

bool
fg_surv_standardise(const struct fg_surv_point *const *curves, const size_t *npoints,
		    const double *weights, int ngroups, double t,
		    const struct fg_km_options *opts, struct fg_surv_point *out)
{
	struct fg_surv_point r = {.time = t};
	double var = 0.0;

	for (int g = 0; g < ngroups; g++) {
		struct fg_surv_point p;

		if (weights[g] <= 0.0)
			continue;
		if (!fg_surv_at(curves[g], npoints[g], -1.0, t, &p))
			return false;
		r.surv += weights[g] * p.surv;
		var += weights[g] * weights[g] * p.std_err * p.std_err;
		r.n_risk += p.n_risk;
		r.n_event += p.n_event;
	}
	r.std_err = sqrt(var);
	surv_conf_bounds(r.surv, r.surv > 0.0 ? r.std_err / r.surv : NAN,
			 opts ? opts->conf_type : FG_CONF_LOG, surv_zvalue(opts), false, &r.lower, &r.upper);
	*out = r;
	return true;
}
