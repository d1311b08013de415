/*
 * cmd_survival.c
 *	  fangai survival km|quantiles|logrank|lifetable|net: survival
 *	  estimates from a CSV file of subjects, without a database, so that
 *	  an analyst can check any figure.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fangai/csv.h"
#include "fangai/person.h"
#include "fangai/survival.h"
#include "fangai/util.h"
#include "output.h"
#include "output_xlsx.h"
#include "svg_curve.h"

#define MAX_GROUPS 64
#define MAX_TIMES 256
#define NUM_MAX 32

/* Print a usage error and return false, for the parsers below. */
#define USAGE_FALSE(...) (cli_usage_error(__VA_ARGS__), false)

/* The subjects of a CSV file: one array per column, grouped by --by. */
struct subjects {
	size_t n, cap;
	bool has_entry;		/* delayed entry (--entry or --period): entry allocated */
	bool has_population;	/* net survival: age, sex and diagnosed allocated */
	double *entry, *time, *age;
	unsigned char *event, *sex;
	fg_date *diagnosed;
	int *group;
	char *labels[MAX_GROUPS];
	int ngroups;
};

/* Column indices in the file; -1 when not used. */
struct layout {
	int time, status, by, age, sex, diagnosed, entry;
	const char *event;	/* --event value, or NULL for 0/1 */
	double age_scale;	/* days per unit of the age column */
	bool period;		/* keep only follow-up within [from, to] (period analysis) */
	fg_date from, to;
};

static void
subjects_free(struct subjects *s)
{
	free(s->entry);
	free(s->time);
	free(s->age);
	free(s->event);
	free(s->sex);
	free(s->diagnosed);
	free(s->group);
	for (int g = 0; g < s->ngroups; g++)
		free(s->labels[g]);
}

/* Grow an array of n elements of size bytes to cap elements; false (unchanged) if out of memory. */
static bool
grow_array(void **array, size_t cap, size_t size)
{
	void *p = realloc(*array, cap * size);

	if (p != NULL)
		*array = p;
	return p != NULL;
}

/*
 * Make room for at least `want` subjects (0: twice the present capacity),
 * in the arrays the analysis uses only: the entry times with delayed entry,
 * age, sex and date of diagnosis for net survival.
 */
static bool
subjects_grow(struct subjects *s, size_t want)
{
	size_t cap = want > s->cap ? want : s->cap ? s->cap * 2 : 4096;

	if (!grow_array((void **)&s->time, cap, sizeof(double)) || !grow_array((void **)&s->event, cap, 1) ||
	    !grow_array((void **)&s->group, cap, sizeof(int)))
		return false;
	if (s->has_entry && !grow_array((void **)&s->entry, cap, sizeof(double)))
		return false;
	if (s->has_population && (!grow_array((void **)&s->age, cap, sizeof(double)) ||
				  !grow_array((void **)&s->sex, cap, 1) ||
				  !grow_array((void **)&s->diagnosed, cap, sizeof(fg_date))))
		return false;
	s->cap = cap;
	return true;
}

/*
 * A first capacity for the subjects of a file: its size over four bytes (the
 * shortest record, "1,0" and its newline), so that reading never copies the
 * arrays; pages are only touched as rows arrive.  0 (grow as needed) for
 * standard input or a file that cannot be measured.
 */
static size_t
capacity_hint(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	return (size_t)(st.st_size / 4) + 1;
}

static fg_rc
parse_status(const char *text, const struct layout *lay, const char *column,
	     unsigned char *out, struct fg_error *err)
{
	if (*text == '\0')
		return fg_error_set(err, FG_INVALID, column, "missing %s", column);
	if (lay->event != NULL) {
		*out = strcmp(text, lay->event) == 0;
		return FG_OK;
	}
	if (strcmp(text, "0") == 0 || strcmp(text, "1") == 0) {
		*out = text[0] == '1';
		return FG_OK;
	}
	fg_error_set(err, FG_INVALID, column, "invalid %s \"%s\"", column, text);
	fg_error_detail(err, "Without --event the status must be 1 for an event and 0 for censored.");
	fg_error_hint(err, "Name the value that marks an event with --event, e.g. --event 2 for R's 1/2 coding.");
	return FG_INVALID;
}

static fg_rc
group_of(struct subjects *s, const char *label, int *out, struct fg_error *err)
{
	for (int g = 0; g < s->ngroups; g++)
		if (strcmp(s->labels[g], label) == 0) {
			*out = g;
			return FG_OK;
		}
	if (s->ngroups == MAX_GROUPS)
		return fg_error_set(err, FG_INVALID, "by", "more than %d groups, at \"%s\"", MAX_GROUPS, label);
	s->labels[s->ngroups] = strdup(label);
	if (s->labels[s->ngroups] == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory");
	*out = s->ngroups++;
	return FG_OK;
}

/* Parse the net-survival columns of the current record. */
static fg_rc
parse_population(const fg_csv *csv, const struct layout *lay, struct subjects *s, size_t i,
		 struct fg_error *err)
{
	const char *name_age = fg_csv_header_name(csv, (size_t)lay->age);
	const char *name_sex = fg_csv_header_name(csv, (size_t)lay->sex);
	double age;
	char sex;

	if (fg_surv_parse_number(fg_csv_field(csv, (size_t)lay->age), name_age, 0.0, 150.0 * FG_DAYS_PER_YEAR,
				 &age, err) != FG_OK ||
	    fg_sex_parse(fg_csv_field(csv, (size_t)lay->sex), &sex, err) != FG_OK ||
	    fg_date_parse(fg_csv_field(csv, (size_t)lay->diagnosed), fg_csv_header_name(csv, (size_t)lay->diagnosed),
			  &s->diagnosed[i], err) != FG_OK)
		return FG_INVALID;
	if (sex != '1' && sex != '2') {
		fg_error_set(err, FG_INVALID, name_sex, "sex \"%s\" has no population life table",
			     fg_csv_field(csv, (size_t)lay->sex));
		return FG_INVALID;
	}
	s->sex[i] = sex == '2';
	s->age[i] = age * lay->age_scale;
	return FG_OK;
}

/*
 * Period analysis: keep the follow-up of subject i that falls within the
 * window, as delayed entry at its start and censoring at its end; *keep is
 * false when none does.
 */
static fg_rc
clip_to_period(const fg_csv *csv, const struct layout *lay, struct subjects *s, size_t i, bool *keep,
	       struct fg_error *err)
{
	fg_date diag;
	double from, to;

	if (fg_date_parse(fg_csv_field(csv, (size_t)lay->diagnosed), fg_csv_header_name(csv, (size_t)lay->diagnosed),
			  &diag, err) != FG_OK)
		return FG_INVALID;
	from = (double)(lay->from - diag);
	to = (double)(lay->to - diag);
	s->entry[i] = fmax(s->entry[i], from);
	if (s->time[i] > to) {
		s->time[i] = to;
		s->event[i] = 0;
	}
	*keep = s->time[i] > s->entry[i];
	return FG_OK;
}

static fg_rc
parse_record(const fg_csv *csv, const struct layout *lay, struct subjects *s, bool *keep,
	     struct fg_error *err)
{
	size_t i = s->n;
	fg_rc rc;

	*keep = true;
	if (s->has_entry)
		s->entry[i] = 0.0;
	rc = fg_surv_parse_number(fg_csv_field(csv, (size_t)lay->time), fg_csv_header_name(csv, (size_t)lay->time),
				  0.0, 1e12, &s->time[i], err);
	if (rc == FG_OK && lay->entry >= 0)
		rc = fg_surv_parse_number(fg_csv_field(csv, (size_t)lay->entry),
					  fg_csv_header_name(csv, (size_t)lay->entry), 0.0, 1e12, &s->entry[i], err);
	if (rc == FG_OK)
		rc = parse_status(fg_csv_field(csv, (size_t)lay->status), lay,
				  fg_csv_header_name(csv, (size_t)lay->status), &s->event[i], err);
	s->group[i] = 0;
	if (rc == FG_OK && lay->by >= 0)
		rc = group_of(s, fg_csv_field(csv, (size_t)lay->by), &s->group[i], err);
	if (rc == FG_OK && lay->age >= 0)
		rc = parse_population(csv, lay, s, i, err);
	if (rc == FG_OK && lay->period)
		rc = clip_to_period(csv, lay, s, i, keep, err);
	if (rc == FG_OK && *keep && lay->entry >= 0 && !(s->entry[i] < s->time[i]))
		rc = fg_error_set(err, FG_INVALID, fg_csv_header_name(csv, (size_t)lay->entry),
				  "entry time %g is not before the time %g", s->entry[i], s->time[i]);
	return rc;
}

/* Find a column named by an option; print the error and return -1 if absent. */
static int
find_column(const fg_csv *csv, const char *path, const char *option, const char *name)
{
	struct fg_error err;
	int c;

	if (name == NULL)
		return -1;
	c = fg_csv_column(csv, name);
	if (c < 0) {
		fg_error_set(&err, FG_INVALID, option, "file \"%s\" has no column \"%s\"", path, name);
		fg_error_hint(&err, "The --%s option names a column of the header line.", option);
		cli_report(&err);
	}
	return c;
}

static int
cmp_label(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	char *ex, *ey;
	double dx = strtod(x, &ex), dy = strtod(y, &ey);

	if (*x && *y && *ex == '\0' && *ey == '\0' && dx != dy)
		return (dx > dy) - (dx < dy);
	return strcmp(x, y);
}

/* Order the groups by label (numerically when labels are numbers), as R orders factor levels. */
static void
sort_groups(struct subjects *s)
{
	char *sorted[MAX_GROUPS];
	int map[MAX_GROUPS];

	memcpy(sorted, s->labels, sizeof(sorted));
	qsort(sorted, (size_t)s->ngroups, sizeof(char *), cmp_label);
	for (int g = 0; g < s->ngroups; g++)
		for (int h = 0; h < s->ngroups; h++)
			if (sorted[h] == s->labels[g])
				map[g] = h;
	for (size_t i = 0; i < s->n; i++)
		s->group[i] = map[s->group[i]];
	memcpy(s->labels, sorted, sizeof(sorted));
}

/* --period FROM,TO and the --diagnosed column it needs; false after printing an error. */
static bool
parse_period(const struct cli_args *args, const fg_csv *csv, const char *path, struct layout *lay)
{
	const char *text = cli_get(args, "period"), *comma = strchr(text, ',');
	char from[FG_DATE_TEXT_MAX + 1];
	struct fg_error err;

	if (comma == NULL || (size_t)(comma - text) >= sizeof(from))
		return USAGE_FALSE(args->path, "--period needs FROM,TO dates, not \"%s\"", text);
	memcpy(from, text, (size_t)(comma - text));
	from[comma - text] = '\0';
	if (fg_date_parse(from, "period", &lay->from, &err) != FG_OK ||
	    fg_date_parse(comma + 1, "period", &lay->to, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	if (lay->to <= lay->from)
		return USAGE_FALSE(args->path, "the period %s ends before it starts", text);
	if (!cli_has(args, "diagnosed"))
		return USAGE_FALSE(args->path, "--period needs --diagnosed COL, the date follow-up starts");
	lay->period = true;
	return (lay->diagnosed = find_column(csv, path, "diagnosed", cli_get(args, "diagnosed"))) >= 0;
}

/* Resolve the columns named by the options; false after printing an error. */
static bool
resolve_layout(const struct cli_args *args, const fg_csv *csv, const char *path, bool net,
	       struct layout *lay)
{
	const char *unit = cli_get(args, "age-unit");

	*lay = (struct layout){.time = -1, .status = -1, .by = -1, .age = -1, .sex = -1, .diagnosed = -1,
			       .entry = -1, .event = cli_get(args, "event"), .age_scale = FG_DAYS_PER_YEAR};
	if ((lay->time = find_column(csv, path, "time", cli_get(args, "time"))) < 0 ||
	    (lay->status = find_column(csv, path, "status", cli_get(args, "status"))) < 0)
		return false;
	if (cli_has(args, "by") && (lay->by = find_column(csv, path, "by", cli_get(args, "by"))) < 0)
		return false;
	if (cli_has(args, "entry") && (lay->entry = find_column(csv, path, "entry", cli_get(args, "entry"))) < 0)
		return false;
	if (!net)
		return !cli_has(args, "period") || parse_period(args, csv, path, lay);
	if (unit != NULL && strcmp(unit, "days") == 0)
		lay->age_scale = 1.0;
	else if (unit != NULL && strcmp(unit, "years") != 0) {
		cli_usage_error(args->path, "invalid age unit \"%s\"; use years or days", unit);
		return false;
	}
	return (lay->age = find_column(csv, path, "age", cli_get(args, "age"))) >= 0 &&
	       (lay->sex = find_column(csv, path, "sex", cli_get(args, "sex"))) >= 0 &&
	       (lay->diagnosed = find_column(csv, path, "diagnosed", cli_get(args, "diagnosed"))) >= 0;
}

/*
 * Read the subjects of the file; on failure prints the error and returns
 * its exit status (the subjects are then freed).
 */
static int
read_subjects(const struct cli_args *args, bool net, struct subjects *s)
{
	struct fg_csv_options opts = {.comments = true, .header = true};
	const char *path = args->pos[0];
	struct fg_error err;
	struct layout lay;
	fg_csv *csv = NULL;
	int status = EXIT_OK;
	bool row, keep;

	memset(s, 0, sizeof(*s));
	if (cli_get(args, "time") == NULL || cli_get(args, "status") == NULL)
		return cli_usage_error(args->path, "%s needs --time COL and --status COL", args->path);
	if (fg_csv_open(path, &opts, &csv, &err) != FG_OK)
		return cli_report(&err);
	if (!resolve_layout(args, csv, path, net, &lay)) {
		status = EXIT_REFUSED;
		goto out;
	}
	s->has_entry = lay.entry >= 0 || lay.period;
	s->has_population = net;
	if (!subjects_grow(s, capacity_hint(path))) {
		fg_error_set(&err, FG_NOMEM, NULL, "out of memory for the subjects of \"%s\"", path);
		status = cli_report(&err);
		goto out;
	}
	for (;;) {
		if (fg_csv_read(csv, &row, &err) != FG_OK) {
			status = cli_report(&err);
			goto out;
		}
		if (!row)
			break;
		if (s->n == s->cap && !subjects_grow(s, 0)) {
			fg_error_set(&err, FG_NOMEM, NULL, "out of memory after %zu subjects", s->n);
			status = cli_report(&err);
			goto out;
		}
		if (parse_record(csv, &lay, s, &keep, &err) != FG_OK) {
			fg_error_at_line(&err, path, fg_csv_line(csv));
			status = cli_report(&err);
			goto out;
		}
		if (keep)
			s->n++;
	}
	if (s->n == 0) {
		fg_error_set(&err, FG_INVALID, "file", "file \"%s\" holds no subjects", path);
		status = cli_report(&err);
		goto out;
	}
	if (s->ngroups == 0)
		s->ngroups = group_of(s, "", &s->group[0], &err) == FG_OK ? 1 : 0;
	sort_groups(s);
out:
	fg_csv_close(csv);
	if (status != EXIT_OK)
		subjects_free(s);
	return status;
}

/* The subjects of group g, copied into fresh arrays (or the whole set when ungrouped). */
struct group_view {
	size_t n;
	double *time, *entry;	/* entry NULL without delayed entry */
	unsigned char *event;
	bool owned;
};

static bool
group_view(const struct subjects *s, int g, struct group_view *v)
{
	memset(v, 0, sizeof(*v));
	if (s->ngroups == 1) {
		v->n = s->n;
		v->time = s->time;
		v->entry = s->has_entry ? s->entry : NULL;
		v->event = s->event;
		return true;
	}
	v->owned = true;
	v->time = malloc((s->n ? s->n : 1) * sizeof(double));
	v->entry = malloc((s->n ? s->n : 1) * sizeof(double));
	v->event = malloc(s->n ? s->n : 1);
	if (v->time == NULL || v->entry == NULL || v->event == NULL)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->group[i] == g) {
			v->time[v->n] = s->time[i];
			v->entry[v->n] = s->has_entry ? s->entry[i] : 0.0;
			v->event[v->n++] = s->event[i];
		}
	if (!s->has_entry) {
		free(v->entry);
		v->entry = NULL;
	}
	return true;
}

static void
group_view_free(struct group_view *v)
{
	if (v->owned) {
		free(v->time);
		free(v->entry);
		free(v->event);
	}
}

/* Format a number for output; NAN (R's NA) becomes an empty cell. */
static const char *
fmt(char *buf, double v)
{
	if (isnan(v))
		buf[0] = '\0';
	else if (isinf(v))
		snprintf(buf, NUM_MAX, "%s", v > 0 ? "Inf" : "-Inf");
	else
		snprintf(buf, NUM_MAX, "%.10g", v);
	return buf;
}

/* Parse the --at list of times; false after printing an error. */
static bool
parse_times(const char *text, double *times, int *n)
{
	char buf[4096], *save = NULL;
	struct fg_error err;

	*n = 0;
	if (text == NULL)
		return true;
	if (!fg_strlcpy(buf, text, sizeof(buf)))
		return USAGE_FALSE(NULL, "list of times \"%.40s...\" is too long", text);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_TIMES)
			return USAGE_FALSE(NULL, "more than %d times in --at", MAX_TIMES);
		if (fg_surv_parse_number(t, "at", 0.0, 1e12, &times[*n], &err) != FG_OK) {
			cli_report(&err);
			return false;
		}
		if (*n > 0 && times[*n] <= times[*n - 1])
			return USAGE_FALSE(NULL, "times in --at must increase, at \"%s\"", t);
		(*n)++;
	}
	return true;
}

/* Options shared by the estimating subcommands. */
struct common {
	enum out_format format;
	enum out_extra extra;		/* xlsx: a workbook to --output */
	const char *output;
	struct fg_km_options km;
	double at[MAX_TIMES];
	int nat;
};

static bool
parse_common(const struct cli_args *args, struct common *c)
{
	const char *level = cli_get(args, "conf-level");
	struct fg_error err;

	memset(c, 0, sizeof(*c));
	if (!out_format_parse_extra(cli_get(args, "format"), &c->format, &c->extra) || c->extra == OUT_EXTRA_SVG)
		return USAGE_FALSE(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	c->output = cli_get(args, "output");
	if (cli_has(args, "conf-type") &&
	    fg_conf_type_parse(cli_get(args, "conf-type"), "conf-type", &c->km.conf_type, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	if (level != NULL &&
	    (fg_surv_parse_number(level, "conf-level", 0.5, 0.9999, &c->km.conf_level, &err) != FG_OK)) {
		cli_report(&err);
		return false;
	}
	return parse_times(cli_get(args, "at"), c->at, &c->nat);
}

static const struct out_column curve_columns[] = {
	{"group", false}, {"time", true}, {"n_risk", true}, {"n_event", true}, {"n_censor", true},
	{"surv", true}, {"std_err", true}, {"lower", true}, {"upper", true},
};
#define NCURVE ((int)(sizeof(curve_columns) / sizeof(curve_columns[0])))

static void
add_point(struct out_table *t, const char *label, const struct fg_surv_point *p)
{
	char b[NCURVE][NUM_MAX];
	const char *cells[NCURVE] = {
		label, fmt(b[1], p->time), fmt(b[2], p->n_risk), fmt(b[3], p->n_event),
		fmt(b[4], p->n_censor), fmt(b[5], p->surv), fmt(b[6], p->std_err),
		fmt(b[7], p->lower), fmt(b[8], p->upper),
	};

	out_table_add(t, cells);
}

/* Add a curve's rows: every point, or the curve at the --at times. */
static void
add_curve(struct out_table *t, const char *label, const struct fg_surv_point *pts, size_t n,
	  const struct common *c)
{
	double after = -1.0;

	if (c->nat == 0) {
		for (size_t k = 0; k < n; k++)
			add_point(t, label, &pts[k]);
		return;
	}
	for (int k = 0; k < c->nat; k++) {
		struct fg_surv_point p;

		if (!fg_surv_at(pts, n, after, c->at[k], &p))
			break;
		add_point(t, label, &p);
		after = c->at[k];
	}
}

/*
 * Print a table (or write it as a workbook with --format xlsx), leaving out
 * the group column when the data are not grouped.  Returns the exit status.
 */
static int
print_table(struct out_table *t, bool grouped, const struct common *c, const char *sheet)
{
	if (!grouped) {
		t->columns++;
		t->ncols--;
		for (size_t i = 0; i < t->nrows; i++)
			t->rows[i]++;
	}
	return out_table_emit(t, c->format, c->extra, c->output, sheet);
}

static void
add_lifetab_rows(struct out_table *t, const char *label, const struct fg_lifetab *lt)
{
	for (size_t i = 0; i < lt->nrows; i++) {
		const struct fg_lifetab_row *r = &lt->rows[i];
		char b[15][NUM_MAX];
		const char *cells[15] = {
			label, fmt(b[1], r->start), fmt(b[2], r->end), fmt(b[3], r->entered),
			fmt(b[4], r->lost), fmt(b[5], r->at_risk), fmt(b[6], r->events), fmt(b[7], r->surv),
			fmt(b[8], r->se_surv), fmt(b[9], r->lower), fmt(b[10], r->upper), fmt(b[11], r->pdf),
			fmt(b[12], r->hazard), fmt(b[13], r->se_pdf), fmt(b[14], r->se_hazard),
		};

		out_table_add(t, cells);
	}
}

/* Interval boundaries from --breaks (the last may be "inf") or --width; false after an error. */
static bool
parse_breaks(const struct cli_args *args, const struct subjects *s, double *breaks, size_t *n)
{
	const char *list = cli_get(args, "breaks"), *width = cli_get(args, "width");
	struct fg_error err;
	double w, tmax = 0.0;
	int nb = 0;

	if ((list == NULL) == (width == NULL))
		return USAGE_FALSE(args->path, "survival lifetable needs either --breaks or --width");
	if (list != NULL) {
		size_t len = strlen(list);
		bool open = len > 4 && strcmp(list + len - 4, ",inf") == 0;
		char buf[4096];

		if (!fg_strlcpy(buf, list, sizeof(buf)))
			return USAGE_FALSE(args->path, "list of breaks is too long");
		if (open)
			buf[len - 4] = '\0';
		if (!parse_times(buf, breaks, &nb))
			return false;
		if (open)
			breaks[nb++] = INFINITY;
		*n = (size_t)nb;
		return true;
	}
	if (fg_surv_parse_number(width, "width", 1e-9, 1e12, &w, &err) != FG_OK) {
		cli_report(&err);
		return false;
	}
	for (size_t i = 0; i < s->n; i++)
		tmax = fmax(tmax, s->time[i]);
	nb = 0;
	for (double b = 0.0; b <= tmax && nb < MAX_TIMES - 1; b += w)
		breaks[nb++] = b;
	breaks[nb++] = INFINITY;
	*n = (size_t)nb;
	return true;
}

/* What to compute for each group, and where. */
struct job {
	struct common c;
	struct svg_curve curves[MAX_GROUPS];	/* for --svg */
	int ncurves;
	bool quantiles;
	const char *sheet;			/* the worksheet with --format xlsx */
	double breaks[MAX_TIMES];
	size_t nbreaks;
	struct fg_arena arena;
	struct out_table table;
};

typedef fg_rc (*group_fit)(const struct group_view *v, const char *label, struct job *job,
			   struct fg_error *err);

static void
add_quantiles(struct out_table *t, const char *label, const struct fg_km *km)
{
	for (int q = 0; q < FG_SURV_NQUANTILES; q++) {
		char b[4][NUM_MAX];
		const struct fg_surv_quantile *sq = &km->quantiles[q];
		const char *cells[5] = {label, fmt(b[0], sq->p), fmt(b[1], sq->time),
					fmt(b[2], sq->lower), fmt(b[3], sq->upper)};

		out_table_add(t, cells);
	}
}

static fg_rc
fit_km(const struct group_view *v, const char *label, struct job *job, struct fg_error *err)
{
	struct fg_km_options opts = job->c.km;
	struct fg_km km;
	fg_rc rc;

	opts.entry = v->entry;
	rc = fg_km_fit(v->time, v->event, v->n, &opts, &job->arena, &km, err);

	if (rc == FG_OK && job->quantiles)
		add_quantiles(&job->table, label, &km);
	else if (rc == FG_OK)
		add_curve(&job->table, label, km.points, km.npoints, &job->c);
	if (rc == FG_OK)
		job->curves[job->ncurves++] = (struct svg_curve){label, km.points, km.npoints};
	return rc;
}

static fg_rc
fit_lifetab(const struct group_view *v, const char *label, struct job *job, struct fg_error *err)
{
	struct fg_lifetab lt;
	fg_rc rc = fg_lifetab_fit(v->time, v->event, v->n, job->breaks, job->nbreaks, &job->c.km,
				  &job->arena, &lt, err);

	if (rc == FG_OK)
		add_lifetab_rows(&job->table, label, &lt);
	return rc;
}

/*
 * Fit each group of the subjects into the job's table and print it; a group
 * that --period left empty is skipped.
 */
static int
each_group(const struct cli_args *args, const struct subjects *s, group_fit fit, struct job *job)
{
	struct fg_error err;
	int status = EXIT_OK;

	for (int g = 0; g < s->ngroups && status == EXIT_OK; g++) {
		struct group_view v;

		if (!group_view(s, g, &v)) {
			fg_error_set(&err, FG_NOMEM, NULL, "out of memory for group \"%s\"", s->labels[g]);
			status = cli_report(&err);
		} else if (v.n > 0 && fit(&v, s->labels[g], job, &err) != FG_OK)
			status = cli_report(&err);
		group_view_free(&v);
	}
	if (status == EXIT_OK)
		status = print_table(&job->table, cli_has(args, "by"), &job->c, job->sheet);
	return status;
}

/* Write the curves to the --svg file, if one was asked for. */
static int
write_svg(const struct cli_args *args, const struct svg_curve *curves, int n, const char *title)
{
	const char *path = cli_get(args, "svg");
	struct fg_error err;

	if (path == NULL || svg_write_curves(path, title, cli_has(args, "diagnosed") ? "days" : "time", curves, n))
		return EXIT_OK;
	fg_error_set(&err, FG_IO, "svg", "could not write the figure \"%s\"", path);
	return cli_report(&err);
}

/* Read the subjects, fit each group and print the table of the given columns. */
static int
run_grouped(struct cli_args *args, struct job *job, const struct out_column *columns, int ncols,
	    group_fit fit, bool with_breaks)
{
	struct subjects s;
	int status;

	if (!parse_common(args, &job->c))
		return EXIT_USAGE;
	status = read_subjects(args, false, &s);
	if (status != EXIT_OK)
		return status;
	if (with_breaks && !parse_breaks(args, &s, job->breaks, &job->nbreaks)) {
		subjects_free(&s);
		return EXIT_USAGE;
	}
	fg_arena_init(&job->arena, 0);
	out_table_init(&job->table, &job->arena, columns, ncols);
	status = each_group(args, &s, fit, job);
	if (status == EXIT_OK && fit == fit_km && !job->quantiles)
		status = write_svg(args, job->curves, job->ncurves, "Kaplan-Meier survival");
	fg_arena_free(&job->arena);
	subjects_free(&s);
	return status;
}

static int
run_km(struct cli_args *args)
{
	struct job job = {.sheet = "kaplan-meier"};

	return run_grouped(args, &job, curve_columns, NCURVE, fit_km, false);
}

static int
run_quantiles(struct cli_args *args)
{
	static const struct out_column columns[] = {
		{"group", false}, {"p", true}, {"time", true}, {"lower", true}, {"upper", true},
	};
	struct job job = {.quantiles = true, .sheet = "quantiles"};

	return run_grouped(args, &job, columns, 5, fit_km, false);
}

static int
run_lifetable(struct cli_args *args)
{
	static const struct out_column columns[] = {
		{"group", false}, {"start", true}, {"end", true}, {"entered", true}, {"lost", true},
		{"at_risk", true}, {"events", true}, {"surv", true}, {"std_err", true}, {"lower", true},
		{"upper", true}, {"pdf", true}, {"hazard", true}, {"se_pdf", true}, {"se_hazard", true},
	};
	struct job job = {.sheet = "life table"};

	return run_grouped(args, &job, columns, 15, fit_lifetab, true);
}

static int
run_logrank(struct cli_args *args)
{
	static const struct out_column columns[] = {
		{"group", false}, {"n", true}, {"observed", true}, {"expected", true},
		{"o_e2_e", true}, {"o_e2_v", true}, {"chisq", true}, {"df", true}, {"p", true},
	};
	struct fg_logrank lr;
	struct subjects s;
	struct common c;
	struct fg_arena arena;
	struct out_table t;
	struct fg_error err;
	int status;

	if (!cli_has(args, "by"))
		return cli_usage_error(args->path, "survival logrank needs --by COL to name the groups");
	if (!parse_common(args, &c))
		return EXIT_USAGE;
	status = read_subjects(args, false, &s);
	if (status != EXIT_OK)
		return status;
	fg_arena_init(&arena, 0);
	out_table_init(&t, &arena, columns, 9);
	if (fg_logrank_test(s.time, s.event, s.group, s.n, s.ngroups, &arena, &lr, &err) != FG_OK)
		status = cli_report(&err);
	for (int g = 0; status == EXIT_OK && g < s.ngroups; g++) {
		double d = lr.observed[g] - lr.expected[g];
		char b[8][NUM_MAX];
		const char *cells[9] = {
			s.labels[g], fmt(b[0], lr.n[g]), fmt(b[1], lr.observed[g]), fmt(b[2], lr.expected[g]),
			fmt(b[3], d * d / lr.expected[g]), fmt(b[4], d * d / lr.variance[g]),
			fmt(b[5], lr.chisq), fmt(b[6], lr.df), fmt(b[7], lr.p_value),
		};

		out_table_add(&t, cells);
	}
	if (status == EXIT_OK)
		status = out_table_emit(&t, c.format, c.extra, c.output, "logrank");
	fg_arena_free(&arena);
	subjects_free(&s);
	return status;
}

/* The net-survival subjects of group g (all groups: g < 0), and of ICSS age group a (a < 0: all). */
static struct fg_net_subject *
net_subjects(const struct subjects *s, int g, int a, size_t *n)
{
	struct fg_net_subject *out = malloc((s->n ? s->n : 1) * sizeof(*out));

	*n = 0;
	for (size_t i = 0; out != NULL && i < s->n; i++) {
		if ((g >= 0 && s->group[i] != g) ||
		    (a >= 0 && fg_icss_group(s->age[i] / FG_DAYS_PER_YEAR) != a))
			continue;
		out[(*n)++] = (struct fg_net_subject){
			.time = s->time[i], .event = s->event[i], .sex = s->sex[i],
			.age = s->age[i], .diagnosed = s->diagnosed[i],
		};
	}
	return out;
}

/* Fit one net survival curve; prints the error and returns false on failure. */
static bool
net_curve(const struct subjects *s, int g, int a, const struct fg_ratetable *rt,
	  enum fg_net_method method, const struct common *c, struct fg_arena *arena,
	  struct fg_net *net)
{
	struct fg_error err;
	size_t n;
	struct fg_net_subject *subj = net_subjects(s, g, a, &n);
	bool ok = subj != NULL && fg_net_fit(subj, n, rt, method, &c->km, arena, net, &err) == FG_OK;

	if (subj == NULL)
		fg_error_set(&err, FG_NOMEM, NULL, "out of memory");
	if (!ok) {
		if (a >= 0)
			fg_error_detail(&err, "In ICSS age group %s.", fg_icss_label(a));
		cli_report(&err);
	}
	free(subj);
	return ok;
}

/* Add the age-standardised curve of group g at the --at times. */
static bool
add_standardised(struct out_table *t, const struct subjects *s, int g, const struct fg_ratetable *rt,
		 enum fg_net_method method, const struct common *c, const double *w, struct fg_arena *arena)
{
	const struct fg_surv_point *curves[FG_ICSS_GROUPS];
	size_t np[FG_ICSS_GROUPS];

	for (int a = 0; a < FG_ICSS_GROUPS; a++) {
		struct fg_net net;

		if (!net_curve(s, g, a, rt, method, c, arena, &net))
			return false;
		curves[a] = net.points;
		np[a] = net.npoints;
	}
	for (int k = 0; k < c->nat; k++) {
		struct fg_surv_point p;

		if (!fg_surv_standardise(curves, np, w, FG_ICSS_GROUPS, c->at[k], &c->km, &p))
			break;
		add_point(t, s->labels[g], &p);
	}
	return true;
}

/* Parse --standardise icss1|icss2|icss3 and load its weights; 0 when absent, -1 after an error. */
static int
standard_weights(const struct cli_args *args, const struct common *c, double *w)
{
	const char *std = cli_get(args, "standardise");
	struct fg_error err;
	char path[1024];
	int k;

	if (std == NULL)
		return 0;
	if (strncmp(std, "icss", 4) != 0 || std[4] < '1' || std[4] > '3' || std[5] != '\0')
		return -cli_usage_error(args->path, "invalid standard \"%s\"; use icss1, icss2 or icss3", std);
	if (c->nat == 0)
		return -cli_usage_error(args->path, "--standardise needs --at with the times to report");
	k = std[4] - '0';
	snprintf(path, sizeof(path), "%s/survival/icss-weights.csv", fg_datadir());
	if (fg_icss_weights_load(path, k, w, &err) != FG_OK) {
		cli_report(&err);
		return -1;
	}
	return k;
}

/* The life table of --ratetable FILE, or of --ratetable-name NAME in the database. */
static int
load_ratetable(const struct cli_args *args, struct fg_arena *arena, struct fg_ratetable *rt)
{
	const char *name = cli_get(args, "ratetable-name");
	struct fg_error err;
	fg_store *store;
	int status = EXIT_OK;

	if (name == NULL)
		return fg_ratetable_load(cli_get(args, "ratetable"), arena, rt, &err) == FG_OK ? EXIT_OK
											: cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_ratetable_fetch(store, name, arena, rt, &err) != FG_OK)
		status = cli_report(&err);
	fg_store_close(store);
	return status;
}

static int
run_import_ratetable(struct cli_args *args)
{
	const char *name = cli_get(args, "name");
	struct fg_error err;
	fg_store *store;
	size_t rows;
	int status;

	if (name == NULL)
		return cli_usage_error(args->path, "survival ratetable needs --name NAME");
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	if (fg_ratetable_save(store, name, args->pos[0], &rows, &err) != FG_OK)
		status = cli_report(&err);
	else
		printf("life table \"%s\": %zu cells imported\n", name, rows);
	fg_store_close(store);
	return status;
}

static int
run_net(struct cli_args *args)
{
	const char *ratetable = cli_get(args, "ratetable");
	struct svg_curve curves[MAX_GROUPS];
	double w[FG_ICSS_GROUPS];
	struct fg_ratetable rt;
	enum fg_net_method method = FG_NET_POHAR_PERME;
	struct subjects s;
	struct common c;
	struct fg_arena arena;
	struct out_table t;
	struct fg_error err;
	int status, standard;

	if ((ratetable == NULL) == (cli_get(args, "ratetable-name") == NULL) || !cli_has(args, "age") ||
	    !cli_has(args, "sex") || !cli_has(args, "diagnosed"))
		return cli_usage_error(args->path, "survival net needs --ratetable FILE or --ratetable-name NAME,"
				       " and --age, --sex and --diagnosed");
	if (!parse_common(args, &c))
		return EXIT_USAGE;
	if (cli_has(args, "method") && fg_net_method_parse(cli_get(args, "method"), "method", &method, &err) != FG_OK)
		return cli_report(&err);
	standard = standard_weights(args, &c, w);
	if (standard < 0)
		return EXIT_USAGE;
	fg_arena_init(&arena, 0);
	status = load_ratetable(args, &arena, &rt);
	if (status != EXIT_OK) {
		fg_arena_free(&arena);
		return status;
	}
	status = read_subjects(args, true, &s);
	if (status != EXIT_OK) {
		fg_arena_free(&arena);
		return status;
	}
	out_table_init(&t, &arena, curve_columns, NCURVE);
	for (int g = 0; g < s.ngroups && status == EXIT_OK; g++) {
		struct fg_net net = {0};

		if (standard > 0) {
			if (!add_standardised(&t, &s, g, &rt, method, &c, w, &arena))
				status = EXIT_REFUSED;
		} else if (!net_curve(&s, s.ngroups > 1 ? g : -1, -1, &rt, method, &c, &arena, &net))
			status = EXIT_REFUSED;
		else
			add_curve(&t, s.labels[g], net.points, net.npoints, &c);
		curves[g] = (struct svg_curve){s.labels[g], net.points, net.npoints};
	}
	if (status == EXIT_OK)
		status = print_table(&t, cli_has(args, "by"), &c, method == FG_NET_EDERER2 ? "ederer2" : "pohar-perme");
	if (status == EXIT_OK && standard == 0)
		status = write_svg(args, curves, s.ngroups,
				   method == FG_NET_EDERER2 ? "Relative survival (Ederer II)" : "Net survival (Pohar Perme)");
	fg_arena_free(&arena);
	subjects_free(&s);
	return status;
}

static const struct out_column cohort_columns[] = {
	{"tumour", true}, {"person", true}, {"institution", true}, {"district", false}, {"sex", false},
	{"age", true}, {"age_group", false}, {"diagnosed", false}, {"end", false}, {"time", true},
	{"status", true}, {"end_reason", false}, {"site", false}, {"stage", false}, {"detection", false},
};
#define NCOHORT ((int)(sizeof(cohort_columns) / sizeof(cohort_columns[0])))

static fg_rc
add_cohort_row(const struct fg_cohort_row *r, void *userdata, struct fg_error *err)
{
	char b[6][NUM_MAX], sex[2] = {r->sex, '\0'}, diag[FG_DATE_TEXT_MAX], end[FG_DATE_TEXT_MAX];
	const char *cells[NCOHORT] = {
		b[0], b[1], b[2], r->district, sex, b[3],
		r->age < 15 ? "0-14" : fg_icss_label(fg_icss_group(r->age)),
		fg_date_format(r->diagnosed, diag), fg_date_format(r->end, end), b[4], b[5],
		r->end_reason, r->site, r->stage, r->detection,
	};

	snprintf(b[0], NUM_MAX, "%lld", (long long)r->tumour_id);
	snprintf(b[1], NUM_MAX, "%lld", (long long)r->person_id);
	snprintf(b[2], NUM_MAX, "%lld", (long long)r->institution_id);
	snprintf(b[3], NUM_MAX, "%d", r->age);
	snprintf(b[4], NUM_MAX, "%d", (int)(r->end - r->diagnosed));
	snprintf(b[5], NUM_MAX, "%d", r->event);
	if (!out_table_add(userdata, cells))
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing the cohort");
	return FG_OK;
}

static int
run_cohort(struct cli_args *args)
{
	const char *closing_text = cli_get(args, "closing");
	struct fg_arena arena;
	struct out_table t;
	struct fg_error err;
	enum out_format fmt;
	fg_date closing = fg_date_today();
	fg_store *store;
	int status;

	if (!out_format_parse(cli_get(args, "format"), &fmt))
		return cli_usage_error(args->path, "invalid output format \"%s\"", cli_get(args, "format"));
	if (closing_text != NULL && fg_date_parse(closing_text, "closing", &closing, &err) != FG_OK)
		return cli_report(&err);
	store = cli_open_store(args, false, &status);
	if (store == NULL)
		return status;
	fg_arena_init(&arena, 0);
	out_table_init(&t, &arena, cohort_columns, NCOHORT);
	if (fg_survival_cohort(store, closing, cli_get(args, "site"), add_cohort_row, &t, &err) != FG_OK)
		status = cli_report(&err);
	else
		out_table_print(&t, fmt, stdout);
	fg_arena_free(&arena);
	fg_store_close(store);
	return status;
}

#define OPT_SUBJECTS \
	{"time", "COL", "column of follow-up times"}, \
	{"status", "COL", "column of status: 1 event, 0 censored (or see --event)"}, \
	{"event", "VALUE", "the status value that marks an event; any other is censored"}, \
	{"by", "COL", "column whose values split the subjects into groups"}, \
	{"format", "FMT", "output as table (default), csv, json or xlsx"}, \
	{"output", "FILE", "the workbook to write with --format xlsx"}
#define OPT_CONF \
	{"conf-type", "TYPE", "confidence interval: log (default), log-log or plain"}, \
	{"conf-level", "P", "confidence level (default 0.95)"}, \
	{"svg", "FILE", "also draw the curves, bands and numbers at risk as SVG"}

static const struct cli_option km_options[] = {
	OPT_SUBJECTS, OPT_CONF,
	{"at", "T1,T2,...", "report the curve at these times only"},
	{"entry", "COL", "column of delayed entry times (at risk from entry to time)"},
	{"period", "FROM,TO", "period analysis: only follow-up between these dates (needs --diagnosed)"},
	{"diagnosed", "COL", "column of the date follow-up starts (YYYY-MM-DD), with --period"},
	CLI_OPT_END,
};

static const struct cli_option logrank_options[] = {OPT_SUBJECTS, CLI_OPT_END};

static const struct cli_option lifetable_options[] = {
	OPT_SUBJECTS, OPT_CONF,
	{"breaks", "B0,B1,...", "interval boundaries; end with inf for an open last interval"},
	{"width", "W", "intervals of width W from 0, the last one open"},
	CLI_OPT_END,
};

static const struct cli_option net_options[] = {
	OPT_SUBJECTS, OPT_CONF,
	{"at", "T1,T2,...", "report the curve at these times (days) only"},
	{"ratetable", "FILE", "population life table: year, sex, age and qx or mx"},
	{"ratetable-name", "NAME", "a life table imported into the database (see survival ratetable)"},
	CLI_OPT_DB,
	{"method", "METHOD", "pohar-perme (default, net survival) or ederer2 (relative survival)"},
	{"age", "COL", "column of age at diagnosis"},
	{"age-unit", "UNIT", "years (default) or days"},
	{"sex", "COL", "column of sex (1/M male, 2/F female)"},
	{"diagnosed", "COL", "column of the date of diagnosis (YYYY-MM-DD)"},
	{"standardise", "STD", "age-standardise with ICSS weights icss1, icss2 or icss3 (needs --at)"},
	CLI_OPT_END,
};

static const struct cli_option import_options[] = {
	CLI_OPT_DB, {"name", "NAME", "name to store the life table under"}, CLI_OPT_END,
};

static const struct cli_option cohort_options[] = {
	CLI_OPT_DB, CLI_OPT_FORMAT,
	{"closing", "DATE", "closing date of follow-up (default today)"},
	{"site", "CODE", "only tumours of this ICD-O-3 topography category, e.g. C34"},
	CLI_OPT_END,
};

static const struct command survival_commands[] = {
	{.name = "km", .usage = "FILE.csv --time COL --status COL [OPTIONS]",
	 .summary = "Kaplan-Meier survival with Greenwood standard errors",
	 .description = "Writes time, number at risk, events, censored, survival, its standard\n"
			"error and confidence bounds, as R's survfit() and summary(survfit, times).\n"
			"\"-\" reads standard input.",
	 .options = km_options, .min_pos = 1, .max_pos = 1, .run = run_km},
	{.name = "quantiles", .usage = "FILE.csv --time COL --status COL [OPTIONS]",
	 .summary = "quartiles and median survival time with confidence intervals",
	 .description = "As R's quantile(survfit(...)): an empty cell where a quantile is not reached.",
	 .options = km_options, .min_pos = 1, .max_pos = 1, .run = run_quantiles},
	{.name = "logrank", .usage = "FILE.csv --time COL --status COL --by COL",
	 .summary = "log-rank test of equal survival across groups",
	 .description = "As R's survdiff(): observed and expected events per group, the chi-squared\n"
			"statistic, its degrees of freedom and p-value.",
	 .options = logrank_options, .min_pos = 1, .max_pos = 1, .run = run_logrank},
	{.name = "lifetable", .usage = "FILE.csv --time COL --status COL --breaks LIST|--width W",
	 .summary = "actuarial life table",
	 .description = "As KMsurv::lifetab(): those lost within an interval count as at risk for\n"
			"half of it.  Survival is at the start of each interval.",
	 .options = lifetable_options, .min_pos = 1, .max_pos = 1, .run = run_lifetable},
	{.name = "net", .usage = "FILE.csv --ratetable FILE.csv --time COL --status COL --age COL --sex COL --diagnosed COL",
	 .summary = "relative (Ederer II) or net (Pohar Perme) survival against a life table",
	 .description = "Follow-up times are in days, as in R's relsurv::rs.surv(), whose estimates\n"
			"these are (population hazards integrated in steps of one day).  The life\n"
			"table gives, by year, sex and single year of age, qx (probability of death)\n"
			"or mx (annual death rate).",
	 .options = net_options, .min_pos = 1, .max_pos = 1, .run = run_net},
	{.name = "ratetable", .usage = "FILE.csv --name NAME [--db PATH]",
	 .summary = "import a population life table into the database, for net --ratetable-name",
	 .description = "The file is read as for net --ratetable (year, sex, age and qx or mx) and\n"
			"checked whole before it replaces any table of the same name.",
	 .options = import_options, .min_pos = 1, .max_pos = 1, .run = run_import_ratetable},
	{.name = "cohort", .usage = "[--closing DATE] [--site CODE] [--format csv]",
	 .summary = "the registry's malignant tumours as survival subjects, for the commands above",
	 .description = "One row per tumour: follow-up in days from the incidence date to death, to\n"
			"the last contact of a patient lost to follow-up, or to the closing date, with\n"
			"sex, age, ICSS age group, site, stage, detection and institution to split by.",
	 .options = cohort_options, .run = run_cohort},
	{0},
};

const struct command cmd_survival_entry = {
	.name = "survival",
	.usage = "km|quantiles|logrank|lifetable|net|ratetable|cohort ...",
	.summary = "survival analysis on CSV files: Kaplan-Meier, life tables, net survival",
	.subcommands = survival_commands,
};
