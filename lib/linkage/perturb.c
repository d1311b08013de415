/*
 * perturb.c
 *	  Synthetic duplicates with known truth, for measuring linkage: the
 *	  synthetic city's residents, some of them recorded a second time with
 *	  the errors found in real registers.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <opencc.h>
#include <utf8proc.h>

#include "fangai/linkage.h"
#include "fangai/synth.h"
#include "fangai/util.h"
#include "linkage_int.h"

#define MAX_CHARS 16

/* Share of duplicates whose ID number is missing, and mistyped. */
#define ID_MISSING 0.35
#define ID_WRONG_DIGIT 0.35
/* Share of name typing errors that are homophones (pinyin input). */
#define HOMOPHONE 0.5
/* Share of duplicates recorded at another address, besides their other errors. */
#define MOVED 0.3

struct rng {
	uint64_t x;
};

static uint64_t
rng_next(struct rng *r)
{
	return link_mix(&r->x);
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static size_t
rng_below(struct rng *r, size_t n)
{
	return (size_t)(rng_next(r) % n);
}

static pthread_once_t s2t_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t s2t_lock = PTHREAD_MUTEX_INITIALIZER;
static opencc_t s2t = (opencc_t)-1;

static void
open_s2t(void)
{
	s2t = opencc_open(OPENCC_DEFAULT_CONFIG_SIMP_TO_TRAD);
}

struct gen {
	const struct fg_link_synth_options *opts;
	fg_link_synth_fn fn;
	void *userdata;
	struct rng rng;
	int64_t n;
	/* Characters seen in given names so far: replacements for typing errors. */
	int32_t seen[512];
	size_t nseen;
};

static size_t
to_chars(const char *s, int32_t *out)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t n = 0;

	while (*p && n < MAX_CHARS) {
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &out[n]);

		if (len <= 0)
			break;
		p += len;
		n++;
	}
	return n;
}

static void
from_chars(const int32_t *c, size_t n, char *out, size_t outsz)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 5 < outsz; i++)
		k += (size_t)utf8proc_encode_char(c[i], (utf8proc_uint8_t *)out + k);
	out[k] = '\0';
}

static void
remember_chars(struct gen *g, const int32_t *c, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < g->nseen && !known; k++)
			known = g->seen[k] == c[i];
		if (!known && g->nseen < sizeof(g->seen) / sizeof(g->seen[0]))
			g->seen[g->nseen++] = c[i];
	}
}

/* A character with the same pinyin as c among those seen, or 0. */
static int32_t
homophone(struct gen *g, int32_t c)
{
	char a[8], b[8], pa[16], pb[16];
	size_t start = g->nseen ? rng_below(&g->rng, g->nseen) : 0;

	from_chars(&c, 1, a, sizeof(a));
	if (fg_pinyin(a, pa, sizeof(pa), NULL) != FG_OK)
		return 0;
	for (size_t k = 0; k < g->nseen; k++) {
		int32_t d = g->seen[(start + k) % g->nseen];

		from_chars(&d, 1, b, sizeof(b));
		if (d != c && fg_pinyin(b, pb, sizeof(pb), NULL) == FG_OK && strcmp(pa, pb) == 0)
			return d;
	}
	return 0;
}

static void
typo_name(struct gen *g, struct fg_link_synth_record *r)
{
	int32_t c[MAX_CHARS], repl = 0;
	size_t n = to_chars(r->name, c), pos;

	if (n < 2 || g->nseen < 2)
		return;
	pos = 1 + rng_below(&g->rng, n - 1);
	if (rng_unit(&g->rng) < HOMOPHONE)
		repl = homophone(g, c[pos]);
	while (repl == 0 || repl == c[pos])
		repl = g->seen[rng_below(&g->rng, g->nseen)];
	c[pos] = repl;
	from_chars(c, n, r->name, sizeof(r->name));
}

/* Swap the two given-name characters; a one-character given name gets a typo. */
static void
swap_chars(struct gen *g, struct fg_link_synth_record *r)
{
	int32_t c[MAX_CHARS], t;
	size_t n = to_chars(r->name, c);

	if (n < 3 || c[n - 1] == c[n - 2]) {
		typo_name(g, r);
		return;
	}
	t = c[n - 1];
	c[n - 1] = c[n - 2];
	c[n - 2] = t;
	from_chars(c, n, r->name, sizeof(r->name));
}

static void
traditional(struct gen *g, struct fg_link_synth_record *r)
{
	char *t;

	pthread_once(&s2t_once, open_s2t);
	if (s2t == (opencc_t)-1)
		return;
	pthread_mutex_lock(&s2t_lock);
	t = opencc_convert_utf8(s2t, r->name, strlen(r->name));
	pthread_mutex_unlock(&s2t_lock);
	if (t == NULL)
		return;
	fg_strlcpy(r->name, t, sizeof(r->name));
	opencc_convert_utf8_free(t);
}

/* Replace one digit among positions [from, to) of s with another. */
static void
wrong_digit(struct gen *g, char *s, size_t from, size_t to)
{
	size_t pos;

	for (int tries = 0; tries < 8; tries++) {
		pos = from + rng_below(&g->rng, to - from);
		if (s[pos] >= '0' && s[pos] <= '9') {
			s[pos] = (char)('0' + (s[pos] - '0' + 1 + (int)rng_below(&g->rng, 9)) % 10);
			return;
		}
	}
}

/* YYYY-MM-DD with day and month swapped; a day over 12 gets a wrong digit instead. */
static void
swap_day_month(struct gen *g, struct fg_link_synth_record *r)
{
	char *d = r->birth_date;

	if (memcmp(d + 5, d + 8, 2) == 0 || d[8] > '1' || (d[8] == '1' && d[9] > '2')) {
		wrong_digit(g, d, 5, 10);
		return;
	}
	char mm[2] = {d[5], d[6]};
	d[5] = d[8];
	d[6] = d[9];
	d[8] = mm[0];
	d[9] = mm[1];
}

static void
perturb_phone(struct gen *g, struct fg_link_synth_record *r)
{
	if (r->phone[0] && rng_unit(&g->rng) < 0.5)
		wrong_digit(g, r->phone, 3, strlen(r->phone));
	else
		r->phone[0] = '\0';
}

/* Moved house: another number on the road, or the address left out. */
static void
perturb_address(struct gen *g, struct fg_link_synth_record *r)
{
	char *num = strstr(r->address, "路");

	if (num == NULL || rng_unit(&g->rng) < 0.3) {
		r->address[0] = '\0';
		return;
	}
	snprintf(num + strlen("路"), sizeof(r->address) - (size_t)(num - r->address) - strlen("路"),
		 "%u号", (unsigned)rng_below(&g->rng, 300) + 1);
}

static void
perturb_birth_digit(struct gen *g, struct fg_link_synth_record *r)
{
	wrong_digit(g, r->birth_date, 2, 10);
}

struct perturbation {
	const char *name;
	void (*apply)(struct gen *g, struct fg_link_synth_record *r);
};

static const struct perturbation perturbations[] = {
	{"name-typo", typo_name},
	{"swapped-chars", swap_chars},
	{"traditional", traditional},
	{"swapped-day-month", swap_day_month},
	{"birth-digit", perturb_birth_digit},
	{"phone", perturb_phone},
	{"address", perturb_address},
};
#define NPERTURBATIONS (sizeof(perturbations) / sizeof(perturbations[0]))

static void
note(struct fg_link_synth_record *r, const char *what)
{
	size_t n = strlen(r->perturbations);

	snprintf(r->perturbations + n, sizeof(r->perturbations) - n, "%s%s", n ? "+" : "", what);
}

static void
make_duplicate(struct gen *g, struct fg_link_synth_record *r)
{
	double x = rng_unit(&g->rng);
	size_t first = rng_below(&g->rng, NPERTURBATIONS), second;

	snprintf(r->key, sizeof(r->key), "P%lld-dup", (long long)r->truth);
	if (x < ID_MISSING) {
		r->id_number[0] = '\0';
		note(r, "id-missing");
	} else if (x < ID_MISSING + ID_WRONG_DIGIT) {
		wrong_digit(g, r->id_number, 0, 17);
		note(r, "id-digit");
	}
	if (rng_unit(&g->rng) < MOVED) {
		perturb_address(g, r);
		note(r, "moved");
	}
	perturbations[first].apply(g, r);
	note(r, perturbations[first].name);
	if (rng_unit(&g->rng) < 0.5) {
		second = (first + 1 + rng_below(&g->rng, NPERTURBATIONS - 1)) % NPERTURBATIONS;
		perturbations[second].apply(g, r);
		note(r, perturbations[second].name);
	}
}

static fg_rc
emit(const struct fg_synth_resident *res, void *userdata, struct fg_error *err)
{
	struct gen *g = userdata;
	struct fg_link_synth_record r;
	int32_t c[MAX_CHARS];
	fg_rc rc;

	memset(&r, 0, sizeof(r));
	r.truth = ++g->n;
	snprintf(r.key, sizeof(r.key), "P%lld", (long long)r.truth);
	fg_strlcpy(r.id_number, res->id_number, sizeof(r.id_number));
	fg_strlcpy(r.name, res->name, sizeof(r.name));
	fg_strlcpy(r.sex, res->sex, sizeof(r.sex));
	fg_strlcpy(r.birth_date, res->birth_date, sizeof(r.birth_date));
	fg_strlcpy(r.phone, res->phone, sizeof(r.phone));
	fg_strlcpy(r.address, res->address, sizeof(r.address));
	remember_chars(g, c, to_chars(r.name, c));
	rc = g->fn(&r, g->userdata, err);
	if (rc != FG_OK || rng_unit(&g->rng) >= g->opts->duplicates)
		return rc;
	make_duplicate(g, &r);
	return g->fn(&r, g->userdata, err);
}

fg_rc
fg_link_synth(const struct fg_link_synth_options *opts, fg_link_synth_fn fn,
	      void *userdata, struct fg_error *err)
{
	struct fg_synth_options so = {
		.seed = opts->seed, .persons = opts->persons, .as_of = opts->as_of,
		.datadir = opts->datadir,
	};
	struct gen g = {.opts = opts, .fn = fn, .userdata = userdata, .rng = {opts->seed ^ 0x5EEDULL}};

	return fg_synth_residents(&so, emit, &g, err);
}
