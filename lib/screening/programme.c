/*
 * programme.c
 *	  Screening programmes: versioned files under data/screening/programmes/
 *	  naming the target group, the risk questionnaire (a rule set), the exam
 *	  types with their classifiers, the routine interval, the failsafe delay
 *	  and the early-diagnosis definition.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/util.h"
#include "screening_int.h"

#define MAX_EARLY 12

struct fg_programme {
	struct fg_programme_info info;
	struct fg_ruleset questionnaire;
	const char *text;
	const char *datadir;
	struct fg_arena *arena;
	char code[32], version[32], site[32], title[160], early[160];
	char early_stages[MAX_EARLY][8];
	int nearly;
	bool early_precursors;
	bool have_ages, have_interval;
};

static fg_rc
parse_int_word(const struct fg_ruleset *rs, const struct rs_line *line, const char *w,
	       int min, int max, int *out, struct fg_error *err)
{
	int64_t v;
	int nd;

	if (!rs_parse_decimal(w, &v, &nd) || nd != 0 || v < (int64_t)min * RS_SCALE ||
	    v > (int64_t)max * RS_SCALE)
		return rs_line_error(err, rs, line, "\"%s\" is not a whole number from %d to %d", w, min, max);
	*out = (int)(v / RS_SCALE);
	return FG_OK;
}

static fg_rc
add_exam(struct fg_programme *p, const struct fg_ruleset *rs, const struct rs_line *line,
	 struct fg_error *err)
{
	struct fg_programme_exam *e;
	fg_rc rc;

	if (line->ntok != 3)
		return rs_line_error(err, rs, line, "an exam is written \"exam TYPE SCHEME\"");
	if (p->info.nexams == FG_PROGRAMME_MAX_EXAMS)
		return rs_line_error(err, rs, line, "too many exam types");
	e = &p->info.exams[p->info.nexams];
	if (!fg_strlcpy(e->type, line->tok[1], sizeof(e->type)))
		return rs_line_error(err, rs, line, "exam type \"%s\" is too long", line->tok[1]);
	rc = fg_ruleset_load(p->datadir, line->tok[2], p->arena, &e->scheme, err);
	if (rc != FG_OK) {
		fg_error_detail(err, "Programme file %s, line %d.", rs->path, line->number);
		return rc;
	}
	p->info.nexams++;
	return FG_OK;
}

static fg_rc
add_early(struct fg_programme *p, const struct fg_ruleset *rs, const struct rs_line *line,
	  struct fg_error *err)
{
	for (int t = 1; t < line->ntok; t++) {
		if (strcmp(line->tok[t], "precursors") == 0)
			p->early_precursors = true;
		else if (strcmp(line->tok[t], "stages") == 0)
			continue;
		else if (p->nearly == MAX_EARLY || !fg_strlcpy(p->early_stages[p->nearly++], line->tok[t], 8))
			return rs_line_error(err, rs, line, "invalid early stage \"%s\"", line->tok[t]);
	}
	fg_strlcpy(p->early, line->rest ? line->rest : "", sizeof(p->early));
	return FG_OK;
}

static fg_rc
copy_word(const struct fg_ruleset *rs, const struct rs_line *line, char *dst, size_t dstsz,
	  struct fg_error *err)
{
	if (line->ntok != 2 || !fg_strlcpy(dst, line->tok[1], dstsz))
		return rs_line_error(err, rs, line, "\"%s\" takes one word", line->tok[0]);
	return FG_OK;
}

static fg_rc
programme_sex(struct fg_programme *p, const struct fg_ruleset *rs, const struct rs_line *line,
	      struct fg_error *err)
{
	static const char *const names[] = {"both", "men", "women"};

	for (int i = 0; i < 3; i++)
		if (line->ntok == 2 && strcmp(line->tok[1], names[i]) == 0) {
			p->info.sex = (char)('0' + i);
			return FG_OK;
		}
	return rs_line_error(err, rs, line, "sex is both, men or women");
}

static fg_rc
programme_directive(void *ctx, struct fg_ruleset *rs, const struct rs_line *line,
		    struct fg_error *err)
{
	struct fg_programme *p = ctx;
	const char *w = line->tok[0];
	fg_rc rc;

	if (strcmp(w, "programme") == 0)
		return copy_word(rs, line, p->code, sizeof(p->code), err);
	if (strcmp(w, "version") == 0)
		return copy_word(rs, line, p->version, sizeof(p->version), err);
	if (strcmp(w, "site") == 0)
		return copy_word(rs, line, p->site, sizeof(p->site), err);
	if (strcmp(w, "sex") == 0)
		return programme_sex(p, rs, line, err);
	if (strcmp(w, "exam") == 0)
		return add_exam(p, rs, line, err);
	if (strcmp(w, "early") == 0)
		return add_early(p, rs, line, err);
	if (strcmp(w, "offer") == 0 && line->ntok == 2 &&
	    (strcmp(line->tok[1], "all") == 0 || strcmp(line->tok[1], "high_risk") == 0)) {
		p->info.offer_all = strcmp(line->tok[1], "all") == 0;
		return FG_OK;
	}
	if (strcmp(w, "ages") == 0 && line->ntok == 3) {
		p->have_ages = true;
		rc = parse_int_word(rs, line, line->tok[1], 0, 120, &p->info.age_min, err);
		if (rc == FG_OK)
			rc = parse_int_word(rs, line, line->tok[2], p->info.age_min, 120, &p->info.age_max, err);
		return rc;
	}
	if (strcmp(w, "interval") == 0 && line->ntok == 2) {
		p->have_interval = true;
		return parse_int_word(rs, line, line->tok[1], 1, 240, &p->info.interval_months, err);
	}
	if (strcmp(w, "failsafe") == 0 && line->ntok == 2)
		return parse_int_word(rs, line, line->tok[1], 1, 3650, &p->info.failsafe_days, err);
	return FG_NOTFOUND;
}

static fg_rc
check_programme(struct fg_programme *p, const char *path, struct fg_error *err)
{
	const struct fg_ruleset *q = &p->questionnaire;

	if (p->code[0] == '\0' || p->version[0] == '\0' || !p->have_ages || !p->have_interval ||
	    p->info.nexams == 0 || p->info.failsafe_days == 0 || p->early[0] == '\0')
		return fg_error_set(err, FG_INVALID, NULL,
				    "programme file \"%s\" lacks programme, version, ages, interval, "
				    "exam, failsafe or early", path);
	if (!p->info.offer_all && q->default_outcome < 0)
		return fg_error_set(err, FG_INVALID, NULL,
				    "programme file \"%s\" has a questionnaire without a default outcome", path);
	return FG_OK;
}

static void
fill_info(struct fg_programme *p)
{
	p->info.code = p->code;
	p->info.version = p->version;
	p->info.title = p->questionnaire.title;
	p->info.source = p->questionnaire.source;
	p->info.site = p->site;
	p->info.early_definition = p->early;
	p->info.questionnaire = &p->questionnaire;
}

/* Newest version file of code in dir, by version order, into name. */
static fg_rc
newest_version(const char *dir, const char *code, char *name, size_t namesz,
	       struct fg_error *err)
{
	size_t len = strlen(code);
	struct dirent *de;
	DIR *d = opendir(dir);

	name[0] = '\0';
	if (d == NULL)
		return fg_error_set(err, FG_IO, NULL, "could not open directory \"%s\"", dir);
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name, *dot = strrchr(n, '.');

		if (strncmp(n, code, len) != 0 || n[len] != '-' || dot == NULL || strcmp(dot, ".programme") != 0)
			continue;
		if (name[0] == '\0' || strverscmp(n, name) > 0)
			fg_strlcpy(name, n, namesz);
	}
	closedir(d);
	return FG_OK;
}

fg_rc
fg_programme_load(const char *datadir, const char *code, const char *version,
		  struct fg_arena *arena, const fg_programme **out,
		  struct fg_error *err)
{
	struct fg_programme *p;
	char dir[512], name[256], path[800];
	fg_rc rc;

	datadir = datadir ? datadir : fg_datadir();
	snprintf(dir, sizeof(dir), "%s/screening/programmes", datadir);
	for (const char *c = code; *c; c++)
		if (*c == '/' || *c == '.')
			return fg_error_set(err, FG_NOTFOUND, "programme", "programme \"%s\" does not exist", code);
	if (version == NULL) {
		rc = newest_version(dir, code, name, sizeof(name), err);
		if (rc != FG_OK)
			return rc;
	} else
		snprintf(name, sizeof(name), "%s-%s.programme", code, version);
	p = fg_arena_alloc(arena, sizeof(*p));
	if (p == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading programme \"%s\"", code);
	p->datadir = datadir;
	p->arena = arena;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = name[0] && !strchr(version ? version : "", '/')
		? rs_load_file(path, &p->questionnaire, programme_directive, p, arena, &p->text, err)
		: FG_NOTFOUND;
	if (rc == FG_NOTFOUND) {
		fg_error_set(err, FG_NOTFOUND, "programme", version ? "programme \"%s\" version \"%s\" does not exist"
			     : "programme \"%s\" does not exist%s", code, version ? version : "");
		return rc;
	}
	if (rc == FG_OK)
		rc = check_programme(p, path, err);
	if (rc != FG_OK)
		return rc;
	fill_info(p);
	*out = p;
	return FG_OK;
}

const struct fg_programme_info *
fg_programme_info(const fg_programme *p)
{
	return &p->info;
}

const char *
fg_programme_text(const fg_programme *p)
{
	return p->text;
}

const struct fg_programme_exam *
fg_programme_exam(const fg_programme *p, const char *type)
{
	for (size_t i = 0; i < p->info.nexams; i++)
		if (strcmp(p->info.exams[i].type, type) == 0)
			return &p->info.exams[i];
	return NULL;
}

bool
fg_programme_eligible(const fg_programme *p, char sex, int age)
{
	if (p->info.sex != '0' && p->info.sex != sex)
		return false;
	return age >= p->info.age_min && age <= p->info.age_max;
}

/* The Roman-numeral stage group of a stage text: "IIIA" -> "III", "0is" -> "0". */
static void
stage_group(const char *stage, char *out, size_t outsz)
{
	size_t n = 0;

	if (stage[0] == '0') {
		fg_strlcpy(out, "0", outsz);
		return;
	}
	while (stage[n] == 'I' || stage[n] == 'V')
		n++;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, stage, n);
	out[n] = '\0';
}

bool
fg_programme_is_early(const fg_programme *p, const char *diagnosis, const char *stage)
{
	char group[8];

	if (diagnosis != NULL && strcmp(diagnosis, "precursor") == 0)
		return p->early_precursors;
	if (diagnosis == NULL || strcmp(diagnosis, "cancer") != 0 || stage == NULL)
		return false;
	stage_group(stage, group, sizeof(group));
	for (int i = 0; i < p->nearly; i++)
		if (group[0] && strcmp(group, p->early_stages[i]) == 0)
			return true;
	return false;
}

fg_rc
fg_programme_assess(const fg_programme *p, const char *const *answers, int age,
		    char sex, bool *high_risk, struct fg_error *err)
{
	const struct fg_ruleset *q = &p->questionnaire;
	const char *values[RS_MAX_FIELDS] = {0};
	struct fg_screen_result res;
	char agetext[16], sextext[2] = {sex, '\0'};
	int ia = fg_ruleset_field_index(q, "age"), is = fg_ruleset_field_index(q, "sex");
	fg_rc rc;

	for (int i = 0; i < q->ninputs; i++)
		values[i] = answers[i];
	snprintf(agetext, sizeof(agetext), "%d", age);
	if (ia >= 0)
		values[ia] = agetext;
	if (is >= 0)
		values[is] = sextext;
	if (q->nrules == 0 && p->info.offer_all) {
		*high_risk = false;
		return FG_OK;
	}
	rc = fg_ruleset_classify(q, values, &res, err);
	if (rc == FG_OK)
		*high_risk = res.positive;
	return rc;
}

fg_rc
fg_programme_list(const char *datadir, struct fg_arena *arena, const char ***codes,
		  size_t *count, struct fg_error *err)
{
	char dir[512];
	const char **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/screening/programmes", datadir ? datadir : fg_datadir());
	if ((d = opendir(dir)) == NULL)
		return fg_error_set(err, FG_IO, NULL, "could not open directory \"%s\"", dir);
	while ((de = readdir(d)) != NULL) {
		const char *dash = strchr(de->d_name, '-'), *dot = strrchr(de->d_name, '.');
		bool seen = false;
		char *code;

		if (dash == NULL || dot == NULL || strcmp(dot, ".programme") != 0)
			continue;
		code = fg_arena_strndup(arena, de->d_name, (size_t)(dash - de->d_name));
		for (size_t i = 0; i < n && code; i++)
			seen |= strcmp(list[i], code) == 0;
		if (seen)
			continue;
		if (n == cap) {
			const char **grown = fg_arena_alloc(arena, (cap ? cap * 2 : 16) * sizeof(*grown));

			if (grown == NULL || code == NULL) {
				closedir(d);
				return fg_error_set(err, FG_NOMEM, NULL, "out of memory listing programmes");
			}
			if (n)
				memcpy(grown, list, n * sizeof(*grown));
			list = grown;
			cap = cap ? cap * 2 : 16;
		}
		list[n++] = code;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)	/* insertion sort: a handful of codes */
		for (size_t j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			const char *t = list[j];

			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	*codes = list;
	*count = n;
	return FG_OK;
}
