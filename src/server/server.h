/* server.h - customs serve and customs worker (src/server/): the HTTP API
 * of docs/api.md on libmicrohttpd, and the workers that take analyses off
 * the store's job queue.  Uses only the public API (include/customs/),
 * like the command line; every response body is written by the output
 * stage (customs_report_write). */
#ifndef CUSTOMS_SERVER_H
#define CUSTOMS_SERVER_H

#include <signal.h>
#include <stddef.h>

typedef struct server_config {
	const char *listen;          /* "HOST:PORT"; port 0: any free one (printed) */
	const char *store_url;       /* NULL: the default store */
	const char *db_path;         /* the vulnerability database, NULL: the default one */
	const char *tls_cert, *tls_key; /* PEM files: HTTPS */
	int workers;                 /* worker threads taking jobs (0: none) */
	int threads;                 /* threads answering requests */
	int allow_anonymous_read;    /* GET without a token */
	int allow_local_images;      /* POST /v1/images may name paths on the server (oci:DIR, ...) */
	size_t max_body;             /* bytes of a request body */
	int timeout;                 /* seconds a connection may idle */
	int lease;                   /* seconds of a job's lease */
	size_t cache_bytes;          /* answers about stored images kept in memory; 0: none */
	int admission_timeout;       /* seconds an admission review may wait for analyses */
	int admission_fail_closed;   /* deny what cannot be analysed or evaluated in time */
	int watch_interval;          /* seconds between looks at the watched tags; 0: none */
} server_config;

/* Serve until SIGINT or SIGTERM.  0, or -1 with the error printed
 * ("customs serve: ..."). */
int server_run(const server_config *c);

typedef struct worker_config {
	const char *store_url;
	const char *db_path;         /* matched after each analysis when there is one */
	int threads;                 /* jobs at once */
	int lease;                   /* seconds */
	double poll;                 /* seconds between looks at an empty queue */
	const char *name;            /* "host:pid", the worker's name in the jobs */
	volatile sig_atomic_t *stop; /* set: finish the job at hand, then return */
} worker_config;

/* Run c->threads workers until *c->stop; 0, or -1 with the error printed. */
int worker_run(const worker_config *c);

/* The counters of the workers of this process (for /metrics). */
typedef struct worker_counts {
	long long jobs_done, jobs_failed, analyses;
} worker_counts;
void worker_counts_get(worker_counts *out);

#endif
