/* registry_http.h - the HTTP side of the registry client, below both the
 * requests (registry.c) and authentication (registry_auth.c): one client
 * per registry, curl handles set up alike, transfer errors worded alike,
 * retries with backoff.  FORMATS-images.md §5. */
#ifndef CUSTOMS_REGISTRY_HTTP_H
#define CUSTOMS_REGISTRY_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <curl/curl.h>

#include "customs/analysis.h"
#include "source/registry_ref.h"
#include "util/util.h"

enum { REG_AUTH_NONE = 0, REG_AUTH_BASIC, REG_AUTH_BEARER };

typedef struct reg_token {
	char *scope;
	char *token;
	time_t expires;
} reg_token;

/* One registry, shared by the thread that resolves the image and the
 * layer reader threads: everything mutable is under mu. */
typedef struct reg_client {
	char *host;            /* API host[:port] */
	char *domain;          /* for credentials: "docker.io", host[:port] */
	char *base;            /* "https://HOST" or "http://HOST" once pinged */
	int insecure;          /* --insecure-registry: unverified TLS, then plain HTTP */
	char *ca_file;
	long connect_timeout, low_speed_time, low_speed_limit, timeout, blob_timeout;
	int retries;

	pthread_mutex_t mu;
	/* credentials: given, or looked up on the first challenge */
	int creds_loaded;
	char *user;
	char *secret;          /* password, or an identity (refresh) token */
	int identity_token;
	char cred_source[160]; /* where they came from, for messages */
	/* learned from WWW-Authenticate */
	int scheme;
	char *realm, *service;
	reg_token *tokens;
	size_t ntokens;

	CURL *meta;            /* sequential small requests on the resolving thread */
} reg_client;

int reg__client_new(reg_client **out, const reg_ref *ref, const customs_options *opts);
void reg__client_free(reg_client *c);

/* Common easy-handle options: timeouts, TLS, redirects, protocols. */
void reg__setup_handle(reg_client *c, CURL *h, char *errbuf, long timeout);

/* Map a failed transfer to a message and code. what: "manifest X". */
int reg__curl_error(reg_client *c, CURL *h, CURLcode rc, const char *errbuf, const char *what);
/* Is this transfer failure worth a retry? */
int reg__retryable(CURLcode rc);
/* Sleep before retry number n (0-based); retry_after: seconds the server asked for, or -1. */
void reg__backoff(int n, long retry_after);
/* host[:port] of a URL, for messages; writes "" on failure. */
void reg__url_authority(char *out, size_t n, const char *url, int with_port);
/* The number in environment variable name, def when unset or outside [min, max]. */
long reg__env_long(const char *name, long def, long min, long max);

#endif
