/*
 * check.c
 *	  The IARC/IACR checks of a tumour record (IARC Technical Report 42):
 *	  parsing the codes as entered, then the consistency checks between them,
 *	  each driven by a table under data/icdo3/.
 */
#include <string.h>

#include "fangai/person.h"
#include "fangai/util.h"
#include "registry_int.h"

static const struct fg_check_info checks[] = {
	{"validity", "every code is a valid code (ICD-O-3 topography, morphology, behaviour, grade; basis; sex; dates)"},
	{"date.birth", "the incidence date is not before the birth date"},
	{"date.death", "the incidence date is not after the date of death"},
	{"date.last_contact", "the incidence date is not after the date of last contact"},
	{"date.future", "the incidence date is not in the future"},
	{"date.dco", "a death-certificate-only tumour has its incidence on the date of death"},
	{"date.age", "an age given agrees with the birth and incidence dates"},
	{"age.site.histology", "the age is likely for the site and histology"},
	{"sex.site", "the site exists in a person of that sex"},
	{"sex.histology", "the histology exists in a person of that sex"},
	{"site.histology", "the histology is likely at the site (morphology families and their sites)"},
	{"behaviour.site", "an in situ tumour is possible at the site"},
	{"behaviour.histology", "ICD-O-3 permits the behaviour with the histology, and it is not a rare combination"},
	{"grade.histology", "the grade or cell line agrees with the histology"},
	{"basis.histology", "a specific histology has a microscopic basis of diagnosis"},
	{NULL, NULL},
};

const struct fg_check_info *
fg_registry_checks(void)
{
	return checks;
}

size_t
fg_findings_errors(const struct fg_findings *findings)
{
	size_t n = 0;

	for (size_t i = 0; i < findings->count; i++)
		n += findings->items[i].level == FG_FINDING_ERROR;
	return n;
}

void
fg_tumour_codes_init(struct fg_tumour_codes *c, fg_date today)
{
	c->topography = c->morphology = c->behaviour = c->grade = c->basis = c->age = -1;
	c->sex = '\0';
	c->birth = c->incidence = c->death = c->last_contact = FG_DATE_NONE;
	c->today = today;
}

static bool
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static fg_rc
invalid(struct fg_findings *f, const char *field, const char *what, const char *text)
{
	return fg_findings_add(f, FG_FINDING_ERROR, "validity", field, "invalid %s \"%s\"", what, text);
}

static fg_rc
missing(struct fg_findings *f, const char *field, const char *what)
{
	return fg_findings_add(f, FG_FINDING_ERROR, "validity", field, "%s is missing", what);
}

static fg_rc
parse_topography(const fg_registry *reg, const char *text, struct fg_tumour_codes *out,
		 struct fg_findings *f)
{
	int t;

	if (!given(text))
		return missing(f, "topography", "topography");
	t = fg_topography_parse(text);
	if (t < 0 || reg->topo_label[t] == NULL)
		return invalid(f, "topography", "ICD-O-3 topography", text);
	out->topography = t;
	return FG_OK;
}

/* A single digit from the set `allowed`, or -1. */
static int
digit_code(const char *text, const char *allowed)
{
	if (text[0] == '\0' || text[1] != '\0' || text[0] < '0' || text[0] > '9' ||
	    strchr(allowed, text[0]) == NULL)
		return -1;
	return text[0] - '0';
}

static fg_rc
parse_morphology(const fg_registry *reg, const struct fg_tumour_text *in,
		 struct fg_tumour_codes *out, struct fg_findings *f)
{
	const char *text = in->morphology, *beh = in->behaviour;
	char digits[8] = "", behtext[2] = "";
	size_t n = 0;
	fg_rc rc = FG_OK;

	if (!given(text))
		return missing(f, "morphology", "morphology");
	for (const char *p = text; *p && n < 6; p++) {
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
		else if (!(*p == '/' && n == 4) && !(*p == 'M' && p == text) && !(*p == '-' && p == text + 1))
			return invalid(f, "morphology", "ICD-O-3 morphology", text);
	}
	digits[n] = '\0';
	if (n == 5 && !given(beh)) {
		behtext[0] = digits[4];
		beh = behtext;
	}
	if (n < 4 || n > 5 || (n == 5 && given(in->behaviour) && strcmp(in->behaviour, digits + 4) != 0))
		return invalid(f, "morphology", "ICD-O-3 morphology", text);
	digits[4] = '\0';
	out->morphology = (digits[0] - '0') * 1000 + (digits[1] - '0') * 100 +
			  (digits[2] - '0') * 10 + digits[3] - '0';
	if (out->morphology < REG_MORPH_FIRST || !reg_morphology_known(reg, out->morphology)) {
		out->morphology = -1;
		rc = invalid(f, "morphology", "ICD-O-3 morphology", digits);
	}
	if (rc != FG_OK)
		return rc;
	if (!given(beh))
		return missing(f, "behaviour", "behaviour");
	out->behaviour = digit_code(beh, "012369");
	return out->behaviour < 0 ? invalid(f, "behaviour", "ICD-O-3 behaviour", beh) : FG_OK;
}

static fg_rc
parse_date(const char *text, const char *field, bool required, fg_date *out,
	   struct fg_findings *f)
{
	struct fg_error err;

	if (!given(text))
		return required ? missing(f, field, field) : FG_OK;
	if (fg_date_parse(text, field, out, &err) != FG_OK) {
		*out = FG_DATE_NONE;
		return fg_findings_add(f, FG_FINDING_ERROR, "validity", field, "invalid %s \"%s\"", field, text);
	}
	return FG_OK;
}

static fg_rc
parse_small_codes(const struct fg_tumour_text *in, struct fg_tumour_codes *out,
		  struct fg_findings *f)
{
	fg_rc rc = FG_OK;

	if (given(in->grade)) {
		out->grade = digit_code(in->grade, "123456789");
		if (out->grade < 0)
			rc = invalid(f, "grade", "ICD-O-3 grade", in->grade);
	}
	if (rc == FG_OK && !given(in->basis))
		rc = missing(f, "basis", "basis of diagnosis");
	else if (rc == FG_OK) {
		out->basis = digit_code(in->basis, "0123456789");
		if (out->basis < 0)
			rc = invalid(f, "basis", "basis of diagnosis", in->basis);
	}
	if (rc == FG_OK && given(in->sex) && fg_sex_parse(in->sex, &out->sex, NULL) != FG_OK) {
		out->sex = '\0';
		rc = invalid(f, "sex", "sex", in->sex);
	}
	if (rc == FG_OK && given(in->age)) {
		int64_t age;

		if (fg_parse_int64(in->age, "age", 0, 130, &age, NULL) == FG_OK)
			out->age = (int)age;
		else
			rc = invalid(f, "age", "age", in->age);
	}
	return rc;
}

fg_rc
fg_tumour_parse(const fg_registry *reg, const struct fg_tumour_text *in,
		struct fg_tumour_codes *out, struct fg_findings *findings)
{
	fg_rc rc;

	if ((rc = parse_topography(reg, in->topography, out, findings)) ||
	    (rc = parse_morphology(reg, in, out, findings)) ||
	    (rc = parse_small_codes(in, out, findings)) ||
	    (rc = parse_date(in->birth_date, "birth_date", false, &out->birth, findings)) ||
	    (rc = parse_date(in->incidence_date, "incidence_date", true, &out->incidence, findings)) ||
	    (rc = parse_date(in->death_date, "death_date", false, &out->death, findings)))
		return rc;
	return parse_date(in->last_contact, "last_contact", false, &out->last_contact, findings);
}

static const char *
topo_text(int t, char *buf)
{
	return fg_topography_format(t, buf);
}

static fg_rc
check_dates(const struct fg_tumour_codes *c, struct fg_findings *f)
{
	char a[FG_DATE_TEXT_MAX], b[FG_DATE_TEXT_MAX];
	fg_rc rc = FG_OK;

	if (c->incidence == FG_DATE_NONE)
		return FG_OK;
	if (c->birth != FG_DATE_NONE && c->incidence < c->birth)
		rc = fg_findings_add(f, FG_FINDING_ERROR, "date.birth", "incidence_date",
				     "incidence date %s is before the birth date %s",
				     fg_date_format(c->incidence, a), fg_date_format(c->birth, b));
	if (rc == FG_OK && c->death != FG_DATE_NONE && c->incidence > c->death)
		rc = fg_findings_add(f, FG_FINDING_ERROR, "date.death", "incidence_date",
				     "incidence date %s is after the date of death %s",
				     fg_date_format(c->incidence, a), fg_date_format(c->death, b));
	if (rc == FG_OK && c->last_contact != FG_DATE_NONE && c->incidence > c->last_contact)
		rc = fg_findings_add(f, FG_FINDING_ERROR, "date.last_contact", "incidence_date",
				     "incidence date %s is after the date of last contact %s",
				     fg_date_format(c->incidence, a), fg_date_format(c->last_contact, b));
	if (rc == FG_OK && c->today != FG_DATE_NONE && c->incidence > c->today)
		rc = fg_findings_add(f, FG_FINDING_ERROR, "date.future", "incidence_date",
				     "incidence date %s is in the future", fg_date_format(c->incidence, a));
	if (rc == FG_OK && c->age >= 0 && c->birth != FG_DATE_NONE && c->incidence >= c->birth &&
	    fg_date_age(c->birth, c->incidence) != c->age)
		rc = fg_findings_add(f, FG_FINDING_ERROR, "date.age", "age",
				     "age %d does not agree with birth on %s and incidence on %s (age %d)",
				     c->age, fg_date_format(c->birth, b), fg_date_format(c->incidence, a),
				     fg_date_age(c->birth, c->incidence));
	if (rc == FG_OK && c->basis == 0 && c->death != FG_DATE_NONE && c->incidence != c->death)
		rc = fg_findings_add(f, FG_FINDING_WARNING, "date.dco", "incidence_date",
				     "death-certificate-only tumour has incidence date %s, not the date of death %s",
				     fg_date_format(c->incidence, a), fg_date_format(c->death, b));
	return rc;
}

static fg_rc
check_age(const fg_registry *reg, const struct fg_tumour_codes *c, struct fg_findings *f)
{
	const struct reg_range *r;
	char t[8];
	int age;

	if (c->birth != FG_DATE_NONE && c->incidence != FG_DATE_NONE && c->incidence >= c->birth)
		age = fg_date_age(c->birth, c->incidence);
	else if (c->birth == FG_DATE_NONE && c->age >= 0)
		age = c->age;
	else
		return FG_OK;
	r = reg_range_find(&reg->age, age, c->topography, c->morphology);
	if (r == NULL)
		return FG_OK;
	return fg_findings_add(f, FG_FINDING_WARNING, "age.site.histology", "morphology",
			       "age %d with %s, morphology %04d is unlikely: %s", age,
			       topo_text(c->topography, t), c->morphology, r->what);
}

static fg_rc
check_sex(const fg_registry *reg, const struct fg_tumour_codes *c, struct fg_findings *f)
{
	const struct reg_morph *e;
	const struct reg_range *r;
	char t[8];

	if (c->sex != '1' && c->sex != '2')
		return FG_OK;
	r = reg_range_find(&reg->sex_site, 0, c->topography, -1);
	if (r != NULL && r->value == c->sex - '0') {
		fg_rc rc = fg_findings_add(f, FG_FINDING_ERROR, "sex.site", "topography",
					   "topography %s (%s) is impossible for a %s",
					   topo_text(c->topography, t), r->what, c->sex == '1' ? "man" : "woman");

		if (rc != FG_OK)
			return rc;
	}
	e = &reg->morph[c->morphology - REG_MORPH_FIRST][c->behaviour];
	if (e->valid && e->sex && e->sex != (c->sex == '1' ? 'M' : 'F'))
		return fg_findings_add(f, FG_FINDING_ERROR, "sex.histology", "morphology",
				       "morphology %04d/%d occurs only in %s", c->morphology, c->behaviour,
				       e->sex == 'M' ? "men" : "women");
	return FG_OK;
}

static fg_rc
check_site_histology(const fg_registry *reg, const struct fg_tumour_codes *c,
		     struct fg_findings *f)
{
	int m = c->morphology - REG_MORPH_FIRST, fam = reg->family[m];
	const char *label;
	char t[8];
	bool listed;

	if (reg->family_kind[m] == REG_FAMILY_ANY)
		return FG_OK;
	listed = reg->family_site[fam][c->topography];
	label = reg->family_label[fam] ? reg->family_label[fam] : "";
	if (reg->family_kind[m] == REG_FAMILY_MUST && !listed)
		return fg_findings_add(f, FG_FINDING_WARNING, "site.histology", "topography",
				       "morphology %04d (%s) is unlikely at %s",
				       c->morphology, label, topo_text(c->topography, t));
	if (reg->family_kind[m] == REG_FAMILY_MUSTNOT && listed)
		return fg_findings_add(f, FG_FINDING_WARNING, "site.histology", "topography",
				       "morphology %04d (%s) is unlikely at %s",
				       c->morphology, label, topo_text(c->topography, t));
	return FG_OK;
}

static fg_rc
check_behaviour(const fg_registry *reg, const struct fg_tumour_codes *c,
		struct fg_findings *f)
{
	const struct reg_morph *e = &reg->morph[c->morphology - REG_MORPH_FIRST][c->behaviour];
	const struct reg_range *r;
	char t[8];
	fg_rc rc = FG_OK;

	if (!e->valid)
		return fg_findings_add(f, FG_FINDING_ERROR, "behaviour.histology", "behaviour",
				       "behaviour /%d is not permitted with morphology %04d",
				       c->behaviour, c->morphology);
	if (c->behaviour == 6 || c->behaviour == 9)
		rc = fg_findings_add(f, FG_FINDING_WARNING, "behaviour.histology", "behaviour",
				     "behaviour /%d is not registered: code the primary tumour with /3 "
				     "(C80.9 when its site is unknown)", c->behaviour);
	else if (e->rare)
		rc = fg_findings_add(f, FG_FINDING_WARNING, "behaviour.histology", "behaviour",
				     "behaviour /%d is rare with morphology %04d", c->behaviour, c->morphology);
	r = reg_range_find(&reg->behaviour_site, 0, c->topography, -1);
	if (rc == FG_OK && r != NULL && r->value == c->behaviour)
		rc = fg_findings_add(f, FG_FINDING_WARNING, "behaviour.site", "behaviour",
				     "behaviour /%d is unlikely at %s (%s)", c->behaviour,
				     topo_text(c->topography, t), r->what);
	return rc;
}

static fg_rc
check_grade(const fg_registry *reg, const struct fg_tumour_codes *c, struct fg_findings *f)
{
	if (c->grade < 0 || c->grade == 9)
		return FG_OK;
	if (c->behaviour != 3 && c->behaviour != 6 && c->behaviour != 9 && c->grade >= 1)
		return fg_findings_add(f, FG_FINDING_WARNING, "grade.histology", "grade",
				       "grade %d is given for a tumour of behaviour /%d", c->grade, c->behaviour);
	for (size_t i = 0; i < reg->grade.count; i++) {
		const struct reg_range *r = &reg->grade.rows[i];

		if (c->morphology >= r->morph_from && c->morphology <= r->morph_to &&
		    !(r->value & (1 << c->grade)))
			return fg_findings_add(f, FG_FINDING_ERROR, "grade.histology", "grade",
					       "grade %d contradicts morphology %04d: %s",
					       c->grade, c->morphology, r->what);
	}
	return FG_OK;
}

static fg_rc
check_basis(const fg_registry *reg, const struct fg_tumour_codes *c, struct fg_findings *f)
{
	if (c->basis < 0 || c->basis > 4)
		return FG_OK;
	for (size_t i = 0; i < reg->basis.count; i++) {
		const struct reg_range *r = &reg->basis.rows[i];

		if (c->morphology >= r->morph_from && c->morphology <= r->morph_to &&
		    (r->topo_from < 0 || (c->topography >= r->topo_from && c->topography <= r->topo_to)))
			return FG_OK;
	}
	return fg_findings_add(f, FG_FINDING_WARNING, "basis.histology", "basis",
			       "morphology %04d is specific but the basis of diagnosis %d is not microscopic",
			       c->morphology, c->basis);
}

fg_rc
fg_registry_check(const fg_registry *reg, const struct fg_tumour_codes *c,
		  struct fg_findings *findings)
{
	fg_rc rc = check_dates(c, findings);

	if (rc != FG_OK || c->topography < 0 || c->morphology < 0 || c->behaviour < 0)
		return rc;
	if ((rc = check_age(reg, c, findings)) ||
	    (rc = check_sex(reg, c, findings)) ||
	    (rc = check_site_histology(reg, c, findings)) ||
	    (rc = check_behaviour(reg, c, findings)) ||
	    (rc = check_grade(reg, c, findings)))
		return rc;
	return check_basis(reg, c, findings);
}
