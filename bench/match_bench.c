/* match_bench.c - how long customs_match_analysis() takes on one analysed
 * image: analyse once, then open the database and match RUNS times; prints
 * the analysis time, then min / median / max of the matching runs (each run
 * opens the database afresh, with one more handle per extra core for the
 * parallel lookups: what `customs scan` pays).
 * Usage: match_bench IMAGE DB [RUNS]   (env MATCH_THREADS: handles, default cores) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "customs/customs.h"
#include "customs/match.h"

static double ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process (user + system): on a busy machine the wall
 * time says more about the neighbours than about the code */
static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	customs_analysis *a;
	customs_options o = CUSTOMS_OPTIONS_INIT;
	int runs = argc > 3 ? atoi(argv[3]) : 20;
	long ncpu = getenv("MATCH_THREADS") ? atol(getenv("MATCH_THREADS")) : sysconf(_SC_NPROCESSORS_ONLN);
	double t[1000], cpu[1000];
	size_t n = 0, pk = 0;

	if (ncpu < 1)
		ncpu = 1;
	if (argc < 3 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: match_bench IMAGE DB [RUNS]\n");
		return 2;
	}
	double t0 = ms();
	if (customs_analyze(&a, argv[1], &o) < 0) {
		fprintf(stderr, "match_bench: %s\n", customs_error_last());
		return 1;
	}
	double t1 = ms();
	for (int i = 0; i < runs; i++) {
		customs_vulndb *db, *more[3];
		customs_match_result *r;
		customs_match_opts mo = {.version = CUSTOMS_MATCH_OPTS_VERSION};
		size_t nmore = 0;
		double s = ms(), c = cpu_ms();
		/* as `customs scan` does: one more handle per extra core, up to 4 */
		while (nmore < (size_t)(ncpu > 4 ? 4 : ncpu) - 1 && customs_vulndb_open(&more[nmore], argv[2], 1) == 0)
			nmore++;
		mo.more_dbs = more;
		mo.nmore_dbs = nmore;
		if (customs_vulndb_open(&db, argv[2], 1) < 0 || customs_match_analysis(&r, db, a, &mo) < 0) {
			fprintf(stderr, "match_bench: %s\n", customs_error_last());
			return 1;
		}
		for (size_t k = 0; k < nmore; k++)
			customs_vulndb_free(more[k]);
		t[i] = ms() - s;
		cpu[i] = cpu_ms() - c;
		n = r->n;
		pk = r->packages;
		customs_match_result_free(r);
		customs_vulndb_free(db);
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmpd);
	qsort(cpu, (size_t)runs, sizeof(cpu[0]), cmpd);
	printf("analysis %.1f ms; match (open + match) of %zu packages -> %zu matches over %d runs: wall min %.1f ms, median "
	       "%.1f ms, max %.1f ms; cpu min %.1f ms, median %.1f ms\n",
	       t1 - t0, pk, n, runs, t[0], t[runs / 2], t[runs - 1], cpu[0], cpu[runs / 2]);
	customs_analysis_free(a);
	return 0;
}
