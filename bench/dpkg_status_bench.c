/* dpkg_status_bench.c - time customs__dpkg_parse_status() on one status
 * file: the first parse in a fresh process (heap pages still to be faulted
 * in, as in a real scan) and best / median of RUNS parses, wall and CPU
 * milliseconds (CPU time is what to compare on a loaded machine).  Built and
 * run by bench/dpkg-status.sh; not part of the test suite. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "analyzers/analyzers.h"
#include "util/util.h"

static double now_ms(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s STATUS [RUNS]\n", argv[0]);
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	if (runs < 1)
		runs = 1;
	char *buf;
	size_t len, n = 0;
	if (customs_read_file(&buf, &len, argv[1], 1u << 30) < 0) {
		fprintf(stderr, "cannot read %s: %s\n", argv[1], customs_error_last());
		return 1;
	}
	double *t = calloc((size_t)runs, sizeof(*t)), *cpu = calloc((size_t)runs, sizeof(*cpu));
	if (!t || !cpu)
		return 1;
	for (int r = 0; r < runs; r++) {
		customs_package **v;
		double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		if (customs__dpkg_parse_status(&v, &n, buf, len, 0, NULL, NULL) < 0) {
			fprintf(stderr, "parse failed: %s\n", customs_error_last());
			return 1;
		}
		t[r] = now_ms(CLOCK_MONOTONIC) - t0;
		cpu[r] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	printf("%zu packages, %.1f MB: first parse %.1f ms wall, %.1f ms CPU\n", n, (double)len / 1e6, t[0], cpu[0]);
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(*cpu), cmp_double);
	printf("  %d runs: best %.1f ms wall, %.1f ms CPU; median %.1f ms wall, %.1f ms CPU\n", runs, t[0], cpu[0],
	       t[runs / 2], cpu[runs / 2]);
	free(t);
	free(cpu);
	free(buf);
	return 0;
}
