/* worker.c - the workers of customs serve and customs worker: each thread
 * claims a job from the store's queue, analyses the image into the store
 * (customs_store_analyze: a stored digest is not read again), matches it
 * against the vulnerability database when there is one, and marks the job
 * done or failed.  While it works a second connection renews the job's
 * lease, so that the job of a worker that died is claimed again once its
 * lease runs out, and only then. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "customs/customs.h"
#include "customs/store.h"
#include "customs/vuln.h"

static pthread_mutex_t counts_mu = PTHREAD_MUTEX_INITIALIZER;
static worker_counts counts;

void worker_counts_get(worker_counts *out)
{
	pthread_mutex_lock(&counts_mu);
	*out = counts;
	pthread_mutex_unlock(&counts_mu);
}

typedef struct wthread {
	const worker_config *c;
	pthread_t t;
	char name[200];
	/* the lease keeper of the job at hand */
	pthread_t keeper;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	customs_store *ks;   /* its connection */
	int64_t job;
	int working;
} wthread;

static void *keeper_main(void *ud)
{
	wthread *w = ud;
	int every = w->c->lease / 3 > 0 ? w->c->lease / 3 : 1;
	pthread_mutex_lock(&w->mu);
	while (w->working) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += every;
		if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT && w->working &&
		    customs_store_job_renew(w->ks, w->job, w->name, w->c->lease) < 0)
			fprintf(stderr, "customs worker %s: %s\n", w->name, customs_error_last());
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* the registry options a worker has: the environment's, as the command
 * line takes them */
static void job_options(customs_options *o)
{
	const char *u = getenv("CUSTOMS_REGISTRY_USERNAME"), *p = getenv("CUSTOMS_REGISTRY_PASSWORD");
	o->insecure_registries = getenv("CUSTOMS_INSECURE_REGISTRIES");
	if (u && *u && p) {
		o->registry_username = u;
		o->registry_password = p;
	}
}

static void run_job(wthread *w, customs_store *s, customs_vulndb *db, const customs_store_job *j)
{
	customs_options o = CUSTOMS_OPTIONS_INIT;
	customs_store_opts so = {.version = CUSTOMS_STORE_OPTS_VERSION, .tag = j->tag,
				 .load_flags = CUSTOMS_STORE_LOAD_NO_FILES, .owner = w->name,
				 .claim_seconds = w->c->lease};
	customs_store_stats st = {0};
	customs_analysis *a = NULL;
	customs_match_result *m = NULL;
	char error[1024] = "";
	int err, analysed = 0;

	job_options(&o);
	w->job = j->id;
	w->working = 1;
	if (pthread_create(&w->keeper, NULL, keeper_main, w) != 0)
		w->working = 0;
	err = customs_store_analyze(s, &a, j->ref, &o, &so, &st);
	if (err < 0) {
		snprintf(error, sizeof(error), "%s", customs_error_last());
	} else {
		analysed = !st.known;
		if (!st.digest[0])
			snprintf(error, sizeof(error), "%s has no digest to store it under", j->ref);
		else if (db) {
			customs_analysis_select_packages(a, 0);
			if (customs_store_match(s, &m, a, db, NULL, NULL, NULL) < 0)
				fprintf(stderr, "customs worker %s: job %lld: matching: %s\n", w->name, (long long)j->id,
					customs_error_last());
		}
	}
	if (w->working) {
		pthread_mutex_lock(&w->mu);
		w->working = 0;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->keeper, NULL);
	}
	if (customs_store_job_finish(s, j->id, w->name, error[0] ? NULL : st.digest, analysed,
				     error[0] ? error : NULL) < 0)
		fprintf(stderr, "customs worker %s: %s\n", w->name, customs_error_last());
	pthread_mutex_lock(&counts_mu);
	if (error[0])
		counts.jobs_failed++;
	else
		counts.jobs_done++;
	counts.analyses += analysed;
	pthread_mutex_unlock(&counts_mu);
	customs_store_matches_free(m);
	customs_analysis_free(a);
}

static void nap(double seconds)
{
	struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	nanosleep(&ts, NULL);
}

static void *worker_main(void *ud)
{
	wthread *w = ud;
	customs_store *s = NULL;
	customs_vulndb *db = NULL;
	char *path = NULL;

	if (customs_store_open(&s, w->c->store_url) < 0 || customs_store_open(&w->ks, w->c->store_url) < 0) {
		fprintf(stderr, "customs worker %s: %s\n", w->name, customs_error_last());
		goto done;
	}
	if (w->c->db_path || customs_vulndb_default_path(&path) == 0) {
		const char *p = w->c->db_path ? w->c->db_path : path;
		if (access(p, R_OK) == 0 && customs_vulndb_open(&db, p, 1) < 0)
			fprintf(stderr, "customs worker %s: %s: not matching\n", w->name, customs_error_last());
	}
	while (!*w->c->stop) {
		customs_store_job *j = NULL;
		if (customs_store_job_claim(s, w->name, w->c->lease, &j) < 0) {
			fprintf(stderr, "customs worker %s: %s\n", w->name, customs_error_last());
			nap(w->c->poll * 4);
			continue;
		}
		if (!j) {
			nap(w->c->poll);
			continue;
		}
		run_job(w, s, db, j);
		customs_store_job_free(j);
	}
done:
	customs_vulndb_free(db);
	customs_store_free(w->ks);
	customs_store_free(s);
	free(path);
	return NULL;
}

int worker_run(const worker_config *c)
{
	int n = c->threads > 0 ? c->threads : 1, started = 0;
	wthread *w = calloc((size_t)n, sizeof(*w));
	if (!w) {
		fprintf(stderr, "customs worker: out of memory\n");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		w[i].c = c;
		snprintf(w[i].name, sizeof(w[i].name), "%s:%d", c->name ? c->name : "worker", i);
		pthread_mutex_init(&w[i].mu, NULL);
		pthread_cond_init(&w[i].cv, NULL);
		if (pthread_create(&w[i].t, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(w[i].t, NULL);
	for (int i = 0; i < n; i++) {
		pthread_mutex_destroy(&w[i].mu);
		pthread_cond_destroy(&w[i].cv);
	}
	free(w);
	if (started < n) {
		fprintf(stderr, "customs worker: could not start %d threads\n", n);
		return -1;
	}
	return 0;
}
