/* server_int.h - what the files of the server share: a request being
 * answered (a call), the helpers that answer it through the output stage,
 * and the route table (routes.c) that http.c dispatches on. */
#ifndef CUSTOMS_SERVER_INT_H
#define CUSTOMS_SERVER_INT_H

#include <stdio.h>

#include "customs/customs.h"
#include "customs/report.h"
#include "customs/store.h"
#include "server.h"

typedef struct server server;
typedef struct answer_cache answer_cache;

/* who may call a route */
enum { ACCESS_PUBLIC, ACCESS_READ, ACCESS_WRITE };

typedef struct call {
	server *srv;
	const server_config *cfg;
	void *conn;                  /* struct MHD_Connection */
	customs_store *store;        /* this thread's */
	answer_cache *cache;         /* answers about stored images, or NULL */
	const char *route;           /* the route's pattern */
	const char *method;
	const char *params[4];       /* the path's {} segments */
	size_t nparams;
	const char *body;            /* the request body, NUL-terminated */
	size_t len;
	/* the answer */
	int status;
	const char *content_type;
	char *buf;
	size_t size;
} call;

typedef struct route {
	const char *method;
	const char *pattern;         /* "/v1/images/{}/packages" */
	int access;
	void (*fn)(call *c);
	int cached;                  /* about one stored image ({} its digest): answers kept (cache.c) */
} route;

extern const route server_routes[];
extern const size_t server_nroutes;

/* A query-string argument, or NULL. */
const char *call_arg(call *c, const char *name);
/* Answer with r written in format (content type type); a write that fails
 * becomes a 500. */
void call_report(call *c, int status, const customs_report *r, const char *format, const char *type);
/* Answer {"error": {"code": code, "message": ...}} with status. */
void call_error(call *c, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Answer the library's error err (a CUSTOMS_E* code, the detail in
 * customs_error_last()) with the status it calls for; a server-side
 * failure is logged, and answered without its detail. */
void call_fail(call *c, int err);
/* Answer one object of columns and cells (types as customs_report's). */
void call_record(call *c, int status, const char *const *columns, const char *types, const char *const *cells,
		 size_t n);
/* Answer {KEY: value, "deleted": true} (type: value's column type). */
void call_deleted(call *c, const char *key, const char *value, const char *type);
/* Answer a table: every row (CUSTOMS_REPORT_ROWS), or its first row as
 * one object (CUSTOMS_REPORT_RECORD); then free it.  err < 0: answer
 * that error instead. */
void call_table(call *c, int status, int err, customs_store_table *t, customs_report_kind kind);
/* The body as JSON: an object, else a 400 answered and NULL. */
json_t *call_json(call *c);

/* The server's vulnerability database (--db, else customs db's), read-only:
 * 0 and *db, NULL when there is none; else the error answered. */
int call_vulndb(call *c, customs_vulndb **db);

/* cache.c: answers about stored images, checked against the image's
 * version (customs_store_image_version) */
int cache_new(answer_cache **out, size_t budget);
void cache_free(answer_cache *c);
/* 1 and the answer in out when key's answer is kept for version */
int cache_get(answer_cache *c, const char *key, const char *version, call *out);
void cache_put(answer_cache *c, const char *key, const char *version, const call *in);
void cache_counts(answer_cache *c, long long *hits, long long *misses);
/* fn's answer, from the cache when the image has not changed since */
void call_cached(call *c, void (*fn)(call *c));

/* /metrics: what the server counted, and the queue. */
void server_metrics(call *c);

/* policies.c */
struct customs_policy_bundle;
struct customs_policy_result;
/* An evaluation of a stored image, kept in the store (and what it borrows). */
typedef struct evaluation {
	struct customs_policy_result *pr;
	customs_match_result *m;
	customs_store_base *base;
	customs_vulndb *db;
} evaluation;
/* Evaluate b over a (stored: its matches and base from the store), with
 * tag for the mappings (NULL: the image's); keep the evaluation.  0, or an
 * error (answered when c->status is set); release e either way. */
int evaluation_run(call *c, evaluation *e, customs_analysis *a, const struct customs_policy_bundle *b, const char *tag);
void evaluation_release(evaluation *e);
/* The bundle policy names: a kept bundle's id (a string), a bundle (an
 * object), or NULL: the active bundle; NULL with the error answered. */
struct customs_policy_bundle *named_bundle(call *c, json_t *policy);
void route_policies(call *c);
void route_policy_get(call *c);
void route_policy_put(call *c);
void route_policy_delete(call *c);
void route_policy_validate(call *c);
void route_evaluate(call *c);
/* watch.c: the subscriptions' routes, and the watcher thread's body */
void route_subscription_add(call *c);
void route_subscriptions(call *c);
void route_subscription_delete(call *c);
void route_notifications(call *c);
int watch_run(const server_config *cfg, volatile sig_atomic_t *stop);

/* feeds.c: updating the vulnerability database */
void route_feeds_update(call *c);
void route_feeds_update_state(call *c);
/* 1 while an update runs (the server waits for it before it stops) */
int feeds_update_running(void);

/* web.c: the web page */
void route_web_index(call *c);
void route_web_js(call *c);
void route_web_css(call *c);

/* admission.c */
void route_admission(call *c);

#endif
