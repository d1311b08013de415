/*
 * link.c
 *	  Blocking, comparison of candidate pairs, EM estimation of the
 *	  Fellegi-Sunter m and u probabilities, and scoring.
 *
 * Candidate pairs are produced rule by rule: the records of each rule are
 * sorted by a hash of their blocking key, and records with equal keys are
 * paired.  A pair already produced by an earlier rule (it shares that
 * rule's key) is skipped, so that each pair is compared once.  Comparison
 * vectors are counted by pattern; EM runs on the counts, and a second walk
 * scores every pair from the per-pattern probabilities, reading back the
 * pattern the first walk kept of each pair (or, past KEPT_PATTERNS,
 * comparing it again as far as a passing pattern remains possible).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/linkage.h"
#include "linkage_int.h"

#define MAX_PATTERNS (1u << 22)
#define MAX_THREADS 16
#define PROB_FLOOR 1e-6
#define EM_TOLERANCE 1e-9
#define U_SAMPLES 1000000	/* random pairs for the u probabilities */
#define PRIOR_ITERATIONS 200
#define RULE_SAMPLE 2000000.0	/* pairs of each rule compared for m */
#define KEPT_PATTERNS (1u << 26)	/* patterns kept for the scoring pass, all workers */

struct entry {
	uint64_t h;
	uint32_t i;
};

struct run {
	size_t a0, a1, b0, b1;	/* ranges of the sorted entries of A and B */
};

struct walk {
	const struct fg_link_spec *spec;
	const fg_link_data *d[2];
	bool dedup;
	size_t stride[FG_LINK_MAX_FIELDS];	/* of each field in a pattern index */
	size_t npatterns;
	uint64_t *hash[2][FG_LINK_MAX_BLOCKS];	/* 0: no key, or in a skipped block */
	struct entry *sorted[2];
	struct entry *scratch;		/* for sorting the larger side */
	struct run *runs;
	size_t nruns, capruns;
	int rule;
	uint64_t sample_below;		/* pairs of the rule sampled for m: hash below this */
	int threads;
	/* Counting pass: every pair of each rule's blocks, and each pair once. */
	int64_t *rule_counts[FG_LINK_MAX_BLOCKS];
	int64_t *first_counts;
	/* Scoring pass. */
	const double *prob;
	double min_prob;
	/* reach[f][x]: some pattern whose levels of fields 0..f give x passes. */
	uint8_t *reach[FG_LINK_MAX_FIELDS];
};

struct worker {
	struct walk *w;
	int t;
	bool counting;
	int64_t *rule_counts;		/* of the current rule */
	int64_t *first_counts;
	struct fg_link_pair *pairs;
	size_t npairs, cap;
	bool failed;
	/* The pattern of each pair the worker compares first, in its order, as
	 * far as KEPT_PATTERNS allows: the scoring pass reads them back. */
	uint32_t *kept;
	size_t nkept, capkept, replayed;
	bool kept_all;			/* false once one could not be kept */
};

uint64_t
link_mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* ---- blocking keys ---- */

uint64_t
link_fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		h ^= (unsigned char)s[k];
		h *= 0x100000001B3ULL;
	}
	return h;
}

static uint64_t
block_hash(const struct fg_link_block *b, const fg_link_data *d, size_t i)
{
	uint64_t h = LINK_FNV_BASIS;

	for (int k = 0; k < b->nparts; k++) {
		const char *v = link_block_value(d, i, b->field[k], b->transform[k]);
		size_t n;

		if (v == NULL)
			return 0;
		n = strlen(v);
		if (b->transform[k] == FG_LINK_T_YEAR && n > 4)
			n = 4;
		if (b->transform[k] == FG_LINK_T_SORTED) {
			int32_t cps[64];

			n = link_sorted_chars(v, cps, 64);
			h = link_fnv(h, (const char *)cps, n * sizeof(*cps));
		} else
			h = link_fnv(h, v, n);
		h = link_fnv(h, "\x1f", 1);
	}
	return h ? h : 1;
}

static fg_rc
compute_hashes(struct walk *w, struct fg_error *err)
{
	for (int s = 0; s < (w->dedup ? 1 : 2); s++) {
		for (int r = 0; r < w->spec->nblocks; r++) {
			size_t n = fg_link_data_count(w->d[s]);

			free(w->hash[s][r]);
			w->hash[s][r] = malloc((n ? n : 1) * sizeof(uint64_t));
			if (w->hash[s][r] == NULL)
				return fg_error_set(err, FG_NOMEM, NULL, "out of memory for blocking keys");
			for (size_t i = 0; i < n; i++)
				w->hash[s][r][i] = block_hash(&w->spec->blocks[r], w->d[s], i);
		}
		if (w->dedup)
			memcpy(w->hash[1], w->hash[0], sizeof(w->hash[0]));
	}
	return FG_OK;
}

/*
 * Sort n entries by hash, stably (so that equal hashes stay in index
 * order): least significant byte first, through tmp (n entries).
 */
static void
radix_sort(struct entry *e, struct entry *tmp, size_t n)
{
	size_t counts[8][256] = {{0}};

	for (size_t k = 0; k < n; k++)
		for (int d = 0; d < 8; d++)
			counts[d][(e[k].h >> (8 * d)) & 0xFF]++;
	for (int d = 0; d < 8; d++) {
		size_t at = 0;

		for (int b = 0; b < 256; b++) {
			size_t c = counts[d][b];

			counts[d][b] = at;
			at += c;
		}
		for (size_t k = 0; k < n; k++)
			tmp[counts[d][(e[k].h >> (8 * d)) & 0xFF]++] = e[k];
		memcpy(e, tmp, n * sizeof(*e));
	}
}

/* Entries of side s with a key under the current rule, sorted by hash then index; count in *n. */
static void
sort_side(struct walk *w, int s, size_t *n)
{
	const uint64_t *h = w->hash[s][w->rule];
	size_t total = fg_link_data_count(w->d[s]), k = 0;

	for (size_t i = 0; i < total; i++)
		if (h[i] != 0)
			w->sorted[s][k++] = (struct entry){h[i], (uint32_t)i};
	radix_sort(w->sorted[s], w->scratch, k);
	*n = k;
}

static bool
add_run(struct walk *w, struct run r)
{
	if (w->nruns == w->capruns) {
		size_t cap = w->capruns ? w->capruns * 2 : 4096;
		struct run *p = realloc(w->runs, cap * sizeof(*p));

		if (p == NULL)
			return false;
		w->runs = p;
		w->capruns = cap;
	}
	w->runs[w->nruns++] = r;
	return true;
}

/* Forget the keys of a skipped block so that later rules do not treat its pairs as done. */
static void
drop_block(struct walk *w, const struct run *r, struct fg_link_model *model)
{
	for (size_t k = r->a0; k < r->a1; k++)
		w->hash[0][w->rule][w->sorted[0][k].i] = 0;
	for (size_t k = r->b0; !w->dedup && k < r->b1; k++)
		w->hash[1][w->rule][w->sorted[1][k].i] = 0;
	if (model) {
		model->skipped_blocks++;
		model->skipped_records += (int64_t)(r->a1 - r->a0 + (w->dedup ? 0 : r->b1 - r->b0));
	}
}

/* Sample about RULE_SAMPLE of the current rule's pairs for estimating m. */
static void
set_sampling(struct walk *w)
{
	double pairs = 0;

	for (size_t k = 0; k < w->nruns; k++) {
		double na = (double)(w->runs[k].a1 - w->runs[k].a0);

		pairs += w->dedup ? na * (na - 1) / 2 : na * (double)(w->runs[k].b1 - w->runs[k].b0);
	}
	w->sample_below = pairs <= RULE_SAMPLE ? UINT64_MAX
					       : (uint64_t)(RULE_SAMPLE / pairs * 18446744073709551615.0);
}

/*
 * The blocks of the current rule as runs; oversized ones are collected in
 * *skip (their keys are dropped after the rule's pairs are walked).
 */
static fg_rc
find_runs(struct walk *w, struct run **skip, size_t *nskip, struct fg_error *err)
{
	size_t na, nb = 0, i = 0, j = 0, cap = 0;

	w->nruns = 0;
	*nskip = 0;
	sort_side(w, 0, &na);
	if (!w->dedup)
		sort_side(w, 1, &nb);
	while (i < na) {
		struct run r = {i, i, 0, 0};

		while (r.a1 < na && w->sorted[0][r.a1].h == w->sorted[0][i].h)
			r.a1++;
		if (!w->dedup) {
			while (j < nb && w->sorted[1][j].h < w->sorted[0][i].h)
				j++;
			r.b0 = r.b1 = j;
			while (r.b1 < nb && w->sorted[1][r.b1].h == w->sorted[0][i].h)
				r.b1++;
		}
		i = r.a1;
		if (w->dedup ? r.a1 - r.a0 < 2 : r.b1 == r.b0)
			continue;
		if ((int64_t)(r.a1 - r.a0 + r.b1 - r.b0) > w->spec->max_block) {
			if (*nskip == cap) {
				struct run *p = realloc(*skip, (cap = cap ? cap * 2 : 64) * sizeof(*p));

				if (p == NULL)
					return fg_error_set(err, FG_NOMEM, NULL, "out of memory for blocks");
				*skip = p;
			}
			(*skip)[(*nskip)++] = r;
		} else if (!add_run(w, r))
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory for blocks");
	}
	set_sampling(w);
	return FG_OK;
}

/* ---- comparison ---- */

/* The level of field f of the pair into p; equal valid ID numbers make it deterministic. */
static void
compare_field(const struct fg_link_spec *spec, int f, const fg_link_data *a, size_t i,
	      const fg_link_data *b, size_t j, struct fg_link_pair *p)
{
	int level = link_compare(spec, f, a, i, b, j);

	p->levels[f] = (uint8_t)level;
	if (spec->fields[f].cmp == FG_LINK_ID && level == 2 && a->valid[f][i] && b->valid[f][j])
		p->deterministic = true;
}

static void
compare_pair(const struct fg_link_spec *spec, const fg_link_data *a, size_t i,
	     const fg_link_data *b, size_t j, struct fg_link_pair *p)
{
	p->a = i;
	p->b = j;
	p->deterministic = false;
	for (int f = 0; f < spec->nfields; f++)
		compare_field(spec, f, a, i, b, j, p);
}

/* Field f's share of a pattern index, for the level it has in p. */
static size_t
pattern_part(const struct walk *w, const struct fg_link_pair *p, int f)
{
	int level = p->levels[f] == FG_LINK_MISSING ? fg_link_cmp_levels(w->spec->fields[f].cmp)
						      : p->levels[f];

	return (size_t)level * w->stride[f];
}

static size_t
pattern_of(const struct walk *w, const struct fg_link_pair *p)
{
	size_t idx = 0;

	for (int f = 0; f < w->spec->nfields; f++)
		idx += pattern_part(w, p, f);
	return idx;
}

/*
 * Compare a pair of the scoring pass field by field, stopping as soon as no
 * passing pattern begins with the levels so far (false: not reported);
 * a deterministic pair is compared in full.  The pattern goes into *pat.
 */
static bool
compare_reaching(const struct walk *w, size_t i, size_t j, struct fg_link_pair *p, size_t *pat)
{
	*pat = 0;
	p->a = i;
	p->b = j;
	p->deterministic = false;
	for (int f = 0; f < w->spec->nfields; f++) {
		compare_field(w->spec, f, w->d[0], i, w->d[1], j, p);
		*pat += pattern_part(w, p, f);
		if (!p->deterministic && !w->reach[f][*pat])
			return false;
	}
	return true;
}

/* True if an earlier rule put i and j in one compared block. */
static bool
seen_before(const struct walk *w, size_t i, size_t j)
{
	for (int r = 0; r < w->rule; r++) {
		uint64_t h = w->hash[0][r][i];

		if (h != 0 && h == w->hash[1][r][j])
			return true;
	}
	return false;
}

/* Whether the pair is in the uniform sample of the current rule's pairs used for m. */
static bool
pair_sampled(const struct walk *w, size_t i, size_t j)
{
	uint64_t x = ((uint64_t)i << 32) ^ (uint64_t)j ^ ((uint64_t)w->rule << 60);

	return w->sample_below == UINT64_MAX || link_mix(&x) < w->sample_below;
}

static bool
keep_pair(struct worker *k, const struct fg_link_pair *p)
{
	if (k->npairs == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 1024;
		struct fg_link_pair *n = realloc(k->pairs, cap * sizeof(*n));

		if (n == NULL)
			return false;
		k->pairs = n;
		k->cap = cap;
	}
	k->pairs[k->npairs++] = *p;
	return true;
}

/* Keep the pattern of the pair just compared first, while KEPT_PATTERNS allows. */
static void
keep_pattern(struct worker *k, size_t pat)
{
	if (k->kept_all && k->nkept == k->capkept) {
		size_t cap = k->capkept ? k->capkept * 2 : 65536;
		uint32_t *n = cap <= KEPT_PATTERNS / (unsigned)k->w->threads
				      ? realloc(k->kept, cap * sizeof(*n)) : NULL;

		k->kept_all = n != NULL;
		if (n != NULL) {
			k->kept = n;
			k->capkept = cap;
		}
	}
	if (k->kept_all)
		k->kept[k->nkept++] = (uint32_t)pat;
}

/* Whether a pair of records i and j with pattern pat is reported: it passes, or it links by ID number. */
static bool
pattern_reported(const struct walk *w, size_t i, size_t j, size_t pat)
{
	const struct fg_link_spec *spec = w->spec;

	if (w->prob[pat] >= w->min_prob)
		return true;
	for (int f = 0; f < spec->nfields; f++)
		if (spec->fields[f].cmp == FG_LINK_ID && w->d[0]->valid[f][i] && w->d[1]->valid[f][j] &&
		    pat / w->stride[f] % (size_t)(fg_link_cmp_levels(FG_LINK_ID) + 1) == 2)
			return true;
	return false;
}

static void
visit(struct worker *k, size_t i, size_t j)
{
	struct walk *w = k->w;
	struct fg_link_pair p;
	size_t pat;
	bool seen, sampled;

	if (w->dedup && i > j) {
		size_t t = i;

		i = j;
		j = t;
	}
	seen = seen_before(w, i, j);
	sampled = k->counting && pair_sampled(w, i, j);
	if (seen && !sampled)
		return;
	if (k->counting) {
		compare_pair(w->spec, w->d[0], i, w->d[1], j, &p);
		pat = pattern_of(w, &p);
		k->rule_counts[pat] += sampled;
		k->first_counts[pat] += !seen;
		if (!seen)
			keep_pattern(k, pat);
		return;
	}
	p.a = i;
	p.b = j;
	if (k->replayed < k->nkept ? pattern_reported(w, i, j, k->kept[k->replayed++])
				   : compare_reaching(w, i, j, &p, &pat))
		k->failed = k->failed || !keep_pair(k, &p);
}

static void *
work(void *arg)
{
	struct worker *k = arg;
	struct walk *w = k->w;

	for (size_t r = (size_t)k->t; r < w->nruns && !k->failed; r += (size_t)w->threads) {
		const struct run *run = &w->runs[r];

		for (size_t x = run->a0; x < run->a1; x++) {
			size_t i = w->sorted[0][x].i;

			if (w->dedup)
				for (size_t y = x + 1; y < run->a1; y++)
					visit(k, i, w->sorted[0][y].i);
			else
				for (size_t y = run->b0; y < run->b1; y++)
					visit(k, i, w->sorted[1][y].i);
		}
	}
	return NULL;
}

/*
 * Call fn on each of the n elements of args (size bytes each): the first on
 * this thread, the others on threads of their own, or on this one after it
 * when a thread cannot be started.
 */
static void
run_threads(void *(*fn)(void *), void *args, size_t size, int n)
{
	pthread_t tids[MAX_THREADS];
	int started = 1;

	for (int t = 1; t < n; t++, started++)
		if (pthread_create(&tids[t], NULL, fn, (char *)args + (size_t)t * size) != 0)
			break;
	fn(args);
	for (int t = 1; t < started; t++)
		pthread_join(tids[t], NULL);
	for (int t = started; t < n; t++)
		fn((char *)args + (size_t)t * size);
}

/* Walk every candidate pair once with the workers. */
static fg_rc
walk_pairs(struct walk *w, struct worker *workers, struct fg_link_model *model,
	   struct fg_error *err)
{
	struct run *skip = NULL;
	size_t nskip = 0;
	fg_rc rc;

	rc = compute_hashes(w, err);
	for (w->rule = 0; rc == FG_OK && w->rule < w->spec->nblocks; w->rule++) {
		rc = find_runs(w, &skip, &nskip, err);
		if (rc != FG_OK)
			break;
		run_threads(work, workers, sizeof(*workers), w->threads);
		for (size_t s = 0; s < nskip; s++)
			drop_block(w, &skip[s], model);
		for (int t = 0; t < w->threads; t++) {
			if (workers[t].failed)
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for linked pairs");
			if (!workers[t].counting)
				continue;
			for (size_t pat = 0; pat < w->npatterns; pat++)
				w->rule_counts[w->rule][pat] += workers[t].rule_counts[pat];
			memset(workers[t].rule_counts, 0, w->npatterns * sizeof(int64_t));
		}
	}
	free(skip);
	return rc;
}

/* ---- estimation ---- */

static void
levels_of_pattern(const struct walk *w, size_t pat, int *levels)
{
	for (int f = 0; f < w->spec->nfields; f++) {
		int n = fg_link_cmp_levels(w->spec->fields[f].cmp);
		int l = (int)(pat / w->stride[f] % (size_t)(n + 1));

		levels[f] = l == n ? FG_LINK_MISSING : l;
	}
}

/* Log-odds of a match for a comparison vector, and its log2 likelihood ratio. */
static double
log_odds(const struct fg_link_spec *spec, const struct fg_link_model *m,
	 const int *levels, double *weight)
{
	double lr = 0;

	for (int f = 0; f < spec->nfields; f++)
		if (levels[f] != FG_LINK_MISSING)
			lr += log(m->m[f][levels[f]] / m->u[f][levels[f]]);
	if (weight)
		*weight = lr / log(2.0);
	return lr + log(m->p / (1.0 - m->p));
}

static void
normalise(double *v, int n)
{
	double sum = 0;

	for (int l = 0; l < n; l++)
		sum += v[l] = v[l] < PROB_FLOOR ? PROB_FLOOR : v[l];
	for (int l = 0; l < n; l++)
		v[l] /= sum;
}

/* A share of the pairs compared for u, and the levels counted on it. */
struct u_share {
	const struct walk *w;
	const uint32_t *pairs;		/* record indexes: i, j of each pair */
	size_t from, to;
	double counts[FG_LINK_MAX_FIELDS][FG_LINK_MAX_LEVELS];
};

static void *
count_levels(void *arg)
{
	struct u_share *s = arg;
	const struct walk *w = s->w;

	for (size_t k = s->from; k < s->to; k++) {
		struct fg_link_pair p;

		compare_pair(w->spec, w->d[0], s->pairs[2 * k], w->d[1], s->pairs[2 * k + 1], &p);
		for (int f = 0; f < w->spec->nfields; f++)
			if (p.levels[f] != FG_LINK_MISSING)
				s->counts[f][p.levels[f]]++;
	}
	return NULL;
}

/* The pairs compared for u: drawn at random, or all of them when few; count in *n. */
static uint32_t *
u_pairs(const struct walk *w, size_t *n)
{
	size_t na = fg_link_data_count(w->d[0]), nb = fg_link_data_count(w->d[1]);
	double total = w->dedup ? (double)na * (double)(na - 1) / 2 : (double)na * (double)nb;
	bool all = total <= U_SAMPLES;
	uint64_t seed = 0x11A6EULL;
	size_t i = 0, j = w->dedup ? 1 : 0;
	uint32_t *pairs;

	*n = all ? (size_t)total : U_SAMPLES;
	pairs = malloc((*n ? *n : 1) * 2 * sizeof(uint32_t));
	for (size_t k = 0; pairs != NULL && k < *n; k++) {
		if (!all) {
			i = (size_t)(link_mix(&seed) % na);
			do
				j = (size_t)(link_mix(&seed) % nb);
			while (w->dedup && j == i);
		}
		pairs[2 * k] = (uint32_t)i;
		pairs[2 * k + 1] = (uint32_t)j;
		if (all && ++j == nb) {
			i++;
			j = w->dedup ? i + 1 : 0;
		}
	}
	return pairs;
}

/*
 * u: the frequency of each level among pairs of records drawn at random
 * (nearly all of them different persons), or among all pairs when there
 * are few, compared by the threads in shares.  Levels never seen get half
 * an observation.
 */
static fg_rc
estimate_u(const struct walk *w, struct fg_link_model *m, struct fg_error *err)
{
	struct u_share shares[MAX_THREADS];
	size_t n;
	uint32_t *pairs = u_pairs(w, &n);

	if (pairs == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for the u probabilities");
	for (int t = 0; t < w->threads; t++)
		shares[t] = (struct u_share){.w = w, .pairs = pairs, .from = n * (size_t)t / (size_t)w->threads,
					     .to = n * (size_t)(t + 1) / (size_t)w->threads};
	run_threads(count_levels, shares, sizeof(*shares), w->threads);
	free(pairs);
	for (int t = 1; t < w->threads; t++)
		for (int f = 0; f < w->spec->nfields; f++)
			for (int l = 0; l < FG_LINK_MAX_LEVELS; l++)
				shares[0].counts[f][l] += shares[t].counts[f][l];
	m->u_samples = (int64_t)n;
	for (int f = 0; f < w->spec->nfields; f++) {
		int levels = fg_link_cmp_levels(w->spec->fields[f].cmp);
		double sum = 0, *counts = shares[0].counts[f];

		for (int l = 0; l < levels; l++)
			sum += counts[l] = counts[l] > 0 ? counts[l] : 0.5;
		for (int l = 0; l < levels; l++)
			m->u[f][l] = counts[l] / sum;
	}
	return FG_OK;
}

struct observed {
	int levels[FG_LINK_MAX_FIELDS];
	double count;
};

/* Observed comparison vectors of counts, with the fields in `ignore` as missing. */
static struct observed *
observe(const struct walk *w, const int64_t *counts, const bool *ignore, size_t *nobs)
{
	struct observed *obs;
	size_t n = 0;

	for (size_t pat = 0; pat < w->npatterns; pat++)
		n += counts[pat] > 0;
	obs = malloc((n ? n : 1) * sizeof(*obs));
	if (obs == NULL)
		return NULL;
	n = 0;
	for (size_t pat = 0; pat < w->npatterns; pat++) {
		if (counts[pat] == 0)
			continue;
		levels_of_pattern(w, pat, obs[n].levels);
		for (int f = 0; f < w->spec->nfields; f++)
			if (ignore[f])
				obs[n].levels[f] = FG_LINK_MISSING;
		obs[n++].count = (double)counts[pat];
	}
	*nobs = n;
	return obs;
}

/* One EM iteration for p and m, u held; returns the largest change. */
static double
em_step(const struct fg_link_spec *spec, const struct observed *obs, size_t nobs,
	struct fg_link_model *m)
{
	double next[FG_LINK_MAX_FIELDS][FG_LINK_MAX_LEVELS] = {{0}};
	double total = 0, matches = 0, change, p;

	for (size_t k = 0; k < nobs; k++) {
		double g = 1.0 / (1.0 + exp(-log_odds(spec, m, obs[k].levels, NULL)));

		total += obs[k].count;
		matches += g * obs[k].count;
		for (int f = 0; f < spec->nfields; f++)
			if (obs[k].levels[f] != FG_LINK_MISSING)
				next[f][obs[k].levels[f]] += g * obs[k].count;
	}
	p = fmin(fmax(matches / total, PROB_FLOOR), 1 - PROB_FLOOR);
	change = fabs(p - m->p);
	m->p = p;
	for (int f = 0; f < spec->nfields; f++) {
		int n = fg_link_cmp_levels(spec->fields[f].cmp);
		double sum = 0;

		for (int l = 0; l < n; l++)
			sum += next[f][l];
		if (sum <= 0)
			continue;	/* no information on this field here */
		normalise(next[f], n);
		for (int l = 0; l < n; l++) {
			change = fmax(change, fabs(next[f][l] - m->m[f][l]));
			m->m[f][l] = next[f][l];
		}
	}
	return change;
}

static void
model_init_m(const struct fg_link_spec *spec, struct fg_link_model *m)
{
	for (int f = 0; f < spec->nfields; f++) {
		int n = fg_link_cmp_levels(spec->fields[f].cmp);

		for (int l = 0; l < n; l++)
			m->m[f][l] = l == n - 1 ? 0.9 : 0.1 / (n - 1);
	}
}

/*
 * m from the pairs of each blocking rule in turn, by EM with u held and
 * the rule's own fields left out (they agree by construction there); each
 * field's m is the average over the rules that leave it out, weighted by
 * their expected matches.  Returns the largest expected number of matches
 * of a rule, in *matches.
 */
static fg_rc
estimate_m(const struct walk *w, struct fg_link_model *m, double *matches,
	   struct fg_error *err)
{
	const struct fg_link_spec *spec = w->spec;
	double sum[FG_LINK_MAX_FIELDS][FG_LINK_MAX_LEVELS] = {{0}}, weight[FG_LINK_MAX_FIELDS] = {0};

	*matches = 0;
	for (int r = 0; r < spec->nblocks; r++) {
		bool ignore[FG_LINK_MAX_FIELDS] = {false};
		struct fg_link_model rm = *m;
		struct observed *obs;
		double total = 0;
		size_t nobs;

		for (int k = 0; k < spec->blocks[r].nparts; k++)
			ignore[spec->blocks[r].field[k]] = true;
		obs = observe(w, w->rule_counts[r], ignore, &nobs);
		if (obs == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory for EM");
		rm.p = 0.1;
		rm.converged = false;
		for (rm.iterations = 0; nobs > 0 && rm.iterations < spec->max_iterations && !rm.converged;
		     rm.iterations++)
			rm.converged = em_step(spec, obs, nobs, &rm) < EM_TOLERANCE;
		for (size_t k = 0; k < nobs; k++)
			total += obs[k].count;
		free(obs);
		m->iterations = rm.iterations > m->iterations ? rm.iterations : m->iterations;
		/* A rule that gave no pair has nothing to converge. */
		m->converged = (r == 0 || m->converged) && (nobs == 0 || rm.converged);
		*matches = fmax(*matches, rm.p * total);
		for (int f = 0; f < spec->nfields; f++) {
			if (ignore[f] || nobs == 0)
				continue;
			weight[f] += rm.p * total;
			for (int l = 0; l < fg_link_cmp_levels(spec->fields[f].cmp); l++)
				sum[f][l] += rm.p * total * rm.m[f][l];
		}
	}
	for (int f = 0; f < spec->nfields; f++)
		for (int l = 0; weight[f] > 0 && l < fg_link_cmp_levels(spec->fields[f].cmp); l++)
			m->m[f][l] = sum[f][l] / weight[f];
	return FG_OK;
}

/*
 * The prior probability that two records are the same person: the fixed
 * point of expected matches among the candidate pairs over all pairs, the
 * pairs never compared counting as non-matches.
 */
static fg_rc
estimate_prior(const struct walk *w, struct fg_link_model *m, double matches,
	       struct fg_error *err)
{
	size_t na = fg_link_data_count(w->d[0]), nb = fg_link_data_count(w->d[1]), nobs;
	double total = w->dedup ? (double)na * (double)(na - 1) / 2 : (double)na * (double)nb;
	bool ignore[FG_LINK_MAX_FIELDS] = {false};
	struct observed *obs = observe(w, w->first_counts, ignore, &nobs);

	if (obs == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for EM");
	m->p = fmin(fmax(matches / fmax(total, 1), PROB_FLOOR * PROB_FLOOR), 0.5);
	for (int it = 0; it < PRIOR_ITERATIONS; it++) {
		double expected = 0, p;

		for (size_t k = 0; k < nobs; k++)
			expected += obs[k].count / (1.0 + exp(-log_odds(w->spec, m, obs[k].levels, NULL)));
		p = fmin(fmax(expected / fmax(total, 1), PROB_FLOOR * PROB_FLOOR), 0.5);
		if (fabs(p - m->p) < m->p * 1e-6)
			break;
		m->p = p;
	}
	free(obs);
	return FG_OK;
}

static fg_rc
estimate(const struct walk *w, struct fg_link_model *m, struct fg_error *err)
{
	double matches;
	fg_rc rc;

	rc = estimate_u(w, m, err);
	if (rc != FG_OK)
		return rc;
	model_init_m(w->spec, m);
	rc = estimate_m(w, m, &matches, err);
	if (rc == FG_OK)
		rc = estimate_prior(w, m, matches, err);
	return rc;
}

/* ---- running ---- */

static enum fg_link_decision
decide(const struct fg_link_spec *spec, const struct fg_link_pair *p)
{
	if (p->deterministic || p->probability >= spec->upper)
		return FG_LINK_MATCH;
	return p->probability >= spec->lower ? FG_LINK_POSSIBLE : FG_LINK_NONMATCH;
}

void
fg_link_score(const struct fg_link_spec *spec, const struct fg_link_model *model,
	      const fg_link_data *a, size_t i, const fg_link_data *b, size_t j,
	      struct fg_link_pair *pair)
{
	int levels[FG_LINK_MAX_FIELDS];

	compare_pair(spec, a, i, b, j, pair);
	for (int f = 0; f < spec->nfields; f++)
		levels[f] = pair->levels[f];
	pair->probability = 1.0 / (1.0 + exp(-log_odds(spec, model, levels, &pair->weight)));
	pair->decision = decide(spec, pair);
}

static fg_rc
setup(struct walk *w, const struct fg_link_spec *spec, const fg_link_data *a,
      const fg_link_data *b, int threads, struct fg_error *err)
{
	size_t size = 1;

	memset(w, 0, sizeof(*w));
	w->spec = spec;
	w->d[0] = a;
	w->d[1] = b ? b : a;
	w->dedup = b == NULL;
	w->threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
	if (spec->nfields == 0 || spec->nblocks == 0)
		return fg_error_set(err, FG_INVALID, "field", "linkage needs fields and blocking rules");
	for (int f = 0; f < spec->nfields; f++) {
		w->stride[f] = size;
		size *= (size_t)fg_link_cmp_levels(spec->fields[f].cmp) + 1;
		if (size > MAX_PATTERNS)
			return fg_error_set(err, FG_INVALID, "field",
					    "too many linkage fields: %d", spec->nfields);
	}
	w->npatterns = size;
	size = 1;
	for (int s = 0; s < 2; s++) {
		size_t n = fg_link_data_count(w->d[s]);

		size = n > size ? n : size;
		if ((w->sorted[s] = malloc((n ? n : 1) * sizeof(struct entry))) == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory for blocking");
	}
	if ((w->scratch = malloc(size * sizeof(struct entry))) == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for blocking");
	return FG_OK;
}

static void
teardown(struct walk *w, struct worker *workers)
{
	for (int r = 0; r < FG_LINK_MAX_BLOCKS; r++) {
		free(w->hash[0][r]);
		if (!w->dedup)
			free(w->hash[1][r]);
		free(w->rule_counts[r]);
	}
	free(w->first_counts);
	for (int f = 0; f < FG_LINK_MAX_FIELDS; f++)
		free(w->reach[f]);
	free(w->sorted[0]);
	free(w->sorted[1]);
	free(w->scratch);
	free(w->runs);
	for (int t = 0; t < MAX_THREADS; t++) {
		free(workers[t].rule_counts);
		free(workers[t].first_counts);
		free(workers[t].pairs);
		free(workers[t].kept);
	}
}

static int64_t *
new_counts(const struct walk *w)
{
	return calloc(w->npatterns, sizeof(int64_t));
}

/* Walk once counting comparison patterns, and estimate the model from them. */
static fg_rc
count_and_estimate(struct walk *w, struct worker *workers, struct fg_link_model *m,
		   struct fg_error *err)
{
	fg_rc rc = FG_OK;

	for (int r = 0; r < w->spec->nblocks; r++)
		if ((w->rule_counts[r] = new_counts(w)) == NULL)
			rc = FG_NOMEM;
	for (int t = 0; t < w->threads; t++) {
		workers[t] = (struct worker){.w = w, .t = t, .counting = true, .kept_all = true};
		workers[t].rule_counts = new_counts(w);
		workers[t].first_counts = new_counts(w);
		if (workers[t].rule_counts == NULL || workers[t].first_counts == NULL)
			rc = FG_NOMEM;
	}
	if (rc != FG_OK || (w->first_counts = new_counts(w)) == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for comparison patterns");
	rc = walk_pairs(w, workers, m, err);
	for (int t = 0; rc == FG_OK && t < w->threads; t++)
		for (size_t pat = 0; pat < w->npatterns; pat++)
			w->first_counts[pat] += workers[t].first_counts[pat];
	for (size_t pat = 0; rc == FG_OK && pat < w->npatterns; pat++)
		m->pairs += w->first_counts[pat];
	if (rc == FG_OK)
		rc = estimate(w, m, err);
	return rc;
}

static int
cmp_pair(const void *x, const void *y)
{
	const struct fg_link_pair *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

/* Mark the prefixes of the patterns that pass (w->prob set), for compare_reaching. */
static fg_rc
mark_reach(struct walk *w, struct fg_error *err)
{
	const int nf = w->spec->nfields;

	for (int f = 0; f < nf; f++)
		if ((w->reach[f] = calloc(f + 1 < nf ? w->stride[f + 1] : w->npatterns, 1)) == NULL)
			return fg_error_set(err, FG_NOMEM, NULL, "out of memory for comparison patterns");
	for (size_t pat = 0; pat < w->npatterns; pat++)
		for (int f = 0; w->prob[pat] >= w->min_prob && f < nf; f++)
			w->reach[f][f + 1 < nf ? pat % w->stride[f + 1] : pat] = 1;
	return FG_OK;
}

/* Score every pattern, walk again keeping the pairs that pass, and report them. */
static fg_rc
score_and_report(struct walk *w, struct worker *workers, const struct fg_link_model *m,
		 fg_link_pair_fn fn, void *userdata, struct fg_error *err)
{
	double *prob = malloc(w->npatterns * sizeof(double));
	struct worker *all = &workers[0];
	fg_rc rc;

	if (prob == NULL)
		return fg_error_set(err, FG_NOMEM, NULL, "out of memory for comparison patterns");
	for (size_t pat = 0; pat < w->npatterns; pat++) {
		int levels[FG_LINK_MAX_FIELDS];

		levels_of_pattern(w, pat, levels);
		prob[pat] = 1.0 / (1.0 + exp(-log_odds(w->spec, m, levels, NULL)));
	}
	w->prob = prob;
	for (int t = 0; t < w->threads; t++) {
		free(workers[t].rule_counts);
		free(workers[t].first_counts);
		workers[t] = (struct worker){.w = w, .t = t, .kept = workers[t].kept,
					     .nkept = workers[t].nkept};
	}
	rc = mark_reach(w, err);
	if (rc == FG_OK)
		rc = walk_pairs(w, workers, NULL, err);
	for (int t = 1; rc == FG_OK && t < w->threads; t++)
		for (size_t k = 0; k < workers[t].npairs; k++)
			if (!keep_pair(all, &workers[t].pairs[k]))
				rc = fg_error_set(err, FG_NOMEM, NULL, "out of memory for linked pairs");
	if (rc == FG_OK && all->npairs > 0)
		qsort(all->pairs, all->npairs, sizeof(*all->pairs), cmp_pair);
	for (size_t k = 0; rc == FG_OK && k < all->npairs; k++) {
		struct fg_link_pair *p = &all->pairs[k];

		fg_link_score(w->spec, m, w->d[0], p->a, w->d[1], p->b, p);
		rc = fn(p, userdata, err);
	}
	free(prob);
	return rc;
}

fg_rc
fg_link_run(const struct fg_link_spec *spec, const fg_link_data *a,
	    const fg_link_data *b, double min_probability, int threads,
	    fg_link_pair_fn fn, void *userdata, struct fg_link_model *model,
	    struct fg_error *err)
{
	struct worker workers[MAX_THREADS];
	struct fg_link_model local;
	struct walk w;
	fg_rc rc;

	memset(workers, 0, sizeof(workers));
	if (model == NULL)
		model = &local;
	memset(model, 0, sizeof(*model));
	rc = setup(&w, spec, a, b, threads, err);
	if (rc == FG_OK)
		rc = count_and_estimate(&w, workers, model, err);
	w.min_prob = min_probability;
	if (rc == FG_OK)
		rc = score_and_report(&w, workers, model, fn, userdata, err);
	teardown(&w, workers);
	return rc;
}
