/* store_bench.c - fills a store with N analyses made by varying real
 * analyses of the two fixtures, and times storing one rich analysis.
 *
 *   store_bench STORE-URL MIN-IMAGE RICH-IMAGE N
 *
 * Each fixture is analysed once.  Analysis i is the rich one (every other
 * one) or the minimal one under a digest of its own and a tag of its own
 * ("bench/app-<i % 100>:<i / 100>"); every 25th has some package versions
 * bumped (openssl and libssl3 among them: older versions, so that version
 * queries have something to find), which makes it a package set of its
 * own.  The layers are the fixtures' own, shared by every analysis.
 * Prints the median and slowest wall time of a put of a rich analysis,
 * and the total. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs/customs.h"
#include "customs/store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* version v with its last number lowered: "3.0.17-1~deb12u2" -> "3.0.16-1~deb12u2" */
static char *older(const char *v, int k)
{
	char *o = strdup(v);
	char *dash = strchr(o, '-');
	char *end = dash ? dash : o + strlen(o);
	char *p = end;
	while (p > o && (p[-1] < '0' || p[-1] > '9'))
		p--;
	char *digits = p;
	while (digits > o && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits < p) {
		long n = strtol(digits, NULL, 10);
		long m = n > k ? n - k : 0;
		char num[32];
		snprintf(num, sizeof(num), "%ld", m);
		size_t nl = strlen(num);
		if (nl <= (size_t)(p - digits)) {
			memmove(digits + nl, p, strlen(p) + 1);
			memcpy(digits, num, nl);
		}
	}
	return o;
}

int main(int argc, char **argv)
{
	customs_store *s;
	customs_analysis *a[2];
	char digest[80], tag[64];
	double *rich_ms, t0, total0;
	size_t nrich = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: store_bench STORE-URL MIN-IMAGE RICH-IMAGE N\n");
		return 2;
	}
	int n = atoi(argv[4]);
	if (customs_store_open(&s, argv[1]) < 0) {
		fprintf(stderr, "store: %s\n", customs_error_last());
		return 1;
	}
	for (int k = 0; k < 2; k++)
		if (customs_analyze(&a[k], argv[2 + k], NULL) < 0) {
			fprintf(stderr, "%s: %s\n", argv[2 + k], customs_error_last());
			return 1;
		}
	rich_ms = calloc((size_t)n + 1, sizeof(*rich_ms));
	total0 = now_ms();
	for (int i = 0; i < n; i++) {
		customs_analysis *x = a[i % 2];
		char *saved = x->image.manifest_digest, **bumped = NULL;
		size_t nb = 0;
		snprintf(digest, sizeof(digest), "sha256:%064x", (getenv("BENCH_BASE") ? atoi(getenv("BENCH_BASE")) : 0x100000) + i);
		snprintf(tag, sizeof(tag), "bench/app-%d:%d", i % 100, i / 100);
		x->image.manifest_digest = digest;
		if (i % 25 == 0 && i) {
			/* versions bumped down: a package set of its own */
			bumped = calloc(x->npackages, sizeof(*bumped));
			for (size_t p = 0; p < x->npackages; p++) {
				customs_package *pk = x->packages[p];
				if (pk->name && (!strcmp(pk->name, "openssl") || !strcmp(pk->name, "libssl3") || p % 97 == 0)) {
					bumped[p] = pk->version;
					pk->version = older(pk->version, 1 + (i / 25) % 20);
					nb++;
				}
			}
		}
		t0 = now_ms();
		if (customs_store_put(s, x, NULL, tag) < 0) {
			fprintf(stderr, "put %d: %s\n", i, customs_error_last());
			return 1;
		}
		if (i % 2)
			rich_ms[nrich++] = now_ms() - t0;
		for (size_t p = 0; bumped && p < x->npackages; p++)
			if (bumped[p]) {
				free(x->packages[p]->version);
				x->packages[p]->version = bumped[p];
			}
		free(bumped);
		x->image.manifest_digest = saved;
		if ((i + 1) % 200 == 0)
			fprintf(stderr, "  %d stored\n", i + 1);
	}
	double total = now_ms() - total0;
	qsort(rich_ms, nrich, sizeof(double), cmp_double);
	printf("stored %d analyses in %.1f s\n", n, total / 1e3);
	printf("median %.1f ms, slowest %.1f ms (%zu puts)\n", nrich ? rich_ms[nrich / 2] : 0.0,
	       nrich ? rich_ms[nrich - 1] : 0.0, nrich);
	customs_analysis_free(a[0]);
	customs_analysis_free(a[1]);
	free(rich_ms);
	customs_store_free(s);
	return 0;
}
