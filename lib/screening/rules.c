/*
 * rules.c
 *	  Rule sets: reading the rule files under data/screening/ and
 *	  classifying a finding (or a questionnaire) with them.
 *
 * A rule file declares input fields (enumerated or decimal, with their
 * ranges), derived fields, outcomes (category, management, recall),
 * requirements and refusals, then rules tried in order: the first rule
 * whose conditions all hold decides.  Adjustment rules may then replace
 * the outcome.  The format is described in docs/screening.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fangai/util.h"
#include "screening_int.h"

struct rs_values {
	bool present[RS_MAX_FIELDS];
	int64_t num[RS_MAX_FIELDS];
	int enm[RS_MAX_FIELDS];
};

/* ---- decimals ---- */

bool
rs_parse_decimal(const char *text, int64_t *out, int *ndec)
{
	const char *p = text;
	int64_t whole = 0, frac = 0;
	int digits = 0, dec = 0;
	bool neg = false;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; isdigit((unsigned char)*p); p++, digits++) {
		if (whole > INT64_MAX / 100000)
			return false;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, dec++)
			if (dec < 3)
				frac = frac * 10 + (*p - '0');
	if (*p != '\0' || digits == 0 || dec > 3)
		return false;
	for (int i = dec; i < 3; i++)
		frac *= 10;
	*out = (whole * RS_SCALE + frac) * (neg ? -1 : 1);
	*ndec = dec;
	return true;
}

char *
rs_format_decimal(int64_t v, int decimals, char *buf, size_t bufsz)
{
	int64_t a = v < 0 ? -v : v, div = 1;

	for (int i = decimals; i < 3; i++)
		div *= 10;
	a /= div;
	if (decimals == 0)
		snprintf(buf, bufsz, "%s%lld", v < 0 ? "-" : "", (long long)a);
	else {
		int64_t p = 1;

		for (int i = 0; i < decimals; i++)
			p *= 10;
		snprintf(buf, bufsz, "%s%lld.%0*lld", v < 0 ? "-" : "", (long long)(a / p), decimals,
			 (long long)(a % p));
	}
	return buf;
}

/* ---- reading rule files ---- */

fg_rc
rs_line_error(struct fg_error *err, const struct fg_ruleset *rs,
	      const struct rs_line *line, const char *fmt, ...)
{
	char what[FG_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fg_error_set(err, FG_INVALID, NULL, "%s", what);
	fg_error_detail(err, "At line %d of %s.", line->number, rs->path);
	return FG_INVALID;
}

static int
field_index(const struct fg_ruleset *rs, const char *name)
{
	for (int i = 0; i < rs->nfields; i++)
		if (strcmp(rs->fields[i].name, name) == 0)
			return i;
	return -1;
}

static int
outcome_index(const struct fg_ruleset *rs, const char *id)
{
	for (int i = 0; i < rs->noutcomes; i++)
		if (strcmp(rs->outcomes[i].id, id) == 0)
			return i;
	return -1;
}

static int
enum_index(const struct rs_field *f, const char *value)
{
	for (int i = 0; i < f->nvalues; i++)
		if (strcasecmp(f->values[i], value) == 0)
			return i;
	return -1;
}

static bool
split_line(const char *text, int number, struct rs_line *line)
{
	char *p;

	memset(line, 0, sizeof(*line));
	line->number = number;
	if (!fg_strlcpy(line->buf, text, sizeof(line->buf)))
		return false;
	p = line->buf;
	while (*p && line->ntok < RS_MAX_TOKENS) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (line->ntok == 1)
			line->rest = text + (p - line->buf);
		line->tok[line->ntok++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* Parse the bound text of a numeric condition into [lo, hi]. */
static bool
parse_range(const char *v, struct rs_cond *c)
{
	const char *dots = strstr(v, "..");
	int64_t x;
	int nd;

	c->lo = INT64_MIN;
	c->hi = INT64_MAX;
	if (dots != NULL) {
		char lo[32];

		if ((size_t)(dots - v) >= sizeof(lo))
			return false;
		memcpy(lo, v, (size_t)(dots - v));
		lo[dots - v] = '\0';
		if (lo[0] != '\0') {
			if (!rs_parse_decimal(lo, &x, &nd))
				return false;
			c->lo = x;
		}
		if (dots[2] != '\0') {
			if (!rs_parse_decimal(dots + 2, &x, &nd))
				return false;
			c->hi = x - 1;	/* half-open: a..b means a <= x < b */
		}
		return dots != v || dots[2] != '\0';
	}
	if (v[0] == '<' || v[0] == '>') {
		bool eq = v[1] == '=';

		if (!rs_parse_decimal(v + 1 + eq, &x, &nd))
			return false;
		if (v[0] == '<')
			c->hi = eq ? x : x - 1;
		else
			c->lo = eq ? x : x + 1;
		return true;
	}
	if (!rs_parse_decimal(v, &x, &nd))
		return false;
	c->lo = c->hi = x;
	return true;
}

static fg_rc
parse_mask(struct fg_error *err, struct fg_ruleset *rs, const struct rs_line *line,
	   const char *key, char *v, bool outcomes, const struct rs_field *f, uint64_t *mask)
{
	char *save = NULL;

	*mask = 0;
	for (char *w = strtok_r(v, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		int k = outcomes ? outcome_index(rs, w) : enum_index(f, w);

		if (k < 0)
			return rs_line_error(err, rs, line, "%s \"%s\" is not declared for %s",
					     outcomes ? "outcome" : "value", w, key);
		*mask |= UINT64_C(1) << k;
	}
	return FG_OK;
}

/* The state of one file being read. */
struct loader {
	struct fg_ruleset *rs;
	struct fg_arena *arena;
	const struct rs_line *line;
	struct fg_error *err;
};

static fg_rc
parse_conditions(struct loader *ld, int first, int last, struct rs_rule *r)
{
	struct fg_ruleset *rs = ld->rs;
	const struct rs_line *line = ld->line;
	char text[RS_TEXT_MAX] = "";

	for (int t = first; t < last; t++) {
		char *tok = line->tok[t], *eq = strchr(tok, '=');
		struct rs_cond *c;
		fg_rc rc;

		if (eq == NULL || eq == tok)
			return rs_line_error(ld->err, rs, line, "condition \"%s\" is not of the form field=value", tok);
		if (r->ncond == RS_MAX_CONDS)
			return rs_line_error(ld->err, rs, line, "too many conditions in one rule");
		if (text[0])
			strncat(text, " ", sizeof(text) - strlen(text) - 1);
		strncat(text, tok, sizeof(text) - strlen(text) - 1);
		*eq = '\0';
		c = &r->cond[r->ncond++];
		memset(c, 0, sizeof(*c));
		if (strcmp(tok, "from") == 0) {
			c->field = -1;
			rc = parse_mask(ld->err, rs, line, tok, eq + 1, true, NULL, &c->mask);
		} else if ((c->field = field_index(rs, tok)) < 0) {
			rc = rs_line_error(ld->err, rs, line, "field \"%s\" is not declared", tok);
		} else if (strcmp(eq + 1, "-") == 0) {
			c->absent = true;
			rc = FG_OK;
		} else if (rs->fields[c->field].kind == RS_ENUM) {
			rc = parse_mask(ld->err, rs, line, tok, eq + 1, false, &rs->fields[c->field], &c->mask);
		} else {
			rc = parse_range(eq + 1, c) ? FG_OK
				: rs_line_error(ld->err, rs, line, "invalid range \"%s\" for %s", eq + 1, tok);
		}
		*eq = '=';
		if (rc != FG_OK)
			return rc;
	}
	r->text = fg_arena_strdup(ld->arena, text);
	return r->text ? FG_OK : fg_error_set(ld->err, FG_NOMEM, NULL, "out of memory");
}

static fg_rc
add_field(struct loader *ld)
{
	struct fg_ruleset *rs = ld->rs;
	const struct rs_line *line = ld->line;
	struct rs_field *f;
	int nd;

	if (line->ntok < 3)
		return rs_line_error(ld->err, rs, line, "a field needs a name and a kind");
	if (rs->nfields == RS_MAX_FIELDS)
		return rs_line_error(ld->err, rs, line, "too many fields");
	if (field_index(rs, line->tok[1]) >= 0 || !fg_strlcpy(rs->fields[rs->nfields].name, line->tok[1], RS_NAME_MAX))
		return rs_line_error(ld->err, rs, line, "field \"%s\" is declared twice or too long", line->tok[1]);
	f = &rs->fields[rs->nfields];
	if (strcmp(line->tok[2], "enum") == 0) {
		f->kind = RS_ENUM;
		if (line->ntok - 3 > RS_MAX_VALUES || line->ntok == 3)
			return rs_line_error(ld->err, rs, line, "field \"%s\" needs 1 to %d values", f->name, RS_MAX_VALUES);
		for (int t = 3; t < line->ntok; t++)
			if (!fg_strlcpy(f->values[f->nvalues++], line->tok[t], RS_VALUE_MAX))
				return rs_line_error(ld->err, rs, line, "value \"%s\" is too long", line->tok[t]);
	} else if (strcmp(line->tok[2], "number") == 0 && line->ntok == 5) {
		f->kind = RS_NUMBER;
		if (!rs_parse_decimal(line->tok[3], &f->min, &nd) ||
		    !rs_parse_decimal(line->tok[4], &f->max, &f->decimals) || f->min > f->max)
			return rs_line_error(ld->err, rs, line, "invalid range %s %s", line->tok[3], line->tok[4]);
	} else if (strcmp(line->tok[2], "sum") == 0) {
		f->kind = RS_SUM;
	} else
		return rs_line_error(ld->err, rs, line, "invalid field kind \"%s\"", line->tok[2]);
	if (f->kind != RS_SUM && rs->ninputs != rs->nfields)
		return rs_line_error(ld->err, rs, line, "input field \"%s\" must come before derived fields", f->name);
	if (f->kind != RS_SUM)
		rs->ninputs++;
	rs->nfields++;
	return FG_OK;
}

static fg_rc
add_derived(struct loader *ld)
{
	struct fg_ruleset *rs = ld->rs;
	const struct rs_line *line = ld->line;
	struct rs_field *f = &rs->fields[rs->nfields];

	if (line->ntok != 5 || strcmp(line->tok[3], "-") != 0)
		return rs_line_error(ld->err, rs, line, "a derived field is written \"derive NAME A - B\"");
	if (rs->nfields == RS_MAX_FIELDS || !fg_strlcpy(f->name, line->tok[1], RS_NAME_MAX) ||
	    field_index(rs, line->tok[1]) >= 0)
		return rs_line_error(ld->err, rs, line, "cannot declare field \"%s\"", line->tok[1]);
	f->kind = RS_DIFF;
	f->a = field_index(rs, line->tok[2]);
	f->b = field_index(rs, line->tok[4]);
	if (f->a < 0 || f->b < 0 || rs->fields[f->a].kind != RS_NUMBER || rs->fields[f->b].kind != RS_NUMBER)
		return rs_line_error(ld->err, rs, line, "both operands of \"%s\" must be numeric fields", f->name);
	f->decimals = rs->fields[f->a].decimals;
	rs->nfields++;
	return FG_OK;
}

static fg_rc
outcome_attr(struct loader *ld, struct rs_outcome *o, const char *key, const char *v)
{
	int64_t x;
	int nd;

	if (strcmp(key, "category") == 0 && fg_strlcpy(o->category, v, sizeof(o->category)))
		return FG_OK;
	if (strcmp(key, "management") == 0 && fg_strlcpy(o->management, v, sizeof(o->management)))
		return FG_OK;
	if (strcmp(key, "recall") == 0 && strcmp(v, "-") == 0) {
		o->recall_months = FG_SCREEN_RECALL_NONE;
		return FG_OK;
	}
	if (strcmp(key, "recall") == 0 && rs_parse_decimal(v, &x, &nd) && nd == 0 && x >= 0 && x <= 240 * RS_SCALE) {
		o->recall_months = (int)(x / RS_SCALE);
		return FG_OK;
	}
	if ((strcmp(key, "positive") == 0 || strcmp(key, "referral") == 0 || strcmp(key, "routine") == 0) &&
	    (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)) {
		*(key[0] == 'p' ? &o->positive : key[2] == 'f' ? &o->referral : &o->routine) = v[0] == '1';
		return FG_OK;
	}
	return rs_line_error(ld->err, ld->rs, ld->line, "invalid outcome attribute %s=%s", key, v);
}

static fg_rc
add_outcome(struct loader *ld)
{
	struct fg_ruleset *rs = ld->rs;
	const struct rs_line *line = ld->line;
	struct rs_outcome *o = &rs->outcomes[rs->noutcomes];
	fg_rc rc;

	if (line->ntok < 2 || rs->noutcomes == RS_MAX_OUTCOMES || outcome_index(rs, line->tok[1]) >= 0 ||
	    !fg_strlcpy(o->id, line->tok[1], sizeof(o->id)))
		return rs_line_error(ld->err, rs, line, "invalid or repeated outcome");
	fg_strlcpy(o->category, o->id, sizeof(o->category));
	o->recall_months = FG_SCREEN_RECALL_NONE;
	for (int t = 2; t < line->ntok; t++) {
		char *eq = strchr(line->tok[t], '=');

		if (eq == NULL)
			return rs_line_error(ld->err, rs, line, "outcome attribute \"%s\" is not key=value", line->tok[t]);
		*eq = '\0';
		rc = outcome_attr(ld, o, line->tok[t], eq + 1);
		*eq = '=';
		if (rc != FG_OK)
			return rc;
	}
	if (o->management[0] == '\0')
		return rs_line_error(ld->err, rs, line, "outcome \"%s\" has no management", o->id);
	rs->noutcomes++;
	return FG_OK;
}

static struct rs_rule *
new_rule(struct loader *ld, enum rs_rule_kind kind)
{
	struct rs_rule *r;

	if (ld->rs->nrules == RS_MAX_RULES) {
		rs_line_error(ld->err, ld->rs, ld->line, "too many rules");
		return NULL;
	}
	r = &ld->rs->rules[ld->rs->nrules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->line = ld->line->number;
	return r;
}

/* rule|adjust OUTCOME cond...; default OUTCOME */
static fg_rc
add_rule(struct loader *ld, enum rs_rule_kind kind)
{
	const struct rs_line *line = ld->line;
	struct rs_rule *r;
	int o;

	if (line->ntok < 2 || (o = outcome_index(ld->rs, line->tok[1])) < 0)
		return rs_line_error(ld->err, ld->rs, line, "rule names no declared outcome");
	if ((r = new_rule(ld, kind)) == NULL)
		return FG_INVALID;
	r->outcome = o;
	return parse_conditions(ld, 2, line->ntok, r);
}

/* modifier SUFFIX cond...: the suffix is appended to the category when the conditions hold */
static fg_rc
add_modifier(struct loader *ld)
{
	const struct rs_line *line = ld->line;
	struct rs_rule *r;

	if (line->ntok < 3 || strlen(line->tok[1]) >= FG_SCREEN_MODIFIER_MAX)
		return rs_line_error(ld->err, ld->rs, line, "modifier needs a suffix of at most %d characters"
				     " and conditions", FG_SCREEN_MODIFIER_MAX - 1);
	if ((r = new_rule(ld, RS_MODIFIER)) == NULL)
		return FG_INVALID;
	fg_strlcpy(r->suffix, line->tok[1], sizeof(r->suffix));
	return parse_conditions(ld, 2, line->ntok, r);
}

/* require FIELD [when cond...] */
static fg_rc
add_require(struct loader *ld)
{
	const struct rs_line *line = ld->line;
	struct rs_rule *r;
	int f;

	if (line->ntok < 2 || (f = field_index(ld->rs, line->tok[1])) < 0 ||
	    (line->ntok > 2 && strcmp(line->tok[2], "when") != 0))
		return rs_line_error(ld->err, ld->rs, line, "a requirement is written \"require FIELD [when CONDITIONS]\"");
	if ((r = new_rule(ld, RS_REQUIRE)) == NULL)
		return FG_INVALID;
	r->target = f;
	return parse_conditions(ld, line->ntok > 2 ? 3 : 2, line->ntok, r);
}

/* refuse FIELD cond... because SENTENCE */
static fg_rc
add_refuse(struct loader *ld)
{
	const struct rs_line *line = ld->line;
	int f, because = -1;
	struct rs_rule *r;
	const char *why;

	for (int t = 2; t < line->ntok; t++)
		if (strcmp(line->tok[t], "because") == 0 && because < 0)
			because = t;
	why = because > 0 ? strstr(line->rest, " because ") : NULL;
	if (line->ntok < 4 || (f = field_index(ld->rs, line->tok[1])) < 0 || why == NULL)
		return rs_line_error(ld->err, ld->rs, line, "a refusal is written \"refuse FIELD CONDITIONS because SENTENCE\"");
	if ((r = new_rule(ld, RS_REFUSE)) == NULL)
		return FG_INVALID;
	r->target = f;
	if (parse_conditions(ld, 2, because, r) != FG_OK)
		return FG_INVALID;
	r->text = fg_arena_strdup(ld->arena, why + strlen(" because "));
	return r->text ? FG_OK : fg_error_set(ld->err, FG_NOMEM, NULL, "out of memory");
}

/* points FIELD N cond... */
static fg_rc
add_points(struct loader *ld)
{
	const struct rs_line *line = ld->line;
	struct rs_rule *r;
	int f, nd;
	int64_t n;

	if (line->ntok < 4 || (f = field_index(ld->rs, line->tok[1])) < 0 || ld->rs->fields[f].kind != RS_SUM ||
	    !rs_parse_decimal(line->tok[2], &n, &nd))
		return rs_line_error(ld->err, ld->rs, line, "points are written \"points SUMFIELD N CONDITIONS\"");
	if ((r = new_rule(ld, RS_POINTS)) == NULL)
		return FG_INVALID;
	r->target = f;
	r->points = n;
	return parse_conditions(ld, 3, line->ntok, r);
}

static fg_rc
set_text(struct loader *ld, char *dst, size_t dstsz, bool append)
{
	const char *rest = ld->line->rest ? ld->line->rest : "";

	if (append && dst[0] != '\0')
		strncat(dst, "; ", dstsz - strlen(dst) - 1);
	if (strlen(dst) + strlen(rest) >= dstsz)
		return rs_line_error(ld->err, ld->rs, ld->line, "text too long");
	strcat(dst, rest);
	return FG_OK;
}

static fg_rc
ruleset_directive(struct loader *ld, rs_directive_fn fn, void *ctx)
{
	const char *w = ld->line->tok[0];
	struct fg_ruleset *rs = ld->rs;
	fg_rc rc;

	if (strcmp(w, "scheme") == 0)
		return set_text(ld, rs->name, sizeof(rs->name), false);
	if (strcmp(w, "title") == 0)
		return set_text(ld, rs->title, sizeof(rs->title), false);
	if (strcmp(w, "source") == 0)
		return set_text(ld, rs->source, sizeof(rs->source), true);
	if (strcmp(w, "field") == 0)
		return add_field(ld);
	if (strcmp(w, "derive") == 0)
		return add_derived(ld);
	if (strcmp(w, "outcome") == 0)
		return add_outcome(ld);
	if (strcmp(w, "rule") == 0)
		return add_rule(ld, RS_RULE);
	if (strcmp(w, "adjust") == 0)
		return add_rule(ld, RS_ADJUST);
	if (strcmp(w, "modifier") == 0)
		return add_modifier(ld);
	if (strcmp(w, "require") == 0)
		return add_require(ld);
	if (strcmp(w, "refuse") == 0)
		return add_refuse(ld);
	if (strcmp(w, "points") == 0)
		return add_points(ld);
	if (strcmp(w, "default") == 0) {
		if (ld->line->ntok != 2 || (rs->default_outcome = outcome_index(rs, ld->line->tok[1])) < 0)
			return rs_line_error(ld->err, rs, ld->line, "default names no declared outcome");
		return FG_OK;
	}
	rc = fn ? fn(ctx, rs, ld->line, ld->err) : FG_NOTFOUND;
	if (rc == FG_NOTFOUND)
		return rs_line_error(ld->err, rs, ld->line, "unrecognised directive \"%s\"", w);
	return rc;
}

static fg_rc
read_whole(const char *path, struct fg_arena *arena, char **text, struct fg_error *err)
{
	FILE *f = fopen(path, "r");
	long size;
	fg_rc rc = FG_OK;

	if (f == NULL)
		return fg_error_set(err, errno == ENOENT ? FG_NOTFOUND : FG_IO, NULL,
				    "could not open rule file \"%s\": %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > 1 << 20 || fseek(f, 0, SEEK_SET) != 0) {
		rc = fg_error_set(err, FG_IO, NULL, "could not read rule file \"%s\"", path);
		goto out;
	}
	*text = fg_arena_alloc(arena, (size_t)size + 1);
	if (*text == NULL) {
		rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory reading \"%s\"", path);
		goto out;
	}
	if (fread(*text, 1, (size_t)size, f) != (size_t)size)
		rc = fg_error_set(err, FG_IO, NULL, "could not read rule file \"%s\"", path);
	(*text)[size] = '\0';
out:
	fclose(f);
	return rc;
}

fg_rc
rs_load_file(const char *path, struct fg_ruleset *rs, rs_directive_fn fn,
	     void *ctx, struct fg_arena *arena, const char **text,
	     struct fg_error *err)
{
	struct loader ld = {.rs = rs, .arena = arena, .err = err};
	struct rs_line line;
	char *all = NULL, *p, *nl;
	int number = 0;
	fg_rc rc;

	rs->default_outcome = -1;
	fg_strlcpy(rs->path, path, sizeof(rs->path));
	rc = read_whole(path, arena, &all, err);
	if (rc != FG_OK)
		return rc;
	if (text)
		*text = all;
	for (p = all; *p; p = nl ? nl + 1 : p + strlen(p)) {
		char raw[RS_TEXT_MAX];
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		number++;
		if (len >= sizeof(raw))
			return fg_error_set(err, FG_INVALID, NULL, "line %d of %s is too long", number, path);
		memcpy(raw, p, len);
		raw[len] = '\0';
		if (strchr(raw, '#'))
			*strchr(raw, '#') = '\0';
		if (!split_line(raw, number, &line))
			return rs_line_error(err, rs, &line, "too many words on one line");
		if (line.ntok == 0)
			continue;
		ld.line = &line;
		rc = ruleset_directive(&ld, fn, ctx);
		if (rc != FG_OK)
			return rc;
	}
	if (rs->name[0] == '\0' || rs->source[0] == '\0')
		return fg_error_set(err, FG_INVALID, NULL, "rule file \"%s\" names no scheme or source", path);
	return FG_OK;
}

fg_rc
fg_ruleset_load(const char *datadir, const char *name, struct fg_arena *arena,
		const fg_ruleset **out, struct fg_error *err)
{
	struct fg_ruleset *rs;
	char path[512];
	fg_rc rc;

	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			return fg_error_set(err, FG_NOTFOUND, "scheme", "scheme \"%s\" does not exist", name);
	snprintf(path, sizeof(path), "%s/screening/schemes/%s.rules", datadir ? datadir : fg_datadir(), name);
	rs = fg_arena_alloc(arena, sizeof(*rs));
	if (rs == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory loading scheme \"%s\"", name);
	rc = rs_load_file(path, rs, NULL, NULL, arena, NULL, err);
	if (rc == FG_NOTFOUND) {
		fg_error_set(err, FG_NOTFOUND, "scheme", "scheme \"%s\" does not exist", name);
		fg_error_hint(err, "The schemes are the .rules files under screening/schemes/ in the data directory.");
	}
	if (rc == FG_OK)
		*out = rs;
	return rc;
}

const char *
fg_ruleset_name(const fg_ruleset *rs)
{
	return rs->name;
}

const char *
fg_ruleset_title(const fg_ruleset *rs)
{
	return rs->title;
}

const char *
fg_ruleset_source(const fg_ruleset *rs)
{
	return rs->source;
}

size_t
fg_ruleset_field_count(const fg_ruleset *rs)
{
	return (size_t)rs->ninputs;
}

const char *
fg_ruleset_field_name(const fg_ruleset *rs, size_t i)
{
	return i < (size_t)rs->ninputs ? rs->fields[i].name : "";
}

int
fg_ruleset_field_index(const fg_ruleset *rs, const char *name)
{
	int i = field_index(rs, name);

	return i < rs->ninputs ? i : -1;
}

char *
fg_ruleset_field_describe(const fg_ruleset *rs, size_t i, char *buf, size_t bufsz)
{
	const struct rs_field *f = &rs->fields[i < (size_t)rs->ninputs ? i : 0];
	char lo[32], hi[32];

	if (f->kind == RS_NUMBER) {
		snprintf(buf, bufsz, "number %s to %s", rs_format_decimal(f->min, f->decimals, lo, sizeof(lo)),
			 rs_format_decimal(f->max, f->decimals, hi, sizeof(hi)));
		return buf;
	}
	snprintf(buf, bufsz, "one of:");
	for (int k = 0; k < f->nvalues; k++) {
		strncat(buf, " ", bufsz - strlen(buf) - 1);
		strncat(buf, f->values[k], bufsz - strlen(buf) - 1);
	}
	return buf;
}

/* ---- classifying ---- */

static fg_rc
parse_value(const fg_ruleset *rs, int i, const char *text, struct rs_values *v,
	    struct fg_error *err)
{
	const struct rs_field *f = &rs->fields[i];
	char lo[32], hi[32];
	int nd;

	if (f->kind == RS_ENUM) {
		v->enm[i] = enum_index(f, text);
		if (v->enm[i] >= 0)
			return FG_OK;
		fg_error_set(err, FG_INVALID, f->name, "invalid %s \"%s\"", f->name, text);
		fg_error_detail(err, "%s must be %s.", f->name,
				fg_ruleset_field_describe(rs, (size_t)i, (char[512]){0}, 512));
		return FG_INVALID;
	}
	if (!rs_parse_decimal(text, &v->num[i], &nd))
		return fg_error_set(err, FG_INVALID, f->name, "invalid %s \"%s\": not a number", f->name, text);
	if (nd > f->decimals) {
		fg_error_set(err, FG_INVALID, f->name, "invalid %s \"%s\": too many decimals", f->name, text);
		fg_error_detail(err, "%s is recorded to %d decimal%s.", f->name, f->decimals, f->decimals == 1 ? "" : "s");
		return FG_INVALID;
	}
	if (v->num[i] < f->min || v->num[i] > f->max) {
		fg_error_set(err, FG_INVALID, f->name, "%s \"%s\" is out of range", f->name, text);
		fg_error_detail(err, "%s must lie between %s and %s.", f->name,
				rs_format_decimal(f->min, f->decimals, lo, sizeof(lo)),
				rs_format_decimal(f->max, f->decimals, hi, sizeof(hi)));
		return FG_INVALID;
	}
	return FG_OK;
}

static bool
cond_holds(const struct rs_cond *c, const struct rs_values *v, int outcome)
{
	if (c->field < 0)
		return outcome >= 0 && (c->mask >> outcome & 1);
	if (c->absent)
		return !v->present[c->field];
	if (!v->present[c->field])
		return false;
	if (c->mask != 0)
		return (c->mask >> v->enm[c->field]) & 1;
	return v->num[c->field] >= c->lo && v->num[c->field] <= c->hi;
}

static bool
rule_holds(const struct rs_rule *r, const struct rs_values *v, int outcome)
{
	for (int k = 0; k < r->ncond; k++)
		if (!cond_holds(&r->cond[k], v, outcome))
			return false;
	return true;
}

static void
derive_values(const fg_ruleset *rs, struct rs_values *v)
{
	for (int i = rs->ninputs; i < rs->nfields; i++) {
		const struct rs_field *f = &rs->fields[i];

		if (f->kind == RS_DIFF) {
			v->present[i] = v->present[f->a] && v->present[f->b];
			v->num[i] = v->present[i] ? v->num[f->a] - v->num[f->b] : 0;
		} else {
			v->present[i] = true;
			v->num[i] = 0;
			for (int r = 0; r < rs->nrules; r++)
				if (rs->rules[r].kind == RS_POINTS && rs->rules[r].target == i &&
				    rule_holds(&rs->rules[r], v, -1))
					v->num[i] += rs->rules[r].points;
		}
	}
}

static fg_rc
check_rules(const fg_ruleset *rs, const char *const *values, const struct rs_values *v,
	    struct fg_error *err)
{
	for (int r = 0; r < rs->nrules; r++) {
		const struct rs_rule *rule = &rs->rules[r];
		const char *name = rs->fields[rule->target].name;

		if (rule->kind == RS_REQUIRE && !v->present[rule->target] && rule_holds(rule, v, -1)) {
			fg_error_set(err, FG_INVALID, name, "missing value for %s", name);
			if (rule->text[0])
				fg_error_detail(err, "%s is required when %s.", name, rule->text);
			else
				fg_error_detail(err, "%s is required by %s.", name, rs->name);
			return FG_INVALID;
		}
		if (rule->kind == RS_REFUSE && rule_holds(rule, v, -1)) {
			fg_error_set(err, FG_INVALID, name, "invalid %s \"%s\"", name,
				     rule->target < rs->ninputs && values[rule->target] ? values[rule->target] : "");
			fg_error_detail(err, "%s", rule->text);
			return FG_INVALID;
		}
	}
	return FG_OK;
}

static void
describe_values(const fg_ruleset *rs, const char *const *values, char *buf, size_t bufsz)
{
	buf[0] = '\0';
	for (int i = 0; i < rs->ninputs; i++) {
		if (values[i] == NULL || values[i][0] == '\0')
			continue;
		snprintf(buf + strlen(buf), bufsz - strlen(buf), "%s%s=%s", buf[0] ? " " : "",
			 rs->fields[i].name, values[i]);
	}
}

static int
decide(const fg_ruleset *rs, const struct rs_values *v, int *line)
{
	int outcome = -1;

	for (int r = 0; r < rs->nrules && outcome < 0; r++)
		if (rs->rules[r].kind == RS_RULE && rule_holds(&rs->rules[r], v, -1)) {
			outcome = rs->rules[r].outcome;
			*line = rs->rules[r].line;
		}
	if (outcome < 0)
		outcome = rs->default_outcome;
	for (int r = 0; r < rs->nrules && outcome >= 0; r++)
		if (rs->rules[r].kind == RS_ADJUST && rule_holds(&rs->rules[r], v, outcome)) {
			*line = rs->rules[r].line;
			return rs->rules[r].outcome;
		}
	return outcome;
}

/* Append the suffix of every modifier rule that holds to the category, in file order. */
static void
apply_modifiers(const fg_ruleset *rs, const struct rs_values *v, int outcome, struct fg_screen_result *out)
{
	for (int r = 0; r < rs->nrules; r++) {
		const struct rs_rule *rule = &rs->rules[r];

		if (rule->kind != RS_MODIFIER || !rule_holds(rule, v, outcome) ||
		    strlen(out->category) + strlen(rule->suffix) >= sizeof(out->category) ||
		    strlen(out->modifiers) + strlen(rule->suffix) >= sizeof(out->modifiers))
			continue;
		strcat(out->category, rule->suffix);
		strcat(out->modifiers, rule->suffix);
	}
}

fg_rc
fg_ruleset_classify(const fg_ruleset *rs, const char *const *values,
		    struct fg_screen_result *out, struct fg_error *err)
{
	struct rs_values v;
	const struct rs_outcome *o;
	char seen[512];
	int outcome, line = 0;
	fg_rc rc;

	memset(&v, 0, sizeof(v));
	for (int i = 0; i < rs->ninputs; i++) {
		v.present[i] = values[i] != NULL && values[i][0] != '\0';
		if (v.present[i] && (rc = parse_value(rs, i, values[i], &v, err)) != FG_OK)
			return rc;
	}
	derive_values(rs, &v);
	rc = check_rules(rs, values, &v, err);
	if (rc != FG_OK)
		return rc;
	outcome = decide(rs, &v, &line);
	if (outcome < 0) {
		describe_values(rs, values, seen, sizeof(seen));
		fg_error_set(err, FG_INVALID, NULL, "no rule of %s matches the finding", rs->name);
		fg_error_detail(err, "The values given were: %s.", seen[0] ? seen : "none");
		return FG_INVALID;
	}
	o = &rs->outcomes[outcome];
	memset(out, 0, sizeof(*out));
	fg_strlcpy(out->outcome, o->id, sizeof(out->outcome));
	fg_strlcpy(out->category, o->category, sizeof(out->category));
	fg_strlcpy(out->management, o->management, sizeof(out->management));
	out->recall_months = o->recall_months;
	out->positive = o->positive;
	out->referral = o->referral;
	out->routine = o->routine;
	out->rule_line = line;
	apply_modifiers(rs, &v, outcome, out);
	return FG_OK;
}
