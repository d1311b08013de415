/*
 * bench_survival.c
 *	  Survival at scale, beside R on the same files: Kaplan-Meier over
 *	  BENCH_KM_ROWS (default 10,000,000) subjects against survival::survfit,
 *	  and Pohar Perme net survival over BENCH_NET_ROWS (default 1,000,000)
 *	  against relsurv::rs.surv on the same rows (about two CPU minutes for
 *	  relsurv; BENCH_NET_R_ROWS=N times it on the first N rows instead, beside
 *	  fangai on those rows).  Where Rscript is absent only fangai's figures
 *	  print.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "fangai/survival.h"

#define CMD_MAX 2048

struct rng {
	uint64_t s;
};

/* CPU seconds used by this process (self) or by its finished children. */
static double
cpu(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* splitmix64: a uniform double in [0, 1). */
static double
uniform(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static long
env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? atol(v) : def;
}

/* A cancer cohort: death at 0.15 a year, censoring uniform over 10 years, times in whole days. */
static void
draw_subject(struct rng *r, struct fg_net_subject *s)
{
	double death = -log(1.0 - uniform(r)) / 0.15 * FG_DAYS_PER_YEAR;
	double censor = 1.0 + uniform(r) * 3652.0;

	s->event = death <= censor;
	s->time = floor(s->event ? death : censor) + 1.0;
	s->sex = uniform(r) < 0.5;
	s->age = floor(40.0 + uniform(r) * 50.0) * FG_DAYS_PER_YEAR;	/* whole years, in days */
	s->diagnosed = fg_date_from_ymd(1995, 1, 1) + (fg_date)(uniform(r) * 4017.0);
}

/* Write n subjects to path as CSV; the arrays receive what was written. */
static int
write_cohort(const char *path, long n, struct fg_net_subject *subj)
{
	FILE *f = fopen(path, "w");
	struct rng r = {2026};
	char day[FG_DATE_TEXT_MAX];

	if (f == NULL)
		return -1;
	fputs("time,status,age,sex,diag\n", f);
	for (long i = 0; i < n; i++) {
		draw_subject(&r, &subj[i]);
		fprintf(f, "%.0f,%d,%.0f,%d,%s\n", subj[i].time, subj[i].event, subj[i].age / FG_DAYS_PER_YEAR,
			subj[i].sex + 1, fg_date_format(subj[i].diagnosed, day));
	}
	return fclose(f);
}

/* Run a shell command and read one line of its output into buf; false on failure. */
static int
run_line(const char *cmd, char *buf, size_t size)
{
	FILE *p = popen(cmd, "r");
	int ok;

	if (p == NULL)
		return 0;
	ok = fgets(buf, (int)size, p) != NULL;
	return pclose(p) == 0 && ok;
}

static int
have_r(void)
{
	return system("command -v Rscript >/dev/null 2>&1") == 0;
}

static void
bench_km(const char *work, long n, int r_present)
{
	struct fg_net_subject *subj = malloc((size_t)n * sizeof(*subj));
	double *time = malloc((size_t)n * sizeof(double));
	unsigned char *event = malloc((size_t)n);
	char path[512], cmd[CMD_MAX], line[256];
	struct fg_surv_point at;
	struct fg_arena arena;
	struct fg_error err;
	struct fg_km km;
	double t0, c0, t_fit, t_cli, c_fit, c_cli;

	snprintf(path, sizeof(path), "%s/km.csv", work);
	if (subj == NULL || time == NULL || event == NULL || write_cohort(path, n, subj) != 0) {
		printf("Kaplan-Meier: could not prepare %ld rows\n", n);
		goto out;
	}
	for (long i = 0; i < n; i++) {
		time[i] = subj[i].time;
		event[i] = subj[i].event;
	}
	fg_arena_init(&arena, 0);
	t0 = now();
	c0 = cpu(RUSAGE_SELF);
	if (fg_km_fit(time, event, (size_t)n, NULL, &arena, &km, &err) != FG_OK) {
		printf("Kaplan-Meier failed: %s\n", err.message);
		fg_arena_free(&arena);
		goto out;
	}
	t_fit = now() - t0;
	c_fit = cpu(RUSAGE_SELF) - c0;
	fg_surv_at(km.points, km.npoints, -1.0, 1826.0, &at);
	fg_arena_free(&arena);
	snprintf(cmd, sizeof(cmd), "\"%s\" survival km \"%s\" --time time --status status --at 1826 --format csv"
		 " >/dev/null", getenv("FANGAI_BIN") ? getenv("FANGAI_BIN") : "build/release/fangai", path);
	t0 = now();
	c0 = cpu(RUSAGE_CHILDREN);
	t_cli = system(cmd) == 0 ? now() - t0 : NAN;
	c_cli = cpu(RUSAGE_CHILDREN) - c0;
	printf("Kaplan-Meier, %ld rows: fangai fit %.3f s (CPU %.3f s, %.0f rows/s); CLI from CSV end to end"
	       " %.2f s (CPU %.2f s); S(1826) = %.10f\n", n, t_fit, c_fit, (double)n / t_fit, t_cli, c_cli, at.surv);
	if (!r_present)
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "Rscript -e 'suppressMessages({library(survival); library(data.table)});"
		 " cpu <- function() sum(proc.time()[1:2]);"
		 " t0 <- proc.time()[[3]]; u0 <- cpu(); d <- fread(\"%s\"); t1 <- proc.time()[[3]]; u1 <- cpu();"
		 " f <- survfit(Surv(time, status) ~ 1, data = d); t2 <- proc.time()[[3]]; u2 <- cpu();"
		 " cat(sprintf(\"%%.3f %%.3f %%.3f %%.3f %%.10f\\n\", t1 - t0, t2 - t1, u1 - u0, u2 - u1,"
		 " summary(f, times = 1826)$surv))'", path);
	if (run_line(cmd, line, sizeof(line))) {
		double r_read, r_fit, u_read, u_fit, r_surv;

		if (sscanf(line, "%lf %lf %lf %lf %lf", &r_read, &r_fit, &u_read, &u_fit, &r_surv) == 5)
			printf("Kaplan-Meier, %ld rows: R survfit %.3f s (CPU %.3f s), fread %.2f s more (CPU %.2f s),"
			       " S(1826) = %.10f; fangai %.1fx faster fitting (CPU %.1fx), %.1fx end to end from the"
			       " CSV file (CPU %.1fx)\n", n, r_fit, u_fit, r_read, u_read, r_surv, r_fit / t_fit,
			       u_fit / c_fit, (r_fit + r_read) / t_cli, (u_fit + u_read) / c_cli);
	} else
		printf("Kaplan-Meier: R did not run\n");
out:
	free(subj);
	free(time);
	free(event);
}

/* Time Pohar Perme on the first n subjects (wall, and CPU into *c); NAN on failure. */
static double
time_net(const struct fg_net_subject *subj, long n, const struct fg_ratetable *rt, double *s5, double *c)
{
	struct fg_surv_point at;
	struct fg_arena arena;
	struct fg_error err;
	struct fg_net net;
	double t0 = now(), c0 = cpu(RUSAGE_SELF), t;

	fg_arena_init(&arena, 0);
	if (fg_net_fit(subj, (size_t)n, rt, FG_NET_POHAR_PERME, NULL, &arena, &net, &err) != FG_OK) {
		printf("Pohar Perme failed: %s\n", err.message);
		fg_arena_free(&arena);
		return NAN;
	}
	t = now() - t0;
	*c = cpu(RUSAGE_SELF) - c0;
	*s5 = fg_surv_at(net.points, net.npoints, -1.0, 1826.0, &at) ? at.surv : NAN;
	fg_arena_free(&arena);
	return t;
}

static void
bench_net(const char *work, long n, long n_r, int r_present)
{
	struct fg_net_subject *subj = malloc((size_t)n * sizeof(*subj));
	char path[512], cmd[CMD_MAX], line[256], rtpath[600];
	struct fg_ratetable rt;
	struct fg_arena arena;
	struct fg_error err;
	double t_all, t_small, s_all, s_small, c_all, c_small;

	snprintf(path, sizeof(path), "%s/net.csv", work);
	snprintf(rtpath, sizeof(rtpath), "%s/../tests/r/data/slopop.csv", getenv("FANGAI_DATA") ? getenv("FANGAI_DATA") : "data");
	fg_arena_init(&arena, 0);
	if (subj == NULL || write_cohort(path, n, subj) != 0 ||
	    fg_ratetable_load(rtpath, &arena, &rt, &err) != FG_OK) {
		printf("Pohar Perme: could not prepare %ld rows and the life table %s\n", n, rtpath);
		goto out;
	}
	if (n_r > n)
		n_r = n;
	t_all = time_net(subj, n, &rt, &s_all, &c_all);
	printf("Pohar Perme, %ld rows: fangai %.2f s (CPU %.2f s, %.0f rows/s), net S(1826) = %.10f\n", n, t_all,
	       c_all, (double)n / t_all, s_all);
	t_small = t_all, c_small = c_all;
	if (n_r < n) {
		t_small = time_net(subj, n_r, &rt, &s_small, &c_small);
		printf("Pohar Perme, first %ld rows: fangai %.3f s (CPU %.3f s), net S(1826) = %.10f\n", n_r,
		       t_small, c_small, s_small);
	}
	if (!r_present)
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "Rscript -e 'suppressMessages({library(relsurv); library(data.table)});"
		 " d <- as.data.frame(fread(\"%s\", nrows = %ld)); d$diag <- as.Date(d$diag);"
		 " cpu <- function() sum(proc.time()[1:2]); t0 <- proc.time()[[3]]; u0 <- cpu();"
		 " f <- rs.surv(Surv(time, status) ~ 1, rmap = list(age = age * 365.241, sex = sex, year = diag),"
		 "  ratetable = slopop, data = d, method = \"pohar-perme\"); t1 <- proc.time()[[3]];"
		 " cat(sprintf(\"%%.3f %%.3f %%.10f\\n\", t1 - t0, cpu() - u0, summary(f, times = 1826)$surv))'"
		 " 2>/dev/null", path, n_r);
	if (run_line(cmd, line, sizeof(line))) {
		double r_fit, u_fit, r_surv;

		if (sscanf(line, "%lf %lf %lf", &r_fit, &u_fit, &r_surv) == 3)
			printf("Pohar Perme, %ld rows: relsurv rs.surv %.2f s (CPU %.2f s), net S(1826) = %.10f;"
			       " fangai %.1fx faster on the same rows (CPU %.1fx)\n",
			       n_r, r_fit, u_fit, r_surv, r_fit / t_small, u_fit / c_small);
	} else
		printf("Pohar Perme: R did not run\n");
out:
	fg_arena_free(&arena);
	free(subj);
}

int
main(void)
{
	const char *work = getenv("BENCH_WORK") ? getenv("BENCH_WORK") : "/tmp";
	int r_present = have_r();

	if (!r_present)
		printf("Rscript not found: fangai's figures only\n");
	bench_km(work, env_long("BENCH_KM_ROWS", 10000000), r_present);
	bench_net(work, env_long("BENCH_NET_ROWS", 1000000), env_long("BENCH_NET_R_ROWS", 1000000), r_present);
	return 0;
}
