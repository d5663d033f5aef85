/* feeds.c - POST /v1/feeds/update: the vulnerability database updated by
 * the server (customs_vulndb_update: the feeds of $CUSTOMS_FEEDS, else the
 * built-in list, fetched with conditional GETs), in a thread of its own,
 * one update at a time; GET /v1/feeds/update says how the last one went.
 * The watcher sees the database's new build and matches every stored
 * image again. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_int.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int running, ran;
	char started[32], finished[32];
	char result[512];                /* "3 fetched, 1 not modified, 0 failed" or the error */
	int failed;
} st;

static void stamp(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct job {
	char *db;
} job;

static void *update_main(void *ud)
{
	job *j = ud;
	const char *env = getenv("CUSTOMS_FEEDS");
	const customs_vulndb_feed *feeds = customs_vulndb_default_feeds();
	customs_vulndb_feed *loaded = NULL;
	customs_vulndb_update_summary *sum = NULL;
	size_t n = 0;
	char result[512];
	int err = 0;

	if (env && *env) {
		if ((err = customs_vulndb_feeds_load(&loaded, &n, env)) == 0)
			feeds = loaded;
	} else {
		while (feeds[n].name)
			n++;
	}
	if (err == 0) {
		customs_vulndb_update_opts o;
		memset(&o, 0, sizeof(o));
		o.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
		o.import.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
		err = customs_vulndb_update(j->db, feeds, n, &o, &sum);
	}
	if (err < 0)
		snprintf(result, sizeof(result), "%s", customs_error_last());
	else
		snprintf(result, sizeof(result), "%zu fetched, %zu not modified, %zu failed", sum->fetched,
			 sum->not_modified, sum->failed);
	pthread_mutex_lock(&mu);
	st.running = 0;
	st.failed = err < 0;
	stamp(st.finished);
	snprintf(st.result, sizeof(st.result), "%s", result);
	pthread_mutex_unlock(&mu);
	customs_vulndb_update_summary_free(sum);
	customs_vulndb_feeds_free(loaded, loaded ? n : 0);
	free(j->db);
	free(j);
	return NULL;
}

static void answer(call *c, int status)
{
	static const char *const cols[] = {"state", "started_at", "finished_at", "result"};
	pthread_mutex_lock(&mu);
	const char *state = st.running ? "running" : !st.ran ? "never" : st.failed ? "failed" : "done";
	const char *cells[] = {state, st.ran ? st.started : NULL, st.ran && !st.running ? st.finished : NULL,
			       st.ran && !st.running ? st.result : NULL};
	call_record(c, status, cols, "ssss", cells, 4);
	pthread_mutex_unlock(&mu);
}

void route_feeds_update(call *c)
{
	char *path = NULL;
	job *j;
	pthread_t t;
	pthread_attr_t attr;

	if (!c->cfg->db_path && customs_vulndb_default_path(&path) < 0) {
		call_fail(c, CUSTOMS_EINVAL);
		return;
	}
	pthread_mutex_lock(&mu);
	if (st.running) {
		pthread_mutex_unlock(&mu);
		free(path);
		answer(c, 202);
		return;
	}
	if (!(j = calloc(1, sizeof(*j))) || !(j->db = path ? path : strdup(c->cfg->db_path))) {
		pthread_mutex_unlock(&mu);
		free(j);
		free(path);
		call_error(c, 500, "internal", "out of memory");
		return;
	}
	st.running = st.ran = 1;
	stamp(st.started);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, update_main, j) != 0) {
		st.running = 0;
		st.failed = 1;
		snprintf(st.result, sizeof(st.result), "could not start the update");
		free(j->db);
		free(j);
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_unlock(&mu);
	answer(c, 202);
}

void route_feeds_update_state(call *c)
{
	answer(c, 200);
}

int feeds_update_running(void)
{
	pthread_mutex_lock(&mu);
	int r = st.running;
	pthread_mutex_unlock(&mu);
	return r;
}
