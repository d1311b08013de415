/*
 * bench_checks.c
 *	  Batch IARC/IACR checks: tumour records checked per second, from text
 *	  (parsing every code, as "fangai registry check" does) and from parsed
 *	  codes, over BENCH_TUMOURS (default 2,000,000) records drawn from a mix
 *	  of common sites, with a share of unlikely and invalid records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fangai/registry.h"

/* Site, morphology, sex, age: a registry's common tumours and some that the checks flag. */
static const struct {
	const char *topo, *morph, *sex;
	int age;
} mix[] = {
	{"C34.1", "8070/3", "1", 67}, {"C34.3", "8140/3", "2", 61}, {"C16.2", "8140/3", "1", 64},
	{"C22.0", "8170/3", "1", 58}, {"C15.4", "8070/3", "1", 66}, {"C18.7", "8140/3", "2", 70},
	{"C20.9", "8140/3", "1", 63}, {"C50.4", "8500/3", "2", 52}, {"C53.9", "8070/3", "2", 49},
	{"C73.9", "8260/3", "2", 41}, {"C61.9", "8140/3", "1", 74}, {"C42.1", "9861/3", "1", 35},
	{"C71.0", "9440/3", "1", 55}, {"C77.0", "9680/3", "2", 60}, {"C25.0", "8500/3", "1", 68},
	{"C67.2", "8120/3", "1", 71}, {"C56.9", "8441/3", "2", 57}, {"C64.9", "8312/3", "1", 62},
	{"C34.1", "8070/3", "1", 17},	/* age/site/histology */
	{"C61.9", "8140/3", "2", 60},	/* sex/site */
	{"C71.0", "8500/3", "1", 50},	/* site/histology */
	{"C34.9", "8006/3", "1", 60},	/* invalid morphology */
};
#define NMIX (sizeof(mix) / sizeof(mix[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct record {
	char birth[24], incidence[24], grade[4], basis[4];
	struct fg_tumour_text text;
};

static void
make_records(struct record *r, size_t n)
{
	uint64_t x = 88172645463325252ULL;

	for (size_t i = 0; i < n; i++) {
		size_t k;
		int year;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (size_t)(x % NMIX);
		year = 2015 + (int)((x >> 20) % 10);
		snprintf(r[i].incidence, sizeof(r[i].incidence), "%04d-%02d-%02d", year,
			 1 + (int)((x >> 32) % 12), 1 + (int)((x >> 40) % 28));
		snprintf(r[i].birth, sizeof(r[i].birth), "%04d-06-15", year - mix[k].age - 1);
		snprintf(r[i].grade, sizeof(r[i].grade), "%d", 1 + (int)((x >> 48) % 4));
		snprintf(r[i].basis, sizeof(r[i].basis), "%d", (x >> 52) % 8 ? 7 : 1);
		r[i].text = (struct fg_tumour_text){
			.topography = mix[k].topo, .morphology = mix[k].morph, .sex = mix[k].sex,
			.birth_date = r[i].birth, .incidence_date = r[i].incidence,
			.grade = mix[k].morph[0] == '9' ? NULL : r[i].grade, .basis = r[i].basis};
	}
}

int
main(void)
{
	const char *n_env = getenv("BENCH_TUMOURS");
	size_t n = n_env ? (size_t)atoll(n_env) : 2000000;
	struct fg_tumour_codes *codes = calloc(n, sizeof(*codes));
	struct record *recs = calloc(n, sizeof(*recs));
	long long findings = 0, errors = 0;
	struct fg_findings found;
	struct fg_arena arena;
	struct fg_error err;
	fg_registry *reg;
	fg_date today = fg_date_today();
	double t0, t1, t2;

	if (codes == NULL || recs == NULL || fg_registry_open(NULL, &reg, &err) != FG_OK) {
		fprintf(stderr, "bench_checks: %s\n", codes && recs ? err.message : "out of memory");
		return 1;
	}
	make_records(recs, n);
	fg_arena_init(&arena, 0);
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		fg_arena_reset(&arena);
		fg_findings_init(&found, &arena);
		fg_tumour_codes_init(&codes[i], today);
		fg_tumour_parse(reg, &recs[i].text, &codes[i], &found);
		fg_registry_check(reg, &codes[i], &found);
		findings += (long long)found.count;
		errors += (long long)fg_findings_errors(&found);
	}
	t1 = now();
	for (size_t i = 0; i < n; i++) {
		fg_arena_reset(&arena);
		fg_findings_init(&found, &arena);
		fg_registry_check(reg, &codes[i], &found);
	}
	t2 = now();
	printf("IARC/IACR checks, from text (parse every code, then check): %zu tumours in %.3f s:"
	       " %.0f tumours/s (%lld findings, %lld errors)\n", n, t1 - t0, (double)n / (t1 - t0),
	       findings, errors);
	printf("IARC/IACR checks, on parsed codes: %zu tumours in %.3f s: %.0f tumours/s"
	       " (target >= 1,000,000/s)\n", n, t2 - t1, (double)n / (t2 - t1));
	fg_arena_free(&arena);
	fg_registry_free(reg);
	free(codes);
	free(recs);
	return 0;
}
