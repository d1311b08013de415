/*
 * rates.c
 *	  Crude, age-specific and directly standardised rates with Fay-Feuer
 *	  gamma intervals, cumulative and truncated rates, and the EAPC.
 *
 * References: Fay MP, Feuer EJ. Confidence intervals for directly
 * standardized rates: a method based on the gamma distribution. Stat Med
 * 1997;16:791-801 (as implemented by R's epitools::ageadjust.direct).
 * Cumulative rate 0-74, cumulative risk and truncated rate 35-64: Jensen
 * OM et al., Cancer Registration: Principles and Methods, IARC Scientific
 * Publication 95 (1991), chapter 11; EAPC: the log-linear model of the
 * SEER*Stat trend analysis.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "fangai/csv.h"
#include "fangai/rates.h"
#include "fangai/util.h"
#include "stats_int.h"

int
fg_age_group_parse(const char *text)
{
	static const struct {
		const char *label;
		int group;
	} aliases[] = {{"0-0", 0}, {"<1", 0}, {"85-", 18}, {"85-99", 18}, {"85plus", 18}};

	if (text == NULL)
		return -1;
	for (int g = 0; g < FG_AGE_GROUPS; g++)
		if (strcmp(text, fg_age_group_label(g)) == 0)
			return g;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(text, aliases[i].label) == 0)
			return aliases[i].group;
	return -1;
}

double
fg_age_group_width(int g)
{
	return g == 0 ? 1.0 : g == 1 ? 4.0 : 5.0;
}

static bool
is_builtin(const char *name)
{
	return strcmp(name, "china2000") == 0 || strcmp(name, "segi") == 0 ||
	       strcmp(name, "who2000") == 0;
}

/* Parse a non-negative finite number from a field; FG_INVALID naming where it is. */
static fg_rc
parse_weight(const char *text, const char *path, long line, double *out,
	     struct fg_error *err)
{
	char *end = NULL;

	*out = strtod(text, &end);
	if (*text == '\0' || *end != '\0' || !isfinite(*out) || *out < 0) {
		fg_error_set(err, FG_INVALID, "weight", "invalid weight \"%s\" at line %ld of \"%s\"",
			     text, line, path);
		fg_error_detail(err, "A weight is a number zero or greater.");
		return FG_INVALID;
	}
	return FG_OK;
}

static fg_rc
read_stdpop_rows(fg_csv *csv, const char *path, struct fg_stdpop *out,
		 struct fg_error *err)
{
	int col_age = fg_csv_column(csv, "age_group"), col_w = fg_csv_column(csv, "weight");
	bool seen[FG_AGE_GROUPS] = {false}, row = true;
	fg_rc rc;

	if (col_age < 0 || col_w < 0) {
		fg_error_set(err, FG_INVALID, "file", "file \"%s\" has no column \"%s\"", path,
			     col_age < 0 ? "age_group" : "weight");
		fg_error_hint(err, "A standard population file has the columns age_group and weight.");
		return FG_INVALID;
	}
	while ((rc = fg_csv_read(csv, &row, err)) == FG_OK && row) {
		const char *label = fg_csv_field(csv, (size_t)col_age);
		int g = fg_age_group_parse(label);

		if (g < 0 || seen[g]) {
			fg_error_set(err, FG_INVALID, "age_group", "%s age group \"%s\" at line %ld of \"%s\"",
				     g < 0 ? "invalid" : "repeated", label, fg_csv_line(csv), path);
			fg_error_hint(err, "Age groups are 0, 1-4, 5-9, ... 80-84 and 85+, each once.");
			return FG_INVALID;
		}
		seen[g] = true;
		rc = parse_weight(fg_csv_field(csv, (size_t)col_w), path, fg_csv_line(csv),
				  &out->weight[g], err);
		if (rc != FG_OK)
			return rc;
	}
	if (rc != FG_OK)
		return rc;
	for (int g = 0; g < FG_AGE_GROUPS; g++)
		if (!seen[g]) {
			fg_error_set(err, FG_INVALID, "age_group", "file \"%s\" has no age group \"%s\"",
				     path, fg_age_group_label(g));
			fg_error_detail(err, "A standard population gives a weight to each of the 19 age groups.");
			return FG_INVALID;
		}
	return FG_OK;
}

/* The standard's name: a built-in name, or a file's name without directory and ".csv". */
static void
set_name(struct fg_stdpop *out, const char *name)
{
	const char *base = strrchr(name, '/');
	size_t len;

	fg_strlcpy(out->name, base ? base + 1 : name, sizeof(out->name));
	len = strlen(out->name);
	if (len > 4 && strcmp(out->name + len - 4, ".csv") == 0)
		out->name[len - 4] = '\0';
}

fg_rc
fg_stdpop_load(const char *name, struct fg_stdpop *out, struct fg_error *err)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	char path[4096];
	fg_csv *csv = NULL;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (is_builtin(name))
		snprintf(path, sizeof(path), "%s/stdpop/%s.csv", fg_datadir(), name);
	else
		fg_strlcpy(path, name, sizeof(path));
	set_name(out, name);
	rc = fg_csv_open(path, &opts, &csv, err);
	if (rc != FG_OK) {
		if (!is_builtin(name) && strchr(name, '/') == NULL && strchr(name, '.') == NULL)
			fg_error_hint(err, "The built-in standards are china2000, segi and who2000.");
		goto out;
	}
	rc = read_stdpop_rows(csv, path, out, err);
out:
	fg_csv_close(csv);
	return rc;
}

/* Name of group i of n: the registry label when there are 19 groups, else its position. */
static const char *
group_name(size_t n, size_t i, char *buf, size_t bufsz)
{
	if (n == FG_AGE_GROUPS)
		return fg_age_group_label((int)i);
	snprintf(buf, bufsz, "#%zu", i + 1);
	return buf;
}

static fg_rc
check_inputs(size_t n, const double *count, const double *pop, struct fg_error *err)
{
	char buf[24];

	for (size_t i = 0; i < n; i++) {
		if (!isfinite(count[i]) || count[i] < 0)
			return fg_error_set(err, FG_INVALID, "count", "invalid count %g in age group %s",
					    count[i], group_name(n, i, buf, sizeof(buf)));
		if (!isfinite(pop[i]) || pop[i] < 0)
			return fg_error_set(err, FG_INVALID, "population",
					    "invalid population %g in age group %s", pop[i],
					    group_name(n, i, buf, sizeof(buf)));
		if (pop[i] == 0 && count[i] > 0) {
			fg_error_set(err, FG_INVALID, "population",
				     "%g cases in age group %s have no population", count[i],
				     group_name(n, i, buf, sizeof(buf)));
			fg_error_detail(err, "A rate needs a population above zero wherever there are cases.");
			return FG_INVALID;
		}
	}
	return FG_OK;
}

fg_rc
fg_rate_direct(size_t n, const double *count, const double *pop, const double *stdpop,
	       double conf, struct fg_dsr *out, struct fg_error *err)
{
	double total = 0, alpha = 1 - conf, wm = 0, shape, scale;
	fg_rc rc;

	memset(out, 0, sizeof(*out));
	if (!(conf > 0 && conf < 1))
		return fg_error_set(err, FG_MISUSE, "conf", "invalid confidence level %g", conf);
	rc = check_inputs(n, count, pop, err);
	if (rc != FG_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		total += stdpop[i];
	if (!(total > 0) || !isfinite(total))
		return fg_error_set(err, FG_INVALID, "standard",
				    "standard population weights sum to %g", total);
	for (size_t i = 0; i < n; i++) {
		double w = stdpop[i] / total;

		if (pop[i] == 0)
			continue;
		out->rate += w * (count[i] / pop[i]);
		out->var += w * w * (count[i] / (pop[i] * pop[i]));
		if (w / pop[i] > wm)
			wm = w / pop[i];
	}
	if (out->rate > 0) {
		shape = out->rate * out->rate / out->var;
		scale = out->var / out->rate;
		out->lci = scale * fg_gamma_quantile(shape, alpha / 2, 0);
	}
	if (wm > 0) {
		shape = (out->rate + wm) * (out->rate + wm) / (out->var + wm * wm);
		scale = (out->var + wm * wm) / (out->rate + wm);
		out->uci = scale * fg_gamma_quantile(shape, alpha / 2, 1);
	}
	return FG_OK;
}

fg_rc
fg_rates_compute(const double count[FG_AGE_GROUPS], const double pop[FG_AGE_GROUPS],
		 const struct fg_rate_options *opts, struct fg_rate_row *out,
		 struct fg_error *err)
{
	const size_t ntrunc = FG_TRUNC_LAST - FG_TRUNC_FIRST + 1;
	fg_rc rc = FG_OK;

	memset(out, 0, sizeof(*out));
	rc = check_inputs(FG_AGE_GROUPS, count, pop, err);
	if (rc != FG_OK)
		return rc;
	if (opts->nstandards < 1 || opts->nstandards > FG_RATES_MAX_STD)
		return fg_error_set(err, FG_MISUSE, "standard", "invalid number of standards %zu",
				    opts->nstandards);
	for (int g = 0; g < FG_AGE_GROUPS; g++) {
		out->cases += count[g];
		out->population += pop[g];
		out->age_specific[g] = pop[g] > 0 ? count[g] / pop[g] : 0;
		if (g <= FG_CUM_LAST)
			out->cumulative += out->age_specific[g] * fg_age_group_width(g);
	}
	out->crude = out->population > 0 ? out->cases / out->population : 0;
	out->cumulative_risk = -expm1(-out->cumulative);
	for (size_t s = 0; rc == FG_OK && s < opts->nstandards; s++)
		rc = fg_rate_direct(FG_AGE_GROUPS, count, pop, opts->standards[s].weight,
				    opts->conf, &out->asr[s], err);
	if (rc == FG_OK && opts->truncation != NULL)
		rc = fg_rate_direct(ntrunc, count + FG_TRUNC_FIRST, pop + FG_TRUNC_FIRST,
				    opts->truncation->weight + FG_TRUNC_FIRST, opts->conf,
				    &out->truncated, err);
	return rc;
}

fg_rc
fg_eapc_fit(size_t n, const double *year, const double *rate, double conf,
	    struct fg_eapc *out, struct fg_error *err)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, rss = 0, t;

	memset(out, 0, sizeof(*out));
	out->years = n;
	if (!(conf > 0 && conf < 1))
		return fg_error_set(err, FG_MISUSE, "conf", "invalid confidence level %g", conf);
	for (size_t i = 0; i < n; i++) {
		if (!(rate[i] > 0) || !isfinite(rate[i])) {
			fg_error_set(err, FG_INVALID, "rate", "rate %g in year %g is not positive",
				     rate[i], year[i]);
			fg_error_detail(err, "The EAPC fits log(rate) on year, so every year needs cases.");
			return FG_INVALID;
		}
		for (size_t j = 0; j < i; j++)
			if (year[j] == year[i])
				return fg_error_set(err, FG_INVALID, "year", "year %g is repeated", year[i]);
		mx += year[i];
		my += log(rate[i]);
	}
	if (n < 3) {
		fg_error_set(err, FG_INVALID, "year", "an EAPC needs at least 3 years, not %zu", n);
		return FG_INVALID;
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxx += (year[i] - mx) * (year[i] - mx);
		sxy += (year[i] - mx) * (log(rate[i]) - my);
	}
	out->slope = sxy / sxx;
	out->intercept = my - out->slope * mx;
	for (size_t i = 0; i < n; i++) {
		double r = log(rate[i]) - my - out->slope * (year[i] - mx);

		rss += r * r;
	}
	out->slope_se = sqrt(rss / (double)(n - 2) / sxx);
	t = fg_t_quantile((double)(n - 2), (1 + conf) / 2);
	out->eapc = 100 * expm1(out->slope);
	out->lci = 100 * expm1(out->slope - t * out->slope_se);
	out->uci = 100 * expm1(out->slope + t * out->slope_se);
	return FG_OK;
}
